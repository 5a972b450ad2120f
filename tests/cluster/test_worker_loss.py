"""A worker lost in the middle of a multi-stage query: Spark re-runs its tasks elsewhere.

It runs on a cluster and server of its own, which it leaves with one worker and a lost
executor: the package's shared cluster stays whole whatever order its tests run in.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator

import pyarrow.flight as fl
import pytest

from tests.cluster.conftest import (
    WORKERS,
    ClusterServer,
    active_executors,
    cluster_status,
    serving_on,
    started_cluster,
)
from tests.cluster.standalone import StandaloneCluster
from tests.conftest import SERVER_START_TIMEOUT_S
from tests.flight_server.plan_builder import connect

ROWS = 10_000_000
PARTITIONS = 8
BUCKETS = 97
# Two scans shuffled for a sort-merge join, then an aggregation and a sort: several stages.
QUERY = f"""
SELECT /*+ SHUFFLE_MERGE(b) */ b.k, count(*) AS n, sum(a.id) AS total
FROM range(0, {ROWS}, 1, {PARTITIONS}) a
JOIN (SELECT id, id % {BUCKETS} AS k FROM range(0, {ROWS}, 1, {PARTITIONS})) b ON a.id = b.id
GROUP BY b.k
ORDER BY b.k
"""
_POLL_S = 0.2


@pytest.fixture(scope="module")
def cluster() -> Iterator[StandaloneCluster]:
    """This module's own cluster, not the package's."""
    with started_cluster() as started:
        yield started


@pytest.fixture(scope="module")
def cluster_server(cluster: StandaloneCluster) -> Iterator[ClusterServer]:
    with serving_on(cluster) as served:
        yield served


@pytest.fixture(scope="module")
def flight_client(cluster_server: ClusterServer) -> Iterator[fl.FlightClient]:
    client = connect(cluster_server.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def spark(cluster_server: ClusterServer) -> Iterator[object]:
    from sparkflight.client import SparkSession

    session = SparkSession.builder.remote(cluster_server.url).getOrCreate()
    yield session
    session.stop()


def expected_rows() -> list[tuple[int, int, int]]:
    """Per bucket k: how many ids in [0, ROWS) are k modulo BUCKETS, and their sum."""
    rows = []
    for k in range(BUCKETS):
        n = len(range(k, ROWS, BUCKETS))
        rows.append((k, n, n * k + BUCKETS * n * (n - 1) // 2))
    return rows


def completed_tasks(client: fl.FlightClient) -> int:
    return sum(e.completed_tasks for e in active_executors(cluster_status(client)))


def test_query_survives_a_worker_killed_mid_flight(
    cluster: StandaloneCluster, spark, flight_client: fl.FlightClient
) -> None:
    baseline = completed_tasks(flight_client)
    outcome: dict[str, object] = {}

    def query() -> None:
        try:
            outcome["rows"] = [tuple(row) for row in spark.sql(QUERY).collect()]
        except Exception as exc:  # reported by the assertion below
            outcome["error"] = exc

    running = threading.Thread(target=query)
    running.start()
    # Mid-flight: a task of the query's first stage has finished and written shuffle
    # output, and the query is still running.
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while completed_tasks(flight_client) == baseline and running.is_alive():
        assert time.monotonic() < deadline, "the query ran no task"
        time.sleep(_POLL_S)
    victim = cluster.workers[0]
    victim.kill_group(signal.SIGKILL)
    assert running.is_alive(), "the query ended before the worker was lost"
    running.join()

    assert "error" not in outcome, outcome.get("error")
    assert outcome["rows"] == expected_rows()
    status = cluster_status(flight_client)
    executors = [e for e in status.executors if e.id != "driver"]
    assert [e.active for e in executors].count(False) == 1
    assert len(cluster.alive_workers()) == WORKERS - 1
