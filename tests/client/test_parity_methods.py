"""Every method of ``Column``, ``DataFrame``, ``GroupedData``, ``DataFrameNaFunctions``,
``DataFrameStatFunctions``, ``DataFrameReader`` and ``DataFrameWriter``: the client
against in-process PySpark, from a table of sample calls.

``Column`` methods are specs of ``tests/client/parity.py``, many to a query. The other
methods are programs of :data:`PROGRAMS`, ``program(spark, F, df, other, path)``: a
DataFrame result is compared by columns, types, nullability and rows (sorted unless the
program orders them), another value by its repr, an error by its class and condition. A
method no program calls is in :data:`ELSEWHERE` with the tests that compare it. Every
difference found is in :data:`DIFFERENCES`, exactly.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from pyspark.sql import Column, DataFrame, DataFrameNaFunctions, DataFrameStatFunctions
from pyspark.sql.group import GroupedData
from pyspark.sql.readwriter import DataFrameReader, DataFrameWriter

from tests.client.harness import Engines, engines_for
from tests.client.parity import Outcome, compare, condition, spec_id

CLASSES = {
    "Column": Column,
    "DataFrame": DataFrame,
    "GroupedData": GroupedData,
    "DataFrameNaFunctions": DataFrameNaFunctions,
    "DataFrameStatFunctions": DataFrameStatFunctions,
    "DataFrameReader": DataFrameReader,
    "DataFrameWriter": DataFrameWriter,
}


def _c(method: str, *args: tuple[str, Any], **kwargs: tuple[str, Any]) -> tuple:
    return (f"Column.{method}", args, tuple(kwargs.items()), False, "scalar")


def _v(value: Any) -> tuple[str, Any]:
    return ("val", value)


INT, S, D, DEC, DT, ARR, M, ST, B = (
    ("col", n) for n in ("i", "s", "d", "dec", "dt", "arr", "m", "st", "b")
)

#: Calls of Column methods on the sample frame's columns.
COLUMN_SPECS = [
    _c("alias", INT, _v("x")),
    _c("alias", ARR, _v("x")),
    _c("alias", INT, _v("x"), metadata=_v({"k": "v"})),
    _c("name", S, _v("n")),
    _c("astype", INT, _v("string")),
    _c("cast", DEC, _v("int")),
    _c("cast", S, _v("date")),
    _c("cast", DT, _v("timestamp")),
    _c("try_cast", S, _v("int")),
    _c("between", INT, _v(0), _v(5)),
    _c("between", DT, _v(datetime.date(2024, 1, 1)), _v(datetime.date(2024, 12, 31))),
    _c("bitwiseAND", INT, _v(6)),
    _c("bitwiseOR", INT, _v(6)),
    _c("bitwiseXOR", INT, _v(6)),
    _c("contains", S, _v("b")),
    _c("startswith", S, _v("A")),
    _c("endswith", S, _v("d")),
    _c("eqNullSafe", INT, _v(None)),
    _c("eqNullSafe", INT, _v(1)),
    _c("like", S, _v("A%")),
    _c("ilike", S, _v("a%")),
    _c("rlike", S, _v("^A")),
    _c("isNaN", D),
    _c("isNull", INT),
    _c("isNotNull", INT),
    _c("isin", INT, _v(1), _v(2)),
    _c("isin", INT, _v([1, 2])),
    _c("isin", S),
    _c("getField", ST, _v("a")),
    _c("getItem", ARR, _v(0)),
    _c("getItem", M, _v("a")),
    _c("dropFields", ST, _v("a")),
    _c("withField", ST, _v("c"), ("lit", 1)),
    _c("substr", S, _v(2), _v(3)),
    _c("substr", S, ("lit", 1), ("lit", 2)),
    _c("transform", INT, ("fn", "x + 1")),
    _c("asc", INT),
    _c("desc_nulls_last", INT),
    _c("__add__", INT, _v(2)),
    _c("__radd__", D, _v(2)),
    _c("__sub__", DT, DT),
    _c("__rsub__", INT, _v(10)),
    _c("__mul__", DEC, _v(3)),
    _c("__truediv__", INT, _v(0)),
    _c("__truediv__", D, _v(4)),
    _c("__rtruediv__", INT, _v(1)),
    _c("__mod__", INT, _v(2)),
    _c("__pow__", INT, _v(2)),
    _c("__rpow__", INT, _v(2)),
    _c("__neg__", DEC),
    _c("__invert__", B),
    _c("__and__", B, _v(True)),
    _c("__or__", B, _v(False)),
    _c("__eq__", S, _v("Abc,d")),
    _c("__ne__", INT, _v(1)),
    _c("__lt__", DT, _v(datetime.date(2024, 1, 1))),
    _c("__le__", INT, _v(1)),
    _c("__gt__", D, _v(0)),
    _c("__ge__", DEC, _v(1)),
    _c("__getitem__", ARR, _v(1)),
    _c("__getitem__", ST, _v("b")),
    _c("__getattr__", ST, _v("a")),
]


def people(spark: Any) -> Any:
    return spark.createDataFrame(
        [(1, "a", 2.0, None), (2, "b", None, "x"), (3, "a", 5.0, "y"), (4, None, 1.0, "x")],
        "id int, name string, score double, tag string",
    )


def others(spark: Any) -> Any:
    return spark.createDataFrame([(1, "one"), (3, "three"), (5, "five")], "id int, word string")


Program = Callable[[Any, Any, Any, Any, str], Any]


def _sorted(rows: list[Any]) -> list[Any]:
    return sorted(rows, key=repr)


#: (method, label, program, whether row order is part of the answer).
PROGRAMS: list[tuple[str, str, Program, bool]] = [
    # ---------------------------------------------------------------- DataFrame
    ("DataFrame.agg", "agg(dict)", lambda s, F, df, o, p: df.agg({"score": "max"}), False),
    ("DataFrame.agg", "agg(col)", lambda s, F, df, o, p: df.agg(F.min("id")), False),
    ("DataFrame.alias", "alias", lambda s, F, df, o, p: df.alias("t").select("t.id"), False),
    (
        "DataFrame.approxQuantile",
        "approxQuantile",
        lambda s, F, df, o, p: df.approxQuantile("score", [0.5], 0.0),
        True,
    ),
    ("DataFrame.cache", "cache", lambda s, F, df, o, p: df.cache().unpersist(), False),
    (
        "DataFrame.checkpoint",
        "checkpoint(False)",
        lambda s, F, df, o, p: df.localCheckpoint(False).count(),
        True,
    ),
    ("DataFrame.coalesce", "coalesce", lambda s, F, df, o, p: df.coalesce(1), False),
    (
        "DataFrame.colRegex",
        "colRegex",
        lambda s, F, df, o, p: df.select(df.colRegex("`(id|name)`")),
        False,
    ),
    ("DataFrame.collect", "collect", lambda s, F, df, o, p: _sorted(df.collect()), True),
    ("DataFrame.columns", "columns", lambda s, F, df, o, p: df.columns, True),
    ("DataFrame.corr", "corr", lambda s, F, df, o, p: round(df.corr("id", "score"), 9), True),
    ("DataFrame.count", "count", lambda s, F, df, o, p: df.count(), True),
    ("DataFrame.cov", "cov", lambda s, F, df, o, p: round(df.cov("id", "score"), 9), True),
    (
        "DataFrame.createOrReplaceTempView",
        "createOrReplaceTempView",
        lambda s, F, df, o, p: (df.createOrReplaceTempView("parity_v"), s.table("parity_v"))[1],
        False,
    ),
    (
        "DataFrame.createTempView",
        "createTempView twice",
        lambda s, F, df, o, p: (
            df.createOrReplaceTempView("parity_w"),
            df.createTempView("parity_w"),
        ),
        True,
    ),
    (
        "DataFrame.createOrReplaceGlobalTempView",
        "createOrReplaceGlobalTempView",
        lambda s, F, df, o, p: (
            df.createOrReplaceGlobalTempView("parity_g"),
            s.table("global_temp.parity_g"),
        )[1],
        False,
    ),
    (
        "DataFrame.createGlobalTempView",
        "createGlobalTempView twice",
        lambda s, F, df, o, p: (
            df.createOrReplaceGlobalTempView("parity_h"),
            df.createGlobalTempView("parity_h"),
        ),
        True,
    ),
    ("DataFrame.crossJoin", "crossJoin", lambda s, F, df, o, p: df.crossJoin(o), False),
    ("DataFrame.crosstab", "crosstab", lambda s, F, df, o, p: df.crosstab("name", "tag"), False),
    ("DataFrame.cube", "cube(1, 2)", lambda s, F, df, o, p: df.cube(2, 4).count(), False),
    (
        "DataFrame.cube",
        "cube(name)",
        lambda s, F, df, o, p: df.cube("name").agg(F.sum("id")),
        False,
    ),
    ("DataFrame.describe", "describe", lambda s, F, df, o, p: df.describe("id", "score"), False),
    ("DataFrame.distinct", "distinct", lambda s, F, df, o, p: df.select("name").distinct(), False),
    (
        "DataFrame.distinct",
        "distinct order",
        lambda s, F, df, o, p: df.select("name", "tag").distinct().collect(),
        True,
    ),
    ("DataFrame.drop", "drop", lambda s, F, df, o, p: df.drop("tag", df.score), False),
    (
        "DataFrame.dropDuplicates",
        "dropDuplicates(subset)",
        lambda s, F, df, o, p: df.dropDuplicates(["name"]).select("name"),
        False,
    ),
    (
        "DataFrame.drop_duplicates",
        "drop_duplicates",
        lambda s, F, df, o, p: df.drop_duplicates(),
        False,
    ),
    ("DataFrame.dropna", "dropna", lambda s, F, df, o, p: df.dropna(), False),
    ("DataFrame.dropna", "dropna(thresh)", lambda s, F, df, o, p: df.dropna(thresh=4), False),
    ("DataFrame.dtypes", "dtypes", lambda s, F, df, o, p: df.dtypes, True),
    (
        "DataFrame.exceptAll",
        "exceptAll",
        lambda s, F, df, o, p: df.select("id").exceptAll(o.select("id")),
        False,
    ),
    (
        "DataFrame.exists",
        "exists",
        lambda s, F, df, o, p: df.where(o.where(F.col("id").outer() == o.id).exists()),
        False,
    ),
    (
        "DataFrame.explain",
        "explain(simple) prints",
        lambda s, F, df, o, p: df.explain() is None,
        True,
    ),
    (
        "DataFrame.explain",
        "explain of a range prints",
        lambda s, F, df, o, p: s.range(3).explain() is None,
        True,
    ),
    ("DataFrame.fillna", "fillna(0)", lambda s, F, df, o, p: df.fillna(0), False),
    (
        "DataFrame.fillna",
        "fillna(dict)",
        lambda s, F, df, o, p: df.fillna({"name": "?", "score": -1.0}),
        False,
    ),
    (
        "DataFrame.fillna",
        "fillna(str, subset)",
        lambda s, F, df, o, p: df.fillna("z", subset=["tag"]),
        False,
    ),
    ("DataFrame.filter", "filter(str)", lambda s, F, df, o, p: df.filter("id > 1"), False),
    ("DataFrame.first", "first", lambda s, F, df, o, p: df.orderBy("id").first(), True),
    (
        "DataFrame.freqItems",
        "freqItems",
        lambda s, F, df, o, p: df.freqItems(["name"]).select(F.sort_array("name_freqItems")),
        False,
    ),
    ("DataFrame.groupBy", "groupBy(1)", lambda s, F, df, o, p: df.groupBy(1).count(), False),
    (
        "DataFrame.groupBy",
        "groupBy([col, 2])",
        lambda s, F, df, o, p: df.groupBy([df.tag, 2]).count(),
        False,
    ),
    (
        "DataFrame.groupby",
        "groupby(name)",
        lambda s, F, df, o, p: df.groupby("name").agg(F.max("id")),
        False,
    ),
    (
        "DataFrame.groupingSets",
        "groupingSets",
        lambda s, F, df, o, p: df.groupingSets([["name"], []], "name").agg(F.sum("id")),
        False,
    ),
    ("DataFrame.head", "head(2)", lambda s, F, df, o, p: df.orderBy("id").head(2), True),
    ("DataFrame.hint", "hint", lambda s, F, df, o, p: df.join(o.hint("broadcast"), "id"), False),
    ("DataFrame.inputFiles", "inputFiles", lambda s, F, df, o, p: df.inputFiles(), True),
    (
        "DataFrame.intersect",
        "intersect",
        lambda s, F, df, o, p: df.select("id").intersect(o.select("id")),
        False,
    ),
    (
        "DataFrame.intersectAll",
        "intersectAll",
        lambda s, F, df, o, p: df.select("id").intersectAll(o.select("id")),
        False,
    ),
    ("DataFrame.isEmpty", "isEmpty", lambda s, F, df, o, p: df.isEmpty(), True),
    ("DataFrame.isLocal", "isLocal", lambda s, F, df, o, p: df.isLocal(), True),
    ("DataFrame.isLocal", "isLocal of a range", lambda s, F, df, o, p: s.range(3).isLocal(), True),
    ("DataFrame.isStreaming", "isStreaming", lambda s, F, df, o, p: df.isStreaming, True),
    ("DataFrame.join", "join(on, left)", lambda s, F, df, o, p: df.join(o, "id", "left"), False),
    (
        "DataFrame.join",
        "join(expr, anti)",
        lambda s, F, df, o, p: df.join(o, df.id == o.id, "left_anti"),
        False,
    ),
    (
        "DataFrame.lateralJoin",
        "lateralJoin",
        lambda s, F, df, o, p: df.alias("t").lateralJoin(
            o.where(F.col("t.id").outer() == o.id).select("word")
        ),
        False,
    ),
    ("DataFrame.limit", "limit", lambda s, F, df, o, p: df.orderBy("id").limit(2), True),
    (
        "DataFrame.localCheckpoint",
        "localCheckpoint",
        lambda s, F, df, o, p: df.localCheckpoint(),
        False,
    ),
    ("DataFrame.melt", "melt", lambda s, F, df, o, p: df.melt("id", ["score"], "k", "v"), False),
    (
        "DataFrame.metadataColumn",
        "metadataColumn",
        lambda s, F, df, o, p: df.select(df.metadataColumn("nope")),
        False,
    ),
    ("DataFrame.na", "na.fill", lambda s, F, df, o, p: df.na.fill(1.5), False),
    (
        "DataFrame.observe",
        "observe",
        lambda s, F, df, o, p: df.observe("m", F.count(F.lit(1))).count(),
        True,
    ),
    ("DataFrame.offset", "offset", lambda s, F, df, o, p: df.orderBy("id").offset(2), True),
    (
        "DataFrame.orderBy",
        "orderBy(-1, name)",
        lambda s, F, df, o, p: df.orderBy(-1, "name").collect(),
        True,
    ),
    (
        "DataFrame.orderBy",
        "orderBy(ascending=False)",
        lambda s, F, df, o, p: df.orderBy("id", ascending=False).collect(),
        True,
    ),
    ("DataFrame.persist", "persist", lambda s, F, df, o, p: _persisted(df), True),
    ("DataFrame.printSchema", "printSchema", lambda s, F, df, o, p: df.printSchema(), True),
    (
        "DataFrame.randomSplit",
        "randomSplit",
        lambda s, F, df, o, p: [x.count() >= 0 for x in df.randomSplit([0.5, 0.5], 1)],
        True,
    ),
    (
        "DataFrame.registerTempTable",
        "registerTempTable",
        lambda s, F, df, o, p: (df.registerTempTable("parity_r"), s.table("parity_r"))[1],
        False,
    ),
    (
        "DataFrame.repartition",
        "repartition(2, name)",
        lambda s, F, df, o, p: df.repartition(2, "name"),
        False,
    ),
    (
        "DataFrame.repartitionByRange",
        "repartitionByRange",
        lambda s, F, df, o, p: df.repartitionByRange(2, "id"),
        False,
    ),
    (
        "DataFrame.repartitionById",
        "repartitionById",
        lambda s, F, df, o, p: df.repartitionById(2, F.col("id") % 2),
        False,
    ),
    ("DataFrame.replace", "replace", lambda s, F, df, o, p: df.replace("a", "A"), False),
    (
        "DataFrame.replace",
        "replace(list, subset)",
        lambda s, F, df, o, p: df.replace([1, 2], [10, 20], "id"),
        False,
    ),
    ("DataFrame.rollup", "rollup(1)", lambda s, F, df, o, p: df.rollup(2).count(), False),
    (
        "DataFrame.sameSemantics",
        "sameSemantics",
        lambda s, F, df, o, p: df.select("id").sameSemantics(df.select("id")),
        True,
    ),
    ("DataFrame.sample", "sample", lambda s, F, df, o, p: df.sample(1.0, 7), False),
    (
        "DataFrame.sampleBy",
        "sampleBy",
        lambda s, F, df, o, p: df.sampleBy("name", {"a": 1.0}, 3),
        False,
    ),
    (
        "DataFrame.scalar",
        "scalar",
        lambda s, F, df, o, p: df.select((o.select(F.max("id")).scalar()).alias("m")),
        False,
    ),
    ("DataFrame.schema", "schema", lambda s, F, df, o, p: df.schema.simpleString(), True),
    ("DataFrame.select", "select(list)", lambda s, F, df, o, p: df.select(["id", df.name]), False),
    (
        "DataFrame.selectExpr",
        "selectExpr",
        lambda s, F, df, o, p: df.selectExpr("id * 2", "upper(name) AS n"),
        False,
    ),
    (
        "DataFrame.semanticHash",
        "semanticHash",
        lambda s, F, df, o, p: isinstance(df.semanticHash(), int),
        True,
    ),
    ("DataFrame.show", "show", lambda s, F, df, o, p: df.orderBy("id").show(), True),
    (
        "DataFrame.show",
        "show(vertical)",
        lambda s, F, df, o, p: df.orderBy("id").show(2, 3, True),
        True,
    ),
    ("DataFrame.sort", "sort(1)", lambda s, F, df, o, p: df.sort(1).collect(), True),
    (
        "DataFrame.sort",
        "sort(desc)",
        lambda s, F, df, o, p: df.sort(F.desc("score")).collect(),
        True,
    ),
    (
        "DataFrame.sortWithinPartitions",
        "sortWithinPartitions(1)",
        lambda s, F, df, o, p: df.coalesce(1).sortWithinPartitions(1).collect(),
        True,
    ),
    ("DataFrame.sparkSession", "sparkSession", lambda s, F, df, o, p: df.sparkSession is s, True),
    ("DataFrame.stat", "stat.cov", lambda s, F, df, o, p: df.stat.cov("id", "id"), True),
    ("DataFrame.storageLevel", "storageLevel", lambda s, F, df, o, p: str(df.storageLevel), True),
    (
        "DataFrame.subtract",
        "subtract",
        lambda s, F, df, o, p: df.select("id").subtract(o.select("id")),
        False,
    ),
    ("DataFrame.summary", "summary", lambda s, F, df, o, p: df.summary("count", "max"), False),
    ("DataFrame.tail", "tail", lambda s, F, df, o, p: df.orderBy("id").tail(1), True),
    ("DataFrame.take", "take", lambda s, F, df, o, p: df.orderBy("id").take(1), True),
    ("DataFrame.to", "to", lambda s, F, df, o, p: df.to(o.select("id").schema), False),
    (
        "DataFrame.toArrow",
        "toArrow",
        lambda s, F, df, o, p: df.orderBy("id").toArrow().to_pylist(),
        True,
    ),
    ("DataFrame.toDF", "toDF", lambda s, F, df, o, p: df.toDF("a", "b", "c", "d"), False),
    ("DataFrame.toJSON", "toJSON", lambda s, F, df, o, p: sorted(df.toJSON().collect()), True),
    (
        "DataFrame.toJSON",
        "toJSON strings",
        lambda s, F, df, o, p: sorted(_json_text(r) for r in df.toJSON().collect()),
        True,
    ),
    (
        "DataFrame.toLocalIterator",
        "toLocalIterator",
        lambda s, F, df, o, p: _sorted(list(df.toLocalIterator())),
        True,
    ),
    (
        "DataFrame.toPandas",
        "toPandas",
        lambda s, F, df, o, p: df.orderBy("id").toPandas().to_dict("list"),
        True,
    ),
    (
        "DataFrame.transform",
        "transform",
        lambda s, F, df, o, p: df.transform(lambda d, n: d.limit(n), 5),
        False,
    ),
    ("DataFrame.transpose", "transpose", lambda s, F, df, o, p: o.transpose("word"), False),
    (
        "DataFrame.union",
        "union",
        lambda s, F, df, o, p: df.select("id").union(o.select("id")),
        False,
    ),
    (
        "DataFrame.unionAll",
        "unionAll",
        lambda s, F, df, o, p: df.select("id").unionAll(o.select("id")),
        False,
    ),
    (
        "DataFrame.unionByName",
        "unionByName(allowMissingColumns)",
        lambda s, F, df, o, p: df.unionByName(o, allowMissingColumns=True),
        False,
    ),
    ("DataFrame.unpersist", "unpersist", lambda s, F, df, o, p: df.unpersist(), False),
    (
        "DataFrame.unpivot",
        "unpivot",
        lambda s, F, df, o, p: df.unpivot(["id"], ["score"], "k", "v"),
        False,
    ),
    (
        "DataFrame.unpivot",
        "unpivot(values=None)",
        lambda s, F, df, o, p: df.select("id", "name", "tag").unpivot("id", None, "k", "v"),
        False,
    ),
    ("DataFrame.where", "where", lambda s, F, df, o, p: df.where(df.score > 1), False),
    (
        "DataFrame.withColumn",
        "withColumn",
        lambda s, F, df, o, p: df.withColumn("id", df.id + 1),
        False,
    ),
    (
        "DataFrame.withColumnRenamed",
        "withColumnRenamed",
        lambda s, F, df, o, p: df.withColumnRenamed("id", "key"),
        False,
    ),
    (
        "DataFrame.withColumns",
        "withColumns",
        lambda s, F, df, o, p: df.withColumns({"x": F.lit(1), "name": F.upper("name")}),
        False,
    ),
    (
        "DataFrame.withColumnsRenamed",
        "withColumnsRenamed",
        lambda s, F, df, o, p: df.withColumnsRenamed({"id": "a", "tag": "b"}),
        False,
    ),
    (
        "DataFrame.withMetadata",
        "withMetadata",
        lambda s, F, df, o, p: df.withMetadata("id", {"k": 1}).schema["id"].metadata,
        True,
    ),
    (
        "DataFrame.withWatermark",
        "withWatermark",
        lambda s, F, df, o, p: df.withColumn(
            "t", F.lit(datetime.datetime(2024, 1, 1))
        ).withWatermark("t", "1 minute"),
        False,
    ),
    (
        "DataFrame.writeTo",
        "writeTo missing table",
        lambda s, F, df, o, p: df.writeTo("parity_missing_table").append(),
        True,
    ),
    (
        "DataFrame.zipWithIndex",
        "zipWithIndex",
        lambda s, F, df, o, p: df.coalesce(1).orderBy("id").zipWithIndex(),
        False,
    ),
    # -------------------------------------------------------------- GroupedData
    ("GroupedData.agg", "agg", lambda s, F, df, o, p: df.groupBy("name").agg({"id": "sum"}), False),
    ("GroupedData.avg", "avg", lambda s, F, df, o, p: df.groupBy("name").avg(), False),
    ("GroupedData.count", "count", lambda s, F, df, o, p: df.groupBy("tag").count(), False),
    ("GroupedData.max", "max", lambda s, F, df, o, p: df.groupBy("tag").max("id"), False),
    ("GroupedData.mean", "mean", lambda s, F, df, o, p: df.groupBy("tag").mean("score"), False),
    ("GroupedData.min", "min", lambda s, F, df, o, p: df.groupBy().min(), False),
    ("GroupedData.sum", "sum", lambda s, F, df, o, p: df.groupBy("name").sum("id", "score"), False),
    (
        "GroupedData.pivot",
        "pivot",
        lambda s, F, df, o, p: df.groupBy("name").pivot("tag").sum("id"),
        False,
    ),
    (
        "GroupedData.pivot",
        "pivot(values)",
        lambda s, F, df, o, p: df.groupBy("name").pivot("tag", ["x", "z"]).count(),
        False,
    ),
    # ----------------------------------------------------- NA and statistics
    (
        "DataFrameNaFunctions.drop",
        "na.drop(all)",
        lambda s, F, df, o, p: df.na.drop("all", subset=["score", "tag"]),
        False,
    ),
    ("DataFrameNaFunctions.fill", "na.fill(bool)", lambda s, F, df, o, p: df.na.fill(True), False),
    (
        "DataFrameNaFunctions.fill",
        "na.fill(int, subset)",
        lambda s, F, df, o, p: df.na.fill(7, ["score"]),
        False,
    ),
    (
        "DataFrameNaFunctions.replace",
        "na.replace(dict)",
        lambda s, F, df, o, p: df.na.replace({"x": "X", "y": None}),
        False,
    ),
    (
        "DataFrameNaFunctions.replace",
        "na.replace(float)",
        lambda s, F, df, o, p: df.na.replace(2.0, 20.0),
        False,
    ),
    (
        "DataFrameStatFunctions.approxQuantile",
        "stat.approxQuantile",
        lambda s, F, df, o, p: df.stat.approxQuantile(["id", "score"], [0.0, 1.0], 0.1),
        True,
    ),
    (
        "DataFrameStatFunctions.corr",
        "stat.corr",
        lambda s, F, df, o, p: round(df.stat.corr("id", "score"), 9),
        True,
    ),
    (
        "DataFrameStatFunctions.cov",
        "stat.cov(score)",
        lambda s, F, df, o, p: round(df.stat.cov("id", "score"), 9),
        True,
    ),
    (
        "DataFrameStatFunctions.crosstab",
        "stat.crosstab",
        lambda s, F, df, o, p: df.stat.crosstab("tag", "name"),
        False,
    ),
    (
        "DataFrameStatFunctions.freqItems",
        "stat.freqItems",
        lambda s, F, df, o, p: df.stat.freqItems(["tag"], 0.6),
        False,
    ),
    (
        "DataFrameStatFunctions.sampleBy",
        "stat.sampleBy",
        lambda s, F, df, o, p: df.stat.sampleBy("tag", {"x": 1.0, "y": 0.0}),
        False,
    ),
    # --------------------------------------------------------- reader, writer
    (
        "DataFrameWriter.json",
        "write.json, read.json",
        lambda s, F, df, o, p: (df.write.json(p), s.read.json(p))[1],
        False,
    ),
    (
        "DataFrameReader.json",
        "read.json(schema, options)",
        lambda s, F, df, o, p: (
            df.write.json(p),
            s.read.json(p, schema="id INT, name STRING", mode="FAILFAST"),
        )[1],
        False,
    ),
    (
        "DataFrameWriter.csv",
        "write.csv(header), read.csv",
        lambda s, F, df, o, p: (
            df.write.csv(p, header=True, sep=";"),
            s.read.csv(p, header=True, sep=";", inferSchema=True),
        )[1],
        False,
    ),
    (
        "DataFrameReader.csv",
        "read.csv(schema)",
        lambda s, F, df, o, p: (df.write.csv(p), s.read.csv(p, "a INT, b STRING"))[1],
        False,
    ),
    (
        "DataFrameWriter.parquet",
        "write.parquet(partitionBy)",
        lambda s, F, df, o, p: (df.write.parquet(p, partitionBy="tag"), s.read.parquet(p))[1],
        False,
    ),
    (
        "DataFrameReader.parquet",
        "read.parquet(mergeSchema)",
        lambda s, F, df, o, p: (df.write.parquet(p), s.read.parquet(p, mergeSchema=True))[1],
        False,
    ),
    (
        "DataFrameWriter.orc",
        "write.orc, read.orc",
        lambda s, F, df, o, p: (df.write.orc(p, compression="zlib"), s.read.orc(p))[1],
        False,
    ),
    (
        "DataFrameWriter.text",
        "write.text, read.text",
        lambda s, F, df, o, p: (df.select("tag").na.fill("-").write.text(p), s.read.text(p))[1],
        False,
    ),
    (
        "DataFrameReader.text",
        "read.text(wholetext)",
        lambda s, F, df, o, p: (
            o.select("word").write.text(p),
            s.read.text(p, wholetext=True).select(F.length("value")),
        )[1],
        False,
    ),
    (
        "DataFrameWriter.xml",
        "write.xml, read.xml",
        lambda s, F, df, o, p: (df.write.xml(p, rowTag="r"), s.read.xml(p, rowTag="r"))[1],
        False,
    ),
    (
        "DataFrameWriter.save",
        "write.save(format, mode)",
        lambda s, F, df, o, p: (df.write.save(p, "json", "overwrite"), s.read.load(p, "json"))[1],
        False,
    ),
    (
        "DataFrameWriter.format",
        "write.format.mode.option.options",
        lambda s, F, df, o, p: (
            df.write.format("csv").mode("append").option("header", True).options(sep="|").save(p),
            s.read.format("csv")
            .option("header", True)
            .options(sep="|")
            .schema("id INT, name STRING")
            .load(p),
        )[1],
        False,
    ),
    (
        "DataFrameWriter.mode",
        "write.mode(error) twice",
        lambda s, F, df, o, p: (df.write.json(p), df.write.mode("error").json(p)),
        True,
    ),
    (
        "DataFrameWriter.partitionBy",
        "write.partitionBy",
        lambda s, F, df, o, p: (
            df.write.partitionBy("name").parquet(p),
            s.read.parquet(p).select("name"),
        )[1],
        False,
    ),
    (
        "DataFrameWriter.bucketBy",
        "write.bucketBy without a table",
        lambda s, F, df, o, p: df.write.bucketBy(2, "id").sortBy("id").parquet(p),
        True,
    ),
    (
        "DataFrameWriter.clusterBy",
        "write.clusterBy without a table",
        lambda s, F, df, o, p: df.write.clusterBy("id").parquet(p),
        True,
    ),
    (
        "DataFrameWriter.saveAsTable",
        "saveAsTable, read.table",
        lambda s, F, df, o, p: (
            df.write.saveAsTable(_table(p), format="parquet"),
            s.read.table(_table(p)),
            s.sql(f"DROP TABLE {_table(p)}"),
        )[1].collect(),
        False,
    ),
    (
        "DataFrameWriter.insertInto",
        "insertInto missing table",
        lambda s, F, df, o, p: df.write.insertInto("parity_missing_table"),
        True,
    ),
    (
        "DataFrameWriter.jdbc",
        "write.jdbc no driver",
        lambda s, F, df, o, p: df.write.jdbc("jdbc:nodriver:x", "t"),
        True,
    ),
    (
        "DataFrameReader.jdbc",
        "read.jdbc no driver",
        lambda s, F, df, o, p: s.read.jdbc("jdbc:nodriver:x", "t").collect(),
        True,
    ),
    (
        "DataFrameReader.changes",
        "read.changes missing table",
        lambda s, F, df, o, p: s.read.changes("parity_missing_table").collect(),
        True,
    ),
    (
        "DataFrameReader.schema",
        "read.schema(StructType)",
        lambda s, F, df, o, p: (df.write.json(p), s.read.schema(o.schema).json(p))[1],
        False,
    ),
    (
        "DataFrameReader.load",
        "read.load missing path",
        lambda s, F, df, o, p: s.read.load(p + "/missing", "parquet"),
        True,
    ),
]


def _json_text(record: Any) -> str:
    """One JSON record of ``toJSON``: a string of classic PySpark's RDD, or the one
    column of a row of Spark Connect's DataFrame."""
    return record if isinstance(record, str) else record[0]


