"""The data type classes, as in ``pyspark.sql.types``: PySpark's names, constructors,
``repr``, equality, JSON form (``json()`` / ``fromJson``) and ``simpleString()``;
:meth:`StructType.treeString` prints ``printSchema()``'s text."""

from __future__ import annotations

import json as _json
from collections.abc import Iterator
from typing import Any, ClassVar, overload

from sparkflight.client import variant as _variant
from sparkflight.client.errors import IllegalArgumentException

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
        from sparkflight.client.types.json_form import _parse_datatype_json_string

        return (_parse_datatype_json_string, (self.json(),))

    @classmethod
    def fromDDL(cls, ddl: str) -> DataType:
        """The type a DDL string describes (``"int"``, ``"a int, b string"``)."""
        from sparkflight.client.types.ddl import parse_ddl_type

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
    return IllegalArgumentException(
        errorClass=error_class, messageParameters={name: str(value)}, sqlState="22023"
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
        from sparkflight.client.types.json_form import parse_json_type

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
        from sparkflight.client.types.json_form import parse_json_type

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
        from sparkflight.client.types.json_form import parse_json_type

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
                from sparkflight.client.types.ddl import parse_type_name

                data_type = parse_type_name(data_type)
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


def interval_type(start: str, end: str | None) -> DataType | None:
    """The interval type from field ``start`` to ``end`` (``"day"``, ``"month"``, ...), if any."""
    for cls in (DayTimeIntervalType, YearMonthIntervalType):
        fields = {name: code for code, name in cls._fields.items()}
        if start in fields and (end is None or end in fields):
            return cls(fields[start], fields[end] if end else None)
    return None
