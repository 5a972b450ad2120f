"""Expression nodes of the client and their Substrait encoding.

A :class:`~client.column.Column` wraps one of these nodes. Nodes are immutable;
:meth:`Expr.to_proto` encodes a node into a ``substrait.algebra_pb2.Expression``
with the function anchors of the plan being serialized (:class:`PlanContext`).
Names are left unresolved: a column travels by name (the ``column`` function of
:data:`~plans.extensions.EXPRESSIONS_URN`) and Spark's analyzer resolves it.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from substrait import algebra_pb2

from sparkflight.client.errors import not_supported
from sparkflight.client.literals import literal as _literal
from sparkflight.client.literals import to_substrait_type
from sparkflight.plans import pseudo
from sparkflight.plans.extensions import EXPRESSIONS_URN, SPARK_FUNCTIONS_URN, FunctionAnchors
from sparkflight.plans.functions import standard_twin
from sparkflight.plans.protocol import PYTHON_FUNCTIONS, SUBTREES

if TYPE_CHECKING:
    from sparkflight.client.plan import Relation
    from sparkflight.client.types import DataType
    from sparkflight.client.window import WindowSpec

Expression = algebra_pb2.Expression
_SORT = algebra_pb2.SortField.SortDirection

#: Spark aggregate functions that a standard ``AggregateRel`` measure can carry.
AGGREGATE_FUNCTIONS = frozenset(
    """any_value approx_count_distinct approx_percentile array_agg avg bit_and bit_or bit_xor
    bool_and bool_or collect_list collect_set corr count count_if count_min_sketch covar_pop
    covar_samp every first first_value histogram_numeric hll_sketch_agg hll_union_agg kurtosis
    last last_value listagg max max_by mean median min min_by mode percentile percentile_approx
    product regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy
    regr_syy skewness some std stddev stddev_pop stddev_samp string_agg sum try_avg try_sum
    var_pop var_samp variance""".split()
)

#: Spark's infix operators, printed between their operands as Spark prints them.
#: How PySpark prints the calls that Column methods make (``col.isNull()`` is ``isNull(col)``).
_CALL_DISPLAY = {"not": "!", "isnull": "isNull", "isnotnull": "isNotNull", "isnan": "isNaN"}


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _java_double(value: float) -> str:
    """``Double.toString``: ``NaN``, ``Infinity``, ``1.5``, ``1.0E20``, ``1.0E-4``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        return repr(value)
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{exponent + len(text) - 1}"


