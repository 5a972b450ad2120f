"""The long-lived threads that run the server's Python code for Flight's calls."""

from __future__ import annotations

import threading
import time

import pytest

from sparkflight.flight_server import workers


def _thread() -> int:
    return threading.get_ident()


def test_calls_run_on_a_worker_that_stays_for_the_next_call() -> None:
    first = workers.call(_thread)
    second = workers.call(_thread)
    assert first != threading.get_ident()
    assert second == first


def test_a_failure_is_raised_to_the_caller_as_it_was() -> None:
    def fail() -> None:
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        workers.call(fail)
    assert workers.call(lambda: 42) == 42


def test_calls_at_once_get_threads_of_their_own() -> None:
    """A call blocked on another call's work does not starve it (the pool grows)."""
    released = threading.Event()
    outcome: list[bool] = []

    def waiter() -> None:
        outcome.append(workers.call(released.wait, 10.0))

    thread = threading.Thread(target=waiter)
    thread.start()
    time.sleep(0.1)
    workers.call(released.set)
    thread.join(10.0)
    assert outcome == [True]


def test_a_call_from_a_worker_runs_in_place() -> None:
    assert workers.call(lambda: workers.call(_thread) == _thread())


def test_iterate_pulls_each_item_on_a_worker_and_closes_the_source() -> None:
    pulled_on: list[int] = []
    closed = threading.Event()

    def source():
        try:
            for item in range(5):
                pulled_on.append(_thread())
                yield item
        finally:
            closed.set()

    items = workers.iterate(source())
    assert [next(items), next(items)] == [0, 1]
    assert threading.get_ident() not in pulled_on
    items.close()
    assert closed.is_set()
    assert list(workers.iterate(iter([1, 2, 3]))) == [1, 2, 3]


def test_an_idle_worker_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "IDLE_SECONDS", 0.05)
    monkeypatch.setattr(workers, "_idle", [])  # so the call starts a worker of its own
    worker = workers.call(threading.current_thread)
    worker.join(10.0)
    assert not worker.is_alive()
    assert workers._idle == []


def test_ahead_pulls_in_order_on_a_worker_at_most_so_far_ahead() -> None:
    pulled: list[int] = []
    pulled_on: set[int] = set()

    def source():
        for item in range(10):
            pulled.append(item)
            pulled_on.add(_thread())
            yield item

    items = workers.ahead(source(), 2)
    assert next(items) == 0
    time.sleep(0.3)  # time enough to pull all ten, were it not bounded
    assert len(pulled) <= 1 + 2 + 1  # the one read, two waiting, one pulled and held
    assert list(items) == list(range(1, 10))
    assert threading.get_ident() not in pulled_on


def test_ahead_raises_an_error_in_turn_after_the_items_before_it() -> None:
    def source():
        yield 1
        yield 2
        raise KeyError("part 3")

    items = workers.ahead(source(), 4)
    assert [next(items), next(items)] == [1, 2]
    with pytest.raises(KeyError, match="part 3"):
        next(items)


def test_ahead_stops_pulling_and_closes_the_source_when_the_reader_stops() -> None:
    closed = threading.Event()
    pulled: list[int] = []

    def source():
        try:
            for item in range(1000):
                pulled.append(item)
                yield item
        finally:
            closed.set()

    items = workers.ahead(source(), 1)
    assert next(items) == 0
    items.close()
    assert closed.wait(5.0)
    assert len(pulled) <= 3
