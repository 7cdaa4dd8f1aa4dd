"""The report: rows with their targets, the machine they were measured on, the table and the JSON."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pressfeed


@dataclass
class Row:
    """One figure: `value` (median of the subject) beside `floor` (median of the floor or baseline).

    `ratio` is the median of the paired ratios subject/floor, one per repetition, and
    `ratio_min` the smallest of them; a target on a ratio is judged on the median.
    """

    figure: str
    value: float | None
    unit: str
    floor: float | None
    ratio: float | None
    target: str
    met: bool
    note: str = ""
    ratio_min: float | None = None
    runs: int = 0


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def source_state() -> str:
    """The commit and a digest of the pressfeed sources measured, so a table can be tied to the code."""
    package = Path(pressfeed.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".sql") and path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    text = f"sources {digest.hexdigest()[:12]}"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        root = package.parents[1]
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", str(package)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        text += f", git {commit}" + (" + uncommitted changes" if dirty else "")
    return text


def header(size_line: str, reps: int) -> list[str]:
    return [
        "pressfeed benchmark",
        f"  python     {platform.python_implementation()} {platform.python_version()}",
        f"  pressfeed  {pressfeed.__version__} ({source_state()})",
        f"  cpu        {cpu_model()}, {os.cpu_count()} cores, {memory_gib()} GiB",
        f"  date       {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"  size       {size_line}",
        f"  method     floor and pressfeed alternate, {reps} repetitions each; ratio = median of the paired "
        "ratios (min beside it); CPU over the whole process tree",
    ]


def memory_gib() -> str:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.0f}"
    return "?"


def number(value: float | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or (float(value).is_integer() and abs(value) >= 1):
        return f"{value:.0f}"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def table(rows: Sequence[Row]) -> list[str]:
    head = ("figure", "value", "unit", "floor", "ratio", "min", "target", "met")
    cells = [
        (
            r.figure,
            number(r.value),
            r.unit,
            number(r.floor),
            f"{number(r.ratio)}×" if r.ratio is not None else "-",
            f"{number(r.ratio_min)}×" if r.ratio_min is not None else "-",
            r.target,
            "yes" if r.met else "MISSED",
        )
        for r in rows
    ]
    widths = [max(len(str(c[i])) for c in (head, *cells)) for i in range(len(head))]
    right = {1, 3, 4, 5}

    def line(cols: Sequence[str]) -> str:
        padded = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cols, widths, strict=True)))
        return "  ".join(padded).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(c) for c in cells]
    out.append("")
    out += [f"  {r.figure}: {r.note}" for r in rows if r.note]
    return out


def write_json(path: Path, rows: Sequence[Row], meta: dict[str, object]) -> None:
    """The rows as a JSON list of {figure, value, unit, floor, ratio, ratio_min, runs, target, met, note}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = [asdict(r) for r in rows]
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    meta_path = path.with_suffix(".meta.json")
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
