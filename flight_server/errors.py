"""Errors as Flight errors with the gRPC status code the error table gives them.

Every failure carries a :class:`sparkflight.v1.ErrorDetails`: PySpark's exception class,
Spark's error class, SQLSTATE, message and message parameters. Errors of sparkflight's own
are :class:`SparkFlightError`. The error table (:data:`STATUS_CODES`) gives each error its
gRPC status code, by error class, SQLSTATE, SQLSTATE class and exception class; every
front door (DoGet, GetFlightInfo, GetSchema, DoPut, DoAction, Flight SQL) answers with it
(:class:`CallErrors`). The details travel in the ``x-sparkflight-error-details-bin``
trailer, with the error class and SQLSTATE as text trailers for Flight SQL clients, and
in the Flight error's ``extra_info`` when the code is one of those pyarrow sends with it.

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
import enum
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
from sparkflight.plans.headers import DETAILS_TRAILER, ERROR_CLASS_TRAILER, SQLSTATE_TRAILER

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
PART_NOT_FOUND = "PART_NOT_FOUND"
INVALID_TICKET = "INVALID_TICKET"
PYTHON_DISABLED = "PYTHON_DISABLED"
PYTHON_VERSION_MISMATCH = "PYTHON_VERSION_MISMATCH"
INVALID_ARTIFACT = "INVALID_ARTIFACT"
SPARK_STOPPED = "SPARK_STOPPED"
UPLOAD_NOT_FOUND = "UPLOAD_NOT_FOUND"
OPERATION_TIMED_OUT = "OPERATION_TIMED_OUT"
SERVER_SHUTTING_DOWN = "SERVER_SHUTTING_DOWN"
RESTRICTED = "RESTRICTED"
SQL_TOO_COMPLEX = "SQL_TOO_COMPLEX"
# Errors of the Flight SQL endpoint (flight_server/flight_sql/).
UNSUPPORTED_COMMAND = "UNSUPPORTED_COMMAND"
USER_DEFINED_TYPE_RESULT = "USER_DEFINED_TYPE_RESULT"
STATEMENT_NOT_FOUND = "STATEMENT_NOT_FOUND"
WRONG_PARAMETER_COUNT = "WRONG_PARAMETER_COUNT"
INCONSISTENT_RESULT_SCHEMA = "INCONSISTENT_RESULT_SCHEMA"
INVALID_INGEST = "INVALID_INGEST"
TABLE_ALREADY_EXISTS = "TABLE_ALREADY_EXISTS"
TABLE_NOT_FOUND = "TABLE_NOT_FOUND"
# Errors of sessions and streaming queries (flight_server/sessions.py, streams.py).
INVALID_SESSION_ID = "INVALID_SESSION_ID"
STREAMING_QUERY_NOT_FOUND = "STREAMING_QUERY_NOT_FOUND"

#: Attribute of a sent error naming its error class (else exception class), for the
#: request log (flight_server/telemetry.py).
OUTCOME_ATTRIBUTE = "sparkflight_outcome"

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


# The errors many places raise, each with one message.


def malformed(what: str, problem: object, **parameters: str) -> SparkFlightError:
    """``INVALID_PLAN``: a ``what`` of a request that does not parse, and ``problem``."""
    return SparkFlightError(INVALID_PLAN, f"malformed {what}: {problem}", **parameters)


def malformed_action_body(action: str, expected: str, problem: object) -> SparkFlightError:
    """``INVALID_ACTION_BODY``: the body of ``action`` is not its request message
    ``expected`` (a message's full name)."""
    return SparkFlightError(
        INVALID_ACTION_BODY,
        f"body of action {action!r} is not a serialized {expected} ({problem})",
        action=action,
    )


def python_disabled(refused: str, **parameters: str) -> SparkFlightError:
    """``PYTHON_DISABLED``: the server runs no client code, and ``refused`` says what of
    the request needs it."""
    return SparkFlightError(
        PYTHON_DISABLED,
        f"this server does not run Python functions (it was started with --no-python); {refused}",
        **parameters,
    )


def unsupported_kind(
    error_class: str, what: str, kind: str | None, parameter: str
) -> SparkFlightError:
    """A ``what`` (such as ``relation type``) of a kind the server does not know (``kind``
    empty: none is set), with ``kind`` as the message parameter ``parameter``."""
    return SparkFlightError(
        error_class, f"unsupported {what} {kind or '<unset>'!r}", **{parameter: kind or ""}
    )


class Code(enum.IntEnum):
    """The gRPC status codes errors get (with gRPC's numbers)."""

    CANCELLED = 1
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    UNAUTHENTICATED = 16


# What a row of the error table matches.
ERROR_CLASS = "error class"
SQLSTATE = "sqlstate"
SQLSTATE_CLASS = "sqlstate class"
FAILURE_REASON = "job failure reason"
EXCEPTION_CLASS = "exception class"

_C = Code
#: The error table (docs/protocol.md, "Errors"): the gRPC status code of an error, by
#: ``(kind, value)``. An error takes the row of its error class (whole, then the part
#: before the first ``.``: ``UNRESOLVED_COLUMN.WITH_SUGGESTION``), else of its SQLSTATE,
#: else of the SQLSTATE's class (its first two characters), else of a reason Spark gives
#: in the message of a failed job that has no error class, else of its PySpark exception
#: class; an error no row matches is ``INTERNAL``. ``UNKNOWN`` is never sent.
STATUS_CODES: dict[tuple[str, str], Code] = {
    # The user's mistakes: invalid plans and requests, sparkflight's own.
    (ERROR_CLASS, INVALID_PLAN): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, UNSUPPORTED_RELATION): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, UNKNOWN_FUNCTION): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, PLAN_ID_NOT_FOUND): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, INVALID_ACTION_BODY): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, INVALID_ARTIFACT): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, INVALID_SESSION_ID): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, PROTOCOL_VERSION_MISMATCH): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, PYTHON_VERSION_MISMATCH): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, WRONG_PARAMETER_COUNT): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, INCONSISTENT_RESULT_SCHEMA): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, INVALID_INGEST): _C.INVALID_ARGUMENT,
    (ERROR_CLASS, SQL_TOO_COMPLEX): _C.INVALID_ARGUMENT,
    # Unknown sessions, statements, results and tables.
    (ERROR_CLASS, SESSION_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, STATEMENT_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, RESULT_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, RESULT_NOT_RESUMABLE): _C.NOT_FOUND,
    (ERROR_CLASS, PART_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, UPLOAD_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, ERROR_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, STREAMING_QUERY_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, TABLE_NOT_FOUND): _C.NOT_FOUND,
    (ERROR_CLASS, "TABLE_OR_VIEW_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "VIEW_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "SCHEMA_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "CATALOG_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "DEFAULT_DATABASE_NOT_EXISTS"): _C.NOT_FOUND,
    (ERROR_CLASS, "ROUTINE_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "VARIABLE_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "PARTITIONS_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "INDEX_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "CONSTRAINT_DOES_NOT_EXIST"): _C.NOT_FOUND,
    (ERROR_CLASS, "DATA_SOURCE_NOT_FOUND"): _C.NOT_FOUND,
    (ERROR_CLASS, "PATH_NOT_FOUND"): _C.NOT_FOUND,
    (SQLSTATE, "42P01"): _C.NOT_FOUND,  # undefined table
    # A name that already exists.
    (ERROR_CLASS, OPERATION_ALREADY_EXISTS): _C.ALREADY_EXISTS,
    (ERROR_CLASS, TABLE_ALREADY_EXISTS): _C.ALREADY_EXISTS,
    (ERROR_CLASS, "PATH_ALREADY_EXISTS"): _C.ALREADY_EXISTS,
    (ERROR_CLASS, "PARTITIONS_ALREADY_EXIST"): _C.ALREADY_EXISTS,
    (SQLSTATE, "42P04"): _C.ALREADY_EXISTS,  # duplicate database
    (SQLSTATE, "42P06"): _C.ALREADY_EXISTS,  # duplicate schema
    (SQLSTATE, "42P07"): _C.ALREADY_EXISTS,  # duplicate table or view
    (SQLSTATE, "42710"): _C.ALREADY_EXISTS,  # duplicate object
    (SQLSTATE, "42711"): _C.ALREADY_EXISTS,  # duplicate column
    (SQLSTATE, "42713"): _C.ALREADY_EXISTS,  # duplicate object in a list
    (SQLSTATE, "42723"): _C.ALREADY_EXISTS,  # duplicate function, variable or cursor
    (EXCEPTION_CLASS, "TempTableAlreadyExistsException"): _C.ALREADY_EXISTS,
    # Refused by policy.
    (ERROR_CLASS, PYTHON_DISABLED): _C.PERMISSION_DENIED,
    (ERROR_CLASS, RESTRICTED): _C.PERMISSION_DENIED,
    (ERROR_CLASS, INVALID_TICKET): _C.PERMISSION_DENIED,
    (SQLSTATE, "42501"): _C.PERMISSION_DENIED,  # insufficient privilege
    # Limits.
    (ERROR_CLASS, LIMIT_EXCEEDED): _C.RESOURCE_EXHAUSTED,
    (SQLSTATE_CLASS, "53"): _C.RESOURCE_EXHAUSTED,  # insufficient resources
    (SQLSTATE_CLASS, "54"): _C.RESOURCE_EXHAUSTED,  # program limit exceeded
    (SQLSTATE_CLASS, "82"): _C.RESOURCE_EXHAUSTED,  # out of memory
    (FAILURE_REASON, "java.lang.OutOfMemoryError"): _C.RESOURCE_EXHAUSTED,  # before a loss
    # An executor Spark ended on an out-of-memory error (its exit code 52), when the task's
    # own error did not reach the driver first.
    (FAILURE_REASON, "exited with code 52"): _C.RESOURCE_EXHAUSTED,
    # Interrupted or cancelled.
    (ERROR_CLASS, OPERATION_INTERRUPTED): _C.CANCELLED,
    (ERROR_CLASS, "OPERATION_CANCELED"): _C.CANCELLED,
    (ERROR_CLASS, "SPARK_JOB_CANCELLED"): _C.CANCELLED,
    (SQLSTATE, "HY008"): _C.CANCELLED,  # operation canceled
    (SQLSTATE, "57014"): _C.CANCELLED,  # query canceled
    # Query timeouts.
    (ERROR_CLASS, OPERATION_TIMED_OUT): _C.DEADLINE_EXCEEDED,
    # Worth retrying: the server shuts down, an executor was lost, a system failed.
    (ERROR_CLASS, SERVER_SHUTTING_DOWN): _C.UNAVAILABLE,
    (ERROR_CLASS, SPARK_STOPPED): _C.UNAVAILABLE,
    (FAILURE_REASON, "ExecutorLostFailure"): _C.UNAVAILABLE,
    (SQLSTATE_CLASS, "08"): _C.UNAVAILABLE,  # connection exception
    (SQLSTATE_CLASS, "40"): _C.UNAVAILABLE,  # transaction rollback (a concurrent update)
    (SQLSTATE_CLASS, "57"): _C.UNAVAILABLE,  # operator intervention
    (SQLSTATE_CLASS, "58"): _C.UNAVAILABLE,  # system error (I/O)
    (SQLSTATE_CLASS, "HV"): _C.UNAVAILABLE,  # foreign data source (JDBC) error
    # What the server does not implement.
    (ERROR_CLASS, UNSUPPORTED_COMMAND): _C.UNIMPLEMENTED,
    (ERROR_CLASS, USER_DEFINED_TYPE_RESULT): _C.UNIMPLEMENTED,
    (ERROR_CLASS, UNKNOWN_ACTION): _C.UNIMPLEMENTED,
    # Defects: the server's own and Spark's.
    (ERROR_CLASS, INTERNAL_ERROR): _C.INTERNAL,
    (SQLSTATE_CLASS, "XX"): _C.INTERNAL,  # internal error
    (SQLSTATE_CLASS, "F0"): _C.INTERNAL,  # configuration file error
    # The user's mistakes in Spark's words: parse and analysis errors, bad arguments and
    # data, unsupported constructs, failing user code.
    (SQLSTATE_CLASS, "02"): _C.INVALID_ARGUMENT,  # no data
    (SQLSTATE_CLASS, "07"): _C.INVALID_ARGUMENT,  # dynamic SQL error
    (SQLSTATE_CLASS, "0A"): _C.INVALID_ARGUMENT,  # feature not supported
    (SQLSTATE_CLASS, "21"): _C.INVALID_ARGUMENT,  # cardinality violation
    (SQLSTATE_CLASS, "22"): _C.INVALID_ARGUMENT,  # data exception
    (SQLSTATE_CLASS, "23"): _C.INVALID_ARGUMENT,  # integrity constraint violation
    (SQLSTATE_CLASS, "24"): _C.INVALID_ARGUMENT,  # invalid cursor state
    (SQLSTATE_CLASS, "2B"): _C.INVALID_ARGUMENT,  # dependent objects still exist
    (SQLSTATE_CLASS, "38"): _C.INVALID_ARGUMENT,  # external routine (UDF) exception
    (SQLSTATE_CLASS, "39"): _C.INVALID_ARGUMENT,  # external routine invocation exception
    (SQLSTATE_CLASS, "3F"): _C.INVALID_ARGUMENT,  # invalid schema name
    (SQLSTATE_CLASS, "42"): _C.INVALID_ARGUMENT,  # syntax error or access rule violation
    (SQLSTATE_CLASS, "46"): _C.INVALID_ARGUMENT,  # Java DDL, configuration
    (SQLSTATE_CLASS, "51"): _C.INVALID_ARGUMENT,  # invalid application state
    (SQLSTATE_CLASS, "55"): _C.INVALID_ARGUMENT,  # object not in prerequisite state
    (SQLSTATE_CLASS, "56"): _C.INVALID_ARGUMENT,  # miscellaneous SQL or product error
    (SQLSTATE_CLASS, "HY"): _C.INVALID_ARGUMENT,  # CLI-specific condition
    (SQLSTATE_CLASS, "KD"): _C.INVALID_ARGUMENT,  # data source error
    (SQLSTATE_CLASS, "P0"): _C.INVALID_ARGUMENT,  # raised by the query (raise_error)
    (EXCEPTION_CLASS, "AnalysisException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "ParseException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "IllegalArgumentException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "ArithmeticException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "NumberFormatException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "DateTimeException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "UnsupportedOperationException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "SparkUpgradeException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "PythonException"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "PySparkValueError"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "PySparkTypeError"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "PySparkAttributeError"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "PySparkNotImplementedError"): _C.INVALID_ARGUMENT,
    (EXCEPTION_CLASS, "SparkNoSuchElementException"): _C.NOT_FOUND,
}
#: The code of an error no row of the table matches.
DEFAULT_CODE = Code.INTERNAL
#: Codes a pyarrow server cannot send (no Python exception maps to them), and the code
#: sent instead: the one that makes Flight and Flight SQL clients react as to the code
#: itself (pyarrow's client raises ``ArrowInvalid`` for ``RESOURCE_EXHAUSTED`` too, the
#: ADBC driver ``ProgrammingError`` for ``ALREADY_EXISTS`` too).
SENT_AS = {
    Code.ALREADY_EXISTS: Code.INVALID_ARGUMENT,
    Code.RESOURCE_EXHAUSTED: Code.INVALID_ARGUMENT,
}


