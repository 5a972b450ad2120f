"""A call's lifetime bounds what runs for it: a result stream the call drops unstarted
ends its operation, and a call's context is never asked anything once the call ended."""

from __future__ import annotations

from sparkflight.flight_server.results import start_result
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.flight_server.sessions import CallLifetime
from tests.flight_server.plan_builder import server  # noqa: F401 - fixture


class _Context:
    """Stands for a ``ServerCallContext``: counts the questions it is asked."""

    def __init__(self, cancelled: bool) -> None:
        self.asked = 0
        self._cancelled = cancelled

    def is_cancelled(self) -> bool:
        self.asked += 1
        return self._cancelled


def test_the_context_answers_only_while_the_call_runs() -> None:
    context = _Context(cancelled=False)
    lifetime = CallLifetime().watch(context)  # type: ignore[arg-type]
    assert not lifetime.cancelled()
    assert context.asked == 1
    lifetime.end()
    assert lifetime.cancelled()  # an operation outliving its call was abandoned
    assert context.asked == 1


def test_work_registered_after_the_end_runs_at_once() -> None:
    lifetime = CallLifetime()
    done: list[str] = []
    lifetime.at_end(lambda: done.append("first"))
    assert done == []
    lifetime.end()
    assert done == ["first"]
    lifetime.at_end(lambda: done.append("late"))
    assert done == ["first", "late"]


def test_a_stream_dropped_unstarted_ends_its_operation(server: SparkFlightServer) -> None:  # noqa: F811
    session = server.sessions.default
    lifetime = CallLifetime()
    started = start_result(session, lambda: session.spark.range(10), cancelled=lifetime.cancelled)
    stream = started.flight_stream(call=lifetime)
    assert len(session.operations) == 1
    del stream
    assert len(session.operations) == 1  # nothing of the stream ran
    lifetime.end()
    assert session.operations == {}
