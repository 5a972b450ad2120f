"""Substrait plans as PySpark DataFrames (see docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from google.protobuf.message import DecodeError
from py4j.protocol import Py4JError, Py4JJavaError
from pyspark.errors.exceptions.captured import CapturedException
from pyspark.sql import Column, DataFrame
from pyspark.sql import types as T
from pyspark.sql.functions import partitioning
from substrait import plan_pb2
from substrait.algebra_pb2 import Expression

from sparkflight.flight_server.connect import NotTranslatable, planner
from sparkflight.flight_server.connect.expressions import origin_plan_id
from sparkflight.flight_server.connect.relations import (
    find_plan_id,
    plan_id_of,
    plan_relation,
    sql_relations,
)
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError, attribute, attributed
from sparkflight.flight_server.limits import check_at_most, exceeded, message_depth
from sparkflight.flight_server.sessions import Session
from sparkflight.flight_server.translate.expressions import (
    Context,
    Frame,
    Scope,
    expression,
    plain_value,
)
from sparkflight.flight_server.translate.relations import relation
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.legacy import check_unknown_fields
from sparkflight.plans.subtrees import SubtreeError, inlined

__all__ = [
    "PlanWithExpressions",
    "checked_plan",
    "parse_plan",
    "root_plan_id",
    "translate_plan",
    "translate_with_expressions",
]


def parse_plan(data: bytes) -> plan_pb2.Plan:
    """Parse a serialized ``substrait.Plan``, refusing what would be silently misread."""
    plan = plan_pb2.Plan()
    try:
        plan.ParseFromString(data)
    except DecodeError as exc:
        raise SparkFlightError(
            INVALID_PLAN,
            f"malformed plan: not a serialized substrait.Plan, or nested deeper than the "
            f"100 levels protobuf parses ({exc})",
        ) from None
    try:
        check_unknown_fields(plan)
    except ValueError as exc:
        raise SparkFlightError(INVALID_PLAN, f"malformed plan: {exc}") from None
    if not plan.relations:
        raise SparkFlightError(INVALID_PLAN, "a plan needs exactly one relation, this one has 0")
    try:
        return inlined(plan)
    except SubtreeError as exc:
        raise SparkFlightError(INVALID_PLAN, f"malformed plan: {exc}") from None


def _nested_names(data_type: T.DataType) -> int:
    """How many names a type's nested struct fields take in a depth-first name list."""
    if isinstance(data_type, T.StructType):
        return sum(1 + _nested_names(f.dataType) for f in data_type.fields)
    if isinstance(data_type, T.ArrayType):
        return _nested_names(data_type.elementType)
    if isinstance(data_type, T.MapType):
        return _nested_names(data_type.keyType) + _nested_names(data_type.valueType)
    return 0


def _top_level(names: list[str], schema: T.StructType) -> list[str]:
    if len(names) == len(schema.fields):
        return names
    result, position = [], 0
    for f in schema.fields:
        if position >= len(names):
            break
        result.append(names[position])
        position += 1 + _nested_names(f.dataType)
    return result


def checked_plan(session: Session, plan: plan_pb2.Plan | bytes) -> plan_pb2.Plan:
    """``plan`` parsed, refused when larger or deeper than the session's limits allow."""
    limits = session.limits
    if isinstance(plan, bytes):
        check_at_most("plan_bytes", limits.plan_bytes, len(plan), f"a plan of {len(plan)} bytes")
        plan = parse_plan(plan)
    if limits.plan_depth is not None:
        depth = message_depth(plan, limits.plan_depth)
        check_at_most("plan_depth", limits.plan_depth, depth, "the plan's nesting")
    return plan


def root_plan_id(plan: plan_pb2.Plan) -> sf.PlanId | None:
    """The ``PlanId`` of the plan's root relation: what an action ran on."""
    if not plan.relations:
        return None
    root = plan.relations[0]
    return plan_id_of(root.rel if root.WhichOneof("rel_type") == "rel" else root.root.input)


