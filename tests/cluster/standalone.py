"""A real Spark standalone cluster on loopback, run from the pyspark installation.

One master and any number of workers, each a ``bin/spark-class`` JVM in its own process
group (so the executors a worker launches go with it), each asked by the kernel to
terminate when the test process dies, however it dies.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyspark

from sparkflight.flight_server.runtime import ensure_java

SPARK_HOME = Path(pyspark.__file__).parent
DAEMON_MEMORY = "256m"
#: A guard against a daemon that never comes up, not a performance expectation.
START_TIMEOUT_S = 180
STOP_TIMEOUT_S = 60
_POLL_S = 0.2
_MASTER_URL = re.compile(r"Starting Spark master at (spark://\S+)")
_MASTER_WEB_URL = re.compile(r"MasterWebUI: .* started at (http://\S+)")
_REGISTERED = re.compile("Successfully registered with master")


def _terminate_with_parent() -> None:
    """Own process group (for killpg), and SIGTERM from Linux when the test process dies."""
    os.setsid()
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Daemon:
    """A master or worker JVM, its output kept in ``log``."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: re.Pattern[str]) -> re.Match[str]:
        """The first match of ``pattern`` in the log, waiting for it to appear."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            match = pattern.search(self.text())
            if match:
                return match
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"{self.name} exited with {code}:\n{self.text()}")
            time.sleep(_POLL_S)
        raise RuntimeError(
            f"{self.name} logged no {pattern.pattern!r} in {START_TIMEOUT_S} s:\n{self.text()}"
        )

    def kill_group(self, sig: signal.Signals = signal.SIGKILL) -> None:
        """Send ``sig`` to the daemon and the executors it started, as if its machine died."""
        os.killpg(self.process.pid, sig)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL if it does not go."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                continue
            # The JVM is gone; make sure executors of its group are too.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return


@dataclass
class StandaloneCluster:
    """A master on 127.0.0.1 and its workers; use as a context manager."""

    work_dir: Path
    worker_cores: int = 1
    worker_memory: str = "1g"
    master: Daemon | None = None
    workers: list[Daemon] = field(default_factory=list)
    url: str = ""
    web_url: str = ""
    #: Called with the process id of each daemon started.
    on_spawn: Callable[[int], None] = lambda pid: None
    #: The environment of worker ``n`` (from 1) beside the cluster's, which its executors
    #: and their Python workers inherit.
    worker_env: Callable[[int], dict[str, str]] = lambda number: {}

    def _env(self) -> dict[str, str]:
        java = ensure_java()
        env = os.environ | {
            "SPARK_HOME": str(SPARK_HOME),
            "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
            "SPARK_LOCAL_IP": "127.0.0.1",
            "SPARK_WORKER_DIR": str(self.work_dir / "work"),
            "SPARK_LOG_DIR": str(self.work_dir),
            # The master's REST submission server would take the fixed port 6066.
            "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
            # Executors run the test's interpreter for any Python they need.
            "PYSPARK_PYTHON": sys.executable,
        }
        if java.home is not None:
            env["JAVA_HOME"] = str(java.home)
        return env

    def _spawn(self, name: str, *args: str, env: dict[str, str] | None = None) -> Daemon:
        log = self.work_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(SPARK_HOME / "bin" / "spark-class"), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self._env() | (env or {}),
                cwd=self.work_dir,
                preexec_fn=_terminate_with_parent,
            )
        self.on_spawn(process.pid)
        return Daemon(name, process, log)

    def start(self, workers: int = 2) -> StandaloneCluster:
        """Start the master and ``workers`` workers; return once all are registered."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        try:
            self.master = self._spawn(
                "master",
                "org.apache.spark.deploy.master.Master",
                *("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"),
            )
            self.url = self.master.wait_for(_MASTER_URL).group(1)
            self.web_url = self.master.wait_for(_MASTER_WEB_URL).group(1)
            self.add_workers(workers)
        except BaseException:
            self.stop()
            raise
        return self

    def add_workers(self, count: int = 1) -> list[Daemon]:
        """Start ``count`` more workers; return once the master has registered them all."""
        started = [
            self._spawn(
                f"worker-{number}",
                "org.apache.spark.deploy.worker.Worker",
                *("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"),
                *("--cores", str(self.worker_cores), "--memory", self.worker_memory),
                *("--work-dir", str(self.work_dir / "work")),
                self.url,
                env=self.worker_env(number),
            )
            for number in range(len(self.workers) + 1, len(self.workers) + 1 + count)
        ]
        self.workers += started
        for worker in started:
            worker.wait_for(_REGISTERED)
        return started

    def alive_workers(self) -> list[Daemon]:
        return [worker for worker in self.workers if worker.process.poll() is None]

    def stop(self) -> None:
        """Stop every worker (and its executors), then the master."""
        for daemon in [*self.workers, *([self.master] if self.master else [])]:
            daemon.stop()

    def __enter__(self) -> StandaloneCluster:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
