"""Spark's JSON form of a data type, parsed (``DataType.json()`` writes it)."""

from __future__ import annotations

import json as _json
import re
from collections.abc import Callable
from typing import Any

from sparkflight.client.types.datatypes import (
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    CalendarIntervalType,
    CharType,
    DataType,
    DateType,
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
    StringType,
    StructType,
    TimestampNTZType,
    TimestampType,
    TimeType,
    VarcharType,
    VariantType,
    interval_type,
)

_JSON_NAMES: dict[str, Callable[[], DataType]] = {
    "string": StringType,
    "binary": BinaryType,
    "boolean": BooleanType,
    "decimal": DecimalType,
    "float": FloatType,
    "double": DoubleType,
    "byte": ByteType,
    "short": ShortType,
    "integer": IntegerType,
    "long": LongType,
    "date": DateType,
    "timestamp": TimestampType,
    "timestamp_ntz": TimestampNTZType,
    "void": NullType,
    "variant": VariantType,
    "interval": CalendarIntervalType,
}

_INTERVAL = re.compile(r"interval (\w+)(?: to (\w+))?")
# A coordinate reference system id of the geometry and geography JSON forms (``EPSG:3857``).
_CRS = r"\w+:-?\w+"
_JSON_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], DataType]], ...] = (
    (
        re.compile(r"decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)"),
        lambda m: DecimalType(int(m[1]), int(m[2])),
    ),
    (re.compile(r"char\(\s*(\d+)\s*\)"), lambda m: CharType(int(m[1]))),
    (re.compile(r"varchar\(\s*(\d+)\s*\)"), lambda m: VarcharType(int(m[1]))),
    (re.compile(r"time\(\s*(\d+)\s*\)"), lambda m: TimeType(int(m[1]))),
    (re.compile(r"string\s+collate\s+(\w+)"), lambda m: StringType(m[1])),
    (re.compile(r"geometry"), lambda m: GeometryType._from_crs(GeometryType.DEFAULT_CRS)),
    (re.compile(rf"geometry\(\s*({_CRS})\s*\)"), lambda m: GeometryType._from_crs(m[1])),
    (
        re.compile(r"geography"),
        lambda m: GeographyType._from_crs(GeographyType.DEFAULT_CRS, GeographyType.DEFAULT_ALG),
    ),
    (
        re.compile(rf"geography\(\s*({_CRS})\s*\)"),
        lambda m: GeographyType._from_crs(m[1], GeographyType.DEFAULT_ALG),
    ),
    (
        re.compile(rf"geography\(\s*({_CRS})\s*,\s*(\w+)\s*\)"),
        lambda m: GeographyType._from_crs(m[1], m[2]),
    ),
    (
        re.compile(r"geography\(\s*(\w+)\s*\)"),
        lambda m: GeographyType._from_crs(GeographyType.DEFAULT_CRS, m[1]),
    ),
)


def _parse_datatype_json_string(text: str) -> DataType:
    """The type of Spark's JSON form (PySpark's function of the same name)."""
    return parse_json_type(_json.loads(text))


def parse_json_type(
    value: str | dict[str, Any], fieldPath: str = "", collationsMap: dict[str, str] | None = None
) -> DataType:
    """The type of Spark's JSON form, parsed (``json.loads``) already: a name or an object."""
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "array":
            return ArrayType.fromJson(value, fieldPath, collationsMap)
        if kind == "map":
            return MapType.fromJson(value, fieldPath, collationsMap)
        if kind == "struct":
            return StructType.fromJson(value)
        if kind == "udt":
            name = value.get("pyClass") or value.get("class")
            raise ValueError(
                f"Unsupported data type in JSON: the user-defined type {name}, whose Python "
                "class the client does not have; unwrap_udt(col) gives the values it stores"
            )
        raise ValueError(f"Unsupported data type in JSON: {kind!r}")
    if collationsMap and fieldPath in collationsMap:
        if value != "string":
            raise TypeError(f"Collations can only be applied to string types, not {value!r}")
        return StringType(collationsMap[fieldPath])
    if value in _JSON_NAMES:
        return _JSON_NAMES[value]()
    for pattern, build in _JSON_PATTERNS:
        if match := pattern.fullmatch(value):
            return build(match)
    if (match := _INTERVAL.fullmatch(value)) and (
        interval := interval_type(match[1], match[2])
    ) is not None:
        return interval
    raise ValueError(f"Could not parse datatype: {value}")
