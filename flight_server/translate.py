"""Substrait plans as PySpark DataFrames, planned by Spark's Spark Connect planner
(:mod:`sparkflight.flight_server.connect`; see docs/protocol.md)."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf.message import DecodeError
from py4j.protocol import Py4JError, Py4JJavaError
from pyspark.errors.exceptions.captured import CapturedException
from pyspark.sql import Column, DataFrame
from pyspark.sql.connect.proto import relations_pb2 as cr
from substrait import plan_pb2
from substrait.algebra_pb2 import Expression

from sparkflight.flight_server.connect import NotTranslatable, planner
from sparkflight.flight_server.connect.context import Context as ConnectContext
from sparkflight.flight_server.connect.expressions import expression as connect_expression
from sparkflight.flight_server.connect.expressions import origin_plan_id
from sparkflight.flight_server.connect.relations import (
    command_relations,
    expression_context,
    find_plan_id,
    plan_id_of,
    plan_relation,
)
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    UNSUPPORTED_RELATION,
    SparkFlightError,
    attribute,
    attributed,
    malformed,
)
from sparkflight.flight_server.limits import check_at_most, message_depth
from sparkflight.flight_server.sessions import Session
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.legacy import check_unknown_fields
from sparkflight.plans.subtrees import SubtreeError, inlined

__all__ = [
    "PlanWithExpressions",
    "checked_plan",
    "parse_plan",
    "root_plan_id",
    "translate_for_explain",
    "translate_plan",
    "plan_with_expressions",
]


def parse_plan(data: bytes) -> plan_pb2.Plan:
    """Parse a serialized ``substrait.Plan``, refusing what would be silently misread."""
    plan = plan_pb2.Plan()
    try:
        plan.ParseFromString(data)
    except DecodeError as exc:
        raise malformed(
            "plan",
            "not a serialized substrait.Plan, or nested deeper than the 100 levels protobuf "
            f"parses ({exc})",
        ) from None
    try:
        check_unknown_fields(plan)
    except ValueError as exc:
        raise malformed("plan", exc) from None
    if not plan.relations:
        raise SparkFlightError(INVALID_PLAN, "a plan needs exactly one relation, this one has 0")
    try:
        return inlined(plan)
    except SubtreeError as exc:
        raise malformed("plan", exc) from None


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


def translate_plan(session: Session, plan: plan_pb2.Plan | bytes) -> DataFrame:
    """The DataFrame of ``plan`` in ``session`` (analysed by Spark, not run).

    The plan is translated into a Spark Connect relation and planned in one JVM call; an
    analysis error names the DataFrame whose expression it is about.
    """
    plan = checked_plan(session, plan)
    relation = connect_relation(session, plan)
    root = plan.relations[0]
    commands = command_relations(
        root.rel if root.WhichOneof("rel_type") == "rel" else root.root.input
    )
    try:
        with attributed(plan_id_of(commands[0]) if len(commands) == 1 else None):
            return planner.dataframe(session, relation)
    except (Py4JJavaError, CapturedException) as exc:
        origin = _expression_origin(exc, plan)
        if origin is not None:
            attribute(exc, origin)
        raise


def connect_relation(session: Session, plan: plan_pb2.Plan) -> cr.Relation:
    """The Spark Connect relation of ``plan``; a form Spark Connect's planner cannot be
    given is refused, naming it."""
    try:
        return plan_relation(plan, session)
    except NotTranslatable as exc:
        raise SparkFlightError(
            UNSUPPORTED_RELATION, f"the server cannot plan {exc}", form=str(exc)
        ) from None


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


def translate_for_explain(session: Session, plan: bytes) -> DataFrame:
    """The DataFrame of ``plan`` as :func:`translate_plan` makes it, its root planned over
    its inputs' analysed DataFrames (:func:`planner.dataframe_on_inputs`): ``explain``
    then prints what classic PySpark prints for the same program."""
    checked = checked_plan(session, plan)
    return planner.dataframe_on_inputs(session, connect_relation(session, checked))


@dataclass(frozen=True)
class PlanWithExpressions:
    """A plan's DataFrame, and a translator of expressions over it that call the
    functions the plan declares (the partitioning and condition of a V2 write, the
    clauses of a MERGE): Spark Connect's planner makes each a Column."""

    df: DataFrame
    session: Session
    ctx: ConnectContext

    def column(self, e: Expression) -> Column:
        """A column, or a partition transform (``years(col)``, ``bucket(n, col)``, ...),
        which Spark's V2 writer reads from the function call it is."""
        return planner.column(self.session, connect_expression(self.ctx, e))


def plan_with_expressions(session: Session, plan: bytes) -> PlanWithExpressions:
    """Translate ``plan``, keeping what expressions that travel next to it need."""
    checked = checked_plan(session, plan)
    return PlanWithExpressions(
        translate_plan(session, checked), session, expression_context(checked, session)
    )
