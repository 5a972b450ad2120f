"""Python values as Substrait literals, and Spark types as Substrait types.

:func:`literal` types a value as PySpark's ``lit`` does (an ``int`` is ``int`` when
it fits 32 bits, else ``bigint``; a ``datetime`` is a ``timestamp``, naive ones local
time; ``None`` is Spark's untyped ``NULL``: a null literal whose type has no kind) or
encodes it with an explicit Spark type. :func:`to_substrait_type` and
:func:`from_substrait_type` map types; structs have no Substrait type with field names,
so :func:`to_substrait_type` gives ``None`` for them.
"""

from __future__ import annotations

import datetime
import decimal
import functools
from collections.abc import Callable
from typing import Any

from substrait import algebra_pb2, type_pb2

from sparkflight.client.types import (
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    CalendarIntervalType,
    CharType,
    DataType,
    DateType,
    DayTimeIntervalType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    NullType,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
    TimeType,
    VarcharType,
    YearMonthIntervalType,
)

__all__ = [
    "literal",
    "infer_literal_type",
    "to_substrait_type",
    "from_substrait_type",
    "signature_name",
]

Literal = algebra_pb2.Expression.Literal

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_MAX_PRECISION = 38
_EPOCH_DATE = datetime.date(1970, 1, 1)
_EPOCH_NAIVE = datetime.datetime(1970, 1, 1)
_NULLABLE = type_pb2.Type.NULLABILITY_NULLABLE
_REQUIRED = type_pb2.Type.NULLABILITY_REQUIRED


# --- types -------------------------------------------------------------------------------


def _simple(kind: str) -> Callable[[DataType, int], type_pb2.Type]:
    def build(_: DataType, nullability: int) -> type_pb2.Type:
        result = type_pb2.Type()
        getattr(result, kind).nullability = nullability
        return result

    return build


def _with(kind: str, **attributes: Callable[[Any], int]) -> Callable[[Any, int], type_pb2.Type]:
    def build(data_type: Any, nullability: int) -> type_pb2.Type:
        result = type_pb2.Type()
        message = getattr(result, kind)
        message.nullability = nullability
        for name, read in attributes.items():
            setattr(message, name, read(data_type))
        return result

    return build


def _micros(_: Any) -> int:
    return 6


_TO_SUBSTRAIT: dict[type[DataType], Callable[[Any, int], type_pb2.Type]] = {
    BooleanType: _simple("bool"),
    ByteType: _simple("i8"),
    ShortType: _simple("i16"),
    IntegerType: _simple("i32"),
    LongType: _simple("i64"),
    FloatType: _simple("fp32"),
    DoubleType: _simple("fp64"),
    BinaryType: _simple("binary"),
    DateType: _simple("date"),
    DecimalType: _with("decimal", precision=lambda t: t.precision, scale=lambda t: t.scale),
    CharType: _with("fixed_char", length=lambda t: t.length),
    VarcharType: _with("varchar", length=lambda t: t.length),
    TimeType: _with("precision_time", precision=lambda t: t.precision),
    TimestampType: _with("precision_timestamp_tz", precision=_micros),
    TimestampNTZType: _with("precision_timestamp", precision=_micros),
    CalendarIntervalType: _with("interval_compound", precision=_micros),
}


def to_substrait_type(dt: DataType, nullable: bool = True) -> type_pb2.Type | None:
    """The Substrait type of a Spark type, or ``None`` when Substrait cannot express it exactly.

    Not expressible: structs (Substrait struct types carry no field names), ``void``,
    collated strings, variant, and intervals other than ``day to second`` and
    ``year to month``.
    """
    nullability = _NULLABLE if nullable else _REQUIRED
    if isinstance(dt, StringType):
        if not dt.isUTF8BinaryCollation():
            return None
        return _simple("string")(dt, nullability)
    if isinstance(dt, DayTimeIntervalType):
        if (dt.startField, dt.endField) != (DayTimeIntervalType.DAY, DayTimeIntervalType.SECOND):
            return None
        return _with("interval_day", precision=_micros)(dt, nullability)
    if isinstance(dt, YearMonthIntervalType):
        if (dt.startField, dt.endField) != (
            YearMonthIntervalType.YEAR,
            YearMonthIntervalType.MONTH,
        ):
            return None
        return _simple("interval_year")(dt, nullability)
    if isinstance(dt, ArrayType):
        element = to_substrait_type(dt.elementType, dt.containsNull)
        if element is None:
            return None
        result = type_pb2.Type()
        result.list.type.CopyFrom(element)
        result.list.nullability = nullability
        return result
    if isinstance(dt, MapType):
        key = to_substrait_type(dt.keyType, False)
        value = to_substrait_type(dt.valueType, dt.valueContainsNull)
        if key is None or value is None:
            return None
        result = type_pb2.Type()
        result.map.key.CopyFrom(key)
        result.map.value.CopyFrom(value)
        result.map.nullability = nullability
        return result
    build = _TO_SUBSTRAIT.get(type(dt))
    return build(dt, nullability) if build is not None else None


