"""Spark SQL data types, as in ``pyspark.sql.types``, without a JVM.

The classes have PySpark's names, constructors, ``repr``, equality, JSON form
(``json()`` / ``fromJson``) and ``simpleString()``; :meth:`StructType.treeString`
prints ``printSchema()``'s text. The module also maps types to and from Arrow
(Spark's own mapping) and parses DDL type strings (``"a int, b array<string>"``).
"""

from __future__ import annotations

import json as _json
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, overload

import pyarrow as pa

from sparkflight.client import variant as _variant
from sparkflight.client.errors import IllegalArgumentException
from sparkflight.client.row import Row

__all__ = [
    "Row",
    "DataType",
    "NullType",
    "AtomicType",
    "NumericType",
    "IntegralType",
    "FractionalType",
    "StringType",
    "CharType",
    "VarcharType",
    "BinaryType",
    "BooleanType",
    "DatetimeType",
    "DateType",
    "TimeType",
    "TimestampType",
    "TimestampNTZType",
    "DecimalType",
    "DoubleType",
    "FloatType",
    "ByteType",
    "ShortType",
    "IntegerType",
    "LongType",
    "AnsiIntervalType",
    "DayTimeIntervalType",
    "YearMonthIntervalType",
    "CalendarIntervalType",
    "VariantType",
    "VariantVal",
    "SpatialType",
    "GeometryType",
    "GeographyType",
    "Geometry",
    "Geography",
    "ArrayType",
    "MapType",
    "StructField",
    "StructType",
    "parse_json_type",
    "parse_ddl_type",
    "parse_ddl_schema",
    "DDLParseError",
    "from_arrow_type",
    "to_arrow_type",
    "from_arrow_schema",
    "to_arrow_schema",
]

_COLLATIONS_METADATA_KEY = "__COLLATIONS"


