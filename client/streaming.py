"""Structured Streaming: ``spark.readStream`` (DataStreamReader), ``df.writeStream``
(DataStreamWriter), the StreamingQuery handle and ``spark.streams``
(StreamingQueryManager), as in PySpark.

A query runs on the server in the client's session; the handle asks the server about it.
Waits are cut into short calls (the server waits at most a second per call), so Ctrl-C
stops a wait at once and the server holds no call for long.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from client import plan, udf
from client.errors import (
    PySparkTypeError,
    PySparkValueError,
    StreamingQueryException,
    from_error_details,
    not_supported,
    unavailable_method,
)
from client.readwriter import _Options
from client.types import StructType
from plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from client.dataframe import DataFrame
    from client.session import SparkSession

#: The first protocol version with Structured Streaming.
STREAMING_PROTOCOL = 8
#: The longest one call to the server waits for a query (the server caps it too).
WAIT_SLICE_MS = 1000


def check_protocol(session: SparkSession, feature: str) -> None:
    if session._server_protocol < STREAMING_PROTOCOL:
        raise not_supported(f"{feature} with a server of protocol older than {STREAMING_PROTOCOL}")


def _schema_text(schema: StructType | str) -> str:
    if isinstance(schema, StructType):
        return schema.json()
    if isinstance(schema, str):
        return schema
    raise PySparkTypeError(
        message="[NOT_STR_OR_STRUCT] Argument `schema` should be a str or struct, got "
        f"{type(schema).__name__}.",
        errorClass="NOT_STR_OR_STRUCT",
        messageParameters={"arg_name": "schema", "arg_type": type(schema).__name__},
    )


def _non_empty(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PySparkValueError(
            message=f"[VALUE_NOT_NON_EMPTY_STR] Value for `{name}` must be a non-empty string, "
            f"got '{value}'.",
            errorClass="VALUE_NOT_NON_EMPTY_STR",
            messageParameters={"arg_name": name, "arg_value": str(value)},
        )
    return value.strip()


def _positive_timeout(timeout: float | None) -> float | None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise PySparkValueError(
            message=f"[VALUE_NOT_POSITIVE] Value for `timeout` must be positive, got '{timeout}'.",
            errorClass="VALUE_NOT_POSITIVE",
            messageParameters={"arg_name": "timeout", "arg_value": str(timeout)},
        )
    return timeout


def _wait(call: Callable[[int], bool], timeout: float | None) -> bool:
    """Call ``call(wait_ms)`` until it answers done or ``timeout`` seconds passed (forever
    without a timeout); whether it was done."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left_ms = WAIT_SLICE_MS
        if deadline is not None:
            left_ms = min(left_ms, max(1, int((deadline - time.monotonic()) * 1000)))
        if call(left_ms):
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return False


# ------------------------------------------------------------------ reader


