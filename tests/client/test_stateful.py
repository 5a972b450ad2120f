"""Python state per grouping key: transformWithState and transformWithStateInPandas with
a StatefulProcessor, and applyInPandasWithState, against in-process PySpark."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pyspark.sql.streaming import StatefulProcessor as ClassicProcessor

from sparkflight.client.errors import PySparkTypeError, PySparkValueError
from sparkflight.client.streaming import StatefulProcessor
from sparkflight.client.streaming.state import GroupStateTimeout
from tests.client.harness import Engine, Engines, engines_for

STATE_STORE = "spark.sql.streaming.stateStore.providerClass"
ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"


@pytest.fixture
def engines(spark: Any, classic: Any) -> Iterator[Engines]:
    """Both sessions with the RocksDB state store that transformWithState needs."""
    previous = classic.conf.get(STATE_STORE)
    for session in (spark, classic):
        session.conf.set(STATE_STORE, ROCKSDB)
    yield engines_for(spark, classic)
    classic.conf.set(STATE_STORE, previous)
    spark.conf.unset(STATE_STORE)


def _base(engine: Engine) -> type:
    return StatefulProcessor if engine.name == "client" else ClassicProcessor


def counter(engine: Engine, rows_as_pandas: bool) -> Any:
    """A processor counting each key's rows in a value state (with an initial count)."""
    T, Row = engine.T, engine.Row

    class Counter(_base(engine)):  # type: ignore[misc]
        def init(self, handle: Any) -> None:
            schema = T.StructType([T.StructField("c", T.LongType())])
            self.count = handle.getValueState("count", schema)

        def handleInitialState(self, key: Any, initialState: Any, timerValues: Any) -> None:
            start = initialState.at[0, "c"] if rows_as_pandas else initialState.c
            self.count.update((int(start),))

        def handleInputRows(self, key: Any, rows: Any, timerValues: Any) -> Any:
            seen = sum(len(pdf) for pdf in rows) if rows_as_pandas else len(list(rows))
            total = (self.count.get()[0] if self.count.exists() else 0) + seen
            self.count.update((total,))
            if rows_as_pandas:
                yield pd.DataFrame({"k": [key[0]], "n": [total]})
            else:
                yield Row(k=key[0], n=total)

    return Counter()


def _input(engine: Engine) -> Any:
    return engine.spark.range(10).selectExpr("id % 3 as k", "id as v")


def _rows(df: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in df.collect())


@pytest.mark.parametrize("rows_as_pandas", [True, False], ids=["pandas", "rows"])
def test_transform_with_state_counts_per_key(engines: Engines, rows_as_pandas: bool) -> None:
    method = "transformWithStateInPandas" if rows_as_pandas else "transformWithState"

    def run(engine: Engine) -> list[tuple[Any, ...]]:
        grouped = _input(engine).groupBy("k")
        processor = counter(engine, rows_as_pandas)
        return _rows(getattr(grouped, method)(processor, "k long, n long", "Append", "None"))

    got, expected = run(engines.client), run(engines.classic)
    assert got == expected == [(0, 4), (1, 3), (2, 3)]


@pytest.mark.parametrize("rows_as_pandas", [True, False], ids=["pandas", "rows"])
def test_transform_with_state_from_an_initial_state(engines: Engines, rows_as_pandas: bool) -> None:
    method = "transformWithStateInPandas" if rows_as_pandas else "transformWithState"

    def run(engine: Engine) -> list[tuple[Any, ...]]:
        initial = engine.spark.createDataFrame([(0, 100), (2, 20)], "k long, c long")
        grouped = _input(engine).groupBy("k")
        return _rows(
            getattr(grouped, method)(
                counter(engine, rows_as_pandas),
                engine.T.StructType(
                    [
                        engine.T.StructField("k", engine.T.LongType()),
                        engine.T.StructField("n", engine.T.LongType()),
                    ]
                ),
                "Append",
                "None",
                initialState=initial.groupBy("k"),
            )
        )

    got, expected = run(engines.client), run(engines.classic)
    assert got == expected == [(0, 104), (1, 3), (2, 23)]


def test_apply_in_pandas_with_state_on_a_batch_gives_sparks_error(engines: Engines) -> None:
    def total(key: Any, pdfs: Any, state: Any) -> Any:
        yield pd.DataFrame({"k": [key[0]], "total": [sum(p["v"].sum() for p in pdfs)]})

    def run(engine: Engine) -> Exception:
        grouped = _input(engine).groupBy("k")
        df = grouped.applyInPandasWithState(
            total, "k long, total long", "c long", "append", GroupStateTimeout.NoTimeout
        )
        with pytest.raises(Exception) as failure:  # noqa: PT011 - each engine's own class
            df.collect()
        return failure.value

    got, expected = run(engines.client), run(engines.classic)
    assert type(got).__name__ == type(expected).__name__ == "UnsupportedOperationException"
    assert "applyInPandasWithState is unsupported in batch query" in str(expected)
    assert "applyInPandasWithState is unsupported in batch query" in str(got)


