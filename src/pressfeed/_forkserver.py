"""Imported by the multiprocessing forkserver when it starts, and by nothing else.

The forkserver is spawned with the caller's stdout and stderr. When the main
process is killed, the forkserver lives on until its workers are gone, and a
cron mailer or `| logger` reading that pipe would wait for it. So it lets go
of them at once; its workers, forked from it, inherit /dev/null instead.
"""

from pressfeed.workers import detach_stdio

detach_stdio()
