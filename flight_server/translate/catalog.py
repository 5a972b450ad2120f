"""``CatalogRelation``: one ``spark.catalog`` operation, its answer as rows.

The operation runs when the relation is translated, on the session's own catalog
(:data:`_OPERATIONS` maps each operation of the message's ``oneof`` to the PySpark
call and the columns of its answer).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T
from pyspark.sql.catalog import Catalog

from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError
from sparkflight.plans import sparkflight_pb2 as sf

C = sf.CatalogRelation


def _schema(*fields: tuple[str, T.DataType]) -> T.StructType:
    return T.StructType([T.StructField(name, data_type) for name, data_type in fields])


_S, _B = T.StringType(), T.BooleanType()
_NAMESPACE = T.ArrayType(T.StringType())

NONE = _schema()
STRING = _schema(("value", _S))
BOOLEAN = _schema(("value", _B))
CATALOG_METADATA = _schema(("name", _S), ("description", _S))
DATABASE = _schema(("name", _S), ("catalog", _S), ("description", _S), ("locationUri", _S))
TABLE = _schema(
    ("name", _S),
    ("catalog", _S),
    ("namespace", _NAMESPACE),
    ("description", _S),
    ("tableType", _S),
    ("isTemporary", _B),
)
COLUMN = _schema(
    ("name", _S),
    ("description", _S),
    ("dataType", _S),
    ("nullable", _B),
    ("isPartition", _B),
    ("isBucket", _B),
    ("isCluster", _B),
)
FUNCTION = _schema(
    ("name", _S),
    ("catalog", _S),
    ("namespace", _NAMESPACE),
    ("description", _S),
    ("className", _S),
    ("isTemporary", _B),
)
PARTITION = _schema(("partition", _S))
PROPERTIES = _schema(("key", _S), ("value", _S))


def _opt(message: Any, name: str) -> Any:
    """An ``optional`` field's value, None when unset."""
    return getattr(message, name) if message.HasField(name) else None


def _storage_level(m: C.CacheTable) -> StorageLevel | None:
    if not m.HasField("storage_level"):
        return None
    level = m.storage_level
    return StorageLevel(
        level.use_disk, level.use_memory, level.use_off_heap, level.deserialized, level.replication
    )


def _create_table(catalog: Catalog, m: C.CreateTable) -> None:
    schema = _opt(m, "schema")
    catalog.createTable(
        m.table_name,
        path=_opt(m, "path"),
        source=_opt(m, "source"),
        schema=T.StructType.fromJson(json.loads(schema)) if schema else None,
        description=_opt(m, "description"),
        **dict(m.options),
    )


@dataclass(frozen=True)
class _Operation:
    run: Callable[[Catalog, Any], Any]
    columns: T.StructType


