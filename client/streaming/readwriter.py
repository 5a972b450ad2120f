"""``spark.readStream`` (DataStreamReader) and ``df.writeStream`` (DataStreamWriter), as
``pyspark.sql.streaming.readwriter``: a query runs on the server in the client's session.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sparkflight.client import plan, udf
from sparkflight.client.errors import (
    PySparkValueError,
    expected_type,
    value_not_allowed,
    wrong_type,
    wrong_value,
)
from sparkflight.client.readwriter import _Options
from sparkflight.client.streaming.query import StreamingQuery, check_protocol
from sparkflight.client.types import StructType
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import STREAM_START

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession


def _schema_text(schema: StructType | str) -> str:
    if isinstance(schema, StructType):
        return schema.json()
    if isinstance(schema, str):
        return schema
    raise wrong_type("NOT_STR_OR_STRUCT", "schema", schema)


def _non_empty(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise wrong_value("VALUE_NOT_NON_EMPTY_STR", name, value)
    return value.strip()


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
            raise expected_type("source_name", "str", source_name)
        if not re.fullmatch(r"[a-zA-Z0-9_]+", source_name):
            raise PySparkValueError(
                errorClass="INVALID_STREAMING_SOURCE_NAME",
                messageParameters={"source_name": source_name},
            )
        self._source_name = source_name
        return self

    def _df(self, relation: plan.StreamSource) -> DataFrame:
        from sparkflight.client.dataframe import DataFrame

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
            raise wrong_type("NOT_STR", "path", path)
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
                errorClass="ONLY_ALLOW_SINGLE_TRIGGER",
                messageParameters={},
            )
        ((name, value),) = given.items()
        if name in ("once", "availableNow"):
            if value is not True:
                raise value_not_allowed(name, "[True]")
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
            raise wrong_type("NOT_CALLABLE", "f", f)
        self._request.foreach.CopyFrom(self._function("DataStreamWriter.foreach", f))
        return self

    def foreachBatch(self, func: Callable[[Any, int], None]) -> DataStreamWriter:
        """The server calls ``func(batch_df, batch_id)`` with each micro-batch.

        As in Spark Connect, ``func`` runs in a Python process of its own beside the
        server, as a client of the query's session: ``batch_df`` is a DataFrame of this
        library over the micro-batch, and what ``func`` writes (tables, files, temp views)
        is visible to the session. An error it raises fails the query.
        """
        if not callable(func):
            raise udf.not_callable(func)
        udf.check_protocol(self._df._session, "DataStreamWriter.foreachBatch")
        function = udf.python_function(func, udf.PythonEvalType.NON_UDF, None, twins=False)
        self._request.foreach_batch.CopyFrom(function)
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
        request.plan = self._df._plan_bytes()
        request.options.update(self._options)
        request.path = path or ""
        request.table_name = table_name or ""
        started = session._connection.action(STREAM_START, request)
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
