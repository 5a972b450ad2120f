"""The bounded buffer of a session's streaming query events: cursors, what a poll
returns and how many events it says were dropped."""

from __future__ import annotations

import json
import uuid

import pytest
from pyspark.sql.streaming.listener import QueryIdleEvent, QueryTerminatedEvent

from sparkflight.flight_server.stream_events import MAX_EVENTS, SessionEvents


def _filled(count: int) -> tuple[SessionEvents, uuid.UUID]:
    events, query = SessionEvents(), uuid.uuid4()
    for second in range(count):
        events.onQueryIdle(QueryIdleEvent(query, query, f"2026-01-01T00:00:{second % 60:02d}Z"))
    return events, query


@pytest.mark.parametrize(
    ("added", "cursor", "returned", "dropped"),
    [
        (0, 0, 0, 0),
        (3, 0, 3, 0),
        (3, 2, 1, 0),
        (3, 3, 0, 0),
        (MAX_EVENTS + 5, 0, MAX_EVENTS, 5),
        (MAX_EVENTS + 5, 7, MAX_EVENTS - 2, 0),
        (MAX_EVENTS + 5, 3, MAX_EVENTS, 2),
    ],
)
def test_poll_after_a_cursor(added: int, cursor: int, returned: int, dropped: int) -> None:
    events, _ = _filled(added)
    answer = events.after(cursor, 0, None)
    assert (len(answer.events), answer.dropped, answer.cursor) == (returned, dropped, added)
    sequences = [event.sequence for event in answer.events]
    assert sequences == list(range(added - returned + 1, added + 1))


def test_events_carry_pysparks_fields() -> None:
    events, query = _filled(1)
    events.onQueryTerminated(QueryTerminatedEvent(query, query, "boom", "DIVIDE_BY_ZERO"))
    idle, ended = events.after(0, 0, None).events
    assert (idle.type, json.loads(idle.json)) == (
        "QueryIdleEvent",
        {"id": str(query), "runId": str(query), "timestamp": "2026-01-01T00:00:00Z"},
    )
    assert (ended.type, json.loads(ended.json)) == (
        "QueryTerminatedEvent",
        {
            "id": str(query),
            "runId": str(query),
            "exception": "boom",
            "errorClassOnException": "DIVIDE_BY_ZERO",
        },
    )