class DataStreamReader(_Options):
    """``spark.readStream``: builds a streaming DataFrame over a source."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session
        self._format = ""
        self._schema = ""
        self._options: dict[str, str] = {}
        self._source_name = ""

    def format(self, source: str) -> DataStreamReader:
        self._format = source
        return self

    def schema(self, schema: StructType | str) -> DataStreamReader:
        """The schema as a StructType or a DDL string (file sources need one)."""
        self._schema = _schema_text(schema)
        return self

    def name(self, source_name: str) -> DataStreamReader:
        """Name the source, so that its offsets in the checkpoint survive plan changes."""
        if not isinstance(source_name, str):
            raise PySparkTypeError(
                message="[NOT_EXPECTED_TYPE] Argument `source_name` should be a str, got "
                f"{type(source_name).__name__}.",
                errorClass="NOT_EXPECTED_TYPE",
                messageParameters={
                    "arg_name": "source_name",
                    "expected_type": "str",
                    "arg_type": type(source_name).__name__,
                },
            )
        if not re.fullmatch(r"[a-zA-Z0-9_]+", source_name):
            raise PySparkValueError(
                message=f"[INVALID_STREAMING_SOURCE_NAME] Invalid streaming source name "
                f"'{source_name}': only ASCII letters, digits and underscores.",
                errorClass="INVALID_STREAMING_SOURCE_NAME",
                messageParameters={"source_name": source_name},
            )
        self._source_name = source_name
        return self

    def _df(self, relation: plan.StreamSource) -> DataFrame:
        from client.dataframe import DataFrame

        check_protocol(self._session, "spark.readStream")
        return DataFrame(relation, self._session)

    def load(
        self,
        path: str | None = None,
        format: str | None = None,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        if format is not None:
            self.format(format)
        if schema is not None:
            self.schema(schema)
        self.options(**options)
        if path is not None:
            _non_empty("path", path)
        return self._df(
            plan.StreamSource(
                format=self._format,
                path=path or "",
                options=dict(self._options),
                schema=self._schema,
                source_name=self._source_name,
            )
        )

    def _load_format(
        self, source: str, path: str, schema: StructType | str | None, options: dict[str, Any]
    ) -> DataFrame:
        if not isinstance(path, str):
            raise PySparkTypeError(
                message=f"[NOT_STR] Argument `path` should be a str, got {type(path).__name__}.",
                errorClass="NOT_STR",
                messageParameters={"arg_name": "path", "arg_type": type(path).__name__},
            )
        return self.load(path, format=source, schema=schema, **options)

    def json(self, path: str, schema: StructType | str | None = None, **options: Any) -> DataFrame:
        return self._load_format("json", path, schema, options)

    def csv(self, path: str, schema: StructType | str | None = None, **options: Any) -> DataFrame:
        return self._load_format("csv", path, schema, options)

    def orc(self, path: str, **options: Any) -> DataFrame:
        return self._load_format("orc", path, None, options)

    def parquet(self, path: str, **options: Any) -> DataFrame:
        return self._load_format("parquet", path, None, options)

    def text(
        self, path: str, wholetext: bool = False, lineSep: str | None = None, **options: Any
    ) -> DataFrame:
        options = {"wholetext": wholetext, "lineSep": lineSep, **options}
        return self._load_format("text", path, None, options)

    def xml(
        self,
        path: str,
        rowTag: str | None = None,
        schema: StructType | str | None = None,
        **options: Any,
    ) -> DataFrame:
        return self._load_format("xml", path, schema, {"rowTag": rowTag, **options})

    def table(self, tableName: str) -> DataFrame:
        """A table read as a stream of the rows appended to it."""
        return self._df(plan.StreamSource(table_name=tableName, options=dict(self._options)))

    def changes(self, tableName: str) -> DataFrame:
        """The change data feed of a table, as a stream."""
        return self._df(
            plan.StreamSource(table_name=tableName, options=dict(self._options), changes=True)
        )


# ------------------------------------------------------------------ writer

#: DataStreamWriter.trigger keyword -> StreamStartRequest trigger field.
_TRIGGERS: dict[str, str] = {
    "processingTime": "processing_time",
    "once": "once",
    "continuous": "continuous",
    "availableNow": "available_now",
    "realTime": "real_time",
}


class DataStreamWriter(_Options):
    """``df.writeStream``: starts a streaming query writing a streaming DataFrame."""

    def __init__(self, df: DataFrame) -> None:
        self._df = df
        self._options: dict[str, str] = {}
        self._request = sf.StreamStartRequest()

    def outputMode(self, outputMode: str) -> DataStreamWriter:
        """append, complete or update."""
        self._request.output_mode = _non_empty("outputMode", outputMode)
        return self

    def format(self, source: str) -> DataStreamWriter:
        self._request.format = source
        return self

    def partitionBy(self, *cols: str | list[str]) -> DataStreamWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._request.ClearField("partition_by")
        self._request.partition_by.extend(cols)  # type: ignore[arg-type]
        return self

    def clusterBy(self, *cols: str | list[str]) -> DataStreamWriter:
        if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
            cols = tuple(cols[0])
        self._request.ClearField("cluster_by")
        self._request.cluster_by.extend(cols)  # type: ignore[arg-type]
        return self

    def queryName(self, queryName: str) -> DataStreamWriter:
        """The query's name (the memory sink's table name)."""
        self._request.query_name = _non_empty("queryName", queryName)
        return self

    def trigger(
        self,
        *,
        processingTime: str | None = None,
        once: bool | None = None,
        continuous: str | None = None,
        availableNow: bool | None = None,
        realTime: str | None = None,
    ) -> DataStreamWriter:
        """Exactly one trigger: a processing-time interval, once, available-now, or a
        continuous checkpoint interval."""
        given = {
            k: v
            for k, v in {
                "processingTime": processingTime,
                "once": once,
                "continuous": continuous,
                "availableNow": availableNow,
                "realTime": realTime,
            }.items()
            if v is not None
        }
        if len(given) != 1:
            raise PySparkValueError(
                message="[ONLY_ALLOW_SINGLE_TRIGGER] Only a single trigger is allowed.",
                errorClass="ONLY_ALLOW_SINGLE_TRIGGER",
                messageParameters={},
            )
        ((name, value),) = given.items()
        if name in ("once", "availableNow"):
            if value is not True:
                raise PySparkValueError(
                    message=f"[VALUE_NOT_ALLOWED] Value for `{name}` has to be amongst the "
                    "following values: [True].",
                    errorClass="VALUE_NOT_ALLOWED",
                    messageParameters={"arg_name": name, "allowed_values": "[True]"},
                )
        else:
            value = _non_empty(name, value)
        setattr(self._request, _TRIGGERS[name], value)
        return self

    def _function(self, feature: str, f: Any) -> sf.PythonFunction:
        udf.check_protocol(self._df._session, feature)
        return udf.python_function(f, udf.PythonEvalType.NON_UDF, None)

    def foreach(self, f: Any) -> DataStreamWriter:
        """Spark's Python workers call ``f`` with every row (or ``f.open``/``process``/
        ``close`` of a writer object)."""
        if not callable(f) and not callable(getattr(f, "process", None)):
            raise PySparkTypeError(
                message="[NOT_CALLABLE] Argument `f` should be a callable or have a `process` "
                f"method, got {type(f).__name__}.",
                errorClass="NOT_CALLABLE",
                messageParameters={"arg_name": "f", "arg_type": type(f).__name__},
            )
        self._request.foreach.CopyFrom(self._function("DataStreamWriter.foreach", f))
        return self

    def foreachBatch(self, func: Callable[[Any, int], None]) -> DataStreamWriter:
        """The server calls ``func(batch_df, batch_id)`` with each micro-batch.

        ``func`` runs in the server's Python process and gets a PySpark DataFrame of the
        client's session on the server (not a client DataFrame): it can use the whole
        PySpark API, and what it writes (tables, files) is visible to the client.
        """
        if not callable(func):
            raise udf.not_callable(func)
        self._request.foreach_batch.CopyFrom(
            self._function("DataStreamWriter.foreachBatch", func)
        )
        return self

    def _start(
        self,
        path: str | None,
        table_name: str | None,
        format: str | None,
        outputMode: str | None,
        partitionBy: str | list[str] | None,
        queryName: str | None,
        options: dict[str, Any],
    ) -> StreamingQuery:
        session = self._df._session
        check_protocol(session, "DataFrame.writeStream")
        self.options(**options)
        if format is not None:
            self.format(format)
        if outputMode is not None:
            self.outputMode(outputMode)
        if partitionBy is not None:
            self.partitionBy(partitionBy)
        if queryName is not None:
            self.queryName(queryName)
        request = sf.StreamStartRequest()
        request.CopyFrom(self._request)
        request.plan = self._df._plan()
        request.options.update(self._options)
        request.path = path or ""
        request.table_name = table_name or ""
        started = session._connection.action("stream.start", request, sf.StreamingQueryInfo)
        return StreamingQuery(session, started)

    def start(
        self,
        path: str | None = None,
        format: str | None = None,
        outputMode: str | None = None,
        partitionBy: str | list[str] | None = None,
        queryName: str | None = None,
        **options: Any,
    ) -> StreamingQuery:
        """Start the query, writing to ``path`` (file sinks) or the format's sink."""
        return self._start(path, None, format, outputMode, partitionBy, queryName, options)

    def toTable(
        self,
        tableName: str,
        format: str | None = None,
        outputMode: str | None = None,
        partitionBy: str | list[str] | None = None,
        queryName: str | None = None,
        **options: Any,
    ) -> StreamingQuery:
        """Start the query, appending to table ``tableName``."""
        return self._start(None, tableName, format, outputMode, partitionBy, queryName, options)


