"""Running a suite: one worker process per target, runs alternating between targets.

Each case runs ``warmup`` unrecorded times and then ``runs`` recorded times per target;
in each round the order of the targets rotates, so no target always goes first. The first
answer of each target is checked against the suite's reference (or the other targets').
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sparkflight.benchmarks import worker
from sparkflight.benchmarks.answers import differences
from sparkflight.benchmarks.suites import SUITES, Options, Outcome
from sparkflight.benchmarks.targets import SparkSettings

#: How often the memory suite samples the server's resident memory.
MEMORY_SAMPLE_INTERVAL_S = 0.05
#: A guard against a worker that never answers, not a performance expectation.
WORKER_START_TIMEOUT_S = 600.0
#: A guard against a target that hangs while it prepares a suite or runs a case: the
#: worker is then ended, its server with it, and the case fails.
ANSWER_TIMEOUT_S = 3600.0
WORKER_STOP_TIMEOUT_S = 120.0


@dataclass
class Measurement:
    """All runs of one case on one target."""

    seconds: list[float] = field(default_factory=list)
    metrics: list[dict[str, float]] = field(default_factory=list)
    peak_rss: list[int] = field(default_factory=list)
    base_rss: list[int] = field(default_factory=list)
    error: str | None = None
    wrong: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def metric(self, name: str) -> float | None:
        values = [m[name] for m in self.metrics if name in m]
        return statistics.median(values) if values else None


@dataclass
class Results:
    """A suite's run: what ran where, and every measurement by case and target."""

    suite: str
    targets: list[str]
    cases: list[str]
    runs: int
    warmup: int
    settings: dict[str, str]
    options: dict[str, Any]
    machine: dict[str, Any]
    command: str = ""
    started: str = ""
    finished: str = ""
    measurements: dict[str, dict[str, Measurement]] = field(default_factory=dict)

    def at(self, case: str, target: str) -> Measurement:
        return self.measurements.setdefault(case, {}).setdefault(target, Measurement())


def machine() -> dict[str, Any]:
    """The machine and software the benchmark runs on, and its load now."""
    import psutil
    import pyarrow
    import pyspark

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory GiB": round(psutil.virtual_memory().total / (1 << 30), 1),
        "load average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "pyspark": pyspark.__version__,
        "pyarrow": pyarrow.__version__,
    }


