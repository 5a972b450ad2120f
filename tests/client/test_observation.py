"""``DataFrame.observe`` and ``Observation``: metrics computed while an action runs.

Each case runs on the client and on in-process PySpark; see tests/client/harness.py.
"""

from __future__ import annotations

from typing import Any

import pyspark.sql
import pytest

from sparkflight import client
from tests.client.harness import Cases, Engines, engines_for, error_of

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def observation(F: Any, name: str | None = None) -> Any:
    """An Observation of the engine whose functions module is ``F``."""
    module = client if F is client.functions else pyspark.sql
    return module.Observation(name) if name is not None else module.Observation()


@CASES.program()
def observe_while_collecting(spark, F, T, Window, Row):
    obs = observation(F, "metrics")
    df = spark.range(10).observe(
        obs, F.count(F.lit(1)).alias("rows"), F.max("id"), F.sum("id").alias("total")
    )
    rows = df.filter("id > 5").collect()
    return [len(rows), obs.get]


@CASES.program()
def observe_typed_metrics_with_count(spark, F, T, Window, Row):
    obs = observation(F)
    df = spark.createDataFrame([("a", 1.5), ("b", None)], "k string, v double").observe(
        obs, F.avg("v").alias("mean"), F.collect_list("k").alias("ks"), F.lit(42).alias("x")
    )
    return [df.count(), obs.get]


@CASES.program()
def observe_with_show(spark, F, T, Window, Row):
    obs = observation(F, "shown")
    df = spark.range(5).observe(obs, F.min("id").alias("lo"))
    df.show()
    return obs.get


@CASES.program()
def observe_with_to_pandas(spark, F, T, Window, Row):
    obs = observation(F, "pandas")
    spark.range(4).observe(obs, F.sum("id").alias("s")).toPandas()
    return obs.get


@CASES.program()
def observe_keeps_the_first_action(spark, F, T, Window, Row):
    obs = observation(F, "first")
    df = spark.range(5).observe(obs, F.count(F.lit(1)).alias("n"))
    df.collect()
    df.filter("id < 2").collect()
    return obs.get


@CASES.program()
def observe_inside_a_larger_plan(spark, F, T, Window, Row):
    obs = observation(F, "inner")
    left = spark.range(6).observe(obs, F.count(F.lit(1)).alias("n"), F.max("id").alias("hi"))
    right = spark.range(3).withColumnRenamed("id", "k")
    joined = left.join(right, left.id == right.k).groupBy().count()
    return [joined.collect(), obs.get]


@CASES.frame()
def observe_by_name(spark, F, T, Window, Row):
    return spark.range(5).observe("named", F.count(F.lit(1)))


@CASES.program()
def observe_errors(spark, F, T, Window, Row):
    used = observation(F, "used")
    spark.range(1).observe(used, F.count(F.lit(1)))
    return [
        error_of(lambda: observation(F, "never").get),
        error_of(lambda: spark.range(1).observe(used, F.count(F.lit(1)))),
        error_of(lambda: spark.range(1).observe("x")),
        error_of(lambda: spark.range(1).observe(1, F.count(F.lit(1)))),
        error_of(lambda: spark.range(1).observe("x", "id")),
        error_of(lambda: observation(F, "")),
        error_of(lambda: spark.range(3).observe("x", F.col("id")).collect()),
    ]


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)


def test_get_before_any_action_names_the_problem(spark: Any) -> None:
    """PySpark blocks until an action ends; the client says that none has run."""
    obs = client.Observation("waiting")
    df = spark.range(3).observe(obs, client.functions.count(client.functions.lit(1)))
    assert df.columns == ["id"]  # analysis alone does not compute the metrics
    with pytest.raises(client.PySparkAssertionError) as raised:
        _ = obs.get
    assert raised.value.getCondition() == "NO_ACTION_BEFORE_GET"
    df.collect()
    assert obs.get == {"count(1)": 3}
