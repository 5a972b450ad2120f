"""Conversions between Arrow results, Python values and pandas, with PySpark's semantics.

- :func:`arrow_to_rows`: a result as ``collect()`` returns it.
- :func:`arrow_to_pandas`: a result as ``toPandas()`` returns it.
- :func:`local_data_to_arrow`: ``createDataFrame`` input (rows, dicts, scalars, pandas,
  Arrow) as an Arrow table and its Spark schema, inferring the schema as PySpark does.

Naive ``datetime`` values of ``TimestampType`` are local time, as in PySpark.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from sparkflight.client.errors import malformed
from sparkflight.client.row import Row, _create_row
from sparkflight.client.types import (
    ArrayType,
    AtomicType,
    BinaryType,
    BooleanType,
    ByteType,
    DataType,
    DateType,
    DayTimeIntervalType,
    DecimalType,
    DoubleType,
    FloatType,
    Geography,
    GeographyType,
    Geometry,
    GeometryType,
    IntegerType,
    IntegralType,
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
    VariantType,
    VariantVal,
    YearMonthIntervalType,
    from_arrow_type,
    parse_ddl_schema,
    parse_ddl_type,
    to_arrow_schema,
    to_arrow_type,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "arrow_to_rows",
    "arrow_to_pandas",
    "local_data_to_arrow",
    "infer_schema",
    "parse_ddl_schema",
    "parse_ddl_type",
]

_UTC = datetime.UTC

# --- Arrow -> Python values (collect) ----------------------------------------------------


def arrow_to_rows(
    table: pa.Table, schema: StructType, *, binary_as_bytes: bool = True
) -> list[Row]:
    """The rows of ``table`` with the values ``collect()`` gives for ``schema``'s types.

    Columns are converted whole with Arrow; only types whose Python value differs from
    Arrow's (structs, maps, timestamps, ...) get a fix-up pass. ``binary_as_bytes=False``
    gives ``bytearray`` for binary values (``spark.sql.execution.pyspark.binaryAsBytes``).
    """
    names = schema.fieldNames()
    if not names:
        return [_create_row(names, ())] * table.num_rows
    if table.num_columns != len(names):
        raise ValueError(
            f"the result has {table.num_columns} columns but its schema {len(names)} fields"
        )
    columns = [
        _column_to_python(column, field.dataType, binary_as_bytes)
        for column, field in zip(table.columns, schema.fields, strict=True)
    ]
    return [_create_row(names, values) for values in zip(*columns, strict=True)]


def _column_to_python(
    column: pa.ChunkedArray | pa.Array, data_type: DataType, binary_as_bytes: bool
) -> list[Any]:
    if isinstance(column, pa.ChunkedArray):
        values: list[Any] = []
        for chunk in column.chunks:
            values.extend(_array_to_python(chunk, data_type, binary_as_bytes))
        return values
    return _array_to_python(column, data_type, binary_as_bytes)


def _needs_fixup(data_type: DataType, binary_as_bytes: bool) -> bool:
    """Whether Arrow's ``to_pylist`` values differ from PySpark's for this type."""
    if isinstance(data_type, ArrayType):
        return _needs_fixup(data_type.elementType, binary_as_bytes)
    if isinstance(data_type, BinaryType):
        return not binary_as_bytes
    return isinstance(
        data_type,
        (
            StructType,
            MapType,
            NullType,
            TimestampType,
            TimestampNTZType,
            YearMonthIntervalType,
            VariantType,
            GeometryType,
            GeographyType,
        ),
    )


def _array_to_python(array: pa.Array, data_type: DataType, binary_as_bytes: bool) -> list[Any]:
    if not _needs_fixup(data_type, binary_as_bytes):
        return array.to_pylist()
    convert = _TO_PYTHON.get(type(data_type))
    if convert is None:
        raise NotImplementedError(f"Collecting values of type {data_type} is not supported")
    return convert(array, data_type, binary_as_bytes)


def _with_nulls(array: pa.Array, values: list[Any]) -> list[Any]:
    if array.null_count == 0:
        return values
    valid = array.is_valid().to_pylist()
    return [value if ok else None for value, ok in zip(values, valid, strict=True)]


def _struct_to_python(array: pa.Array, data_type: StructType, binary_as_bytes: bool) -> list[Any]:
    names = data_type.fieldNames()
    if not names:
        return _with_nulls(array, [_create_row(names, ())] * len(array))
    children = [
        _array_to_python(array.field(i), field.dataType, binary_as_bytes)
        for i, field in enumerate(data_type.fields)
    ]
    rows = [_create_row(names, values) for values in zip(*children, strict=True)]
    return _with_nulls(array, rows)


def _list_slices(array: pa.Array, flat: list[Any]) -> list[Any]:
    offsets = array.offsets.to_pylist()
    start = offsets[0]
    lists = [flat[a - start : b - start] for a, b in zip(offsets, offsets[1:], strict=False)]
    return _with_nulls(array, lists)


def _list_to_python(array: pa.Array, data_type: ArrayType, binary_as_bytes: bool) -> list[Any]:
    offsets = array.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    flat = _array_to_python(
        array.values.slice(start, end - start), data_type.elementType, binary_as_bytes
    )
    return _list_slices(array, flat)


def _map_to_python(array: pa.Array, data_type: MapType, binary_as_bytes: bool) -> list[Any]:
    offsets = array.offsets
    start, end = offsets[0].as_py(), offsets[-1].as_py()
    keys = _array_to_python(
        array.keys.slice(start, end - start), data_type.keyType, binary_as_bytes
    )
    items = _array_to_python(
        array.items.slice(start, end - start), data_type.valueType, binary_as_bytes
    )
    pairs = list(zip(keys, items, strict=True))
    return [None if entries is None else dict(entries) for entries in _list_slices(array, pairs)]


def _microseconds(array: pa.Array) -> pa.Array:
    """Timestamps of a finer unit than microseconds truncated to microseconds."""
    if array.type.unit == "ns":
        return array.cast(pa.timestamp("us", array.type.tz), safe=False)
    return array


def _timestamp_to_python(array: pa.Array, _: DataType, __: bool) -> list[Any]:
    """Naive local times (instants on the wire are UTC; a zone-less array is taken as UTC)."""
    micros = _microseconds(array).cast(pa.int64()).to_pylist()
    local = datetime.datetime.fromtimestamp
    try:
        return [
            None if v is None else local(v // 1_000_000).replace(microsecond=v % 1_000_000)
            for v in micros
        ]
    except (OverflowError, OSError, ValueError):
        # Instants the platform's local time functions cannot handle (before year 1900, ...).
        epoch = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
        return [
            None
            if v is None
            else (epoch + datetime.timedelta(microseconds=v)).astimezone().replace(tzinfo=None)
            for v in micros
        ]


def _timestamp_ntz_to_python(array: pa.Array, _: DataType, __: bool) -> list[Any]:
    array = _microseconds(array)
    if array.type.tz is not None:
        array = pc.local_timestamp(array)
    return array.to_pylist()


def _binary_to_python(array: pa.Array, _: DataType, __: bool) -> list[Any]:
    return [None if v is None else bytearray(v) for v in array.to_pylist()]


def _null_to_python(array: pa.Array, _: DataType, __: bool) -> list[Any]:
    return [None] * len(array)


def _variant_to_python(array: pa.Array, _: DataType, __: bool) -> list[Any]:
    """``VariantVal`` objects; their bytes are ``bytearray``, as classic PySpark collects them."""
    values, metadata = (array.field(name).to_pylist() for name in ("value", "metadata"))
    variants = [
        None if v is None or m is None else VariantVal(bytearray(v), bytearray(m))
        for v, m in zip(values, metadata, strict=True)
    ]
    return _with_nulls(array, variants)


def _spatial_to_python(value_class: type[Geometry] | type[Geography]) -> Callable[..., list[Any]]:
    """Geometry or Geography objects; their WKB is ``bytearray``, as in classic PySpark."""

    def convert(array: pa.Array, _: DataType, __: bool) -> list[Any]:
        srids, wkbs = (array.field(name).to_pylist() for name in ("srid", "wkb"))
        spatial = [
            None if wkb is None or srid is None else value_class.fromWKB(bytearray(wkb), srid)
            for srid, wkb in zip(srids, wkbs, strict=True)
        ]
        return _with_nulls(array, spatial)

    return convert


def _unsupported(feature: str) -> Callable[[pa.Array, DataType, bool], list[Any]]:
    def fail(array: pa.Array, data_type: DataType, binary_as_bytes: bool) -> list[Any]:
        raise NotImplementedError(f"Collecting a {feature} value is not supported")

    return fail


_TO_PYTHON: dict[type[DataType], Callable[[pa.Array, Any, bool], list[Any]]] = {
    StructType: _struct_to_python,
    ArrayType: _list_to_python,
    MapType: _map_to_python,
    TimestampType: _timestamp_to_python,
    TimestampNTZType: _timestamp_ntz_to_python,
    BinaryType: _binary_to_python,
    NullType: _null_to_python,
    YearMonthIntervalType: _unsupported("year-month interval"),
    VariantType: _variant_to_python,
    GeometryType: _spatial_to_python(Geometry),
    GeographyType: _spatial_to_python(Geography),
}


# --- Arrow -> pandas (toPandas) ----------------------------------------------------------


def _import_pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "pandas is required for this operation: pip install 'pandas>=2.2'"
        ) from exc
    return pandas


def _local_timezone() -> str:
    """The local time zone as pandas understands it (``TZ``, else the system's)."""
    return os.environ.get("TZ", "dateutil/:")


def arrow_to_pandas(
    table: pa.Table, schema: StructType, *, timezone: str | None = None
) -> pd.DataFrame:
    """``table`` as ``toPandas()`` returns it (Arrow enabled, the default).

    Timestamps become naive times in ``timezone`` (the session time zone; default local),
    integer columns with nulls become ``float64``, boolean columns with nulls ``object``,
    maps dicts and structs dicts.
    """
    pd = _import_pandas()
    options = {"coerce_temporal_nanoseconds": True}
    if not schema.fields:
        return table.to_pandas(**options)
    tz = timezone or _local_timezone()
    # One conversion of the whole table (pyarrow converts its columns in parallel), under
    # positional names so that duplicate names stay apart, then each column's fix-up.
    positions = [str(index) for index in range(table.num_columns)]
    frame = table.replace_schema_metadata(None).rename_columns(positions).to_pandas(**options)
    for name, field in zip(positions, schema.fields, strict=True):
        frame[name] = _correct_series(frame[name], field, tz)
    frame.columns = pd.Index(schema.names)
    return frame


_PANDAS_DTYPES: dict[type[DataType], str] = {
    ByteType: "int8",
    ShortType: "int16",
    IntegerType: "int32",
    LongType: "int64",
    FloatType: "float32",
    DoubleType: "float64",
    BooleanType: "bool",
    TimestampType: "datetime64[ns]",
    TimestampNTZType: "datetime64[ns]",
    DayTimeIntervalType: "timedelta64[ns]",
}


def _correct_series(series: Any, field: StructField, timezone: str) -> Any:
    pd = _import_pandas()
    data_type = field.dataType
    dtype = _PANDAS_DTYPES.get(type(data_type))
    if dtype is not None:
        if isinstance(data_type, TimestampType):
            if isinstance(series.dtype, pd.DatetimeTZDtype):
                return series.dt.tz_convert(timezone).dt.tz_localize(None)
            return series.astype(dtype, copy=False)
        if field.nullable and isinstance(data_type, (IntegralType, BooleanType)):
            if series.isnull().any():
                return series.astype("float64" if dtype != "bool" else object, copy=False)
        return series.astype(dtype, copy=False)
    convert = _pandas_value_converter(data_type, timezone)
    if convert is None:
        return series
    return series.apply(lambda value: None if value is None else convert(value))


def _pandas_value_converter(data_type: DataType, timezone: str) -> Callable[[Any], Any] | None:
    """How ``toPandas`` fixes up one value of ``data_type`` (``None``: no fix-up)."""
    pd = _import_pandas()
    if isinstance(data_type, ArrayType):
        element = _pandas_value_converter(data_type.elementType, timezone)
        if element is None:
            return None
        import numpy as np

        return lambda value: np.array([None if v is None else element(v) for v in value])
    if isinstance(data_type, MapType):
        key = _pandas_value_converter(data_type.keyType, timezone) or _identity
        item = _pandas_value_converter(data_type.valueType, timezone) or _identity
        return lambda value: {
            (None if k is None else key(k)): (None if v is None else item(v)) for k, v in value
        }
    if isinstance(data_type, StructType):
        names = data_type.names
        if len(set(names)) != len(names):
            raise ValueError(f"Duplicated field names in Arrow Struct are not allowed, got {names}")
        fields = [
            (name, _pandas_value_converter(f.dataType, timezone) or _identity)
            for name, f in zip(names, data_type.fields, strict=True)
        ]
        return lambda value: {
            name: (None if value.get(name) is None else convert(value.get(name)))
            for name, convert in fields
        }
    if isinstance(data_type, TimestampType):

        def timestamp(value: Any) -> Any:
            stamp = pd.Timestamp(value)
            if stamp.tzinfo is None:
                stamp = stamp.tz_localize(_UTC)
            return stamp.tz_convert(timezone).tz_localize(None)

        return timestamp
    if isinstance(data_type, TimestampNTZType):
        return pd.Timestamp
    return _PANDAS_OBJECTS.get(type(data_type))


#: Types whose Arrow structs (dicts in pandas) become PySpark's objects in ``toPandas``.
_PANDAS_OBJECTS: dict[type[DataType], Callable[[Any], Any]] = {
    VariantType: lambda value: VariantVal(value["value"], value["metadata"]),
    GeometryType: lambda value: Geometry.fromWKB(value["wkb"], value["srid"]),
    GeographyType: lambda value: Geography.fromWKB(value["wkb"], value["srid"]),
}


def _identity(value: Any) -> Any:
    return value


# --- Local data -> Arrow (createDataFrame) -----------------------------------------------


def local_data_to_arrow(
    data: Any, schema: DataType | str | Sequence[str] | None = None
) -> tuple[pa.Table, StructType]:
    """``createDataFrame``'s input as an Arrow table and the DataFrame's schema.

    ``data`` is a pandas DataFrame, a NumPy array, an Arrow table or an iterable of
    rows (``Row``, tuple, list, dict, namedtuple, object) or of scalars. ``schema`` is
    ``None`` (inferred as PySpark infers it), a list of column names, a ``StructType``,
    an atomic ``DataType`` (one column ``value``) or a DDL string. The table's columns
    have the schema's names and the Arrow types of its fields.
    """
    names: list[str] | None = None
    if isinstance(schema, str):
        schema = parse_ddl_type(schema)
    if isinstance(schema, (list, tuple)):
        names = [str(n) for n in schema]
        schema = None
    elif schema is not None and not isinstance(schema, DataType):
        raise TypeError(f"schema should be a list, None or StructType, got {type(schema).__name__}")

    pandas = sys.modules.get("pandas")
    numpy = sys.modules.get("numpy")
    if pandas is not None and isinstance(data, pandas.DataFrame):
        table, struct = _with_schema(_from_pandas(data, schema), schema)
    elif isinstance(data, pa.Table):
        table, struct = _with_schema(_from_arrow(data, schema), schema)
    elif numpy is not None and isinstance(data, numpy.ndarray):
        table, struct = _with_schema(_from_numpy(data, schema), schema)
    else:
        rows = list(data)
        table, struct = _from_rows(rows, schema, names)
        if names is not None and not _is_positional(rows[0] if rows else ()):
            # Only positional rows get default names for columns beyond ``names``.
            if len(names) != len(struct):
                raise ValueError(
                    f"Length mismatch: expected {len(names)} columns, but data has {len(struct)}"
                )
    if names is not None:
        names = _extend_names(names, table.num_columns)
        if len(names) != table.num_columns:
            raise ValueError(
                f"Length mismatch: expected {len(names)} columns, but data has {table.num_columns}"
            )
        table = table.rename_columns(names)
        struct = StructType(
            [
                StructField(name, f.dataType, f.nullable, f.metadata)
                for name, f in zip(names, struct.fields, strict=True)
            ]
        )
    return table, struct


def _is_positional(row: Any) -> bool:
    """Whether a row's values are only positional (a plain tuple or list, or a scalar)."""
    if isinstance(row, (tuple, list)):
        return not hasattr(row, "__fields__") and not hasattr(row, "_fields")
    return not isinstance(row, dict) and not hasattr(row, "__dict__")


def _extend_names(names: list[str], count: int) -> list[str]:
    return names + [f"_{i}" for i in range(len(names) + 1, count + 1)]


def _with_schema(table: pa.Table, schema: DataType | None) -> tuple[pa.Table, StructType]:
    """A converted table and its Spark schema: the given one or the table's."""
    if schema is not None:
        return table, _as_struct(schema)
    return table, StructType(
        [StructField(f.name, from_arrow_type(f.type), f.nullable) for f in table.schema]
    )


def _as_struct(schema: DataType) -> StructType:
    return schema if isinstance(schema, StructType) else StructType([StructField("value", schema)])


def _localize_timestamps(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Naive timestamps (local time) as UTC microseconds; aware ones converted to UTC."""
    if not pa.types.is_timestamp(array.type):
        return array
    if array.type.tz is None:
        zone = os.environ.get("TZ") or _system_timezone()
        try:
            if zone is None:
                raise pa.ArrowInvalid("unknown local time zone")
            array = pc.assume_timezone(array, zone, ambiguous="earliest", nonexistent="latest")
        except pa.ArrowInvalid:
            # A zone Arrow does not know (POSIX TZ strings): let Python localize each value.
            values = array.cast(pa.timestamp("us"), safe=False).to_pylist()
            return pa.array(
                [None if v is None else v.astimezone(_UTC) for v in values],
                pa.timestamp("us", "UTC"),
            )
    return array.cast(pa.timestamp("us", "UTC"), safe=False)


@functools.cache
def _system_timezone() -> str | None:
    """The system time zone's IANA name, from ``/etc/localtime``, if it can be found."""
    path = os.path.realpath("/etc/localtime")
    marker = "zoneinfo/"
    return path.split(marker, 1)[1] if marker in path else None


def _from_arrow(table: pa.Table, schema: DataType | None) -> pa.Table:
    columns = [_localize_timestamps(c) for c in table.columns]
    table = pa.Table.from_arrays(columns, names=table.column_names)
    if schema is None:
        return table
    target = to_arrow_schema(_as_struct(schema))
    return table.rename_columns(target.names).cast(target)


def _from_pandas(frame: Any, schema: DataType | None) -> pa.Table:
    names = [str(c) for c in frame.columns]
    if schema is not None and not isinstance(schema, StructType):
        raise TypeError(f"A pandas DataFrame needs a StructType schema, got {schema}")
    if not names:
        return pa.Table.from_batches([pa.RecordBatch.from_pandas(frame, preserve_index=False)])
    fields = schema.fields if schema is not None else [None] * len(names)
    if len(fields) != len(names):
        raise ValueError(f"Length mismatch: expected {len(fields)} columns, got {len(names)}")
    arrays = [
        _pandas_column_to_arrow(series, field.dataType if field is not None else None)
        for (_, series), field in zip(frame.items(), fields, strict=True)
    ]
    if schema is not None:
        names = schema.names
    return pa.Table.from_arrays(arrays, names=names)


#: Atomic types whose values are Arrow structs.
_STRUCT_BACKED = (VariantType, SpatialType)


def _pandas_column_to_arrow(series: Any, data_type: DataType | None) -> pa.Array:
    if data_type is not None and (
        not isinstance(data_type, AtomicType) or isinstance(data_type, _STRUCT_BACKED)
    ):
        convert = _python_converter(data_type, True)
        values = [convert(v) for v in series.astype(object).where(series.notna(), None)]
        return pa.array(values, to_arrow_type(data_type))
    array = pa.Array.from_pandas(series)
    if pa.types.is_timestamp(array.type):
        array = _localize_timestamps(array)
    elif pa.types.is_duration(array.type):
        array = array.cast(pa.duration("us"), safe=False)
    if data_type is not None:
        array = array.cast(to_arrow_type(data_type), safe=False)
    return array


def _from_numpy(array: Any, schema: DataType | None) -> pa.Table:
    if array.ndim not in (1, 2):
        raise ValueError("NumPy array input should be of 1 or 2 dimensions")
    columns = [array] if array.ndim == 1 else [array[:, i] for i in range(array.shape[1])]
    default = ["value"] if len(columns) == 1 else [f"_{i}" for i in range(1, len(columns) + 1)]
    table = pa.Table.from_arrays([pa.array(c) for c in columns], names=default)
    if schema is not None:
        return _from_arrow(table, schema)
    return table


def _from_rows(
    rows: list[Any], schema: DataType | None, names: list[str] | None
) -> tuple[pa.Table, StructType]:
    if not rows:
        if schema is None:
            raise ValueError("can not infer schema from empty dataset")
        struct = _as_struct(schema)
        return to_arrow_schema(struct).empty_table(), struct
    if isinstance(rows[0], dict):
        # Dict keys are columns in alphabetical order, as in PySpark.
        rows = [None if r is None else dict(sorted(r.items())) for r in rows]
    elif not isinstance(rows[0], (tuple, list)) and not hasattr(rows[0], "__dict__"):
        rows = [[value] for value in rows]
    struct = _as_struct(schema) if schema is not None else infer_schema(rows, names)
    field_names = struct.fieldNames()
    tuples = [_row_values(row, field_names) for row in rows]
    columns = [
        [convert(row[i]) for row in tuples]
        for i, convert in enumerate(_python_converter(f.dataType, f.nullable) for f in struct)
    ]
    arrow_schema = to_arrow_schema(struct)
    if not columns:
        return pa.Table.from_struct_array(pa.array([{}] * len(rows))), struct
    table = pa.Table.from_arrays(
        [pa.array(c, f.type) for c, f in zip(columns, arrow_schema, strict=True)],
        schema=arrow_schema,
    )
    return table, struct


def _row_values(row: Any, names: list[str]) -> tuple[Any, ...]:
    if row is None:
        return (None,) * len(names)
    if isinstance(row, dict):
        return tuple(row.get(n) for n in names)
    if isinstance(row, (tuple, list)):
        if len(row) != len(names):
            raise ValueError(f"Length mismatch: expected {len(names)} values, got {len(row)}")
        return tuple(row)
    attributes = vars(row)
    return tuple(attributes.get(n) for n in names)


# Python values -> values Arrow accepts for a Spark type.


def _python_converter(data_type: DataType, nullable: bool) -> Callable[[Any], Any]:
    convert = _value_converter(data_type)

    def checked(value: Any) -> Any:
        if value is None:
            if not nullable:
                raise ValueError(f"input for {data_type} must not be None")
            return None
        return convert(value)

    return checked


def _value_converter(data_type: DataType) -> Callable[[Any], Any]:
    if isinstance(data_type, StructType):
        names = data_type.fieldNames()
        fields = [_python_converter(f.dataType, f.nullable) for f in data_type.fields]

        def struct(value: Any) -> dict[str, Any]:
            if isinstance(value, dict):
                values: Iterable[Any] = (value.get(n) for n in names)
            elif isinstance(value, (tuple, list)):
                if len(value) != len(names):
                    raise ValueError(
                        f"Length mismatch: expected {len(names)} values, got {len(value)}"
                    )
                values = value
            else:
                attributes = vars(value)
                values = (attributes.get(n) for n in names)
            return {n: c(v) for n, c, v in zip(names, fields, values, strict=True)}

        return struct
    if isinstance(data_type, ArrayType):
        element = _python_converter(data_type.elementType, data_type.containsNull)
        return lambda value: [element(v) for v in value]
    if isinstance(data_type, MapType):
        key = _python_converter(data_type.keyType, False)
        item = _python_converter(data_type.valueType, data_type.valueContainsNull)
        return lambda value: [(key(k), item(v)) for k, v in value.items()]
    if isinstance(data_type, DecimalType):
        exponent = decimal.Decimal(1).scaleb(-data_type.scale)
        context = decimal.Context(prec=data_type.precision, rounding=decimal.ROUND_HALF_EVEN)

        def to_decimal(value: Any) -> Any:
            value = value if isinstance(value, decimal.Decimal) else decimal.Decimal(value)
            return None if value.is_nan() else value.quantize(exponent, context=context)

        return to_decimal
    convert = _SCALAR_CONVERTERS.get(type(data_type))
    return convert if convert is not None else _identity


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if type(value) is str else str(value)


def _to_null(value: Any) -> None:
    raise ValueError(f"input for NullType must be None, but got {value!r}")


def _object_converter(
    value_class: type, kind: str, fields: Callable[[Any], dict[str, Any]]
) -> Callable[[Any], dict[str, Any]]:
    """The Arrow struct of a ``VariantVal``, ``Geometry`` or ``Geography`` (``kind``)."""

    def convert(value: Any) -> dict[str, Any]:
        if not isinstance(value, value_class):
            raise malformed(kind)
        return fields(value)

    return convert


_SCALAR_CONVERTERS: dict[type[DataType], Callable[[Any], Any]] = {
    StringType: _to_string,
    BinaryType: bytes,
    TimestampType: lambda value: value.astimezone(_UTC),
    NullType: _to_null,
    VariantType: _object_converter(
        VariantVal,
        "Variant",
        lambda v: {"value": bytes(v.value), "metadata": bytes(v.metadata)},
    ),
    GeometryType: _object_converter(
        Geometry, "Geometry", lambda g: {"srid": g.srid, "wkb": bytes(g.wkb)}
    ),
    GeographyType: _object_converter(
        Geography, "Geography", lambda g: {"srid": g.srid, "wkb": bytes(g.wkb)}
    ),
}


# Schema inference, as PySpark infers types of Python values.

_PYTHON_TYPES: dict[type, Callable[[], DataType]] = {
    type(None): NullType,
    bool: BooleanType,
    int: LongType,
    float: DoubleType,
    str: StringType,
    bytes: BinaryType,
    bytearray: BinaryType,
    decimal.Decimal: lambda: DecimalType(38, 18),
    datetime.date: DateType,
    datetime.datetime: TimestampType,
    datetime.time: TimeType,
    datetime.timedelta: DayTimeIntervalType,
    VariantVal: VariantType,
}


#: Python classes whose Spark type depends on the value.
_VALUE_TYPES: dict[type, Callable[[Any], DataType]] = {
    Geometry: lambda value: GeometryType(value.getSrid()),
    Geography: lambda value: GeographyType(value.getSrid()),
}


def _infer_type(value: Any) -> DataType:
    simple = _PYTHON_TYPES.get(type(value))
    if simple is not None:
        return simple()
    of_value = _VALUE_TYPES.get(type(value))
    if of_value is not None:
        return of_value(value)
    if isinstance(value, dict):
        key: DataType = NullType()
        item: DataType = NullType()
        for k, v in value.items():
            if k is not None:
                key = _merge_type(key, _infer_type(k))
            if v is not None:
                item = _merge_type(item, _infer_type(v))
        return MapType(key, item, True)
    if isinstance(value, list):
        if not value:
            return ArrayType(NullType(), True)
        return ArrayType(functools.reduce(_merge_type, map(_infer_type, value)), True)
    try:
        return _infer_row_type(value)
    except TypeError:
        raise TypeError(f"not supported type: {type(value).__name__}") from None


def _infer_row_type(row: Any, names: list[str] | None = None) -> StructType:
    items: Iterable[tuple[str, Any]]
    if isinstance(row, dict):
        items = sorted(row.items())
    elif isinstance(row, (tuple, list)):
        if hasattr(row, "__fields__"):
            items = zip(row.__fields__, tuple(row), strict=False)
        elif hasattr(row, "_fields"):
            items = zip(row._fields, tuple(row), strict=False)
        else:
            row_names = _extend_names(list(names or []), len(row))
            items = zip(row_names, row, strict=False)
    elif hasattr(row, "__dict__"):
        items = sorted(vars(row).items())
    else:
        raise TypeError(f"Can not infer schema for type: {type(row).__name__}")
    return StructType([StructField(k, _infer_type(v), True) for k, v in items])


def _merge_type(a: DataType, b: DataType) -> DataType:
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if isinstance(a, TimestampType) and isinstance(b, TimestampNTZType):
        return a
    if isinstance(a, TimestampNTZType) and isinstance(b, TimestampType):
        return b
    if isinstance(a, AtomicType) and isinstance(b, StringType):
        return b
    if isinstance(a, StringType) and isinstance(b, AtomicType):
        return a
    if type(a) is not type(b):
        raise TypeError(f"Can not merge type {type(a).__name__} and {type(b).__name__}")
    if isinstance(a, SpatialType) and a != b:
        # Values of different SRIDs make a column of mixed SRIDs.
        return type(a)("ANY")
    if isinstance(a, StructType):
        assert isinstance(b, StructType)
        others = {f.name: f.dataType for f in b.fields}
        fields = [
            StructField(f.name, _merge_type(f.dataType, others.get(f.name, NullType())))
            for f in a.fields
        ]
        known = {f.name for f in fields}
        fields.extend(StructField(n, t) for n, t in others.items() if n not in known)
        return StructType(fields)
    if isinstance(a, ArrayType):
        assert isinstance(b, ArrayType)
        return ArrayType(_merge_type(a.elementType, b.elementType), True)
    if isinstance(a, MapType):
        assert isinstance(b, MapType)
        return MapType(
            _merge_type(a.keyType, b.keyType), _merge_type(a.valueType, b.valueType), True
        )
    return a


def _has_null_type(data_type: DataType) -> bool:
    if isinstance(data_type, StructType):
        return any(_has_null_type(f.dataType) for f in data_type.fields)
    if isinstance(data_type, ArrayType):
        return _has_null_type(data_type.elementType)
    if isinstance(data_type, MapType):
        return _has_null_type(data_type.keyType) or _has_null_type(data_type.valueType)
    return isinstance(data_type, NullType)


def infer_schema(rows: Sequence[Any], names: list[str] | None = None) -> StructType:
    """The schema PySpark infers for rows (``Row``, tuple, list, dict, namedtuple, object).

    Tuples' columns are named ``names``, then ``_1``, ``_2``, ...; dicts' keys are sorted.
    Raises ``ValueError`` if some column's type cannot be determined (only ``None`` seen).
    """
    if not rows:
        raise ValueError("can not infer schema from empty dataset")
    schema = functools.reduce(_merge_type, (_infer_row_type(row, names) for row in rows))
    assert isinstance(schema, StructType)
    if _has_null_type(schema):
        raise ValueError("Some of types cannot be determined after inferring")
    return schema
