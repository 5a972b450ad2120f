"""Interrupting operations from the client: all, by tag, by id; tags per thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pyarrow.flight as fl
import pytest

from sparkflight.client.errors import PySparkValueError, SparkFlightException
from sparkflight.plans import headers as wire
from tests.flight_server.plan_builder import Plans, connect, read_chunks, sql

SLOW = "select max(id * 2) as m from range(0, 100000000000, 1, 2)"


@pytest.fixture
def session(spark) -> Iterator[object]:
    own = spark.newSession()
    yield own
    own.stop()


class Running:
    """A call running in a thread; what it returned or raised."""

    def __init__(self, call: Callable[[], object]) -> None:
        self.result: object = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = call()
            except Exception as exc:  # noqa: BLE001 - kept for the test to inspect
                self.error = exc

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def join(self) -> None:
        self.thread.join()


def _interrupt_until(running: Running, interrupt: Callable[[], list[str]]) -> list[str]:
    """Call ``interrupt`` until it reaches the operation (it may not have started yet)."""
    interrupted: list[str] = []
    while running.thread.is_alive() and not interrupted:
        interrupted = interrupt()
        running.thread.join(0.2)
    running.join()
    return interrupted


def test_tags_are_per_thread(session):
    session.addTag("a")
    session.addTag("b")
    session.removeTag("b")
    seen: list[set[str]] = []
    thread = threading.Thread(target=lambda: seen.append(session.getTags()))
    thread.start()
    thread.join()
    assert session.getTags() == {"a"}
    assert seen == [set()]
    session.clearTags()
    assert session.getTags() == set()


@pytest.mark.parametrize("tag", ["", "a,b", None])
def test_invalid_tags_are_refused(session, tag):
    with pytest.raises(PySparkValueError):
        session.addTag(tag)


def test_interrupt_tag_interrupts_only_operations_with_that_tag(session):
    def tagged(tag: str, query: str) -> Callable[[], object]:
        def call() -> object:
            session.addTag(tag)
            return session.sql(query).collect()

        return call

    slow = Running(tagged("slow", SLOW))
    interrupted = _interrupt_until(slow, lambda: session.interruptTag("slow"))
    assert len(interrupted) == 1
    assert isinstance(slow.error, SparkFlightException)
    assert "interrupted" in str(slow.error) or "cancelled" in str(slow.error).lower()
    other = Running(tagged("other", "select 7 as seven"))
    assert session.interruptTag("slow") == []
    other.join()
    assert other.error is None and [r.seven for r in other.result] == [7]


def test_interrupt_operation_by_its_id(session, server_url):
    client = connect(server_url)
    headers = [
        (wire.SESSION.encode(), session.sessionId.encode()),
        (wire.OPERATION_ID.encode(), b"op-by-id"),
        (wire.TAG.encode(), b"raw"),
    ]
    ticket = fl.Ticket(Plans().plan(sql(SLOW)))
    options = fl.FlightCallOptions(headers=headers)
    slow = Running(lambda: read_chunks(client.do_get(ticket, options)))
    assert session.interruptOperation("another") == []
    assert _interrupt_until(slow, lambda: session.interruptOperation("op-by-id")) == ["op-by-id"]
    assert isinstance(slow.error, fl.FlightCancelledError)
    client.close()
    assert session.range(3).count() == 3


def test_interrupt_all_leaves_other_sessions_alone(session, spark):
    slow = Running(lambda: session.sql(SLOW).collect())
    assert len(_interrupt_until(slow, session.interruptAll)) == 1
    assert slow.error is not None
    assert spark.range(5).count() == 5