def _persisted(df: Any) -> str:
    """The storage level of ``df`` persisted, which is then unpersisted."""
    level = str(df.persist().storageLevel)
    df.unpersist()
    return level


def _table(path: str) -> str:
    return "parity_" + path.rsplit("/", 1)[1]


#: Methods compared by other tests, with where.
ELSEWHERE: dict[str, str] = {
    "Column.over": "window functions: tests/client/test_functions.py, test_windows_and_nulls.py",
    "Column.otherwise": "when/otherwise: tests/client/test_functions.py",
    "Column.when": "when/otherwise: tests/client/test_functions.py",
    "Column.outer": "lateral joins and subqueries: DataFrame.lateralJoin and exists here",
    "Column.asc_nulls_first": "sort orders: tests/client/test_transformations.py",
    "Column.asc_nulls_last": "sort orders: tests/client/test_transformations.py",
    "Column.desc": "sort orders: DataFrame.sort here",
    "Column.desc_nulls_first": "sort orders: tests/client/test_transformations.py",
    "DataFrame.asTable": "table arguments of UDTFs: tests/client/test_udtf.py",
    "DataFrame.dropDuplicatesWithinWatermark": "streaming: tests/client/test_streaming.py",
    "DataFrame.foreach": "Python functions: tests/client/test_udf.py",
    "DataFrame.foreachPartition": "Python functions: tests/client/test_udf.py",
    "DataFrame.mapInArrow": "Python functions: tests/client/test_udf.py",
    "DataFrame.mapInPandas": "Python functions: tests/client/test_udf.py",
    "DataFrame.mergeInto": "tests/client/test_merge.py",
    "DataFrame.nearestByJoin": "tests/client/test_transformations.py",
    "DataFrame.write": "the DataFrameWriter programs here",
    "DataFrame.writeStream": "streaming: tests/client/test_streaming.py",
    "DataFrame.zip": "tests/client/test_transformations.py",
    "DataFrame.rdd": "excluded: needs a JVM in the client (tests/client/test_coverage.py)",
    "DataFrame.pandas_api": "excluded: needs a JVM in the client (tests/client/test_coverage.py)",
    "DataFrame.executionInfo": "excluded: Spark Connect's gRPC client machinery",
    "DataFrame.plot": "excluded: needs pyspark's plotting backend",
    "GroupedData.apply": "Python functions: tests/client/test_udf.py",
    "GroupedData.applyInArrow": "Python functions: tests/client/test_udf.py",
    "GroupedData.applyInPandas": "Python functions: tests/client/test_udf.py",
    "GroupedData.applyInPandasWithState": "streaming state: tests/client/test_stateful.py",
    "GroupedData.cogroup": "Python functions: tests/client/test_udf.py",
    "GroupedData.transformWithState": "streaming state: tests/client/test_stateful.py",
    "GroupedData.transformWithStateInPandas": "streaming state: tests/client/test_stateful.py",
    "DataFrameReader.format": "DataFrameWriter.format's program here",
    "DataFrameReader.option": "DataFrameWriter.format's program here",
    "DataFrameReader.options": "DataFrameWriter.format's program here",
    "DataFrameReader.orc": "DataFrameWriter.orc's program here",
    "DataFrameReader.table": "DataFrameWriter.saveAsTable's program here",
    "DataFrameReader.xml": "DataFrameWriter.xml's program here",
    "DataFrameWriter.option": "DataFrameWriter.format's program here",
    "DataFrameWriter.options": "DataFrameWriter.format's program here",
    "DataFrameWriter.sortBy": "DataFrameWriter.bucketBy's program here",
}

