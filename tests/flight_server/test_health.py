"""Health: the probes a supervisor reads, and a server whose Spark dies (its JVM killed, or
out of memory) that says so, ends its calls and exits for its supervisor to restart it."""

from __future__ import annotations

import contextlib
import re
import signal
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import psutil
import pyarrow.flight as fl
import pytest

from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client import functions as F
from sparkflight.client.errors import PySparkException, SparkFlightException
from sparkflight.flight_server.health import EXIT_OUT_OF_MEMORY, EXIT_SPARK_STOPPED
from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf
from tests.conftest import SERVER_START_TIMEOUT_S, ServerProcess, serve_command
from tests.flight_server.plan_builder import Plans, details, sql
from tests.flight_server.test_chaos import PATIENCE_S, serving, wait_until
from tests.flight_server.test_memory import EXHAUSTING

#: A result of one 1 MiB row per partition (and batch), for a client that stops reading.
HELD = "select repeat('x', 1048576) as s from range(0, 64, 1, 64)"
#: A result that streams for long: every row waits 200 ms in its task.
RUNNING = "select id, reflect('java.lang.Thread', 'sleep', 200L) as s from range(0, 10000, 1, 5000)"
#: A client whose HTTP/2 flow-control window stays at its initial 64 KiB (no BDP probing):
#: the server's write of a 1 MiB batch waits until the client reads it.
SMALL_WINDOW = [("grpc.http2.bdp_probe", 0)]
OK = (200, "ok\n")


def probe(port: int, path: str) -> tuple[int, str]:
    """The status and body of an HTTP probe of the metrics port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def flight_health(client: fl.FlightClient) -> sf.HealthResponse:
    [result] = client.do_action(fl.Action("health", b""))
    return sf.HealthResponse.FromString(result.body.to_pybytes())


def sent_rows(client: fl.FlightClient, operation_id: str) -> int:
    request = sf.ProgressRequest(operation_id=operation_id)
    [result] = client.do_action(fl.Action("progress", request.SerializeToString()))
    return sf.ProgressResponse.FromString(result.body.to_pybytes()).rows


def test_probes_say_live_and_ready_until_the_server_drains(classic):
    with serving(classic) as (server, url):
        port = server.metrics.serve("127.0.0.1", 0)
        client = fl.connect(url)
        assert probe(port, "/healthz") == OK and probe(port, "/readyz") == OK
        assert flight_health(client) == sf.HealthResponse(live=True, ready=True)
        status, metrics = probe(port, "/metrics")
        assert status == 200 and "sparkflight_calls_in_flight" in metrics
        server.drain(0)
        assert probe(port, "/healthz") == OK
        assert probe(port, "/readyz") == (503, "the server is shutting down\n")
        assert flight_health(client) == sf.HealthResponse(
            live=True, ready=False, reason="the server is shutting down"
        )
        server.metrics.close()
        client.close()


@dataclass
class DyingServer:
    """A ``sparkflight serve`` process of its own, with its metrics port."""

    process: ServerProcess
    url: str
    metrics_port: int

    def descendants(self) -> list[psutil.Process]:
        """Spark's processes: the JVM, and the Python workers it started."""
        return running(psutil.Process(self.process.process.pid).children(recursive=True))


@contextlib.contextmanager
def dying_server(*extra: str) -> Iterator[DyingServer]:
    """A server that keeps its calls in flight for up to 600 s once Spark stopped."""
    command = serve_command("--metrics-port", "0", "--shutdown-grace", "600", *extra)
    with tempfile.NamedTemporaryFile(prefix="sparkflight-health-", suffix=".log") as log:
        server = ServerProcess(command, log)
        try:
            url = server.read_url(SERVER_START_TIMEOUT_S)
            port = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", server.log_tail())
            assert port is not None, server.log_tail()
            yield DyingServer(server, url, int(port.group(1)))
        finally:
            server.stop()