# ------------------------------------------------------------------ progress


class StreamingQueryProgress(dict):
    """One micro-batch's progress: the JSON Spark reports, as a dict with PySpark's
    attribute names (``batchId``, ``numInputRows``, ``sources``, ``sink``, ...)."""

    @classmethod
    def fromJson(cls, j: dict[str, Any]) -> StreamingQueryProgress:
        return cls(j)

    def __getattr__(self, name: str) -> Any:
        if name in self:
            return self[name]
        raise AttributeError(name)

    @property
    def json(self) -> str:
        return json.dumps(self)

    @property
    def prettyJson(self) -> str:
        return json.dumps(self, indent=4)


# ------------------------------------------------------------------ handles

_Q = sf.StreamQueryRequest


class StreamingQuery:
    """The handle of a streaming query running on the server in this session."""

    def __init__(self, session: SparkSession, started: sf.StreamingQueryInfo) -> None:
        self._session = session
        self._id = started.id
        self._run_id = started.run_id
        self._name = started.name if started.HasField("name") else None

    def _call(self, operation: int, **fields: Any) -> sf.StreamQueryResponse:
        request = sf.StreamQueryRequest(query_id=self._id, operation=operation, **fields)
        return self._session._connection.action("stream.query", request, sf.StreamQueryResponse)

    @property
    def id(self) -> str:
        """The query's id, kept across restarts from its checkpoint."""
        return self._id

    @property
    def runId(self) -> str:
        """The id of this run of the query."""
        return self._run_id

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def isActive(self) -> bool:
        return self._call(_Q.OPERATION_STATUS).is_active

    @property
    def status(self) -> dict[str, Any]:
        """``message``, ``isDataAvailable`` and ``isTriggerActive``."""
        return json.loads(self._call(_Q.OPERATION_STATUS).status_json)

    @property
    def lastProgress(self) -> StreamingQueryProgress | None:
        progress = self._call(_Q.OPERATION_LAST_PROGRESS).progress_json
        return StreamingQueryProgress.fromJson(json.loads(progress[-1])) if progress else None

    @property
    def recentProgress(self) -> list[StreamingQueryProgress]:
        progress = self._call(_Q.OPERATION_RECENT_PROGRESS).progress_json
        return [StreamingQueryProgress.fromJson(json.loads(p)) for p in progress]

    def awaitTermination(self, timeout: float | None = None) -> bool | None:
        """Wait until the query ends (raising its StreamingQueryException if it failed);
        with ``timeout`` seconds, whether it ended in time."""
        timeout = _positive_timeout(timeout)

        def call(wait_ms: int) -> bool:
            return self._call(_Q.OPERATION_AWAIT_TERMINATION, wait_ms=wait_ms).done

        ended = _wait(call, timeout)
        return ended if timeout is not None else None

    def processAllAvailable(self) -> None:
        """Wait until all data available in the sources is processed and committed."""

        def call(wait_ms: int) -> bool:
            return self._call(_Q.OPERATION_PROCESS_ALL_AVAILABLE, wait_ms=wait_ms).done

        _wait(call, None)

    def stop(self) -> None:
        self._call(_Q.OPERATION_STOP)

    def explain(self, extended: bool = False) -> None:
        """Print the query's plan."""
        print(self._call(_Q.OPERATION_EXPLAIN, extended=extended).text)

    def exception(self) -> StreamingQueryException | None:
        """Why the query failed; None while it runs or after it stopped cleanly."""
        response = self._call(_Q.OPERATION_EXCEPTION)
        if not response.HasField("exception"):
            return None
        error = from_error_details(response.exception, self._session._connection.stack_trace)
        return error if isinstance(error, StreamingQueryException) else None

    def __repr__(self) -> str:
        return f"<StreamingQuery id={self._id} runId={self._run_id} name={self._name}>"