def literal_text(value: Any) -> str:
    """How Spark prints a literal in ``repr(column)`` (Java's rendering of the value)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, int):
        return str(value) if _INT_MIN <= value <= _INT_MAX else f"{value}L"
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone().replace(tzinfo=None)
        fraction = f"{value.microsecond:06d}".rstrip("0") or "0"
        return f"{value:%Y-%m-%d %H:%M:%S}.{fraction}"
    if isinstance(value, (list, tuple)):
        return f"array({', '.join(literal_text(v) for v in value)})"
    return str(value)


#: Relation levels of one subtree of a plan on the wire (each level is two or three
#: message levels; the rest of protobuf's 100 is left to expressions).
SUBTREE_DEPTH = 16


class PlanContext:
    """State of one plan serialization: the anchors of the functions it calls, and the
    protocol version each feature it uses needs of the server."""

    def __init__(self) -> None:
        self.anchors = FunctionAnchors()
        self.requirements: dict[str, int] = {}
        #: Subtrees of the plan that travel apart (``Plan.relations``), in the order
        #: ``ReferenceRel.subtree_ordinal`` counts them.
        self.subtrees: list[algebra_pb2.Rel] = []
        #: Per relation being built, the depth of its deepest input so far.
        self._depths: list[int] = []
        #: Subqueries being built: their relations travel inside expressions, whole.
        self._subqueries = 0

    @contextlib.contextmanager
    def subquery(self) -> Iterator[None]:
        """Build a relation used as an expression, which is never cut into subtrees."""
        self._subqueries += 1
        try:
            yield
        finally:
            self._subqueries -= 1

    def enter_relation(self) -> None:
        """Start building a relation: the inputs it builds report their depth to it."""
        self._depths.append(0)

    def leave_relation(self, rel: algebra_pb2.Rel) -> algebra_pb2.Rel:
        """The relation just built, or a reference to it once its subtree is as deep as
        :data:`SUBTREE_DEPTH`: protobuf parses messages nested 100 levels deep at most, so
        a deep plan travels as shallow subtrees that point to each other."""
        depth = self._depths.pop() + 1
        if depth >= SUBTREE_DEPTH and not self._subqueries:
            self.require(SUBTREES.version, f"A plan nested deeper than {SUBTREE_DEPTH} relations")
            self.subtrees.append(rel)
            reference = algebra_pb2.ReferenceRel(subtree_ordinal=len(self.subtrees) - 1)
            rel, depth = algebra_pb2.Rel(reference=reference), 1
        if self._depths:
            self._depths[-1] = max(self._depths[-1], depth)
        return rel

    def require(self, protocol: int, feature: str) -> None:
        """Note that the plan uses ``feature``, which needs a server of ``protocol``."""
        self.requirements[feature] = max(protocol, self.requirements.get(feature, 0))

    def check(self, server_protocol: int) -> None:
        """Refuse the plan when it uses a feature the server's protocol lacks."""
        for feature, protocol in self.requirements.items():
            if server_protocol < protocol:
                raise not_supported(
                    f"{feature} with a server of protocol {server_protocol} (it needs "
                    f"protocol {protocol} or newer)"
                )

    def spark_function(self, name: str) -> int:
        """Anchor of Spark function ``name``: its standard twin if it has one."""
        twin = standard_twin(name)
        if twin is not None:
            return self.anchors.anchor(twin.urn, twin.substrait)
        return self.anchors.anchor(SPARK_FUNCTIONS_URN, name)

    def pseudo_function(self, name: str) -> int:
        """Anchor of one of sparkflight's unresolved forms (``column``, ``alias``, ...)."""
        return self.anchors.anchor(EXPRESSIONS_URN, name)


def _arguments(ctx: PlanContext, args: Sequence[Expr]) -> list[algebra_pb2.FunctionArgument]:
    return [algebra_pb2.FunctionArgument(value=a.to_proto(ctx)) for a in args]


def _pseudo(ctx: PlanContext, name: str, args: Sequence[Expr]) -> Expression:
    return Expression(
        scalar_function=Expression.ScalarFunction(
            function_reference=ctx.pseudo_function(name), arguments=_arguments(ctx, args)
        )
    )


class Expr:
    """An expression node."""

    def to_proto(self, ctx: PlanContext) -> Expression:
        raise NotImplementedError

    def children(self) -> Sequence[Expr]:
        return ()

    def walk(self) -> list[Expr]:
        """This node and all its descendants, depth first."""
        nodes: list[Expr] = [self]
        for child in self.children():
            nodes.extend(child.walk())
        return nodes


@dataclass(frozen=True)
class Literal(Expr):
    value: Any
    data_type: DataType | None = None

    def to_proto(self, ctx: PlanContext) -> Expression:
        return Expression(literal=_literal(self.value, self.data_type))

    def __str__(self) -> str:
        return literal_text(self.value)


@dataclass(frozen=True)
class ColumnRef(Expr):
    """``col(name)``, or ``df[name]`` when tied to the DataFrame with ``plan_id``."""

    name: str
    plan_id: int | None = None

    def to_proto(self, ctx: PlanContext) -> Expression:
        args: list[Expr] = [Literal(self.name)]
        if self.plan_id is not None:
            args.append(Literal(self.plan_id))
        return _pseudo(ctx, pseudo.COLUMN, args)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Star(Expr):
    """``*``, ``t.*`` (target ``t``) or ``df["*"]`` (tied to a plan id)."""

    target: str | None = None
    plan_id: int | None = None

    def to_proto(self, ctx: PlanContext) -> Expression:
        # Arguments are positional: a plan id follows a target, empty when there is none.
        args: list[Expr] = []
        if self.target is not None or self.plan_id is not None:
            args.append(Literal(self.target or ""))
        if self.plan_id is not None:
            args.append(Literal(self.plan_id))
        return _pseudo(ctx, pseudo.STAR, args)

    def __str__(self) -> str:
        return f"{self.target}.*" if self.target else "*"


