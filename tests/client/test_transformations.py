"""Reshaping, generators, subqueries, lambdas and the other DataFrame transformations.

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


def sales(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            ("2024", "north", "apples", 10, 2.5),
            ("2024", "south", "apples", 7, 2.0),
            ("2024", "north", "pears", 3, 4.0),
            ("2025", "north", "apples", 12, 2.75),
            ("2025", "south", "pears", 5, 3.5),
            ("2025", "south", "apples", 9, None),
        ],
        "year string, region string, fruit string, qty int, price double",
    )


def nested(spark: Any) -> Any:
    return spark.createDataFrame(
        [
            (1, [1, 2, 3], {"a": 1, "b": 2}, ("x", 1), [("p", 1.5), ("q", 2.5)]),
            (2, [], {}, ("y", 2), []),
            (3, None, None, None, None),
            (4, [4, None, 6], {"c": None}, ("z", None), [("r", None)]),
        ],
        "id int, xs array<int>, m map<string,int>, s struct<name:string,n:int>, "
        "pairs array<struct<k:string,v:double>>",
    )


# ---------------------------------------------------------------- pivot and unpivot


@CASES.frame()
def pivot_with_values(spark, F, T, Window, Row):
    return sales(spark).groupBy("year").pivot("fruit", ["apples", "pears"]).sum("qty")


@CASES.frame()
def pivot_without_values_several_aggregates(spark, F, T, Window, Row):
    return (
        sales(spark)
        .groupBy("region")
        .pivot("year")
        .agg(F.sum("qty").alias("q"), F.max("price").alias("p"))
    )


@CASES.frame()
def pivot_count(spark, F, T, Window, Row):
    return sales(spark).groupBy("fruit").pivot("region").count()


@CASES.frame()
def unpivot_values(spark, F, T, Window, Row):
    df = sales(spark).select("year", "region", "qty", F.col("price").cast("int").alias("p"))
    return df.unpivot(["year", "region"], ["qty", "p"], "metric", "value")


@CASES.frame()
def unpivot_all_other_columns(spark, F, T, Window, Row):
    df = sales(spark).select("fruit", "qty", (F.col("qty") * 2).alias("double_qty"))
    return df.unpivot("fruit", None, "k", "v")


@CASES.frame()
def melt_widens_types(spark, F, T, Window, Row):
    return sales(spark).select("fruit", "qty", "price").melt("fruit", ["qty", "price"], "k", "v")


@CASES.frame(ordered=True)
def transpose_default_index(spark, F, T, Window, Row):
    df = spark.createDataFrame([("a", 1, 2), ("b", 3, 4)], "key string, x int, y int")
    return df.transpose()


@CASES.frame(ordered=True)
def transpose_with_index_column(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, "p", 10), (2, "q", 20)], "x int, key string, y int")
    return df.transpose(F.col("key"))


@CASES.frame(ordered=True)
def transpose_widens_values(spark, F, T, Window, Row):
    df = spark.createDataFrame([("a", 1, 2.5), ("b", 3, 4.0)], "k string, i int, d double")
    return df.transpose("k")


# ---------------------------------------------------------------- grouping sets


@CASES.frame()
def rollup_with_grouping_id(spark, F, T, Window, Row):
    return (
        sales(spark)
        .rollup("year", "region")
        .agg(F.sum("qty").alias("q"), F.grouping_id().alias("gid"))
    )


@CASES.frame()
def cube_with_grouping(spark, F, T, Window, Row):
    return (
        sales(spark)
        .cube("region", "fruit")
        .agg(F.count("*").alias("n"), F.grouping("fruit").alias("g"))
    )


@CASES.frame()
def grouping_sets(spark, F, T, Window, Row):
    return (
        sales(spark)
        .groupingSets([["year"], ["region"], []], "year", "region")
        .agg(F.sum("qty").alias("q"))
    )


@CASES.frame()
def rollup_count(spark, F, T, Window, Row):
    return sales(spark).rollup("fruit").count()


# ---------------------------------------------------------------- generators


@CASES.frame()
def explode_array(spark, F, T, Window, Row):
    return nested(spark).select("id", F.explode("xs").alias("x"))


@CASES.frame()
def explode_outer_array(spark, F, T, Window, Row):
    return nested(spark).select("id", F.explode_outer("xs"))


@CASES.frame()
def explode_map_to_key_value(spark, F, T, Window, Row):
    return nested(spark).select("id", F.explode("m"))


@CASES.frame()
def posexplode_array(spark, F, T, Window, Row):
    return nested(spark).select("id", F.posexplode("xs"))


@CASES.frame()
def posexplode_outer_map(spark, F, T, Window, Row):
    return nested(spark).select("id", F.posexplode_outer("m"))


@CASES.frame()
def inline_structs(spark, F, T, Window, Row):
    return nested(spark).select("id", F.inline("pairs"))


@CASES.frame()
def inline_outer_structs(spark, F, T, Window, Row):
    return nested(spark).select("id", F.inline_outer("pairs"))


@CASES.frame()
def stack_generator(spark, F, T, Window, Row):
    return sales(spark).select("fruit", F.stack(F.lit(2), "year", "region").alias("a"))


@CASES.frame()
def explode_with_column(spark, F, T, Window, Row):
    return nested(spark).withColumn("x", F.explode("xs"))


@CASES.frame()
def json_tuple_generator(spark, F, T, Window, Row):
    df = spark.createDataFrame([('{"a": 1, "b": "x"}',), ('{"a": 2}',)], "j string")
    return df.select(F.json_tuple("j", "a", "b"))


# ---------------------------------------------------------------- higher-order functions


@CASES.frame()
def transform_lambda(spark, F, T, Window, Row):
    return nested(spark).select("id", F.transform("xs", lambda x: x * 10).alias("t"))


@CASES.frame()
def transform_with_index(spark, F, T, Window, Row):
    return nested(spark).select("id", F.transform("xs", lambda x, i: x + i).alias("t"))


@CASES.frame()
def filter_lambda(spark, F, T, Window, Row):
    return nested(spark).select("id", F.filter("xs", lambda x: x > 1).alias("f"))


@CASES.frame()
def filter_lambda_with_index(spark, F, T, Window, Row):
    return nested(spark).select(F.filter(F.col("xs"), lambda x, i: i % 2 == 0).alias("f"))


@CASES.frame()
def exists_and_forall(spark, F, T, Window, Row):
    df = nested(spark)
    return df.select(
        "id",
        F.exists("xs", lambda x: x.isNull()).alias("any_null"),
        F.forall("xs", lambda x: x > 0).alias("all_positive"),
    )


@CASES.frame()
def aggregate_lambda(spark, F, T, Window, Row):
    df = nested(spark)
    return df.select("id", F.aggregate("xs", F.lit(0), lambda acc, x: acc + x).alias("total"))


@CASES.frame()
def aggregate_with_finish(spark, F, T, Window, Row):
    df = nested(spark)
    return df.select(
        F.aggregate("xs", F.lit(0.0), lambda acc, x: acc + x, lambda acc: acc / 2).alias("half")
    )


@CASES.frame()
def reduce_lambda(spark, F, T, Window, Row):
    return nested(spark).select(F.reduce("xs", F.lit(1), lambda a, x: a * x).alias("p"))


@CASES.frame()
def zip_with_lambda(spark, F, T, Window, Row):
    df = spark.createDataFrame([([1, 2, 3], [10, 20])], "a array<int>, b array<int>")
    return df.select(F.zip_with("a", "b", lambda x, y: F.coalesce(x, F.lit(0)) + y).alias("z"))


@CASES.frame()
def map_filter_lambda(spark, F, T, Window, Row):
    return nested(spark).select("id", F.map_filter("m", lambda k, v: v > 1).alias("mf"))


@CASES.frame()
def transform_keys_and_values(spark, F, T, Window, Row):
    df = nested(spark)
    return df.select(
        F.transform_keys("m", lambda k, v: F.upper(k)).alias("tk"),
        F.transform_values("m", lambda k, v: v * 100).alias("tv"),
    )


@CASES.frame()
def map_zip_with_lambda(spark, F, T, Window, Row):
    df = spark.createDataFrame(
        [({"a": 1, "b": 2}, {"a": 10})], "m1 map<string,int>, m2 map<string,int>"
    )
    merged = F.map_zip_with("m1", "m2", lambda k, a, b: F.coalesce(a, F.lit(0)) + b)
    return df.select(merged.alias("z"))


@CASES.frame()
def array_sort_with_comparator(spark, F, T, Window, Row):
    df = spark.createDataFrame([(["bbb", "a", "cc"],)], "words array<string>")
    return df.select(
        F.array_sort("words", lambda x, y: F.length(x) - F.length(y)).alias("by_length")
    )


@CASES.frame()
def lambda_over_structs(spark, F, T, Window, Row):
    return nested(spark).select(F.transform("pairs", lambda p: p["k"]).alias("keys"))


@CASES.frame()
def nested_lambdas(spark, F, T, Window, Row):
    df = spark.createDataFrame([([[1, 2], [3]],)], "xss array<array<int>>")
    return df.select(F.transform("xss", lambda xs: F.size(xs)).alias("sizes"))


@CASES.frame()
def lambda_referencing_outer_column(spark, F, T, Window, Row):
    return nested(spark).select(F.transform("xs", lambda x: x + F.col("id")).alias("t"))


@CASES.program()
def lambda_with_wrong_arity(spark, F, T, Window, Row):
    return error_of(lambda: F.transform("xs", lambda: F.lit(1)))


@CASES.program()
def lambda_returning_non_column(spark, F, T, Window, Row):
    return error_of(lambda: F.transform("xs", lambda x: 1))


# ---------------------------------------------------------------- struct fields


@CASES.frame()
def with_field(spark, F, T, Window, Row):
    df = nested(spark).filter("s IS NOT NULL")
    return df.select(F.col("s").withField("n2", F.col("s.n") * 2).alias("s"))


@CASES.frame()
def with_field_replaces(spark, F, T, Window, Row):
    return nested(spark).select(F.col("s").withField("name", F.lit("new")).alias("s"))


@CASES.frame()
def drop_fields(spark, F, T, Window, Row):
    return nested(spark).select("id", F.col("s").dropFields("n").alias("s"))


@CASES.frame()
def is_nan_method(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1.0,), (float("nan"),), (None,)], "d double")
    return df.select("d", df.d.isNaN().alias("nan"))


@CASES.frame()
def column_transform(spark, F, T, Window, Row):
    return sales(spark).select(F.col("qty").transform(lambda c: c + 1).alias("q1"))


# ---------------------------------------------------------------- subqueries


@CASES.frame()
def scalar_subquery(spark, F, T, Window, Row):
    df = sales(spark)
    top = df.select(F.max("qty")).scalar()
    return df.filter(F.col("qty") == top).select("year", "fruit")


@CASES.frame()
def correlated_scalar_subquery(spark, F, T, Window, Row):
    df = sales(spark).alias("a")
    per_fruit = (
        sales(spark)
        .alias("b")
        .where(F.col("b.fruit") == F.col("a.fruit").outer())
        .select(F.sum("qty"))
    )
    return df.select("fruit", "qty", per_fruit.scalar().alias("fruit_total"))


@CASES.frame()
def exists_subquery(spark, F, T, Window, Row):
    df = sales(spark).alias("a")
    pears = (
        sales(spark)
        .alias("b")
        .where((F.col("b.region") == F.col("a.region").outer()) & (F.col("b.fruit") == "pears"))
    )
    return df.where(pears.exists()).select("year", "region", "fruit")


@CASES.frame()
def not_exists_subquery(spark, F, T, Window, Row):
    df = sales(spark).alias("a")
    later = sales(spark).alias("b").where(F.col("b.year") > F.col("a.year").outer())
    return df.where(~later.exists()).select("year", "fruit")


@CASES.frame()
def in_subquery(spark, F, T, Window, Row):
    df = sales(spark)
    north = sales(spark).where("region = 'north'").select("fruit")
    return df.where(F.col("fruit").isin(north)).select("region", "fruit", "qty")


@CASES.frame()
def lateral_join(spark, F, T, Window, Row):
    left = spark.createDataFrame([(1, 2), (3, 4)], "a int, b int")
    right = spark.range(1).select((F.col("a").outer() + F.col("b").outer()).alias("s"))
    return left.lateralJoin(right)


@CASES.frame()
def lateral_join_with_condition(spark, F, T, Window, Row):
    left = spark.createDataFrame([(1, 3), (2, 1)], "a int, n int")
    right = spark.range(5).where(F.col("id") < F.col("n").outer())
    return left.lateralJoin(right, F.col("id") >= F.lit(1), "left").select("a", "id")


# ---------------------------------------------------------------- rows, order, partitions


@CASES.program()
def tail_rows(spark, F, T, Window, Row):
    return spark.range(10).tail(3)


@CASES.program()
def tail_more_than_count(spark, F, T, Window, Row):
    return spark.range(2).tail(5)


@CASES.program()
def tail_zero(spark, F, T, Window, Row):
    return spark.range(3).tail(0)


@CASES.program()
def sort_within_partitions(spark, F, T, Window, Row):
    df = spark.range(0, 20, 1, 2).select((F.col("id") * 7 % 20).alias("v"))
    return df.sortWithinPartitions("v").collect()


@CASES.program()
def sort_within_partitions_descending(spark, F, T, Window, Row):
    df = spark.range(0, 12, 1, 3)
    return df.sortWithinPartitions(F.col("id").desc()).collect()


@CASES.program()
def sort_within_partitions_ascending_flag(spark, F, T, Window, Row):
    df = spark.range(0, 10, 1, 2).withColumn("k", F.col("id") % 3)
    return df.sortWithinPartitions("k", "id", ascending=[False, True]).collect()


@CASES.frame()
def repartition_by_number_and_column(spark, F, T, Window, Row):
    df = sales(spark)
    return df.repartition(3, "fruit").union(df.repartition("year")).union(df.coalesce(1))


@CASES.frame()
def repartition_by_range(spark, F, T, Window, Row):
    return sales(spark).repartitionByRange(2, F.col("qty").desc()).select("qty")


@CASES.program()
def partition_counts(spark, F, T, Window, Row):
    df = spark.range(0, 100, 1, 4)
    return [
        df.repartition(5).select(F.spark_partition_id()).distinct().count(),
        df.coalesce(2).select(F.spark_partition_id()).distinct().count(),
    ]


@CASES.frame()
def with_watermark_on_batch(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, "2024-01-01 00:00:00")], "id int, t string")
    return df.withColumn("t", F.col("t").cast("timestamp")).withWatermark("t", "10 minutes")


@CASES.program()
def drop_duplicates_within_watermark_needs_a_stream(spark, F, T, Window, Row):
    df = spark.createDataFrame([(1, "2024-01-01 00:00:00")], "id int, t string")
    df = df.withColumn("t", F.col("t").cast("timestamp")).withWatermark("t", "1 hour")
    return error_of(lambda: df.dropDuplicatesWithinWatermark(["id"]).collect())


@CASES.frame()
def hint_names(spark, F, T, Window, Row):
    df = sales(spark)
    small = spark.createDataFrame([("apples", 1)], "fruit string, rank int")
    return df.join(small.hint("broadcast"), "fruit").hint("coalesce", 2)


@CASES.frame()
def col_regex(spark, F, T, Window, Row):
    df = sales(spark)
    return df.select(df.colRegex("`(year|qty)`"))


@CASES.frame()
def col_regex_everything_but(spark, F, T, Window, Row):
    df = sales(spark)
    return df.select(df.colRegex("`^(?!price).*$`"))


@CASES.program()
def with_metadata(spark, F, T, Window, Row):
    df = sales(spark).withMetadata("qty", {"unit": "kg"})
    return [f.metadata for f in df.schema.fields]


@CASES.program()
def alias_with_metadata(spark, F, T, Window, Row):
    df = sales(spark).select(F.col("price").alias("p", metadata={"currency": "EUR"}))
    return df.schema.fields[0].metadata


@CASES.frame()
def to_schema_reorders_and_casts(spark, F, T, Window, Row):
    schema = T.StructType(
        [T.StructField("qty", T.LongType()), T.StructField("fruit", T.StringType())]
    )
    return sales(spark).to(schema)


@CASES.frame()
def to_schema_fills_a_missing_nullable_column(spark, F, T, Window, Row):
    schema = T.StructType([T.StructField("nope", T.LongType())])
    return sales(spark).to(schema)


@CASES.program()
def to_schema_missing_non_nullable_column(spark, F, T, Window, Row):
    schema = T.StructType([T.StructField("nope", T.LongType(), False)])
    return error_of(lambda: sales(spark).to(schema).collect())


@CASES.frame()
def transform_chain(spark, F, T, Window, Row):
    def add_total(df, factor):
        return df.withColumn("total", F.col("qty") * factor)

    return sales(spark).transform(add_total, 2).transform(lambda df: df.filter("total > 10"))


@CASES.program()
def to_local_iterator(spark, F, T, Window, Row):
    return list(spark.range(5).orderBy("id").toLocalIterator())


@CASES.program()
def is_empty(spark, F, T, Window, Row):
    return [spark.range(3).isEmpty(), spark.range(3).filter("id > 5").isEmpty()]


# ---------------------------------------------------------------- caching and plans


@CASES.program()
def persist_and_storage_level(spark, F, T, Window, Row):
    df = spark.range(7).withColumn("sq", F.col("id") * F.col("id"))
    before = df.storageLevel
    df.persist()
    during = (df.is_cached, df.storageLevel, df.count())
    df.unpersist()
    return [before, during, df.storageLevel, df.is_cached]


@CASES.program()
def cache_then_query(spark, F, T, Window, Row):
    df = spark.range(20).filter("id % 3 = 0").cache()
    result = df.agg(F.sum("id")).collect()
    level = df.storageLevel
    df.unpersist()
    return [result, level]


@CASES.program()
def persist_with_level(spark, F, T, Window, Row):
    from pyspark import StorageLevel as ClassicLevel

    from sparkflight import client

    level_class = (
        client.StorageLevel if F.__name__.startswith("sparkflight.client") else ClassicLevel
    )
    df = spark.range(5).select((F.col("id") + 1).alias("x"))
    df.persist(level_class.DISK_ONLY)
    level = df.storageLevel
    df.unpersist()
    return [str(level), repr(level)]


@CASES.program()
def local_checkpoint(spark, F, T, Window, Row):
    df = spark.range(6).withColumn("half", F.col("id") / 2)
    checkpointed = df.localCheckpoint()
    return [checkpointed.orderBy("id").collect(), checkpointed.columns]


@CASES.program()
def lazy_local_checkpoint(spark, F, T, Window, Row):
    df = spark.range(4).withColumn("neg", -F.col("id"))
    return sorted(df.localCheckpoint(eager=False).collect())


@CASES.program()
def same_semantics_and_semantic_hash(spark, F, T, Window, Row):
    a = spark.range(10).select((F.col("id") + 1).alias("x"))
    b = spark.range(10).select((F.col("id") + 1).alias("x"))
    c = spark.range(10).select((F.col("id") + 2).alias("x"))
    return [
        a.sameSemantics(b),
        a.sameSemantics(c),
        a.semanticHash() == b.semanticHash(),
        a.semanticHash() == c.semanticHash(),
    ]


@CASES.frame(ordered=True)
def zip_with_index(spark, F, T, Window, Row):
    return spark.range(0, 10, 3).zipWithIndex().orderBy("id")


@CASES.frame(ordered=True)
def zip_with_index_named(spark, F, T, Window, Row):
    df = spark.createDataFrame([("a",), ("b",), ("c",)], "letter string").coalesce(1)
    return df.zipWithIndex("pos").orderBy("pos")


@CASES.frame(ordered=True)
def zip_projections(spark, F, T, Window, Row):
    df = spark.range(5)
    return df.select("id").zip(df.select((F.col("id") * 10).alias("tens"))).orderBy("id")


@CASES.program()
def repartition_by_id(spark, F, T, Window, Row):
    df = spark.range(12).withColumn("p", (F.col("id") % 3).cast("int"))
    parted = df.repartitionById(3, "p")
    rows = parted.select("id", "p", F.spark_partition_id().alias("part")).collect()
    return sorted(rows)


@CASES.frame()
def nearest_by_join(spark, F, T, Window, Row):
    users = spark.createDataFrame([(1, 10.0), (2, 20.0), (3, 30.0)], ["user_id", "score"])
    products = spark.createDataFrame([("A", 11.0), ("B", 22.0), ("C", 5.0)], ["product", "ps"])
    return users.nearestByJoin(products, F.abs(users.score - products.ps), 1, "exact", "distance")


@CASES.frame()
def nearest_by_join_left_outer_similarity(spark, F, T, Window, Row):
    left = spark.createDataFrame([(1, 1.0), (2, 5.0)], ["id", "v"])
    right = spark.createDataFrame([(10, 2.0), (20, 4.0), (30, 9.0)], ["rid", "w"])
    return left.nearestByJoin(
        right, -F.abs(left.v - right.w), 2, "exact", "similarity", joinType="leftouter"
    )


# ---------------------------------------------------------------- session helpers


@CASES.frame(empty=True)
def empty_data_frame(spark, F, T, Window, Row):
    return spark.emptyDataFrame("a int, b string")


@CASES.frame(empty=True)
def empty_data_frame_struct_type(spark, F, T, Window, Row):
    schema = T.StructType([T.StructField("x", T.DoubleType(), False)])
    return spark.emptyDataFrame(schema)


@CASES.frame()
def tvf_range(spark, F, T, Window, Row):
    return spark.tvf.range(1, 10, 3)


@CASES.frame()
def tvf_explode(spark, F, T, Window, Row):
    return spark.tvf.explode(F.array(F.lit(1), F.lit(2), F.lit(3)))


@CASES.frame()
def tvf_explode_outer_map(spark, F, T, Window, Row):
    return spark.tvf.explode_outer(F.create_map(F.lit("a"), F.lit(1)))


@CASES.frame()
def tvf_posexplode(spark, F, T, Window, Row):
    return spark.tvf.posexplode(F.array(F.lit("x"), F.lit("y")))


@CASES.frame()
def tvf_inline(spark, F, T, Window, Row):
    pairs = F.array(
        F.struct(F.lit(1).alias("a"), F.lit("p").alias("b")),
        F.struct(F.lit(2).alias("a"), F.lit("q").alias("b")),
    )
    return spark.tvf.inline(pairs)


@CASES.frame()
def tvf_stack(spark, F, T, Window, Row):
    return spark.tvf.stack(F.lit(2), F.lit(1), F.lit("a"), F.lit(2), F.lit("b"))


@CASES.frame()
def tvf_json_tuple(spark, F, T, Window, Row):
    return spark.tvf.json_tuple(F.lit('{"a": 1, "b": 2}'), F.lit("a"), F.lit("b"))


@CASES.program()
def tvf_sql_keywords(spark, F, T, Window, Row):
    df = spark.tvf.sql_keywords()
    return [df.columns, df.filter("keyword = 'SELECT'").count()]


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)


def test_to_json_is_a_dataframe_of_documents(spark: Any, classic: Any) -> None:
    """toJSON returns a DataFrame of one string column, as in Spark Connect."""
    got = sales(spark).orderBy("qty").toJSON()
    assert got.columns == ["value"]
    expected = sales(classic).orderBy("qty").toJSON().collect()
    assert [row.value for row in got.collect()] == expected
