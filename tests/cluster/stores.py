"""The standalone test cluster with a result store per worker, as on machines of their own.

Each worker has its own store directory, named to its executors (and their Python
workers) by ``SPARKFLIGHT_RESULT_STORE`` in the worker's environment, and its own
``sparkflight worker`` serving it; the server runs with ``--result-store`` and
``--result-key-file``. ``python -m tests.cluster.stores`` starts it all and prints the
server's URL, for measurements (``benchmarks/parts_cluster.py``), until Ctrl-C or
SIGTERM; with ``--without-stores``, the cluster and a server without result stores.
"""

from __future__ import annotations

import contextlib
import secrets
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sparkflight.flight_server.result_store import STORE_ENV
from tests.cluster.conftest import WORKERS, ClusterServer, serving_on, started_cluster
from tests.cluster.standalone import StandaloneCluster
from tests.conftest import SERVER_START_TIMEOUT_S, ServerProcess, outlives_modules


@dataclass(frozen=True)
class PartWorker:
    """A ``sparkflight worker`` over one Spark worker's store: its URL and its log."""

    process: ServerProcess
    url: str
    store: Path

    def log(self) -> str:
        return Path(self.process.log.name).read_text(errors="replace")


@dataclass(frozen=True)
class StoredCluster:
    cluster: StandaloneCluster
    server: ClusterServer
    workers: list[PartWorker]


@contextlib.contextmanager
def part_worker(store: Path, key_file: Path) -> Iterator[PartWorker]:
    """``sparkflight worker`` over ``store`` on a free port of loopback."""
    command = [sys.executable, "-m", "sparkflight", "worker", "--store", str(store)]
    command += ["--key-file", str(key_file), "--host", "127.0.0.1", "--port", "0"]
    with tempfile.NamedTemporaryFile(prefix="sparkflight-part-worker-", suffix=".log") as log:
        process = ServerProcess(command, log)
        outlives_modules(process.process.pid)
        try:
            yield PartWorker(process, process.read_url(SERVER_START_TIMEOUT_S), store)
        finally:
            process.stop()


@contextlib.contextmanager
def cluster_with_stores(*server_options: str) -> Iterator[StoredCluster]:
    """The cluster, a ``sparkflight worker`` per Spark worker, and the server."""
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sparkflight-stores-")))
        key_file = root / "result.key"
        key_file.write_text(secrets.token_urlsafe(32) + "\n")
        workers = [
            stack.enter_context(part_worker(root / f"worker-{number}", key_file))
            for number in range(1, WORKERS + 1)
        ]
        cluster = stack.enter_context(
            started_cluster(lambda number: {STORE_ENV: str(workers[number - 1].store)})
        )
        options = ("--result-store", str(root / "server"), "--result-key-file", str(key_file))
        server = stack.enter_context(serving_on(cluster, *options, *server_options))
        yield StoredCluster(cluster, server, workers)


def _serve_until_stopped(arguments: list[str]) -> None:
    import signal
    import threading

    with contextlib.ExitStack() as stack:
        if arguments[:1] == ["--without-stores"]:
            cluster = stack.enter_context(started_cluster())
            url = stack.enter_context(serving_on(cluster, *arguments[1:])).url
        else:
            url = stack.enter_context(cluster_with_stores(*arguments)).server.url
        print(url, flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    _serve_until_stopped(sys.argv[1:])
