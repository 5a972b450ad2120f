"""The translation context: what the translation of one plan shares (:class:`Context`)
and what the expressions of one relation see (:class:`Scope`)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING

from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from substrait import algebra_pb2

from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.connect.columns import Columns
from sparkflight.flight_server.connect.literals import plain_value
from sparkflight.flight_server.connect.producers import Quirk
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    PLAN_ID_NOT_FOUND,
    UNKNOWN_FUNCTION,
    SparkFlightError,
)
from sparkflight.plans.extensions import FunctionRef

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyspark.sql.connect.proto import relations_pb2 as cr

    from sparkflight.flight_server.sessions import Session

Expression = algebra_pb2.Expression
Connect = ce.Expression


#: Where the plan ids the translation gives relations start (the client's count up from 0).
FIRST_PLAN_ID = 1 << 48
#: The plan ids given so far: unique in the server's life, so that no two plans share
#: one. Spark Connect's plan cache keys on relations with their plan ids, and a catalog
#: call or SQL command is run when planned: a repeated id would answer it from the cache.
_FRESH_IDS = count(FIRST_PLAN_ID)


@dataclass
class Scope:
    """What the expressions of one relation see: its input's columns, the subqueries they
    hold (to travel beside the relation, as Spark Connect's ``WithRelations``), and the
    qualifier the input takes when a subquery references it from inside."""

    columns: Columns
    subqueries: list[cr.Relation] = field(default_factory=list)
    qualifier: str | None = None


@dataclass
class Context:
    """What the translation of one plan shares."""

    functions: dict[int, FunctionRef]
    #: The session the plan runs in, for its Python functions; without one (translation
    #: alone, as in tests), Python functions are not translated.
    session: Session | None = None
    #: The plan ids of the relations translated so far, which column references may name.
    plan_ids: set[int] = field(default_factory=set)
    #: The relations that collect the metrics of an Observation, by observation id.
    observed: list[tuple[str, cr.Relation]] = field(default_factory=list)

    def plan_id(self, e: Expression) -> int:
        """A plan id a column reference names: one of a relation translated before it."""
        plan_id = int(plain_value(e))  # type: ignore[arg-type]
        if plan_id not in self.plan_ids:
            raise SparkFlightError(
                PLAN_ID_NOT_FOUND,
                f"no DataFrame with plan id {plan_id} in this plan",
                plan_id=str(plan_id),
            )
        return plan_id

    #: The variables of the lambdas being translated (innermost last).
    lambda_variables: list[str] = field(default_factory=list)
    #: The plan ids of the relations being translated (innermost last): an expression's
    #: origin names the innermost, so that Spark's error on it names its DataFrame.
    enclosing: list[int] = field(default_factory=list)
    #: The scopes of the relations whose expressions are being translated (innermost
    #: last): one per subquery boundary, as Substrait's outer references count them.
    scopes: list[Scope] = field(default_factory=list)
    #: Whether the plan's root names its output columns, so that the names of columns
    #: computed on the way are free to choose.
    renamed_output: bool = False
    #: The deviations from the specification of the plan's producer (:mod:`.producers`).
    quirks: frozenset[Quirk] = frozenset()
    #: The output columns of the relations with a ``rel_anchor``, by anchor: what outer
    #: references by relation anchor name.
    anchors: dict[int, Columns] = field(default_factory=dict)
    #: Translates the relation of a subquery (set by the relations module).
    relation: Callable[[Context, algebra_pb2.Rel], cr.Relation] | None = None
    #: Plan ids for relations that have none (:data:`_FRESH_IDS`).
    fresh_ids: Iterator[int] = field(default_factory=lambda: _FRESH_IDS)
    #: Whether a relation holds a relation that may run a command, by ``id`` of the
    #: relation (kept alive beside its answer, so that the id stays its own).
    holds_command: dict[int, tuple[algebra_pb2.Rel, bool]] = field(default_factory=dict)

    @contextmanager
    def scope(self, columns: Columns) -> Iterator[Scope]:
        """Expressions translated inside see ``columns`` as their input."""
        scope = Scope(columns)
        self.scopes.append(scope)
        try:
            yield scope
        finally:
            self.scopes.pop()

    def column(self, ordinal: int, steps_out: int = 0) -> tuple[Connect, T.DataType | None]:
        """Column ``ordinal`` of the input ``steps_out`` subquery boundaries out, and its
        type if known."""
        if not 0 <= steps_out < len(self.scopes):
            raise SparkFlightError(INVALID_PLAN, "field reference outside of any input relation")
        scope = self.scopes[-1 - steps_out]
        columns = scope.columns()
        if not 0 <= ordinal < len(columns):
            raise SparkFlightError(
                INVALID_PLAN,
                f"field reference {ordinal} is out of range: the input has {len(columns)} columns",
            )
        ref = columns[ordinal]
        if not steps_out:
            return ref.expression(), ref.data_type
        names = [c.name for c in columns]
        if names.count(ref.name) != 1:
            raise SparkFlightError(
                INVALID_PLAN,
                f"an outer reference to column {ordinal}, whose name repeats in the outer query",
            )
        if scope.qualifier is None:
            scope.qualifier = f"_outer{next(self.fresh_ids)}"
        return ref.qualified(scope.qualifier), ref.data_type

    def steps_to(self, anchor: int) -> int:
        """How many subquery boundaries out the input of relation ``anchor`` is seen (an
        outer reference by relation anchor)."""
        columns = self.anchors.get(anchor)
        if columns is None:
            raise SparkFlightError(
                INVALID_PLAN,
                f"an outer reference to relation anchor {anchor}, which no relation "
                "translated before it has",
            )
        for steps, scope in enumerate(reversed(self.scopes)):
            if scope.columns is columns:
                return steps
        raise NotTranslatable(
            f"an outer reference to relation anchor {anchor}, whose output is not the input "
            "of a relation enclosing the reference"
        )

    def function(self, anchor: int) -> FunctionRef:
        ref = self.functions.get(anchor)
        if ref is None:
            raise SparkFlightError(
                UNKNOWN_FUNCTION,
                f"function anchor {anchor} is not declared in the plan's extensions",
                anchor=str(anchor),
            )
        return ref