#: Every call whose outcome differs from PySpark's: id -> (what differs, why).
RDD_SCAN = (
    "classic PySpark makes a local list an RDD (LogicalRDD, Scan ExistingRDD), Spark "
    "Connect a local relation (LocalRelation, LocalTableScan), as ours; over a plan both "
    "build alike (spark.range) they match"
)
DIFFERENCES: dict[str, tuple[str, str]] = {
    "Column.__radd__(d, 2)": (
        "name",
        "classic PySpark's Column.__radd__ calls plus on its own column, (d + 2); Spark "
        "Connect's PySpark builds the reflected operation, (2 + d), as ours; values and "
        "types are equal",
    ),
    "DataFrame.explain: explain(simple) prints": ("values", RDD_SCAN),
    "DataFrame.isLocal: isLocal": ("values", RDD_SCAN),
    "DataFrame.metadataColumn: metadataColumn": (
        "error class",
        "Spark Connect resolves a DataFrame's column by the DataFrame's plan id and names "
        "a missing one CANNOT_RESOLVE_DATAFRAME_COLUMN, as ours; classic PySpark by name "
        "(UNRESOLVED_COLUMN.WITHOUT_SUGGESTION)",
    ),
    "DataFrame.toJSON: toJSON": (
        "values",
        "classic PySpark returns an RDD of strings; Spark Connect's PySpark, as ours, a "
        "DataFrame of them (toJSON strings: the same JSON text)",
    ),
}


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def methods(label: str) -> set[str]:
    """The public methods and properties of one PySpark class, qualified."""
    return {f"{label}.{n}" for n in dir(CLASSES[label]) if not n.startswith("_")}


