"""``spark.catalog``: databases, tables, views, functions and caching on the server.

Each call sends one ``CatalogRelation`` operation and turns the rows it answers into
PySpark's result types (:class:`Database`, :class:`Table`, ...).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import pyarrow as pa
from google.protobuf import any_pb2
from substrait import algebra_pb2, plan_pb2

from sparkflight.client.errors import expected_type
from sparkflight.client.storagelevel import storage_level_message
from sparkflight.client.types import StructType
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession

C = sf.CatalogRelation


class CatalogMetadata(NamedTuple):
    name: str
    description: str | None


class Database(NamedTuple):
    name: str
    catalog: str | None
    description: str | None
    locationUri: str


class Table(NamedTuple):
    name: str
    catalog: str | None
    namespace: list[str] | None
    description: str | None
    tableType: str
    isTemporary: bool

    @property
    def database(self) -> str | None:
        """The table's database: its namespace when that has exactly one part."""
        if self.namespace is not None and len(self.namespace) == 1:
            return self.namespace[0]
        return None


class Column(NamedTuple):
    name: str
    description: str | None
    dataType: str
    nullable: bool
    isPartition: bool
    isBucket: bool
    isCluster: bool


class Function(NamedTuple):
    name: str
    catalog: str | None
    namespace: list[str] | None
    description: str | None
    className: str
    isTemporary: bool


class TablePartition(NamedTuple):
    partition: str


def _plan_bytes(operation: str, message: Any) -> bytes:
    relation = sf.CatalogRelation(**{operation: message})
    detail = any_pb2.Any()
    detail.Pack(relation)
    rel = algebra_pb2.Rel(extension_leaf=algebra_pb2.ExtensionLeafRel(detail=detail))
    plan = plan_pb2.Plan(
        version=plan_pb2.Version(minor_number=75, producer="sparkflight"),
        relations=[plan_pb2.PlanRel(root=algebra_pb2.RelRoot(input=rel))],
    )
    return plan.SerializeToString()


def _deprecated_db_name(method: str, dbName: str | None) -> None:
    if dbName is not None:
        warnings.warn(
            "`dbName` has been deprecated since Spark 3.4 and might be removed in "
            f"a future version. Use {method}(`dbName.tableName`) instead.",
            FutureWarning,
            stacklevel=3,
        )