_OPERATIONS: dict[str, _Operation] = {
    "current_catalog": _Operation(lambda c, m: c.currentCatalog(), STRING),
    "set_current_catalog": _Operation(lambda c, m: c.setCurrentCatalog(m.catalog_name), NONE),
    "list_catalogs": _Operation(lambda c, m: c.listCatalogs(_opt(m, "pattern")), CATALOG_METADATA),
    "current_database": _Operation(lambda c, m: c.currentDatabase(), STRING),
    "set_current_database": _Operation(lambda c, m: c.setCurrentDatabase(m.db_name), NONE),
    "list_databases": _Operation(lambda c, m: c.listDatabases(_opt(m, "pattern")), DATABASE),
    "get_database": _Operation(lambda c, m: c.getDatabase(m.db_name), DATABASE),
    "database_exists": _Operation(lambda c, m: c.databaseExists(m.db_name), BOOLEAN),
    "create_database": _Operation(
        lambda c, m: c.createDatabase(m.db_name, m.if_not_exists, dict(m.properties)), NONE
    ),
    "drop_database": _Operation(
        lambda c, m: c.dropDatabase(m.db_name, m.if_exists, m.cascade), NONE
    ),
    "list_tables": _Operation(
        lambda c, m: c.listTables(_opt(m, "db_name"), _opt(m, "pattern")), TABLE
    ),
    "list_views": _Operation(
        lambda c, m: c.listViews(_opt(m, "db_name"), _opt(m, "pattern")), TABLE
    ),
    "get_table": _Operation(lambda c, m: c.getTable(m.table_name), TABLE),
    "table_exists": _Operation(
        lambda c, m: c.tableExists(m.table_name, _opt(m, "db_name")), BOOLEAN
    ),
    "list_columns": _Operation(
        lambda c, m: c.listColumns(m.table_name, _opt(m, "db_name")), COLUMN
    ),
    "list_partitions": _Operation(lambda c, m: c.listPartitions(m.table_name), PARTITION),
    "get_table_properties": _Operation(
        lambda c, m: sorted(c.getTableProperties(m.table_name).items()), PROPERTIES
    ),
    "get_create_table_string": _Operation(
        lambda c, m: c.getCreateTableString(m.table_name, m.as_serde), STRING
    ),
    "create_table": _Operation(_create_table, NONE),
    "drop_table": _Operation(lambda c, m: c.dropTable(m.table_name, m.if_exists, m.purge), NONE),
    "drop_view": _Operation(lambda c, m: c.dropView(m.view_name, m.if_exists), NONE),
    "truncate_table": _Operation(lambda c, m: c.truncateTable(m.table_name), NONE),
    "analyze_table": _Operation(lambda c, m: c.analyzeTable(m.table_name, m.no_scan), NONE),
    "list_functions": _Operation(
        lambda c, m: c.listFunctions(_opt(m, "db_name"), _opt(m, "pattern")), FUNCTION
    ),
    "get_function": _Operation(lambda c, m: c.getFunction(m.function_name), FUNCTION),
    "function_exists": _Operation(
        lambda c, m: c.functionExists(m.function_name, _opt(m, "db_name")), BOOLEAN
    ),
    "drop_temp_view": _Operation(lambda c, m: c.dropTempView(m.view_name), BOOLEAN),
    "drop_global_temp_view": _Operation(lambda c, m: c.dropGlobalTempView(m.view_name), BOOLEAN),
    "is_cached": _Operation(lambda c, m: c.isCached(m.table_name), BOOLEAN),
    "cache_table": _Operation(lambda c, m: c.cacheTable(m.table_name, _storage_level(m)), NONE),
    "uncache_table": _Operation(lambda c, m: c.uncacheTable(m.table_name), NONE),
    "clear_cache": _Operation(lambda c, m: c.clearCache(), NONE),
    "refresh_table": _Operation(lambda c, m: c.refreshTable(m.table_name), NONE),
    "refresh_by_path": _Operation(lambda c, m: c.refreshByPath(m.path), NONE),
    "recover_partitions": _Operation(lambda c, m: c.recoverPartitions(m.table_name), NONE),
}


def _rows(answer: Any, columns: T.StructType) -> list[tuple[Any, ...]]:
    """The answer of an operation as rows of ``columns``."""
    if not columns.fields:
        return []
    if isinstance(answer, list):
        return [tuple(item) for item in answer]
    if isinstance(answer, tuple):  # one named tuple (getTable, getDatabase, ...)
        return [tuple(answer)]
    return [(answer,)]


def catalog_dataframe(spark: SparkSession, message: sf.CatalogRelation) -> DataFrame:
    """Run the catalog operation of ``message``; its answer as a DataFrame."""
    kind = message.WhichOneof("operation")
    operation = _OPERATIONS.get(kind or "")
    if operation is None:
        raise SparkFlightError(INVALID_PLAN, "CatalogRelation without a known operation")
    answer = operation.run(spark.catalog, getattr(message, kind))
    return spark.createDataFrame(_rows(answer, operation.columns), operation.columns)
