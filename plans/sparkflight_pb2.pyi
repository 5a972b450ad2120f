from substrait import algebra_pb2 as _algebra_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SqlRelation(_message.Message):
    __slots__ = ("query", "named_arguments", "positional_arguments")
    class NamedArgumentsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _algebra_pb2.Expression
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ...) -> None: ...
    QUERY_FIELD_NUMBER: _ClassVar[int]
    NAMED_ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    POSITIONAL_ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    query: str
    named_arguments: _containers.MessageMap[str, _algebra_pb2.Expression]
    positional_arguments: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, query: _Optional[str] = ..., named_arguments: _Optional[_Mapping[str, _algebra_pb2.Expression]] = ..., positional_arguments: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class RangeRelation(_message.Message):
    __slots__ = ("start", "end", "step", "num_partitions")
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    NUM_PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    start: int
    end: int
    step: int
    num_partitions: int
    def __init__(self, start: _Optional[int] = ..., end: _Optional[int] = ..., step: _Optional[int] = ..., num_partitions: _Optional[int] = ...) -> None: ...

class LocalRelation(_message.Message):
    __slots__ = ("arrow_ipc", "upload_id", "schema_json")
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    arrow_ipc: bytes
    upload_id: str
    schema_json: str
    def __init__(self, arrow_ipc: _Optional[bytes] = ..., upload_id: _Optional[str] = ..., schema_json: _Optional[str] = ...) -> None: ...

class DataSourceRelation(_message.Message):
    __slots__ = ("format", "paths", "options", "schema", "predicates")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PATHS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    PREDICATES_FIELD_NUMBER: _ClassVar[int]
    format: str
    paths: _containers.RepeatedScalarFieldContainer[str]
    options: _containers.ScalarMap[str, str]
    schema: str
    predicates: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, format: _Optional[str] = ..., paths: _Optional[_Iterable[str]] = ..., options: _Optional[_Mapping[str, str]] = ..., schema: _Optional[str] = ..., predicates: _Optional[_Iterable[str]] = ...) -> None: ...

class ChangesRelation(_message.Message):
    __slots__ = ("table_name", "options")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    table_name: str
    options: _containers.ScalarMap[str, str]
    def __init__(self, table_name: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ...) -> None: ...

class MicroBatchRelation(_message.Message):
    __slots__ = ("relation_id",)
    RELATION_ID_FIELD_NUMBER: _ClassVar[int]
    relation_id: str
    def __init__(self, relation_id: _Optional[str] = ...) -> None: ...

class StreamSourceRelation(_message.Message):
    __slots__ = ("format", "path", "options", "schema", "table_name", "changes", "source_name")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    format: str
    path: str
    options: _containers.ScalarMap[str, str]
    schema: str
    table_name: str
    changes: bool
    source_name: str
    def __init__(self, format: _Optional[str] = ..., path: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., schema: _Optional[str] = ..., table_name: _Optional[str] = ..., changes: _Optional[bool] = ..., source_name: _Optional[str] = ...) -> None: ...

