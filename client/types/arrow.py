"""Data types to and from Arrow, as Spark maps them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa

from sparkflight.client.types.datatypes import (
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
    GeographyType,
    GeometryType,
    IntegerType,
    LongType,
    MapType,
    NullType,
    ShortType,
    SpatialType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
    TimeType,
    VarcharType,
    VariantType,
    YearMonthIntervalType,
)

_TO_ARROW: dict[type[DataType], Callable[[DataType], pa.DataType]] = {
    NullType: lambda _: pa.null(),
    BooleanType: lambda _: pa.bool_(),
    ByteType: lambda _: pa.int8(),
    ShortType: lambda _: pa.int16(),
    IntegerType: lambda _: pa.int32(),
    LongType: lambda _: pa.int64(),
    FloatType: lambda _: pa.float32(),
    DoubleType: lambda _: pa.float64(),
    DecimalType: lambda t: pa.decimal128(t.precision, t.scale),  # type: ignore[attr-defined]
    StringType: lambda _: pa.string(),
    CharType: lambda _: pa.string(),
    VarcharType: lambda _: pa.string(),
    BinaryType: lambda _: pa.binary(),
    DateType: lambda _: pa.date32(),
    TimeType: lambda _: pa.time64("ns"),
    TimestampType: lambda _: pa.timestamp("us", tz="UTC"),
    TimestampNTZType: lambda _: pa.timestamp("us"),
    DayTimeIntervalType: lambda _: pa.duration("us"),
    CalendarIntervalType: lambda _: pa.month_day_nano_interval(),
    VariantType: lambda _: pa.struct(
        [
            pa.field("value", pa.binary(), nullable=False),
            pa.field("metadata", pa.binary(), nullable=False, metadata={b"variant": b"true"}),
        ]
    ),
    GeometryType: lambda t: _spatial_arrow_type(b"geometry", t.srid),  # type: ignore[attr-defined]
    GeographyType: lambda t: _spatial_arrow_type(b"geography", t.srid),  # type: ignore[attr-defined]
}


def _spatial_arrow_type(kind: bytes, srid: int) -> pa.DataType:
    """Spark's Arrow form of a geometry or geography: SRID and WKB, the WKB field tagged."""
    tags = {kind: b"true", b"srid": str(srid).encode()}
    return pa.struct(
        [
            pa.field("srid", pa.int32(), nullable=False),
            pa.field("wkb", pa.binary(), nullable=False, metadata=tags),
        ]
    )


def to_arrow_type(data_type: DataType) -> pa.DataType:
    """The Arrow type Spark uses for ``data_type`` (``TimestampType`` is UTC microseconds)."""
    if isinstance(data_type, ArrayType):
        return pa.list_(
            pa.field("element", to_arrow_type(data_type.elementType), data_type.containsNull)
        )
    if isinstance(data_type, MapType):
        return pa.map_(
            pa.field("key", to_arrow_type(data_type.keyType), nullable=False),
            pa.field("value", to_arrow_type(data_type.valueType), data_type.valueContainsNull),
        )
    if isinstance(data_type, StructType):
        return pa.struct([_to_arrow_field(f) for f in data_type.fields])
    convert = _TO_ARROW.get(type(data_type))
    if convert is None:
        raise TypeError(f"{data_type} has no Arrow representation")
    return convert(data_type)


def _to_arrow_field(field: StructField) -> pa.Field:
    return pa.field(field.name, to_arrow_type(field.dataType), nullable=field.nullable)


def to_arrow_schema(schema: StructType) -> pa.Schema:
    """The Arrow schema of a Spark schema."""
    return pa.schema([_to_arrow_field(f) for f in schema.fields])


# Arrow's INTERVAL_MONTHS type id (Spark's year-month intervals); pyarrow cannot build it.
_ARROW_INTERVAL_MONTHS = 21