def _is_nullable(message: Any) -> bool:
    return message.nullability != _REQUIRED


_FROM_SUBSTRAIT: dict[str, Callable[[Any], DataType]] = {
    "bool": lambda _: BooleanType(),
    "i8": lambda _: ByteType(),
    "i16": lambda _: ShortType(),
    "i32": lambda _: IntegerType(),
    "i64": lambda _: LongType(),
    "fp32": lambda _: FloatType(),
    "fp64": lambda _: DoubleType(),
    "string": lambda _: StringType(),
    "binary": lambda _: BinaryType(),
    "fixed_binary": lambda _: BinaryType(),
    "date": lambda _: DateType(),
    "decimal": lambda t: DecimalType(t.precision, t.scale),
    "fixed_char": lambda t: CharType(t.length),
    "varchar": lambda t: VarcharType(t.length),
    "precision_time": lambda t: TimeType(t.precision),
    "precision_timestamp_tz": lambda _: TimestampType(),
    "precision_timestamp": lambda _: TimestampNTZType(),
    "interval_day": lambda _: DayTimeIntervalType(),
    "interval_year": lambda _: YearMonthIntervalType(),
    "interval_compound": lambda _: CalendarIntervalType(),
    "map": lambda t: MapType(
        from_substrait_type(t.key), from_substrait_type(t.value), _nullable_type(t.value)
    ),
    "struct": lambda t: StructType(
        [
            StructField(f"col{i}", from_substrait_type(field), _nullable_type(field))
            for i, field in enumerate(t.types, start=1)
        ]
    ),
}


def _nullable_type(t: type_pb2.Type) -> bool:
    kind = t.WhichOneof("kind")
    return kind is None or _is_nullable(getattr(t, kind))


def from_substrait_type(t: type_pb2.Type) -> DataType:
    """The Spark type of a Substrait type.

    A type without a kind is ``void``; a struct's fields are named ``col1``, ``col2``, ...
    as Spark names the fields of ``struct(...)``; timestamps of any precision are Spark's
    microsecond timestamps. Raises ``ValueError`` for types Spark lacks (``uuid``, ...).
    """
    kind = t.WhichOneof("kind")
    if kind is None:
        return NullType()
    if kind == "list":
        return ArrayType(from_substrait_type(t.list.type), _nullable_type(t.list.type))
    build = _FROM_SUBSTRAIT.get(kind)
    if build is None:
        raise ValueError(f"Substrait type {kind} has no Spark equivalent")
    return build(getattr(t, kind))


_SIGNATURE_NAMES = {
    "bool": "bool",
    "string": "str",
    "binary": "vbin",
    "interval_year": "iyear",
    "interval_day": "iday",
    "interval_compound": "icompound",
    "fixed_char": "fchar",
    "varchar": "vchar",
    "fixed_binary": "fbin",
    "decimal": "dec",
    "precision_time": "pt",
    "precision_timestamp": "pts",
    "precision_timestamp_tz": "ptstz",
}


def signature_name(t: type_pb2.Type) -> str:
    """The short name of a type in a function's compound name (``add:i64_i64``)."""
    kind = t.WhichOneof("kind")
    if kind is None:
        raise ValueError("a type without a kind has no signature name")
    return _SIGNATURE_NAMES.get(kind, kind)


# --- literals ----------------------------------------------------------------------------


