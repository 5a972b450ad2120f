"""DataFrame transformations and actions: the client against in-process PySpark."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client.harness import (
    Cases,
    Engines,
    assert_same_frame,
    engines_for,
    printed,
)

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def people(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, "Alice", 34, "eng", 4200.5),
            (2, "Bob", 45, "ops", None),
            (3, "Cara", None, "eng", 3900.0),
            (4, "Dan", 23, None, 2100.25),
            (5, "Eve", 45, "ops", 5100.0),
        ],
        "id long, name string, age int, dept string, salary double",
    )


def orders(spark: Any) -> Any:
    return spark.createDataFrame(
        [(10, 1, 9.5), (11, 1, 20.0), (12, 3, 7.25), (13, 6, 1.0)],
        "order_id int, id long, amount double",
    )


# ---------------------------------------------------------------- projections


@CASES.frame()
def select_names(spark, F, T, Window, Row):
    return people(spark).select("name", "age")


@CASES.frame()
def select_list_of_names(spark, F, T, Window, Row):
    return people(spark).select(["id", "dept"])


@CASES.frame()
def select_star(spark, F, T, Window, Row):
    return people(spark).select("*")


@CASES.frame()
def select_columns_and_expressions(spark, F, T, Window, Row):
    df = people(spark)
    return df.select(
        F.col("id"), (df.age + 1).alias("next_age"), df["name"], df.salary * 2, F.lit("x")
    )


@CASES.frame()
def select_attribute_and_item_access(spark, F, T, Window, Row):
    df = people(spark)
    return df.select(df.name, df["age"], df["salary"] > 4000).filter(df["age"] > 30)


@CASES.frame()
def select_expr(spark, F, T, Window, Row):
    return people(spark).selectExpr("id", "age * 2 AS double_age", "upper(name)", "age > 30")


@CASES.frame()
def filter_column(spark, F, T, Window, Row):
    df = people(spark)
    return df.filter(df.age > 30)


@CASES.frame()
def filter_sql_string(spark, F, T, Window, Row):
    return people(spark).filter("age > 30 AND dept = 'ops'")


@CASES.frame()
def where_column(spark, F, T, Window, Row):
    return people(spark).where((F.col("age") > 30) | F.col("dept").isNull())


@CASES.frame()
def where_sql_string(spark, F, T, Window, Row):
    return people(spark).where("salary IS NULL OR name LIKE 'C%'")


@CASES.frame()
def filter_negation_and_conjunction(spark, F, T, Window, Row):
    df = people(spark)
    return df.filter(~(df.dept == "eng") & df.salary.isNotNull())


@CASES.frame()
def with_column_new(spark, F, T, Window, Row):
    df = people(spark)
    return df.withColumn("age2", df.age * 2)


@CASES.frame()
def with_column_replaces_in_place(spark, F, T, Window, Row):
    return people(spark).withColumn("age", F.col("age") + 1)


@CASES.frame()
def with_columns(spark, F, T, Window, Row):
    return people(spark).withColumns({"one": F.lit(1), "next_id": F.col("id") + 1})


@CASES.frame()
def with_column_renamed(spark, F, T, Window, Row):
    return people(spark).withColumnRenamed("name", "full_name")


@CASES.frame()
def with_column_renamed_missing_is_noop(spark, F, T, Window, Row):
    return people(spark).withColumnRenamed("nope", "other")


@CASES.frame()
def with_columns_renamed(spark, F, T, Window, Row):
    return people(spark).withColumnsRenamed({"name": "n", "age": "a"})


@CASES.frame()
def drop_name(spark, F, T, Window, Row):
    return people(spark).drop("salary")


@CASES.frame()
def drop_column(spark, F, T, Window, Row):
    df = people(spark)
    return df.drop(df.salary)


@CASES.frame()
def drop_several(spark, F, T, Window, Row):
    return people(spark).drop("salary", "age", "not_there")


@CASES.frame()
def to_df(spark, F, T, Window, Row):
    return people(spark).toDF("a", "b", "c", "d", "e")


@CASES.frame()
def alias_and_qualified_columns_after_join(spark, F, T, Window, Row):
    p = people(spark).alias("p")
    o = orders(spark).alias("o")
    return p.join(o, F.col("p.id") == F.col("o.id")).select(
        "p.name", "o.amount", F.col("o.order_id"), F.col("p.id")
    )


@CASES.frame()
def qualified_star_after_join(spark, F, T, Window, Row):
    p = people(spark).alias("p")
    o = orders(spark).alias("o")
    return p.join(o, "id").select("o.*")


# ---------------------------------------------------------------- aggregation


@CASES.frame()
def group_by_agg(spark, F, T, Window, Row):
    return (
        people(spark)
        .groupBy("dept")
        .agg(
            F.count("*").alias("n"),
            F.count("age"),
            F.sum("salary"),
            F.avg("age"),
            F.min("age"),
            F.max("name"),
            F.countDistinct("age"),
        )
    )


@CASES.frame()
def group_by_agg_expressions_over_aggregates(spark, F, T, Window, Row):
    return (
        people(spark)
        .groupBy("dept")
        .agg(
            (F.sum("age") + 1).alias("s"), F.max("age") - F.min("age"), F.sum("id") / F.count("id")
        )
    )


@CASES.frame()
def group_by_agg_dict(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").agg({"age": "max", "salary": "sum"})


@CASES.frame()
def group_by_expressions(spark, F, T, Window, Row):
    df = people(spark)
    return df.groupBy(F.col("dept"), (df.age > 30).alias("older")).count()


@CASES.frame()
def grouped_count(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").count()


@CASES.frame()
def grouped_sum(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").sum("age", "salary")


@CASES.frame()
def grouped_avg(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").avg("age")


@CASES.frame()
def grouped_min(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").min("age")


@CASES.frame()
def grouped_max(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").max("salary")


@CASES.frame()
def grouped_sum_all_numeric(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").sum()


@CASES.frame()
def dataframe_agg(spark, F, T, Window, Row):
    return people(spark).agg(F.sum("age"), F.count("dept"), F.max("salary").alias("top"))


@CASES.frame()
def dataframe_agg_dict(spark, F, T, Window, Row):
    return people(spark).agg({"age": "avg"})


@CASES.frame()
def group_by_no_columns(spark, F, T, Window, Row):
    return people(spark).groupBy().agg(F.min("id"))


@CASES.frame()
def rollup(spark, F, T, Window, Row):
    return people(spark).rollup("dept", "age").agg(F.count("*").alias("n"), F.sum("salary"))


@CASES.frame()
def cube(spark, F, T, Window, Row):
    return people(spark).cube("dept").agg(F.max("age"), F.grouping("dept"))


@CASES.frame()
def pivot_with_values(spark, F, T, Window, Row):
    return people(spark).groupBy("dept").pivot("age", [34, 45]).agg(F.count("id"))


@CASES.frame()
def pivot_without_values(spark, F, T, Window, Row):
    return people(spark).groupBy("age").pivot("dept").sum("salary")


# ---------------------------------------------------------------------- joins


@CASES.frame()
def join_on_name(spark, F, T, Window, Row):
    return people(spark).join(orders(spark), "id")


@CASES.frame()
def join_on_list(spark, F, T, Window, Row):
    left = spark.createDataFrame([(1, "a", 1.0), (2, "b", 2.0)], "k1 int, k2 string, x double")
    right = spark.createDataFrame([(1, "a", True), (2, "c", False)], "k1 int, k2 string, y boolean")
    return left.join(right, ["k1", "k2"], "full")


@CASES.frame()
def join_on_column_condition(spark, F, T, Window, Row):
    p = people(spark)
    o = orders(spark)
    return p.join(o, p["id"] == o["id"])


@CASES.frame()
def join_on_list_of_conditions(spark, F, T, Window, Row):
    p = people(spark)
    o = orders(spark)
    return p.join(o, [p["id"] == o["id"], o["amount"] > 8]).select(p["name"], o["amount"])


@CASES.frame()
def join_condition_then_select_each_side(spark, F, T, Window, Row):
    p = people(spark)
    o = orders(spark)
    return p.join(o, p.id == o.id, "left").select(p.id, o.id.alias("order_side_id"), o.amount)


@CASES.frame()
def self_join_with_aliases(spark, F, T, Window, Row):
    df = people(spark)
    return (
        df.alias("a")
        .join(df.alias("b"), F.col("a.age") == F.col("b.age"))
        .select(F.col("a.name").alias("left"), F.col("b.name").alias("right"))
    )


@CASES.frame()
def cross_join(spark, F, T, Window, Row):
    return people(spark).select("id").crossJoin(orders(spark).select("order_id"))


JOIN_HOWS = [
    "inner",
    "cross",
    "outer",
    "full",
    "fullouter",
    "full_outer",
    "left",
    "leftouter",
    "left_outer",
    "right",
    "rightouter",
    "right_outer",
    "semi",
    "leftsemi",
    "left_semi",
    "anti",
    "leftanti",
    "left_anti",
]


def join_with_condition(spark, F, T, Window, Row, how):
    p = people(spark)
    o = orders(spark)
    return p.join(o, p["id"] == o["id"], how)


def join_using_name(spark, F, T, Window, Row, how):
    return people(spark).join(orders(spark), on="id", how=how)


@pytest.mark.parametrize("how", JOIN_HOWS)
@pytest.mark.parametrize("build", [join_with_condition, join_using_name], ids=lambda f: f.__name__)
def test_join_how(engines: Engines, build: Any, how: str) -> None:
    assert_same_frame(engines, build, how=how)


# -------------------------------------------------------- sorting and slicing


@CASES.frame(ordered=True, pandas=True, arrow=True)
def order_by_name(spark, F, T, Window, Row):
    return people(spark).orderBy("age", "id")


@CASES.frame(ordered=True)
def order_by_desc_function(spark, F, T, Window, Row):
    return people(spark).orderBy(F.desc("age"), F.asc("id"))


@CASES.frame(ordered=True)
def order_by_column_methods_nulls(spark, F, T, Window, Row):
    df = people(spark)
    return df.orderBy(df.age.desc_nulls_first(), df.id.asc())


@CASES.frame(ordered=True)
def order_by_asc_nulls_last(spark, F, T, Window, Row):
    return people(spark).orderBy(F.col("dept").asc_nulls_last(), F.col("id").desc())


@CASES.frame(ordered=True)
def order_by_desc_nulls_last(spark, F, T, Window, Row):
    return people(spark).orderBy(F.desc_nulls_last("salary"))


@CASES.frame(ordered=True)
def sort_ascending_list(spark, F, T, Window, Row):
    return people(spark).sort(["dept", "age", "id"], ascending=[False, True, True])


@CASES.frame(ordered=True)
def sort_ascending_false(spark, F, T, Window, Row):
    return people(spark).sort("id", ascending=False)


@CASES.frame(ordered=True)
def sort_column_list(spark, F, T, Window, Row):
    df = people(spark)
    return df.sort([df.dept.desc(), df.id])


@CASES.frame(ordered=True)
def limit(spark, F, T, Window, Row):
    return people(spark).orderBy("id").limit(2)


@CASES.frame(ordered=True)
def offset(spark, F, T, Window, Row):
    return people(spark).orderBy("id").offset(2)


@CASES.frame(ordered=True)
def offset_then_limit(spark, F, T, Window, Row):
    return people(spark).orderBy("id").offset(1).limit(2)


# ------------------------------------------------------------------ set logic


def duplicated(spark: Any) -> Any:
    return spark.createDataFrame(
        [(1, "x", 10), (1, "x", 10), (2, "y", 20), (2, "y", 20), (3, "z", None)],
        "k int, v string, n int",
    )


@CASES.frame()
def distinct(spark, F, T, Window, Row):
    return people(spark).select("dept").distinct()


@CASES.frame()
def drop_duplicates(spark, F, T, Window, Row):
    return duplicated(spark).dropDuplicates()


@CASES.frame()
def drop_duplicates_subset(spark, F, T, Window, Row):
    return duplicated(spark).dropDuplicates(["k"])


@CASES.frame()
def drop_duplicates_alias(spark, F, T, Window, Row):
    return duplicated(spark).drop_duplicates(subset=["k", "v"])


@CASES.frame()
def union(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.union(df.filter("k = 1"))


@CASES.frame()
def union_all(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.unionAll(df)


@CASES.frame()
def union_then_distinct(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.union(df).distinct()


@CASES.frame()
def union_by_name(spark, F, T, Window, Row):
    left = spark.createDataFrame([(1, "a")], "id int, name string")
    right = spark.createDataFrame([("b", 2)], "name string, id int")
    return left.unionByName(right)


@CASES.frame()
def union_by_name_allow_missing_columns(spark, F, T, Window, Row):
    left = spark.createDataFrame([(1, "a")], "id int, name string")
    right = spark.createDataFrame([(2, 2.5)], "id int, score double")
    return left.unionByName(right, allowMissingColumns=True)


@CASES.frame()
def union_widens_types(spark, F, T, Window, Row):
    ints = spark.createDataFrame([(1,), (2,)], "x int")
    return ints.union(spark.createDataFrame([(2.5,)], "x double"))


@CASES.frame()
def intersect(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.intersect(df.filter("k < 3"))


@CASES.frame()
def intersect_all(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.intersectAll(df.union(df.filter("k = 2")))


@CASES.frame()
def subtract(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.subtract(df.filter("k = 1"))


@CASES.frame()
def except_all(spark, F, T, Window, Row):
    df = duplicated(spark)
    return df.exceptAll(df.limit(0).union(df.filter("k = 2").limit(1)))


@CASES.frame()
def case_insensitive_names(spark, F, T, Window, Row):
    return people(spark).select("NAME", F.col("Age"), "dept").filter("ID > 1")


@CASES.frame()
def names_with_spaces_and_dots(spark, F, T, Window, Row):
    df = people(spark).withColumnRenamed("name", "full name").withColumnRenamed("age", "a.b")
    return df.select("`full name`", F.col("`a.b`"), df["`a.b`"].alias("copy"))


@CASES.frame()
def duplicate_names_after_join(spark, F, T, Window, Row):
    p = people(spark).select("id", "name")
    return p.join(p.select("id", "name"), "id")


@CASES.frame()
def star_columns(spark, F, T, Window, Row):
    df = people(spark)
    return df.select(F.col("*"), df["*"])


@CASES.frame()
def repartition_and_coalesce(spark, F, T, Window, Row):
    df = people(spark)
    return df.repartition(3).union(df.repartition(2, "dept")).union(df.coalesce(1))


@CASES.frame()
def broadcast_hint(spark, F, T, Window, Row):
    return people(spark).join(orders(spark).hint("broadcast"), "id")


# ------------------------------------------------------------- views and SQL


@CASES.frame()
def temp_view_then_sql(spark, F, T, Window, Row):
    people(spark).createOrReplaceTempView("people_by_dept")
    return spark.sql("SELECT dept, count(*) AS n, max(age) FROM people_by_dept GROUP BY dept")


@CASES.frame()
def temp_view_then_table(spark, F, T, Window, Row):
    people(spark).filter("age > 30").createOrReplaceTempView("older_people")
    return spark.table("older_people")


@CASES.frame()
def temp_view_replaced(spark, F, T, Window, Row):
    spark.range(3).createOrReplaceTempView("replaced_view")
    spark.range(5, 7).createOrReplaceTempView("replaced_view")
    return spark.table("replaced_view")


@CASES.frame()
def chain_of_transformations(spark, F, T, Window, Row):
    df = people(spark)
    return (
        df.filter(df.salary.isNotNull())
        .withColumn("band", F.when(df.salary > 4000, "high").otherwise("low"))
        .groupBy("band")
        .agg(F.count("*").alias("n"), F.round(F.avg("salary"), 2).alias("mean"))
        .orderBy("band")
    )


# -------------------------------------------------------------------- actions


def long_text(spark: Any) -> Any:
    return spark.createDataFrame(
        [(i, f"row number {i} with a long description", i * 1.5) for i in range(25)],
        "id int, text string, value double",
    )


@CASES.program()
def collect(spark, F, T, Window, Row):
    return people(spark).orderBy("id").collect()


@CASES.program()
def to_arrow(spark, F, T, Window, Row):
    return people(spark).orderBy("id").toArrow()


@CASES.program()
def to_pandas(spark, F, T, Window, Row):
    return people(spark).orderBy("id").toPandas()


@CASES.program()
def to_pandas_empty(spark, F, T, Window, Row):
    return people(spark).filter("id > 100").toPandas()


@CASES.program()
def show_default(spark, F, T, Window, Row):
    long_text(spark).orderBy("id").show()


@CASES.program()
def show_n(spark, F, T, Window, Row):
    long_text(spark).orderBy("id").show(3)


@CASES.program()
def show_truncate_false(spark, F, T, Window, Row):
    long_text(spark).orderBy("id").show(4, truncate=False)


@CASES.program()
def show_truncate_five(spark, F, T, Window, Row):
    long_text(spark).orderBy("id").show(4, truncate=5)


@CASES.program()
def show_vertical(spark, F, T, Window, Row):
    long_text(spark).orderBy("id").show(2, vertical=True)


@CASES.program()
def show_empty(spark, F, T, Window, Row):
    people(spark).filter("id > 100").show()


@CASES.program()
def count(spark, F, T, Window, Row):
    return people(spark).count(), people(spark).filter("age > 30").count()


@CASES.program()
def is_empty(spark, F, T, Window, Row):
    return people(spark).isEmpty(), people(spark).filter("id > 100").isEmpty()


@CASES.program()
def row_construction(spark, F, T, Window, Row):
    point = Row("x", "y")
    nested = Row(a=Row(b=1, c=[Row(d="e")]), f=None)
    return Row(name="x", age=None), point(1, 2), nested, nested.asDict(recursive=True)


@CASES.program()
def first(spark, F, T, Window, Row):
    return people(spark).orderBy("id").first()


@CASES.program()
def first_of_empty(spark, F, T, Window, Row):
    empty = people(spark).filter("id > 100")
    return empty.first(), empty.count()


@CASES.program()
def head_without_argument(spark, F, T, Window, Row):
    return people(spark).orderBy("id").head()


@CASES.program()
def head_n(spark, F, T, Window, Row):
    return people(spark).orderBy("id").head(2)


@CASES.program()
def take(spark, F, T, Window, Row):
    return people(spark).orderBy(F.desc("id")).take(3)


@CASES.program()
def schema(spark, F, T, Window, Row):
    return people(spark).withColumn("tags", F.array("name", "dept")).schema


@CASES.program()
def columns(spark, F, T, Window, Row):
    return people(spark).select("id", F.upper("name"), F.col("age") + 1).columns


@CASES.program()
def dtypes(spark, F, T, Window, Row):
    return (
        people(spark)
        .select("*", F.struct("id", "name").alias("s"), F.create_map(F.col("name"), F.col("age")))
        .dtypes
    )


@CASES.program()
def print_schema(spark, F, T, Window, Row):
    people(spark).select("*", F.array("age").alias("ages")).printSchema()


@CASES.program()
def row_fields(spark, F, T, Window, Row):
    row = people(spark).orderBy("id").first()
    return row.name, row["age"], row[0], row.asDict(), "salary" in row, list(row)


@CASES.program()
def nested_rows(spark, F, T, Window, Row):
    row = spark.sql(
        "SELECT named_struct('a', 1, 'b', named_struct('c', 'x')) AS s, array(1, 2) AS xs"
    ).first()
    return row, row.s, row.s.b.c, row.asDict(recursive=True)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)


def _sections(text: str) -> list[str]:
    """The section headings (``== ... ==``) of an ``explain`` output."""
    return [line for line in text.splitlines() if line.startswith("== ")]


def test_explain_prints_the_plans_pyspark_prints(engines: Engines) -> None:
    printouts = {}
    for engine in (engines.client, engines.classic):
        df = people(engine.spark).groupBy("dept").count()
        printouts[engine.name] = (printed(df.explain), printed(lambda df=df: df.explain(True)))
    (simple, extended), expected = printouts["client"], printouts["classic"]
    assert _sections(simple) == _sections(expected[0]) == ["== Physical Plan =="]
    assert _sections(extended) == _sections(expected[1])
    assert "== Parsed Logical Plan ==" in _sections(extended)
    assert "HashAggregate" in simple and "HashAggregate" in expected[0]
