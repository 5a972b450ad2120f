"""Progress of the session's queries: handlers, a terminal bar, a notebook line.

Every query and command runs under an operation id the client chooses. While it runs, a
background thread polls the server's ``progress`` action for that id every
:data:`POLL_INTERVAL_S` and passes what changed to the registered handlers (PySpark's
signature: ``handler(stages=, inflight_tasks=, operation_id=, done=)``) and to the
display; the result stream itself is untouched. When the operation ends the handlers get
one last event with ``done=True``. Nothing is polled when there is neither a handler nor
a display.

The display is a rich progress bar on stderr when stderr is a terminal, a live-updating
text line in Jupyter, and nothing otherwise (pipes, CI, pytest). ``spark.showProgress``
(or the ``SPARKFLIGHT_PROGRESS`` environment variable, ``1`` or ``0``) forces it on or off.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sparkflight.client.environment import in_notebook
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import PROGRESS
from sparkflight.plans.protocol import PROGRESS_REPORTS

if TYPE_CHECKING:
    from sparkflight.client.transport import Connection

#: How often a running operation's progress is polled.
POLL_INTERVAL_S = 0.2
#: Environment variable forcing the progress display on (``1``) or off (``0``).
PROGRESS_ENV = "SPARKFLIGHT_PROGRESS"
_BAR_WIDTH = 30

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageInfo:
    """One Spark stage of an operation, as PySpark's ``StageInfo``."""

    stage_id: int
    num_tasks: int
    num_completed_tasks: int
    num_bytes_read: int
    done: bool


#: ``handler(stages=..., inflight_tasks=..., operation_id=..., done=...)``.
ProgressHandler = Callable[..., None]


def stages_of(report: sf.ProgressResponse) -> list[StageInfo]:
    return [
        StageInfo(s.stage_id, s.num_tasks, s.num_completed_tasks, s.input_bytes_read, s.done)
        for s in report.stages
    ]


def _size(nbytes: int) -> str:
    size = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _tasks(report: sf.ProgressResponse) -> tuple[int, int]:
    return (
        sum(s.num_completed_tasks for s in report.stages),
        sum(s.num_tasks for s in report.stages),
    )


def summary(report: sf.ProgressResponse) -> str:
    """``12/20 tasks, 3 stages, 1,000 rows (8.0 KiB)``."""
    done, total = _tasks(report)
    stages = len(report.stages)
    return (
        f"{done}/{total} tasks, {stages} stage{'s' * (stages != 1)}, "
        f"{report.rows:,} row{'s' * (report.rows != 1)} ({_size(report.bytes)})"
    )


class Display(Protocol):
    def update(self, report: sf.ProgressResponse) -> None: ...

    def close(self, report: sf.ProgressResponse | None, failed: bool) -> None: ...


class TerminalBar:
    """A transient rich progress bar on stderr, shown once Spark runs a stage (an
    operation shorter than one poll interval shows nothing)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]Spark"),
            BarColumn(),
            TextColumn("{task.fields[summary]}"),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        self._task = self._progress.add_task("", total=None, summary="")
        self._started = False

    def update(self, report: sf.ProgressResponse) -> None:
        if not self._started and not report.stages:
            return
        done, total = _tasks(report)
        self._progress.update(
            self._task, completed=done, total=total or None, summary=summary(report)
        )
        if not self._started:
            self._started = True
            self._progress.start()

    def close(self, report: sf.ProgressResponse | None, failed: bool) -> None:
        if self._started:
            self._progress.stop()


class NotebookLine:
    """A text line in the notebook's output, updated in place: shown once Spark runs a
    stage, it ends with a summary of the operation."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._handle: Any = None

    def _show(self, text: str) -> None:
        data = {"text/plain": text}
        if self._handle is None:
            from IPython.display import display

            self._handle = display(data, raw=True, display_id=True)
        else:
            self._handle.update(data, raw=True)

    def update(self, report: sf.ProgressResponse) -> None:
        if self._handle is None and not report.stages:
            return
        done, total = _tasks(report)
        filled = _BAR_WIDTH * done // total if total else 0
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        self._show(f"Spark: [{bar}] {summary(report)}")

    def close(self, report: sf.ProgressResponse | None, failed: bool) -> None:
        if report is None or (self._handle is None and failed and not report.stages):
            return
        elapsed = time.monotonic() - self._started
        outcome = "failed after" if failed else "done in"
        self._show(f"Spark: {outcome} {elapsed:.1f} s: {summary(report)}")


