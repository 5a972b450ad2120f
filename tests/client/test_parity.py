"""Parity with PySpark where the client once answered differently: distinct aggregates,
trims with characters, column ordinals, functions PySpark builds with their own arguments,
and the operations the server plans as Spark Connect's own relations.

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


def values(spark: Any) -> Any:
    return spark.createDataFrame(
        [(1, "*a*", 1, 2.5), (2, "b**", 1, None), (3, "c", 2, 1.0), (4, None, None, -1.0)],
        "id int, value string, v int, x double",
    )


# ------------------------------------------------------------ distinct aggregates


@CASES.frame()
def distinct_aggregates_in_select(spark, F, T, Window, Row):
    return values(spark).select(
        F.count_distinct("v"), F.countDistinct("v", "id"), F.sum_distinct("v")
    )


@CASES.frame()
def distinct_aggregates_in_agg(spark, F, T, Window, Row):
    return (
        values(spark)
        .groupBy("v")
        .agg(F.count_distinct("id"), F.sumDistinct("id"), F.sum_distinct(F.col("id") % 2))
    )


# ------------------------------------------------------------ trims


@CASES.frame()
def trims_with_characters(spark, F, T, Window, Row):
    return values(spark).select(
        "id",
        F.trim("value", F.lit("*")),
        F.ltrim("value", F.lit("*")),
        F.rtrim(F.col("value"), F.lit("*")),
        F.trim("value"),
        F.btrim("value", F.lit("*")),
    )


# ------------------------------------------------------------ column ordinals


@CASES.frame(ordered=True)
def sort_by_ordinal(spark, F, T, Window, Row):
    return values(spark).sort(-1)


@CASES.frame(ordered=True)
def order_by_descending_ordinal_and_name(spark, F, T, Window, Row):
    return values(spark).orderBy(-3, "id")


@CASES.frame(ordered=True)
def order_by_list_of_ordinals(spark, F, T, Window, Row):
    return values(spark).orderBy([3, -1], ascending=[True, True])


@CASES.frame(ordered=True)
def group_by_ordinal(spark, F, T, Window, Row):
    return values(spark).groupBy(3).count().orderBy("v")


@CASES.frame(ordered=True)
def group_by_list_of_column_and_ordinal(spark, F, T, Window, Row):
    df = values(spark)
    return df.groupBy([df.v, 1]).agg(F.sum("x")).orderBy("v", "id")


@CASES.frame(ordered=True)
def cube_by_ordinals(spark, F, T, Window, Row):
    return values(spark).cube(3, 1).count().orderBy("v", "id")


@CASES.frame(ordered=True)
def rollup_by_ordinal_and_name(spark, F, T, Window, Row):
    return values(spark).rollup([3, "id"]).count().orderBy("v", "id")


@CASES.frame(ordered=True)
def grouping_sets_by_ordinals(spark, F, T, Window, Row):
    return values(spark).groupingSets([[1], [3]], 1, 3).count().orderBy("id", "v")


@CASES.frame(ordered=True)
def sort_within_partitions_by_ordinal(spark, F, T, Window, Row):
    return values(spark).coalesce(1).sortWithinPartitions(-1)


@CASES.program()
def ordinal_zero_in_sort(spark, F, T, Window, Row):
    return error_of(lambda: values(spark).sort(0))


@CASES.program()
def ordinal_not_positive_in_group_by(spark, F, T, Window, Row):
    return error_of(lambda: values(spark).groupBy(-1))


# ------------------------------------------------------------ functions


@CASES.frame()
def chr_of_codes(spark, F, T, Window, Row):
    return values(spark).select(F.chr(F.lit(65)), F.chr(F.col("id") + 96))


@CASES.frame()
def array_append_and_prepend_none(spark, F, T, Window, Row):
    df = spark.sql("SELECT array(1, 2) AS a")
    return df.select(F.array_append("a", None), F.array_prepend("a", None))


@CASES.frame()
def intervals_with_default_arguments(spark, F, T, Window, Row):
    return spark.range(1).select(
        F.make_interval(F.lit(1)).cast("string"),
        F.make_interval().cast("string"),
        F.try_make_interval(months=F.lit(2)).cast("string"),
        F.make_dt_interval(),
        F.make_dt_interval(hours=F.lit(2)),
        F.make_ym_interval().cast("string"),
    )


@CASES.frame(ordered=True)
def uuid_with_seed(spark, F, T, Window, Row):
    return spark.range(0, 5, 1, 1).select("id", F.uuid(seed=123), F.uuid(F.lit(7)).alias("u7"))


@CASES.frame()
def st_asbinary_with_endianness(spark, F, T, Window, Row):
    wkb = bytes.fromhex("0101000000000000000000F03F0000000000000040")
    df = spark.createDataFrame([(wkb,)], ["wkb"])
    return df.select(
        F.hex(F.st_asbinary(F.st_geogfromwkb("wkb"))),
        F.hex(F.st_asbinary(F.st_geomfromwkb("wkb"), "XDR")),
        F.hex(F.st_asbinary(F.st_geogfromwkb("wkb"), "NDR")),
    )


# ------------------------------------------------------------ subqueries and joins


@CASES.frame()
def struct_isin_two_column_dataframe(spark, F, T, Window, Row):
    pairs = spark.createDataFrame([(1, 2), (3, 4), (5, None)], "a int, b int")
    allowed = spark.createDataFrame([(1, 2), (5, 6)], "x int, y int")
    return pairs.where(F.struct("a", "b").isin(allowed))


@CASES.frame()
def lateral_join_outer_reference_to_alias(spark, F, T, Window, Row):
    outer = spark.createDataFrame([(1,), (3,)], "x int").alias("c")
    return outer.lateralJoin(spark.range(4).where(F.col("id") < F.col("c.x").outer()))


def _as_of_sides(spark: Any) -> tuple[Any, Any]:
    left = spark.createDataFrame([(1, "a"), (5, "b"), (10, "c")], "t int, k string")
    right = spark.createDataFrame(
        [(1, "a", 1), (2, "b", 2), (3, "a", 3), (6, "b", 6), (7, "c", 7)], "t int, k string, w int"
    )
    return left, right


@CASES.frame()
def join_as_of_backward(spark, F, T, Window, Row):
    left, right = _as_of_sides(spark)
    return left._joinAsOf(right, leftAsOfColumn="t", rightAsOfColumn="t")


@CASES.frame()
def join_as_of_on_key_with_tolerance_forward(spark, F, T, Window, Row):
    left, right = _as_of_sides(spark)
    return left._joinAsOf(
        right,
        leftAsOfColumn=left.t,
        rightAsOfColumn=right.t,
        on="k",
        how="left",
        tolerance=F.lit(2),
        allowExactMatches=False,
        direction="forward",
    )


# ------------------------------------------------------------ Python functions


# Spark runs a barrier stage only whole: show() (a limit) fails on both, collect() works.


@CASES.program()
def map_in_pandas_barrier(spark, F, T, Window, Row):
    df = spark.range(0, 6, 1, 2).mapInPandas(lambda it: it, "id long", barrier=True)
    return sorted(df.collect())


@CASES.program()
def map_in_arrow_barrier(spark, F, T, Window, Row):
    df = spark.range(0, 6, 1, 2).mapInArrow(lambda it: it, "id long", barrier=True)
    return sorted(df.collect())


# ------------------------------------------------------------ readers and misc


@CASES.program()
def ipython_key_completions(spark, F, T, Window, Row):
    return values(spark).withColumn("a b", F.lit(1))._ipython_key_completions_()


def _documents(spark: Any, texts: list[str]) -> Any:
    return spark.createDataFrame([(t,) for t in texts], schema="value STRING")


@CASES.frame(ordered=True)
def read_json_of_dataframe(spark, F, T, Window, Row):
    docs = _documents(spark, ['{"name": "Alice", "age": 25}', '{"name": "Bob", "age": 30}'])
    return spark.read.json(docs).sort("name")


@CASES.frame(ordered=True)
def read_json_of_dataframe_with_schema_and_options(spark, F, T, Window, Row):
    docs = _documents(spark, ["{'name': 'Alice', 'age': 25}", "{'name': 'Bob'}"])
    return spark.read.json(docs, schema="name STRING, age INT", allowSingleQuotes=True).sort("name")


@CASES.frame(ordered=True)
def read_xml_of_dataframe(spark, F, T, Window, Row):
    docs = _documents(
        spark,
        [
            "<person><name>Alice</name><age>25</age></person>",
            "<person><name>Bob</name><age>30</age></person>",
        ],
    )
    return spark.read.option("rowTag", "person").xml(docs).sort("name")


@CASES.frame(ordered=True)
def read_csv_of_dataframe(spark, F, T, Window, Row):
    docs = _documents(spark, ["a;1", "b;2"])
    return spark.read.csv(docs, schema="n string, v int", sep=";").sort("n")


# ------------------------------------------------------------ NA functions and unpivot


def gaps(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, None, "a", float("nan"), True),
            (None, 2.5, None, None, None),
            (3, 1.0, "b", 2.0, False),
            (None, None, None, None, None),
        ],
        "a int, b double, c string, d float, e boolean",
    )


@CASES.frame()
def fill_by_type(spark, F, T, Window, Row):
    return gaps(spark).na.fill(0).na.fill("x").na.fill(True)


@CASES.frame()
def fill_subset(spark, F, T, Window, Row):
    return gaps(spark).fillna(1.5, subset=["a", "b", "c"])


@CASES.frame()
def fill_by_column(spark, F, T, Window, Row):
    return gaps(spark).na.fill({"a": 7, "c": "z", "d": 9.5, "e": False})


@CASES.frame()
def fill_one_column_casting_its_value(spark, F, T, Window, Row):
    return gaps(spark).na.fill({"a": "5"})


@CASES.program()
def fill_unknown_column(spark, F, T, Window, Row):
    return error_of(lambda: gaps(spark).na.fill({"zz": 1}).collect())


@CASES.frame()
def drop_missing(spark, F, T, Window, Row):
    df = gaps(spark)
    return (
        df.na.drop()
        .union(df.na.drop("all"))
        .union(df.dropna(thresh=2, subset=("a", "b", "d")))
        .union(df.dropna(subset="a"))
    )


@CASES.frame()
def replace_values(spark, F, T, Window, Row):
    df = gaps(spark)
    return (
        df.na.replace(1, 10)
        .na.replace(["a", "b"], ["A", None])
        .replace({3: 30, 1.0: 11.0}, subset=["a", "b"])
        .replace(True, False)
    )


def wide(spark: Any) -> Any:
    return spark.createDataFrame([(1, 11, 1.1), (2, 12, 1.2)], "id int, n long, x double")


@CASES.frame()
def unpivot_values(spark, F, T, Window, Row):
    return wide(spark).unpivot("id", ["n", "x"], "var", "val")


@CASES.frame()
def unpivot_every_other_column(spark, F, T, Window, Row):
    return wide(spark).unpivot(["id"], None, "var", "val")


@CASES.frame()
def melt_expressions(spark, F, T, Window, Row):
    return wide(spark).melt(F.col("id"), [F.col("n"), (F.col("x") * 2).alias("xx")], "k", "v")


@CASES.program()
def unpivot_without_values(spark, F, T, Window, Row):
    return error_of(lambda: wide(spark).unpivot(["id", "n", "x"], None, "var", "val").schema)


# ------------------------------------------------------------ grouping by a dict, distinct


@CASES.frame()
def agg_dict_of_many_columns_in_sparks_order(spark, F, T, Window, Row):
    columns = ["a", "b", "c", "d", "e", "f", "salary", "age"]
    df = spark.createDataFrame([(1, *range(8)), (1, *range(1, 9))], ["k", *columns])
    functions = ["max", "min", "sum", "mean", "avg", "count", "MAX", "stddev"]
    return df.groupBy("k").agg(dict(zip(columns, functions, strict=True)))


@CASES.frame()
def agg_dict_count_star_and_aliases(spark, F, T, Window, Row):
    return values(spark).groupBy("v").agg({"*": "count", "x": "average", "id": "std"})


def repeated(spark: Any) -> Any:
    rows = [(i % 7, str(i % 5), i % 3) for i in range(40)]
    return spark.createDataFrame(rows, "a int, b string, c int")


@CASES.frame(ordered=True)
def distinct_row_order(spark, F, T, Window, Row):
    return repeated(spark).distinct()


@CASES.frame(ordered=True)
def drop_duplicates_row_order(spark, F, T, Window, Row):
    return repeated(spark).dropDuplicates(["a", "c"]).select("a", "c")


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)


def test_drop_duplicates_of_no_columns_is_refused_not_answered_for_all(spark: Any) -> None:
    """Spark keeps one row for an empty subset; Spark Connect's planner cannot say so and
    refuses, as it refuses PySpark's Connect client: never every column's duplicates."""
    df = spark.createDataFrame([(1, 2), (1, 3)], "a int, b int")
    condition = error_of(lambda: df.dropDuplicates([]).collect())[1]
    assert condition == "CONNECT_INVALID_PLAN.DEDUPLICATE_REQUIRES_COLUMNS_OR_ALL"
