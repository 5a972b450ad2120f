"""What ``sparkflight status`` prints: a server's ``ClusterStatus`` as rich tables."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.table import Table

from sparkflight.plans import sparkflight_pb2 as sf

__all__ = ["status_tables"]

_MIB = 1024**2


def _mib(megabytes: int) -> str:
    return f"{megabytes / 1024:.1f} GiB" if megabytes >= 1024 else f"{megabytes} MiB"


def _application(status: sf.ClusterStatus) -> Table:
    table = Table(title="Spark application", show_header=False)
    table.add_column("setting", style="bold")
    table.add_column("value")
    executors = [e for e in status.executors if e.id != "driver"]
    active = [e for e in executors if e.active]
    rows = {
        "master": status.master,
        "application": f"{status.application_name} ({status.application_id})",
        "executors": f"{len(active)} active, {len(executors) - len(active)} lost",
        "cores": str(sum(e.cores for e in active)),
        "default parallelism": str(status.default_parallelism),
        "executor memory": status.executor_memory or "Spark's default",
        "executor cores": status.executor_cores or "Spark's default",
        "dynamic allocation": "on" if status.dynamic_allocation else "off",
    }
    if status.master_web_url:
        rows["master web UI"] = status.master_web_url
    for setting, value in rows.items():
        table.add_row(setting, value)
    return table


def _workers(status: sf.ClusterStatus) -> Table:
    table = Table(title="Workers")
    for column in ("id", "address", "state"):
        table.add_column(column)
    for column in ("cores", "cores used", "memory", "memory used"):
        table.add_column(column, justify="right")
    for worker in status.workers:
        table.add_row(
            worker.id,
            worker.host_port,
            worker.state,
            str(worker.cores),
            str(worker.cores_used),
            _mib(worker.memory_mb),
            _mib(worker.memory_used_mb),
        )
    return table


def _executors(status: sf.ClusterStatus) -> Table:
    table = Table(title="Executors")
    table.add_column("id")
    table.add_column("address")
    table.add_column("state")
    for column in ("cores", "storage memory", "active tasks", "completed tasks", "failed tasks"):
        table.add_column(column, justify="right")
    for executor in status.executors:
        table.add_row(
            executor.id,
            executor.host_port,
            "active" if executor.active else "lost",
            str(executor.cores),
            _mib(executor.max_memory // _MIB),
            str(executor.active_tasks),
            str(executor.completed_tasks),
            str(executor.failed_tasks),
        )
    return table


def _rate(rows_per_second: float) -> str:
    return f"{rows_per_second:.1f}"


#: The columns of the streaming queries table: (header, right-aligned, cell of a query).
_STREAMING_COLUMNS: tuple[tuple[str, bool, Callable[[sf.StreamingQueryStatusEntry], str]], ...] = (
    ("id", False, lambda q: q.id),
    ("name", False, lambda q: q.name),
    ("session", False, lambda q: q.session_id or "default"),
    ("batch", True, lambda q: str(q.batch_id) if q.batch_id >= 0 else "-"),
    ("input rows/s", True, lambda q: _rate(q.input_rows_per_second)),
    ("processed rows/s", True, lambda q: _rate(q.processed_rows_per_second)),
    ("last progress", False, lambda q: q.last_progress_timestamp or "-"),
)


def _streaming(status: sf.ClusterStatus) -> Table:
    table = Table(title="Streaming queries")
    for header, right, _ in _STREAMING_COLUMNS:
        table.add_column(header, justify="right" if right else "left")
    for query in status.streaming_queries:
        table.add_row(*(cell(query) for _, _, cell in _STREAMING_COLUMNS))
    return table


def status_tables(status: sf.ClusterStatus) -> Group:
    """The application, the workers (of a standalone master), the executors and the
    running streaming queries."""
    parts: list[Table | str] = [_application(status)]
    if status.workers:
        parts.append(_workers(status))
    elif status.workers_error:
        parts.append(f"[yellow]Workers unknown:[/] {status.workers_error}")
    parts.append(_executors(status))
    if status.streaming_queries:
        parts.append(_streaming(status))
    return Group(*parts)
