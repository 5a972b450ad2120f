"""The server as the driver of a standalone cluster: where tasks run, and what it reports."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow.flight as fl

from tests.cluster.conftest import WORKERS, active_executors, cluster_status
from tests.cluster.standalone import StandaloneCluster
from tests.conftest import REPO_ROOT
from tests.test_cli import table_rows

WORKER_MEMORY_MB = 1024


def test_status_reports_master_workers_and_executors(
    cluster: StandaloneCluster, flight_client: fl.FlightClient
) -> None:
    status = cluster_status(flight_client)
    assert status.master == cluster.url
    assert status.application_id.startswith("app-")
    assert status.master_web_url == cluster.web_url
    assert status.executor_memory == "512m"
    assert status.default_parallelism == WORKERS
    assert not status.workers_error
    assert len(status.workers) == WORKERS
    for worker in status.workers:
        assert worker.state == "ALIVE"
        assert worker.host_port.startswith("127.0.0.1:")
        assert (worker.cores, worker.cores_used) == (1, 1)
        assert worker.memory_mb == WORKER_MEMORY_MB
        assert worker.memory_used_mb == 512
    executors = active_executors(status)
    assert len(executors) == WORKERS
    assert all(e.cores == 1 and e.max_memory > 0 for e in executors)
    assert "driver" in {e.id for e in status.executors}


def test_status_command_prints_the_cluster(cluster: StandaloneCluster, server_url: str) -> None:
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    ran = subprocess.run(
        [sys.executable, "-m", "sparkflight", "status", server_url],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert ran.returncode == 0, ran.stderr
    rows = table_rows(ran.stdout)
    assert ("master", cluster.url) in rows
    assert ("cores", str(WORKERS)) in rows
    assert ("executors", f"{WORKERS} active, 0 lost") in rows
    workers = [row for row in rows if len(row) == 7 and row[2] == "ALIVE"]
    assert len(workers) == WORKERS
    assert all(row[3:] == ("1", "1", "1.0 GiB", "512 MiB") for row in workers)


def test_a_query_runs_tasks_on_both_workers(spark, flight_client: fl.FlightClient) -> None:
    from sparkflight.client import functions as F

    before = {e.id: e.completed_tasks for e in active_executors(cluster_status(flight_client))}
    rows = (
        spark.range(0, 1_000_000, 1, 8)
        .groupBy((F.col("id") % 7).alias("k"))
        .agg(F.count("*").alias("n"), F.sum("id").alias("total"))
        .orderBy("k")
        .collect()
    )
    expected = [(k, len(range(k, 1_000_000, 7)), sum(range(k, 1_000_000, 7))) for k in range(7)]
    assert [tuple(row) for row in rows] == expected
    after = {e.id: e.completed_tasks for e in active_executors(cluster_status(flight_client))}
    assert after.keys() == before.keys()
    assert all(after[e] > before[e] for e in before), (before, after)


def test_python_functions_run_on_the_executors(spark, flight_client: fl.FlightClient) -> None:
    """UDFs and mapInPandas run in the Python workers of both workers' executors."""
    from sparkflight.client import functions as F

    before = {e.id: e.completed_tasks for e in active_executors(cluster_status(flight_client))}
    offset = 3
    shifted = F.udf(lambda x: x + offset, "long")

    def halves(frames):
        for frame in frames:
            yield frame.assign(v=frame.v // 2)

    total = (
        spark.range(0, 100_000, 1, 8)
        .select(shifted("id").alias("v"))
        .mapInPandas(halves, "v long")
        .agg(F.sum("v"))
        .collect()[0][0]
    )
    assert total == sum((i + offset) // 2 for i in range(100_000))
    after = {e.id: e.completed_tasks for e in active_executors(cluster_status(flight_client))}
    assert all(after[e] > before[e] for e in before), (before, after)