@dataclass(frozen=True)
class SqlExpression(Expr):
    text: str

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.SQL_EXPRESSION, [Literal(self.text)])

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Alias(Expr):
    child: Expr
    names: tuple[str, ...]

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.ALIAS, [self.child, *(Literal(n) for n in self.names)])

    def children(self) -> Sequence[Expr]:
        return (self.child,)

    def __str__(self) -> str:
        if len(self.names) == 1:
            return f"{self.child} AS {self.names[0]}"
        return f"{self.child} AS ({', '.join(self.names)})"


@dataclass(frozen=True)
class AliasWithMetadata(Expr):
    """``col.alias(name, metadata=...)``: one name and the column's metadata as JSON."""

    child: Expr
    name: str
    metadata_json: str

    def to_proto(self, ctx: PlanContext) -> Expression:
        args = [self.child, Literal(self.name), Literal(self.metadata_json)]
        return _pseudo(ctx, pseudo.ALIAS_WITH_METADATA, args)

    def children(self) -> Sequence[Expr]:
        return (self.child,)

    def __str__(self) -> str:
        return f"{self.child} AS {self.name}"


@dataclass(frozen=True)
class ColumnRegex(Expr):
    """``df.colRegex(pattern)``: the columns of the DataFrame with ``plan_id`` whose names
    match ``pattern``."""

    pattern: str
    plan_id: int

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.COLUMN_REGEX, [Literal(self.pattern), Literal(self.plan_id)])

    def __str__(self) -> str:
        return f"UnresolvedRegex({self.pattern})"


@dataclass(frozen=True)
class MetadataColumn(Expr):
    """``df.metadataColumn(name)``: a metadata column of the DataFrame with ``plan_id``."""

    name: str
    plan_id: int

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.METADATA_COLUMN, [Literal(self.name), Literal(self.plan_id)])

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class WithField(Expr):
    """``struct.withField(name, value)``: the struct with the field added or replaced."""

    child: Expr
    field_name: str
    value: Expr

    def to_proto(self, ctx: PlanContext) -> Expression:
        args = [self.child, Literal(self.field_name), self.value]
        return _pseudo(ctx, pseudo.WITH_FIELD, args)

    def children(self) -> Sequence[Expr]:
        return (self.child, self.value)

    def __str__(self) -> str:
        return f"update_field({self.child}, {self.field_name}, {self.value})"


@dataclass(frozen=True)
class DropFields(Expr):
    """``struct.dropFields(*names)``: the struct without those fields."""

    child: Expr
    field_names: tuple[str, ...]

    def to_proto(self, ctx: PlanContext) -> Expression:
        args = [self.child, *(Literal(n) for n in self.field_names)]
        return _pseudo(ctx, pseudo.DROP_FIELDS, args)

    def children(self) -> Sequence[Expr]:
        return (self.child,)

    def __str__(self) -> str:
        display = str(self.child)
        for name in self.field_names:
            display = f"drop_field({display}, {name})"
        return display


@dataclass(frozen=True)
class LambdaVariable(Expr):
    """A variable of the enclosing lambda function."""

    name: str

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.LAMBDA_VARIABLE, [Literal(self.name)])

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class LambdaFunction(Expr):
    """The function a higher-order function applies: ``body`` over named ``variables``."""

    body: Expr
    variables: tuple[str, ...]

    def to_proto(self, ctx: PlanContext) -> Expression:
        args = [self.body, *(Literal(n) for n in self.variables)]
        return _pseudo(ctx, pseudo.LAMBDA, args)

    def children(self) -> Sequence[Expr]:
        return (self.body,)

    def __str__(self) -> str:
        names = self.variables
        params = names[0] if len(names) == 1 else f"({', '.join(names)})"
        return f"{params} -> {self.body}"


