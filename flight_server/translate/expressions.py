"""Substrait expressions as PySpark Columns.

One function per expression type (:data:`_EXPRESSIONS`), one per kind of function
URN, and small tables for the functions that need more than a call by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING

from pyspark.sql import Column, DataFrame, SparkSession, Window, WindowSpec
from pyspark.sql import functions as F
from pyspark.sql import types as T
from substrait import algebra_pb2, plan_pb2

from sparkflight.flight_server import jvm
from sparkflight.flight_server.connect.expressions import (
    FLOATING,
    FRAMELESS,
    INT_RANKINGS,
    FunctionCall,
    aggregate_call,
    plain_value,
)
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    PLAN_ID_NOT_FOUND,
    UNKNOWN_FUNCTION,
    SparkFlightError,
)
from sparkflight.flight_server.spark_types import literal_value, spark_type
from sparkflight.flight_server.translate.types import catalyst_column, literal_column
from sparkflight.plans.extensions import (
    EXPRESSIONS_URN,
    SPARK_FUNCTIONS_URN,
    FunctionRef,
    read_declarations,
)
from sparkflight.plans.functions import spark_name_for

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

Expression = algebra_pb2.Expression
FunctionArgument = algebra_pb2.FunctionArgument


class Frame:
    """A translated relation: its DataFrame and its output columns by position.

    Positional columns are the resolved attributes of the analysed plan, so an
    ordinal reference works even when names repeat (after a self-join).
    """

    def __init__(
        self,
        df: DataFrame,
        columns: list[Column] | None = None,
        schema: T.StructType | None = None,
    ) -> None:
        self.df = df
        self._columns = columns
        self._schema = schema

    @property
    def columns(self) -> list[Column]:
        if self._columns is None:
            output = self.df._jdf.queryExecution().analyzed().output()
            spark = self.df.sparkSession
            self._columns = [catalyst_column(spark, output.apply(i)) for i in range(output.size())]
        return self._columns

    def outer_column(self, ordinal: int) -> Column:
        """Column ``ordinal`` referenced from a correlated subquery (by name, as Spark needs)."""
        self.column(ordinal)
        name = self.schema.fields[ordinal].name
        return F.col("`" + name.replace("`", "``") + "`").outer()

    @property
    def schema(self) -> T.StructType:
        if self._schema is None:
            self._schema = self.df.schema
        return self._schema

    def column(self, ordinal: int) -> Column:
        columns = self.columns
        if not 0 <= ordinal < len(columns):
            raise SparkFlightError(
                INVALID_PLAN,
                f"field reference {ordinal} is out of range: the input has {len(columns)} columns",
            )
        return columns[ordinal]


@dataclass
class Scope:
    """What expressions may reference: the input relation and enclosing queries."""

    frame: Frame
    outer: Scope | None = None


@dataclass
class Context:
    """What the translation of one plan shares."""

    session: Session
    functions: dict[int, FunctionRef]
    #: Translates a relation inside an expression (subqueries); set by the relations module.
    relation: Callable[[Context, algebra_pb2.Rel, Scope | None], Frame]
    plan_ids: dict[int, DataFrame] = field(default_factory=dict)
    #: The variables of the lambdas being translated, by name (innermost last).
    lambda_variables: dict[str, Column] = field(default_factory=dict)
    #: ``Plan.version.producer``, for the few layouts where producers differ from the spec.
    producer: str = ""
    #: Columns referenced by name alone (unresolved, so one serves every use), by name.
    named_columns: dict[str, Column] = field(default_factory=dict)

    @classmethod
    def for_plan(
        cls,
        session: Session,
        plan: plan_pb2.Plan,
        relation: Callable[[Context, algebra_pb2.Rel, Scope | None], Frame],
    ) -> Context:
        return cls(session, read_declarations(plan), relation, producer=plan.version.producer)

    @property
    def from_datafusion(self) -> bool:
        return "datafusion" in self.producer.lower()

    @property
    def spark(self) -> SparkSession:
        return self.session.spark

    def function(self, anchor: int) -> FunctionRef:
        ref = self.functions.get(anchor)
        if ref is None:
            raise SparkFlightError(
                UNKNOWN_FUNCTION,
                f"function anchor {anchor} is not declared in the plan's extensions",
                anchor=str(anchor),
            )
        return ref

    def plan_frame(self, plan_id: int) -> DataFrame:
        df = self.plan_ids.get(plan_id)
        if df is None:
            raise SparkFlightError(
                PLAN_ID_NOT_FOUND,
                f"no DataFrame with plan id {plan_id} in this plan",
                plan_id=str(plan_id),
            )
        return df


# ------------------------------------------------------------ entry points


def expression(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    """The Column for expression ``e`` over ``scope``."""
    kind = e.WhichOneof("rex_type")
    rule = _EXPRESSIONS.get(kind or "")
    if rule is None:
        raise SparkFlightError(
            INVALID_PLAN, f"unsupported expression type {kind or '<unset>'!r}", expression=kind
        )
    return rule(ctx, e, scope)


def expressions(ctx: Context, es: Sequence[Expression], scope: Scope | None) -> list[Column]:
    return [expression(ctx, e, scope) for e in es]


def _arguments(ctx: Context, args: Sequence[FunctionArgument], scope: Scope | None) -> list[Column]:
    """Value arguments as Columns; enum and type arguments are options, not values."""
    return [expression(ctx, a.value, scope) for a in args if a.WhichOneof("arg_type") == "value"]


def _enums(args: Sequence[FunctionArgument]) -> list[str]:
    return [a.enum for a in args if a.WhichOneof("arg_type") == "enum"]


# ------------------------------------------------------------------ literal, field


def _literal(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    return literal_column(ctx.spark, e.literal)


def _field_type(data_type: T.DataType, ordinal: int) -> tuple[str, T.DataType]:
    if not isinstance(data_type, T.StructType) or not 0 <= ordinal < len(data_type.fields):
        raise SparkFlightError(
            INVALID_PLAN, f"no struct field {ordinal} in {data_type.simpleString()}"
        )
    f = data_type.fields[ordinal]
    return f.name, f.dataType


def _segments(
    ctx: Context, column: Column, data_type: T.DataType, segment: Expression.ReferenceSegment
) -> Column:
    """Apply nested reference segments (struct field, list element, map key)."""
    while segment.WhichOneof("reference_type"):
        kind = segment.WhichOneof("reference_type")
        if kind == "struct_field":
            name, data_type = _field_type(data_type, segment.struct_field.field)
            column = column.getField(name)
            segment = segment.struct_field.child
        elif kind == "list_element":
            column = column[segment.list_element.offset]
            data_type = data_type.elementType if isinstance(data_type, T.ArrayType) else data_type
            segment = segment.list_element.child
        else:
            column = column[literal_value(segment.map_key.map_key)]
            data_type = data_type.valueType if isinstance(data_type, T.MapType) else data_type
            segment = segment.map_key.child
    return column


def _scope_at(scope: Scope | None, steps_out: int) -> Scope:
    for _ in range(steps_out):
        scope = scope.outer if scope is not None else None
    if scope is None:
        raise SparkFlightError(INVALID_PLAN, "field reference outside of any input relation")
    return scope


def _selection(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    ref = e.selection
    root = ref.WhichOneof("root_type")
    if ref.WhichOneof("reference_type") != "direct_reference":
        raise SparkFlightError(INVALID_PLAN, "masked field references are not supported")
    segment = ref.direct_reference
    if root in ("root_reference", "outer_reference"):
        steps = ref.outer_reference.steps_out if root == "outer_reference" else 0
        if root == "outer_reference" and steps == 0:
            raise SparkFlightError(
                INVALID_PLAN, "outer references by relation id are not supported"
            )
        frame = _scope_at(scope, steps).frame
        if segment.WhichOneof("reference_type") != "struct_field":
            raise SparkFlightError(INVALID_PLAN, "a field reference must start with a struct field")
        ordinal = segment.struct_field.field
        column = frame.outer_column(ordinal) if steps else frame.column(ordinal)
        data_type = frame.schema.fields[ordinal].dataType
        return _segments(ctx, column, data_type, segment.struct_field.child)
    if root == "expression":
        raise SparkFlightError(INVALID_PLAN, "field references into expressions are not supported")
    raise SparkFlightError(INVALID_PLAN, f"unsupported field reference root {root!r}")


# ------------------------------------------------------------------- functions


#: Spark's binary operators and the ``Column`` methods that call them (one JVM call in
#: place of three for ``call_function``; the same unresolved function and column name).
_OPERATOR_METHODS = {
    "+": "plus",
    "-": "minus",
    "*": "multiply",
    "/": "divide",
    "%": "mod",
    "=": "equalTo",
    "<=>": "eqNullSafe",
    "<": "lt",
    "<=": "leq",
    ">": "gt",
    ">=": "geq",
    "and": "and",
    "or": "or",
}


def call(spark: SparkSession, name: str, args: Sequence[Column], distinct: bool = False) -> Column:
    """Spark's function ``name`` from its registry, ``name(DISTINCT ...)`` if asked."""
    method = _OPERATOR_METHODS.get(name)
    if method is not None and len(args) == 2 and not distinct:
        return Column(getattr(args[0]._jc, method)(args[1]._jc))
    if not distinct:
        quoted = "`" + name.replace("`", "``") + "`"
        return jvm.function(spark, "call_function", quoted, jvm.scala_seq(spark, _java(args)))
    nodes = jvm.scala_seq(spark, [a._jc.node() for a in args])
    origin = jvm.static(spark, "org.apache.spark.sql.catalyst.trees.CurrentOrigin", "get")()
    unresolved = jvm.java_class(spark, "org.apache.spark.sql.internal.UnresolvedFunction")
    node = unresolved(name, nodes, True, False, False, origin)
    return Column(jvm.java_class(spark, "org.apache.spark.sql.Column")(node))


