"""Bulk ingest (``CommandStatementIngest``): an Arrow stream into a table or temporary view.

A temporary ingest makes a temporary view of the session (no catalog or schema may be
named then); any other ingest writes a catalog table with Spark's default data source.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
from pyspark.sql import DataFrame

from sparkflight.flight_server.errors import (
    INVALID_INGEST,
    TABLE_ALREADY_EXISTS,
    TABLE_NOT_FOUND,
    SparkFlightError,
)
from sparkflight.flight_server.flight_sql.metadata import quote
from sparkflight.flight_server.sessions import Session
from sparkflight.plans import flight_sql_pb2 as fsql

_Options = fsql.CommandStatementIngest.TableDefinitionOptions
_NOT_EXIST = {
    _Options.TABLE_NOT_EXIST_OPTION_CREATE: "create",
    _Options.TABLE_NOT_EXIST_OPTION_FAIL: "fail",
}
_EXISTS = {
    _Options.TABLE_EXISTS_OPTION_FAIL: "fail",
    _Options.TABLE_EXISTS_OPTION_APPEND: "append",
    _Options.TABLE_EXISTS_OPTION_REPLACE: "replace",
}


def _target(command: fsql.CommandStatementIngest) -> str:
    if not command.table:
        raise SparkFlightError(INVALID_INGEST, "the ingest names no table")
    parts = [command.table]
    if command.HasField("schema"):
        parts.insert(0, command.schema)
    if command.HasField("catalog"):
        if not command.HasField("schema"):
            raise SparkFlightError(INVALID_INGEST, "an ingest naming a catalog must name a schema")
        parts.insert(0, command.catalog)
    if command.temporary and len(parts) > 1:
        raise SparkFlightError(
            INVALID_INGEST, "a temporary table is a temporary view: it has no catalog or schema"
        )
    return quote(*parts)


def _view_exists(session: Session, name: str) -> bool:
    return any(t.name == name and t.isTemporary for t in session.spark.catalog.listTables())


def _write_view(session: Session, name: str, df: DataFrame, action: str) -> None:
    if action == "append":
        df = session.spark.table(quote(name)).unionByName(df)
    df.createOrReplaceTempView(name)


def _write_table(session: Session, name: str, df: DataFrame, action: str) -> None:
    writer = df.write.mode("append" if action == "append" else "overwrite")
    if action == "append":
        writer.insertInto(name)
    else:
        writer.saveAsTable(name)


def ingest(session: Session, command: fsql.CommandStatementIngest, data: pa.Table) -> int:
    """Load ``data`` as ``command`` says; the number of rows loaded."""
    options = command.table_definition_options
    if_not_exist = _NOT_EXIST.get(options.if_not_exist)
    if_exists = _EXISTS.get(options.if_exists)
    if if_not_exist is None or if_exists is None:
        raise SparkFlightError(
            INVALID_INGEST, "the ingest must say what to do if the table exists and if it does not"
        )
    name = _target(command)
    spark = session.spark
    exists = (
        _view_exists(session, command.table)
        if command.temporary
        else spark.catalog.tableExists(name)
    )
    if exists and if_exists == "fail":
        raise SparkFlightError(TABLE_ALREADY_EXISTS, f"table {name} already exists", table=name)
    if not exists and if_not_exist == "fail":
        raise SparkFlightError(TABLE_NOT_FOUND, f"table {name} does not exist", table=name)
    action = if_exists if exists else "create"
    write: Callable[[Session, str, DataFrame, str], None] = (
        _write_view if command.temporary else _write_table
    )
    write(
        session, command.table if command.temporary else name, spark.createDataFrame(data), action
    )
    return data.num_rows
