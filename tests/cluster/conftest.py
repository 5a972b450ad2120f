"""A Spark standalone cluster (a master, two one-core workers) and a server driving it.

The fixtures that tests elsewhere connect through (``server_url``, ``spark``,
``flight_client``, and ``client`` of the server tests) are overridden here, so their
tests imported into this package run against the server on the cluster. Everything is
package-scoped: the cluster stops once the tests of this package are done.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.flight as fl
import pytest

from sparkflight.plans import sparkflight_pb2 as sf
from tests.cluster.standalone import StandaloneCluster
from tests.conftest import (
    SERVER_START_TIMEOUT_S,
    ServerProcess,
    outlives_modules,
    serve_command,
)
from tests.flight_server.plan_builder import connect

WORKERS = 2
CLUSTER_CONF = {
    # Executors connect back to the driver on loopback, not another interface's address.
    "spark.driver.host": "127.0.0.1",
    "spark.executor.memory": "512m",
    "spark.executor.cores": "1",
}
_POLL_S = 0.5


def cluster_status(client: fl.FlightClient) -> sf.ClusterStatus:
    """The ``status`` action's answer."""
    (result,) = client.do_action(fl.Action("status", b""))
    return sf.ClusterStatus.FromString(result.body.to_pybytes())


def active_executors(status: sf.ClusterStatus) -> list[sf.ExecutorStatus]:
    return [e for e in status.executors if e.active and e.id != "driver"]


def wait_for_executors(client: fl.FlightClient, count: int) -> sf.ClusterStatus:
    """Wait until ``count`` executors are active, their block managers too; the status then."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        status = cluster_status(client)
        if sum(e.max_memory > 0 for e in active_executors(status)) >= count:
            return status
        time.sleep(_POLL_S)
    raise RuntimeError(f"the application has not {count} executors: {status}")


@contextlib.contextmanager
def started_cluster(
    worker_env: Callable[[int], dict[str, str]] = lambda number: {},
) -> Iterator[StandaloneCluster]:
    """A master and ``WORKERS`` workers in a temporary directory, worker ``n`` (from 1)
    with ``worker_env(n)`` in its environment."""
    with tempfile.TemporaryDirectory(prefix="sparkflight-cluster-") as work_dir:
        cluster = StandaloneCluster(
            Path(work_dir), on_spawn=outlives_modules, worker_env=worker_env
        )
        with cluster.start(WORKERS) as started:
            yield started


@pytest.fixture(scope="package")
def cluster() -> Iterator[StandaloneCluster]:
    with started_cluster() as started:
        yield started


@dataclass(frozen=True)
class ClusterServer:
    process: ServerProcess
    url: str


_running: ClusterServer | None = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the end of the cluster server's log to a failed test's report."""
    report = yield
    if report.failed and _running is not None:
        report.sections.append(("sparkflight cluster server stderr", _running.process.log_tail()))
    return report


@contextlib.contextmanager
def serving_on(cluster: StandaloneCluster, *options: str) -> Iterator[ClusterServer]:
    """``sparkflight serve --master spark://...`` with ``options``, once both workers run
    an executor."""
    global _running
    conf = CLUSTER_CONF | {"spark.sparkflight.master.webUrl": cluster.web_url}
    extra = [arg for key, value in conf.items() for arg in ("--conf", f"{key}={value}")]
    extra += options
    with tempfile.NamedTemporaryFile(prefix="sparkflight-cluster-server-", suffix=".log") as log:
        server = ServerProcess(serve_command(*extra, master=cluster.url), log)
        outlives_modules(server.process.pid)
        before = _running
        try:
            url = server.read_url(SERVER_START_TIMEOUT_S)
            client = fl.connect(url)
            try:
                wait_for_executors(client, WORKERS)
            finally:
                client.close()
            _running = ClusterServer(server, url)
            yield _running
        finally:
            _running = before
            returncode = server.stop()
            if returncode != 0:
                sys.stderr.write(
                    f"\nsparkflight cluster server exited with {returncode}:\n{server.log_tail()}\n"
                )


@pytest.fixture(scope="package")
def cluster_server(cluster: StandaloneCluster) -> Iterator[ClusterServer]:
    with serving_on(cluster) as served:
        yield served


@pytest.fixture(scope="package")
def server_url(cluster_server: ClusterServer) -> str:
    return cluster_server.url


@pytest.fixture(scope="package")
def flight_client(server_url: str) -> Iterator[fl.FlightClient]:
    """A raw Flight client that keeps the ``ErrorDetails`` trailer of a failed call."""
    client = connect(server_url)
    yield client
    client.close()


@pytest.fixture(scope="package")
def client(flight_client: fl.FlightClient) -> fl.FlightClient:
    """The server tests' name for the Flight client."""
    return flight_client


@pytest.fixture(scope="package")
def server(cluster_server: ClusterServer) -> ClusterServer:
    """The server tests ask for the server under test as ``server``."""
    return cluster_server


@pytest.fixture(scope="package")
def spark(server_url: str) -> Iterator[object]:
    from sparkflight.client import SparkSession

    session = SparkSession.builder.remote(server_url).getOrCreate()
    yield session
    session.stop()