def _keys(details: sf.ErrorDetails) -> Iterator[tuple[str, str]]:
    """An error's keys into the error table, in the order they are looked up."""
    if details.error_class:
        yield ERROR_CLASS, details.error_class
        yield ERROR_CLASS, details.error_class.partition(".")[0]
    if details.sql_state:
        yield SQLSTATE, details.sql_state
        yield SQLSTATE_CLASS, details.sql_state[:2]
    if not details.error_class:
        for kind, reason in STATUS_CODES:
            if kind == FAILURE_REASON and reason in details.message:
                yield FAILURE_REASON, reason
    yield EXCEPTION_CLASS, details.exception_class


def status_code(details: sf.ErrorDetails) -> Code:
    """The gRPC status code of an error, by the error table."""
    for key in _keys(details):
        code = STATUS_CODES.get(key)
        if code is not None:
            return code
    return DEFAULT_CODE


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


def attribute(exc: BaseException, plan_id: sf.PlanId) -> None:
    """Attribute ``exc`` to ``plan_id``: its details name that DataFrame."""
    setattr(exc, _ORIGIN, plan_id)


@contextlib.contextmanager
def attributed(plan_id: sf.PlanId | None) -> Iterator[None]:
    """Attribute an exception raised in the block to ``plan_id``, unless a plan node
    inside the block already claimed it."""
    try:
        yield
    except Exception as exc:
        if plan_id is not None and getattr(exc, _ORIGIN, None) is None:
            attribute(exc, plan_id)
        raise


