"""Substrait literals as literal Columns, built in the JVM."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable

from pyspark.sql import Column, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from substrait import algebra_pb2

from sparkflight.flight_server import jvm
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.flight_server.spark_types import nullable, spark_type

Literal = algebra_pb2.Expression.Literal

# ------------------------------------------------------------------- literals

_LITERAL = "org.apache.spark.sql.catalyst.expressions.Literal"


def catalyst_column(spark: SparkSession, expression: object) -> Column:
    """A PySpark Column wrapping a Catalyst expression (a py4j object)."""
    column = jvm.static(spark, "org.apache.spark.sql.classic.ExpressionUtils", "column")
    return Column(column(expression))


def _typed(spark: SparkSession, value: object, data_type: T.DataType) -> Column:
    """A Catalyst ``Literal`` of Spark's internal ``value`` and ``data_type``."""
    literal = jvm.java_class(spark, _LITERAL)
    return catalyst_column(spark, literal(value, jvm.data_type(spark, data_type)))


def _created(spark: SparkSession, value: object, data_type: T.DataType) -> Column:
    """A Catalyst literal from an external (Java) value, converted by Spark."""
    create = jvm.static(spark, _LITERAL, "create")
    return catalyst_column(spark, create(value, jvm.data_type(spark, data_type)))


def _plain(spark: SparkSession, value: bool | int | str) -> Column:
    """``lit(value)`` for a value py4j hands over as its Java twin (``Boolean``,
    ``Integer`` for a 32-bit integer, ``String``), in one JVM call."""
    return jvm.function(spark, "lit", value)


def _parsed(spark: SparkSession, text: str) -> Column:
    """A literal in Spark SQL literal syntax (``5Y``, ``5S``, ``5L``, ``1.5F``).

    Py4J hands small integers to the JVM as ``Integer`` whatever their Java type, so
    narrow and wide integers and floats are written as SQL literals instead.
    """
    return jvm.function(spark, "expr", text)


def _float(spark: SparkSession, value: float) -> Column:
    if math.isfinite(value):
        return _parsed(spark, f"{value!r}F")
    return F.lit(str(value)).cast(T.FloatType())


def _decimal(spark: SparkSession, literal: Literal) -> Column:
    d = literal.decimal
    unscaled = int.from_bytes(d.value, "little", signed=True)
    jvm = spark._jvm
    big = jvm.java.math.BigDecimal(jvm.java.math.BigInteger(str(unscaled)), d.scale)
    value = jvm.org.apache.spark.sql.types.Decimal.apply(big, d.precision, d.scale)
    return _typed(spark, value, T.DecimalType(d.precision, d.scale))


def _nanos(precision: int, value: int) -> int:
    if precision <= 9:
        return value * 10 ** (9 - precision)
    return value // 10 ** (precision - 9)


def _timestamp(spark: SparkSession, precision: int, value: int, zoned: bool) -> Column:
    seconds, nanos = divmod(_nanos(precision, value), 1_000_000_000)
    time = spark._jvm.java.time
    if zoned:
        return _created(spark, time.Instant.ofEpochSecond(seconds, nanos), T.TimestampType())
    local = time.LocalDateTime.ofEpochSecond(seconds, nanos, time.ZoneOffset.UTC)
    return _created(spark, local, T.TimestampNTZType())


def _date(spark: SparkSession, literal: Literal) -> Column:
    return _created(spark, spark._jvm.java.time.LocalDate.ofEpochDay(literal.date), T.DateType())


def _time(spark: SparkSession, literal: Literal) -> Column:
    t = literal.precision_time
    local = spark._jvm.java.time.LocalTime.ofNanoOfDay(_nanos(t.precision, t.value))
    return _created(spark, local, T.TimeType(min(t.precision, 6)))


def _day_time_interval(spark: SparkSession, interval: Literal.IntervalDayToSecond) -> Column:
    """A day-time interval literal; whole days are ``INTERVAL DAY`` so that date + it is a date."""
    nanos = _nanos(interval.precision, interval.subseconds)
    seconds = interval.days * 86_400 + interval.seconds
    duration = spark._jvm.java.time.Duration.ofSeconds(seconds, nanos)
    whole_days = interval.seconds == 0 and nanos == 0
    day = T.DayTimeIntervalType.DAY
    data_type = T.DayTimeIntervalType(day, day) if whole_days else T.DayTimeIntervalType()
    return _created(spark, duration, data_type)


def _year_month_interval(spark: SparkSession, interval: Literal.IntervalYearToMonth) -> Column:
    period = spark._jvm.java.time.Period.ofMonths(interval.years * 12 + interval.months)
    return _created(spark, period, T.YearMonthIntervalType())


