"""Resumable results: a DoGet's result held so that a dropped call can be resumed.

A client asks for it with the ``x-sparkflight-resumable: 1`` header. The result's id is
the DoGet's operation id; each batch leaves with a ``ResultBatch`` (the id and the
batch's index) as its ``app_metadata``. The result keeps the last batches it sent, up to
the server's ``replay_window_bytes``, and is pulled from Spark only as a call reads it,
so while no call reads it the Spark job keeps its place in the partition stream.

When its call ends (or its client goes away while Spark computes), the result waits
``resume_seconds`` for a DoGet whose ticket is a resume ticket (plans/tickets.py); that call
gets the batches from the one it names on: replayed from the window, then live. Once the
wait is over, once the session closes, or at the ``result.release`` action, the result's
operation is interrupted if it still runs and everything it holds is freed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

import pyarrow as pa
import pyarrow.flight as fl
from google.protobuf import any_pb2
from google.protobuf.message import DecodeError
from pyspark.sql import DataFrame

from sparkflight.flight_server import workers
from sparkflight.flight_server.errors import (
    OPERATION_ALREADY_EXISTS,
    OPERATION_INTERRUPTED,
    RESULT_NOT_FOUND,
    RESULT_NOT_RESUMABLE,
    SparkFlightError,
    guarded,
)
from sparkflight.flight_server.operations import interrupt
from sparkflight.flight_server.results import StartedResult, start_result
from sparkflight.flight_server.sessions import CallHeaders, CallLifetime, Session, SessionManager
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.tickets import LEGACY_RESUME_TYPE_URL

#: Longest wait between two looks at the held results.
SWEEP_INTERVAL_S = 0.2

_log = logging.getLogger(__name__)
_END = object()

Sent = Callable[[pa.RecordBatch], None]


def legacy_resume_ticket(ticket: bytes) -> sf.ResumeTicket | None:
    """The ``ResumeTicket`` of an untagged ticket of a client of protocol 4 to 10 (an
    ``Any``), or None when the ticket holds something else."""
    wrapper = any_pb2.Any()
    try:
        wrapper.ParseFromString(ticket)
    except DecodeError:
        return None
    if wrapper.type_url != LEGACY_RESUME_TYPE_URL:
        return None
    resume = sf.ResumeTicket()
    resume.ParseFromString(wrapper.value)
    return resume


def _not_found(result_id: str) -> SparkFlightError:
    return SparkFlightError(
        RESULT_NOT_FOUND,
        f"no resumable result {result_id!r} in this session (released, expired after the "
        "server's resume timeout, never resumable or another user's)",
        result_id=result_id,
    )


class HeldResult:
    """A running or finished result of a session, held for resumption.

    Two locks: ``_lock`` guards the window and the attachment and is never held while
    Spark computes; ``_pull`` lets one call at a time pull the next batch from Spark.
    """

    def __init__(
        self,
        started: StartedResult,
        user: str,
        window_limit: int,
        origin: sf.PlanId | None = None,
    ) -> None:
        self.id = started.running.id
        self.user = user
        self._origin = origin
        self._started = started
        self._window_limit = window_limit
        self._lock = threading.Lock()
        self._pull = threading.Lock()
        #: Batches ``_first`` .. ``_next - 1`` that the window still holds.
        self._window: deque[pa.RecordBatch] = deque()
        self.window_bytes = 0
        self._first = 0
        self._next = 0
        self._ended = False
        self._failure: BaseException | None = None
        self._dropped = False
        #: The call reading the result, and its number; the last attach wins.
        self._call: CallLifetime | None = None
        self._generation = 0
        self._detached_at = time.monotonic()

    @property
    def session(self) -> Session:
        return self._started.session

    @property
    def attached(self) -> bool:
        """Whether a call reads the result."""
        with self._lock:
            return self._call is not None

    def stream(
        self, call: CallLifetime | None, first: int, sent: Sent | None = None
    ) -> fl.GeneratorStream:
        """A Flight stream of the batches from ``first`` on, read by ``call``."""
        generation = self.attach(call, first)
        errors = call.errors if call is not None else None
        batches = guarded(self._serve(first, generation, sent), self._origin, errors)
        return workers.stream(self._started.schema, batches)

    def attach(self, call: CallLifetime | None, first: int) -> int:
        """Have ``call`` read the result from batch ``first``; its generation number."""
        with self._lock:
            if self._dropped:
                raise _not_found(self.id)
            if first > self._next or first < 0:
                raise SparkFlightError(
                    RESULT_NOT_RESUMABLE,
                    f"result {self.id!r} cannot resume at batch {first}: it has sent "
                    f"{self._next} batches so far",
                    result_id=self.id,
                    batch=str(first),
                )
            if first < self._first:
                kept = "no batch"
                if self._first < self._next:
                    kept = f"batches {self._first} to {self._next - 1}"
                raise SparkFlightError(
                    RESULT_NOT_RESUMABLE,
                    f"result {self.id!r} cannot resume at batch {first}: its replay window "
                    f"keeps {kept} (the server's replay_window_bytes={self._window_limit})",
                    result_id=self.id,
                    batch=str(first),
                )
            self._generation += 1
            generation = self._generation
            self._call = call
        if call is not None:
            call.at_end(lambda: self._detach(generation))
        return generation

    def _detach(self, generation: int) -> None:
        with self._lock:
            if generation == self._generation and self._call is not None:
                self._call = None
                self._detached_at = time.monotonic()

    def _serve(
        self, first: int, generation: int, sent: Sent | None = None
    ) -> Iterator[tuple[pa.RecordBatch, pa.Buffer]]:
        """The batches from ``first`` on, each with its ``ResultBatch`` metadata."""
        index = first
        while True:
            batch = self._batch(index, generation)
            if batch is _END:
                return
            if sent is not None:
                sent(batch)
            position = sf.ResultBatch(result_id=self.id, index=index)
            yield batch, pa.py_buffer(position.SerializeToString())
            index += 1

    def _batch(self, index: int, generation: int) -> pa.RecordBatch | object:
        """Batch ``index``: from the window, else the next one from Spark; ``_END`` at the end."""
        while True:
            with self._lock:
                if self._ended and self._failure is None and index == self._next:
                    return _END  # also when released meanwhile: the call read everything
                if generation != self._generation:
                    raise SparkFlightError(
                        RESULT_NOT_RESUMABLE,
                        f"result {self.id!r} was resumed by another call or released",
                        result_id=self.id,
                    )
                if index < self._next:
                    if index < self._first:
                        raise SparkFlightError(
                            RESULT_NOT_RESUMABLE,
                            f"batch {index} of result {self.id!r} left the replay window",
                            result_id=self.id,
                        )
                    return self._window[index - self._first]
                if self._failure is not None:
                    raise self._failure
            with self._pull:
                with self._lock:
                    if index < self._next or self._ended or self._dropped:
                        continue
                try:
                    batch = next(self._started.batches)
                except StopIteration:
                    with self._lock:
                        self._ended = True
                    continue
                except BaseException as exc:
                    with self._lock:
                        self._ended, self._failure = True, exc
                    raise
                with self._lock:
                    self._next += 1
                    if not self._dropped:
                        self._keep(batch)
                return batch

    def _keep(self, batch: pa.RecordBatch) -> None:
        self._window.append(batch)
        self.window_bytes += batch.nbytes
        while self._window and self.window_bytes > self._window_limit:
            self.window_bytes -= self._window.popleft().nbytes
            self._first += 1

    def expired(self, now: float, timeout: float) -> str | None:
        """Why the result is to be dropped now (no call came back within ``timeout``, or
        its operation was interrupted while no call read it), else None. A call whose
        client went away while Spark computes counts as ended."""
        with self._lock:
            call, generation = self._call, self._generation
        if call is not None and call.cancelled():
            self._detach(generation)
        with self._lock:
            if self._call is not None:
                return None
            if now - self._detached_at > timeout:
                return f"was not resumed within the server's resume timeout of {timeout:g} s"
        if self._started.running.interrupted.is_set():
            return self._started.running.reason
        return None

    def drop(self, reason: str, error_class: str = OPERATION_INTERRUPTED) -> bool:
        """Free the result: forget it, interrupt its operation if it still runs (for
        ``reason``, failing with ``error_class``) and free its window; False when it was
        dropped already."""
        with self._lock:
            if self._dropped:
                return False
            self._dropped = True
            self._generation += 1
            self._call = None
            self._window.clear()
            self.window_bytes = 0
        session = self.session
        with session.lock:
            if session.results.get(self.id) is self:
                del session.results[self.id]
        interrupt(session, [self.id], reason, error_class)
        if self._pull.acquire(blocking=False):
            try:
                self._end()
            finally:
                self._pull.release()
        else:  # a call pulls from Spark: end once the interrupted pull returns
            ending = threading.Thread(target=self._end_after_pull, name="sparkflight-drop")
            ending.daemon = True
            ending.start()
        return True

    def _end_after_pull(self) -> None:
        with self._pull:
            self._end()

    def _end(self) -> None:
        """End the operation (with ``_pull`` held): a paused result stops where it is."""
        self._started.batches.close()
        self._started.finish(None, None, None)


def held_stream(
    session: Session,
    build: Callable[[], DataFrame],
    headers: CallHeaders,
    user: str,
    window_limit: int,
    sent: Sent | None = None,
    origin: sf.PlanId | None = None,
    call: CallLifetime | None = None,
) -> fl.GeneratorStream:
    """A Flight stream of a resumable result (see :meth:`.results.StartedResult.flight_stream`):
    the result is held past ``call``'s end, until released or expired."""
    if headers.operation_id is not None:
        with session.lock:
            held = headers.operation_id in session.results
        if held:
            raise SparkFlightError(
                OPERATION_ALREADY_EXISTS,
                f"the result of operation {headers.operation_id} is still held in this session",
                operation_id=headers.operation_id,
            )
    result = HeldResult(start_result(session, build, headers), user, window_limit, origin)
    with session.lock:
        session.results[result.id] = result
    return result.stream(call, 0, sent)


