"""Errors as Flight errors carrying :class:`sparkflight.v1.ErrorDetails`.

Every failure leaves the server as a ``FlightServerError`` whose ``extra_info`` is a
serialized ``ErrorDetails``: PySpark's exception class, Spark's error class, SQLSTATE,
message and message parameters. Errors of sparkflight's own are :class:`SparkFlightError`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
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

from plans import sparkflight_pb2 as sf

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
INTERNAL_ERROR = "INTERNAL_ERROR"


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
    return sf.ErrorDetails(exception_class="SparkException", message=root.toString())


def error_details(exc: BaseException) -> sf.ErrorDetails:
    """The ``ErrorDetails`` describing ``exc``."""
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
        return error_details(SparkFlightError(INVALID_PLAN, f"malformed message: {exc}"))
    if isinstance(exc, Py4JError):
        return sf.ErrorDetails(exception_class="SparkException", message=str(exc))
    return sf.ErrorDetails(
        exception_class=SPARKFLIGHT_EXCEPTION,
        error_class=INTERNAL_ERROR,
        message=f"{type(exc).__name__}: {exc}",
    )


def to_flight_error(exc: BaseException) -> fl.FlightError:
    """``exc`` as a Flight error, its ``extra_info`` a serialized ``ErrorDetails``."""
    if isinstance(exc, fl.FlightError):
        return exc
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


def reported(method: F) -> F:
    """Decorate an RPC handler so that its failures reach the client as Flight errors."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with flight_errors():
            return method(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def guarded(stream: Iterator[Any]) -> Iterator[Any]:
    """Re-raise failures while iterating ``stream`` as Flight errors."""
    with flight_errors():
        yield from stream