_FROM_ARROW: tuple[tuple[Callable[[pa.DataType], bool], Callable[[Any], DataType]], ...] = (
    (pa.types.is_null, lambda _: NullType()),
    (pa.types.is_boolean, lambda _: BooleanType()),
    (pa.types.is_int8, lambda _: ByteType()),
    (pa.types.is_int16, lambda _: ShortType()),
    (pa.types.is_int32, lambda _: IntegerType()),
    (pa.types.is_int64, lambda _: LongType()),
    (pa.types.is_float32, lambda _: FloatType()),
    (pa.types.is_float64, lambda _: DoubleType()),
    (pa.types.is_decimal, lambda t: DecimalType(t.precision, t.scale)),
    (pa.types.is_string, lambda _: StringType()),
    (pa.types.is_large_string, lambda _: StringType()),
    (pa.types.is_string_view, lambda _: StringType()),
    (pa.types.is_binary, lambda _: BinaryType()),
    (pa.types.is_large_binary, lambda _: BinaryType()),
    (pa.types.is_fixed_size_binary, lambda _: BinaryType()),
    (pa.types.is_binary_view, lambda _: BinaryType()),
    (pa.types.is_date32, lambda _: DateType()),
    (pa.types.is_time64, lambda _: TimeType()),
    (pa.types.is_timestamp, lambda t: TimestampType() if t.tz else TimestampNTZType()),
    (pa.types.is_duration, lambda _: DayTimeIntervalType()),
    (lambda t: t.id == pa.month_day_nano_interval().id, lambda _: CalendarIntervalType()),
    (lambda t: t.id == _ARROW_INTERVAL_MONTHS, lambda _: YearMonthIntervalType()),
)


def from_arrow_type(arrow_type: pa.DataType) -> DataType:
    """The Spark type of an Arrow type (a timestamp without time zone is ``TimestampNTZType``)."""
    if (
        pa.types.is_list(arrow_type)
        or pa.types.is_large_list(arrow_type)
        or (pa.types.is_fixed_size_list(arrow_type) or pa.types.is_list_view(arrow_type))
    ):
        return ArrayType(from_arrow_type(arrow_type.value_type), arrow_type.value_field.nullable)
    if pa.types.is_map(arrow_type):
        return MapType(
            from_arrow_type(arrow_type.key_type),
            from_arrow_type(arrow_type.item_type),
            arrow_type.item_field.nullable,
        )
    if pa.types.is_struct(arrow_type):
        fields = [arrow_type.field(i) for i in range(arrow_type.num_fields)]
        tagged = _tagged_struct_type(fields)
        if tagged is not None:
            return tagged
        return StructType([_from_arrow_field(f) for f in fields])
    if pa.types.is_dictionary(arrow_type):
        return from_arrow_type(arrow_type.value_type)
    for matches, convert in _FROM_ARROW:
        if matches(arrow_type):
            return convert(arrow_type)
    raise TypeError(f"Arrow type {arrow_type} has no Spark equivalent")


#: Arrow structs that stand for a Spark type: their field names, the field whose metadata
#: tags them, the tag, and the type built from the tagged field's metadata.
_TaggedStruct = tuple[list[str], str, bytes, Callable[[dict[bytes, bytes]], DataType]]
_TAGGED_STRUCTS: tuple[_TaggedStruct, ...] = (
    (["value", "metadata"], "metadata", b"variant", lambda _: VariantType()),
    (["srid", "wkb"], "wkb", b"geometry", lambda tags: GeometryType(_tagged_srid(tags))),
    (["srid", "wkb"], "wkb", b"geography", lambda tags: GeographyType(_tagged_srid(tags))),
)


def _tagged_srid(tags: dict[bytes, bytes]) -> int | str:
    srid = int(tags.get(b"srid", SpatialType.MIXED_SRID))
    return "ANY" if srid == SpatialType.MIXED_SRID else srid


def _tagged_struct_type(fields: list[pa.Field]) -> DataType | None:
    """The variant, geometry or geography type an Arrow struct's fields stand for, if any."""
    names = [f.name for f in fields]
    for expected, tagged, tag, build in _TAGGED_STRUCTS:
        if names == expected:
            tags = fields[names.index(tagged)].metadata or {}
            if tags.get(tag) == b"true":
                return build(tags)
    return None


def _from_arrow_field(field: pa.Field) -> StructField:
    return StructField(field.name, from_arrow_type(field.type), field.nullable)


def from_arrow_schema(schema: pa.Schema) -> StructType:
    """The Spark schema of an Arrow schema."""
    return StructType([_from_arrow_field(f) for f in schema])
