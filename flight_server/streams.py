"""Streaming queries of a session: ``df.writeStream...start()``, the query handle and
``spark.streams``, run on the session's own PySpark objects.

A query belongs to the session that started it: Spark keeps one StreamingQueryManager per
SparkSession, and the session keeps the queries it started (active or not) so that their
handles answer after they end. Waits (``awaitTermination``, ``processAllAvailable``,
``awaitAnyTermination``) last at most :data:`MAX_WAIT_MS` per call, hold no lock and end
early when the client cancels the call; the client calls again until its own timeout.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyspark.sql.streaming import DataStreamWriter, StreamingQuery, StreamingQueryManager

from sparkflight.flight_server import restrictions
from sparkflight.flight_server.connect import commands
from sparkflight.flight_server.errors import (
    STREAMING_QUERY_NOT_FOUND,
    SparkFlightError,
    error_details,
    operation_in,
)
from sparkflight.flight_server.foreach_batch import RUNNERS, BatchRunner, Loopback
from sparkflight.flight_server.python_functions import check_runnable
from sparkflight.flight_server.translate import translate_plan
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import CallLifetime, Session

#: The longest one call waits for a query; the client repeats the call.
MAX_WAIT_MS = 1000
#: How often a wait checks whether its client cancelled the call.
WAIT_SLICE_MS = 100

#: The trigger oneof field -> ``DataStreamWriter.trigger`` keyword.
_TRIGGERS: dict[str, str] = {
    "processing_time": "processingTime",
    "once": "once",
    "available_now": "availableNow",
    "continuous": "continuous",
    "real_time": "realTime",
}


def info(query: StreamingQuery) -> sf.StreamingQueryInfo:
    message = sf.StreamingQueryInfo(id=query.id, run_id=query.runId)
    if query.name is not None:
        message.name = query.name
    return message


def start(
    session: Session, request: sf.StreamStartRequest, loopback: Loopback
) -> sf.StreamingQueryInfo:
    """Start the query ``request`` describes; the session keeps it. A ``foreachBatch``
    function runs in a process of its own, which reaches the server through ``loopback``."""
    options = dict(request.options)
    if request.table_name:
        restrictions.check_table(session, request.format or None, options)
    else:
        restrictions.check_write(session, request.format, request.path, options)
    df = translate_plan(session, request.plan)
    writer: DataStreamWriter = df.writeStream
    if request.format:
        writer = writer.format(request.format)
    if request.output_mode:
        writer = writer.outputMode(request.output_mode)
    if request.options:
        writer = writer.options(**dict(request.options))
    if request.partition_by:
        writer = writer.partitionBy(*request.partition_by)
    if request.cluster_by:
        writer = writer.clusterBy(*request.cluster_by)
    if request.query_name:
        writer = writer.queryName(request.query_name)
    trigger = request.WhichOneof("trigger")
    if trigger is not None:
        writer = writer.trigger(**{_TRIGGERS[trigger]: getattr(request, trigger)})
    runner = None
    if request.HasField("foreach_batch"):
        check_runnable(session, request.foreach_batch)
        runner = BatchRunner(session, request.foreach_batch, loopback)
        writer = writer.foreachBatch(runner)
    if request.HasField("foreach"):
        writer._jwrite.foreach(commands.foreach_writer(session, df, request.foreach))
    try:
        if request.table_name:
            query = writer.toTable(request.table_name)
        else:
            query = writer.start(request.path or None)
    except BaseException:
        if runner is not None:
            runner.close()
        raise
    if runner is not None:
        RUNNERS.keep(query, runner)
    with session.lock:
        session.streams[query.id] = query
    return info(query)


def query_of(session: Session, query_id: str) -> StreamingQuery:
    """The query ``query_id`` that ``session`` started."""
    with session.lock:
        query = session.streams.get(query_id)
    if query is None:
        raise SparkFlightError(
            STREAMING_QUERY_NOT_FOUND,
            f"no streaming query {query_id!r} in this session (another session's queries "
            "are not visible)",
            query_id=query_id,
        )
    return query


def wait_in_slices(
    wait_ms: int, lifetime: CallLifetime | None, attempt: Callable[[float], bool]
) -> bool:
    """Call ``attempt(seconds)`` in short slices until it says done, ``wait_ms`` passed
    (capped at :data:`MAX_WAIT_MS`) or the client cancelled the call."""
    left = min(max(wait_ms, 1), MAX_WAIT_MS)
    while True:
        step = min(left, WAIT_SLICE_MS)
        if attempt(step / 1000):
            return True
        left -= step
        if left <= 0 or (lifetime is not None and lifetime.cancelled()):
            return False


class _Processing:
    """``processAllAvailable`` of running queries, each in its own thread (Spark's call
    cannot be cut short), so that a call waits for it in slices; by run id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, tuple[threading.Event, list[BaseException]]] = {}

    def wait(self, query: StreamingQuery, seconds: float) -> bool:
        """Whether ``query`` processed all available data within ``seconds``."""
        with self._lock:
            entry = self._running.get(query.runId)
            if entry is None:
                entry = (threading.Event(), [])
                self._running[query.runId] = entry
                threading.Thread(
                    target=self._run, args=(query, *entry), name="sparkflight-stream", daemon=True
                ).start()
        done, failure = entry
        if not done.wait(seconds):
            return False
        with self._lock:
            if self._running.get(query.runId) is entry:
                del self._running[query.runId]
        if failure:
            raise failure[0]
        return True

    @staticmethod
    def _run(query: StreamingQuery, done: threading.Event, failure: list[BaseException]) -> None:
        try:
            query.processAllAvailable()
        except BaseException as exc:  # noqa: BLE001 - raised by the call that waits
            failure.append(exc)
        finally:
            done.set()