class TableFunctionRelation(_message.Message):
    __slots__ = ("name", "arguments")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    arguments: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, name: _Optional[str] = ..., arguments: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class CatalogRelation(_message.Message):
    __slots__ = ("current_catalog", "set_current_catalog", "list_catalogs", "current_database", "set_current_database", "list_databases", "get_database", "database_exists", "create_database", "drop_database", "list_tables", "list_views", "get_table", "table_exists", "list_columns", "list_partitions", "get_table_properties", "get_create_table_string", "create_table", "drop_table", "drop_view", "truncate_table", "analyze_table", "list_functions", "get_function", "function_exists", "drop_temp_view", "drop_global_temp_view", "is_cached", "cache_table", "uncache_table", "clear_cache", "refresh_table", "refresh_by_path", "recover_partitions")
    class CurrentCatalog(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    class SetCurrentCatalog(_message.Message):
        __slots__ = ("catalog_name",)
        CATALOG_NAME_FIELD_NUMBER: _ClassVar[int]
        catalog_name: str
        def __init__(self, catalog_name: _Optional[str] = ...) -> None: ...
    class ListCatalogs(_message.Message):
        __slots__ = ("pattern",)
        PATTERN_FIELD_NUMBER: _ClassVar[int]
        pattern: str
        def __init__(self, pattern: _Optional[str] = ...) -> None: ...
    class CurrentDatabase(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    class SetCurrentDatabase(_message.Message):
        __slots__ = ("db_name",)
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        def __init__(self, db_name: _Optional[str] = ...) -> None: ...
    class ListDatabases(_message.Message):
        __slots__ = ("pattern",)
        PATTERN_FIELD_NUMBER: _ClassVar[int]
        pattern: str
        def __init__(self, pattern: _Optional[str] = ...) -> None: ...
    class GetDatabase(_message.Message):
        __slots__ = ("db_name",)
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        def __init__(self, db_name: _Optional[str] = ...) -> None: ...
    class DatabaseExists(_message.Message):
        __slots__ = ("db_name",)
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        def __init__(self, db_name: _Optional[str] = ...) -> None: ...
    class CreateDatabase(_message.Message):
        __slots__ = ("db_name", "if_not_exists", "properties")
        class PropertiesEntry(_message.Message):
            __slots__ = ("key", "value")
            KEY_FIELD_NUMBER: _ClassVar[int]
            VALUE_FIELD_NUMBER: _ClassVar[int]
            key: str
            value: str
            def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        IF_NOT_EXISTS_FIELD_NUMBER: _ClassVar[int]
        PROPERTIES_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        if_not_exists: bool
        properties: _containers.ScalarMap[str, str]
        def __init__(self, db_name: _Optional[str] = ..., if_not_exists: _Optional[bool] = ..., properties: _Optional[_Mapping[str, str]] = ...) -> None: ...
    class DropDatabase(_message.Message):
        __slots__ = ("db_name", "if_exists", "cascade")
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        IF_EXISTS_FIELD_NUMBER: _ClassVar[int]
        CASCADE_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        if_exists: bool
        cascade: bool
        def __init__(self, db_name: _Optional[str] = ..., if_exists: _Optional[bool] = ..., cascade: _Optional[bool] = ...) -> None: ...
    class ListTables(_message.Message):
        __slots__ = ("db_name", "pattern")
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        PATTERN_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        pattern: str
        def __init__(self, db_name: _Optional[str] = ..., pattern: _Optional[str] = ...) -> None: ...
    class ListViews(_message.Message):
        __slots__ = ("db_name", "pattern")
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        PATTERN_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        pattern: str
        def __init__(self, db_name: _Optional[str] = ..., pattern: _Optional[str] = ...) -> None: ...
    class GetTable(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class TableExists(_message.Message):
        __slots__ = ("table_name", "db_name")
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        db_name: str
        def __init__(self, table_name: _Optional[str] = ..., db_name: _Optional[str] = ...) -> None: ...
    class ListColumns(_message.Message):
        __slots__ = ("table_name", "db_name")
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        db_name: str
        def __init__(self, table_name: _Optional[str] = ..., db_name: _Optional[str] = ...) -> None: ...
    class ListPartitions(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class GetTableProperties(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class GetCreateTableString(_message.Message):
        __slots__ = ("table_name", "as_serde")
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        AS_SERDE_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        as_serde: bool
        def __init__(self, table_name: _Optional[str] = ..., as_serde: _Optional[bool] = ...) -> None: ...
    class CreateTable(_message.Message):
        __slots__ = ("table_name", "path", "source", "schema", "description", "options")
        class OptionsEntry(_message.Message):
            __slots__ = ("key", "value")
            KEY_FIELD_NUMBER: _ClassVar[int]
            VALUE_FIELD_NUMBER: _ClassVar[int]
            key: str
            value: str
            def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        PATH_FIELD_NUMBER: _ClassVar[int]
        SOURCE_FIELD_NUMBER: _ClassVar[int]
        SCHEMA_FIELD_NUMBER: _ClassVar[int]
        DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
        OPTIONS_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        path: str
        source: str
        schema: str
        description: str
        options: _containers.ScalarMap[str, str]
        def __init__(self, table_name: _Optional[str] = ..., path: _Optional[str] = ..., source: _Optional[str] = ..., schema: _Optional[str] = ..., description: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ...) -> None: ...
    class DropTable(_message.Message):
        __slots__ = ("table_name", "if_exists", "purge")
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        IF_EXISTS_FIELD_NUMBER: _ClassVar[int]
        PURGE_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        if_exists: bool
        purge: bool
        def __init__(self, table_name: _Optional[str] = ..., if_exists: _Optional[bool] = ..., purge: _Optional[bool] = ...) -> None: ...
    class DropView(_message.Message):
        __slots__ = ("view_name", "if_exists")
        VIEW_NAME_FIELD_NUMBER: _ClassVar[int]
        IF_EXISTS_FIELD_NUMBER: _ClassVar[int]
        view_name: str
        if_exists: bool
        def __init__(self, view_name: _Optional[str] = ..., if_exists: _Optional[bool] = ...) -> None: ...
    class TruncateTable(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class AnalyzeTable(_message.Message):
        __slots__ = ("table_name", "no_scan")
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        NO_SCAN_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        no_scan: bool
        def __init__(self, table_name: _Optional[str] = ..., no_scan: _Optional[bool] = ...) -> None: ...
    class ListFunctions(_message.Message):
        __slots__ = ("db_name", "pattern")
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        PATTERN_FIELD_NUMBER: _ClassVar[int]
        db_name: str
        pattern: str
        def __init__(self, db_name: _Optional[str] = ..., pattern: _Optional[str] = ...) -> None: ...
    class GetFunction(_message.Message):
        __slots__ = ("function_name",)
        FUNCTION_NAME_FIELD_NUMBER: _ClassVar[int]
        function_name: str
        def __init__(self, function_name: _Optional[str] = ...) -> None: ...
    class FunctionExists(_message.Message):
        __slots__ = ("function_name", "db_name")
        FUNCTION_NAME_FIELD_NUMBER: _ClassVar[int]
        DB_NAME_FIELD_NUMBER: _ClassVar[int]
        function_name: str
        db_name: str
        def __init__(self, function_name: _Optional[str] = ..., db_name: _Optional[str] = ...) -> None: ...
    class DropTempView(_message.Message):
        __slots__ = ("view_name",)
        VIEW_NAME_FIELD_NUMBER: _ClassVar[int]
        view_name: str
        def __init__(self, view_name: _Optional[str] = ...) -> None: ...
    class DropGlobalTempView(_message.Message):
        __slots__ = ("view_name",)
        VIEW_NAME_FIELD_NUMBER: _ClassVar[int]
        view_name: str
        def __init__(self, view_name: _Optional[str] = ...) -> None: ...
    class IsCached(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class CacheTable(_message.Message):
        __slots__ = ("table_name", "storage_level")
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        STORAGE_LEVEL_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        storage_level: StorageLevel
        def __init__(self, table_name: _Optional[str] = ..., storage_level: _Optional[_Union[StorageLevel, _Mapping]] = ...) -> None: ...
    class UncacheTable(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class ClearCache(_message.Message):
        __slots__ = ()
        def __init__(self) -> None: ...
    class RefreshTable(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    class RefreshByPath(_message.Message):
        __slots__ = ("path",)
        PATH_FIELD_NUMBER: _ClassVar[int]
        path: str
        def __init__(self, path: _Optional[str] = ...) -> None: ...
    class RecoverPartitions(_message.Message):
        __slots__ = ("table_name",)
        TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
        table_name: str
        def __init__(self, table_name: _Optional[str] = ...) -> None: ...
    CURRENT_CATALOG_FIELD_NUMBER: _ClassVar[int]
    SET_CURRENT_CATALOG_FIELD_NUMBER: _ClassVar[int]
    LIST_CATALOGS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_DATABASE_FIELD_NUMBER: _ClassVar[int]
    SET_CURRENT_DATABASE_FIELD_NUMBER: _ClassVar[int]
    LIST_DATABASES_FIELD_NUMBER: _ClassVar[int]
    GET_DATABASE_FIELD_NUMBER: _ClassVar[int]
    DATABASE_EXISTS_FIELD_NUMBER: _ClassVar[int]
    CREATE_DATABASE_FIELD_NUMBER: _ClassVar[int]
    DROP_DATABASE_FIELD_NUMBER: _ClassVar[int]
    LIST_TABLES_FIELD_NUMBER: _ClassVar[int]
    LIST_VIEWS_FIELD_NUMBER: _ClassVar[int]
    GET_TABLE_FIELD_NUMBER: _ClassVar[int]
    TABLE_EXISTS_FIELD_NUMBER: _ClassVar[int]
    LIST_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    LIST_PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    GET_TABLE_PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    GET_CREATE_TABLE_STRING_FIELD_NUMBER: _ClassVar[int]
    CREATE_TABLE_FIELD_NUMBER: _ClassVar[int]
    DROP_TABLE_FIELD_NUMBER: _ClassVar[int]
    DROP_VIEW_FIELD_NUMBER: _ClassVar[int]
    TRUNCATE_TABLE_FIELD_NUMBER: _ClassVar[int]
    ANALYZE_TABLE_FIELD_NUMBER: _ClassVar[int]
    LIST_FUNCTIONS_FIELD_NUMBER: _ClassVar[int]
    GET_FUNCTION_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_EXISTS_FIELD_NUMBER: _ClassVar[int]
    DROP_TEMP_VIEW_FIELD_NUMBER: _ClassVar[int]
    DROP_GLOBAL_TEMP_VIEW_FIELD_NUMBER: _ClassVar[int]
    IS_CACHED_FIELD_NUMBER: _ClassVar[int]
    CACHE_TABLE_FIELD_NUMBER: _ClassVar[int]
    UNCACHE_TABLE_FIELD_NUMBER: _ClassVar[int]
    CLEAR_CACHE_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TABLE_FIELD_NUMBER: _ClassVar[int]
    REFRESH_BY_PATH_FIELD_NUMBER: _ClassVar[int]
    RECOVER_PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    current_catalog: CatalogRelation.CurrentCatalog
    set_current_catalog: CatalogRelation.SetCurrentCatalog
    list_catalogs: CatalogRelation.ListCatalogs
    current_database: CatalogRelation.CurrentDatabase
    set_current_database: CatalogRelation.SetCurrentDatabase
    list_databases: CatalogRelation.ListDatabases
    get_database: CatalogRelation.GetDatabase
    database_exists: CatalogRelation.DatabaseExists
    create_database: CatalogRelation.CreateDatabase
    drop_database: CatalogRelation.DropDatabase
    list_tables: CatalogRelation.ListTables
    list_views: CatalogRelation.ListViews
    get_table: CatalogRelation.GetTable
    table_exists: CatalogRelation.TableExists
    list_columns: CatalogRelation.ListColumns
    list_partitions: CatalogRelation.ListPartitions
    get_table_properties: CatalogRelation.GetTableProperties
    get_create_table_string: CatalogRelation.GetCreateTableString
    create_table: CatalogRelation.CreateTable
    drop_table: CatalogRelation.DropTable
    drop_view: CatalogRelation.DropView
    truncate_table: CatalogRelation.TruncateTable
    analyze_table: CatalogRelation.AnalyzeTable
    list_functions: CatalogRelation.ListFunctions
    get_function: CatalogRelation.GetFunction
    function_exists: CatalogRelation.FunctionExists
    drop_temp_view: CatalogRelation.DropTempView
    drop_global_temp_view: CatalogRelation.DropGlobalTempView
    is_cached: CatalogRelation.IsCached
    cache_table: CatalogRelation.CacheTable
    uncache_table: CatalogRelation.UncacheTable
    clear_cache: CatalogRelation.ClearCache
    refresh_table: CatalogRelation.RefreshTable
    refresh_by_path: CatalogRelation.RefreshByPath
    recover_partitions: CatalogRelation.RecoverPartitions
    def __init__(self, current_catalog: _Optional[_Union[CatalogRelation.CurrentCatalog, _Mapping]] = ..., set_current_catalog: _Optional[_Union[CatalogRelation.SetCurrentCatalog, _Mapping]] = ..., list_catalogs: _Optional[_Union[CatalogRelation.ListCatalogs, _Mapping]] = ..., current_database: _Optional[_Union[CatalogRelation.CurrentDatabase, _Mapping]] = ..., set_current_database: _Optional[_Union[CatalogRelation.SetCurrentDatabase, _Mapping]] = ..., list_databases: _Optional[_Union[CatalogRelation.ListDatabases, _Mapping]] = ..., get_database: _Optional[_Union[CatalogRelation.GetDatabase, _Mapping]] = ..., database_exists: _Optional[_Union[CatalogRelation.DatabaseExists, _Mapping]] = ..., create_database: _Optional[_Union[CatalogRelation.CreateDatabase, _Mapping]] = ..., drop_database: _Optional[_Union[CatalogRelation.DropDatabase, _Mapping]] = ..., list_tables: _Optional[_Union[CatalogRelation.ListTables, _Mapping]] = ..., list_views: _Optional[_Union[CatalogRelation.ListViews, _Mapping]] = ..., get_table: _Optional[_Union[CatalogRelation.GetTable, _Mapping]] = ..., table_exists: _Optional[_Union[CatalogRelation.TableExists, _Mapping]] = ..., list_columns: _Optional[_Union[CatalogRelation.ListColumns, _Mapping]] = ..., list_partitions: _Optional[_Union[CatalogRelation.ListPartitions, _Mapping]] = ..., get_table_properties: _Optional[_Union[CatalogRelation.GetTableProperties, _Mapping]] = ..., get_create_table_string: _Optional[_Union[CatalogRelation.GetCreateTableString, _Mapping]] = ..., create_table: _Optional[_Union[CatalogRelation.CreateTable, _Mapping]] = ..., drop_table: _Optional[_Union[CatalogRelation.DropTable, _Mapping]] = ..., drop_view: _Optional[_Union[CatalogRelation.DropView, _Mapping]] = ..., truncate_table: _Optional[_Union[CatalogRelation.TruncateTable, _Mapping]] = ..., analyze_table: _Optional[_Union[CatalogRelation.AnalyzeTable, _Mapping]] = ..., list_functions: _Optional[_Union[CatalogRelation.ListFunctions, _Mapping]] = ..., get_function: _Optional[_Union[CatalogRelation.GetFunction, _Mapping]] = ..., function_exists: _Optional[_Union[CatalogRelation.FunctionExists, _Mapping]] = ..., drop_temp_view: _Optional[_Union[CatalogRelation.DropTempView, _Mapping]] = ..., drop_global_temp_view: _Optional[_Union[CatalogRelation.DropGlobalTempView, _Mapping]] = ..., is_cached: _Optional[_Union[CatalogRelation.IsCached, _Mapping]] = ..., cache_table: _Optional[_Union[CatalogRelation.CacheTable, _Mapping]] = ..., uncache_table: _Optional[_Union[CatalogRelation.UncacheTable, _Mapping]] = ..., clear_cache: _Optional[_Union[CatalogRelation.ClearCache, _Mapping]] = ..., refresh_table: _Optional[_Union[CatalogRelation.RefreshTable, _Mapping]] = ..., refresh_by_path: _Optional[_Union[CatalogRelation.RefreshByPath, _Mapping]] = ..., recover_partitions: _Optional[_Union[CatalogRelation.RecoverPartitions, _Mapping]] = ...) -> None: ...

class StorageLevel(_message.Message):
    __slots__ = ("use_disk", "use_memory", "use_off_heap", "deserialized", "replication")
    USE_DISK_FIELD_NUMBER: _ClassVar[int]
    USE_MEMORY_FIELD_NUMBER: _ClassVar[int]
    USE_OFF_HEAP_FIELD_NUMBER: _ClassVar[int]
    DESERIALIZED_FIELD_NUMBER: _ClassVar[int]
    REPLICATION_FIELD_NUMBER: _ClassVar[int]
    use_disk: bool
    use_memory: bool
    use_off_heap: bool
    deserialized: bool
    replication: int
    def __init__(self, use_disk: _Optional[bool] = ..., use_memory: _Optional[bool] = ..., use_off_heap: _Optional[bool] = ..., deserialized: _Optional[bool] = ..., replication: _Optional[int] = ...) -> None: ...

class SubqueryAliasRelation(_message.Message):
    __slots__ = ("alias",)
    ALIAS_FIELD_NUMBER: _ClassVar[int]
    alias: str
    def __init__(self, alias: _Optional[str] = ...) -> None: ...

class WithColumnsRelation(_message.Message):
    __slots__ = ("names", "expressions")
    NAMES_FIELD_NUMBER: _ClassVar[int]
    EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, names: _Optional[_Iterable[str]] = ..., expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class RenameRelation(_message.Message):
    __slots__ = ("renames", "order")
    class RenamesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RENAMES_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    renames: _containers.ScalarMap[str, str]
    order: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, renames: _Optional[_Mapping[str, str]] = ..., order: _Optional[_Iterable[str]] = ...) -> None: ...

class DropRelation(_message.Message):
    __slots__ = ("column_names", "columns")
    COLUMN_NAMES_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    column_names: _containers.RepeatedScalarFieldContainer[str]
    columns: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, column_names: _Optional[_Iterable[str]] = ..., columns: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class ToDFRelation(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class DeduplicateRelation(_message.Message):
    __slots__ = ("column_names", "all_columns", "within_watermark")
    COLUMN_NAMES_FIELD_NUMBER: _ClassVar[int]
    ALL_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    WITHIN_WATERMARK_FIELD_NUMBER: _ClassVar[int]
    column_names: _containers.RepeatedScalarFieldContainer[str]
    all_columns: bool
    within_watermark: bool
    def __init__(self, column_names: _Optional[_Iterable[str]] = ..., all_columns: _Optional[bool] = ..., within_watermark: _Optional[bool] = ...) -> None: ...

class SampleRelation(_message.Message):
    __slots__ = ("lower_bound", "upper_bound", "with_replacement", "seed", "split_weights", "split_index")
    LOWER_BOUND_FIELD_NUMBER: _ClassVar[int]
    UPPER_BOUND_FIELD_NUMBER: _ClassVar[int]
    WITH_REPLACEMENT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    SPLIT_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    SPLIT_INDEX_FIELD_NUMBER: _ClassVar[int]
    lower_bound: float
    upper_bound: float
    with_replacement: bool
    seed: int
    split_weights: _containers.RepeatedScalarFieldContainer[float]
    split_index: int
    def __init__(self, lower_bound: _Optional[float] = ..., upper_bound: _Optional[float] = ..., with_replacement: _Optional[bool] = ..., seed: _Optional[int] = ..., split_weights: _Optional[_Iterable[float]] = ..., split_index: _Optional[int] = ...) -> None: ...

class RepartitionRelation(_message.Message):
    __slots__ = ("num_partitions", "partition_expressions", "shuffle", "by_range", "by_id")
    NUM_PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    PARTITION_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    BY_RANGE_FIELD_NUMBER: _ClassVar[int]
    BY_ID_FIELD_NUMBER: _ClassVar[int]
    num_partitions: int
    partition_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    shuffle: bool
    by_range: bool
    by_id: bool
    def __init__(self, num_partitions: _Optional[int] = ..., partition_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., shuffle: _Optional[bool] = ..., by_range: _Optional[bool] = ..., by_id: _Optional[bool] = ...) -> None: ...

class AggregateRelation(_message.Message):
    __slots__ = ("group_type", "grouping_expressions", "aggregate_expressions", "pivot_column", "pivot_values", "grouping_sets", "by_name")
    class GroupType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        GROUP_TYPE_GROUPBY: _ClassVar[AggregateRelation.GroupType]
        GROUP_TYPE_ROLLUP: _ClassVar[AggregateRelation.GroupType]
        GROUP_TYPE_CUBE: _ClassVar[AggregateRelation.GroupType]
        GROUP_TYPE_PIVOT: _ClassVar[AggregateRelation.GroupType]
        GROUP_TYPE_GROUPING_SETS: _ClassVar[AggregateRelation.GroupType]
    GROUP_TYPE_GROUPBY: AggregateRelation.GroupType
    GROUP_TYPE_ROLLUP: AggregateRelation.GroupType
    GROUP_TYPE_CUBE: AggregateRelation.GroupType
    GROUP_TYPE_PIVOT: AggregateRelation.GroupType
    GROUP_TYPE_GROUPING_SETS: AggregateRelation.GroupType
    class GroupingSet(_message.Message):
        __slots__ = ("indexes",)
        INDEXES_FIELD_NUMBER: _ClassVar[int]
        indexes: _containers.RepeatedScalarFieldContainer[int]
        def __init__(self, indexes: _Optional[_Iterable[int]] = ...) -> None: ...
    class ByName(_message.Message):
        __slots__ = ("column", "function")
        COLUMN_FIELD_NUMBER: _ClassVar[int]
        FUNCTION_FIELD_NUMBER: _ClassVar[int]
        column: str
        function: str
        def __init__(self, column: _Optional[str] = ..., function: _Optional[str] = ...) -> None: ...
    GROUP_TYPE_FIELD_NUMBER: _ClassVar[int]
    GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    PIVOT_COLUMN_FIELD_NUMBER: _ClassVar[int]
    PIVOT_VALUES_FIELD_NUMBER: _ClassVar[int]
    GROUPING_SETS_FIELD_NUMBER: _ClassVar[int]
    BY_NAME_FIELD_NUMBER: _ClassVar[int]
    group_type: AggregateRelation.GroupType
    grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    aggregate_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    pivot_column: _algebra_pb2.Expression
    pivot_values: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    grouping_sets: _containers.RepeatedCompositeFieldContainer[AggregateRelation.GroupingSet]
    by_name: _containers.RepeatedCompositeFieldContainer[AggregateRelation.ByName]
    def __init__(self, group_type: _Optional[_Union[AggregateRelation.GroupType, str]] = ..., grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., aggregate_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., pivot_column: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., pivot_values: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., grouping_sets: _Optional[_Iterable[_Union[AggregateRelation.GroupingSet, _Mapping]]] = ..., by_name: _Optional[_Iterable[_Union[AggregateRelation.ByName, _Mapping]]] = ...) -> None: ...

class ShowStringRelation(_message.Message):
    __slots__ = ("num_rows", "truncate", "vertical", "html")
    NUM_ROWS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATE_FIELD_NUMBER: _ClassVar[int]
    VERTICAL_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    num_rows: int
    truncate: int
    vertical: bool
    html: bool
    def __init__(self, num_rows: _Optional[int] = ..., truncate: _Optional[int] = ..., vertical: _Optional[bool] = ..., html: _Optional[bool] = ...) -> None: ...

class StatSummaryRelation(_message.Message):
    __slots__ = ("describe", "columns", "statistics")
    DESCRIBE_FIELD_NUMBER: _ClassVar[int]
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    STATISTICS_FIELD_NUMBER: _ClassVar[int]
    describe: bool
    columns: _containers.RepeatedScalarFieldContainer[str]
    statistics: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, describe: _Optional[bool] = ..., columns: _Optional[_Iterable[str]] = ..., statistics: _Optional[_Iterable[str]] = ...) -> None: ...

class StatCrosstabRelation(_message.Message):
    __slots__ = ("col1", "col2")
    COL1_FIELD_NUMBER: _ClassVar[int]
    COL2_FIELD_NUMBER: _ClassVar[int]
    col1: str
    col2: str
    def __init__(self, col1: _Optional[str] = ..., col2: _Optional[str] = ...) -> None: ...

class StatFreqItemsRelation(_message.Message):
    __slots__ = ("columns", "support")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    SUPPORT_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    support: float
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., support: _Optional[float] = ...) -> None: ...

class StatApproxQuantileRelation(_message.Message):
    __slots__ = ("columns", "probabilities", "relative_error")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    PROBABILITIES_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_ERROR_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    probabilities: _containers.RepeatedScalarFieldContainer[float]
    relative_error: float
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., probabilities: _Optional[_Iterable[float]] = ..., relative_error: _Optional[float] = ...) -> None: ...

class StatSampleByRelation(_message.Message):
    __slots__ = ("column", "strata", "fractions", "seed")
    COLUMN_FIELD_NUMBER: _ClassVar[int]
    STRATA_FIELD_NUMBER: _ClassVar[int]
    FRACTIONS_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    column: _algebra_pb2.Expression
    strata: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression.Literal]
    fractions: _containers.RepeatedScalarFieldContainer[float]
    seed: int
    def __init__(self, column: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., strata: _Optional[_Iterable[_Union[_algebra_pb2.Expression.Literal, _Mapping]]] = ..., fractions: _Optional[_Iterable[float]] = ..., seed: _Optional[int] = ...) -> None: ...

class TransposeRelation(_message.Message):
    __slots__ = ("index_column",)
    INDEX_COLUMN_FIELD_NUMBER: _ClassVar[int]
    index_column: _algebra_pb2.Expression
    def __init__(self, index_column: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ...) -> None: ...

class ZipWithIndexRelation(_message.Message):
    __slots__ = ("index_column",)
    INDEX_COLUMN_FIELD_NUMBER: _ClassVar[int]
    index_column: str
    def __init__(self, index_column: _Optional[str] = ...) -> None: ...

class ZipRelation(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NearestByJoinRelation(_message.Message):
    __slots__ = ("ranking_expression", "num_results", "mode", "direction", "join_type")
    RANKING_EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    NUM_RESULTS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    JOIN_TYPE_FIELD_NUMBER: _ClassVar[int]
    ranking_expression: _algebra_pb2.Expression
    num_results: int
    mode: str
    direction: str
    join_type: str
    def __init__(self, ranking_expression: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., num_results: _Optional[int] = ..., mode: _Optional[str] = ..., direction: _Optional[str] = ..., join_type: _Optional[str] = ...) -> None: ...

class AsOfJoinRelation(_message.Message):
    __slots__ = ("left_as_of", "right_as_of", "join_expression", "using_columns", "join_type", "tolerance", "allow_exact_matches", "direction")
    LEFT_AS_OF_FIELD_NUMBER: _ClassVar[int]
    RIGHT_AS_OF_FIELD_NUMBER: _ClassVar[int]
    JOIN_EXPRESSION_FIELD_NUMBER: _ClassVar[int]
    USING_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    JOIN_TYPE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_EXACT_MATCHES_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    left_as_of: _algebra_pb2.Expression
    right_as_of: _algebra_pb2.Expression
    join_expression: _algebra_pb2.Expression
    using_columns: _containers.RepeatedScalarFieldContainer[str]
    join_type: str
    tolerance: _algebra_pb2.Expression
    allow_exact_matches: bool
    direction: str
    def __init__(self, left_as_of: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., right_as_of: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., join_expression: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., using_columns: _Optional[_Iterable[str]] = ..., join_type: _Optional[str] = ..., tolerance: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., allow_exact_matches: _Optional[bool] = ..., direction: _Optional[str] = ...) -> None: ...

class ParseRelation(_message.Message):
    __slots__ = ("format", "schema", "options")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    format: str
    schema: str
    options: _containers.ScalarMap[str, str]
    def __init__(self, format: _Optional[str] = ..., schema: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ...) -> None: ...

class FillNaRelation(_message.Message):
    __slots__ = ("columns", "values", "by_column")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    BY_COLUMN_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression.Literal]
    by_column: bool
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[_Union[_algebra_pb2.Expression.Literal, _Mapping]]] = ..., by_column: _Optional[bool] = ...) -> None: ...

class DropNaRelation(_message.Message):
    __slots__ = ("columns", "min_non_nulls")
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    MIN_NON_NULLS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    min_non_nulls: int
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., min_non_nulls: _Optional[int] = ...) -> None: ...

class ReplaceRelation(_message.Message):
    __slots__ = ("columns", "replacements")
    class Replacement(_message.Message):
        __slots__ = ("old_value", "new_value")
        OLD_VALUE_FIELD_NUMBER: _ClassVar[int]
        NEW_VALUE_FIELD_NUMBER: _ClassVar[int]
        old_value: _algebra_pb2.Expression.Literal
        new_value: _algebra_pb2.Expression.Literal
        def __init__(self, old_value: _Optional[_Union[_algebra_pb2.Expression.Literal, _Mapping]] = ..., new_value: _Optional[_Union[_algebra_pb2.Expression.Literal, _Mapping]] = ...) -> None: ...
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    REPLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedScalarFieldContainer[str]
    replacements: _containers.RepeatedCompositeFieldContainer[ReplaceRelation.Replacement]
    def __init__(self, columns: _Optional[_Iterable[str]] = ..., replacements: _Optional[_Iterable[_Union[ReplaceRelation.Replacement, _Mapping]]] = ...) -> None: ...

class UnpivotRelation(_message.Message):
    __slots__ = ("ids", "values", "values_given", "variable_column_name", "value_column_name")
    IDS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    VALUES_GIVEN_FIELD_NUMBER: _ClassVar[int]
    VARIABLE_COLUMN_NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_COLUMN_NAME_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    values: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    values_given: bool
    variable_column_name: str
    value_column_name: str
    def __init__(self, ids: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., values: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., values_given: _Optional[bool] = ..., variable_column_name: _Optional[str] = ..., value_column_name: _Optional[str] = ...) -> None: ...

class TailRelation(_message.Message):
    __slots__ = ("limit",)
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    limit: int
    def __init__(self, limit: _Optional[int] = ...) -> None: ...

class WatermarkRelation(_message.Message):
    __slots__ = ("event_time", "delay_threshold")
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    DELAY_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    event_time: str
    delay_threshold: str
    def __init__(self, event_time: _Optional[str] = ..., delay_threshold: _Optional[str] = ...) -> None: ...

class ToSchemaRelation(_message.Message):
    __slots__ = ("schema_json",)
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    schema_json: str
    def __init__(self, schema_json: _Optional[str] = ...) -> None: ...

class HintRelation(_message.Message):
    __slots__ = ("name", "parameters")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    parameters: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, name: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class ObserveRelation(_message.Message):
    __slots__ = ("name", "metrics", "observation_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    metrics: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    observation_id: str
    def __init__(self, name: _Optional[str] = ..., metrics: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., observation_id: _Optional[str] = ...) -> None: ...

class PythonFunction(_message.Message):
    __slots__ = ("command", "eval_type", "return_type", "python_version", "deterministic", "name")
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    EVAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    RETURN_TYPE_FIELD_NUMBER: _ClassVar[int]
    PYTHON_VERSION_FIELD_NUMBER: _ClassVar[int]
    DETERMINISTIC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    command: bytes
    eval_type: int
    return_type: str
    python_version: str
    deterministic: bool
    name: str
    def __init__(self, command: _Optional[bytes] = ..., eval_type: _Optional[int] = ..., return_type: _Optional[str] = ..., python_version: _Optional[str] = ..., deterministic: _Optional[bool] = ..., name: _Optional[str] = ...) -> None: ...

class MapPartitionsRelation(_message.Message):
    __slots__ = ("function", "barrier")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    BARRIER_FIELD_NUMBER: _ClassVar[int]
    function: PythonFunction
    barrier: bool
    def __init__(self, function: _Optional[_Union[PythonFunction, _Mapping]] = ..., barrier: _Optional[bool] = ...) -> None: ...

class GroupMapRelation(_message.Message):
    __slots__ = ("function", "grouping_expressions")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    function: PythonFunction
    grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, function: _Optional[_Union[PythonFunction, _Mapping]] = ..., grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class CoGroupMapRelation(_message.Message):
    __slots__ = ("function", "left_grouping_expressions", "right_grouping_expressions")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    LEFT_GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    RIGHT_GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    function: PythonFunction
    left_grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    right_grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, function: _Optional[_Union[PythonFunction, _Mapping]] = ..., left_grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., right_grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class StatefulGroupMapRelation(_message.Message):
    __slots__ = ("function", "grouping_expressions", "output_mode", "state_schema", "timeout_conf", "time_mode", "event_time_column", "initial_state_grouping_expressions")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MODE_FIELD_NUMBER: _ClassVar[int]
    STATE_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_CONF_FIELD_NUMBER: _ClassVar[int]
    TIME_MODE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_COLUMN_FIELD_NUMBER: _ClassVar[int]
    INITIAL_STATE_GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    function: PythonFunction
    grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    output_mode: str
    state_schema: str
    timeout_conf: str
    time_mode: str
    event_time_column: str
    initial_state_grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, function: _Optional[_Union[PythonFunction, _Mapping]] = ..., grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., output_mode: _Optional[str] = ..., state_schema: _Optional[str] = ..., timeout_conf: _Optional[str] = ..., time_mode: _Optional[str] = ..., event_time_column: _Optional[str] = ..., initial_state_grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class PythonTableFunctionRelation(_message.Message):
    __slots__ = ("function", "arguments", "table_arguments")
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    TABLE_ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    function: PythonFunction
    arguments: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    table_arguments: _containers.RepeatedCompositeFieldContainer[TableArgument]
    def __init__(self, function: _Optional[_Union[PythonFunction, _Mapping]] = ..., arguments: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., table_arguments: _Optional[_Iterable[_Union[TableArgument, _Mapping]]] = ...) -> None: ...

class TableArgument(_message.Message):
    __slots__ = ("input", "partition_by", "order_by", "with_single_partition", "position")
    INPUT_FIELD_NUMBER: _ClassVar[int]
    PARTITION_BY_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    WITH_SINGLE_PARTITION_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    input: _algebra_pb2.Rel
    partition_by: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    order_by: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.SortField]
    with_single_partition: bool
    position: int
    def __init__(self, input: _Optional[_Union[_algebra_pb2.Rel, _Mapping]] = ..., partition_by: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., order_by: _Optional[_Iterable[_Union[_algebra_pb2.SortField, _Mapping]]] = ..., with_single_partition: _Optional[bool] = ..., position: _Optional[int] = ...) -> None: ...

class PlanId(_message.Message):
    __slots__ = ("id", "call_site")
    ID_FIELD_NUMBER: _ClassVar[int]
    CALL_SITE_FIELD_NUMBER: _ClassVar[int]
    id: int
    call_site: CallSite
    def __init__(self, id: _Optional[int] = ..., call_site: _Optional[_Union[CallSite, _Mapping]] = ...) -> None: ...

class CallSite(_message.Message):
    __slots__ = ("file", "line", "operation", "code")
    FILE_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    file: str
    line: int
    operation: str
    code: str
    def __init__(self, file: _Optional[str] = ..., line: _Optional[int] = ..., operation: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class ProjectExpressionsOnly(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class JoinUsingColumns(_message.Message):
    __slots__ = ("column_names",)
    COLUMN_NAMES_FIELD_NUMBER: _ClassVar[int]
    column_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, column_names: _Optional[_Iterable[str]] = ...) -> None: ...

class LateralJoin(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SortWithinPartitions(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UnionByName(_message.Message):
    __slots__ = ("allow_missing_columns",)
    ALLOW_MISSING_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    allow_missing_columns: bool
    def __init__(self, allow_missing_columns: _Optional[bool] = ...) -> None: ...

class OpenSessionRequest(_message.Message):
    __slots__ = ("conf", "protocol_version", "client_version")
    class ConfEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CONF_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    CLIENT_VERSION_FIELD_NUMBER: _ClassVar[int]
    conf: _containers.ScalarMap[str, str]
    protocol_version: int
    client_version: str
    def __init__(self, conf: _Optional[_Mapping[str, str]] = ..., protocol_version: _Optional[int] = ..., client_version: _Optional[str] = ...) -> None: ...

class SessionInfo(_message.Message):
    __slots__ = ("session_id", "spark_version", "server_version", "protocol_version", "min_client_protocol_version")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SPARK_VERSION_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    MIN_CLIENT_PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    spark_version: str
    server_version: str
    protocol_version: int
    min_client_protocol_version: int
    def __init__(self, session_id: _Optional[str] = ..., spark_version: _Optional[str] = ..., server_version: _Optional[str] = ..., protocol_version: _Optional[int] = ..., min_client_protocol_version: _Optional[int] = ...) -> None: ...

class CloseSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class ConfigRequest(_message.Message):
    __slots__ = ("operation", "keys", "values")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATION_GET: _ClassVar[ConfigRequest.Operation]
        OPERATION_SET: _ClassVar[ConfigRequest.Operation]
        OPERATION_UNSET: _ClassVar[ConfigRequest.Operation]
        OPERATION_GET_ALL: _ClassVar[ConfigRequest.Operation]
        OPERATION_IS_MODIFIABLE: _ClassVar[ConfigRequest.Operation]
    OPERATION_GET: ConfigRequest.Operation
    OPERATION_SET: ConfigRequest.Operation
    OPERATION_UNSET: ConfigRequest.Operation
    OPERATION_GET_ALL: ConfigRequest.Operation
    OPERATION_IS_MODIFIABLE: ConfigRequest.Operation
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    operation: ConfigRequest.Operation
    keys: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedCompositeFieldContainer[OptionalString]
    def __init__(self, operation: _Optional[_Union[ConfigRequest.Operation, str]] = ..., keys: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[_Union[OptionalString, _Mapping]]] = ...) -> None: ...

class OptionalString(_message.Message):
    __slots__ = ("value",)
    VALUE_FIELD_NUMBER: _ClassVar[int]
    value: str
    def __init__(self, value: _Optional[str] = ...) -> None: ...

class ConfigResponse(_message.Message):
    __slots__ = ("keys", "values")
    KEYS_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    keys: _containers.RepeatedScalarFieldContainer[str]
    values: _containers.RepeatedCompositeFieldContainer[OptionalString]
    def __init__(self, keys: _Optional[_Iterable[str]] = ..., values: _Optional[_Iterable[_Union[OptionalString, _Mapping]]] = ...) -> None: ...

class AnalyzeRequest(_message.Message):
    __slots__ = ("mode", "plan", "explain_mode", "other_plan")
    class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MODE_SCHEMA: _ClassVar[AnalyzeRequest.Mode]
        MODE_EXPLAIN: _ClassVar[AnalyzeRequest.Mode]
        MODE_IS_LOCAL: _ClassVar[AnalyzeRequest.Mode]
        MODE_IS_STREAMING: _ClassVar[AnalyzeRequest.Mode]
        MODE_INPUT_FILES: _ClassVar[AnalyzeRequest.Mode]
        MODE_SAME_SEMANTICS: _ClassVar[AnalyzeRequest.Mode]
        MODE_SEMANTIC_HASH: _ClassVar[AnalyzeRequest.Mode]
        MODE_STORAGE_LEVEL: _ClassVar[AnalyzeRequest.Mode]
    MODE_SCHEMA: AnalyzeRequest.Mode
    MODE_EXPLAIN: AnalyzeRequest.Mode
    MODE_IS_LOCAL: AnalyzeRequest.Mode
    MODE_IS_STREAMING: AnalyzeRequest.Mode
    MODE_INPUT_FILES: AnalyzeRequest.Mode
    MODE_SAME_SEMANTICS: AnalyzeRequest.Mode
    MODE_SEMANTIC_HASH: AnalyzeRequest.Mode
    MODE_STORAGE_LEVEL: AnalyzeRequest.Mode
    MODE_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_MODE_FIELD_NUMBER: _ClassVar[int]
    OTHER_PLAN_FIELD_NUMBER: _ClassVar[int]
    mode: AnalyzeRequest.Mode
    plan: bytes
    explain_mode: str
    other_plan: bytes
    def __init__(self, mode: _Optional[_Union[AnalyzeRequest.Mode, str]] = ..., plan: _Optional[bytes] = ..., explain_mode: _Optional[str] = ..., other_plan: _Optional[bytes] = ...) -> None: ...

class AnalyzeResponse(_message.Message):
    __slots__ = ("schema_json", "text", "flag", "strings", "number", "storage_level")
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    STRINGS_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    STORAGE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    schema_json: str
    text: str
    flag: bool
    strings: _containers.RepeatedScalarFieldContainer[str]
    number: int
    storage_level: StorageLevel
    def __init__(self, schema_json: _Optional[str] = ..., text: _Optional[str] = ..., flag: _Optional[bool] = ..., strings: _Optional[_Iterable[str]] = ..., number: _Optional[int] = ..., storage_level: _Optional[_Union[StorageLevel, _Mapping]] = ...) -> None: ...

class CommandRequest(_message.Message):
    __slots__ = ("create_view", "write", "sql", "write_v2", "merge_into", "persist", "checkpoint", "register_function", "foreach", "register_data_source")
    CREATE_VIEW_FIELD_NUMBER: _ClassVar[int]
    WRITE_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    WRITE_V2_FIELD_NUMBER: _ClassVar[int]
    MERGE_INTO_FIELD_NUMBER: _ClassVar[int]
    PERSIST_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    REGISTER_FUNCTION_FIELD_NUMBER: _ClassVar[int]
    FOREACH_FIELD_NUMBER: _ClassVar[int]
    REGISTER_DATA_SOURCE_FIELD_NUMBER: _ClassVar[int]
    create_view: CreateViewCommand
    write: WriteCommand
    sql: SqlCommand
    write_v2: WriteV2Command
    merge_into: MergeIntoCommand
    persist: PersistCommand
    checkpoint: CheckpointCommand
    register_function: RegisterFunctionCommand
    foreach: ForeachCommand
    register_data_source: RegisterDataSourceCommand
    def __init__(self, create_view: _Optional[_Union[CreateViewCommand, _Mapping]] = ..., write: _Optional[_Union[WriteCommand, _Mapping]] = ..., sql: _Optional[_Union[SqlCommand, _Mapping]] = ..., write_v2: _Optional[_Union[WriteV2Command, _Mapping]] = ..., merge_into: _Optional[_Union[MergeIntoCommand, _Mapping]] = ..., persist: _Optional[_Union[PersistCommand, _Mapping]] = ..., checkpoint: _Optional[_Union[CheckpointCommand, _Mapping]] = ..., register_function: _Optional[_Union[RegisterFunctionCommand, _Mapping]] = ..., foreach: _Optional[_Union[ForeachCommand, _Mapping]] = ..., register_data_source: _Optional[_Union[RegisterDataSourceCommand, _Mapping]] = ...) -> None: ...

class RegisterDataSourceCommand(_message.Message):
    __slots__ = ("data_source",)
    DATA_SOURCE_FIELD_NUMBER: _ClassVar[int]
    data_source: PythonFunction
    def __init__(self, data_source: _Optional[_Union[PythonFunction, _Mapping]] = ...) -> None: ...

class RegisterFunctionCommand(_message.Message):
    __slots__ = ("function",)
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    function: PythonFunction
    def __init__(self, function: _Optional[_Union[PythonFunction, _Mapping]] = ...) -> None: ...

class ForeachCommand(_message.Message):
    __slots__ = ("plan", "function", "partitions")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    function: PythonFunction
    partitions: bool
    def __init__(self, plan: _Optional[bytes] = ..., function: _Optional[_Union[PythonFunction, _Mapping]] = ..., partitions: _Optional[bool] = ...) -> None: ...

class ProfileRequest(_message.Message):
    __slots__ = ("clear", "id", "type")
    CLEAR_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    clear: bool
    id: int
    type: str
    def __init__(self, clear: _Optional[bool] = ..., id: _Optional[int] = ..., type: _Optional[str] = ...) -> None: ...

class ProfileResponse(_message.Message):
    __slots__ = ("results_json",)
    RESULTS_JSON_FIELD_NUMBER: _ClassVar[int]
    results_json: str
    def __init__(self, results_json: _Optional[str] = ...) -> None: ...

class PersistCommand(_message.Message):
    __slots__ = ("plan", "storage_level", "unpersist", "blocking")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    STORAGE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    UNPERSIST_FIELD_NUMBER: _ClassVar[int]
    BLOCKING_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    storage_level: StorageLevel
    unpersist: bool
    blocking: bool
    def __init__(self, plan: _Optional[bytes] = ..., storage_level: _Optional[_Union[StorageLevel, _Mapping]] = ..., unpersist: _Optional[bool] = ..., blocking: _Optional[bool] = ...) -> None: ...

class CheckpointCommand(_message.Message):
    __slots__ = ("plan", "view_name", "local", "eager", "storage_level")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    VIEW_NAME_FIELD_NUMBER: _ClassVar[int]
    LOCAL_FIELD_NUMBER: _ClassVar[int]
    EAGER_FIELD_NUMBER: _ClassVar[int]
    STORAGE_LEVEL_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    view_name: str
    local: bool
    eager: bool
    storage_level: StorageLevel
    def __init__(self, plan: _Optional[bytes] = ..., view_name: _Optional[str] = ..., local: _Optional[bool] = ..., eager: _Optional[bool] = ..., storage_level: _Optional[_Union[StorageLevel, _Mapping]] = ...) -> None: ...

class CreateViewCommand(_message.Message):
    __slots__ = ("plan", "name", "replace")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    GLOBAL_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    name: str
    replace: bool
    def __init__(self, plan: _Optional[bytes] = ..., name: _Optional[str] = ..., replace: _Optional[bool] = ..., **kwargs) -> None: ...

class WriteCommand(_message.Message):
    __slots__ = ("plan", "format", "mode", "options", "path", "table_name", "partition_by", "bucket_by", "num_buckets", "sort_by", "save_as_table", "cluster_by")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLAN_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    PARTITION_BY_FIELD_NUMBER: _ClassVar[int]
    BUCKET_BY_FIELD_NUMBER: _ClassVar[int]
    NUM_BUCKETS_FIELD_NUMBER: _ClassVar[int]
    SORT_BY_FIELD_NUMBER: _ClassVar[int]
    SAVE_AS_TABLE_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_BY_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    format: str
    mode: str
    options: _containers.ScalarMap[str, str]
    path: str
    table_name: str
    partition_by: _containers.RepeatedScalarFieldContainer[str]
    bucket_by: _containers.RepeatedScalarFieldContainer[str]
    num_buckets: int
    sort_by: _containers.RepeatedScalarFieldContainer[str]
    save_as_table: bool
    cluster_by: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, plan: _Optional[bytes] = ..., format: _Optional[str] = ..., mode: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., path: _Optional[str] = ..., table_name: _Optional[str] = ..., partition_by: _Optional[_Iterable[str]] = ..., bucket_by: _Optional[_Iterable[str]] = ..., num_buckets: _Optional[int] = ..., sort_by: _Optional[_Iterable[str]] = ..., save_as_table: _Optional[bool] = ..., cluster_by: _Optional[_Iterable[str]] = ...) -> None: ...

class WriteV2Command(_message.Message):
    __slots__ = ("plan", "table_name", "mode", "provider", "options", "table_properties", "partitioning", "cluster_by", "overwrite_condition")
    class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MODE_UNSPECIFIED: _ClassVar[WriteV2Command.Mode]
        MODE_CREATE: _ClassVar[WriteV2Command.Mode]
        MODE_REPLACE: _ClassVar[WriteV2Command.Mode]
        MODE_CREATE_OR_REPLACE: _ClassVar[WriteV2Command.Mode]
        MODE_APPEND: _ClassVar[WriteV2Command.Mode]
        MODE_OVERWRITE: _ClassVar[WriteV2Command.Mode]
        MODE_OVERWRITE_PARTITIONS: _ClassVar[WriteV2Command.Mode]
    MODE_UNSPECIFIED: WriteV2Command.Mode
    MODE_CREATE: WriteV2Command.Mode
    MODE_REPLACE: WriteV2Command.Mode
    MODE_CREATE_OR_REPLACE: WriteV2Command.Mode
    MODE_APPEND: WriteV2Command.Mode
    MODE_OVERWRITE: WriteV2Command.Mode
    MODE_OVERWRITE_PARTITIONS: WriteV2Command.Mode
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class TablePropertiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLAN_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    TABLE_PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    PARTITIONING_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_BY_FIELD_NUMBER: _ClassVar[int]
    OVERWRITE_CONDITION_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    table_name: str
    mode: WriteV2Command.Mode
    provider: str
    options: _containers.ScalarMap[str, str]
    table_properties: _containers.ScalarMap[str, str]
    partitioning: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    cluster_by: _containers.RepeatedScalarFieldContainer[str]
    overwrite_condition: _algebra_pb2.Expression
    def __init__(self, plan: _Optional[bytes] = ..., table_name: _Optional[str] = ..., mode: _Optional[_Union[WriteV2Command.Mode, str]] = ..., provider: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., table_properties: _Optional[_Mapping[str, str]] = ..., partitioning: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., cluster_by: _Optional[_Iterable[str]] = ..., overwrite_condition: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ...) -> None: ...

class MergeIntoCommand(_message.Message):
    __slots__ = ("plan", "table_name", "condition", "actions", "schema_evolution")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_EVOLUTION_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    table_name: str
    condition: _algebra_pb2.Expression
    actions: _containers.RepeatedCompositeFieldContainer[MergeAction]
    schema_evolution: bool
    def __init__(self, plan: _Optional[bytes] = ..., table_name: _Optional[str] = ..., condition: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., actions: _Optional[_Iterable[_Union[MergeAction, _Mapping]]] = ..., schema_evolution: _Optional[bool] = ...) -> None: ...

class MergeAction(_message.Message):
    __slots__ = ("when", "kind", "condition", "assignments")
    class When(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        WHEN_UNSPECIFIED: _ClassVar[MergeAction.When]
        WHEN_MATCHED: _ClassVar[MergeAction.When]
        WHEN_NOT_MATCHED: _ClassVar[MergeAction.When]
        WHEN_NOT_MATCHED_BY_SOURCE: _ClassVar[MergeAction.When]
    WHEN_UNSPECIFIED: MergeAction.When
    WHEN_MATCHED: MergeAction.When
    WHEN_NOT_MATCHED: MergeAction.When
    WHEN_NOT_MATCHED_BY_SOURCE: MergeAction.When
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[MergeAction.Kind]
        KIND_UPDATE: _ClassVar[MergeAction.Kind]
        KIND_UPDATE_ALL: _ClassVar[MergeAction.Kind]
        KIND_DELETE: _ClassVar[MergeAction.Kind]
        KIND_INSERT: _ClassVar[MergeAction.Kind]
        KIND_INSERT_ALL: _ClassVar[MergeAction.Kind]
    KIND_UNSPECIFIED: MergeAction.Kind
    KIND_UPDATE: MergeAction.Kind
    KIND_UPDATE_ALL: MergeAction.Kind
    KIND_DELETE: MergeAction.Kind
    KIND_INSERT: MergeAction.Kind
    KIND_INSERT_ALL: MergeAction.Kind
    class AssignmentsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: _algebra_pb2.Expression
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ...) -> None: ...
    WHEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    when: MergeAction.When
    kind: MergeAction.Kind
    condition: _algebra_pb2.Expression
    assignments: _containers.MessageMap[str, _algebra_pb2.Expression]
    def __init__(self, when: _Optional[_Union[MergeAction.When, str]] = ..., kind: _Optional[_Union[MergeAction.Kind, str]] = ..., condition: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., assignments: _Optional[_Mapping[str, _algebra_pb2.Expression]] = ...) -> None: ...

class SqlCommand(_message.Message):
    __slots__ = ("query",)
    QUERY_FIELD_NUMBER: _ClassVar[int]
    query: str
    def __init__(self, query: _Optional[str] = ...) -> None: ...

class CommandResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ObservationRequest(_message.Message):
    __slots__ = ("observation_id",)
    OBSERVATION_ID_FIELD_NUMBER: _ClassVar[int]
    observation_id: str
    def __init__(self, observation_id: _Optional[str] = ...) -> None: ...

class ObservationResponse(_message.Message):
    __slots__ = ("available", "arrow_ipc", "schema_json")
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    ARROW_IPC_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    available: bool
    arrow_ipc: bytes
    schema_json: str
    def __init__(self, available: _Optional[bool] = ..., arrow_ipc: _Optional[bytes] = ..., schema_json: _Optional[str] = ...) -> None: ...

class InterruptRequest(_message.Message):
    __slots__ = ("tag", "operation_id")
    TAG_FIELD_NUMBER: _ClassVar[int]
    OPERATION_ID_FIELD_NUMBER: _ClassVar[int]
    tag: str
    operation_id: str
    def __init__(self, tag: _Optional[str] = ..., operation_id: _Optional[str] = ...) -> None: ...

class InterruptResponse(_message.Message):
    __slots__ = ("interrupted_ids",)
    INTERRUPTED_IDS_FIELD_NUMBER: _ClassVar[int]
    interrupted_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, interrupted_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ClusterStatus(_message.Message):
    __slots__ = ("master", "application_id", "application_name", "default_parallelism", "executor_memory", "executor_cores", "dynamic_allocation", "executors", "workers", "master_web_url", "workers_error", "streaming_queries")
    MASTER_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_ID_FIELD_NUMBER: _ClassVar[int]
    APPLICATION_NAME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_PARALLELISM_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_MEMORY_FIELD_NUMBER: _ClassVar[int]
    EXECUTOR_CORES_FIELD_NUMBER: _ClassVar[int]
    DYNAMIC_ALLOCATION_FIELD_NUMBER: _ClassVar[int]
    EXECUTORS_FIELD_NUMBER: _ClassVar[int]
    WORKERS_FIELD_NUMBER: _ClassVar[int]
    MASTER_WEB_URL_FIELD_NUMBER: _ClassVar[int]
    WORKERS_ERROR_FIELD_NUMBER: _ClassVar[int]
    STREAMING_QUERIES_FIELD_NUMBER: _ClassVar[int]
    master: str
    application_id: str
    application_name: str
    default_parallelism: int
    executor_memory: str
    executor_cores: str
    dynamic_allocation: bool
    executors: _containers.RepeatedCompositeFieldContainer[ExecutorStatus]
    workers: _containers.RepeatedCompositeFieldContainer[WorkerStatus]
    master_web_url: str
    workers_error: str
    streaming_queries: _containers.RepeatedCompositeFieldContainer[StreamingQueryStatusEntry]
    def __init__(self, master: _Optional[str] = ..., application_id: _Optional[str] = ..., application_name: _Optional[str] = ..., default_parallelism: _Optional[int] = ..., executor_memory: _Optional[str] = ..., executor_cores: _Optional[str] = ..., dynamic_allocation: _Optional[bool] = ..., executors: _Optional[_Iterable[_Union[ExecutorStatus, _Mapping]]] = ..., workers: _Optional[_Iterable[_Union[WorkerStatus, _Mapping]]] = ..., master_web_url: _Optional[str] = ..., workers_error: _Optional[str] = ..., streaming_queries: _Optional[_Iterable[_Union[StreamingQueryStatusEntry, _Mapping]]] = ...) -> None: ...

class ExecutorStatus(_message.Message):
    __slots__ = ("id", "host_port", "active", "cores", "max_memory", "active_tasks", "completed_tasks", "failed_tasks")
    ID_FIELD_NUMBER: _ClassVar[int]
    HOST_PORT_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CORES_FIELD_NUMBER: _ClassVar[int]
    MAX_MEMORY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_TASKS_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_TASKS_FIELD_NUMBER: _ClassVar[int]
    FAILED_TASKS_FIELD_NUMBER: _ClassVar[int]
    id: str
    host_port: str
    active: bool
    cores: int
    max_memory: int
    active_tasks: int
    completed_tasks: int
    failed_tasks: int
    def __init__(self, id: _Optional[str] = ..., host_port: _Optional[str] = ..., active: _Optional[bool] = ..., cores: _Optional[int] = ..., max_memory: _Optional[int] = ..., active_tasks: _Optional[int] = ..., completed_tasks: _Optional[int] = ..., failed_tasks: _Optional[int] = ...) -> None: ...

class WorkerStatus(_message.Message):
    __slots__ = ("id", "host_port", "state", "cores", "cores_used", "memory_mb", "memory_used_mb")
    ID_FIELD_NUMBER: _ClassVar[int]
    HOST_PORT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CORES_FIELD_NUMBER: _ClassVar[int]
    CORES_USED_FIELD_NUMBER: _ClassVar[int]
    MEMORY_MB_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USED_MB_FIELD_NUMBER: _ClassVar[int]
    id: str
    host_port: str
    state: str
    cores: int
    cores_used: int
    memory_mb: int
    memory_used_mb: int
    def __init__(self, id: _Optional[str] = ..., host_port: _Optional[str] = ..., state: _Optional[str] = ..., cores: _Optional[int] = ..., cores_used: _Optional[int] = ..., memory_mb: _Optional[int] = ..., memory_used_mb: _Optional[int] = ...) -> None: ...

class ProgressRequest(_message.Message):
    __slots__ = ("operation_id",)
    OPERATION_ID_FIELD_NUMBER: _ClassVar[int]
    operation_id: str
    def __init__(self, operation_id: _Optional[str] = ...) -> None: ...

class StageProgress(_message.Message):
    __slots__ = ("stage_id", "num_tasks", "num_completed_tasks", "num_active_tasks", "input_bytes_read", "done")
    STAGE_ID_FIELD_NUMBER: _ClassVar[int]
    NUM_TASKS_FIELD_NUMBER: _ClassVar[int]
    NUM_COMPLETED_TASKS_FIELD_NUMBER: _ClassVar[int]
    NUM_ACTIVE_TASKS_FIELD_NUMBER: _ClassVar[int]
    INPUT_BYTES_READ_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    stage_id: int
    num_tasks: int
    num_completed_tasks: int
    num_active_tasks: int
    input_bytes_read: int
    done: bool
    def __init__(self, stage_id: _Optional[int] = ..., num_tasks: _Optional[int] = ..., num_completed_tasks: _Optional[int] = ..., num_active_tasks: _Optional[int] = ..., input_bytes_read: _Optional[int] = ..., done: _Optional[bool] = ...) -> None: ...

class ProgressResponse(_message.Message):
    __slots__ = ("operation_id", "stages", "inflight_tasks", "rows", "bytes", "done", "known")
    OPERATION_ID_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    INFLIGHT_TASKS_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    KNOWN_FIELD_NUMBER: _ClassVar[int]
    operation_id: str
    stages: _containers.RepeatedCompositeFieldContainer[StageProgress]
    inflight_tasks: int
    rows: int
    bytes: int
    done: bool
    known: bool
    def __init__(self, operation_id: _Optional[str] = ..., stages: _Optional[_Iterable[_Union[StageProgress, _Mapping]]] = ..., inflight_tasks: _Optional[int] = ..., rows: _Optional[int] = ..., bytes: _Optional[int] = ..., done: _Optional[bool] = ..., known: _Optional[bool] = ...) -> None: ...

class ResumeTicket(_message.Message):
    __slots__ = ("result_id", "next_batch")
    RESULT_ID_FIELD_NUMBER: _ClassVar[int]
    NEXT_BATCH_FIELD_NUMBER: _ClassVar[int]
    result_id: str
    next_batch: int
    def __init__(self, result_id: _Optional[str] = ..., next_batch: _Optional[int] = ...) -> None: ...

class ResultBatch(_message.Message):
    __slots__ = ("result_id", "index", "flight_info")
    RESULT_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_INFO_FIELD_NUMBER: _ClassVar[int]
    result_id: str
    index: int
    flight_info: bytes
    def __init__(self, result_id: _Optional[str] = ..., index: _Optional[int] = ..., flight_info: _Optional[bytes] = ...) -> None: ...

class ReleaseResultRequest(_message.Message):
    __slots__ = ("result_id",)
    RESULT_ID_FIELD_NUMBER: _ClassVar[int]
    result_id: str
    def __init__(self, result_id: _Optional[str] = ...) -> None: ...

class ReleaseResultResponse(_message.Message):
    __slots__ = ("released",)
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    released: bool
    def __init__(self, released: _Optional[bool] = ...) -> None: ...

class StackTraceRequest(_message.Message):
    __slots__ = ("error_id",)
    ERROR_ID_FIELD_NUMBER: _ClassVar[int]
    error_id: str
    def __init__(self, error_id: _Optional[str] = ...) -> None: ...

class StackTraceResponse(_message.Message):
    __slots__ = ("stack_trace",)
    STACK_TRACE_FIELD_NUMBER: _ClassVar[int]
    stack_trace: str
    def __init__(self, stack_trace: _Optional[str] = ...) -> None: ...

class UploadRequest(_message.Message):
    __slots__ = ("schema_json", "artifact")
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    ARTIFACT_FIELD_NUMBER: _ClassVar[int]
    schema_json: str
    artifact: ArtifactUpload
    def __init__(self, schema_json: _Optional[str] = ..., artifact: _Optional[_Union[ArtifactUpload, _Mapping]] = ...) -> None: ...

class ArtifactUpload(_message.Message):
    __slots__ = ("kind", "name", "fragment", "size", "crc32")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[ArtifactUpload.Kind]
        KIND_PYFILE: _ClassVar[ArtifactUpload.Kind]
        KIND_ARCHIVE: _ClassVar[ArtifactUpload.Kind]
        KIND_FILE: _ClassVar[ArtifactUpload.Kind]
    KIND_UNSPECIFIED: ArtifactUpload.Kind
    KIND_PYFILE: ArtifactUpload.Kind
    KIND_ARCHIVE: ArtifactUpload.Kind
    KIND_FILE: ArtifactUpload.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FRAGMENT_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CRC32_FIELD_NUMBER: _ClassVar[int]
    kind: ArtifactUpload.Kind
    name: str
    fragment: str
    size: int
    crc32: int
    def __init__(self, kind: _Optional[_Union[ArtifactUpload.Kind, str]] = ..., name: _Optional[str] = ..., fragment: _Optional[str] = ..., size: _Optional[int] = ..., crc32: _Optional[int] = ...) -> None: ...

class UploadResponse(_message.Message):
    __slots__ = ("upload_id", "rows", "bytes")
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    BYTES_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    rows: int
    bytes: int
    def __init__(self, upload_id: _Optional[str] = ..., rows: _Optional[int] = ..., bytes: _Optional[int] = ...) -> None: ...

class StreamStartRequest(_message.Message):
    __slots__ = ("plan", "format", "output_mode", "options", "partition_by", "cluster_by", "query_name", "processing_time", "once", "available_now", "continuous", "real_time", "path", "table_name", "foreach_batch", "foreach")
    class OptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLAN_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_MODE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    PARTITION_BY_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_BY_FIELD_NUMBER: _ClassVar[int]
    QUERY_NAME_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_TIME_FIELD_NUMBER: _ClassVar[int]
    ONCE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_NOW_FIELD_NUMBER: _ClassVar[int]
    CONTINUOUS_FIELD_NUMBER: _ClassVar[int]
    REAL_TIME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    TABLE_NAME_FIELD_NUMBER: _ClassVar[int]
    FOREACH_BATCH_FIELD_NUMBER: _ClassVar[int]
    FOREACH_FIELD_NUMBER: _ClassVar[int]
    plan: bytes
    format: str
    output_mode: str
    options: _containers.ScalarMap[str, str]
    partition_by: _containers.RepeatedScalarFieldContainer[str]
    cluster_by: _containers.RepeatedScalarFieldContainer[str]
    query_name: str
    processing_time: str
    once: bool
    available_now: bool
    continuous: str
    real_time: str
    path: str
    table_name: str
    foreach_batch: PythonFunction
    foreach: PythonFunction
    def __init__(self, plan: _Optional[bytes] = ..., format: _Optional[str] = ..., output_mode: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., partition_by: _Optional[_Iterable[str]] = ..., cluster_by: _Optional[_Iterable[str]] = ..., query_name: _Optional[str] = ..., processing_time: _Optional[str] = ..., once: _Optional[bool] = ..., available_now: _Optional[bool] = ..., continuous: _Optional[str] = ..., real_time: _Optional[str] = ..., path: _Optional[str] = ..., table_name: _Optional[str] = ..., foreach_batch: _Optional[_Union[PythonFunction, _Mapping]] = ..., foreach: _Optional[_Union[PythonFunction, _Mapping]] = ...) -> None: ...

class StreamingQueryInfo(_message.Message):
    __slots__ = ("id", "run_id", "name")
    ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    id: str
    run_id: str
    name: str
    def __init__(self, id: _Optional[str] = ..., run_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class StreamQueryRequest(_message.Message):
    __slots__ = ("query_id", "operation", "wait_ms", "extended")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATION_STATUS: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_LAST_PROGRESS: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_RECENT_PROGRESS: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_EXCEPTION: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_STOP: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_PROCESS_ALL_AVAILABLE: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_AWAIT_TERMINATION: _ClassVar[StreamQueryRequest.Operation]
        OPERATION_EXPLAIN: _ClassVar[StreamQueryRequest.Operation]
    OPERATION_STATUS: StreamQueryRequest.Operation
    OPERATION_LAST_PROGRESS: StreamQueryRequest.Operation
    OPERATION_RECENT_PROGRESS: StreamQueryRequest.Operation
    OPERATION_EXCEPTION: StreamQueryRequest.Operation
    OPERATION_STOP: StreamQueryRequest.Operation
    OPERATION_PROCESS_ALL_AVAILABLE: StreamQueryRequest.Operation
    OPERATION_AWAIT_TERMINATION: StreamQueryRequest.Operation
    OPERATION_EXPLAIN: StreamQueryRequest.Operation
    QUERY_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    WAIT_MS_FIELD_NUMBER: _ClassVar[int]
    EXTENDED_FIELD_NUMBER: _ClassVar[int]
    query_id: str
    operation: StreamQueryRequest.Operation
    wait_ms: int
    extended: bool
    def __init__(self, query_id: _Optional[str] = ..., operation: _Optional[_Union[StreamQueryRequest.Operation, str]] = ..., wait_ms: _Optional[int] = ..., extended: _Optional[bool] = ...) -> None: ...

class StreamQueryResponse(_message.Message):
    __slots__ = ("query", "is_active", "status_json", "progress_json", "exception", "done", "text")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    IS_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    STATUS_JSON_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_JSON_FIELD_NUMBER: _ClassVar[int]
    EXCEPTION_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    query: StreamingQueryInfo
    is_active: bool
    status_json: str
    progress_json: _containers.RepeatedScalarFieldContainer[str]
    exception: ErrorDetails
    done: bool
    text: str
    def __init__(self, query: _Optional[_Union[StreamingQueryInfo, _Mapping]] = ..., is_active: _Optional[bool] = ..., status_json: _Optional[str] = ..., progress_json: _Optional[_Iterable[str]] = ..., exception: _Optional[_Union[ErrorDetails, _Mapping]] = ..., done: _Optional[bool] = ..., text: _Optional[str] = ...) -> None: ...

class StreamManagerRequest(_message.Message):
    __slots__ = ("operation", "query_id", "wait_ms")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATION_ACTIVE: _ClassVar[StreamManagerRequest.Operation]
        OPERATION_GET: _ClassVar[StreamManagerRequest.Operation]
        OPERATION_AWAIT_ANY_TERMINATION: _ClassVar[StreamManagerRequest.Operation]
        OPERATION_RESET_TERMINATED: _ClassVar[StreamManagerRequest.Operation]
    OPERATION_ACTIVE: StreamManagerRequest.Operation
    OPERATION_GET: StreamManagerRequest.Operation
    OPERATION_AWAIT_ANY_TERMINATION: StreamManagerRequest.Operation
    OPERATION_RESET_TERMINATED: StreamManagerRequest.Operation
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    QUERY_ID_FIELD_NUMBER: _ClassVar[int]
    WAIT_MS_FIELD_NUMBER: _ClassVar[int]
    operation: StreamManagerRequest.Operation
    query_id: str
    wait_ms: int
    def __init__(self, operation: _Optional[_Union[StreamManagerRequest.Operation, str]] = ..., query_id: _Optional[str] = ..., wait_ms: _Optional[int] = ...) -> None: ...

class StreamManagerResponse(_message.Message):
    __slots__ = ("queries", "done")
    QUERIES_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    queries: _containers.RepeatedCompositeFieldContainer[StreamingQueryInfo]
    done: bool
    def __init__(self, queries: _Optional[_Iterable[_Union[StreamingQueryInfo, _Mapping]]] = ..., done: _Optional[bool] = ...) -> None: ...

class StreamEventsRequest(_message.Message):
    __slots__ = ("operation", "cursor", "wait_ms")
    class Operation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATION_POLL: _ClassVar[StreamEventsRequest.Operation]
        OPERATION_SUBSCRIBE: _ClassVar[StreamEventsRequest.Operation]
        OPERATION_UNSUBSCRIBE: _ClassVar[StreamEventsRequest.Operation]
    OPERATION_POLL: StreamEventsRequest.Operation
    OPERATION_SUBSCRIBE: StreamEventsRequest.Operation
    OPERATION_UNSUBSCRIBE: StreamEventsRequest.Operation
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    WAIT_MS_FIELD_NUMBER: _ClassVar[int]
    operation: StreamEventsRequest.Operation
    cursor: int
    wait_ms: int
    def __init__(self, operation: _Optional[_Union[StreamEventsRequest.Operation, str]] = ..., cursor: _Optional[int] = ..., wait_ms: _Optional[int] = ...) -> None: ...

class StreamEvent(_message.Message):
    __slots__ = ("sequence", "type", "json")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    type: str
    json: str
    def __init__(self, sequence: _Optional[int] = ..., type: _Optional[str] = ..., json: _Optional[str] = ...) -> None: ...

class StreamEventsResponse(_message.Message):
    __slots__ = ("events", "cursor", "dropped")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    DROPPED_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[StreamEvent]
    cursor: int
    dropped: int
    def __init__(self, events: _Optional[_Iterable[_Union[StreamEvent, _Mapping]]] = ..., cursor: _Optional[int] = ..., dropped: _Optional[int] = ...) -> None: ...

class StreamingQueryStatusEntry(_message.Message):
    __slots__ = ("id", "run_id", "name", "session_id", "batch_id", "input_rows_per_second", "processed_rows_per_second", "last_progress_timestamp")
    ID_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    INPUT_ROWS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_ROWS_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    LAST_PROGRESS_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    id: str
    run_id: str
    name: str
    session_id: str
    batch_id: int
    input_rows_per_second: float
    processed_rows_per_second: float
    last_progress_timestamp: str
    def __init__(self, id: _Optional[str] = ..., run_id: _Optional[str] = ..., name: _Optional[str] = ..., session_id: _Optional[str] = ..., batch_id: _Optional[int] = ..., input_rows_per_second: _Optional[float] = ..., processed_rows_per_second: _Optional[float] = ..., last_progress_timestamp: _Optional[str] = ...) -> None: ...

class HealthResponse(_message.Message):
    __slots__ = ("live", "ready", "reason")
    LIVE_FIELD_NUMBER: _ClassVar[int]
    READY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    live: bool
    ready: bool
    reason: str
    def __init__(self, live: _Optional[bool] = ..., ready: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class ErrorDetails(_message.Message):
    __slots__ = ("exception_class", "error_class", "sql_state", "message", "message_parameters", "plan_id", "call_site", "error_id")
    class MessageParametersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EXCEPTION_CLASS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CLASS_FIELD_NUMBER: _ClassVar[int]
    SQL_STATE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    CALL_SITE_FIELD_NUMBER: _ClassVar[int]
    ERROR_ID_FIELD_NUMBER: _ClassVar[int]
    exception_class: str
    error_class: str
    sql_state: str
    message: str
    message_parameters: _containers.ScalarMap[str, str]
    plan_id: int
    call_site: CallSite
    error_id: str
    def __init__(self, exception_class: _Optional[str] = ..., error_class: _Optional[str] = ..., sql_state: _Optional[str] = ..., message: _Optional[str] = ..., message_parameters: _Optional[_Mapping[str, str]] = ..., plan_id: _Optional[int] = ..., call_site: _Optional[_Union[CallSite, _Mapping]] = ..., error_id: _Optional[str] = ...) -> None: ...

class ForeachBatchSetup(_message.Message):
    __slots__ = ("location", "token", "session", "function")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    FUNCTION_FIELD_NUMBER: _ClassVar[int]
    location: str
    token: str
    session: SessionInfo
    function: PythonFunction
    def __init__(self, location: _Optional[str] = ..., token: _Optional[str] = ..., session: _Optional[_Union[SessionInfo, _Mapping]] = ..., function: _Optional[_Union[PythonFunction, _Mapping]] = ...) -> None: ...

class ForeachBatchCall(_message.Message):
    __slots__ = ("relation_id", "batch_id", "token")
    RELATION_ID_FIELD_NUMBER: _ClassVar[int]
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    relation_id: str
    batch_id: int
    token: str
    def __init__(self, relation_id: _Optional[str] = ..., batch_id: _Optional[int] = ..., token: _Optional[str] = ...) -> None: ...

class ForeachBatchDone(_message.Message):
    __slots__ = ("error",)
    ERROR_FIELD_NUMBER: _ClassVar[int]
    error: str
    def __init__(self, error: _Optional[str] = ...) -> None: ...

class PartTicket(_message.Message):
    __slots__ = ("part", "signature")
    PART_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    part: bytes
    signature: bytes
    def __init__(self, part: _Optional[bytes] = ..., signature: _Optional[bytes] = ...) -> None: ...

class PartRef(_message.Message):
    __slots__ = ("result_id", "index", "name", "expires_ms")
    RESULT_ID_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_MS_FIELD_NUMBER: _ClassVar[int]
    result_id: str
    index: int
    name: str
    expires_ms: int
    def __init__(self, result_id: _Optional[str] = ..., index: _Optional[int] = ..., name: _Optional[str] = ..., expires_ms: _Optional[int] = ...) -> None: ...