def test_every_method_is_called() -> None:
    called = {spec[0] for spec in COLUMN_SPECS} | {method for method, *_ in PROGRAMS}
    public = set().union(*(methods(label) for label in CLASSES))
    assert sorted(public - called - set(ELSEWHERE)) == []
    assert sorted((called | set(ELSEWHERE)) - public - {s[0] for s in COLUMN_SPECS}) == []


def test_column_methods_match_pyspark(engines: Engines) -> None:
    found = compare(engines, COLUMN_SPECS, 40)
    ids = {spec_id(spec) for spec in COLUMN_SPECS}
    expected = {key: what for key, (what, _) in DIFFERENCES.items() if key in ids}
    assert {key: what for key, (what, _, _) in found.items()} == expected, found


def outcome(engine: Any, program: Program, ordered: bool, path: str) -> Outcome:
    """What ``program`` gives on one engine: a DataFrame's schema and rows, a value's
    repr (``values``) with what it printed, or the error it raises."""
    import contextlib
    import io

    spark = engine.spark
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            value = program(spark, engine.F, people(spark), others(spark), path)
            if hasattr(type(value), "schema") and hasattr(type(value), "collect"):
                rows = [repr(row) for row in value.collect()]
                return Outcome(
                    name=repr(value.columns),
                    type=value.schema.simpleString(),
                    nullable=all(f.nullable for f in value.schema.fields),
                    values=tuple(rows if ordered else sorted(rows)),
                )
    except Exception as exc:
        return Outcome(error=f"{type(exc).__name__}: {condition(exc)}", condition=condition(exc))
    shown = type(value).__name__ + " " + repr(value)
    return Outcome(values=(shown, printed.getvalue()))


def test_methods_match_pyspark(engines: Engines, tmp_path: Any) -> None:
    from tests.client.parity import difference

    found = {}
    for method, label, program, ordered in PROGRAMS:
        results = []
        for engine in (engines.client, engines.classic):
            path = str(tmp_path / f"{engine.name}-{uuid.uuid4().hex}")
            results.append(outcome(engine, program, ordered, path))
        what = difference(*results)
        if what is not None:
            found[f"{method}: {label}"] = (what, results[0], results[1])
    ids = {f"{method}: {label}" for method, label, *_ in PROGRAMS}
    expected = {key: what for key, (what, _) in DIFFERENCES.items() if key in ids}
    assert {key: what for key, (what, _, _) in found.items()} == expected, found


def test_differences_name_calls() -> None:
    ids = {spec_id(s) for s in COLUMN_SPECS} | {f"{m}: {label}" for m, label, *_ in PROGRAMS}
    assert sorted(set(DIFFERENCES) - ids) == []
    assert len(ids) == len(COLUMN_SPECS) + len(PROGRAMS)
