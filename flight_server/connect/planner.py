"""Spark's own Spark Connect planner, inside this server's JVM.

Each session gets one ``SessionHolder`` over its Spark session and one
``SparkConnectPlanner``; a translated plan crosses to the JVM as bytes in one call, where
the planner builds the unresolved logical plan and ``Dataset.ofRows`` analyses it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pyspark.sql import Column, DataFrame
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr

from sparkflight.flight_server import jvm, restrictions

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

#: How deeply nested a plan the JVM parses (protobuf's default is 100 levels); the
#: session's ``plan_depth`` limit has refused deeper plans before they get here.
PARSE_DEPTH = 100_000

_HOLDER = "org.apache.spark.sql.connect.service.SessionHolder"
_PLANNER = "org.apache.spark.sql.connect.planner.SparkConnectPlanner"
_RELATION = "org.apache.spark.connect.proto.Relation"
_EXPRESSION = "org.apache.spark.connect.proto.Expression"
_EXPRESSION_UTILS = "org.apache.spark.sql.classic.ExpressionUtils"
_CODED_INPUT = "org.sparkproject.connect.protobuf.CodedInputStream"
_DATASET = "org.apache.spark.sql.classic.Dataset"


def _report_to_pyspark(spark: Any, holder: Any) -> None:
    """Make the Python functions the planner builds report to PySpark's accumulator, as
    those of PySpark's own API do (UDF profiles gather there), not to the holder's own,
    which only Spark Connect's service reads."""
    field = holder.getClass().getDeclaredField("pythonAccumulator")
    field.setAccessible(True)
    accumulator = spark.sparkContext._javaAccumulator
    field.set(holder, jvm.static(spark, "scala.Option", "apply")(accumulator))


def _planner(session: Session) -> Any:
    """The session's planner, made on first use."""
    if session.planner is None:
        spark = session.spark
        holder = jvm.static(spark, _HOLDER, "apply")(
            session.user or "sparkflight", session.id, spark._jsparkSession
        )
        holder.initializeSession()
        _report_to_pyspark(spark, holder)
        none = jvm.static(spark, "scala.Option", "empty")()
        session.planner = jvm.java_class(spark, _PLANNER)(holder, none)
    return session.planner


def close(session: Session) -> None:
    """Close the session's ``SessionHolder`` (its plan cache, the DataFrames it keeps
    (:func:`cached_dataframe`) and its listeners), if it has one."""
    planner, session.planner = session.planner, None
    if planner is not None:
        holder = planner.sessionHolder()
        holder.dataFrameCache().clear()
        holder.close()


def _parsed(session: Session, message_class: str, message: Any) -> Any:
    """The JVM's copy of a Spark Connect protobuf ``message``."""
    spark = session.spark
    stream = jvm.static(spark, _CODED_INPUT, "newInstance")(message.SerializeToString())
    stream.setRecursionLimit(PARSE_DEPTH)
    return jvm.static(spark, message_class, "parseFrom")(stream)


def dataframe(session: Session, relation: cr.Relation) -> DataFrame:
    """The analysed DataFrame of a Spark Connect ``relation`` in ``session``."""
    spark = session.spark
    parsed = _parsed(session, _RELATION, relation)
    # What planning reads of the active session (its SQL conf, by which SQL text is
    # parsed) must be the session's, as in Spark Connect's own service. The planned root
    # goes into the session's plan cache, as Spark Connect's service puts it there: the
    # next DataFrame built on this one (a plan that holds this one whole, plan ids and
    # all) is planned from it, much as classic PySpark keeps each DataFrame analysed.
    with jvm.active(spark):
        plan = _planner(session).transformRelation(parsed, True)
        jdf = jvm.static(spark, _DATASET, "ofRows")(spark._jsparkSession, plan)
    restrictions.check_dataframe(session, jdf)
    return DataFrame(jdf, spark)


def dataframe_on_inputs(session: Session, relation: cr.Relation) -> DataFrame:
    """The DataFrame of ``relation``, planned over the analysed DataFrames of its inputs,
    each planned first: as classic PySpark builds a DataFrame on the analysed DataFrame
    before it, so that ``explain`` prints the same parsed plan."""
    root = cr.Relation()
    root.CopyFrom(relation)
    message = getattr(root, root.WhichOneof("rel_type") or "")
    holder = _planner(session).sessionHolder()
    keys = []
    try:
        for field, value in message.ListFields():
            if field.message_type is not cr.Relation.DESCRIPTOR or field.is_repeated:
                continue
            key = f"sparkflight-input-{uuid.uuid4().hex}"
            holder.cacheDataFrameById(key, dataframe(session, value)._jdf)
            keys.append(key)
            value.Clear()
            value.cached_remote_relation.relation_id = key
        return dataframe(session, root)
    finally:
        for key in keys:
            holder.removeCachedDataFrame(key)


def column(session: Session, expression: ce.Expression) -> Column:
    """The (unresolved) Column of a Spark Connect ``expression`` in ``session``."""
    spark = session.spark
    parsed = _parsed(session, _EXPRESSION, expression)
    with jvm.active(spark):
        catalyst = _planner(session).transformExpression(parsed)
    return Column(jvm.static(spark, _EXPRESSION_UTILS, "column")(catalyst))


def cached_dataframe(session: Session, key: str, build: Callable[[], DataFrame]) -> str:
    """``key``, under which the session's planner keeps the DataFrame ``build`` makes (made
    on first use), for a ``CachedRemoteRelation`` to name."""
    holder = _planner(session).sessionHolder()
    if not holder.dataFrameCache().containsKey(key):
        holder.cacheDataFrameById(key, build()._jdf)
    return key


def holds(session: Session, key: str) -> bool:
    """Whether the session's planner keeps a DataFrame under ``key``."""
    return bool(_planner(session).sessionHolder().dataFrameCache().containsKey(key))


@contextmanager
def cached(session: Session, df: DataFrame, prefix: str = "") -> Iterator[cr.Relation]:
    """A Spark Connect relation that stands for ``df`` (however it was built) while the
    block runs: ``df`` waits in the session holder's DataFrame cache, under an id that
    starts with ``prefix``, as Spark Connect's cached remote relations do."""
    holder = _planner(session).sessionHolder()
    relation_id = f"{prefix}{uuid.uuid4()}"
    holder.cacheDataFrameById(relation_id, df._jdf)
    try:
        yield cr.Relation(cached_remote_relation=cr.CachedRemoteRelation(relation_id=relation_id))
    finally:
        holder.removeCachedDataFrame(relation_id)
