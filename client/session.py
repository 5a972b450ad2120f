"""``SparkSession``: the entry point, one server session over an Arrow Flight connection."""

from __future__ import annotations

import re
import string
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa

from sparkflight.client import plan
from sparkflight.client.artifacts import add_artifacts
from sparkflight.client.catalog import Catalog
from sparkflight.client.column import Column
from sparkflight.client.conversion import local_data_to_arrow
from sparkflight.client.dataframe import DataFrame
from sparkflight.client.datasource import DataSourceRegistration
from sparkflight.client.errors import (
    PySparkTypeError,
    PySparkValueError,
    SparkNoSuchElementException,
    cannot_be_none,
    needs_jvm,
    not_supported,
    unavailable_method,
    unavailable_property,
    value_disallowed,
    wrong_type,
)
from sparkflight.client.expressions import ColumnRef, Expr, Literal
from sparkflight.client.profiler import Profile
from sparkflight.client.progress import ProgressHandler, ProgressReporting
from sparkflight.client.readwriter import DataFrameReader
from sparkflight.client.streaming import DataStreamReader, StreamingQueryManager
from sparkflight.client.streaming.listener import ListenerBus
from sparkflight.client.transport import Connection, parse_remote
from sparkflight.client.tvf import TableValuedFunction
from sparkflight.client.types import DataType, StructType
from sparkflight.client.udf import UDFRegistration, UDTFRegistration
from sparkflight.client.versions import open_request, server_protocol
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import COMMAND, CONFIG, SESSION_CLOSE, SESSION_OPEN
from sparkflight.plans.protocol import (
    RELEASE_HEADER,
    RESULT_PARTS,
    RESUMABLE_RESULTS,
    TICKET_KINDS,
)

#: Local data larger than this is uploaded with DoPut rather than sent in the plan.
INLINE_LIMIT_BYTES = 4 * 1024 * 1024

_NO_DEFAULT = object()
_COMMAND = re.compile(
    r"^\s*(CREATE|DROP|ALTER|INSERT|DELETE|UPDATE|MERGE|TRUNCATE|USE|SET|RESET|CACHE|UNCACHE|"
    r"REFRESH|ANALYZE|MSCK|REPAIR|LOAD|ADD|COMMENT|DECLARE)\b",
    re.IGNORECASE,
)


def _conf_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _optional(value: str | None) -> sf.OptionalString:
    return sf.OptionalString() if value is None else sf.OptionalString(value=value)