def infer_literal_type(value: Any) -> DataType:
    """The Spark type ``lit(value)`` has (``ValueError`` for values ``lit`` rejects).

    Elements of a list (keys and values of a dict) share one type: ``int`` elements are
    ``bigint`` if one needs 64 bits, decimals widen to hold all of them.
    """
    data_type = _infer(value)
    if value is not None and _has_null_type(data_type):
        raise ValueError("Cannot infer the element type of an empty or all-null collection")
    return data_type


def _infer(value: Any) -> DataType:
    if value is None:
        return NullType()
    for python_type, infer in _LITERAL_TYPES:
        if isinstance(value, python_type):
            return infer(value)
    raise ValueError(f"Unsupported literal type: {type(value).__name__}")


def _has_null_type(data_type: DataType) -> bool:
    if isinstance(data_type, ArrayType):
        return _has_null_type(data_type.elementType)
    if isinstance(data_type, MapType):
        return _has_null_type(data_type.keyType) or _has_null_type(data_type.valueType)
    return isinstance(data_type, NullType)


def _int_type(value: int) -> DataType:
    if _INT_MIN <= value <= _INT_MAX:
        return IntegerType()
    if _LONG_MIN <= value <= _LONG_MAX:
        return LongType()
    raise ValueError(f"{value} is outside the range of a 64-bit integer")


def _decimal_type(value: decimal.Decimal) -> DecimalType:
    """Spark's type for a decimal value: its digits and scale (``1.50`` is ``decimal(3,2)``)."""
    if not value.is_finite():
        raise ValueError(f"{value} cannot be a decimal literal")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    scale = max(-exponent, 0)
    precision = max(len(digits) + max(exponent, 0), scale)
    if precision > _MAX_PRECISION:
        raise ValueError(f"{value} has more than {_MAX_PRECISION} digits")
    return DecimalType(precision, scale)


def _merge(a: DataType, b: DataType) -> DataType:
    """The one type of two collection elements' types."""
    if isinstance(a, NullType) or a == b:
        return b
    if isinstance(b, NullType):
        return a
    if {type(a), type(b)} == {IntegerType, LongType}:
        return LongType()
    if isinstance(a, DecimalType) and isinstance(b, DecimalType):
        scale = max(a.scale, b.scale)
        whole = max(a.precision - a.scale, b.precision - b.scale)
        return DecimalType(min(whole + scale, _MAX_PRECISION), scale)
    if isinstance(a, ArrayType) and isinstance(b, ArrayType):
        return ArrayType(_merge(a.elementType, b.elementType), a.containsNull or b.containsNull)
    if isinstance(a, MapType) and isinstance(b, MapType):
        return MapType(
            _merge(a.keyType, b.keyType),
            _merge(a.valueType, b.valueType),
            a.valueContainsNull or b.valueContainsNull,
        )
    raise ValueError(f"Collection elements have different types: {a} and {b}")


def _elements_type(values: list[Any]) -> DataType:
    return functools.reduce(_merge, map(_infer, values), NullType())


def _list_type(value: list[Any]) -> DataType:
    return ArrayType(_elements_type(value), any(v is None for v in value))


def _map_type(value: dict[Any, Any]) -> DataType:
    return MapType(
        _elements_type(list(value.keys())),
        _elements_type(list(value.values())),
        any(v is None for v in value.values()),
    )


_LITERAL_TYPES: tuple[tuple[type | tuple[type, ...], Callable[[Any], DataType]], ...] = (
    ((bytes, bytearray), lambda _: BinaryType()),
    (bool, lambda _: BooleanType()),
    (int, _int_type),
    (float, lambda _: DoubleType()),
    (str, lambda _: StringType()),
    (decimal.Decimal, _decimal_type),
    (datetime.datetime, lambda _: TimestampType()),
    (datetime.date, lambda _: DateType()),
    (datetime.time, lambda _: TimeType()),
    (datetime.timedelta, lambda _: DayTimeIntervalType()),
    (list, _list_type),
    (dict, _map_type),
)


