"""Operations: the running queries and commands of a session, their Spark job tags,
limits, interruption and cancellation.

Each operation's Spark jobs carry a job tag naming its session and id
(:func:`operation_tag`); interrupting an operation cancels the jobs of that tag until the
operation ends.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator

from py4j.protocol import Py4JError
from pyspark import SparkContext

from sparkflight.flight_server import artifacts, health, jvm
from sparkflight.flight_server.errors import (
    OPERATION_ALREADY_EXISTS,
    OPERATION_INTERRUPTED,
    OPERATION_TIMED_OUT,
    SparkFlightError,
)
from sparkflight.flight_server.limits import check_at_most
from sparkflight.flight_server.sessions import CallHeaders, Operation, Session

#: How often the jobs of an interrupted operation are cancelled again until it ends.
_CANCEL_INTERVAL_S = 0.2
#: How often a running operation asks whether its call was cancelled.
_POLL_INTERVAL_S = 0.2

#: Whether the call an operation serves was cancelled (``ServerCallContext.is_cancelled``).
Cancelled = Callable[[], bool]


def operation_tag(session: Session, operation_id: str) -> str:
    """The Spark job tag of the jobs of one operation of ``session``: it names the
    session, so that another session's operation of the same id has other jobs."""
    return f"sparkflight-operation-{session.key}-{operation_id}"


@contextlib.contextmanager
def job_context(session: Session, operation_id: str) -> Iterator[None]:
    """Run the block with what the Spark jobs of an operation carry, on this thread (and
    threads it starts): the session as the active one (what Spark looks up in the active
    session, Python data sources among it, is the session's), the operation's job tag,
    the Spark confs the client set in the session (as Spark's own actions give their
    tasks the session's conf), and the session's artifacts (:func:`artifacts.scope`)."""
    sc = session.spark.sparkContext
    tag = operation_tag(session, operation_id)
    with session.lock:
        confs = [(k, v) for k, v in session.conf_set.items() if k.startswith("spark.")]
    before = [(key, sc.getLocalProperty(key)) for key, _ in confs]
    for key, value in confs:
        sc.setLocalProperty(key, value)
    sc.addJobTag(tag)
    try:
        with jvm.active(session.spark), artifacts.scope(session):
            yield
    finally:
        sc.removeJobTag(tag)
        for key, value in before:
            sc.setLocalProperty(key, value)


@contextlib.contextmanager
def operation(
    session: Session, headers: CallHeaders | None = None, cancelled: Cancelled | None = None
) -> Iterator[Operation]:
    """A running operation of ``session``, with the id and tags its call's headers name.

    It is interrupted once it runs longer than the session's ``query_seconds`` limit, and
    with ``cancelled``, as soon as that answers true (its client went away).
    """
    headers = headers or CallHeaders()
    running = Operation(headers.operation_id or uuid.uuid4().hex, headers.tags)
    with session.lock:
        if running.id in session.operations:
            raise SparkFlightError(
                OPERATION_ALREADY_EXISTS,
                f"operation {running.id} is already running in this session",
                operation_id=running.id,
            )
        check_at_most(
            "queries_per_session",
            session.limits.queries_per_session,
            len(session.operations) + 1,
            "running another query in this session",
        )
        session.operations[running.id] = running
    timeout = session.limits.query_seconds
    timer = None
    if timeout is not None:
        reason = f"ran longer than the server's limit query_seconds={timeout:g}"
        timer = threading.Timer(
            timeout, interrupt, (session, [running.id], reason, OPERATION_TIMED_OUT)
        )
        timer.daemon = True
        timer.start()
    progress = session.progress.start(running.id, operation_tag(session, running.id))
    done = threading.Event()
    if cancelled is not None:
        threading.Thread(
            target=_watch,
            args=(session, running.id, cancelled, done),
            name="sparkflight-cancel-watch",
            daemon=True,
        ).start()
    try:
        yield running
    except Exception:
        check_running(running)  # Spark's job-cancelled error, told as the interruption
        raise
    finally:
        done.set()
        if timer is not None:
            timer.cancel()
        session.progress.finish(progress)
        with session.lock:
            session.operations.pop(running.id, None)
        session.touch()


def _watch(
    session: Session,
    operation_id: str,
    cancelled: Cancelled,
    done: threading.Event,
) -> None:
    while not done.wait(_POLL_INTERVAL_S):
        if cancelled():
            interrupt(session, [operation_id], "was cancelled by its client")
            return


def tagged(session: Session, tag: str) -> list[str]:
    """The ids of the running operations of ``session`` that carry ``tag``."""
    with session.lock:
        return [o.id for o in session.operations.values() if tag in o.tags]


def interrupt(
    session: Session,
    operation_ids: list[str],
    reason: str = "was interrupted",
    error_class: str = OPERATION_INTERRUPTED,
) -> list[str]:
    """Interrupt running operations of ``session``; the ids of those that were running.
    They fail with ``error_class``, saying they ``reason``.

    Cancelling a job tag only reaches jobs already submitted, so the jobs of an
    interrupted operation are cancelled again until the operation ends.
    """
    with session.lock:
        running = {i: session.operations[i] for i in operation_ids if i in session.operations}
    sc = session.spark.sparkContext
    for operation_id, target in running.items():
        target.reason, target.error_class = reason, error_class
        target.interrupted.set()
        _cancel_jobs(sc, operation_tag(session, operation_id))

    def keep_cancelling() -> None:
        while True:
            with session.lock:
                pending = [i for i in running if i in session.operations]
            if not pending:
                return
            for operation_id in pending:
                _cancel_jobs(sc, operation_tag(session, operation_id))
            time.sleep(_CANCEL_INTERVAL_S)

    if running:
        threading.Thread(target=keep_cancelling, name="sparkflight-interrupt", daemon=True).start()
    return sorted(running)


def _cancel_jobs(sc: SparkContext, tag: str) -> None:
    """Cancel the Spark jobs of an operation (by its tag); once Spark has stopped there
    are none."""
    try:
        sc.cancelJobsWithTag(tag)
    except (Py4JError, OSError):
        if health.spark_stopped() is None:
            raise


def check_running(running: Operation) -> None:
    """Raise ``OPERATION_INTERRUPTED`` (or the error class its interruption gave) once
    ``running`` is interrupted."""
    if running.interrupted.is_set():
        raise SparkFlightError(
            running.error_class,
            f"operation {running.id} {running.reason}",
            operation_id=running.id,
        )
