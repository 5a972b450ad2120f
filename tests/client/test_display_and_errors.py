"""What programs print (show, repr, printSchema, explain) and the errors they see.

Each case runs on the client and on in-process PySpark; see tests/client/harness.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.client.harness import Cases, Engines, engines_for, error_of, printed

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def books(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, "A Tale of Two Cities, a novel by Charles Dickens", 1859, [1, 2], {"k": 1.5}),
            (2, "Short", 1999, [], {}),
            (3, None, None, None, None),
        ],
        "id long, title string, year int, tags array<int>, attrs map<string,double>",
    )


# ---------------------------------------------------------------- show


@CASES.program()
def show_truncated(spark, F, T, Window, Row):
    books(spark).orderBy("id").show()


@CASES.program()
def show_untruncated(spark, F, T, Window, Row):
    books(spark).orderBy("id").show(truncate=False)


@CASES.program()
def show_truncate_width(spark, F, T, Window, Row):
    books(spark).orderBy("id").show(2, 8)


@CASES.program()
def show_vertical(spark, F, T, Window, Row):
    books(spark).orderBy("id").show(vertical=True)


@CASES.program()
def show_vertical_truncated(spark, F, T, Window, Row):
    books(spark).orderBy("id").show(1, truncate=4, vertical=True)


@CASES.program()
def show_zero_rows(spark, F, T, Window, Row):
    books(spark).show(0)


@CASES.program()
def show_more_rows_than_shown(spark, F, T, Window, Row):
    spark.range(30).show(5)


@CASES.program()
def show_nested_and_special_values(spark, F, T, Window, Row):
    spark.sql(
        "SELECT named_struct('a', 1, 'b', array('x', NULL)) AS s, CAST('NaN' AS DOUBLE) AS d, "
        "X'0102' AS bin, DATE'2024-02-29' AS day, TIMESTAMP'2024-01-01 12:34:56' AS ts, "
        "1.50BD AS dec"
    ).show()


@CASES.program()
def show_unicode(spark, F, T, Window, Row):
    spark.createDataFrame([("héllo wörld ✓",), ("日本語",)], "s string").show()


# ---------------------------------------------------------------- repr and schema


@CASES.program()
def repr_of_dataframe(spark, F, T, Window, Row):
    return repr(books(spark))


@CASES.program()
def repr_of_derived_dataframe(spark, F, T, Window, Row):
    df = books(spark).groupBy("year").agg(F.count("*"), F.collect_list("title"))
    return repr(df)


@CASES.program()
def print_schema(spark, F, T, Window, Row):
    books(spark).printSchema()


@CASES.program()
def print_schema_level(spark, F, T, Window, Row):
    spark.sql("SELECT named_struct('a', named_struct('b', 1)) AS s").printSchema(2)


@CASES.program()
def schema_tree_string(spark, F, T, Window, Row):
    return books(spark).schema.treeString()


@CASES.program()
def unaliased_column_names(spark, F, T, Window, Row):
    df = books(spark)
    return df.select(
        df.id + 1,
        F.upper("title"),
        F.col("year") > 1900,
        F.coalesce("year", F.lit(0)),
        F.when(F.col("id") == 1, "one").otherwise("other"),
        F.col("tags")[0],
        F.col("attrs")["k"],
        F.col("id").cast("string"),
    ).columns


@CASES.program()
def aggregate_column_names(spark, F, T, Window, Row):
    return (
        books(spark)
        .agg(F.count("*"), F.avg("year"), F.countDistinct("year"), F.max(F.col("id") * 2))
        .columns
    )


@CASES.program()
def repr_of_columns(spark, F, T, Window, Row):
    a, b = F.col("a"), F.col("b")
    w = Window.partitionBy("a").orderBy(F.desc("b"))
    everything = Window.orderBy("b").rowsBetween(
        Window.unboundedPreceding, Window.unboundedFollowing
    )
    return [
        repr(c)
        for c in (
            a,
            spark.range(1).id,
            F.col("`a.b`"),
            F.col("*"),
            (a + 1).alias("b"),
            a * b - 3,
            1 - a,
            a / 2,
            a % 2,
            a**2,
            a == F.lit("x"),
            a != 1,
            ~(a >= 1),
            -a,
            (a > 1) & (b < 2) | a.isNull(),
            a.isNotNull(),
            F.isnan("a"),
            a.eqNullSafe(None),
            a.bitwiseAND(1).bitwiseOR(2).bitwiseXOR(3),
            a.isin(1, 2),
            a.between(1, 3),
            a.like("x%"),
            a.startswith("x"),
            a.substr(1, 2),
            a["k"],
            a[0],
            a.getField("k"),
            a.withField("b", F.lit(1)),
            a.dropFields("b", "c"),
            a.cast("int"),
            a.cast(T.ArrayType(T.LongType())),
            a.try_cast("decimal(10,2)"),
            a.desc(),
            a.asc_nulls_last(),
            F.when(a > 1, "x").when(a < 0, "y").otherwise("z"),
            F.count("*"),
            F.count_distinct("a", "b"),
            F.sum("a"),
            F.upper("a"),
            F.coalesce("a", "b"),
            F.expr("a + 1"),
            F.row_number().over(w),
            F.sum("a").over(Window.orderBy("b").rowsBetween(-1, 0)),
            F.sum("a").over(everything),
            F.sum("a").over(Window.orderBy("b").rangeBetween(-5, 3)),
            F.lit(None),
            F.lit(True),
            F.lit(-5),
            F.lit(2**40),
            F.lit(1.5),
            F.lit(1.0e20),
            F.lit(1.0e-5),
            F.lit(float("nan")),
            F.lit("it's a \\ path"),
            F.lit([1, 2]),
        )
    ]


# ---------------------------------------------------------------- explain


def _stable_plan(text: str) -> str:
    """An explain text without the expression ids and plan ids that differ per session."""
    text = re.sub(r"#\d+L?", "#", text)
    text = re.sub(r"plan_id=\d+", "plan_id=", text)
    return re.sub(r"\[id=#?\d+\]", "[id=]", text)


@CASES.program()
def explain_simple(spark, F, T, Window, Row):
    df = spark.range(10).filter("id > 3").select((F.col("id") * 2).alias("x"))
    return _stable_plan(printed(df.explain))


@CASES.program()
def explain_modes(spark, F, T, Window, Row):
    df = spark.range(8).selectExpr("id", "id * id AS sq").orderBy("sq")
    return [
        _stable_plan(printed(lambda mode=mode: df.explain(mode=mode))).split("\n")[0]
        for mode in ("simple", "extended", "codegen", "cost", "formatted")
    ]


@CASES.program()
def explain_extended_true(spark, F, T, Window, Row):
    df = spark.range(8).selectExpr("id", "id * id AS sq").filter("sq > 3").orderBy("sq")
    return _stable_plan(printed(lambda: df.explain(True)))


@CASES.program()
def explain_every_mode(spark, F, T, Window, Row):
    df = spark.range(8).selectExpr("id", "id * id AS sq").filter("sq > 3").orderBy("sq")
    return [
        _stable_plan(printed(lambda: df.explain(False))),
        _stable_plan(printed(lambda: df.explain("cost"))),
        _stable_plan(printed(lambda: df.explain(mode="EXTENDED"))),
        *(
            _stable_plan(printed(lambda mode=mode: df.explain(mode=mode)))
            for mode in ("simple", "extended", "codegen", "cost", "formatted")
        ),
    ]


@CASES.program()
def explain_errors(spark, F, T, Window, Row):
    df = spark.range(3)
    return [
        error_of(lambda: df.explain(mode="nope")),
        error_of(lambda: df.explain("nope")),
        error_of(lambda: df.explain(True, mode="cost")),
        error_of(lambda: df.explain(extended=1)),
        error_of(lambda: df.explain(mode=1)),
    ]


# ---------------------------------------------------------------- errors


@CASES.program()
def error_unresolved_column(spark, F, T, Window, Row):
    return error_of(lambda: books(spark).select("nope").collect())


@CASES.program()
def error_ambiguous_column(spark, F, T, Window, Row):
    a = spark.createDataFrame([(1, "x")], "id int, v string")
    b = spark.createDataFrame([(1, "y")], "id int, v string")
    return error_of(lambda: a.join(b, a.id == b.id).select("v").collect())


@CASES.program()
def error_table_not_found(spark, F, T, Window, Row):
    return error_of(lambda: spark.table("no_such_table").collect())


@CASES.program()
def error_parse(spark, F, T, Window, Row):
    return error_of(lambda: spark.sql("SELEC 1").collect())


@CASES.program()
def error_divide_by_zero_ansi(spark, F, T, Window, Row):
    return error_of(lambda: spark.sql("SELECT 1 / 0").collect())


@CASES.program()
def error_cast_invalid(spark, F, T, Window, Row):
    return error_of(lambda: spark.sql("SELECT CAST('abc' AS INT)").collect())


@CASES.program()
def error_unknown_function(spark, F, T, Window, Row):
    return error_of(lambda: spark.range(1).select(F.call_function("no_such_fn", "id")).collect())


@CASES.program()
def error_wrong_argument_type(spark, F, T, Window, Row):
    return error_of(lambda: spark.range(1).select(F.date_add("id", F.lit("x"))).collect())


@CASES.program()
def error_aggregate_without_group(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, 2)], "a int, b int")
    return error_of(lambda: df.groupBy("a").agg(F.col("b")).collect())


@CASES.program()
def error_union_column_count(spark, F, T, Window, Row):
    return error_of(lambda: spark.range(1).union(spark.range(1).selectExpr("id", "id")).collect())


@CASES.program()
def error_message_of_missing_column(spark, F, T, Window, Row):
    return error_of(
        lambda: spark.range(1).select("idd").collect(),
        lambda exc: (exc.getSqlState(), sorted(exc.getMessageParameters())),
    )


@CASES.program()
def case_insensitive_resolution(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, "x")], "Id int, Name string")
    return df.select("id", F.col("NAME"), df["iD"]).collect()


@CASES.program()
def case_sensitive_when_configured(spark, F, T, Window, Row):
    spark.conf.set("spark.sql.caseSensitive", "true")
    try:
        df = spark.createDataFrame([(1,)], "Id int")
        return error_of(lambda: df.select("id").collect())
    finally:
        spark.conf.unset("spark.sql.caseSensitive")


@CASES.program()
def type_coercion_by_spark(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, 2.5, "3")], "i int, d double, s string")
    return df.select(df.i + df.d, df.i + df.s, F.concat(df.i, df.s), F.greatest(df.i, df.d)).dtypes


# ---------------------------------------------------------------- sql with arguments


@CASES.frame()
def sql_with_dataframe_argument(spark, F, T, Window, Row):
    df = spark.range(10)
    return spark.sql("SELECT id * 2 AS twice FROM {t} WHERE id < {n}", t=df, n=4)


@CASES.frame()
def sql_with_two_dataframes(spark, F, T, Window, Row):
    a = spark.createDataFrame([(1, "x"), (2, "y")], "k int, v string")
    b = spark.createDataFrame([(1, 10.0)], "k int, w double")
    return spark.sql("SELECT a.k, v, w FROM {a} a LEFT JOIN {b} b ON a.k = b.k", a=a, b=b)


@CASES.frame()
def sql_with_column_argument(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, "x")], "k int, v string")
    return spark.sql("SELECT {c} FROM {df}", c=df.v, df=df)


@CASES.frame()
def sql_with_named_and_dataframe_arguments(spark, F, T, Window, Row):
    df = spark.range(6)
    return spark.sql("SELECT * FROM {df} WHERE id > :low", {"low": 2}, df=df)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