class DataType:
    """Base class for data types."""

    def __repr__(self) -> str:
        return self.__class__.__name__ + "()"

    def __hash__(self) -> int:
        return hash(str(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.__class__) and self.__dict__ == other.__dict__

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    @classmethod
    def typeName(cls) -> str:
        return cls.__name__[:-4].lower()

    def simpleString(self) -> str:
        return self.typeName()

    def jsonValue(self) -> str | dict[str, Any]:
        return self.typeName()

    def json(self) -> str:
        return _json.dumps(self.jsonValue(), separators=(",", ":"), sort_keys=True)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as Spark's JSON form, which a server reads as PySpark's type."""
        return (_parse_datatype_json_string, (self.json(),))

    @classmethod
    def fromDDL(cls, ddl: str) -> DataType:
        """The type a DDL string describes (``"int"``, ``"a int, b string"``)."""
        return parse_ddl_type(ddl)

    def _tree_name(self) -> str:
        """The type's name in ``printSchema()`` output (Scala's ``typeName``)."""
        return self.typeName()

    def _build_tree(self, prefix: str, out: list[str], depth: int) -> None:
        """Append the lines of nested types below this one (none for atomic types)."""


class NullType(DataType):
    """The type of ``None``, for values whose type cannot be inferred."""

    @classmethod
    def typeName(cls) -> str:
        return "void"


class AtomicType(DataType):
    """Every type that is not null, array, map or struct."""


class NumericType(AtomicType):
    """Numeric types."""


class IntegralType(NumericType):
    """Integral types."""


class FractionalType(NumericType):
    """Fractional types."""


class StringType(AtomicType):
    """String type, optionally with a collation."""

    def __init__(self, collation: str = "UTF8_BINARY"):
        self.collation = collation

    def isUTF8BinaryCollation(self) -> bool:
        return self.collation == "UTF8_BINARY"

    def simpleString(self) -> str:
        return "string" if self.isUTF8BinaryCollation() else f"string collate {self.collation}"

    def jsonValue(self) -> str:
        return self.simpleString()

    def __repr__(self) -> str:
        return "StringType()" if self.isUTF8BinaryCollation() else f"StringType('{self.collation}')"


class _LengthType(AtomicType):
    def __init__(self, length: int):
        self.length = length

    def simpleString(self) -> str:
        return f"{self.typeName()}({self.length})"

    def jsonValue(self) -> str:
        return self.simpleString()

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.length})"

    def _tree_name(self) -> str:
        return self.simpleString()


class CharType(_LengthType):
    """Fixed-length character type ``char(n)``."""


class VarcharType(_LengthType):
    """Variable-length character type ``varchar(n)``."""


class BinaryType(AtomicType):
    """Byte array type."""


class BooleanType(AtomicType):
    """Boolean type."""


class DatetimeType(AtomicType):
    """Super class of the date and time types."""


class DateType(DatetimeType):
    """Date type (``datetime.date``)."""


class TimeType(DatetimeType):
    """Time of day type (``datetime.time``) with a fractional-second precision."""

    def __init__(self, precision: int = 6):
        self.precision = precision

    def simpleString(self) -> str:
        return f"time({self.precision})"

    def jsonValue(self) -> str:
        return self.simpleString()

    def __repr__(self) -> str:
        return f"TimeType({self.precision})"

    def _tree_name(self) -> str:
        return self.simpleString()


class TimestampType(DatetimeType):
    """Timestamp with local time zone (``datetime.datetime``)."""


class TimestampNTZType(DatetimeType):
    """Timestamp without time zone (``datetime.datetime``)."""

    @classmethod
    def typeName(cls) -> str:
        return "timestamp_ntz"


class DecimalType(FractionalType):
    """Decimal type with a precision (total digits, at most 38) and scale."""

    def __init__(self, precision: int = 10, scale: int = 0):
        self.precision = precision
        self.scale = scale
        self.hasPrecisionInfo = True

    def simpleString(self) -> str:
        return f"decimal({self.precision},{self.scale})"

    def jsonValue(self) -> str:
        return self.simpleString()

    def __repr__(self) -> str:
        return f"DecimalType({self.precision},{self.scale})"

    def _tree_name(self) -> str:
        return self.simpleString()


class DoubleType(FractionalType):
    """Double precision floating point type."""


class FloatType(FractionalType):
    """Single precision floating point type."""


class ByteType(IntegralType):
    """Signed 8-bit integer type."""

    def simpleString(self) -> str:
        return "tinyint"


class ShortType(IntegralType):
    """Signed 16-bit integer type."""

    def simpleString(self) -> str:
        return "smallint"


class IntegerType(IntegralType):
    """Signed 32-bit integer type."""

    def simpleString(self) -> str:
        return "int"


class LongType(IntegralType):
    """Signed 64-bit integer type."""

    def simpleString(self) -> str:
        return "bigint"


class AnsiIntervalType(AtomicType):
    """ANSI SQL interval types: a range of fields, from ``startField`` to ``endField``."""

    _fields: ClassVar[dict[int, str]] = {}

    def __init__(self, startField: int | None = None, endField: int | None = None):
        if startField is None and endField is None:
            startField, endField = min(self._fields), max(self._fields)
        elif endField is None:
            endField = startField
        if startField not in self._fields or endField not in self._fields:
            raise ValueError(f"invalid interval fields: {startField} to {endField}")
        self.startField = startField
        self.endField = endField

    def simpleString(self) -> str:
        start, end = self._fields[self.startField], self._fields[self.endField]
        return f"interval {start}" if start == end else f"interval {start} to {end}"

    def jsonValue(self) -> str:
        return self.simpleString()

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.startField}, {self.endField})"

    def _tree_name(self) -> str:
        return self.simpleString()


class DayTimeIntervalType(AnsiIntervalType):
    """Day-time interval (``datetime.timedelta``)."""

    DAY = 0
    HOUR = 1
    MINUTE = 2
    SECOND = 3
    _fields: ClassVar[dict[int, str]] = {
        DAY: "day",
        HOUR: "hour",
        MINUTE: "minute",
        SECOND: "second",
    }


class YearMonthIntervalType(AnsiIntervalType):
    """Year-month interval."""

    YEAR = 0
    MONTH = 1
    _fields: ClassVar[dict[int, str]] = {YEAR: "year", MONTH: "month"}


class CalendarIntervalType(DataType):
    """Calendar interval: months, days and microseconds."""

    @classmethod
    def typeName(cls) -> str:
        return "interval"


class VariantType(AtomicType):
    """Semi-structured variant type."""


class VariantVal:
    """A variant value: Spark's binary encoding, as ``value`` and ``metadata`` bytes.

    ``toPython()`` decodes it to Python values, ``toJson(zone_id)`` to JSON text (what
    ``str()`` gives, in UTC); ``VariantVal.parseJson(text)`` builds one from JSON.
    """

    def __init__(self, value: bytes, metadata: bytes):
        self.value = value
        self.metadata = metadata

    def __str__(self) -> str:
        return self.toJson()

    def __repr__(self) -> str:
        return f"VariantVal({self.value!r}, {self.metadata!r})"

    def toPython(self) -> Any:
        """The value as ``dict``, ``list``, ``str``, ``int``, ``float``, ``Decimal``, ..."""
        return _variant.to_python(self.value, self.metadata)

    def toJson(self, zone_id: str = "UTC") -> str:
        """The value as JSON text, timestamps shown in the time zone ``zone_id``."""
        return _variant.to_json(self.value, self.metadata, zone_id)

    @classmethod
    def parseJson(cls, json_str: str) -> VariantVal:
        """The variant of a JSON text."""
        value, metadata = _variant.from_json(json_str)
        return VariantVal(value, metadata)


# Spatial reference systems Spark supports: SRID -> (CRS id, whether it is geographic).
_SPATIAL_REFERENCE_SYSTEMS: dict[int, tuple[str, bool]] = {
    0: ("SRID:0", False),
    3857: ("EPSG:3857", False),
    4326: ("OGC:CRS84", True),
}
_SRID_BY_CRS: dict[str, int] = {crs: srid for srid, (crs, _) in _SPATIAL_REFERENCE_SYSTEMS.items()}


def _illegal_spatial_value(error_class: str, name: str, value: object) -> IllegalArgumentException:
    messages = {
        "ST_INVALID_SRID_VALUE": f"Invalid or unsupported SRID (spatial reference identifier) "
        f"value: {value}.",
        "ST_INVALID_CRS_VALUE": f"Invalid or unsupported CRS (coordinate reference system) "
        f"value: '{value}'.",
        "ST_INVALID_ALGORITHM_VALUE": "Invalid or unsupported edge interpolation algorithm "
        f"value: '{value}'.",
    }
    return IllegalArgumentException(
        message=f"[{error_class}] {messages[error_class]}",
        errorClass=error_class,
        messageParameters={name: str(value)},
        sqlState="22023",
    )


class SpatialType(AtomicType):
    """Super class of :class:`GeometryType` and :class:`GeographyType`.

    A type has one SRID (spatial reference identifier) or, ``"ANY"``, a different one per
    value (``MIXED_SRID``). Its JSON form names the coordinate reference system instead.
    """

    MIXED_SRID = -1
    MIXED_CRS = "SRID:ANY"
    DEFAULT_CRS = "OGC:CRS84"
    DEFAULT_SRID = 4326
    _geographic_only: ClassVar[bool] = False

    def __init__(self, srid: int | str):
        if srid == "ANY":
            self.srid = self.MIXED_SRID
            self._crs = self.MIXED_CRS
            return
        system = (
            _SPATIAL_REFERENCE_SYSTEMS.get(srid)
            if isinstance(srid, int) and not isinstance(srid, bool)
            else None
        )
        if system is None or (self._geographic_only and not system[1]):
            raise _illegal_spatial_value("ST_INVALID_SRID_VALUE", "srid", srid)
        self.srid: int = srid  # type: ignore[assignment]
        self._crs = system[0]

    @classmethod
    def _srid_of_crs(cls, crs: str) -> int | str:
        """The SRID (or ``"ANY"``) of a CRS id of the JSON form (``"SRID:ANY"`` in any case)."""
        if crs.lower() == cls.MIXED_CRS.lower():
            return "ANY"
        srid = _SRID_BY_CRS.get(crs)
        if srid is None or (cls._geographic_only and not _SPATIAL_REFERENCE_SYSTEMS[srid][1]):
            raise _illegal_spatial_value("ST_INVALID_CRS_VALUE", "crs", crs)
        return srid

    def simpleString(self) -> str:
        srid = "any" if self.srid == self.MIXED_SRID else self.srid
        return f"{self.typeName()}({srid})"

    def __repr__(self) -> str:
        srid = "ANY" if self.srid == self.MIXED_SRID else self.srid
        return f"{self.__class__.__name__}({srid})"

    def _tree_name(self) -> str:
        return self.simpleString()


class GeometryType(SpatialType):
    """Geometries (OGC simple features) in a Cartesian coordinate system; values are
    :class:`Geometry`. ``GeometryType(srid)`` takes SRID 0, 3857 or 4326, or ``"ANY"``."""

    @classmethod
    def _from_crs(cls, crs: str) -> GeometryType:
        geometry = GeometryType(cls._srid_of_crs(crs))
        if geometry.srid != cls.MIXED_SRID:
            geometry._crs = crs
        return geometry

    def jsonValue(self) -> str:
        return f"geometry({self._crs})"


class GeographyType(SpatialType):
    """Geographies (OGC simple features) in a geographic coordinate system with spherical
    edges; values are :class:`Geography`. ``GeographyType(srid)`` takes 4326 or ``"ANY"``."""

    DEFAULT_ALG = "SPHERICAL"
    _geographic_only: ClassVar[bool] = True

    def __init__(self, srid: int | str):
        super().__init__(srid)
        self._alg = self.DEFAULT_ALG

    @classmethod
    def _from_crs(cls, crs: str, alg: str) -> GeographyType:
        if alg != cls.DEFAULT_ALG:
            raise _illegal_spatial_value("ST_INVALID_ALGORITHM_VALUE", "alg", alg)
        geography = GeographyType(cls._srid_of_crs(crs))
        if geography.srid != cls.MIXED_SRID:
            geography._crs = crs
        return geography

    def jsonValue(self) -> str:
        return f"geography({self._crs}, {self._alg})"


class _SpatialValue:
    """A spatial value: its WKB (well-known binary) bytes and its SRID."""

    def __init__(self, wkb: bytes, srid: int):
        self.wkb = wkb
        self.srid = srid

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.wkb!r}, {self.srid:d})"

    __str__ = __repr__

    def getSrid(self) -> int:
        """The SRID of the value."""
        return self.srid

    def getBytes(self) -> bytes:
        """The WKB of the value."""
        return self.wkb

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        return self.wkb == other.wkb and self.srid == other.srid

    __hash__ = None  # type: ignore[assignment]


class Geometry(_SpatialValue):
    """A value of :class:`GeometryType`."""

    @classmethod
    def fromWKB(cls, wkb: bytes, srid: int) -> Geometry:
        """The geometry of WKB bytes and an SRID."""
        return Geometry(wkb, srid)


class Geography(_SpatialValue):
    """A value of :class:`GeographyType`."""

    @classmethod
    def fromWKB(cls, wkb: bytes, srid: int) -> Geography:
        """The geography of WKB bytes and an SRID."""
        return Geography(wkb, srid)


class ArrayType(DataType):
    """Array of ``elementType``; ``containsNull`` tells whether elements may be null."""

    def __init__(self, elementType: DataType, containsNull: bool = True):
        if not isinstance(elementType, DataType):
            raise TypeError(f"elementType {elementType} should be an instance of DataType")
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self) -> str:
        return f"array<{self.elementType.simpleString()}>"

    def __repr__(self) -> str:
        return f"ArrayType({self.elementType}, {self.containsNull})"

    def jsonValue(self) -> dict[str, Any]:
        return {
            "type": self.typeName(),
            "elementType": self.elementType.jsonValue(),
            "containsNull": self.containsNull,
        }

    @classmethod
    def fromJson(
        cls, json: dict[str, Any], fieldPath: str = "", collationsMap: dict[str, str] | None = None
    ) -> ArrayType:
        path = _child_path(fieldPath, "element")
        return ArrayType(
            parse_json_type(json["elementType"], path, collationsMap), json["containsNull"]
        )

    def toNullable(self) -> ArrayType:
        """The same type with every nullability flag set."""
        return ArrayType(_as_nullable(self.elementType), True)

    def _build_tree(self, prefix: str, out: list[str], depth: int) -> None:
        if depth > 0:
            out.append(
                f"{prefix}-- element: {self.elementType._tree_name()} "
                f"(containsNull = {str(self.containsNull).lower()})\n"
            )
            self.elementType._build_tree(f"{prefix}    |", out, depth - 1)


class MapType(DataType):
    """Map from ``keyType`` to ``valueType``; keys are never null."""

    def __init__(self, keyType: DataType, valueType: DataType, valueContainsNull: bool = True):
        for name, value in (("keyType", keyType), ("valueType", valueType)):
            if not isinstance(value, DataType):
                raise TypeError(f"{name} {value} should be an instance of DataType")
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self) -> str:
        return f"map<{self.keyType.simpleString()},{self.valueType.simpleString()}>"

    def __repr__(self) -> str:
        return f"MapType({self.keyType}, {self.valueType}, {self.valueContainsNull})"

    def jsonValue(self) -> dict[str, Any]:
        return {
            "type": self.typeName(),
            "keyType": self.keyType.jsonValue(),
            "valueType": self.valueType.jsonValue(),
            "valueContainsNull": self.valueContainsNull,
        }

    @classmethod
    def fromJson(
        cls, json: dict[str, Any], fieldPath: str = "", collationsMap: dict[str, str] | None = None
    ) -> MapType:
        return MapType(
            parse_json_type(json["keyType"], _child_path(fieldPath, "key"), collationsMap),
            parse_json_type(json["valueType"], _child_path(fieldPath, "value"), collationsMap),
            json["valueContainsNull"],
        )

    def toNullable(self) -> MapType:
        """The same type with every nullability flag set."""
        return MapType(_as_nullable(self.keyType), _as_nullable(self.valueType), True)

    def _build_tree(self, prefix: str, out: list[str], depth: int) -> None:
        if depth > 0:
            out.append(f"{prefix}-- key: {self.keyType._tree_name()}\n")
            self.keyType._build_tree(f"{prefix}    |", out, depth - 1)
            out.append(
                f"{prefix}-- value: {self.valueType._tree_name()} "
                f"(valueContainsNull = {str(self.valueContainsNull).lower()})\n"
            )
            self.valueType._build_tree(f"{prefix}    |", out, depth - 1)


class StructField(DataType):
    """A named field of a :class:`StructType`."""

    def __init__(
        self,
        name: str,
        dataType: DataType,
        nullable: bool = True,
        metadata: dict[str, Any] | None = None,
    ):
        if not isinstance(dataType, DataType):
            raise TypeError(f"dataType {dataType} should be an instance of DataType")
        if not isinstance(name, str):
            raise TypeError(f"field name {name} should be a string")
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self) -> str:
        return f"{self.name}:{self.dataType.simpleString()}"

    def __repr__(self) -> str:
        return f"StructField('{self.name}', {self.dataType}, {self.nullable})"

    def typeName(self) -> str:  # type: ignore[override]
        raise TypeError("StructField does not have typeName. Use typeName on its type explicitly.")

    def jsonValue(self) -> dict[str, Any]:
        collations: dict[str, str] = {}
        _collect_collations(self.dataType, self.name, collations)
        metadata = self.metadata
        data_type = self.dataType
        if collations:
            metadata = {**metadata, _COLLATIONS_METADATA_KEY: collations}
            data_type = _without_collations(data_type)
        return {
            "name": self.name,
            "type": data_type.jsonValue(),
            "nullable": self.nullable,
            "metadata": metadata,
        }

    @classmethod
    def fromJson(cls, json: dict[str, Any]) -> StructField:
        metadata = dict(json.get("metadata") or {})
        collations = {
            path: value.split(".", 1)[1]
            for path, value in metadata.pop(_COLLATIONS_METADATA_KEY, {}).items()
        }
        return StructField(
            json["name"],
            parse_json_type(json["type"], json["name"], collations),
            json.get("nullable", True),
            metadata,
        )

    def _build_tree(self, prefix: str, out: list[str], depth: int) -> None:
        if depth > 0:
            out.append(
                f"{prefix}-- {_escape_meta_characters(self.name)}: {self.dataType._tree_name()} "
                f"(nullable = {str(self.nullable).lower()})\n"
            )
            self.dataType._build_tree(f"{prefix}    |", out, depth - 1)


class StructType(DataType):
    """A list of :class:`StructField`, the type of a row."""

    def __init__(self, fields: list[StructField] | None = None):
        self.fields: list[StructField] = list(fields) if fields else []
        if not all(isinstance(f, StructField) for f in self.fields):
            raise TypeError("fields should be a list of StructField")
        self.names: list[str] = [f.name for f in self.fields]

    @overload
    def add(
        self,
        field: str,
        data_type: str | DataType,
        nullable: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> StructType: ...

    @overload
    def add(self, field: StructField) -> StructType: ...

    def add(
        self,
        field: str | StructField,
        data_type: str | DataType | None = None,
        nullable: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> StructType:
        """Append a field, given as a :class:`StructField` or as name, type and flags.

        A type given as a string is a JSON type name (``"integer"``) or a DDL type (``"int"``).
        """
        if isinstance(field, StructField):
            new = field
        else:
            if data_type is None:
                raise ValueError("data_type is required when passing the name of a field")
            if isinstance(data_type, str):
                data_type = _parse_type_name(data_type)
            new = StructField(field, data_type, nullable, metadata)
        self.fields.append(new)
        self.names.append(new.name)
        return self

    def __iter__(self) -> Iterator[StructField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    @overload
    def __getitem__(self, key: str | int) -> StructField: ...

    @overload
    def __getitem__(self, key: slice) -> StructType: ...

    def __getitem__(self, key: str | int | slice) -> StructField | StructType:
        """A field by name or position, or a struct of the fields of a slice."""
        if isinstance(key, str):
            for field in self.fields:
                if field.name == key:
                    return field
            raise KeyError(f"No StructField named {key}")
        if isinstance(key, int):
            try:
                return self.fields[key]
            except IndexError:
                raise IndexError("StructType index out of range") from None
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise TypeError(f"key should be an int, slice or str, got {type(key).__name__}")

    def fieldNames(self) -> list[str]:
        return list(self.names)

    def simpleString(self) -> str:
        return "struct<{}>".format(",".join(f.simpleString() for f in self.fields))

    def __repr__(self) -> str:
        return "StructType([{}])".format(", ".join(str(f) for f in self.fields))

    def jsonValue(self) -> dict[str, Any]:
        return {"type": self.typeName(), "fields": [f.jsonValue() for f in self.fields]}

    @classmethod
    def fromJson(cls, json: dict[str, Any]) -> StructType:
        return StructType([StructField.fromJson(f) for f in json["fields"]])

    def toNullable(self) -> StructType:
        """The same type with every nullability flag set."""
        return StructType(
            [StructField(f.name, _as_nullable(f.dataType), True, f.metadata) for f in self.fields]
        )

    def treeString(self, maxDepth: int = 2**31 - 1) -> str:
        """The schema as ``printSchema()`` prints it; ``maxDepth`` <= 0 means unlimited."""
        out = ["root\n"]
        depth = maxDepth if maxDepth > 0 else 2**31 - 1
        for field in self.fields:
            field._build_tree(" |", out, depth)
        return "".join(out)

    def _build_tree(self, prefix: str, out: list[str], depth: int) -> None:
        for field in self.fields:
            field._build_tree(prefix, out, depth)


def _as_nullable(data_type: DataType) -> DataType:
    to_nullable = getattr(data_type, "toNullable", None)
    return to_nullable() if to_nullable is not None else data_type


def _child_path(path: str, child: str) -> str:
    return child if path == "" else f"{path}.{child}"


def _escape_meta_characters(text: str) -> str:
    for char, escaped in (
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\f", "\\f"),
        ("\b", "\\b"),
        ("\u000b", "\\v"),
        ("\u0007", "\\a"),
    ):
        text = text.replace(char, escaped)
    return text


def _collect_collations(data_type: DataType, path: str, out: dict[str, str]) -> None:
    """Record the collated strings of a field's type (not inside nested structs) by path."""
    if isinstance(data_type, StringType) and not data_type.isUTF8BinaryCollation():
        provider = "spark" if data_type.collation.startswith("UTF8") else "icu"
        out[path] = f"{provider}.{data_type.collation}"
    elif isinstance(data_type, ArrayType):
        _collect_collations(data_type.elementType, f"{path}.element", out)
    elif isinstance(data_type, MapType):
        _collect_collations(data_type.keyType, f"{path}.key", out)
        _collect_collations(data_type.valueType, f"{path}.value", out)


