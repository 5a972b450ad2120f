"""Clients that go away mid-query: Ctrl-C, a killed process; queries that run too long."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client.errors import SparkFlightException
from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.resume import held_results
from sparkflight.flight_server.server import SparkFlightServer
from tests.conftest import REPO_ROOT, terminate_with_parent

#: A query that runs for days: it is always cancelled, never finishes within a test.
SLOW = "select max(id * 2) as m from range(0, 1000000000000000, 1, 2)"
#: An idle limit far longer than a test's calls; the server looks every quarter of it.
IDLE_SECONDS = 60
# A guard against a test that would otherwise wait forever, not a timing expectation.
PATIENCE_S = 120

CLIENT = """
import sys
from sparkflight.client import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
print("connected", flush=True)
spark.sql(sys.argv[2]).collect()
"""


@contextlib.contextmanager
def serving(
    spark: SparkSession, limits: Limits | None = None
) -> Iterator[tuple[SparkFlightServer, str]]:
    server, url = start_server(spark, "127.0.0.1", 0, limits=limits)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server, url
    finally:
        server.shutdown()
        thread.join()


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.1)


def active_jobs(spark: SparkSession) -> list[int]:
    return list(spark.sparkContext.statusTracker().getActiveJobsIds())


@pytest.fixture(scope="module")
def server(served_spark: SparkSession) -> Iterator[tuple[SparkFlightServer, str]]:
    with serving(served_spark) as served:
        yield served


@contextlib.contextmanager
def _client_process(url: str, query: str) -> Iterator[subprocess.Popen[str]]:
    """A client process running ``query`` once connected; killed if it outlives the block
    (a failed test), and by Linux if the test process dies."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLIENT, url, query],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=terminate_with_parent if sys.platform == "linux" else None,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "connected"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_ctrl_c_during_an_action_cancels_its_spark_job(server, served_spark):
    _, url = server
    with _client_process(url, SLOW) as process:
        wait_until(lambda: active_jobs(served_spark), "the query to start")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=PATIENCE_S)
    assert "KeyboardInterrupt" in stderr
    wait_until(lambda: not active_jobs(served_spark), "the Spark job to be cancelled")


def test_a_query_running_longer_than_the_timeout_is_interrupted(served_spark):
    with serving(served_spark, Limits(query_seconds=10)) as (_, url):
        with RemoteSession.builder.remote(url).create() as spark:
            with pytest.raises(SparkFlightException, match="query_seconds=10"):
                spark.sql(SLOW).collect()
            assert spark.range(4).count() == 4
        wait_until(lambda: not active_jobs(served_spark), "the Spark job to be cancelled")


def test_a_client_killed_mid_query_leaves_no_spark_job_and_no_session(served_spark):
    """The client reads resumably: its query waits the resume timeout, then is cancelled."""
    # The resume timeout runs only once the client is gone; the session could go idle
    # before its query starts, so it expires only once the test ages it.
    limits = Limits(session_idle_seconds=IDLE_SECONDS, resume_seconds=3)
    with serving(served_spark, limits) as (server, url):
        with _client_process(url, SLOW) as process:
            wait_until(lambda: active_jobs(served_spark), "the query to start")
            assert len(server.sessions) == 1
            assert len(held_results(server.sessions)) == 1
            process.kill()
            process.wait()
        wait_until(lambda: not held_results(server.sessions), "the resume timeout")
        wait_until(lambda: not active_jobs(served_spark), "the Spark job to be cancelled")
        wait_until(lambda: server.sessions.running() == 0, "the operation to end")
        for session in server.sessions.every():
            session.last_used -= IDLE_SECONDS  # as if it had been idle that long
        wait_until(lambda: len(server.sessions) == 0, "the session to expire")
