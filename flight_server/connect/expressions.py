"""Substrait expressions as Spark Connect expressions.

One rule per expression type (:data:`_EXPRESSIONS`), one per sparkflight unresolved form
(:data:`_FORMS`), and a small table of the standard functions that are more than a call of
their Spark twin (:data:`_STANDARD_RULES`). Names stay unresolved: Spark's analyzer
resolves columns, functions and types when the plan is planned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce

from google.protobuf.message import DecodeError
from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.types import pyspark_types_to_proto_types
from substrait import algebra_pb2

from sparkflight.flight_server import restrictions
from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.connect.columns import quoted
from sparkflight.flight_server.connect.context import Context
from sparkflight.flight_server.connect.literals import (
    alias,
    call,
    literal_expression,
    plain_value,
)
from sparkflight.flight_server.connect.options import check_options
from sparkflight.flight_server.connect.producers import standard_name
from sparkflight.flight_server.connect.python import ARROW_UDF_CONF, check_session, udf_call
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    UNKNOWN_FUNCTION,
    SparkFlightError,
)
from sparkflight.flight_server.spark_types import spark_type
from sparkflight.plans import pseudo
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.extensions import EXPRESSIONS_URN, SPARK_FUNCTIONS_URN, FunctionRef
from sparkflight.plans.functions import spark_name_for

Expression = algebra_pb2.Expression
FunctionArgument = algebra_pb2.FunctionArgument
Connect = ce.Expression
Sort = ce.Expression.SortOrder


def expression(ctx: Context, e: Expression) -> Connect:
    """The Spark Connect expression of ``e``."""
    kind = e.WhichOneof("rex_type")
    rule = _EXPRESSIONS.get(kind or "")
    if rule is None:
        raise NotTranslatable(f"expression type {kind!r}")
    result = rule(ctx, e)
    if ctx.enclosing:
        result.common.origin.python_origin.call_site = origin_call_site(ctx.enclosing[-1])
    return result


#: How an expression's origin names the plan id of its relation: Spark puts the origin of
#: the expression an analysis error is about into the error's query context.
_ORIGIN_PREFIX = "sparkflight-plan-id:"


def origin_call_site(plan_id: int) -> str:
    return f"{_ORIGIN_PREFIX}{plan_id}"


def origin_plan_id(call_site: str) -> int | None:
    """The plan id an expression origin's ``call_site`` names, if it names one."""
    if not call_site.startswith(_ORIGIN_PREFIX):
        return None
    try:
        return int(call_site[len(_ORIGIN_PREFIX) :])
    except ValueError:
        return None


def expressions(ctx: Context, es: Sequence[Expression]) -> list[Connect]:
    return [expression(ctx, e) for e in es]


# ------------------------------------------------------------------- functions


@dataclass
class FunctionCall:
    """What a scalar, aggregate or window function expression says, uniformly."""

    anchor: int
    arguments: Sequence[FunctionArgument]
    options: Sequence[algebra_pb2.FunctionOption]
    output_type: object
    distinct: bool

    def option(self, name: str) -> list[str]:
        for option in self.options:
            if option.name == name:
                return list(option.preference)
        return []

    @property
    def values(self) -> list[Expression]:
        return [a.value for a in self.arguments if a.WhichOneof("arg_type") == "value"]

    @property
    def enums(self) -> list[str]:
        return [a.enum for a in self.arguments if a.WhichOneof("arg_type") == "enum"]


def _int_literal(value: int) -> Connect:
    return Connect(literal=Connect.Literal(integer=value))


def _string_literal(value: str) -> Connect:
    return Connect(literal=Connect.Literal(string=value))


def _bool_literal(value: bool) -> Connect:
    return Connect(literal=Connect.Literal(boolean=value))


def _is_integer_type(message: object) -> bool:
    return getattr(message, "WhichOneof", lambda _: None)("kind") in ("i8", "i16", "i32", "i64")


_Standard = Callable[[str, list[Connect], FunctionCall], Connect]

_EXTRACT: dict[str, Callable[[Connect], Connect]] = {
    "YEAR": lambda c: call("year", c),
    "QUARTER": lambda c: call("quarter", c),
    "MONTH": lambda c: call("month", c),
    "DAY": lambda c: call("dayofmonth", c),
    "DAY_OF_YEAR": lambda c: call("dayofyear", c),
    "DAY_OF_WEEK": lambda c: call("extract", _string_literal("DAYOFWEEK_ISO"), c),
    "WEEK": lambda c: call("weekofyear", c),
    "ISO_YEAR": lambda c: call("extract", _string_literal("YEAROFWEEK"), c),
    "HOUR": lambda c: call("hour", c),
    "MINUTE": lambda c: call("minute", c),
    "SECOND": lambda c: call("second", c),
}