def running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still running (a zombie has ended)."""
    alive = []
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
    return alive


def kill_jvm(spark: RemoteSession, jvm: psutil.Process) -> None:
    jvm.send_signal(signal.SIGKILL)


def exhaust_memory(spark: RemoteSession, jvm: psutil.Process) -> None:
    with pytest.raises(PySparkException, match="OutOfMemoryError"):
        spark.sql(EXHAUSTING).collect()


#: How Spark dies: what the test does, the server's extra arguments, what the server says
#: and its exit status.
DEATHS: dict[str, tuple[Callable[[RemoteSession, psutil.Process], None], list[str], str, int]] = {
    "jvm_killed": (kill_jvm, [], "its JVM was killed by signal SIGKILL", EXIT_SPARK_STOPPED),
    "out_of_memory": (
        exhaust_memory,
        ["--conf", "spark.driver.memory=512m"],
        "its JVM ran out of memory (java.lang.OutOfMemoryError) with exit status 52",
        EXIT_OUT_OF_MEMORY,
    ),
}


@pytest.mark.parametrize("death", DEATHS)
def test_a_server_whose_spark_dies_says_so_and_exits(death):
    kill, extra, reason, exit_status = DEATHS[death]
    with dying_server(*extra) as served:
        port, client = served.metrics_port, fl.connect(served.url)
        assert probe(port, "/healthz") == OK and probe(port, "/readyz") == OK
        assert flight_health(client) == sf.HealthResponse(live=True, ready=True)
        spark = RemoteSession.builder.remote(served.url).create()
        plus_one = F.udf(lambda x: x + 1, "long")
        assert [row[0] for row in spark.range(3).select(plus_one("id")).collect()] == [1, 2, 3]
        processes = served.descendants()
        jvm = next(process for process in processes if process.name() == "java")
        assert any("pyspark.daemon" in " ".join(p.cmdline()) for p in processes)

        # A stream the client reads as it comes, and one whose client stops reading: the
        # server has taken its second batch from Spark and waits to send it.
        failures: list[BaseException] = []
        streaming = threading.Event()

        def read_running() -> None:
            try:
                for _ in spark.sql(RUNNING).toLocalIterator():
                    streaming.set()
            except Exception as exc:  # noqa: BLE001 - the test looks at it
                failures.append(exc)

        reader = threading.Thread(target=read_running)
        reader.start()
        held_client = fl.connect(served.url, generic_options=SMALL_WINDOW)
        options = fl.FlightCallOptions(headers=[(wire.OPERATION_ID.encode(), b"held")])
        held = held_client.do_get(fl.Ticket(Plans().plan(sql(HELD))), options)
        held.read_chunk()
        wait_until(lambda: sent_rows(client, "held") == 2, "the held stream's second batch")
        wait_until(streaming.is_set, "the running stream")

        kill(spark, jvm)

        reader.join(PATIENCE_S)
        [failure] = failures
        assert isinstance(failure, SparkFlightException), failure
        assert failure.getCondition() == "SPARK_STOPPED" and reason in str(failure)
        with pytest.raises(SparkFlightException) as refused:
            spark.range(3).count()
        assert refused.value.getCondition() == "SPARK_STOPPED"
        assert refused.value.getMessageParameters()["reason"] == reason
        with pytest.raises(fl.FlightUnavailableError, match="Spark has stopped") as raw:
            client.do_get(fl.Ticket(Plans().plan(sql("select 1 as one")))).read_all()
        assert details(raw.value).message_parameters["reason"] == reason
        for path in ("/healthz", "/readyz"):
            status, body = probe(port, path)
            assert status == 503 and reason in body
        answer = flight_health(client)
        assert not answer.live and not answer.ready and reason in answer.reason

        with pytest.raises(fl.FlightUnavailableError) as ended:
            held.read_all()
        assert details(ended.value).error_class == "SPARK_STOPPED"
        assert served.process.process.wait(PATIENCE_S) == exit_status
        assert f"Exiting with status {exit_status}: Spark has stopped" in served.process.log_tail()
        wait_until(lambda: not running(processes), "Spark's processes to end")

        with pytest.raises(SparkFlightException) as gone:
            spark.range(3).collect()
        assert gone.value.getCondition() == "SERVER_UNAVAILABLE"
        assert served.url in str(gone.value)
        with contextlib.suppress(PySparkException):
            spark.stop()
        client.close()
        held_client.close()
