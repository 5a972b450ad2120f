"""The server's waits for streaming queries (short slices, a cap per call, an early end
when the client cancels the call) and the end of the queries of an expired session."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from sparkflight.client import SparkSession
from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.sessions import CallLifetime
from sparkflight.flight_server.streams import MAX_WAIT_MS, WAIT_SLICE_MS, wait_in_slices


class _Cancelled:
    """A call context whose client cancelled the call after ``after`` questions."""

    def __init__(self, after: int) -> None:
        self.asked, self.after = 0, after

    def is_cancelled(self) -> bool:
        self.asked += 1
        return self.asked > self.after


def _recording(done_after: int | None = None) -> tuple[list[float], object]:
    slices: list[float] = []

    def attempt(seconds: float) -> bool:
        slices.append(seconds)
        return done_after is not None and len(slices) >= done_after

    return slices, attempt


def test_a_wait_is_capped_and_sliced() -> None:
    slices, attempt = _recording()
    assert wait_in_slices(60_000, None, attempt) is False  # type: ignore[arg-type]
    assert round(sum(slices) * 1000) == MAX_WAIT_MS
    assert round(max(slices) * 1000) == WAIT_SLICE_MS


def test_a_wait_answers_done_as_soon_as_it_is() -> None:
    slices, attempt = _recording(done_after=2)
    assert wait_in_slices(MAX_WAIT_MS, None, attempt) is True  # type: ignore[arg-type]
    assert len(slices) == 2


def test_a_cancelled_call_ends_its_wait_after_one_slice() -> None:
    lifetime = CallLifetime().watch(_Cancelled(after=0))  # type: ignore[arg-type]
    slices, attempt = _recording()
    assert wait_in_slices(MAX_WAIT_MS, lifetime, attempt) is False  # type: ignore[arg-type]
    assert len(slices) == 1


def test_a_zero_wait_still_asks_once_with_a_positive_timeout() -> None:
    slices, attempt = _recording()
    assert wait_in_slices(0, None, attempt) is False  # type: ignore[arg-type]
    assert len(slices) == 1 and slices[0] > 0


#: Far longer than the calls that start a query: a session expires only once the test ages
#: it, and the server looks for idle sessions every quarter of it.
IDLE_SECONDS = 60


@contextlib.contextmanager
def _running_query(served_spark: Any, limits: Limits) -> Iterator[tuple[Any, Any, Any, Any]]:
    """A server of its own over ``served_spark`` with ``limits``, a client session of it with a
    running streaming query: the server, the session, the query's JVM id and Spark's map
    of active queries."""
    server, url = start_server(served_spark, "127.0.0.1", 0, limits=limits)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        session = SparkSession.builder.remote(url).create()
        stream = session.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load()
        query = stream.writeStream.format("noop").trigger(processingTime="1 second").start()
        query_id = served_spark._jvm.java.util.UUID.fromString(query.id)
        active = served_spark._jsparkSession.sharedState().activeStreamingQueries()
        yield server, session, query_id, active
    finally:
        server.shutdown()
        thread.join()


def test_an_expired_session_stops_its_queries(served_spark: Any) -> None:
    """A session left idle past the limit expires, and its streaming query stops with it."""
    limits = Limits(session_idle_seconds=IDLE_SECONDS)
    with _running_query(served_spark, limits) as (server, session, query_id, active):
        assert active.containsKey(query_id)
        idle = server.sessions.get(session.sessionId)
        idle.last_used -= IDLE_SECONDS  # as if it had been idle that long
        # Guards a server that never expires sessions; it looks every IDLE_SECONDS / 4.
        deadline = time.monotonic() + 120
        while active.containsKey(query_id) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(server.sessions) == 0
        assert not active.containsKey(query_id)


def test_with_keep_streams_a_closed_sessions_query_keeps_running(served_spark: Any) -> None:
    """``--keep-streams``: closing the session leaves its streaming query running."""
    limits = Limits(session_idle_seconds=None, keep_streams=True)
    with _running_query(served_spark, limits) as (server, session, query_id, active):
        session.stop()  # the session's close stops its queries before it answers
        assert len(server.sessions) == 0
        assert active.containsKey(query_id)
        active.get(query_id).stop()
        assert not active.containsKey(query_id)
