"""Imported by the multiprocessing forkserver when it starts, and by nothing else.

The forkserver is spawned with the caller's stdout and stderr. When the main
process is killed, the forkserver lives on until its workers are gone, and a
cron mailer or `| logger` reading that pipe would wait for it. So it lets go
of them at once; its workers, forked from it, inherit /dev/null instead.

Its listening socket lives in the caller's multiprocessing temp directory
(``$TMPDIR/pymp-*``), which only the caller's exit handlers remove: a caller
killed by SIGKILL or SIGTERM (a cron timeout, the OOM killer) would leave it
behind on every run. The forkserver outlives its caller and leaves normally
when the caller is gone, so it removes them on its way out.
"""

import atexit
import contextlib
import os

from pressfeed.workers import detach_stdio


def _remove_listener() -> None:
    # forkserver.main() records its listener's address here; there is no public name for it
    from multiprocessing import forkserver

    address = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_address", None)
    if not isinstance(address, str) or not address or address.startswith("\0"):
        return  # abstract sockets leave no file
    with contextlib.suppress(OSError):
        os.unlink(address)
    with contextlib.suppress(OSError):  # the caller removed it already, or something else lives there
        os.rmdir(os.path.dirname(address))


detach_stdio()
atexit.register(_remove_listener)
