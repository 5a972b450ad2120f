"""Spark types of results as Arrow carries them: structs that repeat a field name are
computed with their fields renamed by position, and user-defined types are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql.functions import col
from pyspark.sql.types import (
    ArrayType,
    DataType,
    MapType,
    StructField,
    StructType,
    UserDefinedType,
)

from sparkflight.flight_server.errors import USER_DEFINED_TYPE_RESULT, SparkFlightError


def _renamed_struct(data_type: StructType) -> StructType:
    names = data_type.names
    repeated = len(set(names)) != len(names)
    return StructType(
        [
            StructField(
                f"{f.name}_{i}" if repeated else f.name, _unique_names(f.dataType), f.nullable
            )
            for i, f in enumerate(data_type.fields)
        ]
    )


#: How a type that holds types is rebuilt around their renamed forms.
_RENAMED: dict[type[DataType], Callable[[Any], DataType]] = {
    ArrayType: lambda t: ArrayType(_unique_names(t.elementType), t.containsNull),
    MapType: lambda t: MapType(
        _unique_names(t.keyType), _unique_names(t.valueType), t.valueContainsNull
    ),
    StructType: _renamed_struct,
}


def _unique_names(data_type: DataType) -> DataType:
    """``data_type`` with the fields of each struct that repeats a name renamed by their
    position (``a_0``, ``a_1``): the same values, laid out alike in Arrow."""
    rename = _RENAMED.get(type(data_type))
    return rename(data_type) if rename is not None else data_type


def with_unique_struct_names(df: DataFrame) -> DataFrame:
    """``df``, its structs' repeated field names renamed (a struct cast to another of as
    many fields casts them by position), which ``toArrowBatchRdd`` refuses otherwise."""
    renamed = [_unique_names(f.dataType) for f in df.schema.fields]
    if renamed == [f.dataType for f in df.schema.fields]:
        return df
    positions = [f"_{i}" for i in range(len(renamed))]
    fields = zip(positions, renamed, df.schema.fields, strict=True)
    columns = [col(p).cast(t).alias(f.name) for p, t, f in fields]
    return df.toDF(*positions).select(*columns)


#: The types a type holds, by its class: where a user-defined type may hide.
_CHILD_TYPES: dict[type[DataType], Callable[[Any], list[DataType]]] = {
    ArrayType: lambda t: [t.elementType],
    MapType: lambda t: [t.keyType, t.valueType],
    StructType: lambda t: [f.dataType for f in t.fields],
}


def _user_defined(data_type: DataType) -> UserDefinedType | None:
    """The first user-defined type in ``data_type``, itself or nested, else None."""
    if isinstance(data_type, UserDefinedType):
        return data_type
    children = _CHILD_TYPES.get(type(data_type))
    for child in children(data_type) if children is not None else []:
        found = _user_defined(child)
        if found is not None:
            return found
    return None


def refuse_user_defined_types(df: DataFrame) -> None:
    """Refuse a result with a column of a user-defined type (``VectorUDT``): PySpark
    gives such values as objects of the type's Python class, which the client does not
    have, and the values Spark stores for them would be a different answer."""
    for field in df.schema.fields:
        found = _user_defined(field.dataType)
        if found is not None:
            raise SparkFlightError(
                USER_DEFINED_TYPE_RESULT,
                f"column `{field.name}` holds values of the user-defined type "
                f"{type(found).__name__}, which the client cannot make; select "
                f"unwrap_udt(`{field.name}`) for the values Spark stores for them",
                column=field.name,
                type=type(found).__name__,
            )