@dataclass(frozen=True)
class OuterReference(Expr):
    """``col.outer()``: a column of the query enclosing a subquery or lateral join."""

    child: Expr

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.OUTER, [self.child])

    def children(self) -> Sequence[Expr]:
        return (self.child,)

    def __str__(self) -> str:
        return f"outer({self.child})"


@dataclass(frozen=True)
class Call(Expr):
    """A call of a Spark function by its SQL name (operators included)."""

    name: str
    args: tuple[Expr, ...] = ()
    distinct: bool = False
    #: How ``repr(column)`` prints the call when it differs from ``name(args)``.
    display: str = field(default="", compare=False)

    def reference(self, ctx: PlanContext) -> int:
        """The anchor of the function this call calls."""
        return ctx.spark_function(self.name)

    @property
    def call_args(self) -> tuple[Expr, ...]:
        """The arguments on the wire."""
        return self.args

    def to_proto(self, ctx: PlanContext) -> Expression:
        function = Expression.ScalarFunction(
            function_reference=self.reference(ctx), arguments=_arguments(ctx, self.args)
        )
        if self.distinct:
            function.options.add(name="distinct", preference=["true"])
        return Expression(scalar_function=function)

    def to_aggregate(self, ctx: PlanContext) -> algebra_pb2.AggregateFunction:
        """This call as the measure of a standard ``AggregateRel``."""
        invocation = algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_ALL
        if self.distinct:
            invocation = algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
        return algebra_pb2.AggregateFunction(
            function_reference=ctx.spark_function(self.name),
            arguments=_arguments(ctx, self.args),
            invocation=invocation,
            phase=algebra_pb2.AGGREGATION_PHASE_INITIAL_TO_RESULT,
        )

    @property
    def is_aggregate(self) -> bool:
        return self.name.lower() in AGGREGATE_FUNCTIONS

    def children(self) -> Sequence[Expr]:
        return self.args

    def __str__(self) -> str:
        """Spark's rendering of an unresolved call: ``+(a, 1)``, ``count(a)`` (classic
        PySpark prints no DISTINCT)."""
        if self.display:
            return self.display
        name = _CALL_DISPLAY.get(self.name, self.name)
        return f"{name}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True, eq=False)
class PythonUDF(Expr):
    """A call of a Python UDF: the pseudo function ``python_udf`` whose first argument is
    the serialized ``PythonFunction`` message, as a binary literal."""

    function: bytes
    args: tuple[Expr, ...]
    name: str
    distinct: bool = field(default=False, init=False)

    def reference(self, ctx: PlanContext) -> int:
        """The anchor of ``python_udf``; the plan then needs a server of Python functions."""
        ctx.require(PYTHON_FUNCTIONS.version, f"The Python UDF {self.name!r}")
        return ctx.pseudo_function(pseudo.PYTHON_UDF)

    @property
    def call_args(self) -> tuple[Expr, ...]:
        return (Literal(self.function), *self.args)

    def to_proto(self, ctx: PlanContext) -> Expression:
        return Expression(
            scalar_function=Expression.ScalarFunction(
                function_reference=self.reference(ctx), arguments=_arguments(ctx, self.call_args)
            )
        )

    def children(self) -> Sequence[Expr]:
        return self.args

    def __str__(self) -> str:
        return f"{self.name}({', '.join(str(a) for a in self.args)})"


@dataclass(frozen=True)
class Cast(Expr):
    """``expr.cast(type)``; ``try_`` for ``try_cast``. A str type is a DDL string."""

    child: Expr
    to: DataType | str
    try_: bool = False

    def to_proto(self, ctx: PlanContext) -> Expression:
        target = None if isinstance(self.to, str) else to_substrait_type(self.to)
        if target is None:
            ddl = self.to if isinstance(self.to, str) else self.to.simpleString()
            return _pseudo(
                ctx, pseudo.TRY_CAST if self.try_ else pseudo.CAST, [self.child, Literal(ddl)]
            )
        behavior = (
            Expression.Cast.FAILURE_BEHAVIOR_RETURN_NULL
            if self.try_
            else Expression.Cast.FAILURE_BEHAVIOR_UNSPECIFIED
        )
        return Expression(
            cast=Expression.Cast(
                type=target, input=self.child.to_proto(ctx), failure_behavior=behavior
            )
        )

    def children(self) -> Sequence[Expr]:
        return (self.child,)

    def __str__(self) -> str:
        ddl = self.to if isinstance(self.to, str) else self.to.simpleString()
        return f"{'TRY_CAST' if self.try_ else 'CAST'}({self.child} AS {ddl.upper()})"


