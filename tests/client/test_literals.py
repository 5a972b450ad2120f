"""sparkflight.client.literals: lit typing, Substrait literal encoding and type mapping."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import pytest
from substrait import type_pb2
from substrait.extension_registry.signature_checker_helpers import normalize_substrait_type_names

from sparkflight.client import types as t
from sparkflight.client.literals import (
    from_substrait_type,
    infer_literal_type,
    literal,
    signature_name,
    to_substrait_type,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, t.NullType()),
        (True, t.BooleanType()),
        (1, t.IntegerType()),
        (2**31 - 1, t.IntegerType()),
        (-(2**31), t.IntegerType()),
        (2**31, t.LongType()),
        (-(2**63), t.LongType()),
        (1.5, t.DoubleType()),
        ("x", t.StringType()),
        (b"x", t.BinaryType()),
        (bytearray(b"x"), t.BinaryType()),
        (decimal.Decimal("1.50"), t.DecimalType(3, 2)),
        (decimal.Decimal("0.001"), t.DecimalType(3, 3)),
        (decimal.Decimal("123"), t.DecimalType(3, 0)),
        (decimal.Decimal("1E+2"), t.DecimalType(3, 0)),
        (datetime.date(2024, 1, 1), t.DateType()),
        (datetime.datetime(2024, 1, 1), t.TimestampType()),
        (datetime.time(1, 2), t.TimeType()),
        (datetime.timedelta(1), t.DayTimeIntervalType()),
        ([1, 2], t.ArrayType(t.IntegerType(), False)),
        ([1, None, 2**40], t.ArrayType(t.LongType(), True)),
        ([[1.5], []], t.ArrayType(t.ArrayType(t.DoubleType(), False), False)),
        ({"a": 1}, t.MapType(t.StringType(), t.IntegerType(), False)),
    ],
)
def test_infer_literal_type(value: Any, expected: t.DataType) -> None:
    assert infer_literal_type(value) == expected


@pytest.mark.parametrize(
    "value", [2**63, object(), [], [None], {}, [1, "x"], decimal.Decimal("NaN")]
)
def test_infer_literal_type_rejects(value: Any) -> None:
    with pytest.raises(ValueError):
        infer_literal_type(value)


def test_numpy_scalars() -> None:
    np = pytest.importorskip("numpy")
    assert literal(np.int8(3)).i8 == 3
    assert literal(np.int16(3)).i16 == 3
    assert literal(np.int32(3)).i32 == 3
    assert literal(np.int64(3)).i64 == 3
    assert literal(np.float32(0.5)).fp32 == 0.5
    assert literal(np.float64(0.5)).fp64 == 0.5
    assert literal(np.bool_(True)).boolean is True
    assert literal(np.int64(3), t.DoubleType()).fp64 == 3.0


def test_untyped_and_typed_null() -> None:
    untyped = literal(None)
    assert untyped.WhichOneof("literal_type") == "null"
    assert untyped.null.WhichOneof("kind") is None
    assert untyped.nullable
    typed = literal(None, t.LongType())
    assert typed.null.WhichOneof("kind") == "i64"
    assert typed.null.i64.nullability == type_pb2.Type.NULLABILITY_NULLABLE
    with pytest.raises(ValueError):
        literal(None, t.StructType([t.StructField("a", t.IntegerType())]))


def test_scalar_literals() -> None:
    assert literal(7).i32 == 7
    assert literal(2**40).i64 == 2**40
    assert literal(7, t.LongType()).i64 == 7
    assert literal(7, t.ByteType()).i8 == 7
    assert literal(7, t.ShortType()).i16 == 7
    assert literal(7, t.DoubleType()).fp64 == 7.0
    assert literal(0.5, t.FloatType()).fp32 == 0.5
    assert literal(False).boolean is False and literal(False).HasField("boolean")
    assert literal("é").string == "é"
    assert literal("ab", t.CharType(2)).fixed_char == "ab"
    assert literal("ab", t.VarcharType(5)).var_char.length == 5
    assert literal(bytearray(b"\x00")).binary == b"\x00"
    assert literal(datetime.date(1970, 1, 2)).date == 1
    assert literal(datetime.date(1969, 12, 31)).date == -1
    interval = literal(datetime.timedelta(days=1, seconds=2, microseconds=3))
    assert interval.interval_day_to_second.days == 1
    assert interval.interval_day_to_second.seconds == 2
    assert interval.interval_day_to_second.subseconds == 3
    assert interval.interval_day_to_second.precision == 6
    months = literal(-14, t.YearMonthIntervalType()).interval_year_to_month
    assert (months.years, months.months) == (-1, -2)
    assert literal(datetime.time(0, 0, 1, 5)).precision_time.value == 1_000_005


def test_timestamps() -> None:
    aware = datetime.datetime(2024, 1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    encoded = literal(aware).precision_timestamp_tz
    assert (encoded.precision, encoded.value) == (6, 1704067200 * 10**6)
    naive = datetime.datetime(2024, 1, 1, 0, 0, 0, 1)
    local = literal(naive).precision_timestamp_tz.value
    assert local == int(naive.timestamp()) * 10**6 + 1
    ntz = literal(naive, t.TimestampNTZType()).precision_timestamp
    assert (ntz.precision, ntz.value) == (6, 1704067200 * 10**6 + 1)


def _unscaled(value: bytes) -> int:
    return int.from_bytes(value, "little", signed=True)


@pytest.mark.parametrize(
    ("value", "data_type", "unscaled"),
    [
        (decimal.Decimal("1.50"), None, 150),
        (decimal.Decimal("-0.001"), None, -1),
        (
            decimal.Decimal("12345678901234567890.123456789012345678"),
            None,
            12345678901234567890123456789012345678,
        ),
        (decimal.Decimal("1.005"), t.DecimalType(10, 2), 101),
        (3, t.DecimalType(5, 1), 30),
    ],
)
def test_decimal_literals(value: Any, data_type: t.DecimalType | None, unscaled: int) -> None:
    encoded = literal(value, data_type).decimal
    expected = data_type or infer_literal_type(value)
    assert (encoded.precision, encoded.scale) == (expected.precision, expected.scale)
    assert len(encoded.value) == 16
    assert _unscaled(encoded.value) == unscaled


def test_decimal_overflow() -> None:
    with pytest.raises(ValueError):
        literal(decimal.Decimal("1000"), t.DecimalType(3, 0))


def test_collections() -> None:
    encoded = literal([1, None, 3])
    assert [v.WhichOneof("literal_type") for v in encoded.list.values] == ["i32", "null", "i32"]
    assert encoded.list.values[1].null.WhichOneof("kind") == "i32"
    assert [v.i64 for v in literal([1, 2**40]).list.values] == [1, 2**40]
    empty = literal([], t.ArrayType(t.StringType()))
    assert empty.empty_list.type.WhichOneof("kind") == "string"
    mapping = literal({"a": 1, "b": None})
    assert [
        (kv.key.string, kv.value.WhichOneof("literal_type")) for kv in mapping.map.key_values
    ] == [
        ("a", "i32"),
        ("b", "null"),
    ]
    empty_map = literal({}, t.MapType(t.StringType(), t.LongType()))
    assert empty_map.empty_map.key.WhichOneof("kind") == "string"
    assert empty_map.empty_map.value.WhichOneof("kind") == "i64"
    struct = t.StructType([t.StructField("a", t.IntegerType()), t.StructField("b", t.StringType())])
    for value in [(1, "x"), {"a": 1, "b": "x"}]:
        fields = literal(value, struct).struct.fields
        assert (fields[0].i32, fields[1].string) == (1, "x")
    with pytest.raises(ValueError):
        literal([None], t.ArrayType(t.IntegerType(), False))


@pytest.mark.parametrize(
    ("value", "data_type"),
    [
        ("x", t.IntegerType()),
        (True, t.LongType()),
        (2**31, t.IntegerType()),
        (1, t.StringType()),
        ("x", t.BinaryType()),
        (datetime.datetime(2024, 1, 1), t.DateType()),
        (1, t.CalendarIntervalType()),
        ("x", t.StringType("UNICODE_CI")),
        (datetime.timedelta(1), t.DayTimeIntervalType(1, 1)),
    ],
)
def test_invalid_typed_literals(value: Any, data_type: t.DataType) -> None:
    with pytest.raises(ValueError):
        literal(value, data_type)


ROUND_TRIP = [
    t.BooleanType(),
    t.ByteType(),
    t.ShortType(),
    t.IntegerType(),
    t.LongType(),
    t.FloatType(),
    t.DoubleType(),
    t.StringType(),
    t.BinaryType(),
    t.DateType(),
    t.DecimalType(38, 10),
    t.CharType(3),
    t.VarcharType(7),
    t.TimeType(6),
    t.TimestampType(),
    t.TimestampNTZType(),
    t.DayTimeIntervalType(),
    t.YearMonthIntervalType(),
    t.CalendarIntervalType(),
    t.ArrayType(t.IntegerType(), False),
    t.ArrayType(t.ArrayType(t.StringType())),
    t.MapType(t.StringType(), t.ArrayType(t.DateType(), False), False),
]


@pytest.mark.parametrize("data_type", ROUND_TRIP, ids=repr)
@pytest.mark.parametrize("nullable", [True, False])
def test_type_round_trip(data_type: t.DataType, nullable: bool) -> None:
    encoded = to_substrait_type(data_type, nullable)
    assert encoded is not None
    kind = encoded.WhichOneof("kind")
    expected = (
        type_pb2.Type.NULLABILITY_NULLABLE if nullable else type_pb2.Type.NULLABILITY_REQUIRED
    )
    assert getattr(encoded, kind).nullability == expected
    assert from_substrait_type(encoded) == data_type


@pytest.mark.parametrize(
    "data_type",
    [
        t.NullType(),
        t.StructType([t.StructField("a", t.IntegerType())]),
        t.ArrayType(t.StructType()),
        t.MapType(t.StringType(), t.NullType()),
        t.StringType("UTF8_LCASE"),
        t.DayTimeIntervalType(0, 0),
        t.YearMonthIntervalType(1, 1),
        t.VariantType(),
    ],
    ids=repr,
)
def test_types_without_exact_substrait_form(data_type: t.DataType) -> None:
    assert to_substrait_type(data_type) is None


def test_from_substrait_struct_and_unknown() -> None:
    struct = type_pb2.Type()
    struct.struct.types.add().i32.nullability = type_pb2.Type.NULLABILITY_REQUIRED
    struct.struct.types.add().string.nullability = type_pb2.Type.NULLABILITY_NULLABLE
    assert from_substrait_type(struct) == t.StructType(
        [t.StructField("col1", t.IntegerType(), False), t.StructField("col2", t.StringType())]
    )
    assert from_substrait_type(type_pb2.Type()) == t.NullType()
    uuid = type_pb2.Type()
    uuid.uuid.SetInParent()
    with pytest.raises(ValueError):
        from_substrait_type(uuid)


# Names of the types in the extension YAMLs, by Substrait type kind.
YAML_NAMES = {
    "bool": "boolean",
    "i8": "i8",
    "i16": "i16",
    "i32": "i32",
    "i64": "i64",
    "fp32": "fp32",
    "fp64": "fp64",
    "string": "string",
    "binary": "binary",
    "date": "date",
    "interval_year": "interval_year",
    "interval_day": "interval_day",
    "interval_compound": "interval_compound",
    "fixed_char": "fixedchar",
    "varchar": "varchar",
    "decimal": "decimal",
    "precision_time": "precision_time",
    "precision_timestamp": "precision_timestamp",
    "precision_timestamp_tz": "precision_timestamp_tz",
    "list": "list",
    "map": "map",
}


@pytest.mark.parametrize("data_type", ROUND_TRIP, ids=repr)
def test_signature_names_match_extension_yaml_names(data_type: t.DataType) -> None:
    encoded = to_substrait_type(data_type)
    assert encoded is not None
    yaml_name = YAML_NAMES[encoded.WhichOneof("kind")]
    assert signature_name(encoded) == normalize_substrait_type_names(yaml_name)