_M = sf.StreamManagerRequest


class StreamingQueryManager:
    """``spark.streams``: the streaming queries of this session."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session

    def _call(self, operation: int, **fields: Any) -> sf.StreamManagerResponse:
        check_protocol(self._session, "spark.streams")
        request = sf.StreamManagerRequest(operation=operation, **fields)
        connection = self._session._connection
        return connection.action("stream.manager", request, sf.StreamManagerResponse)

    @property
    def active(self) -> list[StreamingQuery]:
        queries = self._call(_M.OPERATION_ACTIVE).queries
        return [StreamingQuery(self._session, q) for q in queries]

    def get(self, id: str) -> StreamingQuery | None:
        """The active query ``id`` of this session, else None."""
        queries = self._call(_M.OPERATION_GET, query_id=id).queries
        return StreamingQuery(self._session, queries[0]) if queries else None

    def awaitAnyTermination(self, timeout: float | None = None) -> bool | None:
        """Wait until a query of the session ends (since the last resetTerminated)."""
        timeout = _positive_timeout(timeout)

        def call(wait_ms: int) -> bool:
            return self._call(_M.OPERATION_AWAIT_ANY_TERMINATION, wait_ms=wait_ms).done

        ended = _wait(call, timeout)
        return ended if timeout is not None else None

    def resetTerminated(self) -> None:
        """Forget ended queries, so that awaitAnyTermination waits for a new one."""
        self._call(_M.OPERATION_RESET_TERMINATED)

    addListener = unavailable_method("StreamingQueryManager.addListener", not_supported)
    removeListener = unavailable_method("StreamingQueryManager.removeListener", not_supported)
