"""StreamingQueryListener and its events, as ``pyspark.sql.streaming.listener``.

The server collects the events of the session's own queries while the session has
listeners; one daemon thread per session polls them (the ``stream.events`` action) and
calls every listener in this process, as Spark Connect's client-side listener bus does.
A listener's method runs on that thread, after the event happened on the server.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from sparkflight.client.streaming.query import WAIT_SLICE_MS, StreamingQueryProgress
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import STREAM_EVENTS

if TYPE_CHECKING:
    from sparkflight.client.session import SparkSession

__all__ = [
    "QueryIdleEvent",
    "QueryProgressEvent",
    "QueryStartedEvent",
    "QueryTerminatedEvent",
    "StreamingQueryListener",
]

_log = logging.getLogger(__name__)


class StreamingQueryListener(ABC):
    """Receives the life cycle events of the session's streaming queries
    (``spark.streams.addListener``)."""

    @property
    def spark(self) -> SparkSession | None:
        """The session the listener was added to."""
        return getattr(self, "_sparkSession", None)

    @spark.setter
    def spark(self, session: SparkSession) -> None:
        self._sparkSession = session

    def _set_spark_session(self, session: SparkSession) -> None:
        if self.spark is None:
            self.spark = session

    @abstractmethod
    def onQueryStarted(self, event: QueryStartedEvent) -> None:
        """Called when a query started."""

    @abstractmethod
    def onQueryProgress(self, event: QueryProgressEvent) -> None:
        """Called when a query reported progress (after each micro-batch)."""

    def onQueryIdle(self, event: QueryIdleEvent) -> None:  # noqa: B027 - optional, as in PySpark
        """Called when a query is idle and waiting for new data."""

    @abstractmethod
    def onQueryTerminated(self, event: QueryTerminatedEvent) -> None:
        """Called when a query stopped, with or without error."""


class QueryStartedEvent:
    """A query started."""

    def __init__(self, id: uuid.UUID, runId: uuid.UUID, name: str | None, timestamp: str) -> None:
        self._id = id
        self._runId = runId
        self._name = name
        self._timestamp = timestamp

    @classmethod
    def fromJson(cls, j: dict[str, Any]) -> QueryStartedEvent:
        return cls(uuid.UUID(j["id"]), uuid.UUID(j["runId"]), j["name"], j["timestamp"])

    @property
    def id(self) -> uuid.UUID:
        return self._id

    @property
    def runId(self) -> uuid.UUID:
        return self._runId

    @property
    def name(self) -> str | None:
        return self._name

    @property
    def timestamp(self) -> str:
        return self._timestamp


class QueryProgressEvent:
    """A query reported progress."""

    def __init__(self, progress: StreamingQueryProgress) -> None:
        self._progress = progress

    @classmethod
    def fromJson(cls, j: dict[str, Any]) -> QueryProgressEvent:
        return cls(StreamingQueryProgress.fromJson(j["progress"]))

    @property
    def progress(self) -> StreamingQueryProgress:
        return self._progress


class QueryIdleEvent:
    """A query is idle, waiting for new data."""

    def __init__(self, id: uuid.UUID, runId: uuid.UUID, timestamp: str) -> None:
        self._id = id
        self._runId = runId
        self._timestamp = timestamp

    @classmethod
    def fromJson(cls, j: dict[str, Any]) -> QueryIdleEvent:
        return cls(uuid.UUID(j["id"]), uuid.UUID(j["runId"]), j["timestamp"])

    @property
    def id(self) -> uuid.UUID:
        return self._id

    @property
    def runId(self) -> uuid.UUID:
        return self._runId

    @property
    def timestamp(self) -> str:
        return self._timestamp


class QueryTerminatedEvent:
    """A query stopped; ``exception`` says why when it failed."""

    def __init__(
        self,
        id: uuid.UUID,
        runId: uuid.UUID,
        exception: str | None,
        errorClassOnException: str | None,
    ) -> None:
        self._id = id
        self._runId = runId
        self._exception = exception
        self._errorClassOnException = errorClassOnException

    @classmethod
    def fromJson(cls, j: dict[str, Any]) -> QueryTerminatedEvent:
        return cls(
            uuid.UUID(j["id"]), uuid.UUID(j["runId"]), j["exception"], j["errorClassOnException"]
        )

    @property
    def id(self) -> uuid.UUID:
        return self._id

    @property
    def runId(self) -> uuid.UUID:
        return self._runId

    @property
    def exception(self) -> str | None:
        return self._exception

    @property
    def errorClassOnException(self) -> str | None:
        return self._errorClassOnException


Event = QueryStartedEvent | QueryProgressEvent | QueryIdleEvent | QueryTerminatedEvent

#: The event type on the wire -> its class and the listener method that receives it.
_EVENTS: dict[str, tuple[type[Event], str]] = {
    "QueryStartedEvent": (QueryStartedEvent, "onQueryStarted"),
    "QueryProgressEvent": (QueryProgressEvent, "onQueryProgress"),
    "QueryIdleEvent": (QueryIdleEvent, "onQueryIdle"),
    "QueryTerminatedEvent": (QueryTerminatedEvent, "onQueryTerminated"),
}

_E = sf.StreamEventsRequest


class ListenerBus:
    """The listeners of one session and the thread that hands them the server's events."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session
        #: Held by add, remove and close (which call the server and join the thread);
        #: ``_lock`` guards the list of listeners only.
        self._control = threading.Lock()
        self._lock = threading.Lock()
        self._listeners: list[StreamingQueryListener] = []
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def _call(self, operation: int, **fields: Any) -> sf.StreamEventsResponse:
        request = sf.StreamEventsRequest(operation=operation, **fields)
        connection = self._session._connection
        return connection.action(STREAM_EVENTS, request)

    def add(self, listener: StreamingQueryListener) -> None:
        with self._control:
            if self._thread is None:
                cursor = self._call(_E.OPERATION_SUBSCRIBE).cursor
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._run,
                    args=(cursor, self._stop),
                    name="sparkflight-listener-bus",
                    daemon=True,
                )
                self._thread.start()
            listener._set_spark_session(self._session)
            with self._lock:
                self._listeners.append(listener)

    def remove(self, listener: StreamingQueryListener) -> None:
        """Remove ``listener`` (nothing if it was not added); after the last one, stop the
        thread and the server's collecting."""
        with self._control:
            with self._lock:
                if listener not in self._listeners:
                    return
                self._listeners.remove(listener)
                if self._listeners:
                    return
            self._halt()
            self._call(_E.OPERATION_UNSUBSCRIBE)

    def close(self) -> None:
        """Stop the thread when the session closes (the server drops its side itself)."""
        with self._control:
            with self._lock:
                self._listeners.clear()
            self._halt()

    def _halt(self) -> None:
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            if self._thread is not threading.current_thread():
                self._thread.join()
        self._stop = self._thread = None

    def _run(self, cursor: int, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                answer = self._call(_E.OPERATION_POLL, cursor=cursor, wait_ms=WAIT_SLICE_MS)
            except Exception:  # noqa: BLE001 - the session may be closing; try again
                _log.warning("streaming query events unavailable", exc_info=True)
                if stop.wait(1):
                    return
                continue
            if answer.dropped:
                _log.warning("%d streaming query events were dropped", answer.dropped)
            cursor = answer.cursor
            for event in answer.events:
                if stop.is_set():
                    return
                self._deliver(event)

    def _deliver(self, event: sf.StreamEvent) -> None:
        kind = _EVENTS.get(event.type)
        if kind is None:
            _log.debug("unknown streaming query event %s", event.type)
            return
        cls, method = kind
        parsed = cls.fromJson(json.loads(event.json))
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                getattr(listener, method)(parsed)
            except Exception:  # noqa: BLE001 - one listener's failure stops nothing
                _log.exception("%s of %r raised", method, listener)