class Catalog:
    """The session's catalog, as ``pyspark.sql.Catalog``."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session

    def _run(self, operation: str, message: Any) -> pa.Table:
        return self._session._connection.execute(_plan_bytes(operation, message))

    def _rows(self, operation: str, message: Any) -> list[dict[str, Any]]:
        return self._run(operation, message).to_pylist()

    def _value(self, operation: str, message: Any) -> Any:
        return self._rows(operation, message)[0]["value"]

    def _list(self, kind: Callable[..., Any], operation: str, message: Any) -> list[Any]:
        return [kind(**row) for row in self._rows(operation, message)]

    # ----------------------------------------------------------- catalogs

    def currentCatalog(self) -> str:
        return self._value("current_catalog", C.CurrentCatalog())

    def setCurrentCatalog(self, catalogName: str) -> None:
        self._run("set_current_catalog", C.SetCurrentCatalog(catalog_name=catalogName))

    def listCatalogs(self, pattern: str | None = None) -> list[CatalogMetadata]:
        return self._list(CatalogMetadata, "list_catalogs", C.ListCatalogs(pattern=pattern))

    # ---------------------------------------------------------- databases

    def currentDatabase(self) -> str:
        return self._value("current_database", C.CurrentDatabase())

    def setCurrentDatabase(self, dbName: str) -> None:
        self._run("set_current_database", C.SetCurrentDatabase(db_name=dbName))

    def listDatabases(self, pattern: str | None = None) -> list[Database]:
        return self._list(Database, "list_databases", C.ListDatabases(pattern=pattern))

    def getDatabase(self, dbName: str) -> Database:
        return self._list(Database, "get_database", C.GetDatabase(db_name=dbName))[0]

    def databaseExists(self, dbName: str) -> bool:
        return self._value("database_exists", C.DatabaseExists(db_name=dbName))

    def createDatabase(
        self, dbName: str, ifNotExists: bool = False, properties: dict[str, str] | None = None
    ) -> None:
        message = C.CreateDatabase(
            db_name=dbName, if_not_exists=ifNotExists, properties=properties or {}
        )
        self._run("create_database", message)

    def dropDatabase(self, dbName: str, ifExists: bool = False, cascade: bool = False) -> None:
        message = C.DropDatabase(db_name=dbName, if_exists=ifExists, cascade=cascade)
        self._run("drop_database", message)

    # ------------------------------------------------------------- tables

    def listTables(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        return self._list(Table, "list_tables", C.ListTables(db_name=dbName, pattern=pattern))

    def listViews(self, dbName: str | None = None, pattern: str | None = None) -> list[Table]:
        return self._list(Table, "list_views", C.ListViews(db_name=dbName, pattern=pattern))

    def getTable(self, tableName: str) -> Table:
        return self._list(Table, "get_table", C.GetTable(table_name=tableName))[0]

    def tableExists(self, tableName: str, dbName: str | None = None) -> bool:
        _deprecated_db_name("tableExists", dbName)
        return self._value("table_exists", C.TableExists(table_name=tableName, db_name=dbName))

    def listColumns(self, tableName: str, dbName: str | None = None) -> list[Column]:
        _deprecated_db_name("listColumns", dbName)
        message = C.ListColumns(table_name=tableName, db_name=dbName)
        return self._list(Column, "list_columns", message)

    def listPartitions(self, tableName: str) -> list[TablePartition]:
        message = C.ListPartitions(table_name=tableName)
        return self._list(TablePartition, "list_partitions", message)

    def getTableProperties(self, tableName: str) -> dict[str, str]:
        rows = self._rows("get_table_properties", C.GetTableProperties(table_name=tableName))
        return {row["key"]: row["value"] for row in rows}

    def getCreateTableString(self, tableName: str, asSerde: bool = False) -> str:
        message = C.GetCreateTableString(table_name=tableName, as_serde=asSerde)
        return self._value("get_create_table_string", message)

    def createTable(
        self,
        tableName: str,
        path: str | None = None,
        source: str | None = None,
        schema: StructType | None = None,
        description: str | None = None,
        **options: str,
    ) -> DataFrame:
        if schema is not None and not isinstance(schema, StructType):
            raise expected_type("schema", "struct type", schema)
        message = C.CreateTable(
            table_name=tableName,
            path=path,
            source=source,
            schema=schema.json() if schema is not None else None,
            description=description,
            options=options,
        )
        self._run("create_table", message)
        return self._session.table(tableName)

    def createExternalTable(
        self,
        tableName: str,
        path: str | None = None,
        source: str | None = None,
        schema: StructType | None = None,
        **options: str,
    ) -> DataFrame:
        warnings.warn(
            "createExternalTable is deprecated since Spark 2.2, please use createTable instead.",
            FutureWarning,
            stacklevel=2,
        )
        return self.createTable(tableName, path, source, schema, **options)

    def dropTable(self, tableName: str, ifExists: bool = False, purge: bool = False) -> None:
        message = C.DropTable(table_name=tableName, if_exists=ifExists, purge=purge)
        self._run("drop_table", message)

    def dropView(self, viewName: str, ifExists: bool = False) -> None:
        self._run("drop_view", C.DropView(view_name=viewName, if_exists=ifExists))

    def truncateTable(self, tableName: str) -> None:
        self._run("truncate_table", C.TruncateTable(table_name=tableName))

    def analyzeTable(self, tableName: str, noScan: bool = False) -> None:
        self._run("analyze_table", C.AnalyzeTable(table_name=tableName, no_scan=noScan))

    def recoverPartitions(self, tableName: str) -> None:
        self._run("recover_partitions", C.RecoverPartitions(table_name=tableName))

    # --------------------------------------------------------- functions

    def listFunctions(
        self, dbName: str | None = None, pattern: str | None = None
    ) -> list[Function]:
        message = C.ListFunctions(db_name=dbName, pattern=pattern)
        return self._list(Function, "list_functions", message)

    def getFunction(self, functionName: str) -> Function:
        message = C.GetFunction(function_name=functionName)
        return self._list(Function, "get_function", message)[0]

    def functionExists(self, functionName: str, dbName: str | None = None) -> bool:
        _deprecated_db_name("functionExists", dbName)
        message = C.FunctionExists(function_name=functionName, db_name=dbName)
        return self._value("function_exists", message)

    def registerFunction(self, name: str, f: Callable[..., Any], returnType: Any = None) -> Any:
        """Deprecated name of ``spark.udf.register``."""
        warnings.warn(
            "Deprecated in 2.3.0. Use spark.udf.register instead.", FutureWarning, stacklevel=2
        )
        return self._session.udf.register(name, f, returnType)

    # ------------------------------------------------------------- views

    def dropTempView(self, viewName: str) -> bool:
        return self._value("drop_temp_view", C.DropTempView(view_name=viewName))

    def dropGlobalTempView(self, viewName: str) -> bool:
        return self._value("drop_global_temp_view", C.DropGlobalTempView(view_name=viewName))

    # ----------------------------------------------------------- caching

    def isCached(self, tableName: str) -> bool:
        return self._value("is_cached", C.IsCached(table_name=tableName))

    def cacheTable(self, tableName: str, storageLevel: Any = None) -> None:
        level = storage_level_message(storageLevel) if storageLevel is not None else None
        self._run("cache_table", C.CacheTable(table_name=tableName, storage_level=level))

    def uncacheTable(self, tableName: str) -> None:
        self._run("uncache_table", C.UncacheTable(table_name=tableName))

    def clearCache(self) -> None:
        self._run("clear_cache", C.ClearCache())

    def refreshTable(self, tableName: str) -> None:
        self._run("refresh_table", C.RefreshTable(table_name=tableName))

    def refreshByPath(self, path: str) -> None:
        self._run("refresh_by_path", C.RefreshByPath(path=path))
