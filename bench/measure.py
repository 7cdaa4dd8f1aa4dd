"""How every figure is measured: child processes, CPU over the whole process tree, paired repetitions.

Each measurement runs in a fresh child process, the floor's as well as pressfeed's,
so neither side inherits the other's caches or heap. Two kinds:

* a **task** (``bench/tasks.py``): the child imports and sets up untimed, then times
  its work region and reports it. Wall time is the region's ``perf_counter``; CPU is
  the user + system time of the child's whole process tree (worker processes,
  forkserver and resource tracker included) minus what the child itself used
  outside the region (interpreter start, imports, setup; counting afterwards);
* a **command** (``python3 -c pass``, ``pressfeed run``): the whole process, from
  spawn to exit, wall and tree CPU.

Tree CPU is exact, not sampled: this process makes itself a *child subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``), so processes a child leaves behind (the
forkserver that started pressfeed's workers and reaped them) are re-parented to
us instead of init, and the sweep after each child reaps them all. The kernel then
adds every reaped process's CPU, and that of the processes it reaped, to our
``getrusage(RUSAGE_CHILDREN)``; the delta across one measurement is the tree's CPU.

Memory: the child's own peak is its ``VmHWM`` (``ru_maxrss`` would carry the
parent's size across ``exec``). The tree's peak is sampled every 100 ms as the sum
of the proportional set size (PSS: shared pages split between the processes that
share them) of the child and its descendants, with psutil when it is installed.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PR_SET_CHILD_SUBREAPER = 36
#: how long the sweep waits for a child's leftover processes (forkserver, resource tracker) to exit
SWEEP_TIMEOUT = 30.0
SAMPLE_EVERY = 0.1


class MeasureError(RuntimeError):
    """A measured child failed or left processes that never exited."""


def become_subreaper() -> bool:
    """Adopt orphaned descendants, so their CPU reaches our RUSAGE_CHILDREN (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sweep_orphans(deadline: float) -> None:
    """Reap every process re-parented to us; they exit once the child that owned them is gone."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                raise MeasureError("a measured child left processes running after it exited")
            time.sleep(0.005)


class TreeMemory:
    """The highest sum of PSS over a process and its descendants, sampled on a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self.available = _psutil() is not None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-memory", daemon=True)

    def __enter__(self) -> TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _run(self) -> None:
        psutil = _psutil()
        assert psutil is not None
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.wait(SAMPLE_EVERY):
            total = 0
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            for process in processes:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_full_info().pss // 1024
            self.peak_kib = max(self.peak_kib, total)


def _psutil() -> Any:
    try:
        import psutil
    except ImportError:
        return None
    return psutil


@dataclass(frozen=True)
class Sample:
    """One measurement of one side."""

    wall: float  # seconds: the work region (task) or the whole process (command)
    cpu: float  # seconds of user + system CPU over the process tree
    peak_mb: float | None = None  # the child's own VmHWM
    tree_peak_mb: float | None = None  # sampled PSS sum of the tree, when sampled
    report: dict[str, Any] = field(default_factory=dict)  # what the task said about its work


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("PRESSFEED_CONFIG", None)  # an explicit config only
    # bytecode caches on, as in any installed Python: otherwise every start compiles pressfeed's sources again
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_task(name: str, params: dict[str, Any], *, memory: bool = False, profile: Path | None = None) -> Sample:
    """Run ``bench.tasks`` task `name` in a child process and measure its work region."""
    with tempfile.NamedTemporaryFile(prefix="bench-result-", suffix=".json", delete=False) as fh:
        result_path = Path(fh.name)
    argv = [sys.executable, "-m", "bench.tasks", name, json.dumps(params), str(result_path)]
    if profile is not None:
        argv.append(str(profile))
    try:
        _, cpu, tree_kib, proc = _spawn(argv, memory=memory)
        if proc.returncode != 0:
            raise MeasureError(f"task {name} exited with {proc.returncode}:\n{proc.stderr[-3000:]}")
        report = json.loads(result_path.read_text(encoding="utf-8"))
    finally:
        result_path.unlink(missing_ok=True)
    return Sample(
        wall=report["wall"],
        cpu=cpu - report["cpu_outside"],
        peak_mb=report["vmhwm_kib"] / 1024,
        tree_peak_mb=tree_kib / 1024 if tree_kib else None,
        report=report,
    )


def run_command(argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Sample:
    """Run a whole command; its wall time from spawn to exit and its tree's CPU."""
    wall, cpu, _, proc = _spawn(list(argv), cwd=cwd, env=env)
    if proc.returncode != 0:
        raise MeasureError(f"{' '.join(argv)} exited with {proc.returncode}:\n{proc.stderr[-3000:]}")
    return Sample(wall=wall, cpu=cpu)


def _spawn(
    argv: list[str], *, memory: bool = False, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, int, subprocess.CompletedProcess[str]]:
    sweep_orphans(time.monotonic() + SWEEP_TIMEOUT)  # nothing of an earlier child may count here
    before = children_cpu()
    start = time.perf_counter()
    with subprocess.Popen(
        argv,
        cwd=cwd or ROOT,
        env=env or child_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as popen:
        sampler = TreeMemory(popen.pid) if memory else contextlib.nullcontext()
        with sampler:
            out, err = popen.communicate()
        wall = time.perf_counter() - start
    sweep_orphans(time.monotonic() + SWEEP_TIMEOUT)
    cpu = children_cpu() - before
    tree_kib = sampler.peak_kib if isinstance(sampler, TreeMemory) else 0
    return wall, cpu, tree_kib, subprocess.CompletedProcess(argv, popen.returncode, out, err)


# -- repetitions ------------------------------------------------------------------------------


@dataclass
class Paired:
    """Repetitions of a floor (or baseline) and a subject, measured in the same rounds; paired by round."""

    floor: list[Sample] = field(default_factory=list)
    subject: list[Sample] = field(default_factory=list)

    def ratios(self, metric: Callable[[Sample], float | None]) -> list[float]:
        out = []
        for a, b in zip(self.subject, self.floor, strict=True):
            x, y = metric(a), metric(b)
            if x is not None and y:
                out.append(x / y)
        return out


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def wall_of(sample: Sample) -> float:
    return sample.wall


def cpu_of(sample: Sample) -> float:
    return sample.cpu