@dataclass(frozen=True)
class ExtractValue(Expr):
    """``expr[key]``: an array item, a map value or a struct field."""

    child: Expr
    key: Expr

    def to_proto(self, ctx: PlanContext) -> Expression:
        return _pseudo(ctx, pseudo.EXTRACT_VALUE, [self.child, self.key])

    def children(self) -> Sequence[Expr]:
        return (self.child, self.key)

    def __str__(self) -> str:
        return f"{self.child}[{self.key}]"


@dataclass(frozen=True)
class SortOrder(Expr):
    child: Expr
    ascending: bool = True
    nulls_first: bool | None = None

    @property
    def direction(self) -> int:
        """The Substrait sort direction (and the ``sort_order`` pseudo function's code)."""
        nulls_first = self.ascending if self.nulls_first is None else self.nulls_first
        if self.ascending:
            return (
                _SORT.SORT_DIRECTION_ASC_NULLS_FIRST
                if nulls_first
                else (_SORT.SORT_DIRECTION_ASC_NULLS_LAST)
            )
        return (
            _SORT.SORT_DIRECTION_DESC_NULLS_FIRST
            if nulls_first
            else (_SORT.SORT_DIRECTION_DESC_NULLS_LAST)
        )

    def to_proto(self, ctx: PlanContext) -> Expression:
        direction = Literal(self.direction, _int_type())
        return _pseudo(ctx, pseudo.SORT_ORDER, [self.child, direction])

    def to_sort_field(self, ctx: PlanContext) -> algebra_pb2.SortField:
        return algebra_pb2.SortField(expr=self.child.to_proto(ctx), direction=self.direction)

    def children(self) -> Sequence[Expr]:
        return (self.child,)

    def __str__(self) -> str:
        nulls_first = self.ascending if self.nulls_first is None else self.nulls_first
        order = "ASC" if self.ascending else "DESC"
        return f"{self.child} {order} NULLS {'FIRST' if nulls_first else 'LAST'}"


def _int_type() -> DataType:
    from sparkflight.client.types import IntegerType

    return IntegerType()


def sort_order(expr: Expr) -> SortOrder:
    """``expr`` as a sort order, ascending unless it already is one."""
    return expr if isinstance(expr, SortOrder) else SortOrder(expr)


@dataclass(frozen=True)
class CaseWhen(Expr):
    branches: tuple[tuple[Expr, Expr], ...]
    otherwise: Expr | None = None

    def to_proto(self, ctx: PlanContext) -> Expression:
        if_then = Expression.IfThen(
            ifs=[
                Expression.IfThen.IfClause(**{"if": c.to_proto(ctx), "then": v.to_proto(ctx)})
                for c, v in self.branches
            ]
        )
        if self.otherwise is not None:
            getattr(if_then, "else").CopyFrom(self.otherwise.to_proto(ctx))
        return Expression(if_then=if_then)

    def children(self) -> Sequence[Expr]:
        nodes = [e for branch in self.branches for e in branch]
        return nodes + ([self.otherwise] if self.otherwise is not None else [])

    def __str__(self) -> str:
        parts = ["CASE"] + [f"WHEN {c} THEN {v}" for c, v in self.branches]
        if self.otherwise is not None:
            parts.append(f"ELSE {self.otherwise}")
        return " ".join(parts + ["END"])


@dataclass(frozen=True)
class InList(Expr):
    child: Expr
    values: tuple[Expr, ...]

    def to_proto(self, ctx: PlanContext) -> Expression:
        return Expression(
            singular_or_list=Expression.SingularOrList(
                value=self.child.to_proto(ctx), options=[v.to_proto(ctx) for v in self.values]
            )
        )

    def children(self) -> Sequence[Expr]:
        return (self.child, *self.values)

    def __str__(self) -> str:
        return f"in({', '.join(str(e) for e in (self.child, *self.values))})"


