"""Events of a session's streaming queries for the client's StreamingQueryListeners.

While a client has listeners, its session keeps a PySpark ``StreamingQueryListener`` on
its own ``spark.streams``: Spark posts to it only the events of the queries that session
started. The listener turns each event into JSON (the fields of PySpark's event classes)
and appends it to a bounded buffer; the client polls the buffer with a cursor (the
``stream.events`` action) and calls its listeners in its own process.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyspark.sql.streaming import StreamingQueryListener
from pyspark.sql.streaming.listener import (
    QueryIdleEvent,
    QueryProgressEvent,
    QueryStartedEvent,
    QueryTerminatedEvent,
)

from sparkflight.flight_server.errors import INVALID_ACTION_BODY, SparkFlightError, operation_in
from sparkflight.flight_server.streams import wait_in_slices
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import CallLifetime, Session

#: The most events a session keeps for its client; older ones are dropped.
MAX_EVENTS = 1000


def _started(event: QueryStartedEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "runId": str(event.runId),
        "name": event.name,
        "timestamp": event.timestamp,
    }


def _progress(event: QueryProgressEvent) -> dict[str, Any]:
    return {"progress": json.loads(event.progress.json)}


def _idle(event: QueryIdleEvent) -> dict[str, Any]:
    return {"id": str(event.id), "runId": str(event.runId), "timestamp": event.timestamp}


def _terminated(event: QueryTerminatedEvent) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "runId": str(event.runId),
        "exception": event.exception,
        "errorClassOnException": event.errorClassOnException,
    }


class SessionEvents(StreamingQueryListener):
    """The listener of one session and the events it kept, numbered from 1."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._events: deque[sf.StreamEvent] = deque(maxlen=MAX_EVENTS)
        self._last = 0

    def _add(self, kind: str, fields: dict[str, Any]) -> None:
        with self._changed:
            self._last += 1
            event = sf.StreamEvent(sequence=self._last, type=kind, json=json.dumps(fields))
            self._events.append(event)
            self._changed.notify_all()

    def onQueryStarted(self, event: QueryStartedEvent) -> None:
        self._add("QueryStartedEvent", _started(event))

    def onQueryProgress(self, event: QueryProgressEvent) -> None:
        self._add("QueryProgressEvent", _progress(event))

    def onQueryIdle(self, event: QueryIdleEvent) -> None:
        self._add("QueryIdleEvent", _idle(event))

    def onQueryTerminated(self, event: QueryTerminatedEvent) -> None:
        self._add("QueryTerminatedEvent", _terminated(event))

    @property
    def cursor(self) -> int:
        with self._changed:
            return self._last

    def after(
        self, cursor: int, wait_ms: int, lifetime: CallLifetime | None
    ) -> sf.StreamEventsResponse:
        """The events after ``cursor``, waiting up to ``wait_ms`` (capped) for one."""
        with self._changed:
            if wait_ms > 0:
                wait_in_slices(
                    wait_ms,
                    lifetime,
                    lambda seconds: self._changed.wait_for(lambda: self._last > cursor, seconds),
                )
            kept = [e for e in self._events if e.sequence > cursor]
            first = kept[0].sequence if kept else self._last + 1
            return sf.StreamEventsResponse(
                events=kept, cursor=self._last, dropped=max(0, first - cursor - 1)
            )


def subscribe(session: Session) -> SessionEvents:
    """The session's listener, registered on its ``spark.streams`` if it was not yet."""
    with session.lock:
        events = session.stream_events
        if events is None:
            events = session.stream_events = SessionEvents()
            session.spark.streams.addListener(events)
    return events


def unsubscribe(session: Session) -> None:
    """Remove the session's listener, if any, and drop its events."""
    with session.lock:
        events, session.stream_events = session.stream_events, None
    if events is not None:
        session.spark.streams.removeListener(events)


def _poll(
    session: Session, request: sf.StreamEventsRequest, lifetime: CallLifetime | None
) -> sf.StreamEventsResponse:
    with session.lock:
        events = session.stream_events
    if events is None:
        raise SparkFlightError(
            INVALID_ACTION_BODY,
            "stream.events POLL before SUBSCRIBE: the session has no streaming query listener",
        )
    return events.after(request.cursor, request.wait_ms, lifetime)


def _subscribe(
    session: Session, request: sf.StreamEventsRequest, lifetime: CallLifetime | None
) -> sf.StreamEventsResponse:
    return sf.StreamEventsResponse(cursor=subscribe(session).cursor)


def _unsubscribe(
    session: Session, request: sf.StreamEventsRequest, lifetime: CallLifetime | None
) -> sf.StreamEventsResponse:
    unsubscribe(session)
    return sf.StreamEventsResponse()


_E = sf.StreamEventsRequest
_OPERATIONS: dict[
    int, Callable[[Session, sf.StreamEventsRequest, CallLifetime | None], sf.StreamEventsResponse]
] = {
    _E.OPERATION_POLL: _poll,
    _E.OPERATION_SUBSCRIBE: _subscribe,
    _E.OPERATION_UNSUBSCRIBE: _unsubscribe,
}


def events_operation(
    session: Session, request: sf.StreamEventsRequest, lifetime: CallLifetime | None = None
) -> sf.StreamEventsResponse:
    """One ``stream.events`` call."""
    operation = operation_in(_OPERATIONS, request.operation, "stream.events")
    return operation(session, request, lifetime)
