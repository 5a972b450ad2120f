"""Forms Spark Connect's planner builds in one call: uploaded local data, ``explain`` of
multi-input plans, Observations analysed before they run, and pivots over nested values.

Each case runs on the client and on in-process PySpark; see tests/client/harness.py.
"""

from __future__ import annotations

import re
from typing import Any

import pyspark.sql
import pytest

from sparkflight import client
from sparkflight.client.session import INLINE_LIMIT_BYTES
from tests.client.harness import Cases, Engines, engines_for, printed

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def _stable_plan(text: str) -> str:
    """An explain text without the expression ids and plan ids that differ per session."""
    text = re.sub(r"#\d+L?", "#", text)
    text = re.sub(r"plan_id=\d+", "plan_id=", text)
    return re.sub(r"\[id=#?\d+\]", "[id=]", text)


def error_of(action: Any) -> tuple[str, str | None]:
    try:
        action()
    except Exception as exc:
        return type(exc).__name__, exc.getCondition()
    raise AssertionError("no error raised")


def _large(spark: Any) -> Any:
    """A DataFrame of local data too large to travel inside a plan (uploaded by DoPut)."""
    rows = [(i, f"name-{i:08d}-" + "x" * 40, i * 0.5) for i in range(INLINE_LIMIT_BYTES // 48)]
    return spark.createDataFrame(rows, "id long, name string, score double")


# ---------------------------------------------------------------- uploaded local data


@CASES.program()
def uploaded_data_read_twice_in_one_plan(spark, F, T, Window, Row):
    df = _large(spark)
    evens = df.filter(F.col("id") % 2 == 0).select("id", "score")
    odds = df.filter(F.col("id") % 2 == 1).select("id", "score")
    joined = evens.join(odds.withColumnRenamed("score", "s2"), "id", "left")
    return (
        df.count(),
        df.agg(F.sum("id"), F.max("name")).collect(),
        evens.union(odds).count(),
        joined.filter(F.col("s2").isNull()).count(),
        df.schema,
    )


@CASES.program()
def uploaded_data_of_nested_types(spark, F, T, Window, Row):
    rows = [
        (i, [f"t{i}", "z" * 40], {"k": i}, (i % 7, f"s{i:06d}"))
        for i in range(INLINE_LIMIT_BYTES // 40)
    ]
    df = spark.createDataFrame(
        rows, "id int, tags array<string>, m map<string,int>, s struct<a:int,b:string>"
    )
    return (
        df.schema,
        df.orderBy(F.desc("id")).limit(2).collect(),
        df.groupBy("s.a").count().orderBy("a").collect(),
    )


# ---------------------------------------------------------------- explain


@CASES.program()
def explain_extended_of_a_join_and_an_aggregate(spark, F, T, Window, Row):
    left = spark.range(6).withColumn("k", F.col("id") % 3)
    right = spark.range(3).withColumnRenamed("id", "k").withColumn("label", F.lit("r"))
    joined = left.join(right, "k")
    totals = joined.groupBy("label").agg(F.sum("id").alias("total"))
    return [
        _stable_plan(printed(lambda df=df, mode=mode: df.explain(mode=mode)))
        for df in (joined, totals)
        for mode in ("simple", "extended", "formatted")
    ]


@CASES.program()
def explain_extended_of_a_union_and_a_limit(spark, F, T, Window, Row):
    df = spark.range(4).union(spark.range(10, 12)).filter("id > 1").limit(3)
    return _stable_plan(printed(lambda: df.explain(True)))


# ---------------------------------------------------------------- observations


@CASES.program()
def observation_analysed_before_it_runs(spark, F, T, Window, Row):
    module = client if F is client.functions else pyspark.sql
    observation = module.Observation("analysed")
    df = spark.range(10).observe(observation, F.count(F.lit(1)).alias("n"), F.max("id"))
    columns, schema = df.columns, df.schema
    rows = df.collect()
    return columns, schema, len(rows), observation.get


# ---------------------------------------------------------------- columns


@CASES.program()
def star_of_a_struct_named_through_a_dataframe(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, (2, 3))], "a int, s struct<x:int,y:int>")
    other = spark.createDataFrame([(1, (5, 6))], "a int, s struct<x:int,y:int>")
    joined = df.join(other, "a")
    return (
        error_of(lambda: df.select(df["s.*"]).collect()),
        error_of(lambda: joined.select(other["s.*"]).collect()),
        joined.select(other["*"]).collect(),
        df.select("s.*").collect(),
    )


# ---------------------------------------------------------------- statistics


@CASES.program()
def sample_by_and_approx_quantile_planned(spark, F, T, Window, Row):
    df = spark.range(100).withColumn("key", (F.col("id") % 3).cast("string"))
    sampled = df.sampleBy("key", {"0": 0.5, "1": 1.0}, seed=7)
    return (
        sorted(r.id for r in sampled.collect()),
        df.approxQuantile(["id"], [0.0, 0.5, 1.0], 0.0),
        df.stat.freqItems(["key"], 0.4).collect(),
    )


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