def test_bad_arguments_are_refused_on_the_client(spark: Any) -> None:
    grouped = spark.range(3).groupBy("id")
    with pytest.raises(PySparkValueError, match="timeoutConf must be one of"):
        grouped.applyInPandasWithState(lambda k, p, s: p, "id long", "c long", "append", "Soon")
    with pytest.raises(PySparkTypeError, match="should be a StatefulProcessor"):
        grouped.transformWithStateInPandas(lambda k, r, t: r, "id long", "Append", "None")
    assert spark.range(3).count() == 3


def test_a_bad_output_mode_gives_sparks_error(engines: Engines) -> None:
    def run(engine: Engine) -> Exception:
        grouped = _input(engine).groupBy("k")
        with pytest.raises(Exception) as failure:  # noqa: PT011 - each engine's own class
            grouped.transformWithStateInPandas(
                counter(engine, True), "k long, n long", "Sideways", "None"
            ).collect()
        return failure.value

    got, expected = run(engines.client), run(engines.classic)
    assert type(got).__name__ == type(expected).__name__
    assert "Sideways" in str(expected) and "Sideways" in str(got)
    assert engines.client.spark.range(2).count() == 2


def _write_json(directory: Path, name: str, rows: list[dict[str, Any]]) -> None:
    staging = directory.parent / f".{directory.name}-{name}"
    staging.write_text("".join(json.dumps(r) + "\n" for r in rows))
    os.replace(staging, directory / name)


def running_totals(engine: Engine, directory: Path, stateful: str) -> list[tuple[Any, ...]]:
    """Two files arrive one after the other; ``stateful`` keeps each key's running total
    across the micro-batches; the memory sink's rows after both."""

    def total(key: Any, pdfs: Any, state: Any) -> Any:
        seen = int(sum(p["v"].sum() for p in pdfs))
        before = state.get[0] if state.exists else 0
        state.update((before + seen,))
        yield pd.DataFrame({"k": [key[0]], "total": [before + seen]})

    events = engine.spark.readStream.schema("k STRING, v LONG").json(str(directory))
    grouped = events.groupBy("k")
    if stateful == "applyInPandasWithState":
        out = grouped.applyInPandasWithState(
            total, "k string, total long", "seen long", "update", GroupStateTimeout.NoTimeout
        )
    else:
        out = grouped.transformWithStateInPandas(
            running_total_processor(engine), "k string, total long", "Update", "None"
        )
    table = f"totals_{engine.name}_{uuid.uuid4().hex[:8]}"
    query = out.writeStream.format("memory").queryName(table).outputMode("update").start()
    try:
        _write_json(directory, "1.json", [{"k": "a", "v": 1}, {"k": "b", "v": 2}])
        query.processAllAvailable()
        _write_json(directory, "2.json", [{"k": "a", "v": 10}, {"k": "c", "v": 5}])
        query.processAllAvailable()
    finally:
        query.stop()
    return sorted(tuple(r) for r in engine.spark.sql(f"SELECT * FROM {table}").collect())


def running_total_processor(engine: Engine) -> Any:
    T = engine.T

    class RunningTotal(_base(engine)):  # type: ignore[misc]
        def init(self, handle: Any) -> None:
            schema = T.StructType([T.StructField("t", T.LongType())])
            self.total = handle.getValueState("total", schema)

        def handleInputRows(self, key: Any, rows: Any, timerValues: Any) -> Any:
            seen = int(sum(pdf["v"].sum() for pdf in rows))
            total = (self.total.get()[0] if self.total.exists() else 0) + seen
            self.total.update((total,))
            yield pd.DataFrame({"k": [key[0]], "total": [total]})

    return RunningTotal()


@pytest.mark.parametrize("stateful", ["applyInPandasWithState", "transformWithStateInPandas"])
def test_state_is_kept_across_micro_batches(
    engines: Engines, tmp_path: Path, stateful: str
) -> None:
    runs = {}
    for engine in (engines.client, engines.classic):
        directory = tmp_path / engine.name
        directory.mkdir()
        runs[engine.name] = running_totals(engine, directory, stateful)
    assert runs["client"] == runs["classic"]
    assert runs["client"] == [("a", 1), ("a", 11), ("b", 2), ("c", 5)]