def _without_collations(data_type: DataType) -> DataType:
    if isinstance(data_type, StringType):
        return StringType()
    if isinstance(data_type, ArrayType):
        return ArrayType(_without_collations(data_type.elementType), data_type.containsNull)
    if isinstance(data_type, MapType):
        return MapType(
            _without_collations(data_type.keyType),
            _without_collations(data_type.valueType),
            data_type.valueContainsNull,
        )
    return data_type


# --- JSON form ---------------------------------------------------------------------------

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


def _interval_type(start: str, end: str | None) -> DataType | None:
    for cls in (DayTimeIntervalType, YearMonthIntervalType):
        fields = {name: code for code, name in cls._fields.items()}
        if start in fields and (end is None or end in fields):
            return cls(fields[start], fields[end] if end else None)
    return None


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
        interval := _interval_type(match[1], match[2])
    ) is not None:
        return interval
    raise ValueError(f"Could not parse datatype: {value}")


def _parse_type_name(text: str) -> DataType:
    """A JSON type name (``"integer"``) or, failing that, a DDL type (``"int"``)."""
    try:
        return parse_json_type(text)
    except ValueError:
        return parse_ddl_type(text)


# --- DDL strings -------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<quoted>`(?:[^`]|``)*`)|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<number>-?\d+)|(?P<word>\w+)|(?P<punct>[<>(),:]))"
)

