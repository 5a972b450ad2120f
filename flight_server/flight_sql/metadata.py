"""Catalog metadata commands: catalogs, schemas, tables, table types, keys and types.

Spark's catalogs are Flight SQL catalogs, their namespaces are db schemas. Temporary views
belong to no catalog or schema: they are listed with both null (an empty catalog filter
asks for them alone). Spark has no primary or foreign keys, so those results are empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pyarrow as pa
from pyspark.sql import SparkSession

from sparkflight.flight_server.flight_sql import schemas
from sparkflight.flight_server.results import arrow_schema
from sparkflight.plans import flight_sql_pb2 as fsql

#: Flight SQL table type of each Spark table type (JDBC's names).
TABLE_TYPES = {
    "MANAGED": "TABLE",
    "EXTERNAL": "TABLE",
    "VIEW": "VIEW",
    "TEMPORARY": "LOCAL TEMPORARY",
}

#: The escape character of search patterns (also SqlInfo SQL_SEARCH_STRING_ESCAPE).
PATTERN_ESCAPE = "\\"


def quote(*parts: str) -> str:
    """A Spark multi-part identifier, each part in backquotes."""
    return ".".join("`" + part.replace("`", "``") + "`" for part in parts)


def pattern_matcher(pattern: str | None) -> Callable[[str], bool]:
    """A test for names that match a Flight SQL search pattern (``%``, ``_``, ``\\``)."""
    if pattern is None:
        return lambda name: True
    regex, escaped = [], False
    for char in pattern:
        if escaped:
            regex.append(re.escape(char))
            escaped = False
        elif char == PATTERN_ESCAPE:
            escaped = True
        else:
            regex.append({"%": ".*", "_": "."}.get(char, re.escape(char)))
    compiled = re.compile("".join(regex), re.IGNORECASE | re.DOTALL)
    return lambda name: compiled.fullmatch(name) is not None


def _catalogs(spark: SparkSession, catalog: str | None) -> list[str]:
    names = sorted(c.name for c in spark.catalog.listCatalogs())
    return [name for name in names if catalog is None or name == catalog]


def _namespaces(spark: SparkSession, catalog: str) -> list[str]:
    rows = spark.sql(f"SHOW NAMESPACES IN {quote(catalog)}").collect()
    return sorted(row[0] for row in rows)


def _optional(message: object, field: str) -> str | None:
    return getattr(message, field) if message.HasField(field) else None  # type: ignore[attr-defined]


def _db_schemas(
    spark: SparkSession, catalog: str | None, pattern: str | None
) -> Iterator[tuple[str, str]]:
    matches = pattern_matcher(pattern)
    for name in _catalogs(spark, catalog):
        for namespace in _namespaces(spark, name):
            if matches(namespace):
                yield name, namespace


def get_catalogs(spark: SparkSession, command: fsql.CommandGetCatalogs) -> pa.Table:
    return pa.Table.from_pydict({"catalog_name": _catalogs(spark, None)}, schemas.CATALOGS)


def get_db_schemas(spark: SparkSession, command: fsql.CommandGetDbSchemas) -> pa.Table:
    pairs = list(
        _db_schemas(
            spark, _optional(command, "catalog"), _optional(command, "db_schema_filter_pattern")
        )
    )
    return pa.Table.from_pydict(
        {"catalog_name": [c for c, _ in pairs], "db_schema_name": [s for _, s in pairs]},
        schemas.DB_SCHEMAS,
    )


def _table_rows(spark: SparkSession, command: fsql.CommandGetTables) -> list[dict]:
    catalog = _optional(command, "catalog")
    schema_pattern = _optional(command, "db_schema_filter_pattern")
    matches = pattern_matcher(_optional(command, "table_name_filter_pattern"))
    types = set(command.table_types)
    rows = []

    def add(catalog_name: str | None, namespace: str | None, table: object) -> None:
        table_type = TABLE_TYPES.get(table.tableType, table.tableType)  # type: ignore[attr-defined]
        name = table.name  # type: ignore[attr-defined]
        if matches(name) and (not types or table_type in types):
            rows.append(
                {
                    "catalog_name": catalog_name,
                    "db_schema_name": namespace,
                    "table_name": name,
                    "table_type": table_type,
                }
            )

    if catalog != "":
        for catalog_name, namespace in _db_schemas(spark, catalog, schema_pattern):
            for table in spark.catalog.listTables(quote(catalog_name, namespace)):
                if not table.isTemporary:
                    add(catalog_name, namespace, table)
    if catalog in (None, "") and schema_pattern is None:
        for table in spark.catalog.listTables():
            if table.isTemporary and not table.namespace:
                add(None, None, table)
    return sorted(
        rows,
        key=lambda r: (r["catalog_name"] or "", r["db_schema_name"] or "", r["table_name"]),
    )


def _table_schema(spark: SparkSession, row: dict) -> bytes:
    parts = [row["catalog_name"], row["db_schema_name"], row["table_name"]]
    name = quote(*(part for part in parts if part is not None))
    return arrow_schema(spark.table(name)).serialize().to_pybytes()


def get_tables(spark: SparkSession, command: fsql.CommandGetTables) -> pa.Table:
    rows = _table_rows(spark, command)
    if not command.include_schema:
        return pa.Table.from_pylist(rows, schemas.TABLES)
    for row in rows:
        row["table_schema"] = _table_schema(spark, row)
    return pa.Table.from_pylist(rows, schemas.TABLES_WITH_SCHEMA)


def get_table_types(spark: SparkSession, command: fsql.CommandGetTableTypes) -> pa.Table:
    types = sorted(set(TABLE_TYPES.values()))
    return pa.Table.from_pydict({"table_type": types}, schemas.TABLE_TYPES)


def primary_keys(spark: SparkSession, command: fsql.CommandGetPrimaryKeys) -> pa.Table:
    return schemas.PRIMARY_KEYS.empty_table()


def foreign_keys(spark: SparkSession, command: object) -> pa.Table:
    """Imported keys, exported keys and cross references: none in Spark."""
    return schemas.FOREIGN_KEYS.empty_table()


# XdbcDataType codes of the specification.
_XDBC = {
    "BOOLEAN": -7,
    "TINYINT": -6,
    "SMALLINT": 5,
    "INT": 4,
    "BIGINT": -5,
    "FLOAT": 7,
    "DOUBLE": 8,
    "DECIMAL": 3,
    "STRING": 12,
    "BINARY": -3,
    "DATE": 91,
    "TIMESTAMP": 93,
    "TIMESTAMP_NTZ": 93,
}
_NUMERIC_PRECISION = {
    "TINYINT": 3,
    "SMALLINT": 5,
    "INT": 10,
    "BIGINT": 19,
    "FLOAT": 24,
    "DOUBLE": 53,
    "DECIMAL": 38,
}
_SEARCHABLE_FULL = 3
_NULLABLE = 1
_XDBC_DATETIME = 9
_DATETIME_SUBCODES = {"DATE": 1, "TIMESTAMP": 3, "TIMESTAMP_NTZ": 3}


def _type_row(name: str, code: int) -> dict:
    numeric = name in _NUMERIC_PRECISION
    quoted = {"STRING": "'", "BINARY": "X'", "DATE": "DATE '", "TIMESTAMP": "TIMESTAMP '"}
    return {
        "type_name": name,
        "data_type": code,
        "column_size": _NUMERIC_PRECISION.get(name),
        "literal_prefix": quoted.get(name, "TIMESTAMP_NTZ '" if name == "TIMESTAMP_NTZ" else None),
        "literal_suffix": "'" if name in quoted or name == "TIMESTAMP_NTZ" else None,
        "create_params": ["precision", "scale"] if name == "DECIMAL" else None,
        "nullable": _NULLABLE,
        "case_sensitive": name == "STRING",
        "searchable": _SEARCHABLE_FULL,
        "unsigned_attribute": False if numeric else None,
        "fixed_prec_scale": False,
        "auto_increment": False if numeric else None,
        "local_type_name": name,
        "minimum_scale": 0 if name == "DECIMAL" else None,
        "maximum_scale": 38 if name == "DECIMAL" else None,
        "sql_data_type": _XDBC_DATETIME if name in _DATETIME_SUBCODES else code,
        "datetime_subcode": _DATETIME_SUBCODES.get(name),
        "num_prec_radix": (2 if name in ("FLOAT", "DOUBLE") else 10) if numeric else None,
        "interval_precision": None,
    }


def xdbc_type_info(spark: SparkSession, command: fsql.CommandGetXdbcTypeInfo) -> pa.Table:
    wanted = command.data_type if command.HasField("data_type") else None
    rows = [
        _type_row(name, code) for name, code in _XDBC.items() if wanted is None or code == wanted
    ]
    rows.sort(key=lambda r: (r["data_type"], r["type_name"]))
    return pa.Table.from_pylist(rows, schemas.XDBC_TYPE_INFO)
