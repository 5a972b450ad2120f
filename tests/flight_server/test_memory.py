"""A query that exhausts its executor's memory fails alone: the server and every other
session keep working. Executors need their own JVMs for that (``local-cluster`` here, a
cluster in production): under ``local[*]`` an out-of-memory task ends Spark's one JVM."""

from __future__ import annotations

import tempfile

import pytest

from sparkflight.client import SparkSession
from tests.conftest import SERVER_START_TIMEOUT_S, ServerProcess, serve_command

MASTER = "local-cluster[1,1,1024]"
EXHAUSTING = "select size(collect_list(repeat('x', 10000))) as n from range(0, 2000000, 1, 1)"


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
        with pytest.raises(Exception, match="(?i)executor|memory|lost"):
            victim.sql(EXHAUSTING).collect()
        assert [r.x for r in other.table("kept").collect()] == [1]
        assert victim.range(100).count() == 100
        other.stop()
