"""Python UDTFs with table arguments (``df.asTable()`` and SQL's ``TABLE(...)``) and
``arrow_udtf``, run by the server's Spark Python workers, against in-process PySpark."""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa
import pytest

from sparkflight.client.errors import (
    AnalysisException,
    IllegalArgumentException,
    PySparkAttributeError,
)
from tests.client.harness import Cases, Engines, engines_for

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def people(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, "ann", 3.0, "a"),
            (2, "bob", None, "b"),
            (3, "cy", 5.5, "a"),
            (4, None, 1.0, "b"),
            (5, "dee", 2.0, "a"),
        ],
        "id int, name string, score double, team string",
    )


class PerTeam:
    """One row per partition, from terminate(): the partition's team, size and total."""

    def __init__(self) -> None:
        self.team: str | None = None
        self.size = 0
        self.total = 0.0

    def eval(self, row: Any):
        self.team = row["team"]
        self.size += 1
        self.total += row["score"] or 0.0
        return iter(())

    def terminate(self):
        yield self.team, self.size, self.total


class Numbered:
    """Each row's id with its place in the partition and an offset: shows the order."""

    def __init__(self) -> None:
        self.place = 0

    def eval(self, row: Any, offset: int = 0):
        self.place += 1
        yield row["id"], self.place + offset


@CASES.frame(ordered=True)
def table_argument_partitioned_by_a_key(spark, F, T, Window, Row):
    per_team = F.udtf(PerTeam, returnType="team string, size int, total double")
    return per_team(people(spark).asTable().partitionBy("team")).orderBy("team")


@CASES.frame(ordered=True)
def table_argument_partitioned_and_ordered_with_a_scalar_argument(spark, F, T, Window, Row):
    numbered = F.udtf(Numbered, returnType="id int, place int")
    df = people(spark)
    table = df.asTable().partitionBy(df.team).orderBy(F.col("score").desc_nulls_last())
    return numbered(table, F.lit(100)).orderBy("id")


@CASES.frame(ordered=True)
def table_argument_in_a_single_partition(spark, F, T, Window, Row):
    numbered = F.udtf(Numbered, returnType="id int, place int")
    table = people(spark).where("id > 1").asTable().withSinglePartition().orderBy("name")
    return numbered(table, F.lit(0)).orderBy("place")


class TeamSizesByAnalyze:
    """A UDTF whose analyze() sees its table argument (``isTable``) and asks Spark to
    partition it by team and order it by id. ``analyze`` runs on the server's Python
    worker, so it imports PySpark's analysis classes there."""

    @staticmethod
    def analyze(table: Any, label: Any) -> Any:
        from pyspark.sql.types import LongType, StringType, StructType
        from pyspark.sql.udtf import AnalyzeResult, OrderingColumn, PartitioningColumn

        assert table.isTable and not label.isTable and label.value == "size"
        assert "team" in table.dataType.fieldNames()
        schema = StructType().add("team", StringType()).add(label.value, LongType())
        schema = schema.add("first_id", LongType()).add("columns", StringType())
        return AnalyzeResult(
            schema=schema,
            partitionBy=[PartitioningColumn("team")],
            orderBy=[OrderingColumn("id", ascending=False)],
        )

    def __init__(self) -> None:
        self.team, self.size, self.first, self.columns = None, 0, None, ""

    def eval(self, row: Any, label: str):
        self.team, self.size = row["team"], self.size + 1
        self.first = row["id"] if self.first is None else self.first
        self.columns = ",".join(row.asDict())
        return iter(())

    def terminate(self):
        yield self.team, self.size, self.first, self.columns


@CASES.frame(ordered=True)
def table_argument_partitioned_by_the_udtfs_analyze(spark, F, T, Window, Row):
    sizes = F.udtf(TeamSizesByAnalyze)
    return sizes(people(spark).asTable(), F.lit("size")).orderBy("team")


@CASES.program()
def table_argument_from_sql_with_partition_by(spark, F, T, Window, Row):
    per_team = F.udtf(PerTeam, returnType="team string, size int, total double")
    name, view = (prefix + uuid.uuid4().hex[:8] for prefix in ("per_team_", "people_"))
    spark.udtf.register(name, per_team)
    people(spark).createOrReplaceTempView(view)
    query = f"SELECT * FROM {name}(TABLE({view}) PARTITION BY team) ORDER BY team"
    numbered = F.udtf(Numbered, returnType="id int, place int")
    spark.udtf.register(name + "_n", numbered)
    ordered = f"SELECT * FROM {name}_n(TABLE({view}) PARTITION BY team ORDER BY id DESC)"
    return spark.sql(query).collect() + spark.sql(ordered + " ORDER BY id").collect()


