"""Errors as Flight errors carrying :class:`sparkflight.v1.ErrorDetails`.

Every failure leaves the server as a ``FlightServerError`` whose ``extra_info`` is a
serialized ``ErrorDetails``: PySpark's exception class, Spark's error class, SQLSTATE,
message and message parameters. Errors of sparkflight's own are :class:`SparkFlightError`.

An error is attributed to the plan node (``PlanId``, with the user's call site) whose
translation raised it (:func:`attributed`): PySpark analyses each DataFrame operation as
it is applied, so analysis errors name the operation that failed. Errors while a result
runs are attributed to the plan's root, the DataFrame the action ran on: Spark does not
say which operator failed. Stack traces stay on the server, kept for the last
:data:`STACK_TRACES_KEPT` errors, and are fetched by error id (``error.stacktrace``).

Once Spark has stopped under the server (flight_server/health.py), every failure is
``SPARK_STOPPED``, sent as ``UNAVAILABLE``: whatever a call was doing, it failed because
Spark is gone.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import traceback
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pyarrow.flight as fl
from google.protobuf.message import DecodeError
from py4j.protocol import Py4JError, Py4JJavaError
from pyspark.errors import PySparkException
from pyspark.errors.exceptions.captured import (
    CapturedException,
    UnknownException,
    convert_exception,
)

from sparkflight.flight_server import health
from sparkflight.plans import sparkflight_pb2 as sf

_log = logging.getLogger(__name__)

#: ``exception_class`` of sparkflight's own errors.
SPARKFLIGHT_EXCEPTION = "SparkFlightException"

INVALID_PLAN = "INVALID_PLAN"
UNSUPPORTED_RELATION = "UNSUPPORTED_RELATION"
UNKNOWN_FUNCTION = "UNKNOWN_FUNCTION"
SESSION_NOT_FOUND = "SESSION_NOT_FOUND"
INVALID_ACTION_BODY = "INVALID_ACTION_BODY"
UNKNOWN_ACTION = "UNKNOWN_ACTION"
PLAN_ID_NOT_FOUND = "PLAN_ID_NOT_FOUND"
OPERATION_INTERRUPTED = "OPERATION_INTERRUPTED"
OPERATION_ALREADY_EXISTS = "OPERATION_ALREADY_EXISTS"
LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
PROTOCOL_VERSION_MISMATCH = "PROTOCOL_VERSION_MISMATCH"
INTERNAL_ERROR = "INTERNAL_ERROR"
ERROR_NOT_FOUND = "ERROR_NOT_FOUND"
RESULT_NOT_FOUND = "RESULT_NOT_FOUND"
RESULT_NOT_RESUMABLE = "RESULT_NOT_RESUMABLE"
PYTHON_DISABLED = "PYTHON_DISABLED"
PYTHON_VERSION_MISMATCH = "PYTHON_VERSION_MISMATCH"
INVALID_ARTIFACT = "INVALID_ARTIFACT"
SPARK_STOPPED = "SPARK_STOPPED"

#: Errors whose server-side stack trace is kept for ``error.stacktrace``.
STACK_TRACES_KEPT = 64
_ORIGIN = "sparkflight_origin"


class SparkFlightError(Exception):
    """A failure of sparkflight itself, with one of the error classes above."""

    def __init__(self, error_class: str, message: str, **parameters: str) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message
        self.parameters = {k: str(v) for k, v in parameters.items()}

    def __str__(self) -> str:
        return f"[{self.error_class}] {self.message}"


def _captured_details(exc: CapturedException) -> sf.ErrorDetails:
    return sf.ErrorDetails(
        exception_class=type(exc).__name__,
        error_class=exc.getCondition() or "",
        sql_state=exc.getSqlState() or "",
        message=str(exc),
        message_parameters=exc.getMessageParameters() or {},
    )


def _java_details(java_exception: Any) -> sf.ErrorDetails:
    """Details of the first exception in the cause chain that PySpark knows by class."""
    cause, root = java_exception, java_exception
    while cause is not None:
        converted = convert_exception(cause)
        if not isinstance(converted, UnknownException):
            return _captured_details(converted)
        root, cause = cause, cause.getCause()
    return _throwable_details(java_exception) or sf.ErrorDetails(
        exception_class="SparkException", message=root.toString()
    )


def _throwable_details(java_exception: Any) -> sf.ErrorDetails | None:
    """Details of the first ``SparkThrowable`` with an error condition in the cause chain,
    for those PySpark does not convert (``SparkClassNotFoundException``, ...)."""
    cause = java_exception
    while cause is not None:
        try:
            condition = cause.getCondition()
        except Py4JError:
            condition = None
        if condition:
            return sf.ErrorDetails(
                exception_class="SparkException",
                error_class=condition,
                sql_state=cause.getSqlState() or "",
                message=cause.getMessage(),
                message_parameters=dict(cause.getMessageParameters()),
            )
        cause = cause.getCause()
    return None


def operation_in(table: dict[int, T], operation: int, what: str) -> T:
    """The handler of an action's ``operation`` in ``table``; ``INVALID_ACTION_BODY``
    naming ``what`` for an operation the server does not know."""
    handler = table.get(operation)
    if handler is None:
        raise SparkFlightError(INVALID_ACTION_BODY, f"unknown {what} operation {operation}")
    return handler


@contextlib.contextmanager
def attributed(plan_id: sf.PlanId | None) -> Iterator[None]:
    """Attribute an exception raised in the block to ``plan_id``, unless a plan node
    inside the block already claimed it."""
    try:
        yield
    except Exception as exc:
        if plan_id is not None and getattr(exc, _ORIGIN, None) is None:
            setattr(exc, _ORIGIN, plan_id)
        raise


class _StackTraces:
    """The server-side stack traces of the last errors, by error id."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._traces: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, trace: str) -> str:
        error_id = uuid.uuid4().hex
        with self._lock:
            self._traces[error_id] = trace
            while len(self._traces) > self._kept:
                self._traces.popitem(last=False)
        return error_id

    def get(self, error_id: str) -> str:
        with self._lock:
            trace = self._traces.get(error_id)
        if trace is None:
            raise SparkFlightError(
                ERROR_NOT_FOUND,
                f"no stack trace for error {error_id!r}: only the last {self._kept} are kept",
                error_id=error_id,
            )
        return trace


