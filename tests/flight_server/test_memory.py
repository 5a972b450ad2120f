"""A query that exhausts its executor's memory fails alone: the server and every other
session keep working. Executors need their own JVMs for that (``local-cluster`` here, a
cluster in production): under ``local[*]`` an out-of-memory task ends Spark's one JVM.

A query whose executor is lost fails with ``UNAVAILABLE`` (the client may retry it), one
that exhausts memory with ``RESOURCE_EXHAUSTED`` (sent as ``INVALID_ARGUMENT``), with
each client (the error table in docs/protocol.md)."""

from __future__ import annotations

import tempfile

import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import pyarrow as pa
import pyarrow.flight as fl
import pytest

from sparkflight.client import SparkSession
from sparkflight.client.errors import PySparkException, SparkFlightException
from tests.conftest import SERVER_START_TIMEOUT_S, ServerProcess, serve_command
from tests.flight_server.plan_builder import Plans, connect, details, sql

MASTER = "local-cluster[1,1,1024]"
EXHAUSTING = "select size(collect_list(repeat('x', 10000))) as n from range(0, 2000000, 1, 1)"
#: Ends the JVM of the executor running the task: the executor is lost.
LOSING = "select reflect('java.lang.System', 'exit', 1) as x from range(1)"


def _out_of_memory(message: str) -> bool:
    """Whether an error message says memory ran out: the task's ``OutOfMemoryError``, or
    the exit code (52) Spark ends an executor with on one."""
    return "java.lang.OutOfMemoryError" in message or "exited with code 52" in message


@pytest.fixture(scope="module")
def cluster_url():
    command = serve_command(
        "--master",
        MASTER,
        "--conf",
        "spark.executor.memory=512m",
        "--conf",
        "spark.task.maxFailures=1",
    )
    with tempfile.NamedTemporaryFile(prefix="sparkflight-oom-", suffix=".log") as log:
        server = ServerProcess(command, log)
        try:
            yield server.read_url(SERVER_START_TIMEOUT_S)
        finally:
            assert server.stop() == 0, server.log_tail()


def test_a_query_exhausting_memory_fails_alone(cluster_url):
    with SparkSession.builder.remote(cluster_url).create() as victim:
        other = victim.newSession()
        other.sql("select 1 as x").createOrReplaceTempView("kept")
        with pytest.raises(PySparkException) as exhausted:
            victim.sql(EXHAUSTING).collect()
        assert _out_of_memory(str(exhausted.value)), exhausted.value
        assert [r.x for r in other.table("kept").collect()] == [1]
        assert victim.range(100).count() == 100
        other.stop()


def test_a_query_whose_executor_is_lost_is_unavailable(cluster_url):
    with pytest.raises(fl.FlightUnavailableError) as raw:
        connect(cluster_url).do_get(fl.Ticket(Plans().plan(sql(LOSING)))).read_all()
    assert "ExecutorLostFailure" in details(raw.value).message
    with adbc.connect(cluster_url, autocommit=True) as connection, connection.cursor() as cur:
        with pytest.raises(adbc_driver_manager.OperationalError, match="^IO: .*ExecutorLost"):
            cur.execute(LOSING)
            cur.fetchall()
    with SparkSession.builder.remote(cluster_url).create() as session:
        with pytest.raises(SparkFlightException, match="ExecutorLostFailure"):
            session.sql(LOSING).collect()
        assert session.range(100).count() == 100


def test_a_query_exhausting_memory_is_resource_exhausted(cluster_url):
    with pytest.raises(pa.ArrowInvalid) as raw:  # RESOURCE_EXHAUSTED, sent as INVALID_ARGUMENT
        connect(cluster_url).do_get(fl.Ticket(Plans().plan(sql(EXHAUSTING)))).read_all()
    assert _out_of_memory(details(raw.value).message), details(raw.value).message
