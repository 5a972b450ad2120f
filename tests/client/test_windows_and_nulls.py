"""Window functions and frames, and the missing-value functions (na.*, fillna, dropna, replace).

Each case runs on the client and on in-process PySpark; see tests/client/harness.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.client.harness import Cases, Engines, engines_for, error_of

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def scores(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            ("a", 1, 10.0),
            ("a", 2, 15.0),
            ("a", 3, 15.0),
            ("a", 4, 7.0),
            ("b", 1, 3.0),
            ("b", 2, None),
            ("b", 5, 8.0),
            ("c", 1, 1.0),
        ],
        "grp string, t int, v double",
    )


def holes(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, "x", 1.5, True, None),
            (2, None, float("nan"), None, 10),
            (3, "z", None, False, 20),
            (None, None, None, None, None),
            (5, "", 2.5, True, 30),
        ],
        "id int, s string, d double, b boolean, n long",
    )


# ---------------------------------------------------------------- ranking and offsets


@CASES.frame()
def ranking_functions(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy(F.col("v").desc_nulls_last())
    return scores(spark).select(
        "grp",
        "t",
        F.row_number().over(w).alias("rn"),
        F.rank().over(w).alias("rk"),
        F.dense_rank().over(w).alias("drk"),
        F.percent_rank().over(w).alias("pr"),
        F.cume_dist().over(w).alias("cd"),
        F.ntile(2).over(w).alias("tile"),
    )


@CASES.frame()
def lag_lead_with_defaults(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t")
    return scores(spark).select(
        "grp",
        "t",
        F.lag("v", 1, -1.0).over(w).alias("prev"),
        F.lead("v", 2).over(w).alias("next2"),
    )


@CASES.frame()
def nth_first_last_value(spark, F, T, Window, Row):
    w = (
        Window.partitionBy("grp")
        .orderBy("t")
        .rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    )
    return scores(spark).select(
        "grp",
        "t",
        F.first("v").over(w).alias("first"),
        F.last("v", ignorenulls=True).over(w).alias("last"),
        F.nth_value("v", 2).over(w).alias("second"),
    )


# ---------------------------------------------------------------- frames


@CASES.frame()
def running_total(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t").rowsBetween(Window.unboundedPreceding, 0)
    return scores(spark).withColumn("running", F.sum("v").over(w))


@CASES.frame()
def moving_average_rows(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t").rowsBetween(-1, 1)
    return scores(spark).withColumn("avg3", F.avg("v").over(w))


@CASES.frame()
def range_frame(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t").rangeBetween(-2, Window.currentRow)
    return scores(spark).withColumn("recent", F.count("v").over(w))


@CASES.frame()
def range_frame_following(spark, F, T, Window, Row):
    w = Window.orderBy("t").rangeBetween(0, 1)
    return scores(spark).withColumn("ahead", F.max("v").over(w))


@CASES.frame()
def whole_partition_aggregates(spark, F, T, Window, Row):
    w = Window.partitionBy("grp")
    return scores(spark).select(
        "grp",
        "t",
        F.count("*").over(w).alias("n"),
        F.min("v").over(w).alias("lo"),
        F.max("v").over(w).alias("hi"),
        (F.col("v") / F.sum("v").over(w)).alias("share"),
    )


@CASES.frame()
def window_over_expression_keys(spark, F, T, Window, Row):
    w = Window.partitionBy(F.col("t") % 2).orderBy(F.col("grp").desc(), "t")
    return scores(spark).select("grp", "t", F.row_number().over(w).alias("rn"))


@CASES.frame()
def window_with_list_arguments(spark, F, T, Window, Row):
    w = Window.partitionBy(["grp"]).orderBy(["t"])
    return scores(spark).select("grp", "t", F.rank().over(w).alias("r"))


@CASES.frame()
def window_collect_list(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t").rowsBetween(-2, 0)
    return scores(spark).select("grp", "t", F.collect_list("t").over(w).alias("last3"))


@CASES.frame()
def window_then_filter(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy(F.col("v").desc())
    ranked = scores(spark).withColumn("rn", F.row_number().over(w))
    return ranked.filter("rn = 1").drop("rn")


@CASES.frame()
def window_in_aggregate_result(spark, F, T, Window, Row):
    totals = scores(spark).groupBy("grp").agg(F.sum("v").alias("total"))
    return totals.withColumn("rank", F.dense_rank().over(Window.orderBy(F.desc("total"))))


# ---------------------------------------------------------------- dropna


@CASES.frame()
def dropna_any(spark, F, T, Window, Row):
    return holes(spark).dropna()


@CASES.frame()
def dropna_all(spark, F, T, Window, Row):
    return holes(spark).dropna(how="all")


@CASES.frame()
def dropna_thresh(spark, F, T, Window, Row):
    return holes(spark).dropna(thresh=4)


@CASES.frame()
def dropna_subset(spark, F, T, Window, Row):
    return holes(spark).na.drop(subset=["s", "b"])


@CASES.frame()
def dropna_subset_string(spark, F, T, Window, Row):
    return holes(spark).na.drop("any", None, "d")


# ---------------------------------------------------------------- fillna


@CASES.frame()
def fillna_number(spark, F, T, Window, Row):
    return holes(spark).fillna(0)


@CASES.frame()
def fillna_float_fills_nan(spark, F, T, Window, Row):
    return holes(spark).fillna(-1.5)


@CASES.frame()
def fillna_string(spark, F, T, Window, Row):
    return holes(spark).na.fill("missing")


@CASES.frame()
def fillna_bool(spark, F, T, Window, Row):
    return holes(spark).na.fill(False)


@CASES.frame()
def fillna_subset(spark, F, T, Window, Row):
    return holes(spark).fillna(7, subset=["id", "n"])


@CASES.frame()
def fillna_dict(spark, F, T, Window, Row):
    return holes(spark).fillna({"id": 0, "s": "m", "d": 9, "b": False, "n": 2.5})


@CASES.frame()
def fillna_dict_casts_to_the_column_type(spark, F, T, Window, Row):
    return holes(spark).fillna({"id": 2.7, "s": 5, "d": "4.5", "b": 1, "n": 2**40})


@CASES.frame()
def fillna_dict_ignores_subset(spark, F, T, Window, Row):
    return holes(spark).fillna({"id": 0}, subset=["s"])


@CASES.frame()
def na_fill_dict_with_case_and_alias(spark, F, T, Window, Row):
    return holes(spark).alias("t").na.fill({"ID": 7, "t.s": "q"})


@CASES.frame()
def fillna_dict_last_of_same_column_wins(spark, F, T, Window, Row):
    return holes(spark).fillna({"id": 5, "ID": 6})


@CASES.frame()
def fillna_dict_float_column_and_nan(spark, F, T, Window, Row):
    return spark.createDataFrame([(None,), (float("nan"),), (1.5,)], "f float").fillna({"f": 2})


@CASES.frame()
def fillna_dict_backticked_name(spark, F, T, Window, Row):
    return spark.sql("SELECT CAST(NULL AS INT) AS `a.b`").fillna({"`a.b`": 1})


@CASES.frame()
def fillna_empty_dict(spark, F, T, Window, Row):
    return holes(spark).fillna({})


@CASES.program()
def fillna_dict_errors(spark, F, T, Window, Row):
    nested = spark.sql("SELECT named_struct('a', CAST(NULL AS INT)) AS st")
    dotted = spark.sql("SELECT CAST(NULL AS INT) AS `a.b`")
    twins = spark.sql("SELECT CAST(NULL AS INT) AS a, CAST(NULL AS STRING) AS a")
    return [
        error_of(lambda: holes(spark).fillna({"nope": 1}).collect()),
        error_of(lambda: holes(spark).fillna({"id": [1]}).collect()),
        error_of(lambda: holes(spark).fillna({"id": "x"}).collect()),
        error_of(lambda: holes(spark).fillna([1])),
        error_of(lambda: nested.fillna({"st.a": 1}).collect()),
        error_of(lambda: dotted.fillna({"a.b": 1}).collect()),
        error_of(lambda: twins.fillna({"a": 1}).collect()),
    ]


# ---------------------------------------------------------------- replace


@CASES.frame()
def replace_string(spark, F, T, Window, Row):
    return holes(spark).replace("x", "ex")


@CASES.frame()
def replace_list(spark, F, T, Window, Row):
    return holes(spark).na.replace(["x", "z"], ["X", "Z"], "s")


@CASES.frame()
def replace_dict(spark, F, T, Window, Row):
    return holes(spark).replace({1: 100, 3: 300})


@CASES.frame()
def replace_number_subset(spark, F, T, Window, Row):
    return holes(spark).replace(10, 11, subset=["n"])


@CASES.frame()
def replace_to_null(spark, F, T, Window, Row):
    return holes(spark).replace("", None)


@CASES.frame()
def replace_bool(spark, F, T, Window, Row):
    return holes(spark).replace(True, False)


@CASES.program()
def replace_mixed_types_error(spark, F, T, Window, Row):
    return error_of(lambda: holes(spark).replace(["x", 1], ["y", 2]))


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
