"""StreamingQueryListener through the server: the events of a session's own queries
reach its listeners in this process, as in-process PySpark delivers them."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql.streaming import StreamingQueryListener as ClassicListener

from sparkflight.client.errors import PySparkTypeError, SparkFlightException
from sparkflight.client.streaming import StreamingQueryListener
from sparkflight.client.streaming.listener import (
    QueryProgressEvent,
    QueryStartedEvent,
    QueryTerminatedEvent,
)
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import STREAM_EVENTS

# A guard against a listener that never hears of the end, not a performance expectation.
EVENT_TIMEOUT_S = 120


class Recorder:
    """Records (event type, query id, query name, rows) of every event; ``ended`` is set
    once ``until`` queries terminated."""

    def __init__(self, until: int = 1) -> None:
        self.events: list[tuple[str, str, str | None, int | None]] = []
        self.ended = threading.Semaphore(0)
        self.until = until

    def onQueryStarted(self, event: Any) -> None:
        self.events.append(("started", str(event.id), event.name, None))

    def onQueryProgress(self, event: Any) -> None:
        progress = event.progress
        self.events.append(("progress", str(progress.id), progress.name, progress.numInputRows))

    def onQueryIdle(self, event: Any) -> None:
        self.events.append(("idle", str(event.id), None, None))

    def onQueryTerminated(self, event: Any) -> None:
        self.events.append(("terminated", str(event.id), event.exception, None))
        self.ended.release()

    def wait(self, queries: int = 1) -> None:
        for _ in range(queries):
            assert self.ended.acquire(timeout=EVENT_TIMEOUT_S), f"no end among {self.events}"


class Listener(Recorder, StreamingQueryListener):
    pass


class Classic(Recorder, ClassicListener):
    pass


def _source(directory: Path) -> Path:
    directory.mkdir()
    for name, ids in {"1.json": range(3), "2.json": range(3, 5)}.items():
        (directory / name).write_text("".join(json.dumps({"id": i}) + "\n" for i in ids))
    return directory


def _run(session: Any, source: Path, name: str) -> Any:
    """A file source read in one batch (availableNow) into a memory sink; the query."""
    stream = session.readStream.schema("id INT").json(str(source))
    writer = stream.writeStream.format("memory").queryName(name)
    query = writer.trigger(availableNow=True).start()
    query.awaitTermination()
    return query


def _relative(events: list[tuple], query: Any) -> list[tuple]:
    """The events with the query's own id and name replaced by markers."""
    marks = {str(query.id): "QUERY", query.name: "NAME"}
    return [tuple(marks.get(part, part) for part in event) for event in events]


@pytest.fixture
def listeners(spark: Any) -> Iterator[list[Any]]:
    """Listeners a test added to ``spark``, removed at its end."""
    added: list[Any] = []
    yield added
    for listener in added:
        spark.streams.removeListener(listener)


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def test_listener_hears_what_pysparks_hears(
    spark: Any, classic: Any, listeners: list, tmp_path: Path
) -> None:
    source = _source(tmp_path / "in")
    ours, theirs = Listener(), Classic()
    spark.streams.addListener(ours)
    listeners.append(ours)
    classic.streams.addListener(theirs)
    try:
        query = _run(spark, source, _name("heard"))
        theirs_query = _run(classic, source, _name("heard"))
        ours.wait()
        theirs.wait()
    finally:
        classic.streams.removeListener(theirs)
    assert ours.events[0][0] == "started" and ours.events[-1][0] == "terminated"
    assert _relative(ours.events, query) == _relative(theirs.events, theirs_query)
    assert sum(rows or 0 for kind, _, _, rows in ours.events if kind == "progress") == 5
    assert ours.spark is spark