def literal(value: Any, data_type: DataType | None = None) -> Literal:
    """``value`` as a Substrait literal, typed as ``lit`` types it or as ``data_type``.

    ``None`` without a type is Spark's untyped ``NULL`` (a null literal whose type has
    no kind); with a type it is a typed null. Raises ``ValueError`` for a value the type
    cannot hold or a type Substrait cannot express.
    """
    if _is_numpy_scalar(value):
        if data_type is None:
            data_type = _NUMPY_TYPES.get(value.dtype.kind + str(value.dtype.itemsize))
        value = value.item()
    if data_type is None:
        data_type = infer_literal_type(value)
    if value is None:
        result = Literal(nullable=True)
        if isinstance(data_type, NullType):
            result.null.SetInParent()
            return result
        null_type = to_substrait_type(data_type)
        if null_type is None:
            raise ValueError(f"A null of type {data_type} cannot be expressed in Substrait")
        result.null.CopyFrom(null_type)
        return result
    encode = _ENCODERS.get(type(data_type))
    if encode is None:
        raise ValueError(f"Literals of type {data_type} are not supported")
    result = Literal()
    try:
        encode(result, value, data_type)
    except (TypeError, AttributeError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a valid {data_type.simpleString()} value") from exc
    return result


# NumPy scalars by dtype kind and size, typed as PySpark types them.
_NUMPY_TYPES: dict[str, DataType] = {
    "b1": BooleanType(),
    "i1": ByteType(),
    "i2": ShortType(),
    "i4": IntegerType(),
    "i8": LongType(),
    "f4": FloatType(),
    "f8": DoubleType(),
}


def _is_numpy_scalar(value: Any) -> bool:
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and value.ndim == 0


def _set(field: str, convert: Callable[[Any], Any]) -> Callable[[Literal, Any, Any], None]:
    def encode(result: Literal, value: Any, _: Any) -> None:
        setattr(result, field, convert(value))

    return encode


def _checked_int(low: int, high: int) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"expected an int, got {type(value).__name__}")
        if not low <= value <= high:
            raise OverflowError(f"{value} is out of range")
        return value

    return convert


def _checked_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a str, got {type(value).__name__}")
    return value


def _checked_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a float, got {type(value).__name__}")
    return float(value)


def _checked_bytes(value: Any) -> bytes:
    if not isinstance(value, (bytes, bytearray)):
        raise TypeError(f"expected bytes, got {type(value).__name__}")
    return bytes(value)


def _checked_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a bool, got {type(value).__name__}")
    return value


def _encode_decimal(result: Literal, value: Any, data_type: DecimalType) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, decimal.Decimal)):
        raise TypeError(f"expected a Decimal, got {type(value).__name__}")
    context = decimal.Context(prec=_MAX_PRECISION + 2, rounding=decimal.ROUND_HALF_UP)
    unscaled = int(
        decimal.Decimal(value)
        .scaleb(data_type.scale, context)
        .to_integral_value(decimal.ROUND_HALF_UP, context)
    )
    if abs(unscaled) >= 10**data_type.precision:
        raise OverflowError(f"{value} does not fit {data_type.simpleString()}")
    result.decimal.value = unscaled.to_bytes(16, "little", signed=True)
    result.decimal.precision = data_type.precision
    result.decimal.scale = data_type.scale


def _encode_date(result: Literal, value: Any, _: DataType) -> None:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    result.date = (value - _EPOCH_DATE).days


def _timestamp_micros(value: datetime.datetime) -> int:
    """Microseconds since the epoch, UTC; a naive value is local time."""
    if value.tzinfo is None:
        value = value.astimezone()
    delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _encode_timestamp(result: Literal, value: Any, _: DataType) -> None:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    result.precision_timestamp_tz.precision = 6
    result.precision_timestamp_tz.value = _timestamp_micros(value)


def _encode_timestamp_ntz(result: Literal, value: Any, _: DataType) -> None:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    delta = value.replace(tzinfo=None) - _EPOCH_NAIVE
    result.precision_timestamp.precision = 6
    result.precision_timestamp.value = (
        delta.days * 86_400 + delta.seconds
    ) * 1_000_000 + delta.microseconds


def _encode_time(result: Literal, value: Any, data_type: TimeType) -> None:
    if not isinstance(value, datetime.time):
        raise TypeError(f"expected a time, got {type(value).__name__}")
    micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    result.precision_time.precision = data_type.precision
    result.precision_time.value = micros * 10**data_type.precision // 1_000_000


def _encode_day_time(result: Literal, value: Any, data_type: DayTimeIntervalType) -> None:
    if not isinstance(value, datetime.timedelta):
        raise TypeError(f"expected a timedelta, got {type(value).__name__}")
    if to_substrait_type(data_type) is None:
        raise ValueError(f"{data_type} literals cannot be expressed in Substrait")
    interval = result.interval_day_to_second
    interval.days = value.days
    interval.seconds = value.seconds
    interval.precision = 6
    interval.subseconds = value.microseconds


