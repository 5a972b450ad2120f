"""Substrait types as Spark's data types, and the plain values of Substrait literals.

No JVM: the translation of plans uses these."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pyspark.sql import types as T
from substrait import algebra_pb2, type_pb2

from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError, unsupported_kind

Literal = algebra_pb2.Expression.Literal

# ---------------------------------------------------------------------- types


def nullable(message: type_pb2.Type) -> bool:
    kind = message.WhichOneof("kind")
    if kind is None:
        return True
    return getattr(message, kind).nullability != type_pb2.Type.NULLABILITY_REQUIRED


def _struct(message: type_pb2.Type.Struct, names: Iterator[str] | None) -> T.StructType:
    fields = []
    for index, child in enumerate(message.types):
        name = next(names) if names is not None else f"col{index + 1}"
        fields.append(T.StructField(name, spark_type(child, names), nullable(child)))
    return T.StructType(fields)


_TypeRule = Callable[[type_pb2.Type, Iterator[str] | None], T.DataType]

_TYPES: dict[str, _TypeRule] = {
    "bool": lambda t, n: T.BooleanType(),
    "i8": lambda t, n: T.ByteType(),
    "i16": lambda t, n: T.ShortType(),
    "i32": lambda t, n: T.IntegerType(),
    "i64": lambda t, n: T.LongType(),
    "fp32": lambda t, n: T.FloatType(),
    "fp64": lambda t, n: T.DoubleType(),
    "string": lambda t, n: T.StringType(),
    "binary": lambda t, n: T.BinaryType(),
    "fixed_binary": lambda t, n: T.BinaryType(),
    "uuid": lambda t, n: T.StringType(),
    "date": lambda t, n: T.DateType(),
    "fixed_char": lambda t, n: T.CharType(t.fixed_char.length),
    "varchar": lambda t, n: T.VarcharType(t.varchar.length),
    "decimal": lambda t, n: T.DecimalType(t.decimal.precision, t.decimal.scale),
    "precision_time": lambda t, n: T.TimeType(min(t.precision_time.precision, 6)),
    "precision_timestamp": lambda t, n: T.TimestampNTZType(),
    "precision_timestamp_tz": lambda t, n: T.TimestampType(),
    "interval_year": lambda t, n: T.YearMonthIntervalType(),
    "interval_day": lambda t, n: T.DayTimeIntervalType(),
    "struct": lambda t, n: _struct(t.struct, n),
    "list": lambda t, n: T.ArrayType(spark_type(t.list.type, n), nullable(t.list.type)),
    "map": lambda t, n: T.MapType(
        spark_type(t.map.key, n), spark_type(t.map.value, n), nullable(t.map.value)
    ),
}


def spark_type(message: type_pb2.Type, names: Iterator[str] | None = None) -> T.DataType:
    """The Spark type of a Substrait type; ``names`` names struct fields depth-first."""
    kind = message.WhichOneof("kind")
    rule = _TYPES.get(kind or "")
    if rule is None:
        raise unsupported_kind(INVALID_PLAN, "Substrait type", kind, "type")
    return rule(message, names)


def spark_schema(named: type_pb2.NamedStruct) -> T.StructType:
    """The Spark schema of a Substrait ``NamedStruct`` (names depth-first)."""
    try:
        return _struct(named.struct, iter(named.names))
    except StopIteration:
        raise SparkFlightError(INVALID_PLAN, "NamedStruct has fewer names than fields") from None


_SCALARS = ("boolean", "i8", "i16", "i32", "i64", "fp32", "fp64", "string", "fixed_char")


def literal_value(literal: Literal) -> object:
    """The Python value of a scalar literal (names, options and other plain arguments)."""
    kind = literal.WhichOneof("literal_type")
    if kind in ("null", None):
        return None
    if kind == "var_char":
        return literal.var_char.value
    if kind == "list":
        return [literal_value(v) for v in literal.list.values]
    if kind in _SCALARS:
        return getattr(literal, kind)
    raise SparkFlightError(
        INVALID_PLAN, f"expected a scalar literal, got a {kind} literal", literal=kind
    )