class _StackTraces:
    """The server-side stack traces of the last errors, by error id."""

    def __init__(self, kept: int) -> None:
        self._kept = kept
        self._traces: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, trace: str, owner: str = "") -> str:
        """Keep the trace of an error of user ``owner``; its error id."""
        error_id = uuid.uuid4().hex
        with self._lock:
            self._traces[error_id] = (owner, trace)
            while len(self._traces) > self._kept:
                self._traces.popitem(last=False)
        return error_id

    def get(self, error_id: str, owner: str = "") -> str:
        """The trace of an error of ``owner``; another user's is answered as unknown."""
        with self._lock:
            kept = self._traces.get(error_id)
        if kept is None or kept[0] != owner:
            raise SparkFlightError(
                ERROR_NOT_FOUND,
                f"no stack trace for error {error_id!r}: only the last {self._kept} are kept, "
                "each for the user whose call failed",
                error_id=error_id,
            )
        return kept[1]


STACK_TRACES = _StackTraces(STACK_TRACES_KEPT)


def _stack_trace(exc: BaseException) -> str:
    """The JVM stack trace of a Spark error, else the Python traceback."""
    java = getattr(exc, "_stackTrace", None)
    if isinstance(java, str) and java:
        return java
    if isinstance(exc, Py4JJavaError):
        return str(exc)
    return "".join(traceback.format_exception(exc))


