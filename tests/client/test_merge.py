"""``DataFrame.mergeInto``: the MergeIntoWriter builder and what Spark makes of it.

Spark's built-in session catalog has no table format that supports MERGE (that takes a
V2 catalog such as Delta's or Iceberg's, which the test server does not have), so these
cases prove that the client builds the clauses, the server runs Spark's MergeIntoWriter
with them, and the program sees exactly the error PySpark raises: the table format's
refusal, an unknown table, or a MERGE without clauses. Table names carry ``n``, unique
to the test; each case drops its table, since both engines share ``spark-warehouse``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sparkflight import client
from tests.client.harness import Cases, Engines, engines_for, error_of

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def source(spark: Any) -> Any:
    return spark.createDataFrame([(2, "B"), (3, "C")], "id int, v string").alias("s")


def with_target(spark: Any, n: str, run: Any) -> Any:
    """``run(table_name)`` with a parquet table of two rows, dropped afterwards."""
    name = f"merge_{n}"
    spark.createDataFrame([(1, "a"), (2, "b")], "id int, v string").write.saveAsTable(name)
    try:
        return run(name), spark.table(name).orderBy("id").collect()
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def merge_update_all_insert_all(spark, F, T, Window, Row, n):
    def run(name: str) -> Any:
        writer = source(spark).mergeInto(name, F.expr(f"{name}.id = s.id"))
        writer = writer.whenMatched().updateAll().whenNotMatched().insertAll()
        return error_of(writer.merge)

    return with_target(spark, n, run)


@CASES.program()
def merge_every_clause_kind(spark, F, T, Window, Row, n):
    def run(name: str) -> Any:
        writer = (
            source(spark)
            .mergeInto(name, F.col(f"{name}.id") == F.col("s.id"))
            .withSchemaEvolution()
            .whenMatched(F.col("s.v") == "B")
            .update({"v": F.upper("s.v")})
            .whenMatched()
            .delete()
            .whenNotMatched(F.col("s.id") > 2)
            .insert({"id": F.col("s.id"), "v": F.lit("new")})
            .whenNotMatchedBySource(F.col(f"{name}.id") < 5)
            .update({"v": F.lit("gone")})
            .whenNotMatchedBySource()
            .delete()
        )
        return error_of(writer.merge)

    return with_target(spark, n, run)


@CASES.program()
def merge_errors(spark, F, T, Window, Row, n):
    def run(name: str) -> Any:
        return [
            error_of(source(spark).mergeInto(name, F.expr(f"{name}.id = s.id")).merge),
            error_of(
                source(spark)
                .mergeInto(f"no_such_{n}", F.expr("s.id = 1"))
                .whenMatched()
                .delete()
                .merge
            ),
        ]

    return with_target(spark, n, run)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines, n=uuid.uuid4().hex[:12])


def test_builder_returns_the_writer_and_its_clause_builders(spark: Any) -> None:
    writer = spark.range(1).mergeInto("t", client.functions.lit(True))
    assert isinstance(writer, client.MergeIntoWriter)
    assert isinstance(writer.whenMatched(), client.MergeIntoWriter.WhenMatched)
    assert writer.whenNotMatched().insertAll() is writer
    assert writer.withSchemaEvolution() is writer
    by_source = writer.whenNotMatchedBySource()
    assert isinstance(by_source, client.MergeIntoWriter.WhenNotMatchedBySource)
