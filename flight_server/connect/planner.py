"""Spark's own Spark Connect planner, inside this server's JVM.

Each session gets one ``SessionHolder`` over its Spark session and one
``SparkConnectPlanner``; a translated plan crosses to the JVM as bytes in one call, where
the planner builds the unresolved logical plan and ``Dataset.ofRows`` analyses it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pyspark.sql import DataFrame
from pyspark.sql.connect.proto import relations_pb2 as cr

from sparkflight.flight_server import jvm

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

#: How deeply nested a plan the JVM parses (protobuf's default is 100 levels); the
#: session's ``plan_depth`` limit has refused deeper plans before they get here.
PARSE_DEPTH = 100_000

_HOLDER = "org.apache.spark.sql.connect.service.SessionHolder"
_PLANNER = "org.apache.spark.sql.connect.planner.SparkConnectPlanner"
_RELATION = "org.apache.spark.connect.proto.Relation"
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
        _report_to_pyspark(spark, holder)
        none = jvm.static(spark, "scala.Option", "empty")()
        session.planner = jvm.java_class(spark, _PLANNER)(holder, none)
    return session.planner


def dataframe(session: Session, relation: cr.Relation) -> DataFrame:
    """The analysed DataFrame of a Spark Connect ``relation`` in ``session``."""
    spark = session.spark
    stream = jvm.static(spark, _CODED_INPUT, "newInstance")(relation.SerializeToString())
    stream.setRecursionLimit(PARSE_DEPTH)
    parsed = jvm.static(spark, _RELATION, "parseFrom")(stream)
    # What planning reads of the active session (its SQL conf, by which SQL text is
    # parsed) must be the session's, as in Spark Connect's own service. The planned root
    # goes into the session's plan cache, as Spark Connect's service puts it there: the
    # next DataFrame built on this one (a plan that holds this one whole, plan ids and
    # all) is planned from it, much as classic PySpark keeps each DataFrame analysed.
    with jvm.active(spark):
        plan = _planner(session).transformRelation(parsed, True)
        jdf = jvm.static(spark, _DATASET, "ofRows")(spark._jsparkSession, plan)
    return DataFrame(jdf, spark)


@contextmanager
def cached(session: Session, df: DataFrame) -> Iterator[cr.Relation]:
    """A Spark Connect relation that stands for ``df`` (however it was built) while the
    block runs: ``df`` waits in the session holder's DataFrame cache, as Spark Connect's
    cached remote relations do."""
    holder = _planner(session).sessionHolder()
    relation_id = str(uuid.uuid4())
    holder.cacheDataFrameById(relation_id, df._jdf)
    try:
        yield cr.Relation(cached_remote_relation=cr.CachedRemoteRelation(relation_id=relation_id))
    finally:
        holder.removeCachedDataFrame(relation_id)