_DDL_SIMPLE: dict[str, Callable[[], DataType]] = {
    "boolean": BooleanType,
    "bool": BooleanType,
    "tinyint": ByteType,
    "byte": ByteType,
    "smallint": ShortType,
    "short": ShortType,
    "int": IntegerType,
    "integer": IntegerType,
    "bigint": LongType,
    "long": LongType,
    "float": FloatType,
    "real": FloatType,
    "double": DoubleType,
    "date": DateType,
    "timestamp": TimestampType,
    "timestamp_ltz": TimestampType,
    "timestamp_ntz": TimestampNTZType,
    "binary": BinaryType,
    "void": NullType,
    "variant": VariantType,
}
_DDL_DECIMAL = ("decimal", "dec", "numeric")
_DDL_SPATIAL: dict[str, Callable[[int | str], DataType]] = {
    "geometry": GeometryType,
    "geography": GeographyType,
}


class DDLParseError(ValueError):
    """A DDL string that is not a valid type or schema."""

    def __init__(self, text: str, position: int, message: str):
        super().__init__(f"Cannot parse DDL {text!r} at position {position}: {message}")
        self.position = position


class _Token:
    __slots__ = ("kind", "text", "position")

    def __init__(self, kind: str, text: str, position: int):
        self.kind = kind
        self.text = text
        self.position = position