def _java(columns: Sequence[Column]) -> list[object]:
    return [c._jc for c in columns]


_Call = Callable[[Context, str, list[Column], "FunctionCall"], Column]


def _is_integer_type(message: object) -> bool:
    return getattr(message, "WhichOneof", lambda _: None)("kind") in ("i8", "i16", "i32", "i64")


_EXTRACT: dict[str, Callable[[Column], Column]] = {
    "YEAR": F.year,
    "QUARTER": F.quarter,
    "MONTH": F.month,
    "DAY": F.dayofmonth,
    "DAY_OF_YEAR": F.dayofyear,
    "DAY_OF_WEEK": lambda c: F.extract(F.lit("DAYOFWEEK_ISO"), c),
    "WEEK": F.weekofyear,
    "ISO_YEAR": lambda c: F.extract(F.lit("YEAROFWEEK"), c),
    "HOUR": F.hour,
    "MINUTE": F.minute,
    "SECOND": F.second,
}


def _extract(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    components = _enums(fc.arguments)
    if not components or components[0].upper() not in _EXTRACT:
        raise SparkFlightError(
            UNKNOWN_FUNCTION, f"extract of unsupported component {components[:1]}", function=name
        )
    return _EXTRACT[components[0].upper()](args[-1])


def _divide(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    return call(ctx.spark, "div" if _is_integer_type(fc.output_type) else "/", args)


def _count(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    return call(ctx.spark, "count", args or [F.lit(1)], fc.distinct)


def _not_equal(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    return ~call(ctx.spark, "=", args)


def _like(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    """``like``; a null escape character (as DataFusion sends it) means Spark's default."""
    values = [a.value for a in fc.arguments if a.WhichOneof("arg_type") == "value"]
    if len(values) == 3 and values[2].literal.WhichOneof("literal_type") == "null":
        args = args[:2]
    return call(ctx.spark, "like", args)


def _truth_test(value: bool, negated: bool) -> _Call:
    """``is_true``, ``is_not_false``, ...: null-safe comparison with a boolean."""

    def build(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
        test = call(ctx.spark, "<=>", [args[0], F.lit(value)])
        return ~test if negated else test

    return build


def _is_distinct_from(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    return ~call(ctx.spark, "<=>", args)


def _trim(trim: Callable[..., Column]) -> _Call:
    """Substrait's trims take the characters second, as pyspark's ``trim(col, chars)`` does."""

    def build(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
        return trim(*args)

    return build


def _truncate(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    """Numeric ``trunc(x[, scale])``: rounding toward zero, in the declared output type."""
    value = args[0]
    scale = args[1] if len(args) > 1 else F.lit(0)
    truncated = F.when(value >= 0, F.floor(value, scale)).otherwise(F.ceil(value, scale))
    if getattr(fc.output_type, "WhichOneof", lambda _: None)("kind") is None:
        return truncated
    return truncated.cast(spark_type(fc.output_type))


def _floating_rounding(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
    """``ceil``/``floor`` of a floating-point value keep its type: Spark's are BIGINT, so they
    apply only to values that are not integers already (NaN, infinities, large values)."""
    floating = FLOATING.get(getattr(fc.output_type, "WhichOneof", lambda _: None)("kind") or "")
    if floating is None:
        return call(ctx.spark, name, args)
    type_name, integral_from = floating
    value = args[0]
    whole = F.isnan(value) | (F.abs(value) >= F.lit(integral_from))
    return F.when(whole, value).otherwise(call(ctx.spark, name, [value]).cast(type_name))


def _int_argument(position: int) -> _Call:
    """A call whose argument ``position`` Spark wants as an int, where producers send an i64.

    ``ntile``'s bucket count, ``lag``/``lead``'s offset.
    """

    def build(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
        if len(args) > position:
            args = [*args[:position], args[position].cast(T.IntegerType()), *args[position + 1 :]]
        return call(ctx.spark, name, args)

    return build


def _variadic(spark_name: str) -> _Call:
    def build(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
        return reduce(lambda a, b: call(ctx.spark, spark_name, [a, b]), args)

    return build


#: Standard functions that are more than a call of their Spark twin, by Spark name.


def _distribution(population: str) -> _Call:
    """``std_dev``/``variance``: the POPULATION enum argument picks Spark's ``*_pop``."""

    def rule(ctx: Context, name: str, args: list[Column], fc: FunctionCall) -> Column:
        chosen = population if _enums(fc.arguments)[:1] == ["POPULATION"] else name
        return call(ctx.spark, chosen, args, fc.distinct)

    return rule


_STANDARD_RULES: dict[str, _Call] = {
    "/": _divide,
    "ceil": _floating_rounding,
    "floor": _floating_rounding,
    "count": _count,
    "!=": _not_equal,
    "extract": _extract,
    "like": _like,
    "and": _variadic("and"),
    "or": _variadic("or"),
    "is_distinct_from": _is_distinct_from,
    "is_true": _truth_test(True, negated=False),
    "is_false": _truth_test(False, negated=False),
    "is_not_true": _truth_test(True, negated=True),
    "is_not_false": _truth_test(False, negated=True),
    "ltrim": _trim(F.ltrim),
    "rtrim": _trim(F.rtrim),
    "trim": _trim(F.trim),
    "trunc": _truncate,
    "stddev_samp": _distribution("stddev_pop"),
    "var_samp": _distribution("var_pop"),
    "ntile": _int_argument(0),
    "lag": _int_argument(1),
    "lead": _int_argument(1),
}


def _standard(ctx: Context, ref: FunctionRef, fc: FunctionCall, scope: Scope | None) -> Column:
    spark_name = spark_name_for(ref.name)
    args = _arguments(ctx, fc.arguments, scope)
    rule = _STANDARD_RULES.get(spark_name)
    if rule is not None:
        return rule(ctx, spark_name, args, fc)
    return call(ctx.spark, spark_name, args, fc.distinct)


def _spark_function(
    ctx: Context, ref: FunctionRef, fc: FunctionCall, scope: Scope | None
) -> Column:
    distinct = fc.distinct or fc.option("distinct")[:1] == ["true"]
    return call(ctx.spark, ref.name, _arguments(ctx, fc.arguments, scope), distinct)


# Pseudo functions of EXPRESSIONS_URN: (ctx, arguments, scope) -> Column.


def _values(fc: FunctionCall) -> list[Expression]:
    return [a.value for a in fc.arguments]


def _column(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    name = str(plain_value(args[0]))
    if len(args) > 1:
        return ctx.plan_frame(int(plain_value(args[1])))[name]
    column = ctx.named_columns.get(name)
    if column is None:
        column = ctx.named_columns[name] = jvm.function(ctx.spark, "col", name)
    return column


def _star(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    target = plain_value(args[0]) if args else None
    if len(args) > 1:
        return ctx.plan_frame(int(plain_value(args[1])))[f"{target}.*" if target else "*"]
    return jvm.function(ctx.spark, "col", f"{target}.*" if target else "*")


def _alias(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    names = [str(plain_value(a)) for a in args[1:]]
    return expression(ctx, args[0], scope).alias(*names)


def _sql_expression(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    return jvm.function(ctx.spark, "expr", str(plain_value(_values(fc)[0])))


def _cast_to(method: str) -> Callable[[Context, FunctionCall, Scope | None], Column]:
    def build(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
        args = _values(fc)
        return getattr(expression(ctx, args[0], scope), method)(str(plain_value(args[1])))

    return build


def _extract_value(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    key = args[1]
    if key.WhichOneof("rex_type") == "literal":
        return expression(ctx, args[0], scope)[plain_value(key)]
    return expression(ctx, args[0], scope)[expression(ctx, key, scope)]


_SORT_ORDERS: dict[int, Callable[[Column], Column]] = {
    1: Column.asc_nulls_first,
    2: Column.asc_nulls_last,
    3: Column.desc_nulls_first,
    4: Column.desc_nulls_last,
}


def _sort_order(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    direction = _SORT_ORDERS.get(int(plain_value(args[1])))
    if direction is None:
        raise SparkFlightError(INVALID_PLAN, f"unknown sort direction {plain_value(args[1])}")
    return direction(expression(ctx, args[0], scope))


def _outer(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    return expression(ctx, _values(fc)[0], scope).outer()


def _with_field(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    value = expression(ctx, args[2], scope)
    return expression(ctx, args[0], scope).withField(str(plain_value(args[1])), value)


def _drop_fields(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    return expression(ctx, args[0], scope).dropFields(*(str(plain_value(a)) for a in args[1:]))


def _alias_with_metadata(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    args = _values(fc)
    metadata = json.loads(str(plain_value(args[2])))
    return expression(ctx, args[0], scope).alias(str(plain_value(args[1])), metadata=metadata)


def _frame_column(method: str) -> Callable[[Context, FunctionCall, Scope | None], Column]:
    """A column a DataFrame method picks by name (``colRegex``, ``metadataColumn``)."""

    def build(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
        args = _values(fc)
        df = ctx.plan_frame(int(plain_value(args[1])))
        return getattr(df, method)(str(plain_value(args[0])))

    return build


def _lambda_variable(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    """A variable of an enclosing lambda, by name."""
    name = str(plain_value(_values(fc)[0]))
    variable = ctx.lambda_variables.get(name)
    if variable is None:
        raise SparkFlightError(INVALID_PLAN, f"lambda variable {name!r} outside its lambda")
    return variable


def _lambda(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    """``lambda(body, name, ...)``: Spark's lambda function over named variables."""
    args = _values(fc)
    if len(args) < 2:
        raise IndexError
    utils = "org.apache.spark.sql.api.python.PythonSQLUtils"
    variable = jvm.static(ctx.spark, utils, "unresolvedNamedLambdaVariable")
    names = [str(plain_value(a)) for a in args[1:]]
    variables = [Column(variable(n)) for n in names]
    enclosing = ctx.lambda_variables
    ctx.lambda_variables = {**enclosing, **dict(zip(names, variables, strict=True))}
    try:
        body = expression(ctx, args[0], scope)
    finally:
        ctx.lambda_variables = enclosing
    jvariables = jvm.scala_seq(ctx.spark, _java(variables))
    return Column(jvm.static(ctx.spark, utils, "lambdaFunction")(body._jc, jvariables))


def _python_udf(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    """``python_udf(function, args...)``: a Python UDF, its PythonFunction a binary literal."""
    from sparkflight.flight_server.translate.python import udf_column

    args = _values(fc)
    if args[0].literal.WhichOneof("literal_type") != "binary":
        raise SparkFlightError(INVALID_PLAN, "python_udf takes its PythonFunction as binary")
    columns = [expression(ctx, a, scope) for a in args[1:]]
    return udf_column(ctx.session, args[0].literal.binary, columns)


_PSEUDO: dict[str, Callable[[Context, FunctionCall, Scope | None], Column]] = {
    "python_udf": _python_udf,
    "outer": _outer,
    "with_field": _with_field,
    "drop_fields": _drop_fields,
    "alias_with_metadata": _alias_with_metadata,
    "column_regex": _frame_column("colRegex"),
    "metadata_column": _frame_column("metadataColumn"),
    "lambda": _lambda,
    "lambda_variable": _lambda_variable,
    "column": _column,
    "star": _star,
    "alias": _alias,
    "sql_expression": _sql_expression,
    "cast": _cast_to("cast"),
    "try_cast": _cast_to("try_cast"),
    "extract_value": _extract_value,
    "sort_order": _sort_order,
}


def _pseudo(ctx: Context, ref: FunctionRef, fc: FunctionCall, scope: Scope | None) -> Column:
    rule = _PSEUDO.get(ref.base_name)
    if rule is None:
        raise SparkFlightError(
            UNKNOWN_FUNCTION, f"unknown function {ref.name!r} of {ref.urn}", function=ref.name
        )
    try:
        return rule(ctx, fc, scope)
    except IndexError:
        raise SparkFlightError(
            INVALID_PLAN, f"too few arguments for {ref.name!r}", function=ref.name
        ) from None


def function_call(ctx: Context, fc: FunctionCall, scope: Scope | None) -> Column:
    """The Column for a call of a declared function, by the kind of its URN."""
    ref = ctx.function(fc.anchor)
    if ref.urn == EXPRESSIONS_URN:
        return _pseudo(ctx, ref, fc, scope)
    if ref.urn == SPARK_FUNCTIONS_URN:
        return _spark_function(ctx, ref, fc, scope)
    if ref.is_standard:
        return _standard(ctx, ref, fc, scope)
    raise SparkFlightError(
        UNKNOWN_FUNCTION,
        f"function {ref.name!r} of unknown extension {ref.urn!r}",
        function=ref.name,
    )


def _scalar_function(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    f = e.scalar_function
    fc = FunctionCall(f.function_reference, f.arguments, f.options, f.output_type, False)
    return function_call(ctx, fc, scope)


def aggregate_function(
    ctx: Context,
    f: algebra_pb2.AggregateFunction,
    scope: Scope | None,
    condition: Expression | None = None,
) -> Column:
    """An aggregate call; a measure's filter keeps only the rows where it holds."""
    fc = aggregate_call(f, condition)
    if f.sorts:
        return _ordered_aggregate(ctx, fc, [sort_column(ctx, s, scope) for s in f.sorts], scope)
    return function_call(ctx, fc, scope)


def _ordered_aggregate(
    ctx: Context, fc: FunctionCall, sorts: list[Column], scope: Scope | None
) -> Column:
    """``f(...) WITHIN GROUP (ORDER BY ...)``, Spark's form of an aggregate with sorts.

    Spark's analyzer refuses functions that take no ordering (rather than ignoring it).
    """
    ref = ctx.function(fc.anchor)
    if ref.urn == EXPRESSIONS_URN:
        raise SparkFlightError(
            INVALID_PLAN, f"{ref.name!r} is not an aggregate function", function=ref.name
        )
    args = _arguments(ctx, fc.arguments, scope)
    spark = ctx.spark
    catalyst = jvm.static(spark, "org.apache.spark.sql.classic.ExpressionUtils", "expression")
    none = jvm.static(spark, "scala.Option", "empty")()
    unresolved = jvm.java_class(spark, "org.apache.spark.sql.catalyst.analysis.UnresolvedFunction")
    node = unresolved(
        jvm.scala_seq(spark, [_spark_function_name(ref)]),
        jvm.scala_seq(spark, [catalyst(a._jc) for a in args]),
        fc.distinct,
        none,
        none,
        jvm.scala_seq(spark, [catalyst(s._jc) for s in sorts]),
        False,
    )
    return catalyst_column(ctx.spark, node)


# ------------------------------------------------------------------ windows

_BoundRule = Callable[[algebra_pb2.Expression.WindowFunction.Bound, bool], int]

_BOUNDS: dict[str, _BoundRule] = {
    "preceding": lambda b, lower: -b.preceding.offset,
    "following": lambda b, lower: b.following.offset,
    "current_row": lambda b, lower: Window.currentRow,
    "unbounded": lambda b, lower: Window.unboundedPreceding if lower else Window.unboundedFollowing,
}


def _bound(bound: Expression.WindowFunction.Bound, lower: bool, default: int) -> int:
    kind = bound.WhichOneof("kind")
    return _BOUNDS[kind](bound, lower) if kind else default


def sort_column(ctx: Context, sort: algebra_pb2.SortField, scope: Scope | None) -> Column:
    """A sort field as an ordered Column (``asc_nulls_first``, ...)."""
    if sort.WhichOneof("sort_kind") != "direction" or sort.direction not in _SORT_ORDERS:
        raise SparkFlightError(INVALID_PLAN, "only ASC/DESC NULLS FIRST/LAST sorts are supported")
    return _SORT_ORDERS[sort.direction](expression(ctx, sort.expr, scope))


def _spark_function_name(ref: FunctionRef) -> str:
    return spark_name_for(ref.name) if ref.urn != SPARK_FUNCTIONS_URN else ref.name


def _window_spec(
    ctx: Context, w: Expression.WindowFunction, scope: Scope | None, framed: bool
) -> WindowSpec:
    spec = Window.partitionBy(*expressions(ctx, w.partitions, scope))
    if w.sorts:
        spec = spec.orderBy(*(sort_column(ctx, s, scope) for s in w.sorts))
    if not framed or (not w.HasField("lower_bound") and not w.HasField("upper_bound")):
        return spec
    lower = _bound(w.lower_bound, True, Window.unboundedPreceding)
    upper_default = Window.currentRow if w.sorts else Window.unboundedFollowing
    upper = _bound(w.upper_bound, False, upper_default)
    if w.bounds_type == Expression.WindowFunction.BOUNDS_TYPE_RANGE:
        return spec.rangeBetween(lower, upper)
    return spec.rowsBetween(lower, upper)


def _window_function(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    w = e.window_function
    distinct = w.invocation == algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
    fc = FunctionCall(w.function_reference, w.arguments, w.options, w.output_type, distinct)
    ref = ctx.function(w.function_reference)
    name = _spark_function_name(ref).lower()
    window = function_call(ctx, fc, scope).over(_window_spec(ctx, w, scope, name not in FRAMELESS))
    if ref.urn != SPARK_FUNCTIONS_URN and name in INT_RANKINGS and _is_integer_type(w.output_type):
        return window.cast(spark_type(w.output_type))  # Substrait's i64, not Spark's INT
    return window


# ------------------------------------------------------------ conditionals


def _is_simple_case(clauses: Sequence[Expression.IfThen.IfClause]) -> bool:
    """DataFusion's ``CASE x WHEN ...``: a first clause with the operand and no result."""
    return len(clauses) > 1 and not clauses[0].HasField("then") and clauses[0].HasField("if")


def _if_then(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    clauses = list(e.if_then.ifs)
    if not clauses:
        raise SparkFlightError(INVALID_PLAN, "IfThen without any clause")
    operand = None
    if _is_simple_case(clauses):
        operand = expression(ctx, getattr(clauses[0], "if"), scope)
        clauses = clauses[1:]
    result: Column | None = None
    for position, clause in enumerate(clauses):
        if not clause.HasField("if") or not clause.HasField("then"):
            raise SparkFlightError(
                INVALID_PLAN, f"IfThen clause {position} lacks its condition or its result"
            )
        condition = expression(ctx, getattr(clause, "if"), scope)
        if operand is not None:
            condition = operand == condition
        then = expression(ctx, clause.then, scope)
        result = F.when(condition, then) if result is None else result.when(condition, then)
    assert result is not None
    if e.if_then.HasField("else"):
        result = result.otherwise(expression(ctx, getattr(e.if_then, "else"), scope))
    return result


def _switch(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    s = e.switch_expression
    if not s.ifs:
        raise SparkFlightError(INVALID_PLAN, "SwitchExpression without any case")
    match = expression(ctx, s.match, scope)
    result: Column | None = None
    for case in s.ifs:
        condition = match == literal_column(ctx.spark, getattr(case, "if"))
        then = expression(ctx, case.then, scope)
        result = F.when(condition, then) if result is None else result.when(condition, then)
    if s.HasField("else"):
        result = result.otherwise(expression(ctx, getattr(s, "else"), scope))
    return result


def _singular_or_list(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    s = e.singular_or_list
    return expression(ctx, s.value, scope).isin(*expressions(ctx, s.options, scope))


def _cast(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    c = e.cast
    target = spark_type(c.type)
    value = expression(ctx, c.input, scope)
    if c.failure_behavior == Expression.Cast.FAILURE_BEHAVIOR_RETURN_NULL:
        return value.try_cast(target)
    return value.cast(target)


def _nested(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    n = e.nested
    kind = n.WhichOneof("nested_type")
    if kind == "struct":
        fields = expressions(ctx, n.struct.fields, scope)
        return F.struct(*(c.alias(f"col{i + 1}") for i, c in enumerate(fields)))
    if kind == "list":
        return F.array(*expressions(ctx, n.list.values, scope))
    if kind == "map":
        items: list[Column] = []
        for kv in n.map.key_values:
            items += [expression(ctx, kv.key, scope), expression(ctx, kv.value, scope)]
        return F.create_map(*items)
    raise SparkFlightError(INVALID_PLAN, f"unsupported nested expression {kind!r}")


# ------------------------------------------------------------------ subqueries


def _subquery_frame(ctx: Context, rel: algebra_pb2.Rel, scope: Scope | None) -> DataFrame:
    return ctx.relation(ctx, rel, scope).df


def _subquery(ctx: Context, e: Expression, scope: Scope | None) -> Column:
    s = e.subquery
    kind = s.WhichOneof("subquery_type")
    if kind == "scalar":
        return _subquery_frame(ctx, s.scalar.input, scope).scalar()
    if kind == "set_predicate" and (
        s.set_predicate.predicate_op == Expression.Subquery.SetPredicate.PREDICATE_OP_EXISTS
    ):
        return _subquery_frame(ctx, s.set_predicate.tuples, scope).exists()
    if kind == "in_predicate" and len(s.in_predicate.needles) == 1:
        needle = expression(ctx, s.in_predicate.needles[0], scope)
        return needle.isin(_subquery_frame(ctx, s.in_predicate.haystack, scope))
    raise SparkFlightError(INVALID_PLAN, f"unsupported subquery {kind!r}")


_Rule = Callable[[Context, Expression, Scope | None], Column]

_EXPRESSIONS: dict[str, _Rule] = {
    "literal": _literal,
    "selection": _selection,
    "scalar_function": _scalar_function,
    "window_function": _window_function,
    "if_then": _if_then,
    "switch_expression": _switch,
    "singular_or_list": _singular_or_list,
    "cast": _cast,
    "nested": _nested,
    "subquery": _subquery,
}
