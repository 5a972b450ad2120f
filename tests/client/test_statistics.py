"""describe, summary and the DataFrameStatFunctions: the client against in-process PySpark."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client.harness import Cases, Engines, engines_for

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def measurements(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, "a", 10.0, 3, "x"),
            (2, "b", 20.5, 1, "y"),
            (3, "a", None, 4, "x"),
            (4, "c", 7.25, 1, "z"),
            (5, "b", 11.0, 5, "y"),
            (6, "a", 3.5, 9, "x"),
            (7, "c", 15.0, 2, None),
            (8, "b", 8.0, 6, "y"),
        ],
        "id long, grp string, value double, n int, tag string",
    )


# ---------------------------------------------------------------- describe/summary


@CASES.frame()
def describe_all_columns(spark, F, T, Window, Row):
    return measurements(spark).describe()


@CASES.frame()
def describe_some_columns(spark, F, T, Window, Row):
    return measurements(spark).describe("value", "grp")


@CASES.frame()
def describe_list_of_columns(spark, F, T, Window, Row):
    return measurements(spark).describe(["n"])


@CASES.frame()
def summary_default(spark, F, T, Window, Row):
    return measurements(spark).summary()


@CASES.frame()
def summary_chosen_statistics(spark, F, T, Window, Row):
    return measurements(spark).summary("count", "min", "25%", "75%", "max")


@CASES.frame()
def summary_count_distinct(spark, F, T, Window, Row):
    return measurements(spark).select("grp", "n").summary("count", "count_distinct", "mean")


@CASES.frame()
def summary_after_filter(spark, F, T, Window, Row):
    return measurements(spark).filter("n > 1").select("value").summary("min", "50%", "max")


# ---------------------------------------------------------------- crosstab, freqItems


@CASES.frame()
def crosstab(spark, F, T, Window, Row):
    return measurements(spark).crosstab("grp", "tag")


@CASES.frame()
def stat_crosstab(spark, F, T, Window, Row):
    return measurements(spark).stat.crosstab("n", "grp")


@CASES.program()
def freq_items_values(spark, F, T, Window, Row):
    row = measurements(spark).freqItems(["grp"], 0.4).head()
    return sorted(row[0])


@CASES.program()
def freq_items_schema(spark, F, T, Window, Row):
    df = measurements(spark).stat.freqItems(("grp", "n"))
    return df.schema


# ---------------------------------------------------------------- quantiles


@CASES.program()
def approx_quantile_one_column(spark, F, T, Window, Row):
    return measurements(spark).approxQuantile("value", [0.0, 0.5, 1.0], 0.0)


@CASES.program()
def approx_quantile_several_columns(spark, F, T, Window, Row):
    return measurements(spark).approxQuantile(["value", "n"], [0.25, 0.75], 0.01)


@CASES.program()
def stat_approx_quantile(spark, F, T, Window, Row):
    return measurements(spark).stat.approxQuantile(["id"], [0.5], 0.1)


@CASES.program()
def approx_quantile_of_empty(spark, F, T, Window, Row):
    return measurements(spark).filter("id > 100").approxQuantile("value", [0.5], 0.1)


# ---------------------------------------------------------------- correlation


@CASES.program()
def corr_and_cov(spark, F, T, Window, Row):
    df = measurements(spark)
    return (round(df.corr("id", "n"), 10), round(df.cov("id", "n"), 10))


@CASES.program()
def stat_corr_and_cov(spark, F, T, Window, Row):
    df = measurements(spark)
    return (round(df.stat.corr("id", "value"), 10), round(df.stat.cov("n", "value"), 10))


# ---------------------------------------------------------------- sampling


@CASES.frame()
def sample_by(spark, F, T, Window, Row):
    df = spark.range(100).withColumn("key", F.col("id") % 3)
    return df.sampleBy("key", {0: 0.1, 1: 0.5}, seed=7)


@CASES.frame()
def stat_sample_by_column(spark, F, T, Window, Row):
    df = spark.range(100).withColumn("key", (F.col("id") % 2).cast("string"))
    return df.stat.sampleBy(F.col("key"), {"0": 1.0, "1": 0.2}, 3)


@CASES.frame()
def sample_with_seed(spark, F, T, Window, Row):
    return spark.range(200).sample(fraction=0.1, seed=11)


@CASES.frame()
def sample_with_replacement(spark, F, T, Window, Row):
    return spark.range(50).sample(True, 0.3, 5)


@CASES.program()
def random_split(spark, F, T, Window, Row):
    parts = spark.range(60).randomSplit([1.0, 2.0, 3.0], seed=42)
    return [sorted(r.id for r in part.collect()) for part in parts]


@CASES.program()
def random_split_of_unsorted_input(spark, F, T, Window, Row):
    df = spark.createDataFrame([(i % 7, str(i)) for i in range(40)], "k int, v string")
    parts = df.randomSplit([0.5, 0.5], 1)
    return [sorted(tuple(r) for r in part.collect()) for part in parts]


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