def _tree_rss(pid: int) -> int:
    """Resident memory of process ``pid`` and all its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        total = root.memory_info().rss
        for child in root.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total
    except psutil.Error:
        return 0


class Worker:
    """The benchmark process's end of one target's worker process."""

    def __init__(self, target: str, settings: SparkSettings, url: str | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.target = target
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=worker.main,
            args=(child, target, settings, url),
            name=f"bench-{target}",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.server_pid = 0
        self.error: str | None = None
        self.answer_timeout = ANSWER_TIMEOUT_S
        self._ready = False

    def wait_ready(self) -> None:
        """Wait for the target to open (or fail to)."""
        if self._ready or self.error is not None:
            return
        reply = self._receive(WORKER_START_TIMEOUT_S)
        if reply[0] == "ready":
            self.server_pid = reply[1]
            self._ready = True
        else:
            self.error = reply[1]

    def _receive(self, timeout: float, tick: Callable[[], None] | None = None) -> tuple:
        """The worker's next reply; an error if it exits or does not answer in ``timeout``
        seconds (then it is ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pipe.poll(MEMORY_SAMPLE_INTERVAL_S):
                try:
                    return self.pipe.recv()
                except EOFError:
                    self.process.join(WORKER_STOP_TIMEOUT_S)
                    return self._exited()
            if tick is not None:
                tick()
            if not self.process.is_alive() and not self.pipe.poll():
                return self._exited()
        self.error = f"{self.target} did not answer in {timeout:.0f} s: its worker was ended"
        self.kill()
        return ("error", self.error)

    def _exited(self) -> tuple[str, str]:
        return ("error", f"{self.target} worker exited ({self.process.exitcode})")

    def prepare(self, suite: str, options: Options) -> str | None:
        """Prepare ``suite`` on the target; the error, if it failed."""
        self.wait_ready()
        if self.error is not None:
            return self.error
        self.pipe.send(("prepare", suite, options))
        reply = self._receive(self.answer_timeout)
        return reply[1] if reply[0] != "ok" else None

    def run(
        self, suite: str, case: str, measurement: Measurement, sample_memory: bool
    ) -> Outcome | None:
        """Run ``case`` once; record its time (and memory) in ``measurement``."""
        peak = base = _tree_rss(self.server_pid) if sample_memory else 0

        def sample() -> None:
            nonlocal peak
            peak = max(peak, _tree_rss(self.server_pid))

        self.pipe.send(("run", suite, case))
        reply = self._receive(self.answer_timeout, sample if sample_memory else None)
        if sample_memory:
            measurement.base_rss.append(base)
            measurement.peak_rss.append(max(peak, _tree_rss(self.server_pid)))
        if reply[0] != "ok":
            measurement.error = reply[1]
            if not self.process.is_alive():
                self.error = reply[1]
            return None
        _, seconds, outcome = reply
        measurement.seconds.append(seconds)
        measurement.metrics.append(outcome.metrics)
        return outcome

    def stop(self) -> None:
        """Ask the worker to close its target; end it if it does not in time."""
        if self.process.is_alive():
            try:
                self.pipe.send(("stop",))
            except OSError:
                pass
            self.process.join(WORKER_STOP_TIMEOUT_S)
        self.kill()

    def kill(self) -> None:
        """End the worker (its server gets SIGTERM as its parent dies): SIGTERM, then
        SIGKILL if it is still alive after ``WORKER_STOP_TIMEOUT_S``."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(WORKER_STOP_TIMEOUT_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def start_workers(
    targets: list[str], settings: SparkSettings, urls: dict[str, str] | None = None
) -> list[Worker]:
    """One worker per target, opening their targets at once."""
    return [Worker(target, settings, (urls or {}).get(target)) for target in targets]


def _as_rows(answer: Any) -> list[tuple[Any, ...]]:
    if isinstance(answer, list):
        return [tuple(row) if isinstance(row, tuple | list) else (row,) for row in answer]
    return [tuple(answer) if isinstance(answer, tuple) else (answer,)]


class Progress:
    """What the runner reports while it works (the command line shows it with rich)."""

    def phase(self, text: str) -> None: ...

    def start(self, total: int) -> None: ...

    def advance(self, description: str) -> None: ...


def run_suite(
    suite_name: str,
    targets: list[str],
    runs: int | None = None,
    warmup: int | None = None,
    options: Options | None = None,
    progress: Progress | None = None,
    workers: list[Worker] | None = None,
) -> Results:
    """Run ``suite_name`` on ``targets``: every case ``warmup`` + ``runs`` times per target
    (by default, as many as the suite suggests).

    The targets' workers are started and stopped here unless ``workers`` are given.
    """
    suite = SUITES[suite_name]
    options = options or Options()
    progress = progress or Progress()
    runs = runs if runs is not None else suite.default_runs
    warmup = warmup if warmup is not None else suite.default_warmup
    cases = suite.cases(options)
    settings = suite.settings(options)
    results = Results(
        suite=suite.name,
        targets=list(targets),
        cases=cases,
        runs=runs,
        warmup=warmup,
        settings={"master": settings.master} | settings.conf(),
        options={k: str(v) for k, v in vars(options).items()},
        machine=machine(),
        started=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    progress.phase(f"preparing {suite.name}")
    suite.before(options)
    reference = suite.reference(options)
    progress.phase(f"starting {', '.join(targets)}")
    own = workers is None
    active = start_workers(targets, settings) if workers is None else workers
    try:
        for w in active:
            progress.phase(f"preparing {suite.name} on {w.target}")
            error = w.prepare(suite.name, options)
            if error is not None:
                for case in cases:
                    results.at(case, w.target).error = error
        ready = [w for w in active if w.error is None and w.target in targets]
        progress.start(len(cases) * (warmup + runs) * len(ready))
        for case in cases:
            first_answers: dict[str, Any] = {}
            for round_ in range(warmup + runs):
                shift = round_ % max(1, len(ready))
                for w in ready[shift:] + ready[:shift]:
                    progress.advance(f"{case} · {w.target}")
                    measurement = results.at(case, w.target)
                    if w.error is not None or measurement.error is not None and round_ == 0:
                        measurement.error = measurement.error or w.error
                        continue
                    scratch = Measurement() if round_ < warmup else measurement
                    outcome = w.run(suite.name, case, scratch, suite.samples_memory)
                    if scratch is not measurement:
                        measurement.error = scratch.error
                        measurement.peak_rss += scratch.peak_rss
                        measurement.base_rss += scratch.base_rss
                    if outcome is not None and w.target not in first_answers:
                        first_answers[w.target] = outcome.answer
            _check(case, first_answers, reference, results)
    finally:
        if own:
            progress.phase("stopping targets")
            for w in active:
                w.stop()
    results.finished = datetime.now(UTC).isoformat(timespec="seconds")
    results.machine["load average at end"] = [round(x, 2) for x in os.getloadavg()]
    return results


def _check(
    case: str,
    answers: dict[str, Any],
    reference: dict[str, Any] | None,
    results: Results,
) -> None:
    if reference is not None:
        expected = reference[case]
    elif answers:
        expected = next(iter(answers.values()))
    else:
        return
    for target, answer in answers.items():
        wrong = differences(_as_rows(answer), _as_rows(expected))
        if wrong is not None:
            results.at(case, target).wrong = wrong
