"""Handles to the JVM members translation calls, each looked up once per JVM.

Through py4j, ``spark._jvm.org.apache.spark.sql.Column`` costs a round trip to the JVM per
dotted name, a static method one more, and a Python list passed as a Java list one per
element. Translating a plan calls the same few members many times, so this module keeps
their handles and builds Java lists ten elements per call (``java.util.List.of``).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from typing import Any

from py4j.java_gateway import GatewayClient, JavaClass, JavaMember
from py4j.protocol import STATIC_PREFIX
from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import types as T

#: Arguments of the widest fixed-arity ``java.util.List.of`` overload.
_LIST_OF_ARITY = 10


def _client(spark: SparkSession) -> GatewayClient:
    return spark._jvm._gateway_client


@functools.cache
def _class(client: GatewayClient, name: str) -> JavaClass:
    return JavaClass(name, client)


def java_class(spark: SparkSession, name: str) -> JavaClass:
    """The JVM class ``name`` (fully qualified); calling it calls a constructor."""
    return _class(_client(spark), name)


@functools.cache
def _static(client: GatewayClient, class_name: str, method: str) -> JavaMember:
    return JavaMember(method, None, STATIC_PREFIX + class_name, client)


def static(spark: SparkSession, class_name: str, method: str) -> JavaMember:
    """The static method ``method`` of the JVM class ``class_name``."""
    return _static(_client(spark), class_name, method)


@contextlib.contextmanager
def active(spark: SparkSession) -> Iterator[None]:
    """Make ``spark`` the JVM's active session on this thread (py4j pins a JVM thread to
    each Python thread) while the block runs, for what Spark reads from the active
    session's conf; the thread's active session before it is active again afterwards."""
    session_class = "org.apache.spark.sql.classic.SparkSession"
    before = static(spark, session_class, "getActiveSession")()
    static(spark, session_class, "setActiveSession")(spark._jsparkSession)
    try:
        yield
    finally:
        if before.isDefined():
            static(spark, session_class, "setActiveSession")(before.get())
        else:
            static(spark, session_class, "clearActiveSession")()


def java_list(spark: SparkSession, items: Sequence[Any]) -> Any:
    """A Java list of ``items`` (py4j objects or plain values, never ``None``)."""
    list_of = static(spark, "java.util.List", "of")
    if len(items) <= _LIST_OF_ARITY:
        return list_of(*items)
    result = java_class(spark, "java.util.ArrayList")(len(items))
    for start in range(0, len(items), _LIST_OF_ARITY):
        result.addAll(list_of(*items[start : start + _LIST_OF_ARITY]))
    return result


def scala_seq(spark: SparkSession, items: Sequence[Any]) -> Any:
    """A Scala ``Seq`` of ``items``."""
    return static(spark, "org.apache.spark.api.python.PythonUtils", "toSeq")(
        java_list(spark, items)
    )


@functools.lru_cache(maxsize=1024)
def _data_type(client: GatewayClient, json: str) -> Any:
    return _static(client, "org.apache.spark.sql.types.DataType", "fromJson")(json)


def data_type(spark: SparkSession, value: T.DataType) -> Any:
    """Spark's JVM ``DataType`` for ``value`` (immutable, so shared between plans)."""
    return _data_type(_client(spark), value.json())


def function(spark: SparkSession, name: str, *args: Any) -> Column:
    """``org.apache.spark.sql.functions.name(args)`` as a PySpark Column."""
    return Column(static(spark, "org.apache.spark.sql.functions", name)(*args))


def select(df: DataFrame, columns: Sequence[Column]) -> DataFrame:
    """``df.select(*columns)`` for Columns, with the column list built in a few calls."""
    spark = df.sparkSession
    return DataFrame(df._jdf.select(scala_seq(spark, [c._jc for c in columns])), spark)


def aggregate(df: DataFrame, keys: Sequence[Column], measures: Sequence[Column]) -> DataFrame:
    """``df.groupBy(*keys).agg(*measures)`` (at least one measure), built in a few calls."""
    spark = df.sparkSession
    grouped = df._jdf.groupBy(scala_seq(spark, [k._jc for k in keys]))
    first, *rest = measures
    return DataFrame(grouped.agg(first._jc, scala_seq(spark, [m._jc for m in rest])), spark)