def _encode_year_month(result: Literal, value: Any, data_type: YearMonthIntervalType) -> None:
    months = _checked_int(_INT_MIN, _INT_MAX)(value)
    if to_substrait_type(data_type) is None:
        raise ValueError(f"{data_type} literals cannot be expressed in Substrait")
    sign = -1 if months < 0 else 1
    result.interval_year_to_month.years = sign * (abs(months) // 12)
    result.interval_year_to_month.months = sign * (abs(months) % 12)


def _encode_char(result: Literal, value: Any, data_type: CharType) -> None:
    result.fixed_char = _checked_str(value)


def _encode_varchar(result: Literal, value: Any, data_type: VarcharType) -> None:
    result.var_char.value = _checked_str(value)
    result.var_char.length = data_type.length


def _encode_string(result: Literal, value: Any, data_type: StringType) -> None:
    if not data_type.isUTF8BinaryCollation():
        raise ValueError(f"{data_type} literals cannot be expressed in Substrait")
    result.string = _checked_str(value)


def _element(value: Any, data_type: DataType, nullable: bool) -> Literal:
    if value is None and not nullable:
        raise TypeError(f"None is not allowed in a collection of non-null {data_type}")
    return literal(value, data_type)


def _encode_list(result: Literal, value: Any, data_type: ArrayType) -> None:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    if not value:
        list_type = to_substrait_type(data_type, nullable=False)
        if list_type is None:
            raise ValueError(f"An empty {data_type} cannot be expressed in Substrait")
        result.empty_list.CopyFrom(list_type.list)
        return
    result.list.values.extend(
        _element(v, data_type.elementType, data_type.containsNull) for v in value
    )


def _encode_map(result: Literal, value: Any, data_type: MapType) -> None:
    if not isinstance(value, dict):
        raise TypeError(f"expected a dict, got {type(value).__name__}")
    if not value:
        map_type = to_substrait_type(data_type, nullable=False)
        if map_type is None:
            raise ValueError(f"An empty {data_type} cannot be expressed in Substrait")
        result.empty_map.CopyFrom(map_type.map)
        return
    for key, item in value.items():
        entry = result.map.key_values.add()
        entry.key.CopyFrom(_element(key, data_type.keyType, False))
        entry.value.CopyFrom(_element(item, data_type.valueType, data_type.valueContainsNull))


def _encode_struct(result: Literal, value: Any, data_type: StructType) -> None:
    names = data_type.fieldNames()
    if isinstance(value, dict):
        values = [value.get(n) for n in names]
    elif isinstance(value, (tuple, list)):
        if len(value) != len(names):
            raise TypeError(f"expected {len(names)} values, got {len(value)}")
        values = list(value)
    else:
        raise TypeError(f"expected a tuple, Row or dict, got {type(value).__name__}")
    result.struct.fields.extend(
        _element(v, f.dataType, f.nullable) for v, f in zip(values, data_type.fields, strict=True)
    )


_ENCODERS: dict[type[DataType], Callable[[Literal, Any, Any], None]] = {
    BooleanType: _set("boolean", _checked_bool),
    ByteType: _set("i8", _checked_int(-(2**7), 2**7 - 1)),
    ShortType: _set("i16", _checked_int(-(2**15), 2**15 - 1)),
    IntegerType: _set("i32", _checked_int(_INT_MIN, _INT_MAX)),
    LongType: _set("i64", _checked_int(_LONG_MIN, _LONG_MAX)),
    FloatType: _set("fp32", _checked_float),
    DoubleType: _set("fp64", _checked_float),
    StringType: _encode_string,
    CharType: _encode_char,
    VarcharType: _encode_varchar,
    BinaryType: _set("binary", _checked_bytes),
    DecimalType: _encode_decimal,
    DateType: _encode_date,
    TimestampType: _encode_timestamp,
    TimestampNTZType: _encode_timestamp_ntz,
    TimeType: _encode_time,
    DayTimeIntervalType: _encode_day_time,
    YearMonthIntervalType: _encode_year_month,
    ArrayType: _encode_list,
    MapType: _encode_map,
    StructType: _encode_struct,
}
