"""sparkflight.client.conversion and client.row against PySpark's own conversions and Row."""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import pickle
from collections import namedtuple
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from pyspark.errors import PySparkValueError as ClassicValueError
from pyspark.sql import Row as PsRow
from pyspark.sql import types as ps
from pyspark.sql.conversion import ArrowTableToRowsConversion, LocalDataToArrowConversion
from pyspark.sql.pandas.conversion import _convert_arrow_table_to_pandas

from sparkflight.client import types as t
from sparkflight.client.conversion import (
    arrow_to_pandas,
    arrow_to_rows,
    infer_schema,
    local_data_to_arrow,
)
from sparkflight.client.errors import PySparkValueError
from sparkflight.client.row import Row


def twin(schema: t.StructType) -> ps.StructType:
    return ps.StructType.fromJson(json.loads(schema.json()))


# --- Row -----------------------------------------------------------------------------------


def test_row_matches_pyspark() -> None:
    ours, theirs = Row(name="Alice", age=11), PsRow(name="Alice", age=11)
    assert repr(ours) == repr(theirs) == "Row(name='Alice', age=11)"
    assert ours == theirs == ("Alice", 11)
    assert ours.name == "Alice" and ours["age"] == 11 and ours[0] == "Alice"
    assert ours[:1] == ("Alice",)
    assert "name" in ours and "Alice" not in ours
    assert ours.asDict() == theirs.asDict()
    with pytest.raises(AttributeError):
        ours.missing  # noqa: B018
    with pytest.raises(ValueError):
        ours["missing"]
    with pytest.raises(RuntimeError):
        ours.name = "Bob"
    with pytest.raises(ValueError):
        Row("a", b=1)


def test_row_class_form() -> None:
    Person, PsPerson = Row("name", "age"), PsRow("name", "age")
    assert repr(Person) == repr(PsPerson) == "<Row('name', 'age')>"
    alice = Person("Alice", 11)
    assert repr(alice) == repr(PsPerson("Alice", 11))
    assert alice.age == 11 and "age" in Person
    with pytest.raises(ValueError):
        Person("a", 1, 2)
    assert repr(Row(1, "x")) == "<Row(1, 'x')>"
    with pytest.raises(TypeError):
        Row(1, 2).asDict()


def test_row_as_dict_recursive_and_pickle() -> None:
    row = Row(a=1, b=Row(c=[Row(d=2)], e={"k": Row(f=3)}))
    assert row.asDict(True) == {"a": 1, "b": {"c": [{"d": 2}], "e": {"k": {"f": 3}}}}
    assert row.asDict()["b"] == Row(c=[Row(d=2)], e={"k": Row(f=3)})
    copy = pickle.loads(pickle.dumps(row))
    assert copy == row and copy.b.c[0].d == 2 and repr(copy) == repr(row)


# --- Arrow -> rows ---------------------------------------------------------------------------

ROWS_SCHEMA = t.StructType(
    [
        t.StructField("i", t.IntegerType()),
        t.StructField("l", t.LongType()),
        t.StructField("f", t.FloatType()),
        t.StructField("d", t.DoubleType()),
        t.StructField("s", t.StringType()),
        t.StructField("b", t.BooleanType()),
        t.StructField("dec", t.DecimalType(10, 2)),
        t.StructField("date", t.DateType()),
        t.StructField("ts", t.TimestampType()),
        t.StructField("ntz", t.TimestampNTZType()),
        t.StructField("bin", t.BinaryType()),
        t.StructField("iv", t.DayTimeIntervalType()),
        t.StructField("n", t.NullType()),
        t.StructField("arr", t.ArrayType(t.IntegerType())),
        t.StructField("arr_ts", t.ArrayType(t.TimestampType())),
        t.StructField("m", t.MapType(t.StringType(), t.ArrayType(t.LongType()))),
        t.StructField(
            "st",
            t.StructType(
                [
                    t.StructField("x", t.IntegerType()),
                    t.StructField("y", t.MapType(t.IntegerType(), t.BinaryType())),
                    t.StructField(
                        "z", t.ArrayType(t.StructType([t.StructField("w", t.DateType())]))
                    ),
                ]
            ),
        ),
        t.StructField("empty", t.StructType()),
    ]
)

