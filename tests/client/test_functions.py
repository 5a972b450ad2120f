"""Functions, Column methods and window functions: the client against in-process PySpark."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest

from tests.client.harness import Cases, Engines, engines_for

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def items(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, "  Apple pie ", "a,b,c", 3, 2.5, "2024-01-15", "fruit"),
            (2, "banana", "d", -7, None, "2023-12-31", "fruit"),
            (3, None, "", 12, float("nan"), "2024-02-29", "nut"),
            (4, "Cherry", "e,f", 0, -0.75, None, "fruit"),
            (5, "walnut", None, None, 16.0, "2020-06-01", "nut"),
        ],
        "id int, name string, csv string, n int, x double, day string, kind string",
    )


def scores(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            ("a", 1, 10),
            ("a", 2, 20),
            ("a", 3, 20),
            ("a", 5, 40),
            ("b", 1, 5),
            ("b", 2, None),
            ("b", 4, 15),
        ],
        "grp string, t int, score int",
    )


# ------------------------------------------------------------------- literals


@CASES.frame()
def lit_scalars(spark, F, T, Window, Row):
    return spark.range(1).select(
        F.lit(1),
        F.lit(2**40).alias("big"),
        F.lit(1.5),
        F.lit("text"),
        F.lit(True),
        F.lit(False).alias("no"),
        F.lit(None).alias("nothing"),
    )


@CASES.frame()
def lit_decimal_and_dates(spark, F, T, Window, Row):
    return spark.range(1).select(
        F.lit(decimal.Decimal("12.50")).alias("price"),
        F.lit(datetime.date(2024, 2, 29)).alias("day"),
        F.lit(datetime.datetime(2024, 2, 29, 13, 45, 7, 123456)).alias("moment"),
    )


@CASES.frame()
def lit_list(spark, F, T, Window, Row):
    return spark.range(1).select(F.lit([1, 2, 3]).alias("xs"), F.lit(["a", None]).alias("ys"))


@CASES.frame()
def lit_typed_null(spark, F, T, Window, Row):
    return spark.range(2).select(F.lit(None).cast("int").alias("n"), F.lit(None).cast(T.DateType()))


@CASES.frame()
def col_and_column(spark, F, T, Window, Row):
    return items(spark).select(F.col("id"), F.column("name"), F.col("n") + F.col("id"))


@CASES.frame()
def expr(spark, F, T, Window, Row):
    return items(spark).select(
        F.expr("id * 2 + 1"), F.expr("upper(kind) AS kind_upper"), F.expr("n IS NULL")
    )


@CASES.frame()
def when_otherwise(spark, F, T, Window, Row):
    n = F.col("n")
    return items(spark).select(
        "id",
        F.when(n > 5, "big").when(n > 0, "small").otherwise("other").alias("size"),
        F.when(n.isNull(), 0).alias("without_otherwise"),
    )


# ----------------------------------------------------------------- aggregates


@CASES.frame()
def common_aggregates(spark, F, T, Window, Row):
    return (
        scores(spark)
        .groupBy("grp")
        .agg(
            F.count("score"),
            F.count(F.lit(1)).alias("rows"),
            F.sum("score"),
            F.avg("score"),
            F.mean("t"),
            F.min("score"),
            F.max("score"),
            F.countDistinct("score"),
            F.count_distinct("score", "t").alias("pairs"),
            F.sum_distinct("score"),
        )
    )


@CASES.frame()
def collection_aggregates(spark, F, T, Window, Row):
    return (
        scores(spark)
        .groupBy("grp")
        .agg(
            F.sort_array(F.collect_list("score")).alias("all_scores"),
            F.array_sort(F.collect_set("score")).alias("distinct_scores"),
        )
    )


@CASES.frame()
def statistical_aggregates(spark, F, T, Window, Row):
    return scores(spark).agg(
        F.round(F.stddev("score"), 6).alias("sd"),
        F.round(F.variance("score"), 6).alias("var"),
        F.max_by("grp", "score"),
        F.bool_and(F.col("t") > 0),
    )


# -------------------------------------------------------------------- strings


@CASES.frame()
def string_case_and_concat(spark, F, T, Window, Row):
    return items(spark).select(
        F.upper("name"),
        F.lower(F.col("kind")),
        F.concat("name", F.lit("-"), "kind"),
        F.concat_ws("|", "name", "kind", "csv"),
        F.initcap("kind"),
    )


@CASES.frame()
def string_slicing(spark, F, T, Window, Row):
    return items(spark).select(
        F.substring("name", 2, 3),
        F.length("name"),
        F.trim("name"),
        F.ltrim("name"),
        F.rtrim("name"),
        F.lpad("kind", 6, "*"),
    )


@CASES.frame()
def string_regex_and_split(spark, F, T, Window, Row):
    return items(spark).select(
        F.regexp_replace("name", "[aeiou]", "_"),
        F.split("csv", ","),
        F.regexp_extract("day", r"(\d+)-(\d+)", 2),
    )


@CASES.frame()
def format_string(spark, F, T, Window, Row):
    return items(spark).select(F.format_string("%s has %d", "kind", "id").alias("text"))


# ----------------------------------------------------------------------- math


@CASES.frame()
def math_functions(spark, F, T, Window, Row):
    return items(spark).select(
        F.abs("n"),
        F.round("x"),
        F.round(F.col("x") / 3, 2),
        F.sqrt("x"),
        F.pow("n", 2),
        F.floor("x"),
        F.ceil("x"),
        F.signum("n"),
    )


# ---------------------------------------------------------------------- dates


@CASES.frame()
def date_functions(spark, F, T, Window, Row):
    day = F.to_date("day")
    return items(spark).select(
        day.alias("day"),
        F.date_format(day, "yyyy/MM/dd EEE"),
        F.year(day),
        F.month(day),
        F.dayofmonth(day),
        F.datediff(F.lit(datetime.date(2024, 3, 1)), day),
        F.date_add(day, 30),
        F.add_months(day, 1),
    )


@CASES.frame()
def timestamp_functions(spark, F, T, Window, Row):
    ts = F.to_timestamp(F.concat("day", F.lit(" 10:30:00")))
    return items(spark).select(
        ts.alias("ts"),
        F.hour(ts),
        F.date_format(ts, "yyyy-MM-dd HH:mm"),
        F.to_date("day", "yyyy-MM-dd"),
        F.unix_timestamp(ts),
    )


# ------------------------------------------------------- arrays, maps, structs


@CASES.frame()
def array_struct_map(spark, F, T, Window, Row):
    return items(spark).select(
        F.array("id", "n").alias("pair"),
        F.struct("id", "kind").alias("s"),
        F.create_map(F.col("kind"), F.col("id")).alias("m"),
    )


@CASES.frame()
def explode_in_select(spark, F, T, Window, Row):
    return items(spark).select("id", F.explode(F.split("csv", ",")).alias("part"))


@CASES.frame()
def explode_outer_and_posexplode(spark, F, T, Window, Row):
    df = items(spark)
    return df.select("id", F.explode_outer(F.split("csv", ","))).union(
        df.select(F.posexplode(F.split("csv", ",")))
    )


@CASES.frame()
def explode_map(spark, F, T, Window, Row):
    return spark.range(2).select(
        "id", F.explode(F.create_map(F.lit("a"), F.col("id"), F.lit("b"), F.col("id") * 10))
    )


@CASES.frame()
def collection_functions(spark, F, T, Window, Row):
    parts = F.split("csv", ",")
    return items(spark).select(
        F.size(parts),
        F.array_contains(parts, "b"),
        F.element_at(parts, 1),
        F.element_at(F.create_map(F.lit("k"), F.col("id")), "k"),
        F.sort_array(parts, asc=False),
        F.array_distinct(F.array("id", "id", "n")),
    )


@CASES.frame()
def item_and_field_access(spark, F, T, Window, Row):
    df = (
        items(spark)
        .filter(F.size(F.split("csv", ",")) >= 2)
        .select(
            F.split("csv", ",").alias("parts"),
            F.struct("id", "kind").alias("s"),
            F.create_map(F.lit("k"), F.col("name")).alias("m"),
        )
    )
    return df.select(
        df.parts.getItem(0),
        df.parts[1],
        df.s.getField("kind"),
        df.s.id,
        df["s"]["kind"],
        df.m.getItem("k"),
        F.col("m")["k"].alias("via_col"),
        F.col("s.id").alias("dotted"),
    )


@CASES.frame()
def struct_star(spark, F, T, Window, Row):
    return items(spark).select(F.struct("id", "kind").alias("s")).select("s.*")


# -------------------------------------------------------------- null handling


@CASES.frame()
def null_functions(spark, F, T, Window, Row):
    return items(spark).select(
        F.coalesce("name", "kind"),
        F.coalesce(F.col("n"), F.lit(-1)),
        F.isnull("name"),
        F.isnan("x"),
        F.nanvl("x", F.lit(0.0)),
        F.greatest("id", "n"),
        F.least("id", "n", F.lit(2)),
    )


# -------------------------------------------------------------------- windows


@CASES.frame()
def ranking_windows(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy(F.desc("score"), "t")
    return scores(spark).select(
        "grp",
        "t",
        "score",
        F.row_number().over(w).alias("rn"),
        F.rank().over(w).alias("rank"),
        F.dense_rank().over(w).alias("dense"),
        F.percent_rank().over(w).alias("pct"),
        F.ntile(2).over(w).alias("tile"),
    )


@CASES.frame()
def lag_and_lead(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t")
    return scores(spark).select(
        "grp",
        "t",
        F.lag("score").over(w).alias("prev"),
        F.lead("score", 2).over(w).alias("next2"),
        F.lag("score", 1, -1).over(w).alias("prev_or_default"),
    )


@CASES.frame()
def aggregate_over_rows_frame(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t").rowsBetween(-1, 1)
    return scores(spark).select("grp", "t", F.sum("score").over(w).alias("moving"))


@CASES.frame()
def aggregate_over_range_frame(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t").rangeBetween(-1, 0)
    return scores(spark).select("grp", "t", F.sum("score").over(w).alias("recent"))


@CASES.frame()
def aggregate_over_unbounded_frames(spark, F, T, Window, Row):
    running = (
        Window.partitionBy("grp")
        .orderBy("t")
        .rowsBetween(Window.unboundedPreceding, Window.currentRow)
    )
    rest = (
        Window.partitionBy("grp")
        .orderBy("t")
        .rangeBetween(Window.currentRow, Window.unboundedFollowing)
    )
    whole = Window.partitionBy("grp")
    return scores(spark).select(
        "grp",
        "t",
        F.sum("score").over(running).alias("running"),
        F.max("score").over(rest).alias("max_rest"),
        F.count("*").over(whole).alias("group_size"),
        F.avg("score").over(whole).alias("group_avg"),
    )


@CASES.frame()
def window_order_only(spark, F, T, Window, Row):
    w = Window.orderBy(F.col("grp").desc(), "t")
    return scores(spark).select("grp", "t", F.row_number().over(w).alias("rn"))


@CASES.frame()
def window_in_with_column(spark, F, T, Window, Row):
    w = Window.partitionBy("grp").orderBy("t")
    return scores(spark).withColumn("cume", F.sum("score").over(w)).filter("cume > 10")


# --------------------------------------------------------- value rendering


@CASES.frame(ordered=True, pandas=True, arrow=True)
def scalar_types_rendering(spark, F, T, Window, Row):
    return spark.sql(
        """
        SELECT CAST(1 AS TINYINT) AS tiny, CAST(2 AS SMALLINT) AS small, 3 AS int, 4L AS big,
               CAST(1.25 AS FLOAT) AS f, CAST('inf' AS DOUBLE) AS inf, CAST('NaN' AS DOUBLE) AS nan,
               -0.0D AS neg_zero, 1.5e-10D AS small_double, 123456789.123456789D AS long_double,
               12345678901234567890.123BD AS dec, 'héllo ✓' AS unicode, '' AS empty,
               true AS flag, DATE'1899-12-31' AS old_day,
               TIMESTAMP'2024-02-29 23:59:59.123456' AS ts, CAST(NULL AS STRING) AS null_string
        """
    )


@CASES.frame(ordered=True, arrow=True)
def nested_and_binary_types_rendering(spark, F, T, Window, Row):
    return spark.sql(
        """
        SELECT X'0102FF' AS bin, array(1, NULL, 3) AS arr, map('a', 1, 'b', NULL) AS m,
               named_struct('x', 1, 'y', array(named_struct('z', 'q'))) AS nested,
               array(map('k', array(1.5D))) AS deep,
               TIMESTAMP_NTZ'2024-01-01 08:00:00' AS ntz,
               INTERVAL '1 02:03:04.5' DAY TO SECOND AS day_time
        """
    )


# ------------------------------------------------------------- Column methods


@CASES.frame()
def cast_to_type_objects(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        df.id.cast(T.StringType()),
        df.n.cast(T.DoubleType()),
        df.day.cast(T.DateType()),
        df.x.cast(T.DecimalType(10, 2)),
        df.id.cast(T.LongType()),
        F.array("id").cast(T.ArrayType(T.StringType())),
    )


@CASES.frame()
def cast_to_ddl_strings(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        df.id.cast("string"),
        df.n.cast("bigint"),
        df.day.cast("timestamp"),
        df.x.cast("decimal(8,3)"),
        F.array("id").cast("array<string>"),
        df.id.astype("float"),
    )


@CASES.frame()
def alias_and_null_tests(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        df.name.alias("label"),
        df.name.isNull(),
        df.name.isNotNull().alias("has_name"),
        df.n.name("n_again"),
    )


@CASES.frame()
def membership_and_patterns(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        "id",
        df.id.isin(1, 3),
        df.kind.isin(["nut"]),
        df.name.like("%an%"),
        df.name.rlike("^[A-Z]"),
        df.n.between(0, 5),
        df.name.startswith("b"),
        df.name.endswith("t"),
        df.name.contains("e"),
        df.name.ilike("%APPLE%"),
    )


@CASES.frame()
def substr_method(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(df.name.substr(1, 3), df.kind.substr(F.lit(2), F.lit(2)))


@CASES.frame()
def null_safe_equality(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        df.name.eqNullSafe(None).alias("name_is_null"),
        df.n.eqNullSafe(df.n),
        df.n == None,  # noqa: E711 - Spark's SQL equality with a null literal
        df.n != 3,
    )


@CASES.frame()
def bitwise_operations(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        df.id.bitwiseAND(6),
        df.id.bitwiseOR(F.lit(8)),
        df.id.bitwiseXOR(df.n),
        F.shiftleft("id", 2),
        F.bitwise_not("id"),
    )


@CASES.frame()
def arithmetic_operators(spark, F, T, Window, Row):
    df = items(spark).filter("n != 0")
    return df.select(
        df.id + df.n,
        df.id - 1,
        df.n * 2.5,
        df.id / df.n,
        df.n % 5,
        -df.n,
        1 - df.id,
        10 / df.n,
        2**df.id,
    )


@CASES.frame()
def comparison_operators(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        df.n > 1,
        df.n >= 3,
        df.n < 0,
        df.n <= 0,
        df.n == df.id,
        ~(df.n > 1),
        (df.n > 0) & (df.id < 3),
    )


@CASES.frame(ordered=True)
def sort_by_column_methods(spark, F, T, Window, Row):
    df = items(spark)
    return df.select("id", "name", "n").orderBy(
        df.n.asc_nulls_first(), df.name.desc_nulls_last(), df.id.desc()
    )


@CASES.frame(ordered=True, pandas=True, arrow=True)
def typed_columns_to_pandas_and_arrow(spark, F, T, Window, Row):
    df = items(spark)
    return df.select(
        "id",
        "name",
        "x",
        F.to_date("day").alias("day"),
        F.to_timestamp("day").alias("ts"),
        df.n.cast("decimal(10,2)").alias("amount"),
        F.split("csv", ",").alias("parts"),
        F.struct("id", "kind").alias("s"),
    ).orderBy("id")


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
