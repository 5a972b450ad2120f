"""The client's types against pyspark.sql.types: reprs, JSON, simple strings, printSchema trees."""

from __future__ import annotations

import json
import pickle

import pyarrow as pa
import pytest
from pyspark.sql import types as ps
from pyspark.sql.pandas import types as ps_arrow

from sparkflight.client import types as t

SPATIAL = [
    t.GeometryType(0),
    t.GeometryType(3857),
    t.GeometryType(4326),
    t.GeometryType("ANY"),
    t.GeographyType(4326),
    t.GeographyType("ANY"),
]

ATOMIC = [
    t.NullType(),
    t.StringType(),
    t.StringType("UTF8_LCASE"),
    t.StringType("UNICODE_CI"),
    t.CharType(5),
    t.VarcharType(10),
    t.BinaryType(),
    t.BooleanType(),
    t.DateType(),
    t.TimeType(3),
    t.TimestampType(),
    t.TimestampNTZType(),
    t.DecimalType(),
    t.DecimalType(38, 18),
    t.DoubleType(),
    t.FloatType(),
    t.ByteType(),
    t.ShortType(),
    t.IntegerType(),
    t.LongType(),
    t.DayTimeIntervalType(),
    t.DayTimeIntervalType(t.DayTimeIntervalType.HOUR),
    t.DayTimeIntervalType(t.DayTimeIntervalType.DAY, t.DayTimeIntervalType.MINUTE),
    t.YearMonthIntervalType(),
    t.YearMonthIntervalType(t.YearMonthIntervalType.MONTH),
    t.CalendarIntervalType(),
    t.VariantType(),
    *SPATIAL,
]

NESTED_STRUCT = t.StructType(
    [
        t.StructField("a", t.LongType(), True),
        t.StructField("b", t.StringType(), False, {"comment": "a comment"}),
        t.StructField(
            "c",
            t.ArrayType(
                t.StructType(
                    [
                        t.StructField("x", t.DecimalType(10, 2)),
                        t.StructField("y", t.ArrayType(t.IntegerType(), False)),
                    ]
                )
            ),
        ),
        t.StructField(
            "d", t.MapType(t.StringType(), t.MapType(t.IntegerType(), t.VarcharType(3), False))
        ),
        t.StructField("e\tf", t.TimestampNTZType()),
        t.StructField(
            "g", t.MapType(t.StructType([t.StructField("k", t.DateType())]), t.CharType(2))
        ),
        t.StructField("h", t.ArrayType(t.StringType("UNICODE_CI"))),
        t.StructField("i", t.DayTimeIntervalType(1, 2)),
        t.StructField("j", t.StructType()),
    ]
)

COMPLEX = [
    t.ArrayType(t.IntegerType()),
    t.ArrayType(t.StringType(), False),
    t.MapType(t.StringType(), t.LongType()),
    t.MapType(t.IntegerType(), t.ArrayType(t.DoubleType()), False),
    t.StructType(),
    t.StructType([t.StructField("a", t.IntegerType(), False)]),
    NESTED_STRUCT,
]

ALL = ATOMIC + COMPLEX


def pyspark_twin(data_type: t.DataType) -> ps.DataType:
    """The pyspark type built the same way (atomic types by evaluating our repr)."""
    if isinstance(data_type, t.StructType):
        return ps.StructType(
            [
                ps.StructField(f.name, pyspark_twin(f.dataType), f.nullable, dict(f.metadata))
                for f in data_type.fields
            ]
        )
    if isinstance(data_type, t.ArrayType):
        return ps.ArrayType(pyspark_twin(data_type.elementType), data_type.containsNull)
    if isinstance(data_type, t.MapType):
        return ps.MapType(
            pyspark_twin(data_type.keyType),
            pyspark_twin(data_type.valueType),
            data_type.valueContainsNull,
        )
    if isinstance(data_type, t.SpatialType):
        srid = "ANY" if data_type.srid == t.SpatialType.MIXED_SRID else data_type.srid
        return getattr(ps, type(data_type).__name__)(srid)
    return eval(repr(data_type), vars(ps))


@pytest.mark.parametrize("data_type", ALL, ids=repr)
def test_matches_pyspark(data_type: t.DataType) -> None:
    twin = pyspark_twin(data_type)
    assert repr(twin) == repr(data_type)
    assert data_type.simpleString() == twin.simpleString()
    assert data_type.typeName() == twin.typeName()
    assert data_type.jsonValue() == twin.jsonValue()
    assert data_type.json() == twin.json()
    assert hash(data_type) == hash(twin)


@pytest.mark.parametrize("data_type", ALL, ids=repr)
def test_json_round_trip(data_type: t.DataType) -> None:
    twin = pyspark_twin(data_type)
    assert t.parse_json_type(json.loads(twin.json())) == data_type
    assert t.parse_json_type(json.loads(data_type.json())) == data_type
    assert pickle.loads(pickle.dumps(data_type)) == data_type


