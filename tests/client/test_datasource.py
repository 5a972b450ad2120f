"""Python data sources registered with ``spark.dataSource.register``: read, written and
kept per session, against in-process PySpark."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyspark.sql.datasource as classic_datasource
import pytest

import sparkflight.client.datasource as client_datasource
from sparkflight.client import SparkSession
from sparkflight.client.errors import PySparkTypeError, PythonException
from tests.client.harness import Engine, Engines, engines_for

PUSHDOWN = "spark.sql.python.filterPushdown.enabled"


@pytest.fixture
def engines(spark: Any, classic: Any) -> Iterator[Engines]:
    """Both sessions with filter pushdown to Python data sources on (a reader with
    ``pushFilters`` needs it)."""
    previous = classic.conf.get(PUSHDOWN)
    for session in (spark, classic):
        session.conf.set(PUSHDOWN, "true")
    yield engines_for(spark, classic)
    classic.conf.set(PUSHDOWN, previous)
    spark.conf.unset(PUSHDOWN)


def _module(engine: Engine) -> Any:
    return client_datasource if engine.name == "client" else classic_datasource


def counting_source(ds: Any, out: Path | None = None) -> type:
    """A source (on the base classes of module ``ds``) of ``rows`` rows over ``parts``
    partitions (options), keeping the rows where ``id`` equals a pushed filter's value,
    and writing rows as JSON files to ``out``."""

    class Counting(ds.DataSource):
        @classmethod
        def name(cls) -> str:
            return "counting"

        def schema(self) -> str:
            return "id int, label string"

        def reader(self, schema: Any) -> Any:
            options = self.options
            return CountingReader(int(options.get("rows", 6)), int(options.get("parts", 2)))

        def writer(self, schema: Any, overwrite: bool) -> Any:
            return JsonWriter()

    class CountingReader(ds.DataSourceReader):
        def __init__(self, rows: int, parts: int) -> None:
            self.rows, self.parts, self.only = rows, parts, None

        def pushFilters(self, filters: list[Any]) -> Iterator[Any]:
            for f in filters:
                if isinstance(f, ds.EqualTo) and f.attribute == ("id",):
                    self.only = f.value
                else:
                    yield f

        def partitions(self) -> list[Any]:
            return [ds.InputPartition(p) for p in range(self.parts)]

        def read(self, partition: Any) -> Iterator[tuple[int, str]]:
            for i in range(partition.value, self.rows, self.parts):
                if self.only is None or i == self.only:
                    yield (i, f"row-{i}")

    class JsonWriter(ds.DataSourceWriter):
        def write(self, iterator: Iterator[Any]) -> Any:
            from pyspark import TaskContext

            rows = [row.asDict() for row in iterator]
            target = Path(str(out)) / f"part-{TaskContext.get().partitionId()}.json"
            target.write_text(json.dumps(rows))
            return ds.WriterCommitMessage()

    return Counting


def _read(engine: Engine, **options: str) -> list[tuple[Any, ...]]:
    engine.spark.dataSource.register(counting_source(_module(engine)))
    df = engine.spark.read.format("counting").options(**options).load()
    return sorted(tuple(r) for r in df.collect())


def test_a_registered_source_reads_in_partitions(engines: Engines) -> None:
    got = _read(engines.client, rows="7", parts="3")
    expected = _read(engines.classic, rows="7", parts="3")
    assert got == expected == [(i, f"row-{i}") for i in range(7)]


def test_a_reader_takes_the_filters_spark_pushes(engines: Engines) -> None:
    def run(engine: Engine) -> list[tuple[Any, ...]]:
        engine.spark.dataSource.register(counting_source(_module(engine)))
        df = engine.spark.read.format("counting").load().where("id = 4 and label like 'row%'")
        return [tuple(r) for r in df.collect()]

    got, expected = run(engines.client), run(engines.classic)
    assert got == expected == [(4, "row-4")]


def test_a_registered_source_writes(engines: Engines, tmp_path: Path) -> None:
    def run(engine: Engine, out: Path) -> list[dict[str, Any]]:
        out.mkdir()
        engine.spark.dataSource.register(counting_source(_module(engine), out))
        df = engine.spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "id int, label string")
        df.repartition(2).write.format("counting").mode("append").save()
        rows = [r for f in sorted(out.iterdir()) for r in json.loads(f.read_text())]
        return sorted(rows, key=lambda r: r["id"])

    got = run(engines.client, tmp_path / "client")
    assert got == run(engines.classic, tmp_path / "classic")
    assert [r["label"] for r in got] == ["a", "b", "c"]


def test_a_source_belongs_to_its_session(engines: Engines, server_url: str) -> None:
    spark = engines.client.spark
    spark.dataSource.register(counting_source(client_datasource))
    assert spark.read.format("counting").load().count() == 6
    with SparkSession.builder.remote(server_url).create() as other:
        with pytest.raises(Exception, match="counting"):  # noqa: PT011 - Spark's own class
            other.read.format("counting").load().collect()
        assert other.range(2).count() == 2


def test_bad_sources_are_refused_and_change_nothing(spark: Any) -> None:
    with pytest.raises(PySparkTypeError, match="subclass of DataSource"):
        spark.dataSource.register(dict)

    class Failing(client_datasource.DataSource):
        def schema(self) -> str:
            return "x int"

        def reader(self, schema: Any) -> Any:
            return FailingReader()

    class FailingReader(client_datasource.DataSourceReader):
        def read(self, partition: Any) -> Iterator[tuple[int]]:
            raise ValueError("the source is broken")

    spark.dataSource.register(Failing)
    with pytest.raises(PythonException, match="the source is broken"):
        spark.read.format("Failing").load().collect()
    assert spark.range(3).count() == 3
