"""The handle of a streaming query running on the server (StreamingQuery) and
``spark.streams`` (StreamingQueryManager), as ``pyspark.sql.streaming.query``.

Waits are cut into short calls (the server waits at most a second per call), so Ctrl-C
stops a wait at once and the server holds no call for long.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sparkflight.client.errors import (
    PySparkTypeError,
    StreamingQueryException,
    from_error_details,
    not_supported,
    wrong_value,
)
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import STREAM_MANAGER, STREAM_QUERY
from sparkflight.plans.protocol import STREAM_LISTENERS, STREAMING

if TYPE_CHECKING:
    from sparkflight.client.session import SparkSession
    from sparkflight.client.streaming.listener import StreamingQueryListener

#: The longest one call to the server waits for a query (the server caps it too).
WAIT_SLICE_MS = 1000


def check_protocol(session: SparkSession, feature: str) -> None:
    if session._server_protocol < STREAMING.version:
        raise not_supported(f"{feature} with a server of protocol older than {STREAMING.version}")


def _positive_timeout(timeout: float | None) -> float | None:
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0
    ):
        raise wrong_value("VALUE_NOT_POSITIVE", "timeout", timeout)
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
        return self._session._connection.action(STREAM_QUERY, request)

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
        return connection.action(STREAM_MANAGER, request)

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

    def addListener(self, listener: StreamingQueryListener) -> None:
        """Call ``listener`` with the events of this session's queries (in this process, on
        the session's listener thread)."""
        from sparkflight.client.streaming.listener import StreamingQueryListener

        check_protocol(self._session, "spark.streams.addListener")
        if self._session._server_protocol < STREAM_LISTENERS.version:
            raise not_supported(
                f"spark.streams.addListener with a server of protocol older than "
                f"{STREAM_LISTENERS.version}"
            )
        if not isinstance(listener, StreamingQueryListener):
            raise PySparkTypeError(
                errorClass="NOT_STREAMING_QUERY_LISTENER",
                messageParameters={"arg_type": type(listener).__name__},
            )
        self._session._listener_bus.add(listener)

    def removeListener(self, listener: StreamingQueryListener) -> None:
        """Stop calling ``listener``; nothing if it was not added."""
        self._session._listener_bus.remove(listener)