def test_struct_json_with_collations_and_metadata() -> None:
    schema = t.StructType(
        [
            t.StructField("s", t.StringType("UTF8_LCASE"), True, {"k": 1}),
            t.StructField("m", t.MapType(t.StringType("UNICODE"), t.StringType())),
        ]
    )
    twin = pyspark_twin(schema)
    assert schema.json() == twin.json()
    assert t.StructType.fromJson(json.loads(twin.json())) == schema
    assert ps.StructType.fromJson(json.loads(schema.json())) == twin


@pytest.mark.parametrize("depth", [-1, 0, 1, 2, 3])
def test_tree_string_matches_print_schema(depth: int) -> None:
    assert NESTED_STRUCT.treeString(depth) == pyspark_twin(NESTED_STRUCT).treeString(depth)


def test_tree_string_text() -> None:
    schema = t.StructType([t.StructField("a", t.LongType())])
    assert schema.treeString() == "root\n |-- a: long (nullable = true)\n"


def test_equality_and_hashing() -> None:
    assert t.IntegerType() == t.IntegerType()
    assert t.IntegerType() != t.LongType()
    assert t.DecimalType(10, 2) != t.DecimalType(10, 3)
    assert len({t.StringType(), t.StringType(), t.StringType("UNICODE")}) == 2
    assert t.ArrayType(t.IntegerType()) != t.ArrayType(t.IntegerType(), False)
    assert t.StructField("a", t.IntegerType()) == t.StructField("a", t.IntegerType(), True, None)


def test_struct_type_api() -> None:
    schema = t.StructType().add("a", t.IntegerType()).add("b", "string", False)
    schema.add(t.StructField("c", t.DoubleType())).add("d", "array<int>")
    assert schema.names == ["a", "b", "c", "d"] == schema.fieldNames()
    assert len(schema) == 4
    assert [f.name for f in schema] == schema.names
    assert schema["b"] == t.StructField("b", t.StringType(), False)
    assert schema[0].name == "a" and schema[-1].dataType == t.ArrayType(t.IntegerType())
    assert schema[1:3] == t.StructType([schema["b"], schema["c"]])
    with pytest.raises(KeyError):
        schema["zz"]
    with pytest.raises(IndexError):
        schema[10]
    with pytest.raises(TypeError):
        schema[1.5]  # type: ignore[call-overload]
    with pytest.raises(ValueError):
        t.StructType().add("x")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        t.StructField("a", t.IntegerType()).typeName()
    assert schema.toNullable()["b"].nullable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("int ", t.IntegerType()),
        ("INT ", t.IntegerType()),
        ("bigint", t.LongType()),
        ("decimal(10,10)", t.DecimalType(10, 10)),
        ("decimal", t.DecimalType(10, 0)),
        ("dec(5)", t.DecimalType(5, 0)),
        (" map<string , string > ", t.MapType(t.StringType(), t.StringType())),
        (
            "array<map<int,array<string>>>",
            t.ArrayType(t.MapType(t.IntegerType(), t.ArrayType(t.StringType()))),
        ),
        (
            "struct<a:int,b string>",
            t.StructType([t.StructField("a", t.IntegerType()), t.StructField("b", t.StringType())]),
        ),
        ("struct<>", t.StructType()),
        ("interval day to second", t.DayTimeIntervalType()),
        ("interval hour", t.DayTimeIntervalType(1, 1)),
        ("interval year to month", t.YearMonthIntervalType()),
        ("interval", t.CalendarIntervalType()),
        ("string collate UNICODE_CI", t.StringType("UNICODE_CI")),
        ("timestamp_ltz", t.TimestampType()),
        ("timestamp_ntz", t.TimestampNTZType()),
        ("char(3)", t.CharType(3)),
        ("varchar( 50 )", t.VarcharType(50)),
        ("geometry(3857)", t.GeometryType(3857)),
        ("GEOMETRY(any)", t.GeometryType("ANY")),
        ("geography(4326)", t.GeographyType(4326)),
        ("geography(ANY)", t.GeographyType("ANY")),
        (
            "b string, a int",
            t.StructType([t.StructField("b", t.StringType()), t.StructField("a", t.IntegerType())]),
        ),
        (
            "a: byte, b: decimal(  16 , 8   ) ",
            t.StructType(
                [t.StructField("a", t.ByteType()), t.StructField("b", t.DecimalType(16, 8))]
            ),
        ),
        ("a: array< short>", t.StructType([t.StructField("a", t.ArrayType(t.ShortType()))])),
        (
            "`a b` int NOT NULL COMMENT 'the a', c string",
            t.StructType(
                [
                    t.StructField("a b", t.IntegerType(), False, {"comment": "the a"}),
                    t.StructField("c", t.StringType()),
                ]
            ),
        ),
    ],
)
def test_parse_ddl_type(text: str, expected: t.DataType) -> None:
    assert t.parse_ddl_type(text) == expected
    assert t.DataType.fromDDL(text) == expected


