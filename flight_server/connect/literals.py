"""Substrait literals as Spark Connect literal expressions (one rule per literal kind)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.types import pyspark_types_to_proto_types
from substrait.algebra_pb2 import Expression

from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.flight_server.spark_types import literal_value, nullable, spark_type

Literal = Expression.Literal
Connect = ce.Expression

_MICROS_PER_DAY = 86_400_000_000


def _micros(precision: int, value: int) -> int:
    """A count of ``10**-precision`` seconds as microseconds; finer values do not fit."""
    if precision <= 6:
        return value * 10 ** (6 - precision)
    whole, rest = divmod(value, 10 ** (precision - 6))
    if rest:
        raise NotTranslatable(f"a literal of precision {precision}")
    return whole


def _value(**field: object) -> Connect:
    return Connect(literal=ce.Expression.Literal(**field))


def call(name: str, *args: Connect, distinct: bool = False) -> Connect:
    """``name(args)``, a call of Spark's function registry (``DISTINCT`` if asked)."""
    function = ce.Expression.UnresolvedFunction(
        function_name=name, arguments=args, is_distinct=distinct
    )
    return Connect(unresolved_function=function)


def cast(value: Connect, data_type: T.DataType) -> Connect:
    return Connect(
        cast=ce.Expression.Cast(expr=value, type=pyspark_types_to_proto_types(data_type))
    )


def alias(value: Connect, name: str) -> Connect:
    return Connect(alias=ce.Expression.Alias(expr=value, name=[name]))


def _decimal(literal: Literal) -> Connect:
    d = literal.decimal
    unscaled = int.from_bytes(d.value, "little", signed=True)
    sign, digits = ("-" if unscaled < 0 else ""), str(abs(unscaled)).rjust(d.scale + 1, "0")
    text = f"{sign}{digits[: len(digits) - d.scale]}" + (
        f".{digits[len(digits) - d.scale :]}" if d.scale else ""
    )
    return _value(
        decimal=ce.Expression.Literal.Decimal(value=text, precision=d.precision, scale=d.scale)
    )


def _day_time(interval: Literal.IntervalDayToSecond) -> Connect:
    """A day-time interval; whole days are ``INTERVAL DAY`` so that date + it is a date."""
    micros = interval.days * _MICROS_PER_DAY + interval.seconds * 1_000_000
    micros += _micros(interval.precision, interval.subseconds)
    value = _value(day_time_interval=micros)
    if micros % _MICROS_PER_DAY == 0:
        day = T.DayTimeIntervalType.DAY
        return cast(value, T.DayTimeIntervalType(day, day))
    return value


def _year_month(interval: Literal.IntervalYearToMonth) -> Connect:
    return _value(year_month_interval=interval.years * 12 + interval.months)


def _compound(literal: Literal) -> Connect:
    """Months and days-to-seconds: one ANSI interval when either part is zero, else a
    calendar interval (``make_interval``), as Spark's ANSI intervals hold one part."""
    compound = literal.interval_compound
    year_month, day_time = compound.interval_year_to_month, compound.interval_day_to_second
    months = year_month.years * 12 + year_month.months
    sub_micros = _micros(day_time.precision, day_time.subseconds)
    if not months:
        return _day_time(day_time)
    if not (day_time.days or day_time.seconds or sub_micros):
        return _year_month(year_month)
    seconds = ce.Expression.Literal.Decimal(
        value=f"{day_time.seconds + sub_micros / 1_000_000:.6f}", precision=18, scale=6
    )
    zero = _value(integer=0)
    return call(
        "make_interval",
        zero,
        _value(integer=months),
        zero,
        _value(integer=day_time.days),
        zero,
        zero,
        _value(decimal=seconds),
    )


def _null(literal: Literal) -> Connect:
    if literal.null.WhichOneof("kind") is None:
        return _value(null=pyspark_types_to_proto_types(T.NullType()))
    return _value(null=pyspark_types_to_proto_types(spark_type(literal.null)))


def _list(literal: Literal) -> Connect:
    return call("array", *(literal_expression(v) for v in literal.list.values))


def _map(literal: Literal) -> Connect:
    items = []
    for kv in literal.map.key_values:
        items += [literal_expression(kv.key), literal_expression(kv.value)]
    return call("map", *items)


def _struct(literal: Literal) -> Connect:
    fields = literal.struct.fields
    values = (alias(literal_expression(v), f"col{i + 1}") for i, v in enumerate(fields))
    return call("struct", *values)


def _empty_list(literal: Literal) -> Connect:
    element = literal.empty_list.type
    return cast(call("array"), T.ArrayType(spark_type(element), nullable(element)))


def _empty_map(literal: Literal) -> Connect:
    m = literal.empty_map
    return cast(call("map"), T.MapType(spark_type(m.key), spark_type(m.value), nullable(m.value)))


def _time(literal: Literal) -> Connect:
    t = literal.precision_time
    nanos = t.value * 10 ** (9 - t.precision) if t.precision <= 9 else t.value
    return _value(time=ce.Expression.Literal.Time(nano=nanos, precision=min(t.precision, 6)))


_RULES: dict[str, Callable[[Literal], Connect]] = {
    "boolean": lambda v: _value(boolean=v.boolean),
    "i8": lambda v: _value(byte=v.i8),
    "i16": lambda v: _value(short=v.i16),
    "i32": lambda v: _value(integer=v.i32),
    "i64": lambda v: _value(long=v.i64),
    "fp32": lambda v: _value(float=v.fp32),
    "fp64": lambda v: _value(double=v.fp64),
    "string": lambda v: _value(string=v.string),
    "fixed_char": lambda v: _value(string=v.fixed_char),
    "var_char": lambda v: _value(string=v.var_char.value),
    "binary": lambda v: _value(binary=v.binary),
    "fixed_binary": lambda v: _value(binary=v.fixed_binary),
    "uuid": lambda v: _value(string=str(uuid.UUID(bytes=v.uuid))),
    "date": lambda v: _value(date=v.date),
    "precision_time": _time,
    "precision_timestamp": lambda v: _value(
        timestamp_ntz=_micros(v.precision_timestamp.precision, v.precision_timestamp.value)
    ),
    "precision_timestamp_tz": lambda v: _value(
        timestamp=_micros(v.precision_timestamp_tz.precision, v.precision_timestamp_tz.value)
    ),
    "decimal": _decimal,
    "interval_day_to_second": lambda v: _day_time(v.interval_day_to_second),
    "interval_year_to_month": lambda v: _year_month(v.interval_year_to_month),
    "interval_compound": _compound,
    "list": _list,
    "map": _map,
    "struct": _struct,
    "null": _null,
    "empty_list": _empty_list,
    "empty_map": _empty_map,
}


def literal_expression(literal: Literal) -> Connect:
    """The Spark Connect expression of a Substrait literal (a literal, or the call of
    ``array``, ``map``, ``struct`` or ``make_interval`` that builds the value)."""
    kind = literal.WhichOneof("literal_type")
    rule = _RULES.get(kind or "")
    if rule is None:
        raise NotTranslatable(f"literal kind {kind!r}")
    return rule(literal)


def plain_value(e: Expression) -> object:
    """The value of a literal argument (names, plan ids, type strings)."""
    if e.WhichOneof("rex_type") != "literal":
        raise SparkFlightError(INVALID_PLAN, "expected a literal argument")
    return literal_value(e.literal)