STACK_TRACES = _StackTraces(STACK_TRACES_KEPT)


def _stack_trace(exc: BaseException) -> str:
    """The JVM stack trace of a Spark error, else the Python traceback."""
    java = getattr(exc, "_stackTrace", None)
    if isinstance(java, str) and java:
        return java
    if isinstance(exc, Py4JJavaError):
        return str(exc)
    return "".join(traceback.format_exception(exc))


def error_details(exc: BaseException) -> sf.ErrorDetails:
    """The ``ErrorDetails`` describing ``exc``, with its origin and stack trace id."""
    details = _details(exc)
    origin: sf.PlanId | None = getattr(exc, _ORIGIN, None)
    if origin is not None:
        details.plan_id = origin.id
        if origin.HasField("call_site"):
            details.call_site.CopyFrom(origin.call_site)
    if not isinstance(exc, SparkFlightError):
        details.error_id = STACK_TRACES.add(_stack_trace(exc))
    return details


def _details(exc: BaseException) -> sf.ErrorDetails:
    if isinstance(exc, SparkFlightError):
        return sf.ErrorDetails(
            exception_class=SPARKFLIGHT_EXCEPTION,
            error_class=exc.error_class,
            message=str(exc),
            message_parameters=exc.parameters,
        )
    if isinstance(exc, Py4JJavaError):
        return _java_details(exc.java_exception)
    if isinstance(exc, UnknownException) and exc._origin is not None:
        return _java_details(exc._origin)
    if isinstance(exc, CapturedException):
        return _captured_details(exc)
    if isinstance(exc, PySparkException):
        return sf.ErrorDetails(
            exception_class=type(exc).__name__,
            error_class=exc.getCondition() or "",
            sql_state=exc.getSqlState() or "",
            message=str(exc),
            message_parameters=exc.getMessageParameters() or {},
        )
    if isinstance(exc, DecodeError):
        return _details(SparkFlightError(INVALID_PLAN, f"malformed message: {exc}"))
    if isinstance(exc, Py4JError):
        return sf.ErrorDetails(exception_class="SparkException", message=str(exc))
    return sf.ErrorDetails(
        exception_class=SPARKFLIGHT_EXCEPTION,
        error_class=INTERNAL_ERROR,
        message=f"{type(exc).__name__}: {exc}",
    )


def spark_stopped_error(stopped: health.SparkStopped) -> fl.FlightUnavailableError:
    """The error of every call once Spark has stopped: ``UNAVAILABLE``, ``SPARK_STOPPED``."""
    error = SparkFlightError(SPARK_STOPPED, stopped.message, reason=stopped.reason)
    details = _details(error)
    return fl.FlightUnavailableError(details.message, extra_info=details.SerializeToString())


def to_flight_error(exc: BaseException) -> fl.FlightError:
    """``exc`` as a Flight error, its ``extra_info`` a serialized ``ErrorDetails``;
    ``SPARK_STOPPED`` once Spark has stopped."""
    if isinstance(exc, fl.FlightError):
        return exc
    stopped = health.spark_stopped()
    if stopped is not None:
        return spark_stopped_error(stopped)
    details = error_details(exc)
    if details.error_class == INTERNAL_ERROR:
        _log.exception("internal error", exc_info=exc)
    text = details.message
    if details.exception_class != SPARKFLIGHT_EXCEPTION or not text.startswith("["):
        text = f"{details.exception_class}: {text}"
    return fl.FlightServerError(text, extra_info=details.SerializeToString())


@contextlib.contextmanager
def flight_errors() -> Iterator[None]:
    """Turn any exception raised in the block into a Flight error."""
    try:
        yield
    except fl.FlightError:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure must reach the client
        raise to_flight_error(exc) from exc


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def reported(method: F) -> F:
    """Decorate an RPC handler so that its failures reach the client as Flight errors."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with flight_errors():
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def guarded(stream: Iterator[Any], origin: sf.PlanId | None = None) -> Iterator[Any]:
    """Re-raise failures while iterating ``stream`` as Flight errors, attributed to
    ``origin`` (the plan's root)."""
    with flight_errors(), attributed(origin):
        yield from stream