@dataclass(frozen=True)
class WindowExpr(Expr):
    """``function.over(window)``: a window function or an aggregate over a window."""

    function: Call | PythonUDF
    spec: WindowSpec = field(compare=False)

    def to_proto(self, ctx: PlanContext) -> Expression:
        function = self.function
        window = Expression.WindowFunction(
            function_reference=function.reference(ctx),
            arguments=_arguments(ctx, function.call_args),
            invocation=(
                algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
                if function.distinct
                else algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_ALL
            ),
            phase=algebra_pb2.AGGREGATION_PHASE_INITIAL_TO_RESULT,
            partitions=[p.to_proto(ctx) for p in self.spec.partition_by],
            sorts=[sort_order(o).to_sort_field(ctx) for o in self.spec.order_by],
        )
        frame = self.spec.frame
        if frame is not None:
            kind, start, end = frame
            window.bounds_type = (
                Expression.WindowFunction.BOUNDS_TYPE_ROWS
                if kind == "rows"
                else Expression.WindowFunction.BOUNDS_TYPE_RANGE
            )
            window.lower_bound.CopyFrom(_bound(start))
            window.upper_bound.CopyFrom(_bound(end))
        return Expression(window_function=window)

    def children(self) -> Sequence[Expr]:
        return (self.function, *self.spec.partition_by, *self.spec.order_by)

    def __str__(self) -> str:
        return f"{self.function} OVER ({self.spec})"


def _subquery(ctx: PlanContext, relation: Relation) -> algebra_pb2.Rel:
    """``relation`` as a subquery: whole, never cut into subtrees."""
    with ctx.subquery():
        return relation.to_rel(ctx)


@dataclass(frozen=True, eq=False)
class ScalarSubquery(Expr):
    """``df.scalar()``: a one-row, one-column DataFrame as a value."""

    relation: Relation

    def to_proto(self, ctx: PlanContext) -> Expression:
        scalar = Expression.Subquery.Scalar(input=_subquery(ctx, self.relation))
        return Expression(subquery=Expression.Subquery(scalar=scalar))

    def __str__(self) -> str:
        return "scalarsubquery()"


@dataclass(frozen=True, eq=False)
class ExistsSubquery(Expr):
    """``df.exists()``: whether a DataFrame has rows."""

    relation: Relation

    def to_proto(self, ctx: PlanContext) -> Expression:
        predicate = Expression.Subquery.SetPredicate(
            predicate_op=Expression.Subquery.SetPredicate.PREDICATE_OP_EXISTS,
            tuples=_subquery(ctx, self.relation),
        )
        return Expression(subquery=Expression.Subquery(set_predicate=predicate))

    def __str__(self) -> str:
        return "exists()"


@dataclass(frozen=True, eq=False)
class InSubquery(Expr):
    """``x.isin(df)``: whether values are a row of a DataFrame (several values, one per
    column of ``df``, for ``struct(a, b).isin(df)``)."""

    relation: Relation
    needles: tuple[Expr, ...]

    def to_proto(self, ctx: PlanContext) -> Expression:
        haystack = _subquery(ctx, self.relation)
        needles = [n.to_proto(ctx) for n in self.needles]
        predicate = Expression.Subquery.InPredicate(needles=needles, haystack=haystack)
        return Expression(subquery=Expression.Subquery(in_predicate=predicate))

    def children(self) -> Sequence[Expr]:
        return self.needles

    def __str__(self) -> str:
        return f"({', '.join(str(n) for n in self.needles)} IN (listquery()))"


_MIN_LONG = -(1 << 63)
_MAX_LONG = (1 << 63) - 1


def _bound(value: int) -> Expression.WindowFunction.Bound:
    bound = Expression.WindowFunction.Bound
    if value <= _MIN_LONG or value >= _MAX_LONG:
        return bound(unbounded=bound.Unbounded())
    if value == 0:
        return bound(current_row=bound.CurrentRow())
    if value < 0:
        return bound(preceding=bound.Preceding(offset=-value))
    return bound(following=bound.Following(offset=value))
