"""Starting and stopping a server process: Spark, the Flight server, logging and signals."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.security import TlsFiles

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from sparkflight.flight_server.result_store import ResultStore
    from sparkflight.flight_server.server import SparkFlightServer

#: The logger of the server's modules (``sparkflight.flight_server.*``).
SERVER_LOGGER = "sparkflight.flight_server"
_PYSPARK_QUERY_ERROR_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")
#: Longest wait for the Flight server to shut down once Spark has stopped.
_SHUTDOWN_WAIT_S = 10.0
#: How often the main thread, waiting for a stop signal, looks whether Spark stopped.
_STOP_POLL_S = 0.5


def grpc_url(host: str, port: int, tls: bool = False) -> str:
    """The Flight location of ``host:port`` (IPv6 hosts in brackets), ``grpc+tls`` with TLS."""
    scheme = "grpc+tls" if tls else "grpc"
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def start_server(
    spark: SparkSession,
    host: str,
    port: int,
    tls: TlsFiles | None = None,
    limits: Limits | None = None,
    auth_options: dict[str, Any] | None = None,
    result_store: ResultStore | None = None,
) -> tuple[SparkFlightServer, str]:
    """A server over ``spark`` listening on ``host:port``, and the URL it answers on.

    ``auth_options`` are :func:`sparkflight.flight_server.auth.server_options`;
    ``result_store`` where large results are computed into parts (a directory of its own
    in local mode when None).
    """
    from sparkflight.flight_server.server import SparkFlightServer

    kwargs = (tls.server_kwargs() if tls is not None else {}) | (auth_options or {})
    location = grpc_url(host, port, tls is not None)
    server = SparkFlightServer(
        spark, location=location, limits=limits, result_store=result_store, **kwargs
    )
    return server, grpc_url(host, server.port, tls is not None)


def serve_until_stopped(
    master: str,
    conf: dict[str, str],
    host: str,
    port: int,
    tls: TlsFiles | None,
    limits: Limits,
    auth_options: dict[str, Any],
    metrics_port: int | None,
    shutdown_grace: float,
    result_store: ResultStore | None = None,
) -> None:
    """Start Spark and a server, print the server's URL on stdout, serve until SIGINT or
    SIGTERM, then let running queries finish for ``shutdown_grace`` seconds and stop.

    When Spark stops under the server instead, the process ends at once with the status
    of :func:`exit_without_spark`.
    """
    from sparkflight.flight_server.runtime import start_spark

    log = logging.getLogger(__name__)
    if limits.restricted:
        allowed = ", ".join(limits.allow_paths) or "none"
        log.info(
            "Restricted mode: no user code; files only through the catalog or under: %s", allowed
        )
    spark = start_spark(master, conf)
    try:
        server, url = start_server(
            spark, host, port, tls, limits, auth_options, result_store=result_store
        )
        try:
            if metrics_port is not None:
                listening = server.metrics.serve(host, metrics_port)
                log.info(
                    "Prometheus metrics on http://%s:%d/metrics, health probes on /healthz "
                    "and /readyz",
                    host,
                    listening,
                )
            wait_for_stop_signal(
                announce=url, stopped=server.spark_stopped, reload=_auth_reload(auth_options)
            )
            if not server.spark_stopped.is_set():
                log.info("Shutting down: running queries have %g s to finish", shutdown_grace)
                server.drain(shutdown_grace)
            if server.spark_stopped.is_set():
                exit_without_spark(server, shutdown_grace)
        finally:
            server.shutdown()
    finally:
        spark.stop()


def exit_without_spark(server: SparkFlightServer, grace: float) -> NoReturn:
    """End the process of a server whose Spark has stopped, for its supervisor to restart.

    The calls in flight get up to ``grace`` seconds to end with ``SPARK_STOPPED``, the
    server shuts down (for at most :data:`_SHUTDOWN_WAIT_S`), a JVM that still runs is
    ended (its Python workers end with it), and the process exits at once with the
    status for why Spark stopped (:data:`.health.EXIT_OUT_OF_MEMORY` when its JVM ran out
    of memory, else :data:`.health.EXIT_SPARK_STOPPED`), waiting for nothing else: what
    is left of Spark in the process cannot be stopped cleanly.
    """
    log = logging.getLogger(__name__)
    stopped = server.spark_watch.stopped
    assert stopped is not None
    log.error("Exiting with status %d: %s", stopped.exit_status, stopped.message)
    server.end_calls(grace)
    shutdown = threading.Thread(target=server.shutdown, name="sparkflight-shutdown", daemon=True)
    shutdown.start()
    shutdown.join(_SHUTDOWN_WAIT_S)
    server.spark_watch.end_jvm()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(stopped.exit_status)


def configure_logging(server_level: int = logging.INFO) -> None:
    """Log to stderr: the server's own records from ``server_level`` up (each request is an
    INFO record), everything else from WARNING."""
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger(SERVER_LOGGER).setLevel(server_level)
    # PySpark logs each query error with its Java stack trace; clients get those errors.
    for name in _PYSPARK_QUERY_ERROR_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _auth_reload(auth_options: dict[str, Any]) -> Callable[[], object] | None:
    """What reads the auth file again on SIGHUP, when the server authenticates."""
    from sparkflight.flight_server.auth import authenticator_of

    authenticator = authenticator_of(auth_options)
    return authenticator.reload if authenticator is not None else None


def wait_for_stop_signal(
    announce: str, stopped: threading.Event, reload: Callable[[], object] | None = None
) -> None:
    """Print ``announce`` on stdout, then block until SIGINT or SIGTERM arrives or
    ``stopped`` is set; SIGHUP calls ``reload`` meanwhile (reads the auth file again)."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in signals}
    if reload is not None:
        previous[signal.SIGHUP] = signal.signal(signal.SIGHUP, lambda *_: reload())
    try:
        print(announce, flush=True)
        while not (stop.wait(_STOP_POLL_S) or stopped.is_set()):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