def error_details(exc: BaseException, owner: str = "") -> sf.ErrorDetails:
    """The ``ErrorDetails`` describing ``exc``, with its origin and the id of its stack
    trace, which only ``owner`` (the user whose call failed) can fetch."""
    details = _details(exc)
    origin: sf.PlanId | None = getattr(exc, _ORIGIN, None)
    if origin is not None:
        details.plan_id = origin.id
        if origin.HasField("call_site"):
            details.call_site.CopyFrom(origin.call_site)
    if not isinstance(exc, SparkFlightError):
        details.error_id = STACK_TRACES.add(_stack_trace(exc), owner)
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
        return _details(malformed("message", exc))
    if isinstance(exc, Py4JError):
        return sf.ErrorDetails(exception_class="SparkException", message=str(exc))
    return sf.ErrorDetails(
        exception_class=SPARKFLIGHT_EXCEPTION,
        error_class=INTERNAL_ERROR,
        message=f"[{INTERNAL_ERROR}] {type(exc).__name__}: {exc}",
    )


def spark_stopped_error(stopped: health.SparkStopped) -> SparkFlightError:
    """The error of every call once Spark has stopped: ``SPARK_STOPPED``, saying why."""
    return SparkFlightError(SPARK_STOPPED, stopped.message, reason=stopped.reason)