def test_event_objects_carry_pysparks_fields(spark: Any, listeners: list, tmp_path: Path) -> None:
    seen: list[Any] = []
    done = threading.Event()

    class Keeper(StreamingQueryListener):
        def onQueryStarted(self, event: QueryStartedEvent) -> None:
            seen.append(event)

        def onQueryProgress(self, event: QueryProgressEvent) -> None:
            seen.append(event)

        def onQueryTerminated(self, event: QueryTerminatedEvent) -> None:
            seen.append(event)
            done.set()

    keeper = Keeper()
    spark.streams.addListener(keeper)
    listeners.append(keeper)
    query = _run(spark, _source(tmp_path / "in"), _name("fields"))
    assert done.wait(EVENT_TIMEOUT_S)
    started, progress, ended = seen[0], seen[1], seen[-1]
    ids = (str(started.id), str(started.runId), started.name)
    assert ids == (query.id, query.runId, query.name)
    assert started.timestamp and isinstance(started.id, uuid.UUID)
    assert progress.progress.runId == query.runId and progress.progress.batchId == 0
    assert progress.progress.sink["description"].startswith("MemorySink")
    assert (str(ended.runId), ended.exception, ended.errorClassOnException) == (
        query.runId,
        None,
        None,
    )


def test_another_sessions_listener_hears_only_its_own_queries(spark: Any, tmp_path: Path) -> None:
    other = spark.newSession()
    try:
        theirs = Listener()
        other.streams.addListener(theirs)
        mine = _run(spark, _source(tmp_path / "a"), _name("mine"))
        own = _run(other, _source(tmp_path / "b"), _name("own"))
        theirs.wait()
        assert {event[1] for event in theirs.events} == {own.id}
        assert mine.id != own.id
    finally:
        other.stop()


def test_removed_listener_hears_nothing_more(spark: Any, listeners: list, tmp_path: Path) -> None:
    source = _source(tmp_path / "in")
    first, second = Listener(), Listener()
    for listener in (first, second):
        spark.streams.addListener(listener)
        listeners.append(listener)
    before = _run(spark, source, _name("before"))
    first.wait()
    second.wait()
    spark.streams.removeListener(first)
    listeners.remove(first)
    after = _run(spark, source, _name("after"))
    second.wait()
    assert {event[1] for event in first.events} == {before.id}
    assert {event[1] for event in second.events} == {before.id, after.id}
    spark.streams.removeListener(second)
    listeners.remove(second)
    # The last listener gone, the server collects no more events for the session.
    poll = sf.StreamEventsRequest(operation=sf.StreamEventsRequest.OPERATION_POLL)
    with pytest.raises(SparkFlightException, match="no streaming query listener"):
        spark._connection.action(STREAM_EVENTS, poll)


def test_a_listener_that_raises_still_hears_later_events(
    spark: Any, listeners: list, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Faulty(Listener):
        def onQueryStarted(self, event: Any) -> None:
            super().onQueryStarted(event)
            raise RuntimeError("listener bug")

    faulty = Faulty()
    spark.streams.addListener(faulty)
    listeners.append(faulty)
    source = _source(tmp_path / "in")
    queries = [_run(spark, source, _name("faulty")) for _ in range(2)]
    faulty.wait(2)
    started = [event[1] for event in faulty.events if event[0] == "started"]
    ended = [event[1] for event in faulty.events if event[0] == "terminated"]
    assert started == ended == [q.id for q in queries]
    assert "listener bug" in caplog.text


def test_add_listener_takes_only_listeners(spark: Any) -> None:
    with pytest.raises(PySparkTypeError) as raised:
        spark.streams.addListener(object())
    assert raised.value.getCondition() == "NOT_STREAMING_QUERY_LISTENER"


def test_poll_before_subscribe_is_refused(spark: Any) -> None:
    other = spark.newSession()
    try:
        poll = sf.StreamEventsRequest(operation=sf.StreamEventsRequest.OPERATION_POLL)
        with pytest.raises(SparkFlightException, match="POLL before SUBSCRIBE"):
            other._connection.action(STREAM_EVENTS, poll)
    finally:
        other.stop()


def test_closing_a_session_with_listeners_ends_its_thread(spark: Any, tmp_path: Path) -> None:
    other = spark.newSession()
    listener = Listener()
    other.streams.addListener(listener)
    thread = other._listener_bus._thread
    assert thread is not None and thread.is_alive()
    other.stop()
    assert not thread.is_alive()