def _compound_interval(spark: SparkSession, literal: Literal) -> Column:
    """An interval of months and days-to-seconds: one ANSI interval when either part is zero.

    Spark's ANSI intervals cannot hold both parts; then it is a calendar interval
    (``make_interval``).
    """
    compound = literal.interval_compound
    year_month, day_time = compound.interval_year_to_month, compound.interval_day_to_second
    months = year_month.years * 12 + year_month.months
    nanos = _nanos(day_time.precision, day_time.subseconds)
    if not months:
        return _day_time_interval(spark, day_time)
    if not (day_time.days or day_time.seconds or nanos):
        return _year_month_interval(spark, year_month)
    seconds = day_time.seconds + nanos / 1_000_000_000
    return F.make_interval(
        F.lit(0),
        F.lit(months),
        F.lit(0),
        F.lit(day_time.days),
        F.lit(0),
        F.lit(0),
        F.lit(seconds).cast(T.DecimalType(18, 6)),
    )


def _list(spark: SparkSession, literal: Literal) -> Column:
    return F.array(*(literal_column(spark, v) for v in literal.list.values))


def _map(spark: SparkSession, literal: Literal) -> Column:
    items: list[Column] = []
    for kv in literal.map.key_values:
        items += [literal_column(spark, kv.key), literal_column(spark, kv.value)]
    return F.create_map(*items)


def _struct_literal(spark: SparkSession, literal: Literal) -> Column:
    fields = literal.struct.fields
    return F.struct(*(literal_column(spark, v).alias(f"col{i + 1}") for i, v in enumerate(fields)))


def _null(spark: SparkSession, literal: Literal) -> Column:
    if literal.null.WhichOneof("kind") is None:
        return F.lit(None)
    return _typed(spark, None, spark_type(literal.null))


def _empty_list(spark: SparkSession, literal: Literal) -> Column:
    element = spark_type(literal.empty_list.type)
    return F.array().cast(T.ArrayType(element, nullable(literal.empty_list.type)))


def _empty_map(spark: SparkSession, literal: Literal) -> Column:
    m = literal.empty_map
    return F.create_map().cast(T.MapType(spark_type(m.key), spark_type(m.value), nullable(m.value)))


_LiteralRule = Callable[[SparkSession, Literal], Column]

_LITERALS: dict[str, _LiteralRule] = {
    "boolean": lambda s, v: _plain(s, v.boolean),
    "i8": lambda s, v: _parsed(s, f"{v.i8}Y"),
    "i16": lambda s, v: _parsed(s, f"{v.i16}S"),
    "i32": lambda s, v: _plain(s, v.i32),
    "i64": lambda s, v: _parsed(s, f"{v.i64}L"),
    "fp32": lambda s, v: _float(s, v.fp32),
    "fp64": lambda s, v: _typed(s, float(v.fp64), T.DoubleType()),
    "string": lambda s, v: _plain(s, v.string),
    "fixed_char": lambda s, v: _plain(s, v.fixed_char),
    "var_char": lambda s, v: _plain(s, v.var_char.value),
    "binary": lambda s, v: _created(s, bytearray(v.binary), T.BinaryType()),
    "fixed_binary": lambda s, v: _created(s, bytearray(v.fixed_binary), T.BinaryType()),
    "uuid": lambda s, v: _created(s, str(uuid.UUID(bytes=v.uuid)), T.StringType()),
    "date": _date,
    "precision_time": _time,
    "precision_timestamp": lambda s, v: _timestamp(
        s, v.precision_timestamp.precision, v.precision_timestamp.value, zoned=False
    ),
    "precision_timestamp_tz": lambda s, v: _timestamp(
        s, v.precision_timestamp_tz.precision, v.precision_timestamp_tz.value, zoned=True
    ),
    "decimal": _decimal,
    "interval_day_to_second": lambda s, v: _day_time_interval(s, v.interval_day_to_second),
    "interval_year_to_month": lambda s, v: _year_month_interval(s, v.interval_year_to_month),
    "interval_compound": _compound_interval,
    "list": _list,
    "map": _map,
    "struct": _struct_literal,
    "null": _null,
    "empty_list": _empty_list,
    "empty_map": _empty_map,
}


def literal_column(spark: SparkSession, literal: Literal) -> Column:
    """A Spark literal Column for a Substrait literal (untyped ``null`` is ``lit(None)``)."""
    kind = literal.WhichOneof("literal_type")
    rule = _LITERALS.get(kind or "")
    if rule is None:
        raise SparkFlightError(
            INVALID_PLAN, f"unsupported literal kind {kind or '<unset>'!r}", literal=kind or ""
        )
    return rule(spark, literal)
