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
    __slots__ = ("format", "paths", "options", "schema")
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
    format: str
    paths: _containers.RepeatedScalarFieldContainer[str]
    options: _containers.ScalarMap[str, str]
    schema: str
    def __init__(self, format: _Optional[str] = ..., paths: _Optional[_Iterable[str]] = ..., options: _Optional[_Mapping[str, str]] = ..., schema: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("column_names", "all_columns")
    COLUMN_NAMES_FIELD_NUMBER: _ClassVar[int]
    ALL_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    column_names: _containers.RepeatedScalarFieldContainer[str]
    all_columns: bool
    def __init__(self, column_names: _Optional[_Iterable[str]] = ..., all_columns: _Optional[bool] = ...) -> None: ...

class SampleRelation(_message.Message):
    __slots__ = ("lower_bound", "upper_bound", "with_replacement", "seed")
    LOWER_BOUND_FIELD_NUMBER: _ClassVar[int]
    UPPER_BOUND_FIELD_NUMBER: _ClassVar[int]
    WITH_REPLACEMENT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    lower_bound: float
    upper_bound: float
    with_replacement: bool
    seed: int
    def __init__(self, lower_bound: _Optional[float] = ..., upper_bound: _Optional[float] = ..., with_replacement: _Optional[bool] = ..., seed: _Optional[int] = ...) -> None: ...

class RepartitionRelation(_message.Message):
    __slots__ = ("num_partitions", "partition_expressions", "shuffle", "by_range")
    NUM_PARTITIONS_FIELD_NUMBER: _ClassVar[int]
    PARTITION_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    SHUFFLE_FIELD_NUMBER: _ClassVar[int]
    BY_RANGE_FIELD_NUMBER: _ClassVar[int]
    num_partitions: int
    partition_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    shuffle: bool
    by_range: bool
    def __init__(self, num_partitions: _Optional[int] = ..., partition_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., shuffle: _Optional[bool] = ..., by_range: _Optional[bool] = ...) -> None: ...

class AggregateRelation(_message.Message):
    __slots__ = ("group_type", "grouping_expressions", "aggregate_expressions", "pivot_column", "pivot_values", "grouping_sets")
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
    GROUP_TYPE_FIELD_NUMBER: _ClassVar[int]
    GROUPING_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_EXPRESSIONS_FIELD_NUMBER: _ClassVar[int]
    PIVOT_COLUMN_FIELD_NUMBER: _ClassVar[int]
    PIVOT_VALUES_FIELD_NUMBER: _ClassVar[int]
    GROUPING_SETS_FIELD_NUMBER: _ClassVar[int]
    group_type: AggregateRelation.GroupType
    grouping_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    aggregate_expressions: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    pivot_column: _algebra_pb2.Expression
    pivot_values: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    grouping_sets: _containers.RepeatedCompositeFieldContainer[AggregateRelation.GroupingSet]
    def __init__(self, group_type: _Optional[_Union[AggregateRelation.GroupType, str]] = ..., grouping_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., aggregate_expressions: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., pivot_column: _Optional[_Union[_algebra_pb2.Expression, _Mapping]] = ..., pivot_values: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ..., grouping_sets: _Optional[_Iterable[_Union[AggregateRelation.GroupingSet, _Mapping]]] = ...) -> None: ...

class ShowStringRelation(_message.Message):
    __slots__ = ("num_rows", "truncate", "vertical")
    NUM_ROWS_FIELD_NUMBER: _ClassVar[int]
    TRUNCATE_FIELD_NUMBER: _ClassVar[int]
    VERTICAL_FIELD_NUMBER: _ClassVar[int]
    num_rows: int
    truncate: int
    vertical: bool
    def __init__(self, num_rows: _Optional[int] = ..., truncate: _Optional[int] = ..., vertical: _Optional[bool] = ...) -> None: ...

class HintRelation(_message.Message):
    __slots__ = ("name", "parameters")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    parameters: _containers.RepeatedCompositeFieldContainer[_algebra_pb2.Expression]
    def __init__(self, name: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[_algebra_pb2.Expression, _Mapping]]] = ...) -> None: ...