class InvalidArgumentError(ValueError):
    """An error pyarrow's server sends as ``INVALID_ARGUMENT``."""


class NotFoundError(KeyError):
    """An error pyarrow's server sends as ``NOT_FOUND``."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnimplementedError(NotImplementedError):
    """An error pyarrow's server sends as ``UNIMPLEMENTED``."""


#: The exception pyarrow's server turns into each code it can send. Python's
#: ``ValueError``, ``KeyError`` and ``NotImplementedError`` carry no ``extra_info``, and
#: pyarrow appends their traceback to the message (``... Detail: Python exception: ...``).
_RAISED_AS: dict[Code, type[Exception]] = {
    Code.INVALID_ARGUMENT: InvalidArgumentError,
    Code.NOT_FOUND: NotFoundError,
    Code.UNIMPLEMENTED: UnimplementedError,
    Code.CANCELLED: fl.FlightCancelledError,
    Code.DEADLINE_EXCEEDED: fl.FlightTimedOutError,
    Code.PERMISSION_DENIED: fl.FlightUnauthorizedError,
    Code.UNAUTHENTICATED: fl.FlightUnauthenticatedError,
    Code.UNAVAILABLE: fl.FlightUnavailableError,
    Code.INTERNAL: fl.FlightInternalError,
}
_SENDABLE = (fl.FlightError, InvalidArgumentError, NotFoundError, UnimplementedError)