class _DDLParser:
    """A recursive-descent parser of Spark's DDL type and schema strings."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[_Token] = []
        position = 0
        stripped = text.rstrip()
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if match is None or match.end() == position:
                self._fail(f"unexpected character {stripped[position:].lstrip()[:1]!r}", position)
            kind = match.lastgroup or ""
            self.tokens.append(_Token(kind, match[kind], match.start(kind)))
            position = match.end()
        self.index = 0

    def _fail(self, message: str, position: int | None = None) -> None:
        if position is None:
            token = self._peek()
            position = token.position if token else len(self.text)
        raise DDLParseError(self.text, position, message)

    def _peek(self, offset: int = 0) -> _Token | None:
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _peek_word(self, offset: int = 0) -> str | None:
        token = self._peek(offset)
        return token.text.lower() if token and token.kind == "word" else None

    def _at(self, punct: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "punct" and token.text == punct

    def _expect(self, punct: str) -> None:
        if not self._at(punct):
            token = self._peek()
            found = repr(token.text) if token else "end of input"
            self._fail(f"expected {punct!r}, found {found}")
        self.index += 1

    def _number(self) -> int:
        token = self._peek()
        if token is None or token.kind != "number":
            self._fail("expected a number")
        self.index += 1
        return int(token.text)  # type: ignore[union-attr]

    def _word(self) -> str:
        word = self._peek_word()
        if word is None:
            self._fail("expected a type name")
        self.index += 1
        return word  # type: ignore[return-value]

    def done(self) -> bool:
        return self.index == len(self.tokens)

    def at_struct_type(self) -> bool:
        """Whether the input continues with ``struct<``."""
        following = self._peek(1)
        return self._peek_word() == "struct" and following is not None and following.text == "<"

    def data_type(self) -> DataType:
        name = self._word()
        if name in _DDL_SIMPLE:
            return _DDL_SIMPLE[name]()
        if name in _DDL_DECIMAL:
            if not self._at("("):
                return DecimalType()
            self._expect("(")
            precision, scale = self._number(), 0
            if self._at(","):
                self._expect(",")
                scale = self._number()
            self._expect(")")
            return DecimalType(precision, scale)
        if name == "string":
            if self._peek_word() == "collate":
                self.index += 1
                collation = self._peek()
                if collation is None or collation.kind not in ("word", "quoted"):
                    self._fail("expected a collation name")
                self.index += 1
                return StringType(_unquote(collation))  # type: ignore[arg-type]
            return StringType()
        if name in ("char", "character", "varchar", "time"):
            self._expect("(")
            size = self._number()
            self._expect(")")
            return {"char": CharType, "character": CharType, "varchar": VarcharType}.get(
                name, TimeType
            )(size)
        if name == "array":
            self._expect("<")
            element = self.data_type()
            self._expect(">")
            return ArrayType(element, True)
        if name == "map":
            self._expect("<")
            key = self.data_type()
            self._expect(",")
            value = self.data_type()
            self._expect(">")
            return MapType(key, value, True)
        if name == "struct":
            self._expect("<")
            fields = [] if self._at(">") else self.fields()
            self._expect(">")
            return StructType(fields)
        if name in _DDL_SPATIAL:
            self._expect("(")
            token = self._peek()
            if token is not None and token.kind == "number":
                srid: int | str = self._number()
            elif self._peek_word() == "any":
                self.index += 1
                srid = "ANY"
            else:
                self._fail("expected an SRID or ANY")
            self._expect(")")
            return _DDL_SPATIAL[name](srid)
        if name == "interval":
            start = self._peek_word()
            if start is None:
                return CalendarIntervalType()
            self.index += 1
            end = None
            if self._peek_word() == "to":
                self.index += 1
                end = self._word()
            interval = _interval_type(start, end)
            if interval is None:
                self._fail(f"invalid interval 'interval {start}{' to ' + end if end else ''}'")
            return interval  # type: ignore[return-value]
        self.index -= 1
        self._fail(f"unsupported data type {name!r}")
        raise AssertionError  # unreachable: _fail raises

    def field(self) -> StructField:
        token = self._peek()
        if token is None or token.kind not in ("word", "quoted"):
            self._fail("expected a field name")
        self.index += 1
        name = _unquote(token)  # type: ignore[arg-type]
        if self._at(":"):
            self._expect(":")
        data_type = self.data_type()
        nullable = True
        metadata: dict[str, Any] = {}
        while (word := self._peek_word()) in ("not", "comment"):
            self.index += 1
            if word == "not":
                if self._word() != "null":
                    self._fail("expected NULL after NOT")
                nullable = False
            else:
                comment = self._peek()
                if comment is None or comment.kind != "string":
                    self._fail("expected a comment string")
                self.index += 1
                metadata["comment"] = _unquote(comment)  # type: ignore[arg-type]
        return StructField(name, data_type, nullable, metadata or None)

    def fields(self) -> list[StructField]:
        fields = [self.field()]
        while self._at(","):
            self._expect(",")
            fields.append(self.field())
        return fields


def _unquote(token: _Token) -> str:
    if token.kind == "quoted":
        return token.text[1:-1].replace("``", "`")
    if token.kind == "string":
        body = token.text[1:-1]
        return re.sub(r"\\(.)", r"\1", body)
    return token.text


def parse_ddl_schema(text: str) -> StructType:
    """The schema a DDL string describes: ``"a int, b string"``, ``"a: int"``, ``"struct<...>"``.

    Raises :class:`DDLParseError` (a ``ValueError``) on text that is not a schema.
    """
    parser = _DDLParser(text)
    if parser.done():
        return StructType()
    if parser.at_struct_type():
        data_type = parser.data_type()
        if parser.done():
            return data_type  # type: ignore[return-value]
        parser._fail("unexpected text after the struct type")
    fields = parser.fields()
    if not parser.done():
        parser._fail("expected ',' or end of input")
    return StructType(fields)


def parse_ddl_type(text: str) -> DataType:
    """The type a DDL string describes: a type (``"array<int>"``) or a schema (``"a int"``).

    Raises :class:`DDLParseError` on text that is neither.
    """
    try:
        parser = _DDLParser(text)
        data_type = parser.data_type()
        if not parser.done():
            parser._fail("unexpected text after the type")
        return data_type
    except DDLParseError as type_error:
        try:
            return parse_ddl_schema(text)
        except DDLParseError as schema_error:
            # Report the reading that got further.
            raise max(type_error, schema_error, key=lambda e: e.position) from None


# --- Arrow -------------------------------------------------------------------------------

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
