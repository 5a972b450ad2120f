"""Starting and stopping a server process: Spark, the Flight server, logging and signals."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.security import TlsFiles

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from sparkflight.flight_server.server import SparkFlightServer

#: The logger of the server's modules (``sparkflight.flight_server.*``).
SERVER_LOGGER = "sparkflight.flight_server"
_PYSPARK_QUERY_ERROR_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")


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
) -> tuple[SparkFlightServer, str]:
    """A server over ``spark`` listening on ``host:port``, and the URL it answers on.

    ``auth_options`` are :func:`sparkflight.flight_server.auth.server_options`.
    """
    from sparkflight.flight_server.server import SparkFlightServer

    kwargs = (tls.server_kwargs() if tls is not None else {}) | (auth_options or {})
    location = grpc_url(host, port, tls is not None)
    server = SparkFlightServer(spark, location=location, limits=limits, **kwargs)
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
) -> None:
    """Start Spark and a server, print the server's URL on stdout, serve until SIGINT or
    SIGTERM, then let running queries finish for ``shutdown_grace`` seconds and stop."""
    from sparkflight.flight_server.runtime import start_spark

    log = logging.getLogger(__name__)
    spark = start_spark(master, conf)
    try:
        server, url = start_server(spark, host, port, tls, limits, auth_options)
        try:
            if metrics_port is not None:
                listening = server.metrics.serve(host, metrics_port)
                log.info("Prometheus metrics on http://%s:%d/metrics", host, listening)
            wait_for_stop_signal(announce=url)
            log.info("Shutting down: running queries have %g s to finish", shutdown_grace)
            server.drain(shutdown_grace)
        finally:
            server.shutdown()
    finally:
        spark.stop()


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


def wait_for_stop_signal(announce: str) -> None:
    """Print ``announce`` on stdout, then block until SIGINT or SIGTERM arrives."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in signals}
    try:
        print(announce, flush=True)
        stop.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
