"""A read's ``base_schema`` as the columns of the table it reads.

In Substrait, a read's fields are those of its ``base_schema``: field references index it,
and the table's columns are matched to it by name. A producer may declare a subset of a
table's columns, or another order; the table is read with its columns selected by those
names in that order. Where a session can say the table's own schema, a declared column the
table lacks, or a declared type the column does not have, is refused naming both.
"""

from __future__ import annotations

from pyspark.sql import types as T
from pyspark.sql.connect.proto import relations_pb2 as cr
from substrait import algebra_pb2

from sparkflight.flight_server.connect import planner
from sparkflight.flight_server.connect.columns import (
    Columns,
    Ref,
    anchored,
    known,
    top_level_names,
)
from sparkflight.flight_server.connect.context import Context
from sparkflight.flight_server.connect.literals import alias
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.flight_server.spark_types import spark_schema

Relation = cr.Relation


def _plain(data_type: T.DataType) -> T.DataType:
    """``data_type`` without nullability, and with character types as strings (Spark reads
    ``CHAR``/``VARCHAR`` columns as strings)."""
    if isinstance(data_type, T.CharType | T.VarcharType):
        return T.StringType()
    if isinstance(data_type, T.StructType):
        return T.StructType([T.StructField(f.name, _plain(f.dataType)) for f in data_type.fields])
    if isinstance(data_type, T.ArrayType):
        return T.ArrayType(_plain(data_type.elementType))
    if isinstance(data_type, T.MapType):
        return T.MapType(_plain(data_type.keyType), _plain(data_type.valueType))
    return data_type


def _field(schema: T.StructType, name: str, what: str) -> T.StructField:
    """The column of ``schema`` named ``name`` (as Spark resolves it: case-insensitively
    when no column has the exact name)."""
    exact = [f for f in schema.fields if f.name == name]
    found = exact or [f for f in schema.fields if f.name.lower() == name.lower()]
    if len(found) != 1:
        columns = ", ".join(schema.fieldNames())
        problem = "has no column" if not found else "has several columns"
        raise SparkFlightError(
            INVALID_PLAN,
            f"the read's base_schema declares column {name!r}, but {what} {problem} of "
            f"that name (its columns: {columns})",
            column=name,
        )
    return found[0]


def _table_schema(ctx: Context, table: Relation) -> T.StructType | None:
    """The table's own schema, as Spark's analysis of the read says (without a session,
    as when a plan is only translated, ``None``)."""
    if ctx.session is None:
        return None
    return planner.dataframe(ctx.session, table).schema


def declared_read(
    ctx: Context, table: Relation, read: algebra_pb2.ReadRel, plan_id: int, what: str
) -> tuple[Relation, Columns]:
    """``table`` with the columns ``read.base_schema`` declares, by name and in its order,
    as relation ``plan_id``; ``what`` names the table in errors."""
    table_id = next(ctx.fresh_ids)
    names = top_level_names(read.base_schema)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SparkFlightError(
            INVALID_PLAN, f"the base_schema of the read of {what} repeats {repeated[0]!r}"
        )
    declared: list[T.DataType | None] = [None] * len(names)
    if read.base_schema.struct.types:
        try:
            declared = [f.dataType for f in spark_schema(read.base_schema).fields]
        except SparkFlightError:  # a type Spark has not: checked by name only
            pass
    actual = _table_schema(ctx, table)
    kinds = list(declared)
    values = []
    for position, name in enumerate(names):
        column_name = name
        if actual is not None:
            found = _field(actual, name, what)
            want = declared[position]
            if want is not None and _plain(want) != _plain(found.dataType):
                raise SparkFlightError(
                    INVALID_PLAN,
                    f"the read's base_schema declares column {name!r} of {what} as "
                    f"{want.simpleString()}, but the table's column {found.name!r} is "
                    f"{found.dataType.simpleString()}",
                    column=name,
                )
            column_name, kinds[position] = found.name, found.dataType
        value = Ref(column_name, table_id).expression()
        values.append(value if column_name == name else alias(value, name))
    result = Relation()
    result.project.input.CopyFrom(table)
    result.project.input.common.plan_id = table_id
    result.project.expressions.extend(values)
    result.common.plan_id = plan_id
    return result, known(anchored(names, plan_id, kinds))
