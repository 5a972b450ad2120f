"""The server's waits for streaming queries: short slices, a cap per call, and an early end
when the client cancels the call."""

from __future__ import annotations

from flight_server.sessions import CallLifetime
from flight_server.streams import MAX_WAIT_MS, WAIT_SLICE_MS, wait_in_slices


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