_PROCESSING = _Processing()


@dataclass(frozen=True)
class _QueryCall:
    """What an operation on a query gets: the query, the request, the answer it fills in
    and its call's lifetime."""

    query: StreamingQuery
    request: sf.StreamQueryRequest
    out: sf.StreamQueryResponse
    lifetime: CallLifetime | None


def _status(call: _QueryCall) -> None:
    call.out.status_json = json.dumps(call.query.status)


def _last_progress(call: _QueryCall) -> None:
    last = call.query.lastProgress
    if last is not None:
        call.out.progress_json.append(last.json)


def _recent_progress(call: _QueryCall) -> None:
    call.out.progress_json.extend(p.json for p in call.query.recentProgress)


def _exception(call: _QueryCall) -> None:
    failure = call.query.exception()
    if failure is not None:
        owner = call.lifetime.errors.owner if call.lifetime is not None else ""
        call.out.exception.CopyFrom(error_details(failure, owner))


def _stop(call: _QueryCall) -> None:
    RUNNERS.end(call.query.id)  # first: a function that hangs would hold the stop
    call.query.stop()


def _process_all_available(call: _QueryCall) -> None:
    query = call.query
    call.out.done = wait_in_slices(
        call.request.wait_ms, call.lifetime, lambda s: _PROCESSING.wait(query, s)
    )


def _await_termination(call: _QueryCall) -> None:
    query = call.query
    call.out.done = wait_in_slices(
        call.request.wait_ms, call.lifetime, lambda s: bool(query.awaitTermination(s))
    )


def _explain(call: _QueryCall) -> None:
    call.out.text = call.query._jsq.explainInternal(call.request.extended)


_Q = sf.StreamQueryRequest
_QUERY_OPERATIONS: dict[int, Callable[[_QueryCall], None]] = {
    _Q.OPERATION_STATUS: _status,
    _Q.OPERATION_LAST_PROGRESS: _last_progress,
    _Q.OPERATION_RECENT_PROGRESS: _recent_progress,
    _Q.OPERATION_EXCEPTION: _exception,
    _Q.OPERATION_STOP: _stop,
    _Q.OPERATION_PROCESS_ALL_AVAILABLE: _process_all_available,
    _Q.OPERATION_AWAIT_TERMINATION: _await_termination,
    _Q.OPERATION_EXPLAIN: _explain,
}


def query_operation(
    session: Session, request: sf.StreamQueryRequest, lifetime: CallLifetime | None = None
) -> sf.StreamQueryResponse:
    """One operation of a query handle; every answer carries the query and whether it runs."""
    operation = operation_in(_QUERY_OPERATIONS, request.operation, "streaming query")
    query = query_of(session, request.query_id)
    out = sf.StreamQueryResponse()
    operation(_QueryCall(query, request, out, lifetime))
    out.query.CopyFrom(info(query))
    out.is_active = query.isActive
    return out


@dataclass(frozen=True)
class _ManagerCall:
    """What an operation of ``spark.streams`` gets, as :class:`_QueryCall`."""

    streams: StreamingQueryManager
    request: sf.StreamManagerRequest
    out: sf.StreamManagerResponse
    lifetime: CallLifetime | None


def _active(call: _ManagerCall) -> None:
    call.out.queries.extend(info(q) for q in call.streams.active)


def _get(call: _ManagerCall) -> None:
    query = call.streams.get(call.request.query_id) if call.request.query_id else None
    if query is not None:
        call.out.queries.append(info(query))


def _await_any(call: _ManagerCall) -> None:
    streams = call.streams
    call.out.done = wait_in_slices(
        call.request.wait_ms, call.lifetime, lambda s: bool(streams.awaitAnyTermination(s))
    )


def _reset(call: _ManagerCall) -> None:
    call.streams.resetTerminated()


_M = sf.StreamManagerRequest
_MANAGER_OPERATIONS: dict[int, Callable[[_ManagerCall], None]] = {
    _M.OPERATION_ACTIVE: _active,
    _M.OPERATION_GET: _get,
    _M.OPERATION_AWAIT_ANY_TERMINATION: _await_any,
    _M.OPERATION_RESET_TERMINATED: _reset,
}


def manager_operation(
    session: Session, request: sf.StreamManagerRequest, lifetime: CallLifetime | None = None
) -> sf.StreamManagerResponse:
    """One operation of ``spark.streams``."""
    operation = operation_in(_MANAGER_OPERATIONS, request.operation, "streaming query manager")
    out = sf.StreamManagerResponse()
    operation(_ManagerCall(session.spark.streams, request, out, lifetime))
    return out


def running_queries(sessions: list[Session]) -> list[sf.StreamingQueryStatusEntry]:
    """The active queries of ``sessions`` with their last progress, for ``status``."""
    entries = []
    for session in sessions:
        with session.lock:
            queries = list(session.streams.values())
        for query in queries:
            if not query.isActive:
                continue
            entry = info(query)
            out = sf.StreamingQueryStatusEntry(
                id=entry.id, run_id=entry.run_id, name=entry.name, session_id=session.id
            )
            out.batch_id = -1
            last = query.lastProgress
            if last is not None:
                out.batch_id = last.batchId
                out.input_rows_per_second = last.inputRowsPerSecond
                out.processed_rows_per_second = last.processedRowsPerSecond
                out.last_progress_timestamp = last.timestamp
            entries.append(out)
    return entries
