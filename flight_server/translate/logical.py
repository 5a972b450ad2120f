"""Spark logical plans that PySpark's DataFrame API cannot express, built through py4j.

Spark's ``Dataset`` builds these nodes inside methods that return something other
than a DataFrame (``tail`` returns rows), so the server builds the same nodes itself
and wraps them as DataFrames.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame, SparkSession


def _logical_plan(df: DataFrame) -> Any:
    return df._jdf.queryExecution().logical()


def _dataframe(spark: SparkSession, jplan: Any) -> DataFrame:
    jvm = spark._jvm
    jdf = jvm.org.apache.spark.sql.classic.Dataset.ofRows(spark._jsparkSession, jplan)
    return DataFrame(jdf, spark)


def tail(df: DataFrame, limit: int) -> DataFrame:
    """Spark's ``Tail(limit)`` over ``df``: its last ``limit`` rows."""
    spark = df.sparkSession
    # The limit expression as Spark builds it: that of df.limit(limit)'s GlobalLimit.
    literal = _logical_plan(df.limit(int(limit))).limitExpr()
    node = spark._jvm.org.apache.spark.sql.catalyst.plans.logical.Tail
    return _dataframe(spark, node(literal, _logical_plan(df)))
