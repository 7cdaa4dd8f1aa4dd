"""The run log (pressfeed.runlog) shared by overlapping processes; the CLI's use of it is in test_cli.py."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

MESSAGES = 1000

#: a process writing MESSAGES messages of three long lines (past a stdio buffer, whose flushes would cut lines)
WRITER = """\
import sys
from pathlib import Path
from pressfeed.runlog import RunLog

log = RunLog.open(Path(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()  # both start writing at once
for n in range(int(sys.argv[3])):
    log.write(sys.argv[2], "\\n".join(f"{n} {part} " + "x" * 3000 for part in ("a", "b", "c")))
"""


def test_overlapping_writers_interleave_whole_messages(tmp_path: Path) -> None:
    path = tmp_path / "run.log"
    path.write_text("an earlier line\n", encoding="utf-8")
    args = [[sys.executable, "-c", WRITER, str(path), name, str(MESSAGES)] for name in ("run", "build")]
    writers = [subprocess.Popen(a, stdin=subprocess.PIPE, stdout=subprocess.PIPE) for a in args]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline() == b"ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write(b"go\n")
        writer.stdin.close()
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    earlier, *lines = path.read_text(encoding="utf-8").splitlines()
    assert earlier == "an earlier line"  # appended, not truncated
    assert len(lines) == 2 * MESSAGES * 3
    shape = re.compile(r"\S+ \[(\d+)\] (run|build): (\d+) ([abc]) x{3000}")
    parsed = [shape.fullmatch(line) for line in lines]
    assert all(parsed), next(line for line, match in zip(lines, parsed, strict=True) if not match)[:80]
    for at in range(0, len(lines), 3):  # a message's three lines are together, in order
        message = [m for m in parsed[at : at + 3] if m]
        assert len({(m[1], m[2], m[3]) for m in message}) == 1, [m[0][:40] for m in message]
        assert [m[4] for m in message] == ["a", "b", "c"]