def test_parse_ddl_schema() -> None:
    one = t.StructType([t.StructField("a", t.IntegerType())])
    assert t.parse_ddl_schema("a int") == one
    assert t.parse_ddl_schema("struct<a: int>") == one
    assert t.parse_ddl_schema("") == t.StructType()


@pytest.mark.parametrize(
    "text",
    [
        "blabla",
        "a: int,",
        "array<int",
        "map<int, boolean>>",
        "a int b",
        "decimal(",
        "int)",
        "geometry",
        "geography(srid)",
    ],
)
def test_parse_ddl_errors(text: str) -> None:
    with pytest.raises(t.DDLParseError, match="Cannot parse DDL"):
        t.parse_ddl_type(text)


ARROW_TYPES = [
    t.NullType(),
    t.BooleanType(),
    t.ByteType(),
    t.ShortType(),
    t.IntegerType(),
    t.LongType(),
    t.FloatType(),
    t.DoubleType(),
    t.DecimalType(20, 4),
    t.StringType(),
    t.BinaryType(),
    t.DateType(),
    t.TimestampType(),
    t.TimestampNTZType(),
    t.DayTimeIntervalType(),
    t.TimeType(6),
    t.ArrayType(t.LongType(), False),
    t.MapType(t.StringType(), t.ArrayType(t.TimestampType())),
    t.VariantType(),
    *SPATIAL,
    t.ArrayType(t.GeographyType("ANY")),
    NESTED_STRUCT,
]


@pytest.mark.parametrize("data_type", ARROW_TYPES, ids=repr)
def test_arrow_mapping_matches_pyspark(data_type: t.DataType) -> None:
    twin = pyspark_twin(data_type)
    if data_type == NESTED_STRUCT:
        # pyspark has no Arrow type for char/varchar; Spark sends them as strings.
        twin = pyspark_twin(
            t.parse_json_type(
                json.loads(
                    data_type.json().replace("varchar(3)", "string").replace("char(2)", "string")
                )
            )
        )
    arrow = t.to_arrow_type(data_type)
    assert arrow == ps_arrow.to_arrow_type(twin, timezone="UTC")
    expected_back = ps_arrow.from_arrow_type(arrow, prefer_timestamp_ntz=True)
    assert repr(t.from_arrow_type(arrow)) == repr(expected_back)


def test_arrow_schema_round_trip() -> None:
    schema = t.StructType(
        [
            t.StructField("id", t.LongType(), False),
            t.StructField("ts", t.TimestampType()),
            t.StructField("tags", t.ArrayType(t.StringType())),
        ]
    )
    arrow = t.to_arrow_schema(schema)
    assert arrow == pa.schema(
        [
            pa.field("id", pa.int64(), nullable=False),
            pa.field("ts", pa.timestamp("us", tz="UTC")),
            pa.field("tags", pa.list_(pa.field("element", pa.string()))),
        ]
    )
    assert t.from_arrow_schema(arrow) == schema


def test_from_arrow_accepts_other_encodings() -> None:
    assert t.from_arrow_type(pa.large_string()) == t.StringType()
    assert t.from_arrow_type(pa.large_binary()) == t.BinaryType()
    assert t.from_arrow_type(pa.large_list(pa.int32())) == t.ArrayType(t.IntegerType())
    assert t.from_arrow_type(pa.timestamp("ns", tz="Europe/Paris")) == t.TimestampType()
    assert t.from_arrow_type(pa.dictionary(pa.int32(), pa.string())) == t.StringType()
    with pytest.raises(TypeError):
        t.from_arrow_type(pa.uint64())
    with pytest.raises(TypeError):
        t.to_arrow_type(t.YearMonthIntervalType())
    assert t.to_arrow_type(t.CalendarIntervalType()) == pa.month_day_nano_interval()
    assert t.from_arrow_type(pa.month_day_nano_interval()) == t.CalendarIntervalType()


PICKLED_TYPES = [
    t.StructType(
        [
            t.StructField("a", t.LongType(), False, {"comment": "key"}),
            t.StructField("b", t.ArrayType(t.StringType("UNICODE_CI"))),
            t.StructField("m", t.MapType(t.StringType(), t.DecimalType(10, 2))),
        ]
    ),
    t.CharType(5),
    t.TimestampNTZType(),
    t.DayTimeIntervalType(t.DayTimeIntervalType.HOUR, t.DayTimeIntervalType.SECOND),
    t.VariantType(),
]


@pytest.mark.parametrize("data_type", PICKLED_TYPES, ids=lambda d: d.simpleString())
def test_a_pickled_type_loads_as_pysparks_twin(data_type: t.DataType) -> None:
    from sparkflight.client.pickling import pickled

    data = pickled(data_type)
    assert b"sparkflight" not in data
    twin = pickle.loads(data)
    assert twin == ps._parse_datatype_json_string(data_type.json())
    assert type(twin).__module__ == "pyspark.sql.types"