def _extract(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    components = fc.enums
    if not components or components[0].upper() not in _EXTRACT:
        raise SparkFlightError(
            UNKNOWN_FUNCTION, f"extract of unsupported component {components[:1]}", function=name
        )
    return _EXTRACT[components[0].upper()](args[-1])


def _divide(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    return call("div" if _is_integer_type(fc.output_type) else "/", *args)


#: Per floating-point type: its Spark name, and the magnitude from which every value of it
#: is an integer (2 to the power of its fraction bits).
FLOATING: dict[str, tuple[str, float]] = {"fp32": ("float", 2.0**23), "fp64": ("double", 2.0**52)}
#: Spark's ranking window functions, whose result is an INT (Substrait's are i64).
INT_RANKINGS = frozenset({"row_number", "rank", "dense_rank", "ntile"})


def _floating_rounding(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    """``ceil`` or ``floor`` of a floating-point value is of its type; Spark's are BIGINT
    (NaN becomes 0, infinities and values past 2^63 are clamped), so they apply only to
    values that are not integers already, which fit."""
    floating = FLOATING.get(fc.output_type.WhichOneof("kind") or "")
    if floating is None:
        return call(name, *args)
    spark_type, integral_from = floating
    (value,) = args
    large = call(">=", call("abs", value), Connect(literal=Connect.Literal(double=integral_from)))
    rounded = Connect(cast=Connect.Cast(expr=call(name, value), type_str=spark_type))
    return call("when", call("or", call("isnan", value), large), value, rounded)


def _count(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    return call("count", *(args or [_int_literal(1)]), distinct=fc.distinct)


def _not_equal(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    return call("not", call("=", *args))


def _like(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    """``like``; a null escape character (as DataFusion sends it) means Spark's default."""
    values = fc.values
    if len(values) == 3 and values[2].literal.WhichOneof("literal_type") == "null":
        args = args[:2]
    return call("like", *args)


def _truth_test(value: bool, negated: bool) -> _Standard:
    """``is_true``, ``is_not_false``, ...: null-safe comparison with a boolean."""

    def build(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
        test = call("<=>", args[0], _bool_literal(value))
        return call("not", test) if negated else test

    return build


def _is_distinct_from(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    return call("not", call("<=>", *args))


def _trim(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    """Substrait's trims take the characters second; Spark's ``ltrim``, ``rtrim`` and
    ``trim`` take them first."""
    return call(name, *reversed(args)) if len(args) == 2 else call(name, *args)


def _truncate(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
    """Numeric ``trunc(x[, scale])``: rounding toward zero, in the declared output type
    (Spark's ``trunc`` truncates dates)."""
    value = args[0]
    scale = args[1] if len(args) > 1 else _int_literal(0)
    truncated = call(
        "when",
        call(">=", value, _int_literal(0)),
        call("floor", value, scale),
        call("ceil", value, scale),
    )
    if getattr(fc.output_type, "WhichOneof", lambda _: None)("kind") is None:
        return truncated
    spark = pyspark_types_to_proto_types(spark_type(fc.output_type))
    return Connect(cast=Connect.Cast(expr=truncated, type=spark))


def _int_argument(position: int) -> _Standard:
    """A call whose argument ``position`` Spark wants as an int, where producers send an
    i64: ``ntile``'s bucket count, ``lag``/``lead``'s offset. An int literal stays as it is
    (Spark names the column after it, ``ntile(2)``)."""

    def build(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
        if len(args) > position and not _is_int_literal(args[position]):
            cast = Connect(
                cast=Connect.Cast(
                    expr=args[position], type=pyspark_types_to_proto_types(T.IntegerType())
                )
            )
            args = [*args[:position], cast, *args[position + 1 :]]
        return call(name, *args)

    return build


def _is_int_literal(arg: Connect) -> bool:
    return arg.HasField("literal") and arg.literal.WhichOneof("literal_type") == "integer"


def _variadic(spark_name: str) -> _Standard:
    def build(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
        return reduce(lambda a, b: call(spark_name, a, b), args)

    return build


def _distribution(population: str) -> _Standard:
    """``std_dev``/``variance``: the POPULATION enum argument picks Spark's ``*_pop``."""

    def build(name: str, args: list[Connect], fc: FunctionCall) -> Connect:
        chosen = population if fc.enums[:1] == ["POPULATION"] else name
        return call(chosen, *args, distinct=fc.distinct)

    return build


#: Standard functions that are more than a call of their Spark twin, by Spark name.
_STANDARD_RULES: dict[str, _Standard] = {
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
    "ltrim": _trim,
    "rtrim": _trim,
    "trim": _trim,
    "trunc": _truncate,
    "stddev_samp": _distribution("stddev_pop"),
    "var_samp": _distribution("var_pop"),
    "ntile": _int_argument(0),
    "lag": _int_argument(1),
    "lead": _int_argument(1),
}


def _standard(ctx: Context, ref: FunctionRef, fc: FunctionCall) -> Connect:
    check_options(ref.name, fc.options)
    spark_name = spark_name_for(standard_name(ctx.quirks, ref.name, len(fc.values)))
    args = expressions(ctx, fc.values)
    rule = _STANDARD_RULES.get(spark_name)
    if rule is not None:
        return rule(spark_name, args, fc)
    return call(spark_name, *args, distinct=fc.distinct)


def _spark_function(ctx: Context, ref: FunctionRef, fc: FunctionCall) -> Connect:
    distinct = fc.distinct or fc.option("distinct")[:1] == ["true"]
    return call(ref.name, *expressions(ctx, fc.values), distinct=distinct)


# ------------------------------------------------ sparkflight's unresolved forms


def _text(e: Expression) -> str:
    return str(plain_value(e))


def _column(ctx: Context, args: list[Expression]) -> Connect:
    attribute = Connect.UnresolvedAttribute(unparsed_identifier=_text(args[0]))
    if len(args) > 1:
        attribute.plan_id = ctx.plan_id(args[1])
    return Connect(unresolved_attribute=attribute)


def _star(ctx: Context, args: list[Expression]) -> Connect:
    """``*``, ``t.*`` or ``df["*"]``; ``df["t.*"]`` is, as in classic PySpark, the column
    ``t.*`` of ``df`` (a field ``*`` of ``t``, which Spark finds in no struct)."""
    star = Connect.UnresolvedStar()
    target = _text(args[0]) if args else ""
    if len(args) > 1:
        if target:
            attribute = Connect.UnresolvedAttribute(
                unparsed_identifier=f"{target}.*", plan_id=ctx.plan_id(args[1])
            )
            return Connect(unresolved_attribute=attribute)
        star.plan_id = ctx.plan_id(args[1])
    elif target:
        star.unparsed_target = f"{target}.*"
    return Connect(unresolved_star=star)


def _alias(ctx: Context, args: list[Expression]) -> Connect:
    names = [_text(a) for a in args[1:]]
    return Connect(alias=Connect.Alias(expr=expression(ctx, args[0]), name=names))


def _alias_with_metadata(ctx: Context, args: list[Expression]) -> Connect:
    metadata = json.dumps(json.loads(_text(args[2])))
    return Connect(
        alias=Connect.Alias(expr=expression(ctx, args[0]), name=[_text(args[1])], metadata=metadata)
    )


def _sql_expression(ctx: Context, args: list[Expression]) -> Connect:
    text = _text(args[0])
    if ctx.session is not None:
        restrictions.check_sql_expression(ctx.session, text)
    return Connect(expression_string=Connect.ExpressionString(expression=text))


def _cast_to(mode: int) -> Callable[[Context, list[Expression]], Connect]:
    def build(ctx: Context, args: list[Expression]) -> Connect:
        value = expression(ctx, args[0])
        return Connect(cast=Connect.Cast(expr=value, type_str=_text(args[1]), eval_mode=mode))

    return build


def _extract_value(ctx: Context, args: list[Expression]) -> Connect:
    return Connect(
        unresolved_extract_value=Connect.UnresolvedExtractValue(
            child=expression(ctx, args[0]), extraction=expression(ctx, args[1])
        )
    )


#: Substrait's sort directions as Spark Connect's direction and null ordering.
_SORT_ORDERS: dict[int, tuple[int, int]] = {
    1: (Sort.SORT_DIRECTION_ASCENDING, Sort.SORT_NULLS_FIRST),
    2: (Sort.SORT_DIRECTION_ASCENDING, Sort.SORT_NULLS_LAST),
    3: (Sort.SORT_DIRECTION_DESCENDING, Sort.SORT_NULLS_FIRST),
    4: (Sort.SORT_DIRECTION_DESCENDING, Sort.SORT_NULLS_LAST),
}


def sort_order(child: Connect, direction: int) -> Sort:
    order = _SORT_ORDERS.get(direction)
    if order is None:
        raise SparkFlightError(INVALID_PLAN, f"unknown sort direction {direction}")
    return Sort(child=child, direction=order[0], null_ordering=order[1])


def _sort_order(ctx: Context, args: list[Expression]) -> Connect:
    direction = plain_value(args[1])
    return Connect(sort_order=sort_order(expression(ctx, args[0]), int(direction)))  # type: ignore[arg-type]


def _with_field(ctx: Context, args: list[Expression]) -> Connect:
    return Connect(
        update_fields=Connect.UpdateFields(
            struct_expression=expression(ctx, args[0]),
            field_name=_text(args[1]),
            value_expression=expression(ctx, args[2]),
        )
    )


def _drop_fields(ctx: Context, args: list[Expression]) -> Connect:
    result = expression(ctx, args[0])
    for name in args[1:]:
        result = Connect(
            update_fields=Connect.UpdateFields(struct_expression=result, field_name=_text(name))
        )
    return result


def _column_regex(ctx: Context, args: list[Expression]) -> Connect:
    regex = Connect.UnresolvedRegex(col_name=_text(args[0]))
    regex.plan_id = ctx.plan_id(args[1])
    return Connect(unresolved_regex=regex)


def _metadata_column(ctx: Context, args: list[Expression]) -> Connect:
    attribute = Connect.UnresolvedAttribute(
        unparsed_identifier=_text(args[0]), is_metadata_column=True
    )
    attribute.plan_id = ctx.plan_id(args[1])
    return Connect(unresolved_attribute=attribute)


def _lambda_variable(ctx: Context, args: list[Expression]) -> Connect:
    name = _text(args[0])
    if name not in ctx.lambda_variables:
        raise SparkFlightError(INVALID_PLAN, f"lambda variable {name!r} outside its lambda")
    return Connect(
        unresolved_named_lambda_variable=Connect.UnresolvedNamedLambdaVariable(name_parts=[name])
    )


def _lambda(ctx: Context, args: list[Expression]) -> Connect:
    """``lambda(body, name, ...)``: Spark's lambda function over named variables."""
    if len(args) < 2:
        raise IndexError
    names = [_text(a) for a in args[1:]]
    enclosing = ctx.lambda_variables
    ctx.lambda_variables = [*enclosing, *names]
    try:
        body = expression(ctx, args[0])
    finally:
        ctx.lambda_variables = enclosing
    variables = [Connect.UnresolvedNamedLambdaVariable(name_parts=[n]) for n in names]
    return Connect(lambda_function=Connect.LambdaFunction(function=body, arguments=variables))


def _python_udf(ctx: Context, args: list[Expression]) -> Connect:
    """``python_udf(function, args...)``: a Python UDF, its PythonFunction a binary literal."""
    if args[0].literal.WhichOneof("literal_type") != "binary":
        raise SparkFlightError(INVALID_PLAN, "python_udf takes its PythonFunction as binary")
    message = sf.PythonFunction()
    try:
        message.ParseFromString(args[0].literal.binary)
    except DecodeError:
        raise SparkFlightError(INVALID_PLAN, "malformed PythonFunction in python_udf") from None
    session = check_session(ctx.session, message)
    arrow = session.spark.conf.get(ARROW_UDF_CONF) == "true"
    return udf_call(message, expressions(ctx, args[1:]), arrow)


def _outer(ctx: Context, args: list[Expression]) -> Connect:
    """``outer(column)``: Spark resolves a name a subquery lacks in the enclosing query, as
    Spark Connect sends ``col.outer()``; a column of a named DataFrame would resolve by plan
    id, which Spark does not look for outside the subquery."""
    value = expression(ctx, args[0])
    attribute = value.unresolved_attribute
    if value.WhichOneof("expr_type") == "unresolved_attribute" and attribute.HasField("plan_id"):
        raise NotTranslatable("an outer reference to a column of a named DataFrame")
    return value


#: Translation of each of :data:`~plans.pseudo.PSEUDO_FUNCTIONS`.
_FORMS: dict[str, Callable[[Context, list[Expression]], Connect]] = {
    pseudo.COLUMN: _column,
    pseudo.STAR: _star,
    pseudo.ALIAS: _alias,
    pseudo.ALIAS_WITH_METADATA: _alias_with_metadata,
    pseudo.SQL_EXPRESSION: _sql_expression,
    pseudo.CAST: _cast_to(Connect.Cast.EVAL_MODE_UNSPECIFIED),
    pseudo.TRY_CAST: _cast_to(Connect.Cast.EVAL_MODE_TRY),
    pseudo.EXTRACT_VALUE: _extract_value,
    pseudo.SORT_ORDER: _sort_order,
    pseudo.WITH_FIELD: _with_field,
    pseudo.DROP_FIELDS: _drop_fields,
    pseudo.COLUMN_REGEX: _column_regex,
    pseudo.METADATA_COLUMN: _metadata_column,
    pseudo.LAMBDA: _lambda,
    pseudo.LAMBDA_VARIABLE: _lambda_variable,
    pseudo.OUTER: _outer,
    pseudo.PYTHON_UDF: _python_udf,
}


def _form(ctx: Context, ref: FunctionRef, fc: FunctionCall) -> Connect:
    rule = _FORMS.get(ref.base_name)
    if rule is None:
        raise SparkFlightError(
            UNKNOWN_FUNCTION, f"unknown function {ref.name!r} of {ref.urn}", function=ref.name
        )
    try:
        return rule(ctx, [a.value for a in fc.arguments])
    except IndexError:
        raise SparkFlightError(
            INVALID_PLAN, f"too few arguments for {ref.name!r}", function=ref.name
        ) from None


def function_call(ctx: Context, fc: FunctionCall) -> Connect:
    """The expression for a call of a declared function, by the kind of its URN."""
    ref = ctx.function(fc.anchor)
    if ref.urn == EXPRESSIONS_URN:
        return _form(ctx, ref, fc)
    if ref.urn == SPARK_FUNCTIONS_URN:
        return _spark_function(ctx, ref, fc)
    if ref.is_standard:
        return _standard(ctx, ref, fc)
    raise SparkFlightError(
        UNKNOWN_FUNCTION,
        f"function {ref.name!r} of unknown extension {ref.urn!r}",
        function=ref.name,
    )


def _scalar_function(ctx: Context, e: Expression) -> Connect:
    """A function call; an aggregate the client calls in an expression says ``DISTINCT``
    with its ``distinct`` option, whatever extension its function is of."""
    f = e.scalar_function
    distinct = any(o.name == "distinct" and list(o.preference)[:1] == ["true"] for o in f.options)
    return function_call(
        ctx, FunctionCall(f.function_reference, f.arguments, f.options, f.output_type, distinct)
    )


def only_when(condition: Expression, value: Expression) -> Expression:
    """``CASE WHEN condition THEN value END``: the value where the condition holds."""
    e = Expression()
    e.if_then.ifs.add(**{"if": condition, "then": value})
    return e


def aggregate_call(
    f: algebra_pb2.AggregateFunction, condition: Expression | None = None
) -> FunctionCall:
    """An aggregate function as a call; a measure's filter (``condition``) makes each value
    argument (or a count's implicit one) ``CASE WHEN condition THEN value END``, so that
    only the rows where it holds count."""
    distinct = f.invocation == algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
    arguments = list(f.arguments)
    if condition is not None:
        if any(a.WhichOneof("arg_type") == "value" for a in arguments):
            arguments = [
                FunctionArgument(value=only_when(condition, a.value))
                if a.WhichOneof("arg_type") == "value"
                else a
                for a in arguments
            ]
        else:
            one = Expression(literal=Expression.Literal(i32=1))
            arguments.append(FunctionArgument(value=only_when(condition, one)))
    return FunctionCall(f.function_reference, arguments, f.options, f.output_type, distinct)


def aggregate_function(
    ctx: Context, f: algebra_pb2.AggregateFunction, condition: Expression | None = None
) -> Connect:
    """An aggregate call; a measure's filter keeps only the rows where it holds."""
    fc = aggregate_call(f, condition)
    if f.sorts:
        return _ordered_aggregate(ctx, fc, f.sorts)
    return function_call(ctx, fc)


#: Substrait's sort directions in SQL.
_SQL_DIRECTIONS: dict[int, str] = {
    1: "ASC NULLS FIRST",
    2: "ASC NULLS LAST",
    3: "DESC NULLS FIRST",
    4: "DESC NULLS LAST",
}


def _ordered_aggregate(
    ctx: Context, fc: FunctionCall, sorts: Sequence[algebra_pb2.SortField]
) -> Connect:
    """``f(...) WITHIN GROUP (ORDER BY ...)``, which Spark Connect's protobuf cannot say,
    as SQL text over the input's columns (by names that pick one column) and literals."""
    ref = ctx.function(fc.anchor)
    if ref.urn == EXPRESSIONS_URN:
        raise SparkFlightError(
            INVALID_PLAN, f"{ref.name!r} is not an aggregate function", function=ref.name
        )
    name = ref.name if ref.urn == SPARK_FUNCTIONS_URN else spark_name_for(ref.name)
    args = ", ".join(_sql_operand(ctx, v) for v in fc.values)
    order = []
    for sort in sorts:
        direction = _SQL_DIRECTIONS.get(sort.direction if sort.HasField("direction") else 0)
        if direction is None:
            raise SparkFlightError(
                INVALID_PLAN, "only ASC/DESC NULLS FIRST/LAST sorts are supported"
            )
        order.append(f"{_sql_operand(ctx, sort.expr)} {direction}")
    distinct = "DISTINCT " if fc.distinct else ""
    text = f"{quoted(name)}({distinct}{args}) WITHIN GROUP (ORDER BY {', '.join(order)})"
    return Connect(expression_string=Connect.ExpressionString(expression=text))


#: Literal kinds whose SQL text is their Python value's.
_SQL_NUMBERS = frozenset({"i8", "i16", "i32", "i64", "boolean"})


def _sql_operand(ctx: Context, e: Expression) -> str:
    """An argument of an ordered aggregate as SQL: an input column or a plain literal."""
    kind = e.WhichOneof("rex_type")
    if kind == "literal":
        literal_kind = e.literal.WhichOneof("literal_type")
        if literal_kind == "string":
            escaped = e.literal.string.replace("\\", "\\\\").replace("'", "\\'")
            return f"'{escaped}'"
        if literal_kind in _SQL_NUMBERS:
            return str(getattr(e.literal, literal_kind)).upper()
    segment = e.selection.direct_reference
    if (
        kind == "selection"
        and e.selection.WhichOneof("root_type") == "root_reference"
        and segment.WhichOneof("reference_type") == "struct_field"
        and not segment.struct_field.HasField("child")
        and ctx.scopes
    ):
        columns = ctx.scopes[-1].columns()
        ordinal = segment.struct_field.field
        if 0 <= ordinal < len(columns):
            name = columns[ordinal].name
            if name is not None and [c.name for c in columns].count(name) == 1:
                return quoted(name)
    raise NotTranslatable("an ordered aggregate of other than input columns and literals")


def sort_field(ctx: Context, sort: algebra_pb2.SortField) -> Sort:
    if sort.WhichOneof("sort_kind") != "direction":
        raise SparkFlightError(INVALID_PLAN, "only ASC/DESC NULLS FIRST/LAST sorts are supported")
    return sort_order(expression(ctx, sort.expr), sort.direction)


# ------------------------------------------------------------------ windows

#: Window functions Spark refuses a frame for (ranking and offset functions), by Spark name.
FRAMELESS = frozenset(
    {"row_number", "rank", "dense_rank", "percent_rank", "ntile", "cume_dist", "lag", "lead"}
)
_Boundary = Connect.Window.WindowFrame.FrameBoundary


def _boundary(bound: Expression.WindowFunction.Bound, rows: bool, default: str) -> _Boundary:
    """A frame boundary; a row offset is an int, as Spark wants it."""
    kind = bound.WhichOneof("kind") or default
    if kind == "current_row":
        return _Boundary(current_row=True)
    if kind == "unbounded":
        return _Boundary(unbounded=True)
    offset = -bound.preceding.offset if kind == "preceding" else bound.following.offset
    if rows and -(2**31) <= offset < 2**31:
        return _Boundary(value=_int_literal(offset))
    return _Boundary(value=Connect(literal=Connect.Literal(long=offset)))


def _window_function(ctx: Context, e: Expression) -> Connect:
    w = e.window_function
    distinct = w.invocation == algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
    ref = ctx.function(w.function_reference)
    function = function_call(
        ctx, FunctionCall(w.function_reference, w.arguments, w.options, w.output_type, distinct)
    )
    window = Connect.Window(
        window_function=function,
        partition_spec=expressions(ctx, w.partitions),
        order_spec=[sort_field(ctx, s) for s in w.sorts],
    )
    name = ref.name if ref.urn == SPARK_FUNCTIONS_URN else spark_name_for(ref.name)
    framed = name.lower() not in FRAMELESS
    if framed and (w.HasField("lower_bound") or w.HasField("upper_bound")):
        rows = w.bounds_type != Expression.WindowFunction.BOUNDS_TYPE_RANGE
        frame = window.frame_spec
        frame.frame_type = (
            Connect.Window.WindowFrame.FRAME_TYPE_ROW
            if rows
            else Connect.Window.WindowFrame.FRAME_TYPE_RANGE
        )
        frame.lower.CopyFrom(_boundary(w.lower_bound, rows, "unbounded"))
        upper_default = "current_row" if w.sorts else "unbounded"
        frame.upper.CopyFrom(_boundary(w.upper_bound, rows, upper_default))
    result = Connect(window=window)
    if ref.urn != SPARK_FUNCTIONS_URN and name in INT_RANKINGS and _is_integer_type(w.output_type):
        # Substrait's ranking functions are i64, Spark's INT: the plan's type is kept.
        integer = spark_type(w.output_type)
        result = Connect(cast=Connect.Cast(expr=result, type=pyspark_types_to_proto_types(integer)))
    return result


# ------------------------------------------------------------ other forms


def _literal(ctx: Context, e: Expression) -> Connect:
    return literal_expression(e.literal)


def _is_simple_case(clauses: Sequence[Expression.IfThen.IfClause]) -> bool:
    """DataFusion's ``CASE x WHEN ...``: a first clause with the operand and no result."""
    return len(clauses) > 1 and not clauses[0].HasField("then") and clauses[0].HasField("if")


def _if_then(ctx: Context, e: Expression) -> Connect:
    clauses = list(e.if_then.ifs)
    if not clauses:
        raise SparkFlightError(INVALID_PLAN, "IfThen without any clause")
    operand = None
    if _is_simple_case(clauses):
        operand = expression(ctx, getattr(clauses[0], "if"))
        clauses = clauses[1:]
    args: list[Connect] = []
    for position, clause in enumerate(clauses):
        if not clause.HasField("if") or not clause.HasField("then"):
            raise SparkFlightError(
                INVALID_PLAN, f"IfThen clause {position} lacks its condition or its result"
            )
        condition = expression(ctx, getattr(clause, "if"))
        if operand is not None:
            condition = call("=", operand, condition)
        args += [condition, expression(ctx, clause.then)]
    if e.if_then.HasField("else"):
        args.append(expression(ctx, getattr(e.if_then, "else")))
    return call("when", *args)


def _switch(ctx: Context, e: Expression) -> Connect:
    """``CASE match WHEN literal THEN value ... ELSE value END``."""
    s = e.switch_expression
    if not s.ifs:
        raise SparkFlightError(INVALID_PLAN, "SwitchExpression without any case")
    match = expression(ctx, s.match)
    args: list[Connect] = []
    for case in s.ifs:
        args += [
            call("=", match, literal_expression(getattr(case, "if"))),
            expression(ctx, case.then),
        ]
    if s.HasField("else"):
        args.append(expression(ctx, getattr(s, "else")))
    return call("when", *args)


def _singular_or_list(ctx: Context, e: Expression) -> Connect:
    s = e.singular_or_list
    return call("in", expression(ctx, s.value), *expressions(ctx, s.options))


def _multi_or_list(ctx: Context, e: Expression) -> Connect:
    """``(a, b) IN ((1, 2), (3, 4))`` as ``(a = 1 AND b = 2) OR (a = 3 AND b = 4)``: each
    comparison keeps SQL's three-valued logic, where Spark's equality of structs does
    not (it takes two nulls as equal)."""
    m = e.multi_or_list
    values = expressions(ctx, m.value)
    if not values or not m.options:
        raise SparkFlightError(INVALID_PLAN, "MultiOrList needs values and options")
    alternatives = []
    for position, record in enumerate(m.options):
        if len(record.fields) != len(values):
            raise SparkFlightError(
                INVALID_PLAN,
                f"MultiOrList option {position} has {len(record.fields)} values for {len(values)}",
            )
        options = expressions(ctx, record.fields)
        equal = [call("=", v, o) for v, o in zip(values, options, strict=True)]
        alternatives.append(reduce(lambda a, b: call("and", a, b), equal))
    return reduce(lambda a, b: call("or", a, b), alternatives)


def _cast(ctx: Context, e: Expression) -> Connect:
    c = e.cast
    mode = (
        Connect.Cast.EVAL_MODE_TRY
        if c.failure_behavior == Expression.Cast.FAILURE_BEHAVIOR_RETURN_NULL
        else Connect.Cast.EVAL_MODE_UNSPECIFIED
    )
    return Connect(
        cast=Connect.Cast(
            expr=expression(ctx, c.input),
            type=pyspark_types_to_proto_types(spark_type(c.type)),
            eval_mode=mode,
        )
    )


def _nested(ctx: Context, e: Expression) -> Connect:
    n = e.nested
    kind = n.WhichOneof("nested_type")
    if kind == "struct":
        fields = expressions(ctx, n.struct.fields)
        return call("struct", *(alias(c, f"col{i + 1}") for i, c in enumerate(fields)))
    if kind == "list":
        return call("array", *expressions(ctx, n.list.values))
    if kind == "map":
        items: list[Connect] = []
        for kv in n.map.key_values:
            items += [expression(ctx, kv.key), expression(ctx, kv.value)]
        return call("map", *items)
    raise SparkFlightError(INVALID_PLAN, f"unsupported nested expression {kind!r}")


# ------------------------------------------------------- references, subqueries


def _selection(ctx: Context, e: Expression) -> Connect:
    """A field reference: a column of the input (or of an enclosing query's input) by
    ordinal, then any struct fields, list elements and map keys inside it."""
    ref = e.selection
    if ref.WhichOneof("reference_type") != "direct_reference":
        raise SparkFlightError(INVALID_PLAN, "masked field references are not supported")
    root = ref.WhichOneof("root_type")
    if root == "expression":
        raise SparkFlightError(INVALID_PLAN, "field references into expressions are not supported")
    if root not in ("root_reference", "outer_reference"):
        raise SparkFlightError(INVALID_PLAN, f"unsupported field reference root {root!r}")
    steps = 0
    if root == "outer_reference":
        outer = ref.outer_reference
        if outer.WhichOneof("outer_reference_type") == "rel_reference":
            steps = ctx.steps_to(outer.rel_reference)
        elif outer.steps_out <= 0:
            raise SparkFlightError(
                INVALID_PLAN, "an outer reference needs steps_out of at least 1 or a rel_reference"
            )
        else:
            steps = outer.steps_out
    segment = ref.direct_reference
    if segment.WhichOneof("reference_type") != "struct_field":
        raise SparkFlightError(INVALID_PLAN, "a field reference must start with a struct field")
    column, data_type = ctx.column(segment.struct_field.field, steps)
    return _segments(column, data_type, segment.struct_field.child)


def _extracted(value: Connect, key: Connect) -> Connect:
    return Connect(
        unresolved_extract_value=Connect.UnresolvedExtractValue(child=value, extraction=key)
    )


def _segments(
    value: Connect, data_type: T.DataType | None, segment: Expression.ReferenceSegment
) -> Connect:
    """Nested reference segments: a struct field by ordinal (its name from the column's
    type), a list element, a map key."""
    while kind := segment.WhichOneof("reference_type"):
        if kind == "struct_field":
            ordinal = segment.struct_field.field
            if not isinstance(data_type, T.StructType):
                raise NotTranslatable("a struct field by ordinal of a column of unknown type")
            if not 0 <= ordinal < len(data_type.fields):
                raise SparkFlightError(
                    INVALID_PLAN, f"no struct field {ordinal} in {data_type.simpleString()}"
                )
            found = data_type.fields[ordinal]
            value, data_type = _extracted(value, _string_literal(found.name)), found.dataType
            segment = segment.struct_field.child
        elif kind == "list_element":
            value = _extracted(value, _int_literal(segment.list_element.offset))
            data_type = data_type.elementType if isinstance(data_type, T.ArrayType) else None
            segment = segment.list_element.child
        else:
            value = _extracted(value, literal_expression(segment.map_key.map_key))
            data_type = data_type.valueType if isinstance(data_type, T.MapType) else None
            segment = segment.map_key.child
    return value


_Subquery = ce.SubqueryExpression
_Predicate = Expression.Subquery.SetPredicate


def _subquery_plan(ctx: Context, rel: algebra_pb2.Rel) -> int:
    """Translate a subquery's relation (its outer references one boundary further out) and
    keep it beside the relation whose expression holds it; its plan id names it."""
    if ctx.relation is None or not ctx.scopes:
        raise SparkFlightError(INVALID_PLAN, "a subquery outside of any relation")
    translated = ctx.relation(ctx, rel)
    if not translated.common.HasField("plan_id"):
        translated.common.plan_id = next(ctx.fresh_ids)
    ctx.scopes[-1].subqueries.append(translated)
    return translated.common.plan_id


def _subquery(ctx: Context, e: Expression) -> Connect:
    s = e.subquery
    kind = s.WhichOneof("subquery_type")
    if kind == "scalar":
        plan_id = _subquery_plan(ctx, s.scalar.input)
        found = _Subquery(plan_id=plan_id, subquery_type=_Subquery.SUBQUERY_TYPE_SCALAR)
    elif kind == "set_predicate" and s.set_predicate.predicate_op == _Predicate.PREDICATE_OP_EXISTS:
        plan_id = _subquery_plan(ctx, s.set_predicate.tuples)
        found = _Subquery(plan_id=plan_id, subquery_type=_Subquery.SUBQUERY_TYPE_EXISTS)
    elif kind == "set_predicate" and s.set_predicate.predicate_op == _Predicate.PREDICATE_OP_UNIQUE:
        raise SparkFlightError(INVALID_PLAN, "UNIQUE subqueries are not supported")
    elif kind == "in_predicate":
        needles = expressions(ctx, s.in_predicate.needles)
        plan_id = _subquery_plan(ctx, s.in_predicate.haystack)
        found = _Subquery(
            plan_id=plan_id, subquery_type=_Subquery.SUBQUERY_TYPE_IN, in_subquery_values=needles
        )
    else:
        raise SparkFlightError(
            INVALID_PLAN,
            f"unsupported subquery {kind!r}: Spark has no set comparison (ANY/ALL) subquery",
        )
    return Connect(subquery_expression=found)


_EXPRESSIONS: dict[str, Callable[[Context, Expression], Connect]] = {
    "literal": _literal,
    "selection": _selection,
    "subquery": _subquery,
    "scalar_function": _scalar_function,
    "window_function": _window_function,
    "if_then": _if_then,
    "switch_expression": _switch,
    "singular_or_list": _singular_or_list,
    "multi_or_list": _multi_or_list,
    "cast": _cast,
    "nested": _nested,
}