class PlanId(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ProjectExpressionsOnly(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class JoinUsingColumns(_message.Message):
    __slots__ = ("column_names",)
    COLUMN_NAMES_FIELD_NUMBER: _ClassVar[int]
    column_names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, column_names: _Optional[_Iterable[str]] = ...) -> None: ...

class UnionByName(_message.Message):
    __slots__ = ("allow_missing_columns",)
    ALLOW_MISSING_COLUMNS_FIELD_NUMBER: _ClassVar[int]
    allow_missing_columns: bool
    def __init__(self, allow_missing_columns: _Optional[bool] = ...) -> None: ...

class OpenSessionRequest(_message.Message):
    __slots__ = ("conf",)
    class ConfEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CONF_FIELD_NUMBER: _ClassVar[int]
    conf: _containers.ScalarMap[str, str]
    def __init__(self, conf: _Optional[_Mapping[str, str]] = ...) -> None: ...

class SessionInfo(_message.Message):
    __slots__ = ("session_id", "spark_version", "server_version")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SPARK_VERSION_FIELD_NUMBER: _ClassVar[int]
    SERVER_VERSION_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    spark_version: str
    server_version: str
    def __init__(self, session_id: _Optional[str] = ..., spark_version: _Optional[str] = ..., server_version: _Optional[str] = ...) -> None: ...

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
    __slots__ = ("mode", "plan", "explain_mode")
    class Mode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MODE_SCHEMA: _ClassVar[AnalyzeRequest.Mode]
        MODE_EXPLAIN: _ClassVar[AnalyzeRequest.Mode]
        MODE_IS_LOCAL: _ClassVar[AnalyzeRequest.Mode]
        MODE_IS_STREAMING: _ClassVar[AnalyzeRequest.Mode]
        MODE_INPUT_FILES: _ClassVar[AnalyzeRequest.Mode]
    MODE_SCHEMA: AnalyzeRequest.Mode
    MODE_EXPLAIN: AnalyzeRequest.Mode
    MODE_IS_LOCAL: AnalyzeRequest.Mode
    MODE_IS_STREAMING: AnalyzeRequest.Mode
    MODE_INPUT_FILES: AnalyzeRequest.Mode
    MODE_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    EXPLAIN_MODE_FIELD_NUMBER: _ClassVar[int]
    mode: AnalyzeRequest.Mode
    plan: bytes
    explain_mode: str
    def __init__(self, mode: _Optional[_Union[AnalyzeRequest.Mode, str]] = ..., plan: _Optional[bytes] = ..., explain_mode: _Optional[str] = ...) -> None: ...

class AnalyzeResponse(_message.Message):
    __slots__ = ("schema_json", "text", "flag", "strings")
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    FLAG_FIELD_NUMBER: _ClassVar[int]
    STRINGS_FIELD_NUMBER: _ClassVar[int]
    schema_json: str
    text: str
    flag: bool
    strings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, schema_json: _Optional[str] = ..., text: _Optional[str] = ..., flag: _Optional[bool] = ..., strings: _Optional[_Iterable[str]] = ...) -> None: ...

class CommandRequest(_message.Message):
    __slots__ = ("create_view", "write", "sql")
    CREATE_VIEW_FIELD_NUMBER: _ClassVar[int]
    WRITE_FIELD_NUMBER: _ClassVar[int]
    SQL_FIELD_NUMBER: _ClassVar[int]
    create_view: CreateViewCommand
    write: WriteCommand
    sql: SqlCommand
    def __init__(self, create_view: _Optional[_Union[CreateViewCommand, _Mapping]] = ..., write: _Optional[_Union[WriteCommand, _Mapping]] = ..., sql: _Optional[_Union[SqlCommand, _Mapping]] = ...) -> None: ...

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
    __slots__ = ("plan", "format", "mode", "options", "path", "table_name", "partition_by", "bucket_by", "num_buckets", "sort_by", "save_as_table")
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
    def __init__(self, plan: _Optional[bytes] = ..., format: _Optional[str] = ..., mode: _Optional[str] = ..., options: _Optional[_Mapping[str, str]] = ..., path: _Optional[str] = ..., table_name: _Optional[str] = ..., partition_by: _Optional[_Iterable[str]] = ..., bucket_by: _Optional[_Iterable[str]] = ..., num_buckets: _Optional[int] = ..., sort_by: _Optional[_Iterable[str]] = ..., save_as_table: _Optional[bool] = ...) -> None: ...

class SqlCommand(_message.Message):
    __slots__ = ("query",)
    QUERY_FIELD_NUMBER: _ClassVar[int]
    query: str
    def __init__(self, query: _Optional[str] = ...) -> None: ...

class CommandResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

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

class UploadRequest(_message.Message):
    __slots__ = ("schema_json",)
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    schema_json: str
    def __init__(self, schema_json: _Optional[str] = ...) -> None: ...

class UploadResponse(_message.Message):
    __slots__ = ("upload_id", "rows")
    UPLOAD_ID_FIELD_NUMBER: _ClassVar[int]
    ROWS_FIELD_NUMBER: _ClassVar[int]
    upload_id: str
    rows: int
    def __init__(self, upload_id: _Optional[str] = ..., rows: _Optional[int] = ...) -> None: ...

class ErrorDetails(_message.Message):
    __slots__ = ("exception_class", "error_class", "sql_state", "message", "message_parameters")
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
    exception_class: str
    error_class: str
    sql_state: str
    message: str
    message_parameters: _containers.ScalarMap[str, str]
    def __init__(self, exception_class: _Optional[str] = ..., error_class: _Optional[str] = ..., sql_state: _Optional[str] = ..., message: _Optional[str] = ..., message_parameters: _Optional[_Mapping[str, str]] = ...) -> None: ...
