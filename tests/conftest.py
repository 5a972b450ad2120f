"""Shared fixtures: one sparkflight server per test run, clients to it, and classic PySpark.

Both Spark sessions (the server's and ``classic``) use the UTC session time zone, and the
test process and the server run with ``TZ=UTC``, so results compare the same everywhere.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

SPARK_CONF = {
    "spark.driver.memory": "1536m",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
}
SERVER_MASTER = "local[2]"
# A guard against a server that never comes up, not a performance expectation.
SERVER_START_TIMEOUT_S = 300
SERVER_STOP_TIMEOUT_S = 120
FAILURE_LOG_LINES = 200


#: This run's own directory: every temporary file of the tests, their servers and their
#: Spark goes under it (``TMPDIR``, Java's ``java.io.tmpdir``, Spark's local directories,
#: the warehouse), and it is removed when the run ends.
RUN_DIR = Path(tempfile.mkdtemp(prefix="sparkflight-tests-"))
#: The settings that keep a test Spark's files in ``RUN_DIR`` (part of ``SPARK_CONF``).
RUN_SPARK_CONF: dict[str, str] = {}


def _keep_files_in_run_dir() -> None:
    from sparkflight.flight_server.runtime import spark_defaults

    temp = RUN_DIR / "tmp"
    temp.mkdir()
    os.environ["TMPDIR"] = str(temp)
    tempfile.tempdir = None  # tempfile reads TMPDIR again
    # Hypothesis's example database and caches (read when first used, after this).
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(RUN_DIR / "hypothesis")
    java_tmp = f"-Djava.io.tmpdir={temp} -Dderby.system.home={RUN_DIR / 'derby'}"
    RUN_SPARK_CONF.update(
        {
            "spark.sql.warehouse.dir": str(RUN_DIR / "spark-warehouse"),
            "spark.local.dir": str(RUN_DIR / "spark-local"),
            "spark.driver.extraJavaOptions": (
                f"{spark_defaults()['spark.driver.extraJavaOptions']} {java_tmp}"
            ),
            "spark.executor.extraJavaOptions": java_tmp,
        }
    )
    SPARK_CONF.update(RUN_SPARK_CONF)


def pytest_configure(config: pytest.Config) -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    _keep_files_in_run_dir()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(RUN_DIR, ignore_errors=True)


def terminate_with_parent() -> None:
    """Have Linux send SIGTERM to this child when the test process dies, even by SIGKILL."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


class ServerProcess:
    """A ``sparkflight serve`` subprocess, its stderr kept in a file."""

    def __init__(self, args: list[str], log: IO[bytes]) -> None:
        self.log = log
        self.url: str | None = None
        self.process = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            preexec_fn=terminate_with_parent if sys.platform == "linux" else None,
        )

    def read_url(self, timeout: float) -> str:
        """The URL the server prints once it accepts requests."""
        lines: queue.Queue[str] = queue.Queue()
        assert self.process.stdout is not None
        stdout = self.process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            raise RuntimeError(
                f"sparkflight serve printed no URL in {timeout} s:\n{self.log_tail()}"
            ) from None
        if not line.startswith("grpc://"):
            self.stop()
            raise RuntimeError(f"sparkflight serve failed (printed {line!r}):\n{self.log_tail()}")
        self.url = line.strip()
        return self.url

    def stop(self) -> int:
        """SIGTERM, then wait; a server that does not stop is killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log_size(self) -> int:
        return os.path.getsize(self.log.name)

    def log_tail(self, since: int = 0, lines: int = FAILURE_LOG_LINES) -> str:
        with open(self.log.name, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def serve_command(*extra: str, master: str = SERVER_MASTER) -> list[str]:
    """The ``sparkflight serve`` command line the tests run, with ``extra`` arguments."""
    args = [sys.executable, "-m", "sparkflight", "serve", "--host", "127.0.0.1"]
    args += ["--port", "0", "--master", master]
    for key, value in SPARK_CONF.items():
        args += ["--conf", f"{key}={value}"]
    return args + list(extra)


_server: ServerProcess | None = None


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The URL of the one sparkflight server of this test run."""
    global _server
    with tempfile.NamedTemporaryFile(prefix="sparkflight-server-", suffix=".log") as log:
        _server = ServerProcess(serve_command(), log)
        outlives_modules(_server.process.pid)
        try:
            yield _server.read_url(SERVER_START_TIMEOUT_S)
        finally:
            returncode = _server.stop()
            if returncode != 0:
                sys.stderr.write(
                    f"\nsparkflight server exited with {returncode}:\n{_server.log_tail()}\n"
                )
            _server = None


def server_pid() -> int:
    """The process id of the run's server (started by ``server_url``)."""
    assert _server is not None, "the run's server is not started"
    return _server.process.pid


_log_offset = pytest.StashKey[int]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    if _server is not None:
        item.stash[_log_offset] = _server.log_size()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach what the server logged during a failed test to the test's report."""
    report = yield
    if report.failed and _server is not None and "server_url" in item.fixturenames:
        logged = _server.log_tail(item.stash.get(_log_offset, 0))
        if logged:
            report.sections.append(("sparkflight server stderr", logged))
    return report


