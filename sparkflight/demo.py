"""``sparkflight demo``: a server on local Spark, queried through the client."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pyarrow as pa
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from sparkflight.client import DataFrame, SparkSession
from sparkflight.client import functions as F
from sparkflight.flight_server.launch import grpc_url

__all__ = ["DEMO_QUERIES", "render", "run_demo"]


def even_squares(spark: SparkSession) -> DataFrame:
    return (
        spark.range(1, 11)
        .withColumn("square", F.col("id") * F.col("id"))
        .filter(F.col("id") % 2 == 0)
    )


def buckets(spark: SparkSession) -> DataFrame:
    return (
        spark.range(100)
        .withColumn("bucket", F.col("id") % 3)
        .groupBy("bucket")
        .agg(F.count("*").alias("n"), F.sum("id").alias("total"))
        .orderBy("bucket")
    )


def orders_per_person(spark: SparkSession) -> DataFrame:
    people = spark.createDataFrame(
        [(1, "Ada", "London"), (2, "Grace", "New York"), (3, "Linus", "Helsinki")],
        ["id", "name", "city"],
    )
    orders = spark.createDataFrame([(1, 12.5), (1, 7.5), (3, 20.0), (3, 4.25)], ["id", "amount"])
    return (
        people.join(orders, "id")
        .groupBy("name", "city")
        .agg(F.count("*").alias("orders"), F.sum("amount").alias("spent"))
        .orderBy(F.col("spent").desc(), "name")
    )


def sql(spark: SparkSession) -> DataFrame:
    return spark.sql(
        "SELECT name, length(name) AS letters, upper(name) AS shout "
        "FROM VALUES ('Ada'), ('Grace'), ('Linus') AS t(name) ORDER BY letters DESC, name"
    )


DEMO_QUERIES: tuple[Callable[[SparkSession], DataFrame], ...] = (
    even_squares,
    buckets,
    orders_per_person,
    sql,
)
"""The queries the demo runs; each is shown with its source code."""


def render(table: pa.Table) -> Table:
    """An Arrow table as a rich table, column types in the header."""
    shown = Table()
    for field in table.schema:
        shown.add_column(f"{field.name}\n{field.type}", justify="right")
    for row in table.to_pylist():
        shown.add_row(*(_cell(value) for value in row.values()))
    return shown


def _cell(value: Any) -> Text:
    return Text("NULL", style="dim") if value is None else Text(str(value))


def run_demo(master: str = "local[2]", console: Console | None = None) -> None:
    """Start local Spark and a server on a free port, run ``DEMO_QUERIES``, stop everything."""
    from sparkflight.flight_server.runtime import start_spark
    from sparkflight.flight_server.server import SparkFlightServer

    console = console or Console()
    spark = start_spark(master, {"spark.sql.shuffle.partitions": "4", "spark.ui.enabled": "false"})
    try:
        server = SparkFlightServer(spark, location=grpc_url("127.0.0.1", 0))
        try:
            url = grpc_url("127.0.0.1", server.port)
            console.print(f"sparkflight server on local Spark at [bold]{url}[/bold]\n")
            session = SparkSession.builder.remote(url).getOrCreate()
            try:
                for query in DEMO_QUERIES:
                    console.print(Syntax(inspect.getsource(query), "python", word_wrap=True))
                    console.print(render(query(session).toArrow()))
                    console.print()
            finally:
                session.stop()
        finally:
            server.shutdown()
    finally:
        spark.stop()