ROWS_DATA = [
    (
        1,
        2**40,
        1.5,
        2.25,
        "héllo",
        True,
        decimal.Decimal("12.34"),
        datetime.date(2024, 2, 29),
        datetime.datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=datetime.UTC),
        datetime.datetime(1969, 12, 31, 23, 59, 59, 999999),
        b"\x00\xff",
        datetime.timedelta(days=-3, microseconds=7),
        None,
        [1, None, 3],
        [datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), None],
        {"a": [1, 2], "b": None},
        {"x": 1, "y": {1: b"z", 2: None}, "z": [{"w": datetime.date(1, 1, 1)}]},
        {},
    ),
    (None,) * 18,
    (
        -(2**31),
        -(2**63),
        float("inf"),
        float("nan"),
        "",
        False,
        decimal.Decimal("-0.01"),
        datetime.date(9999, 12, 31),
        datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2262, 4, 11),
        b"",
        datetime.timedelta(0),
        None,
        [],
        [datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)],
        {},
        {"x": None, "y": {}, "z": [None]},
        {},
    ),
]


def rows_table() -> pa.Table:
    columns = list(zip(*ROWS_DATA, strict=True))
    arrow_schema = t.to_arrow_schema(ROWS_SCHEMA)
    arrays = []
    for values, field in zip(columns, arrow_schema, strict=True):
        if pa.types.is_map(field.type) or pa.types.is_struct(field.type):
            values = [_arrowable(v, field.type) for v in values]
        arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=arrow_schema)