def _text(details: sf.ErrorDetails) -> str:
    """The message of an error: Spark's, after its exception class."""
    text = details.message
    if details.exception_class != SPARKFLIGHT_EXCEPTION or not text.startswith("["):
        text = f"{details.exception_class}: {text}"
    return text


def _trailers(details: sf.ErrorDetails) -> list[tuple[str, str | bytes]]:
    trailers: list[tuple[str, str | bytes]] = [(DETAILS_TRAILER, details.SerializeToString())]
    if details.error_class:
        trailers.append((ERROR_CLASS_TRAILER, details.error_class))
    if details.sql_state:
        trailers.append((SQLSTATE_TRAILER, details.sql_state))
    return trailers


class CallErrors:
    """How the failures of one call reach its client (docs/protocol.md, "Errors").

    The error gets the status code of the error table, and the call the error's trailers
    while it runs (``watch``). ``flight_sql`` calls get no ``extra_info`` (Flight SQL
    clients read the status details as a ``google.rpc.Status``); ``legacy`` calls, of a
    session opened by a client older than protocol 10 (``protocol.STATUS_CODES``), get every
    error as ``UNKNOWN`` with its details in ``extra_info``, as that client expects.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._context: fl.ServerCallContext | None = None
        self.flight_sql = False
        self.legacy = False
        #: The call's user, the only one who can fetch the stack trace of its failure.
        self.owner = ""

    def watch(self, context: fl.ServerCallContext | None) -> CallErrors:
        """Send the trailers of a failure on ``context`` (None once the call has ended)."""
        with self._lock:
            self._context = context
        return self

    def sendable(self, exc: BaseException) -> BaseException:
        """``exc`` as the exception pyarrow turns into its error's status code; its
        trailers are added to the call. Flight errors go as they are."""
        if isinstance(exc, _SENDABLE):
            return exc
        stopped = health.spark_stopped()
        if stopped is not None:
            exc = spark_stopped_error(stopped)
        details = error_details(exc, self.owner)
        code = status_code(details)
        if code == Code.INTERNAL:
            _log.error("internal error", exc_info=exc)
        with self._lock:
            if self._context is not None:
                for key, value in _trailers(details):
                    self._context.add_trailer(key, value)
        text, serialized = _text(details), details.SerializeToString()
        raised = _RAISED_AS[SENT_AS.get(code, code)]
        if self.legacy and not self.flight_sql:
            error: Exception = fl.FlightServerError(text, extra_info=serialized)
        elif issubclass(raised, fl.FlightError) and not self.flight_sql:
            error = raised(text, extra_info=serialized)
        else:
            error = raised(text)
        setattr(error, OUTCOME_ATTRIBUTE, details.error_class or details.exception_class)
        return error


F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def reported(method: F) -> F:
    """Decorate an RPC handler of the server (``method(server, context, ...)``) so that
    its failures reach the client with their status code: the server's
    ``call_errors(context)`` says how."""

    @functools.wraps(method)
    def wrapper(server: Any, context: fl.ServerCallContext, *args: Any, **kwargs: Any) -> Any:
        call: CallErrors = server.call_errors(context)
        try:
            return method(server, context, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure must reach the client
            error = call.sendable(exc)
        # Raised here, out of the handler, with no cause: pyarrow puts the traceback of
        # the Python exceptions it sends into the message, and that traceback is short.
        raise error.with_traceback(None)

    return wrapper  # type: ignore[return-value]


def guarded(
    stream: Iterator[Any], origin: sf.PlanId | None = None, call: CallErrors | None = None
) -> Iterator[Any]:
    """Re-raise failures while iterating ``stream`` as the sendable errors of ``call``,
    attributed to ``origin`` (the plan's root)."""
    try:
        with attributed(origin):
            yield from stream
        return
    except Exception as exc:  # noqa: BLE001 - every failure must reach the client
        error = (call or CallErrors()).sendable(exc)
    raise error.with_traceback(None)  # out of the handler, with no cause, as in ``reported``
