"""The systems measured: sparkflight, Apache Spark Connect and classic in-process PySpark.

A target is opened inside its own worker process (see :mod:`sparkflight.benchmarks.worker`), since
classic PySpark and a Spark Connect client cannot share a Python process with another
Spark. The two servers run as their own processes, started here with the same Spark
settings as classic PySpark.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

#: A guard against a server that never comes up, not a performance expectation.
SERVER_START_TIMEOUT_S = 600.0
SERVER_STOP_TIMEOUT_S = 60.0
CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
#: The environment variable Spark Connect's server reads the token its clients must send.
CONNECT_TOKEN_ENV = "SPARK_CONNECT_AUTHENTICATE_TOKEN"
#: What Spark Connect's server logs once it listens, with the port it bound.
CONNECT_STARTED = re.compile(r"Spark Connect server started at: \S*:(\d+)")


@dataclass(frozen=True)
class SparkSettings:
    """The Spark settings every target runs with."""

    master: str = "local[2]"
    driver_memory: str = "1g"
    shuffle_partitions: int = 4
    extra: dict[str, str] = field(default_factory=dict)

    def conf(self) -> dict[str, str]:
        return {
            "spark.driver.memory": self.driver_memory,
            "spark.sql.shuffle.partitions": str(self.shuffle_partitions),
            "spark.sql.session.timeZone": "UTC",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            # Classic toPandas() converts through Arrow as Spark Connect always does.
            "spark.sql.execution.arrow.pyspark.enabled": "true",
        } | self.extra


def terminate_with_parent() -> None:
    """Have Linux send SIGTERM to this process when its parent dies, even by SIGKILL."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ServerProcess:
    """A server subprocess whose stderr and stdout go to a log file."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="sparkflight-bench-", suffix=".log")
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
            preexec_fn=terminate_with_parent,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def first_line(self, timeout: float) -> str:
        """The first line the server prints on stdout."""
        lines: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            return lines.get(timeout=timeout).strip()
        except queue.Empty:
            raise self.failed(f"printed nothing in {timeout:.0f} s") from None

    def logged_port(self, pattern: re.Pattern[str], timeout: float) -> int:
        """The port in the first log line matching ``pattern`` (its first group)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = pattern.search(Path(self.log.name).read_text(errors="replace"))
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                raise self.failed(f"exited with {self.process.returncode}")
            time.sleep(0.2)
        raise self.failed(f"logged no port it listens on in {timeout:.0f} s")

    def failed(self, what: str) -> RuntimeError:
        """Stop the server; an error saying ``what`` went wrong, with its log's tail."""
        tail = Path(self.log.name).read_text(errors="replace").splitlines()[-40:]
        self.stop()
        return RuntimeError(f"server {what}:\n" + "\n".join(tail))

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop in time."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _spark_env() -> dict[str, str]:
    from sparkflight.flight_server.runtime import ensure_java

    ensure_java()
    return os.environ | {"SPARK_LOCAL_IP": "127.0.0.1"}


def start_sparkflight_server(settings: SparkSettings) -> tuple[ServerProcess, str]:
    """``sparkflight serve`` on a free port; the process and its URL."""
    args = [sys.executable, "-m", "sparkflight", "serve", "--host", "127.0.0.1", "--port", "0"]
    args += ["--master", settings.master]
    for key, value in settings.conf().items():
        args += ["--conf", f"{key}={value}"]
    server = ServerProcess(args, _spark_env())
    url = server.first_line(SERVER_START_TIMEOUT_S)
    if not url.startswith("grpc://"):
        raise server.failed(f"printed {url!r} instead of its URL")
    return server, url


def start_spark_connect_server(settings: SparkSettings) -> tuple[ServerProcess, str]:
    """Apache Spark Connect's own server (``spark-submit`` of its server class) of this
    pyspark installation; the process and its ``sc://`` URL.

    It listens on loopback only, on a port it binds itself (and logs), and takes only
    clients that present a token made for this run.
    """
    import pyspark

    spark_home = Path(pyspark.__file__).parent
    conf = settings.conf() | {
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": "0",
    }
    args = [str(spark_home / "bin" / "spark-submit"), "--class", CONNECT_SERVER_CLASS]
    args += ["--master", settings.master, "--driver-memory", settings.driver_memory]
    for key, value in conf.items():
        args += ["--conf", f"{key}={value}"]
    args.append("spark-internal")
    token = secrets.token_urlsafe(32)
    env = _spark_env() | {"SPARK_HOME": str(spark_home), CONNECT_TOKEN_ENV: token}
    server = ServerProcess(args, env)
    port = server.logged_port(CONNECT_STARTED, SERVER_START_TIMEOUT_S)
    # The client sends a token in the clear only to "localhost" (over local credentials).
    return server, f"sc://localhost:{port}/;token={token}"


@dataclass
class Target:
    """An open target in a worker process: a session, its functions module, and the
    process whose tree holds the target's server (for memory sampling; 0 if unknown)."""

    name: str
    spark: Any
    functions: ModuleType
    server_pid: int
    new_session: Callable[[], Any]
    close: Callable[[], None]


def open_sparkflight(settings: SparkSettings, url: str | None = None) -> Target:
    """Our client on our server: a server started here, or the one at ``url``."""
    from sparkflight import client
    from sparkflight.client import functions

    server = None
    if url is None:
        server, url = start_sparkflight_server(settings)
    spark = client.SparkSession.builder.remote(url).getOrCreate()

    def close() -> None:
        with contextlib.suppress(Exception):
            spark.stop()
        if server is not None:
            server.stop()

    return Target(
        "sparkflight",
        spark,
        functions,
        server.pid if server is not None else 0,
        lambda: client.SparkSession.builder.remote(url).create(),
        close,
    )


def open_spark_connect(settings: SparkSettings, url: str | None = None) -> Target:
    """PySpark's Connect client on Spark Connect's server: one started here, or ``url``."""
    from pyspark.sql import SparkSession, functions

    server = None
    if url is None:
        server, url = start_spark_connect_server(settings)
    spark = SparkSession.builder.remote(url).getOrCreate()

    def close() -> None:
        with contextlib.suppress(Exception):
            spark.stop()
        if server is not None:
            server.stop()

    return Target(
        "spark-connect",
        spark,
        functions,
        server.pid if server is not None else 0,
        lambda: SparkSession.builder.remote(url).create(),
        close,
    )


def open_classic(settings: SparkSettings, url: str | None = None) -> Target:
    """In-process PySpark in the worker (``url`` is not used: there is no server)."""
    from pyspark.sql import functions

    from sparkflight.flight_server.runtime import start_spark

    spark = start_spark(settings.master, settings.conf(), app_name="sparkflight-bench")
    return Target("classic", spark, functions, os.getpid(), spark.newSession, spark.stop)


TARGETS: dict[str, Callable[[SparkSettings, str | None], Target]] = {
    "sparkflight": open_sparkflight,
    "spark-connect": open_spark_connect,
    "classic": open_classic,
}
