"""File sources: the schema Spark inferred is kept for the next read of the same files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import types as T

from sparkflight.flight_server import sources
from sparkflight.flight_server.sessions import Session


class _Readers:
    """Readers of ``classic``'s session that note the schema each one is given."""

    def __init__(self, spark: Any, file_format: str = "parquet") -> None:
        self.spark, self.format = spark, file_format
        self.given: list[T.StructType | None] = []

    def __call__(self, schema: T.StructType | None) -> Any:
        self.given.append(schema)
        reader = self.spark.read.format(self.format)
        return reader.schema(schema) if schema is not None else reader


def _write(spark: Any, path: Path, rows: list[tuple[Any, ...]], ddl: str, mode: str) -> None:
    spark.createDataFrame(rows, ddl).coalesce(1).write.mode(mode).parquet(str(path))


def test_a_second_read_of_the_same_files_takes_the_inferred_schema(
    classic: Any, tmp_path: Path
) -> None:
    path = tmp_path / "t"
    _write(classic, path, [(1, "a")], "id long, name string", "overwrite")
    session = Session("s", classic)
    readers = _Readers(classic)
    first = sources.load(session, readers, "parquet", {}, [str(path)])
    second = sources.load(session, readers, "parquet", {}, [str(path)])
    assert readers.given == [None, first.schema]
    assert second.schema == first.schema
    assert second.collect() == first.collect() == classic.read.parquet(str(path)).collect()


def test_changed_files_are_inferred_again(classic: Any, tmp_path: Path) -> None:
    path = tmp_path / "t"
    _write(classic, path, [(1, "a")], "id long, name string", "overwrite")
    session = Session("s", classic)
    readers = _Readers(classic)
    sources.load(session, readers, "parquet", {}, [str(path)])
    _write(classic, path, [(2.5, True)], "score double, ok boolean", "overwrite")
    changed = sources.load(session, readers, "parquet", {}, [str(path)])
    assert readers.given[1] is not None and readers.given[2] is None  # tried, then inferred
    assert changed.columns == ["score", "ok"]
    _write(classic, path, [(3.5, False)], "score double, ok boolean", "append")
    assert sorted(sources.load(session, readers, "parquet", {}, [str(path)]).collect()) == sorted(
        classic.read.parquet(str(path)).collect()
    )


def test_sources_of_a_fixed_schema_are_not_kept(classic: Any, tmp_path: Path) -> None:
    (tmp_path / "lines.txt").write_text("a\nb\n")
    session = Session("s", classic)
    readers = _Readers(classic, "text")
    for _ in range(2):
        df = sources.load(session, readers, "text", {}, [str(tmp_path / "lines.txt")])
    assert readers.given == [None, None] and session.inferred_schemas == {}
    assert [r.value for r in df.collect()] == ["a", "b"]


def test_a_session_keeps_a_bounded_number_of_schemas(
    classic: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MOST_KEPT", 2)
    session = Session("s", classic)
    for index in range(3):
        path = tmp_path / str(index)
        _write(classic, path, [(index,)], "id long", "overwrite")
        sources.load(session, _Readers(classic), "parquet", {}, [str(path)])
    kept_paths = [key[2] for key in session.inferred_schemas]
    assert kept_paths == [(str(tmp_path / "1"),), (str(tmp_path / "2"),)]


def test_a_rewritten_source_reads_its_new_columns_through_the_client(
    spark: Any, classic: Any, tmp_path: Path
) -> None:
    path = str(tmp_path / "t")
    _write(classic, Path(path), [(1, "a")], "id long, name string", "overwrite")
    assert spark.read.parquet(path).collect() == classic.read.parquet(path).collect()
    assert spark.read.parquet(path).columns == ["id", "name"]
    _write(classic, Path(path), [(2.5, True)], "score double, ok boolean", "overwrite")
    assert spark.read.parquet(path).collect() == classic.read.parquet(path).collect()
