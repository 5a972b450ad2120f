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


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