@CASES.frame(ordered=True)
def arrow_udtf_of_a_table_and_of_arrays(spark, F, T, Window, Row):
    @F.arrow_udtf(returnType="team string, size long")
    class Sizes:
        def eval(self, batch: pa.RecordBatch):
            teams = batch.column("team").to_pylist()
            yield pa.table(
                {
                    "team": pa.array(sorted(set(teams)), pa.string()),
                    "size": pa.array([teams.count(t) for t in sorted(set(teams))], pa.int64()),
                }
            )

    @F.arrow_udtf(returnType="x long, y long")
    class Pairs:
        def eval(self, x: pa.Array, y: pa.Array):
            yield pa.table({"x": x, "y": pa.compute.multiply(y, 2)})

    sizes = Sizes(people(spark).asTable().withSinglePartition())
    pairs = Pairs(F.lit(3).cast("long"), F.lit(4).cast("long")).select(
        F.col("x").cast("string").alias("team"), F.col("y").alias("size")
    )
    return sizes.union(pairs).orderBy("team")


@CASES.program()
def arrow_udtf_registered_for_sql(spark, F, T, Window, Row):
    @F.arrow_udtf(returnType="id int, doubled int")
    class Doubled:
        def eval(self, batch: pa.RecordBatch):
            ids = batch.column("id")
            yield pa.table({"id": ids, "doubled": pa.compute.multiply(ids, 2)})

    name, view = (prefix + uuid.uuid4().hex[:8] for prefix in ("doubled_", "people_"))
    spark.udtf.register(name, Doubled)
    people(spark).createOrReplaceTempView(view)
    return spark.sql(f"SELECT * FROM {name}(TABLE({view})) ORDER BY id").collect()


def test_bad_partition_column_names_it_and_the_session_goes_on(engines: Engines) -> None:
    def run(engine: Any) -> tuple[str | None, str, list[Any]]:
        spark, F = engine.spark, engine.F
        per_team = F.udtf(PerTeam, returnType="team string, size int, total double")
        df = people(spark)
        with pytest.raises(Exception) as caught:
            per_team(df.asTable().partitionBy("no_such_column")).collect()
        good = per_team(df.asTable().partitionBy("team")).orderBy("team").collect()
        return caught.value.getCondition(), str(caught.value), [tuple(r) for r in good]

    got, expected = run(engines.client), run(engines.classic)
    assert isinstance(got, tuple)
    condition, message, rows = got
    assert condition == expected[0] == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert "`no_such_column`" in message
    assert rows == expected[2] == [("a", 3, 10.5), ("b", 2, 1.0)]


def test_bad_partition_column_is_an_analysis_exception(spark: Any) -> None:
    from sparkflight.client import functions as F

    per_team = F.udtf(PerTeam, returnType="team string, size int, total double")
    with pytest.raises(AnalysisException, match="no_such_column"):
        per_team(people(spark).asTable().partitionBy("no_such_column")).collect()


def test_table_argument_methods_refuse_what_pyspark_refuses(engines: Engines) -> None:
    for engine in (engines.client, engines.classic):
        table = people(engine.spark).asTable()
        attempts = {
            "before orderBy": lambda t=table: t.orderBy("id"),
            "after partitionBy": lambda t=table: t.partitionBy("team").withSinglePartition(),
            "after partitionBy()": lambda t=table: t.withSinglePartition().partitionBy("team"),
        }
        for words, attempt in attempts.items():
            with pytest.raises(Exception, match=words.split()[0]) as caught:
                attempt()
            if engine is engines.client:
                assert isinstance(caught.value, IllegalArgumentException)


def test_arrow_udtf_with_analyze_is_refused_as_in_pyspark(engines: Engines) -> None:
    class WithAnalyze:
        @staticmethod
        def analyze(*args: Any) -> Any:
            return None

        def eval(self, x: Any):
            yield (x,)

    for engine in (engines.client, engines.classic):
        with pytest.raises(AttributeError, match="INVALID_ARROW_UDTF_WITH_ANALYZE"):
            engine.F.arrow_udtf(WithAnalyze)
        with pytest.raises(AttributeError, match="INVALID_UDTF_BOTH_RETURN_TYPE_AND_ANALYZE"):
            engine.F.arrow_udtf(WithAnalyze, returnType="x int")
        with pytest.raises(AttributeError, match="INVALID_UDTF_RETURN_TYPE"):
            engine.F.udtf(PerTeam)
    with pytest.raises(PySparkAttributeError, match="'WithAnalyze' is invalid"):
        engines.client.F.arrow_udtf(WithAnalyze)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
