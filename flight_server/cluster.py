"""The state of the Spark application the server drives and of the cluster it runs on.

Executors come from the driver's own status store (the data behind Spark's web UI, kept
even when the UI is off). A standalone master's workers come from the master's web UI
(``/json/``): at ``spark.sparkflight.master.webUrl`` when set, else on Spark's default
master UI port of each master host.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from pyspark.sql import SparkSession

from sparkflight.plans import sparkflight_pb2 as sf

__all__ = ["MASTER_WEB_URL_CONF", "cluster_status"]

MASTER_WEB_URL_CONF = "spark.sparkflight.master.webUrl"
#: Spark's default port of a standalone master's web UI.
DEFAULT_MASTER_UI_PORT = 8080
_MASTER_UI_TIMEOUT_S = 3
_STANDALONE = "spark://"


def cluster_status(spark: SparkSession) -> sf.ClusterStatus:
    """The application's master, settings and executors, and a standalone master's workers."""
    sc = spark.sparkContext
    conf = sc.getConf()
    status = sf.ClusterStatus(
        master=sc.master,
        application_id=sc.applicationId,
        application_name=sc.appName,
        default_parallelism=sc.defaultParallelism,
        executor_memory=conf.get("spark.executor.memory", ""),
        executor_cores=conf.get("spark.executor.cores", ""),
        dynamic_allocation=conf.get("spark.dynamicAllocation.enabled", "false") == "true",
        executors=_executors(spark),
    )
    if sc.master.startswith(_STANDALONE):
        urls = _master_web_urls(sc.master, conf.get(MASTER_WEB_URL_CONF))
        _add_workers(status, urls)
    return status


def _executors(spark: SparkSession) -> list[sf.ExecutorStatus]:
    store = spark.sparkContext._jsc.sc().statusStore()
    summaries = store.executorList(False).iterator()
    executors = []
    while summaries.hasNext():
        summary = summaries.next()
        executors.append(
            sf.ExecutorStatus(
                id=summary.id(),
                host_port=summary.hostPort(),
                active=summary.isActive(),
                cores=summary.totalCores(),
                max_memory=summary.maxMemory(),
                active_tasks=summary.activeTasks(),
                completed_tasks=summary.completedTasks(),
                failed_tasks=summary.failedTasks(),
            )
        )
    return executors


def _master_web_urls(master: str, configured: str | None) -> list[str]:
    """The web UIs to ask: the configured one, else each master host's default one."""
    if configured:
        return [configured.rstrip("/")]
    hosts = master.removeprefix(_STANDALONE).split(",")
    return [f"http://{host.rpartition(':')[0]}:{DEFAULT_MASTER_UI_PORT}" for host in hosts]


def _add_workers(status: sf.ClusterStatus, urls: list[str]) -> None:
    """Workers of the first master that answers as the alive (leading) one."""
    problems = []
    for url in urls:
        try:
            with urllib.request.urlopen(f"{url}/json/", timeout=_MASTER_UI_TIMEOUT_S) as answer:
                state: dict[str, Any] = json.load(answer)
        except (OSError, ValueError) as exc:
            problems.append(f"{url}: {exc}")
            continue
        if state.get("status") != "ALIVE":
            problems.append(f"{url}: master is {state.get('status')}")
            continue
        status.master_web_url = url
        status.workers.extend(_worker(worker) for worker in state.get("workers", []))
        return
    status.workers_error = (
        "no standalone master web UI answered ("
        + "; ".join(problems)
        + f"); set {MASTER_WEB_URL_CONF} to its URL"
    )


def _worker(worker: dict[str, Any]) -> sf.WorkerStatus:
    return sf.WorkerStatus(
        id=worker.get("id", ""),
        host_port=f"{worker.get('host', '')}:{worker.get('port', '')}",
        state=worker.get("state", ""),
        cores=worker.get("cores", 0),
        cores_used=worker.get("coresused", 0),
        memory_mb=worker.get("memory", 0),
        memory_used_mb=worker.get("memoryused", 0),
    )