@pytest.fixture(scope="session")
def flight_client(server_url: str) -> Iterator[object]:
    """A raw ``pyarrow.flight.FlightClient`` connected to the server; it keeps the
    ``ErrorDetails`` trailer of a failed call (``tests.flight_server.plan_builder.details``)."""
    import pyarrow.flight as flight

    from sparkflight.client.errors import DetailsTrailers

    client = flight.connect(server_url, middleware=[DetailsTrailers()])
    yield client
    client.close()


@pytest.fixture(scope="session")
def shared_spark(server_url: str) -> Iterator[object]:
    """A sparkflight client session on the server, for the whole run."""
    from sparkflight.client import SparkSession

    session = SparkSession.builder.remote(server_url).getOrCreate()
    yield session
    session.stop()


@pytest.fixture
def spark(shared_spark: Any) -> Any:
    """The run's client session, active again (a test may have made and stopped another
    one, which leaves none active, as in PySpark)."""
    from sparkflight.client import SparkSession

    SparkSession._set_active(shared_spark)
    return shared_spark


@pytest.fixture(scope="session")
def classic() -> Iterator[object]:
    """An in-process PySpark session, configured as the server's Spark, to compare with."""
    from sparkflight.flight_server.runtime import start_spark

    global _classic
    session = start_spark(SERVER_MASTER, SPARK_CONF, app_name="sparkflight-tests")
    outlives_modules(session.sparkContext._gateway.proc.pid)
    _classic = session
    yield session
    _classic = None
    session.stop()


@pytest.fixture(scope="module")
def served_spark(classic: Any) -> Iterator[object]:
    """A session of ``classic``'s Spark for a module's in-process servers to serve.

    ``classic`` stays the reference results are compared with: the servers' views, UDFs
    and SQL confs live in this session, not in it, and what they cached is uncached when
    the module ends. (Both share one SparkContext: there is one per JVM.)
    """
    session = classic.newSession()
    yield session
    session.catalog.clearCache()


# ------------------------------------------------------------------ what a module leaves

#: The processes (with their descendants) that fixtures keep for longer than a module:
#: the run's server, classic's JVM, a cluster's daemons.
_LONG_LIVED: set[int] = set()
_classic: Any = None
#: A guard for what a module started to end, not a timing expectation.
LEFTOVER_PATIENCE_S = 60
_LEFTOVER_POLL_S = 0.2


def outlives_modules(pid: int) -> None:
    """Say that process ``pid`` (and what it starts) is a fixture's and may outlive a module."""
    _LONG_LIVED.add(pid)


def _is_resource_tracker(process: Any) -> bool:
    """Whether ``process`` is multiprocessing's resource tracker, which lives as long as the
    process that started a ``spawn`` child."""
    import psutil

    try:
        return any("multiprocessing.resource_tracker" in part for part in process.cmdline())
    except psutil.Error:
        return False


def _stray_processes() -> list[Any]:
    """This process's descendants that no long-lived fixture owns, zombies aside."""
    import psutil

    stray = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            lineage = {child.pid} | {parent.pid for parent in child.parents()}
        except psutil.NoSuchProcess:
            continue
        if not lineage & _LONG_LIVED and not _is_resource_tracker(child):
            stray.append(child)
    return stray


def _running_spark_work() -> list[str]:
    """The Spark jobs of ``classic`` and the tasks and streaming queries of the run's
    server that are running now."""
    running = []
    if _classic is not None:
        jobs = list(_classic.sparkContext.statusTracker().getActiveJobsIds())
        running += [f"job {job} of classic" for job in jobs]
    if _server is not None and _server.url is not None:
        import pyarrow.flight as fl

        from sparkflight.plans import sparkflight_pb2 as sf

        with fl.connect(_server.url) as client:
            (result,) = client.do_action(fl.Action("status", b""))
        status = sf.ClusterStatus.FromString(result.body.to_pybytes())
        tasks = sum(e.active_tasks for e in status.executors)
        running += [f"{tasks} tasks on the run's server"] if tasks else []
        running += [f"streaming query {q} on the run's server" for q in status.streaming_queries]
    return running


def _untracked_files() -> set[str]:
    """The files in the repository git does not track, ignored ones included."""
    listed = subprocess.run(
        ["git", "status", "--porcelain", "--ignored=matching", "--untracked-files=normal"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {line[3:] for line in listed.splitlines() if line[:2] in ("??", "!!")}


def _settled(look: Any) -> Any:
    """``look()`` once it is empty, or what it still finds after ``LEFTOVER_PATIENCE_S``."""
    deadline = time.monotonic() + LEFTOVER_PATIENCE_S
    found = look()
    while found and time.monotonic() < deadline:
        time.sleep(_LEFTOVER_POLL_S)
        found = look()
    return found


@pytest.fixture(scope="module", autouse=True)
def leaves_nothing_behind() -> Iterator[None]:
    """Fail a module that leaves a child process or Spark work running, or writes files in
    the repository (a test's files belong in its temporary directory)."""
    import psutil

    untracked = _untracked_files()
    yield
    problems = []
    stray = _settled(_stray_processes)
    if stray:
        problems.append(f"child processes still running: {[p.cmdline()[:4] for p in stray]}")
        for process in stray:
            with contextlib.suppress(psutil.Error):
                process.kill()
    running = _settled(_running_spark_work)
    if running:
        problems.append(f"Spark work still running: {running}")
    written = sorted(_untracked_files() - untracked)
    if written:
        problems.append(f"files written in the repository: {written}")
    assert problems == [], "; ".join(problems)
