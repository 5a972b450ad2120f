"""Progress of queries: handler events, the progress action, the terminal bar and Ctrl-C."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import PROGRESS
from tests.conftest import REPO_ROOT

#: A guard against a child that hangs, not a performance expectation.
CHILD_TIMEOUT_S = 300


def _multi_stage(spark: SparkSession) -> Any:
    return (
        spark.range(0, 100_000, numPartitions=4)
        .groupBy((F.col("id") % 7).alias("k"))
        .count()
        .orderBy("k")
    )


def test_handlers_see_a_multi_stage_query_to_its_end(spark: SparkSession) -> None:
    events: list[dict[str, Any]] = []

    def handler(**event: Any) -> None:
        events.append(event)

    spark.registerProgressHandler(handler)
    try:
        rows = _multi_stage(spark).collect()
    finally:
        spark.removeProgressHandler(handler)
    assert [r["count"] for r in rows] == [14286] * 5 + [14285] * 2

    assert events and all(
        set(e) == {"stages", "inflight_tasks", "operation_id", "done"} for e in events
    )
    assert [e["done"] for e in events] == [False] * (len(events) - 1) + [True]
    assert len({e["operation_id"] for e in events}) == 1
    completed = [sum(s.num_completed_tasks for s in e["stages"]) for e in events]
    assert completed == sorted(completed)
    final = events[-1]["stages"]
    # The shuffle map stage of the aggregation, then the sort's stages: every one finished.
    assert len(final) >= 2
    assert all(s.done and s.num_completed_tasks == s.num_tasks > 0 for s in final)
    assert events[-1]["inflight_tasks"] == 0

    # The same operation's final report from the server: the rows and bytes sent.
    report = spark._connection.action(
        PROGRESS, sf.ProgressRequest(operation_id=events[-1]["operation_id"])
    )
    assert report.known and report.done and report.rows == 7 and report.bytes > 0
    assert [s.stage_id for s in report.stages] == [s.stage_id for s in final]


def test_handler_registry(spark: SparkSession) -> None:
    seen: list[bool] = []

    def first(**event: Any) -> None:
        seen.append(event["done"])

    def failing(**event: Any) -> None:
        raise RuntimeError("a faulty handler")

    spark.registerProgressHandler(first)
    spark.registerProgressHandler(failing)
    assert spark.range(3).count() == 3  # a failing handler does not break the query
    assert seen[-1] is True
    spark.removeProgressHandler(failing)
    spark.removeProgressHandler(first)
    seen.clear()
    spark.range(3).count()
    assert seen == []
    spark.clearProgressHandlers()
    assert spark._progress.handlers == []


def test_unknown_operation_has_no_progress(spark: SparkSession) -> None:
    report = spark._connection.action(
        PROGRESS, sf.ProgressRequest(operation_id="no-such-operation")
    )
    assert not report.known and not report.stages


_TERMINAL_SCRIPT = textwrap.dedent(
    """
    import sys
    from sparkflight.client import SparkSession

    spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
    try:
        spark.range(0, 10**13, numPartitions=2).filter("id < 0").collect()
    except KeyboardInterrupt:
        print("INTERRUPTED", flush=True)
    print("AFTER", spark.range(5).count(), flush=True)
    spark.stop()
    """
)


def _read_until(fd: int, marker: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + CHILD_TIMEOUT_S  # a guard against a hang, not a timing
    while marker not in seen:
        left = deadline - time.monotonic()
        ready = select.select([fd], [], [], left)[0] if left > 0 else []
        if not ready:
            raise AssertionError(f"no {marker!r} from the child; it wrote {bytes(seen)!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            raise AssertionError(f"child ended before {marker!r}; it wrote {bytes(seen)!r}")
        seen += chunk


def test_terminal_bar_and_ctrl_c_cancel_the_query(server_url: str) -> None:
    """Under a pseudo-terminal the bar shows on stderr; Ctrl-C cancels the query on the
    server and the session runs the next query."""
    main, child = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), COLUMNS="120", TERM="xterm")
    env.pop("SPARKFLIGHT_PROGRESS", None)
    process = subprocess.Popen(
        [sys.executable, "-c", _TERMINAL_SCRIPT, server_url],
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        cwd=REPO_ROOT,
        start_new_session=True,
    )
    os.close(child)
    seen = bytearray()
    try:
        _read_until(main, b"tasks", seen)  # the bar: "Spark ━━━ 0/2 tasks, 1 stage, ..."
        assert b"Spark" in seen
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        _read_until(main, b"AFTER 5", seen)
        assert b"INTERRUPTED" in seen
        assert process.wait(CHILD_TIMEOUT_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)


def test_no_bar_without_a_terminal(server_url: str) -> None:
    script = textwrap.dedent(
        """
        import sys
        from sparkflight.client import SparkSession
        spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
        print(spark.range(0, 100000, numPartitions=2).selectExpr("sum(id)").collect())
        spark.stop()
        """
    )
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("SPARKFLIGHT_PROGRESS", None)
    done = subprocess.run(
        [sys.executable, "-c", script, server_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=CHILD_TIMEOUT_S,
        check=True,
    )
    assert done.stdout.strip() == "[Row(sum(id)=4999950000)]"
    assert done.stderr == ""


@pytest.fixture(autouse=True)
def _no_handlers_left(spark: SparkSession) -> Any:
    yield
    spark.clearProgressHandlers()
