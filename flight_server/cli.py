"""The ``sparkflight`` command: ``serve``, ``demo`` and ``version``."""

from __future__ import annotations

import importlib.util
import logging
import signal
import sys
import threading
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

app = typer.Typer(
    help="Spark's DataFrame API served over Apache Arrow Flight.",
    no_args_is_help=True,
    add_completion=False,
)

SERVER_EXTRA_HINT = "pip install 'sparkflight[server]'"
_PYSPARK_QUERY_ERROR_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")


def grpc_url(host: str, port: int) -> str:
    """The Flight location of ``host:port`` (IPv6 hosts in brackets)."""
    return f"grpc://[{host}]:{port}" if ":" in host else f"grpc://{host}:{port}"


def parse_conf(pairs: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; the last value of a repeated key wins."""
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected key=value, got {pair!r}", param_hint="--conf")
        conf[key.strip()] = value
    return conf


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 8815,
    master: Annotated[str, typer.Option(help="Spark master URL.")] = "local[*]",
    conf: Annotated[
        list[str] | None,
        typer.Option("--conf", metavar="KEY=VALUE", help="Spark setting (repeatable)."),
    ] = None,
) -> None:
    """Start Spark and serve it over Arrow Flight until SIGINT or SIGTERM.

    Prints the server's URL on stdout once it accepts requests.
    """
    settings = parse_conf(conf or [])
    _require_server_extra()
    _configure_logging()
    from flight_server.runtime import start_spark
    from flight_server.server import SparkFlightServer

    spark = start_spark(master, settings)
    try:
        server = SparkFlightServer(spark, location=grpc_url(host, port))
        try:
            _wait_for_stop_signal(announce=grpc_url(host, server.port))
            logging.getLogger(__name__).info("Shutting down")
        finally:
            server.shutdown()
    finally:
        spark.stop()


@app.command()
def demo() -> None:
    """Run a few DataFrame queries through a server on local Spark and print the results."""
    _require_server_extra()
    _configure_logging()
    from flight_server.demo import run_demo

    run_demo()


@app.command(name="version")
def show_version() -> None:
    """Print the versions of sparkflight, pyspark and pyarrow."""
    for distribution in ("sparkflight", "pyspark", "pyarrow"):
        try:
            found = version(distribution)
        except PackageNotFoundError:
            found = "not installed"
        typer.echo(f"{distribution} {found}")


def _require_server_extra() -> None:
    if importlib.util.find_spec("pyspark") is None:
        typer.echo(
            f"The server needs pyspark, which is not installed. Install it with: "
            f"{SERVER_EXTRA_HINT}",
            err=True,
        )
        raise typer.Exit(code=1)


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("flight_server").setLevel(logging.INFO)
    # PySpark logs each query error with its Java stack trace; clients get those errors.
    for name in _PYSPARK_QUERY_ERROR_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _wait_for_stop_signal(announce: str) -> None:
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