class RuntimeConfig:
    """``spark.conf``: the session's SQL configuration on the server."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def _call(
        self, operation: int, keys: Iterable[str] = (), values: Iterable[sf.OptionalString] = ()
    ) -> sf.ConfigResponse:
        request = sf.ConfigRequest(operation=operation, keys=list(keys), values=list(values))
        return self._connection.action(CONFIG, request)

    def set(self, key: str, value: str | int | bool) -> None:
        self._call(sf.ConfigRequest.OPERATION_SET, [key], [_optional(_conf_value(value))])

    def get(self, key: str, default: Any = _NO_DEFAULT) -> str | None:
        """The value of ``key``; an unset key without a default raises, as in PySpark."""
        values = []
        if default is not None and default is not _NO_DEFAULT:
            values = [_optional(_conf_value(default))]
        try:
            response = self._call(sf.ConfigRequest.OPERATION_GET, [key], values)
        except SparkNoSuchElementException:
            if default is None:  # an explicit None default answers None for a missing key
                return None
            raise
        if not response.values or not response.values[0].HasField("value"):
            return None
        return response.values[0].value

    def _get_with_defaults(self, defaults: dict[str, str]) -> dict[str, str]:
        """The values of several keys in one call, each falling back to its default."""
        fallbacks = [_optional(v) for v in defaults.values()]
        response = self._call(sf.ConfigRequest.OPERATION_GET, list(defaults), fallbacks)
        return {
            k: v.value if v.HasField("value") else defaults[k]
            for k, v in zip(response.keys, response.values, strict=True)
        }

    def unset(self, key: str) -> None:
        self._call(sf.ConfigRequest.OPERATION_UNSET, [key])

    @property
    def getAll(self) -> dict[str, str]:
        response = self._call(sf.ConfigRequest.OPERATION_GET_ALL)
        return {k: v.value for k, v in zip(response.keys, response.values, strict=True)}

    def isModifiable(self, key: str) -> bool:
        response = self._call(sf.ConfigRequest.OPERATION_IS_MODIFIABLE, [key])
        return bool(response.values) and response.values[0].value.lower() == "true"


class _SqlFormatter(string.Formatter):
    """``spark.sql("... {df} ...", df=df)``: PySpark's formatting of SQL text.

    A DataFrame becomes a temporary view of the session (kept, since the query is
    lazy), a plain column reference its name, a str a SQL string literal, and any
    other value its ``format`` text.
    """

    def __init__(self, session: SparkSession) -> None:
        self._session = session
        self._views: dict[int, str] = {}

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        value, first = super().get_field(field_name, args, kwargs)
        return self._sql(value, field_name), first

    def _sql(self, value: Any, field_name: str) -> Any:
        if isinstance(value, DataFrame):
            if id(value) not in self._views:
                name = "_sparkflight_temp_view_" + uuid.uuid4().hex
                value.createOrReplaceTempView(name)
                self._views[id(value)] = name
            return self._views[id(value)]
        if isinstance(value, Column):
            if isinstance(value._expr, ColumnRef):
                return value._expr.name
            raise PySparkValueError(
                errorClass="INVALID_SQL_ARGUMENT",
                messageParameters={"value": str(value), "field_name": field_name},
            )
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return value


class _Builder:
    """``SparkSession.builder``: ``.remote(url).config(...).getOrCreate()``."""

    def __init__(self) -> None:
        self._url: str | None = None
        self._conf: dict[str, str] = {}

    def remote(self, url: str) -> _Builder:
        self._url = url
        return self

    def config(
        self, key: str | None = None, value: Any = None, *, map: dict[str, Any] | None = None
    ) -> _Builder:
        if key is not None:
            self._conf[key] = _conf_value(value)
        for k, v in (map or {}).items():
            self._conf[k] = _conf_value(v)
        return self

    def appName(self, name: str) -> _Builder:
        return self.config("spark.app.name", name)

    def master(self, master: str) -> _Builder:
        """Accepted for compatibility: the server decides the master, as in Spark Connect."""
        return self

    enableHiveSupport = unavailable_method("enableHiveSupport", not_supported)

    def create(self) -> SparkSession:
        if self._url is None:
            raise PySparkValueError(
                messageParameters={},
                errorClass="NO_REMOTE_URL",
            )
        session = SparkSession._open(Connection.open(self._url), self._conf, owner=True)
        SparkSession._set_active(session)
        return session

    def getOrCreate(self) -> SparkSession:
        active = SparkSession.getActiveSession()
        if active is not None and (self._url is None or parse_remote(self._url)[0] == active._url):
            for key, value in self._conf.items():
                active.conf.set(key, value)
            return active
        return self.create()


class _BuilderProperty:
    def __get__(self, instance: Any, owner: type) -> _Builder:
        return _Builder()


class SparkSession:
    """A session of a sparkflight server, with PySpark's SparkSession API."""

    Builder = _Builder
    builder = _BuilderProperty()
    _active: SparkSession | None = None
    _lock = threading.Lock()

    def __init__(self, connection: Connection, info: sf.SessionInfo, owner: bool) -> None:
        self._connection = connection
        self._info = info
        self._owner = owner
        self._stopped = False
        self._server_protocol = server_protocol(info)
        self._progress = ProgressReporting(self._server_protocol)
        connection.progress = self._progress
        connection.resumable = self._server_protocol >= RESUMABLE_RESULTS.version
        connection.release_in_headers = self._server_protocol >= RELEASE_HEADER.version
        connection.tagged_tickets = self._server_protocol >= TICKET_KINDS.version
        connection.parts = self._server_protocol >= RESULT_PARTS.version
        self._conf = RuntimeConfig(connection)
        self._listener_bus = ListenerBus(self)

    @classmethod
    def _open(cls, connection: Connection, conf: dict[str, str], owner: bool) -> SparkSession:
        """Open a server session, exchanging versions; a server too old for this client is
        refused at once (and its new session closed)."""
        info = connection.action(SESSION_OPEN, open_request(conf))
        session_connection = connection.for_session(info.session_id)
        try:
            return cls(session_connection, info, owner)
        except Exception:
            close = sf.CloseSessionRequest(session_id=info.session_id)
            session_connection.action(SESSION_CLOSE, close)
            if owner:
                connection.close()
            raise

    @classmethod
    def _set_active(cls, session: SparkSession | None) -> None:
        with cls._lock:
            cls._active = session

    @classmethod
    def getActiveSession(cls) -> SparkSession | None:
        with cls._lock:
            session = cls._active
        return session if session is not None and not session._stopped else None

    active = getActiveSession

    @property
    def conf(self) -> RuntimeConfig:
        return self._conf

    @property
    def _url(self) -> str:
        return self._connection.url

    @property
    def version(self) -> str:
        return self._info.spark_version

    @property
    def sessionId(self) -> str:
        return self._info.session_id

    @property
    def serverVersions(self) -> dict[str, str]:
        """What the server reported when the session opened: ``protocol``, ``server``,
        ``spark`` and ``min_client_protocol``."""
        return {
            "protocol": str(self._server_protocol),
            "min_client_protocol": str(self._info.min_client_protocol_version or 1),
            "server": self._info.server_version,
            "spark": self._info.spark_version,
        }

    # ------------------------------------------------------------- progress

    def registerProgressHandler(self, handler: ProgressHandler) -> None:
        """Call ``handler(stages=, inflight_tasks=, operation_id=, done=)`` with the progress
        of every query and command of this session, as PySpark does."""
        self._progress.handlers.append(handler)

    def removeProgressHandler(self, handler: ProgressHandler) -> None:
        if handler in self._progress.handlers:
            self._progress.handlers.remove(handler)

    def clearProgressHandlers(self) -> None:
        self._progress.handlers.clear()

    @property
    def showProgress(self) -> bool | None:
        """Whether a progress bar (terminal) or line (Jupyter) is shown: None decides by
        where the output goes (see :mod:`sparkflight.client.progress`)."""
        return self._progress.show

    @showProgress.setter
    def showProgress(self, value: bool | None) -> None:
        self._progress.show = value

    def newSession(self) -> SparkSession:
        return SparkSession._open(self._connection, {}, owner=False)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._listener_bus.close()
        try:
            self._connection.action(
                SESSION_CLOSE, sf.CloseSessionRequest(session_id=self._info.session_id)
            )
        finally:
            if self._owner:
                self._connection.close()
            if SparkSession._active is self:
                SparkSession._set_active(None)

    def __enter__(self) -> SparkSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def interruptAll(self) -> list[str]:
        """Interrupt every running operation of this session; their ids."""
        return self._connection.interrupt(sf.InterruptRequest())

    def interruptTag(self, tag: str) -> list[str]:
        """Interrupt the running operations of this session tagged ``tag``; their ids."""
        _check_tag(tag)
        return self._connection.interrupt(sf.InterruptRequest(tag=tag))

    def interruptOperation(self, op_id: str) -> list[str]:
        """Interrupt the operation ``op_id`` of this session if it runs; its id then."""
        return self._connection.interrupt(sf.InterruptRequest(operation_id=op_id))

    def addTag(self, tag: str) -> None:
        """Tag the operations this thread starts from now on in this session."""
        _check_tag(tag)
        self._connection.tags.add(tag)

    def removeTag(self, tag: str) -> None:
        _check_tag(tag)
        self._connection.tags.discard(tag)

    def getTags(self) -> set[str]:
        return set(self._connection.tags)

    def clearTags(self) -> None:
        self._connection.tags.clear()

    def addArtifacts(
        self, *path: str, pyfile: bool = False, archive: bool = False, file: bool = False
    ) -> None:
        """Ship local files to this session's Python workers, as PySpark's Spark Connect
        session does: ``pyfile`` (.py, .zip, .egg) to import in UDFs, ``archive`` (.zip,
        .tar.gz, .tgz, .tar; ``path#alias`` names the directory it is extracted to) or
        ``file`` (read with ``SparkFiles.get(name)``). No other session sees them."""
        add_artifacts(self._connection, self._server_protocol, path, pyfile, archive, file)

    addArtifact = addArtifacts

    sparkContext = unavailable_property("sparkContext", needs_jvm)

    @property
    def profile(self) -> Profile:
        """The profiles of this session's Python UDFs (``spark.sql.pyspark.udf.profiler``)."""
        return Profile(self)

    @property
    def readStream(self) -> DataStreamReader:
        """Read a streaming DataFrame from a source or a table."""
        return DataStreamReader(self)

    @property
    def streams(self) -> StreamingQueryManager:
        """The streaming queries of this session."""
        return StreamingQueryManager(self)

    client = unavailable_property("client", not_supported)
    copyFromLocalToFs = unavailable_method("copyFromLocalToFs", not_supported)

    # ------------------------------------------------------------- DataFrames

    def _df(self, relation: plan.Relation) -> DataFrame:
        return DataFrame(relation, self)

    def range(
        self,
        start: int,
        end: int | None = None,
        step: int = 1,
        numPartitions: int | None = None,
    ) -> DataFrame:
        if end is None:
            start, end = 0, start
        return self._df(
            plan.Range(start=int(start), end=int(end), step=int(step), num_partitions=numPartitions)
        )

    def table(self, tableName: str) -> DataFrame:
        if not isinstance(tableName, str):
            raise wrong_type("NOT_STR", "tableName", tableName)
        return self._df(plan.NamedTable(name=tableName))

    @property
    def catalog(self) -> Catalog:
        return Catalog(self)

    @property
    def read(self) -> DataFrameReader:
        return DataFrameReader(self)

    @property
    def tvf(self) -> TableValuedFunction:
        return TableValuedFunction(self)

    @property
    def dataSource(self) -> DataSourceRegistration:
        """Python data sources of this session (``spark.dataSource.register``)."""
        return DataSourceRegistration(self)

    @property
    def udf(self) -> UDFRegistration:
        """Register Python UDFs in this session, for SQL and ``call_udf``."""
        return UDFRegistration(self)

    @property
    def udtf(self) -> UDTFRegistration:
        """Register Python UDTFs in this session, for SQL."""
        return UDTFRegistration(self)

    def emptyDataFrame(self, schema: StructType | str) -> DataFrame:
        """A DataFrame with no rows and the given schema."""
        if not isinstance(schema, (StructType, str)):
            raise wrong_type("NOT_STR_OR_STRUCT", "schema", schema)
        return self.createDataFrame([], schema)

    def sql(
        self, sqlQuery: str, args: dict[str, Any] | list[Any] | None = None, **kwargs: Any
    ) -> DataFrame:
        """Run SQL. Commands (DDL, DML, SET, ...) run at once, as in PySpark; queries lazily.

        Keyword arguments are formatted into the text as PySpark does (``{df}``, ``{col}``).
        """
        if kwargs:
            sqlQuery = _SqlFormatter(self).format(sqlQuery, **kwargs)

        def value(v: Any) -> Expr:
            return v._expr if isinstance(v, Column) else Literal(v)

        if args is None and _COMMAND.match(sqlQuery):
            command = sf.CommandRequest(sql=sf.SqlCommand(query=sqlQuery))
            self._connection.action(COMMAND, command)
            return self._df(plan.LocalData(arrow_ipc=_ipc(pa.table({}))))
        if isinstance(args, dict):
            relation = plan.Sql(
                query=sqlQuery, named_arguments={k: value(v) for k, v in args.items()}
            )
        elif isinstance(args, (list, tuple)):
            relation = plan.Sql(query=sqlQuery, positional_arguments=[value(v) for v in args])
        elif args is None:
            relation = plan.Sql(query=sqlQuery)
        else:
            raise PySparkTypeError(
                errorClass="INVALID_TYPE",
                messageParameters={"arg_name": "args", "arg_type": type(args).__name__},
            )
        return self._df(relation)

    def createDataFrame(
        self,
        data: Any,
        schema: StructType | DataType | str | list[str] | None = None,
        samplingRatio: float | None = None,
        verifySchema: bool = True,
    ) -> DataFrame:
        if isinstance(data, DataFrame):
            raise PySparkTypeError(
                errorClass="INVALID_TYPE",
                messageParameters={"arg_name": "data", "arg_type": "DataFrame"},
            )
        table, struct = local_data_to_arrow(data, schema)
        schema_json = struct.json()
        payload = _ipc(table)
        if len(payload) <= INLINE_LIMIT_BYTES:
            return self._df(plan.LocalData(arrow_ipc=payload, schema_json=schema_json))
        upload_id = self._connection.upload(table, schema_json)
        return self._df(plan.LocalData(upload_id=upload_id, schema_json=schema_json))


def _check_tag(tag: str) -> None:
    """Refuse the tags PySpark refuses: None, empty, or containing Spark's separator ','."""
    if tag is None:
        raise cannot_be_none("Spark Connect tag")
    if not isinstance(tag, str):
        raise wrong_type("NOT_STR", "tag", tag)
    if "," in tag:
        raise value_disallowed("Spark Connect tag", ",")
    if not tag:
        raise PySparkValueError(
            errorClass="VALUE_NOT_NON_EMPTY_STR",
            messageParameters={"arg_name": "Spark Connect tag", "arg_value": tag},
        )


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