def _arrowable(value: Any, arrow_type: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_map(arrow_type):
        return [(k, _arrowable(v, arrow_type.item_type)) for k, v in value.items()]
    if pa.types.is_struct(arrow_type):
        return {
            f.name: _arrowable(value.get(f.name), f.type)
            for f in (arrow_type.field(i) for i in range(arrow_type.num_fields))
        }
    return value


def assert_same_rows(ours: list[Row], theirs: list[PsRow]) -> None:
    assert len(ours) == len(theirs)
    assert repr(ours).replace("nan", "x") == repr(theirs).replace("nan", "x")
    for a, b in zip(ours, theirs, strict=True):
        assert [type(v).__name__ for v in a] == [type(v).__name__ for v in b]


def test_arrow_to_rows_matches_pyspark() -> None:
    table = rows_table()
    ours = arrow_to_rows(table, ROWS_SCHEMA)
    theirs = ArrowTableToRowsConversion.convert(table, twin(ROWS_SCHEMA))
    assert_same_rows(ours, theirs)
    assert ours[0].st.z[0].w == datetime.date(1, 1, 1)
    assert ours[0].m == {"a": [1, 2], "b": None}
    assert ours[0].ts.tzinfo is None
    assert ours[0].ts == datetime.datetime(
        2024, 3, 31, 1, 30, 15, 123456, tzinfo=datetime.UTC
    ).astimezone().replace(tzinfo=None)


def test_arrow_to_rows_slices_and_chunks() -> None:
    table = rows_table()
    chunked = pa.concat_tables([table.slice(1), table.slice(0, 1), table.slice(2)])
    ours = arrow_to_rows(chunked, ROWS_SCHEMA)
    theirs = ArrowTableToRowsConversion.convert(chunked, twin(ROWS_SCHEMA))
    assert_same_rows(ours, theirs)
    assert ours[2].arr == [1, None, 3]


def test_arrow_to_rows_binary_as_bytearray() -> None:
    table = rows_table()
    ours = arrow_to_rows(table, ROWS_SCHEMA, binary_as_bytes=False)
    theirs = ArrowTableToRowsConversion.convert(table, twin(ROWS_SCHEMA), binary_as_bytes=False)
    assert_same_rows(ours, theirs)
    assert isinstance(ours[0].bin, bytearray)


def test_arrow_to_rows_edge_cases() -> None:
    assert (
        arrow_to_rows(pa.table({"a": pa.array([], pa.int64())}), t.StructType().add("a", "long"))
        == []
    )
    no_columns = arrow_to_rows(pa.table({"a": [1, 2]}).select([]), t.StructType())
    assert [repr(r) for r in no_columns] == ["Row()", "Row()"]
    duplicates = t.StructType(
        [t.StructField("a", t.LongType()), t.StructField("a", t.StringType())]
    )
    table = pa.Table.from_arrays([pa.array([1]), pa.array(["x"])], names=["a", "a"])
    assert repr(arrow_to_rows(table, duplicates)) == "[Row(a=1, a='x')]"
    interval = pa.table({"m": pa.nulls(1, pa.month_day_nano_interval())})
    with pytest.raises(NotImplementedError):
        arrow_to_rows(interval, t.StructType().add("m", t.YearMonthIntervalType()))


# --- Arrow -> pandas -------------------------------------------------------------------------


@pytest.mark.parametrize("timezone", [None, "UTC", "America/Los_Angeles"])
def test_arrow_to_pandas_matches_pyspark(timezone: str | None) -> None:
    schema = t.StructType([f for f in ROWS_SCHEMA.fields if f.name not in ("n", "empty")])
    table = rows_table().select(schema.names)
    ours = arrow_to_pandas(table, schema, timezone=timezone)
    theirs = _convert_arrow_table_to_pandas(
        table, twin(schema), timezone=timezone or "dateutil/:", struct_handling_mode="legacy"
    )
    assert list(ours.dtypes) == list(theirs.dtypes)
    assert repr(ours.to_dict("list")) == repr(theirs.to_dict("list"))


def test_arrow_to_pandas_integer_dtypes() -> None:
    schema = t.StructType(
        [
            t.StructField("a", t.IntegerType(), False),
            t.StructField("b", t.LongType()),
            t.StructField("c", t.ShortType()),
            t.StructField("d", t.BooleanType()),
            t.StructField("e", t.BooleanType()),
        ]
    )
    table = pa.Table.from_pydict(
        {"a": [1, 2], "b": [1, None], "c": [1, 2], "d": [True, None], "e": [True, False]},
        schema=t.to_arrow_schema(schema),
    )
    frame = arrow_to_pandas(table, schema)
    assert [str(d) for d in frame.dtypes] == ["int32", "float64", "int16", "object", "bool"]
    theirs = _convert_arrow_table_to_pandas(table, twin(schema), timezone="UTC")
    pd.testing.assert_frame_equal(frame, theirs)


# --- local data -> Arrow ---------------------------------------------------------------------

Point = namedtuple("Point", ["x", "y"])


class Obj:
    def __init__(self) -> None:
        self.b = "x"
        self.a = 1


INFER_CASES: list[list[Any]] = [
    [(1, "a", 1.5), (2, None, None)],
    [[1, True], [None, False]],
    [{"b": 1, "a": "x"}, {"a": "y", "c": [1, 2]}],
    [Row(a=1, b=Row(c="x")), Row(a=None, b=None)],
    [Point(1, 2.5)],
    [Obj()],
    [
        (
            decimal.Decimal("1.5"),
            datetime.date(2024, 1, 1),
            datetime.datetime(2024, 1, 1, 12),
            b"x",
            bytearray(b"y"),
            datetime.timedelta(hours=1),
            {"k": [1.5]},
            [[1], [2, 3]],
            (1, "nested"),
            datetime.time(1, 2, 3),
        )
    ],
    [(1, {"a": None}), (2, {"a": 1})],
    [(1, 1), (2, "x")],
]


@pytest.mark.parametrize("rows", INFER_CASES, ids=lambda r: type(r[0]).__name__)
def test_infer_schema_matches_pyspark(rows: list[Any]) -> None:
    expected = functools.reduce(ps._merge_type, (ps._infer_schema(r) for r in rows))
    assert infer_schema(rows).json() == expected.json()


def test_infer_schema_errors() -> None:
    with pytest.raises(ValueError, match="cannot be determined"):
        infer_schema([(1, None)])
    with pytest.raises(ValueError):
        infer_schema([])
    with pytest.raises(TypeError):
        infer_schema([(1,), ([1],)])


@pytest.mark.parametrize("rows", INFER_CASES[:8], ids=lambda r: type(r[0]).__name__)
def test_local_rows_match_pyspark(rows: list[Any]) -> None:
    table, schema = local_data_to_arrow(rows)
    data = [dict(sorted(r.items())) for r in rows] if isinstance(rows[0], dict) else rows
    theirs = LocalDataToArrowConversion.convert(data, twin(schema), False)
    assert table.equals(theirs)
    assert t.to_arrow_schema(schema) == table.schema


def test_local_data_names_and_schemas() -> None:
    table, schema = local_data_to_arrow([(1, "a", 2.0)], ["x", "y"])
    assert schema.names == ["x", "y", "_3"] == table.column_names
    table, schema = local_data_to_arrow([1, 2, None], t.IntegerType())
    assert schema == t.StructType([t.StructField("value", t.IntegerType())])
    assert table.column("value").to_pylist() == [1, 2, None]
    assert table.schema.field("value").type == pa.int32()
    table, schema = local_data_to_arrow([("a", [1])], "name string, xs array<int>")
    assert schema.simpleString() == "struct<name:string,xs:array<int>>"
    assert table.to_pylist() == [{"name": "a", "xs": [1]}]
    table, schema = local_data_to_arrow([], "a int")
    assert table.num_rows == 0 and schema.names == ["a"]
    table, schema = local_data_to_arrow([{"b": 1, "a": 2}])
    assert schema.names == ["a", "b"] and table.to_pylist() == [{"a": 2, "b": 1}]
    with pytest.raises(ValueError):
        local_data_to_arrow([])
    with pytest.raises(ValueError, match="Length mismatch"):
        local_data_to_arrow([{"a": 1, "b": 2}], ["x"])
    with pytest.raises(ValueError, match="Length mismatch"):
        local_data_to_arrow([Row(a=1, b=2)], ["x", "y", "z"])
    table, schema = local_data_to_arrow([Row(a=1, b=2)], ["x", "y"])
    assert schema.names == ["x", "y"] == table.column_names
    with pytest.raises(ValueError, match="must not be None"):
        local_data_to_arrow([(None,)], t.StructType([t.StructField("a", t.LongType(), False)]))


def test_local_data_values() -> None:
    naive = datetime.datetime(2024, 6, 1, 12, 30)
    schema = t.StructType(
        [
            t.StructField("ts", t.TimestampType()),
            t.StructField("ntz", t.TimestampNTZType()),
            t.StructField("dec", t.DecimalType(5, 2)),
            t.StructField("s", t.StringType()),
            t.StructField(
                "m", t.MapType(t.StringType(), t.StructType([t.StructField("v", t.LongType())]))
            ),
        ]
    )
    table, _ = local_data_to_arrow(
        [(naive, naive, decimal.Decimal("1.005"), True, {"k": Row(v=1)})], schema
    )
    row = table.to_pylist()[0]
    assert row["ts"] == naive.astimezone(datetime.UTC)
    assert row["ntz"] == naive
    assert row["dec"] == decimal.Decimal("1.00")
    assert row["s"] == "true"
    assert row["m"] == [("k", {"v": 1})]
    assert arrow_to_rows(table, schema)[0].ts == naive


def test_local_pandas() -> None:
    frame = pd.DataFrame(
        {
            "a": [1, 2],
            "b": ["x", None],
            "ts": pd.to_datetime(["2024-01-01 12:00", None]),
            "td": pd.to_timedelta(["1h", "2s"]),
        }
    )
    table, schema = local_data_to_arrow(frame)
    assert schema.simpleString() == (
        "struct<a:bigint,b:string,ts:timestamp,td:interval day to second>"
    )
    rows = arrow_to_rows(table, schema)
    assert rows[0].ts == datetime.datetime(2024, 1, 1, 12)
    assert rows[1].td == datetime.timedelta(seconds=2)
    table, schema = local_data_to_arrow(frame[["a", "b"]], "x int, y string")
    assert table.schema == pa.schema([("x", pa.int32()), ("y", pa.string())])
    assert table.to_pylist() == [{"x": 1, "y": "x"}, {"x": 2, "y": None}]
    table, schema = local_data_to_arrow(pd.DataFrame({"l": [[1, 2], None]}), "l array<long>")
    assert table.column("l").to_pylist() == [[1, 2], None]


def test_local_arrow_table() -> None:
    source = pa.table(
        {"a": pa.array([1, 2], pa.int32()), "t": pa.array([0, None], pa.timestamp("s"))}
    )
    table, schema = local_data_to_arrow(source)
    assert schema == t.StructType(
        [t.StructField("a", t.IntegerType()), t.StructField("t", t.TimestampType())]
    )
    assert table.schema.field("t").type == pa.timestamp("us", "UTC")
    assert arrow_to_rows(table, schema)[0].t == datetime.datetime(1970, 1, 1)
    table, schema = local_data_to_arrow(source, ["x", "y"])
    assert table.column_names == ["x", "y"] == schema.names
    table, schema = local_data_to_arrow(source.select(["a"]), "b long")
    assert table.schema == pa.schema([("b", pa.int64())])


# --- variant, geometry and geography values --------------------------------------------------

WKB = bytes.fromhex("0101000000000000000000f03f0000000000000040")


def _objects(module: Any) -> list[tuple[Any, ...]]:
    """Rows of variant, geometry and geography values built with ``module``'s classes."""
    return [
        (
            module.VariantVal.parseJson('{"a":[1,2.5]}'),
            module.Geometry.fromWKB(WKB, 0),
            module.Geography.fromWKB(WKB, 4326),
            [module.VariantVal.parseJson("1")],
        ),
        (None, module.Geometry.fromWKB(WKB, 3857), None, None),
    ]


def test_variant_and_spatial_values_match_pyspark() -> None:
    table, schema = local_data_to_arrow(_objects(t))
    rows = _objects(ps)
    expected = functools.reduce(ps._merge_type, (ps._infer_schema(r) for r in rows))
    # Geometries of SRIDs 0 and 3857 make a column of mixed SRIDs.
    assert schema.json() == expected.json()
    assert schema["_2"].dataType == t.GeometryType("ANY")
    theirs = LocalDataToArrowConversion.convert(rows, expected, False)
    assert table.equals(theirs)
    assert table.schema.equals(theirs.schema, check_metadata=True)

    collected = arrow_to_rows(table, schema)
    # Classic PySpark collects these objects with bytearray bytes, as its pickled rows have.
    classic = [
        tuple(
            ps.VariantVal(bytearray(v.value), bytearray(v.metadata))
            if isinstance(v, ps.VariantVal)
            else type(v)(bytearray(v.wkb), v.srid)
            if isinstance(v, ps.Geometry | ps.Geography)
            else [ps.VariantVal(bytearray(e.value), bytearray(e.metadata)) for e in v]
            if isinstance(v, list)
            else v
            for v in row
        )
        for row in rows
    ]
    assert repr([tuple(r) for r in collected]) == repr(classic)
    assert collected[0][0].toPython() == {"a": [1, decimal.Decimal("2.5")]}

    ours_pandas = arrow_to_pandas(table, schema)
    theirs_pandas = _convert_arrow_table_to_pandas(
        table, expected, timezone="UTC", struct_handling_mode="legacy"
    )
    assert repr(ours_pandas.to_dict("list")) == repr(theirs_pandas.to_dict("list"))


@pytest.mark.parametrize(
    ("data_type", "condition"),
    [
        (t.VariantType(), "MALFORMED_VARIANT"),
        (t.GeometryType(0), "MALFORMED_GEOMETRY"),
        (t.GeographyType(4326), "MALFORMED_GEOGRAPHY"),
    ],
    ids=repr,
)
def test_local_values_of_the_wrong_class_fail_as_in_pyspark(
    data_type: t.DataType, condition: str
) -> None:
    schema = t.StructType([t.StructField("x", data_type)])
    with pytest.raises(PySparkValueError) as ours:
        local_data_to_arrow([("not a value",)], schema)
    with pytest.raises(ClassicValueError) as theirs:
        LocalDataToArrowConversion.convert([("not a value",)], twin(schema), False)
    assert ours.value.getCondition() == theirs.value.getCondition() == condition
    assert str(ours.value) == str(theirs.value)


def test_local_pandas_variant_and_spatial_columns() -> None:
    schema = t.StructType(
        [t.StructField("v", t.VariantType()), t.StructField("g", t.GeometryType("ANY"))]
    )
    rows = [row[:2] for row in _objects(t)]
    frame = pd.DataFrame(rows, columns=["v", "g"])
    from_frame, frame_schema = local_data_to_arrow(frame, schema)
    from_rows, _ = local_data_to_arrow(rows, schema)
    assert frame_schema == schema
    assert from_frame.equals(from_rows)
    assert repr(arrow_to_rows(from_frame, schema)[1]) == (
        f"Row(v=None, g=Geometry({bytearray(WKB)!r}, 3857))"
    )