def translate_plan(
    session: Session, plan: plan_pb2.Plan | bytes, stepwise: bool = False
) -> DataFrame:
    """The DataFrame of ``plan`` in ``session`` (analysed by Spark, not run).

    A plan the Spark Connect translation covers is planned in one JVM call; an analysis
    error names the DataFrame whose expression it is about. Any other plan and, if asked
    (``stepwise``: ``explain`` then prints each step analysed, as classic PySpark does),
    every plan is built step by step through PySpark's DataFrame API.
    """
    plan = checked_plan(session, plan)
    if stepwise:
        return _translated(session, plan).df
    try:
        relation = plan_relation(plan, session)
    except NotTranslatable:
        return _translated(session, plan).df
    root = plan.relations[0]
    sql = sql_relations(root.rel if root.WhichOneof("rel_type") == "rel" else root.root.input)
    try:
        with attributed(plan_id_of(sql[0]) if len(sql) == 1 else None):
            return planner.dataframe(session, relation)
    except (Py4JJavaError, CapturedException) as exc:
        origin = _expression_origin(exc, plan)
        if origin is not None:
            attribute(exc, origin)
        raise


def _expression_origin(exc: Exception, plan: plan_pb2.Plan) -> sf.PlanId | None:
    """The plan id of the relation whose expression an analysis error is about: the
    translation gave each expression an origin naming it, and Spark puts the origin of
    the failing expression into the error's query context."""
    java = exc.java_exception if isinstance(exc, Py4JJavaError) else exc._origin
    if java is None:
        return None
    try:
        contexts = list(java.getQueryContext())
    except Py4JError:
        return None
    for context in contexts:
        if context.contextType().toString() != "DataFrame":
            continue
        plan_id = origin_plan_id(context.callSite() or "")
        if plan_id is not None:
            return find_plan_id(plan, plan_id)
    return None


@dataclass(frozen=True)
class PlanWithExpressions:
    """A plan's DataFrame, and a translator of expressions over it that call the
    functions the plan declares (the partitioning and condition of a V2 write)."""

    df: DataFrame
    ctx: Context

    def column(self, e: Expression) -> Column:
        return expression(self.ctx, e, Scope(Frame(self.df)))

    def partitioning(self, e: Expression) -> Column:
        """A column or a partition transform (``years(col)``, ``bucket(n, col)``, ...)."""
        if e.WhichOneof("rex_type") == "scalar_function":
            function = e.scalar_function
            transform = _TRANSFORMS.get(self.ctx.function(function.function_reference).base_name)
            if transform is not None:
                args = [a.value for a in function.arguments]
                return transform(self, args)
        return self.column(e)


def _bucket(plan: PlanWithExpressions, args: list[Expression]) -> Column:
    if len(args) != 2:
        raise SparkFlightError(INVALID_PLAN, "bucket takes a number of buckets and a column")
    count = plain_value(args[0])
    if not isinstance(count, int):
        raise SparkFlightError(INVALID_PLAN, "the number of buckets must be an integer literal")
    return partitioning.bucket(count, plan.column(args[1]))


def _unary(transform: Callable[[Column], Column]) -> Callable[..., Column]:
    def apply(plan: PlanWithExpressions, args: list[Expression]) -> Column:
        if len(args) != 1:
            raise SparkFlightError(INVALID_PLAN, "a partition transform takes one column")
        return transform(plan.column(args[0]))

    return apply


#: Partition transforms of ``partitionedBy``, by the function name they travel as.
_TRANSFORMS: dict[str, Callable[[PlanWithExpressions, list[Expression]], Column]] = {
    "years": _unary(partitioning.years),
    "months": _unary(partitioning.months),
    "days": _unary(partitioning.days),
    "hours": _unary(partitioning.hours),
    "bucket": _bucket,
}


def translate_with_expressions(session: Session, plan: bytes) -> PlanWithExpressions:
    """Translate ``plan``, keeping what expressions that travel next to it need."""
    return _translated(session, plan)


def _translated(session: Session, plan: plan_pb2.Plan | bytes) -> PlanWithExpressions:
    plan = checked_plan(session, plan)
    ctx = Context.for_plan(session, plan, relation)
    try:
        return PlanWithExpressions(_translate(ctx, plan), ctx)
    except RecursionError:
        raise exceeded("plan_depth", session.limits.plan_depth or 0, "the plan's nesting") from None


def _translate(ctx: Context, plan: plan_pb2.Plan) -> DataFrame:
    root = plan.relations[0]
    if root.WhichOneof("rel_type") == "rel":
        return relation(ctx, root.rel).df
    frame = relation(ctx, root.root.input)
    names = list(root.root.names)
    if not names:
        return frame.df
    top = _top_level(names, frame.schema)
    if len(top) != len(frame.schema.fields):
        raise SparkFlightError(
            INVALID_PLAN,
            f"RelRoot names {len(top)} columns but the relation has {len(frame.schema.fields)}",
        )
    return frame.df.select(*(c.alias(n) for c, n in zip(frame.columns, top, strict=True)))