def _held(session: Session, result_id: str, user: str) -> HeldResult | None:
    with session.lock:
        result = session.results.get(result_id)
    return result if result is not None and result.user == user else None


def resume_stream(
    session: Session,
    ticket: sf.ResumeTicket,
    user: str,
    sent: Sent | None = None,
    call: CallLifetime | None = None,
) -> fl.GeneratorStream:
    """A Flight stream of a held result of ``user`` from batch ``ticket.next_batch`` on."""
    result = _held(session, ticket.result_id, user)
    if result is None:
        raise _not_found(ticket.result_id)
    first = ticket.next_batch
    stream = result.stream(call, first, sent)
    session.touch()
    _log.info("result %s of session %r resumed at batch %d", result.id, session.id, first)
    return stream


def release_result(session: Session, result_id: str, user: str) -> bool:
    """Free a held result of ``user`` at once; False when there is none of that id."""
    result = _held(session, result_id, user)
    return result is not None and result.drop("was released by its client")


def sweep(sessions: SessionManager, timeout: float, now: float | None = None) -> None:
    """Drop the held results that waited ``timeout`` seconds for a resume in vain, or
    whose operation was interrupted while no call read them."""
    now = time.monotonic() if now is None else now
    for session in sessions.every():
        with session.lock:
            held = list(session.results.values())
        for result in held:
            reason = result.expired(now, timeout)
            if reason is not None and result.drop(reason):
                _log.info("result %s of session %r %s: freed", result.id, session.id, reason)


def held_results(sessions: SessionManager) -> list[HeldResult]:
    """Every result the server holds."""
    held: list[HeldResult] = []
    for session in sessions.every():
        with session.lock:
            held += session.results.values()
    return held