def _display(show: bool | None) -> Display | None:
    if show is None:
        setting = os.environ.get(PROGRESS_ENV, "").strip().lower()
        show = {"1": True, "true": True, "0": False, "false": False}.get(setting)
    if show is False:
        return None
    if in_notebook():
        return NotebookLine()
    if show or sys.stderr.isatty():
        return TerminalBar()
    return None


class ProgressReporting:
    """A session's progress settings: its handlers, the display choice, server support."""

    def __init__(self, server_protocol: int) -> None:
        self.handlers: list[ProgressHandler] = []
        #: None: decide by where the output goes; True or False: always or never.
        self.show: bool | None = None
        self.server_protocol = server_protocol

    @contextmanager
    def operation(self, connection: Connection, operation_id: str) -> Iterator[None]:
        """Report the progress of operation ``operation_id`` while the block runs (servers
        older than protocol 2 report none: handlers only hear the end)."""
        supported = self.server_protocol >= PROGRESS_REPORTS.version
        reported_id = operation_id if supported else None
        handlers = list(self.handlers)
        display = _display(self.show) if supported else None
        poller = None
        if supported and (handlers or display is not None):
            poller = _Poller(connection, operation_id, handlers, display)
        failed = True
        try:
            yield
            failed = False
        finally:
            report = poller.finish() if poller is not None else None
            _notify(handlers, report, reported_id, done=True)
            if display is not None:
                display.close(report, failed)


def _notify(
    handlers: Sequence[ProgressHandler],
    report: sf.ProgressResponse | None,
    operation_id: str | None,
    done: bool,
) -> None:
    stages = stages_of(report) if report is not None else []
    inflight = report.inflight_tasks if report is not None else 0
    for handler in handlers:
        try:
            handler(stages=stages, inflight_tasks=inflight, operation_id=operation_id, done=done)
        except Exception:  # noqa: BLE001 - a faulty handler must not break the query
            _log.exception("progress handler %r failed", handler)


class _Poller:
    """Polls one operation's progress in a thread, reporting what changed."""

    def __init__(
        self,
        connection: Connection,
        operation_id: str,
        handlers: list[ProgressHandler],
        display: Display | None,
    ) -> None:
        self._connection = connection
        self._operation_id = operation_id
        self._handlers = handlers
        self._display = display
        self._stop = threading.Event()
        self._last: bytes | None = None
        self._report: sf.ProgressResponse | None = None
        self._thread = threading.Thread(target=self._run, name="sparkflight-progress", daemon=True)
        self._thread.start()

    def _poll(self) -> sf.ProgressResponse | None:
        request = sf.ProgressRequest(operation_id=self._operation_id)
        try:
            report = self._connection.action(PROGRESS, request)
        except Exception:  # noqa: BLE001 - progress is best effort; the query goes on
            _log.debug("progress of %s unavailable", self._operation_id, exc_info=True)
            return None
        return report if report.known else None

    def _report_changes(self, report: sf.ProgressResponse) -> None:
        self._report = report
        state = sf.ProgressResponse(
            stages=report.stages, inflight_tasks=report.inflight_tasks, rows=report.rows
        ).SerializeToString(deterministic=True)
        if state == self._last:
            return
        self._last = state
        _notify(self._handlers, report, self._operation_id, done=False)
        if self._display is not None:
            self._display.update(report)

    def _run(self) -> None:
        while not self._stop.wait(POLL_INTERVAL_S):
            report = self._poll()
            if report is not None and not self._stop.is_set():
                self._report_changes(report)

    def finish(self) -> sf.ProgressResponse | None:
        """Stop polling; the final report (None when the server has none)."""
        self._stop.set()
        self._thread.join()
        return self._poll() or self._report
