"""Exceptions named and shaped like PySpark's, rebuilt from the server's ErrorDetails."""

from __future__ import annotations

import enum
import re
import threading
from collections.abc import Callable
from typing import Any

import pyarrow.flight as flight
from google.protobuf.message import DecodeError

from sparkflight.client.callsite import describe
from sparkflight.client.error_conditions import ERROR_CONDITIONS
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.headers import DETAILS_TRAILER


class QueryContextType(enum.Enum):
    SQL = 0
    DataFrame = 1


class DataFrameQueryContext:
    """Where the user's code made the DataFrame an error is attributed to, as PySpark's
    ``QueryContext`` of type ``DataFrame``."""

    def __init__(self, plan_id: int, call_site: sf.CallSite) -> None:
        self.plan_id = plan_id
        self._call_site = call_site

    def contextType(self) -> QueryContextType:
        return QueryContextType.DataFrame

    def objectType(self) -> str:
        return ""

    def objectName(self) -> str:
        return ""

    def startIndex(self) -> int:
        return 0

    def stopIndex(self) -> int:
        return 0

    def fragment(self) -> str:
        """The operation, such as ``df.select(...)``."""
        return self._call_site.operation

    def callSite(self) -> str:
        """``file:line`` of the user's code."""
        return f"{self._call_site.file}:{self._call_site.line}"

    def code(self) -> str:
        """The source line, when the client could read it."""
        return self._call_site.code

    def summary(self) -> str:
        return describe(self._call_site)

    def __repr__(self) -> str:
        return f"DataFrameQueryContext({self.callSite()}, {self.fragment()})"


#: A message parameter in a template: ``<name>``.
_PARAMETER = re.compile(r"<([a-zA-Z0-9_-]+)>")


def template_parameters(error_class: str) -> set[str]:
    """The message parameters the template of ``error_class`` names."""
    return set(_PARAMETER.findall(ERROR_CONDITIONS[error_class]))


def error_message(error_class: str, parameters: dict[str, str]) -> str:
    """The message of an error of the client: ``[ERROR_CLASS]`` and the class's template
    (:data:`ERROR_CONDITIONS`) with ``parameters``, which must be exactly those it names."""
    if error_class not in ERROR_CONDITIONS:
        raise KeyError(f"no message template for the error class {error_class}")
    missing = template_parameters(error_class) ^ set(parameters)
    if missing:
        raise KeyError(f"message parameters of {error_class} given or missing: {sorted(missing)}")
    text = _PARAMETER.sub(lambda m: str(parameters[m.group(1)]), ERROR_CONDITIONS[error_class])
    return f"[{error_class}] {text}"


class PySparkException(Exception):
    """Base of every error the client raises for Spark or for itself: an error of the
    client's own is made of its error class and message parameters, and its message comes
    from the class's template (:func:`error_message`), as in PySpark."""

    def __init__(
        self,
        message: str | None = None,
        errorClass: str | None = None,
        messageParameters: dict[str, str] | None = None,
        sqlState: str | None = None,
    ) -> None:
        if message is None and errorClass is not None:
            message = error_message(errorClass, messageParameters or {})
        self._message = message or ""
        self._error_class = errorClass
        self._message_parameters = dict(messageParameters or {})
        self._sql_state = sqlState
        self._contexts: list[DataFrameQueryContext] = []
        self._error_id = ""
        self._fetch_stack_trace: Callable[[str], str] | None = None
        super().__init__(self._message)

    def getCondition(self) -> str | None:
        """Spark's error condition (error class), such as ``TABLE_OR_VIEW_NOT_FOUND``."""
        return self._error_class

    def getErrorClass(self) -> str | None:
        """Deprecated name of :meth:`getCondition`, kept as in PySpark."""
        return self._error_class

    def getSqlState(self) -> str | None:
        return self._sql_state

    def getMessageParameters(self) -> dict[str, str]:
        return dict(self._message_parameters)

    def getMessage(self) -> str:
        return self._message

    def getQueryContext(self) -> list[DataFrameQueryContext]:
        """Where the user's code made the DataFrame the server attributes the error to."""
        return list(self._contexts)

    def getStackTrace(self) -> str | None:
        """The server-side stack trace (JVM or Python), fetched from the server when asked;
        None for errors raised by the client or without one."""
        if not self._error_id or self._fetch_stack_trace is None:
            return None
        return self._fetch_stack_trace(self._error_id)

    def __str__(self) -> str:
        return self._message


class AnalysisException(PySparkException):
    pass


class ParseException(AnalysisException):
    pass


class TempTableAlreadyExistsException(AnalysisException):
    pass


class IllegalArgumentException(PySparkException):
    pass


class ArithmeticException(PySparkException):
    pass


class NumberFormatException(IllegalArgumentException):
    pass


class SparkRuntimeException(PySparkException):
    pass


class DateTimeException(PySparkException):
    pass


class UnsupportedOperationException(PySparkException):
    pass


class QueryExecutionException(PySparkException):
    pass


class SparkUpgradeException(PySparkException):
    pass


class PythonException(PySparkException):
    pass


class SparkNoSuchElementException(PySparkException):
    pass


class StreamingQueryException(PySparkException):
    """A streaming query failed (its handle's ``exception()``, ``awaitTermination``)."""


class SparkFlightException(PySparkException):
    """An error of sparkflight itself: malformed plan, unknown session, ..."""


class PySparkValueError(PySparkException, ValueError):
    pass


class PySparkTypeError(PySparkException, TypeError):
    pass


class PySparkAssertionError(PySparkException, AssertionError):
    pass


class PySparkAttributeError(PySparkException, AttributeError):
    pass


class PySparkIndexError(PySparkException, IndexError):
    pass


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    pass


class PySparkRuntimeError(PySparkException, RuntimeError):
    pass


class PySparkFileNotFoundError(PySparkException, FileNotFoundError):
    pass


_BY_NAME: dict[str, type[PySparkException]] = {
    cls.__name__: cls
    for cls in (
        PySparkException,
        AnalysisException,
        ParseException,
        TempTableAlreadyExistsException,
        IllegalArgumentException,
        ArithmeticException,
        NumberFormatException,
        SparkRuntimeException,
        DateTimeException,
        UnsupportedOperationException,
        QueryExecutionException,
        SparkUpgradeException,
        PythonException,
        SparkNoSuchElementException,
        StreamingQueryException,
        SparkFlightException,
        PySparkValueError,
        PySparkTypeError,
        PySparkAttributeError,
        PySparkNotImplementedError,
        PySparkRuntimeError,
    )
}


def _with_call_site(message: str, call_site: sf.CallSite) -> str:
    """Spark's message with the user's call site after its first line."""
    first, newline, rest = message.partition("\n")
    located = "\n  ".join(describe(call_site).split("\n"))
    return f"{first}\n  {located}{newline}{rest}"


def from_error_details(
    details: sf.ErrorDetails, fetch_stack_trace: Callable[[str], str] | None = None
) -> PySparkException:
    """The client exception an ErrorDetails message describes; ``fetch_stack_trace`` gets
    the server-side stack trace of an error id when the user asks for it."""
    cls = _BY_NAME.get(details.exception_class, SparkFlightException)
    message = details.message
    if details.HasField("call_site"):
        message = _with_call_site(message, details.call_site)
    error = cls(
        message=message,
        errorClass=details.error_class or None,
        messageParameters=dict(details.message_parameters),
        sqlState=details.sql_state or None,
    )
    if details.HasField("call_site"):
        error._contexts = [DataFrameQueryContext(details.plan_id, details.call_site)]
    error._error_id = details.error_id
    error._fetch_stack_trace = fetch_stack_trace
    return error


def malformed(kind: str) -> PySparkValueError:
    """PySpark's error for a value that is not a valid ``kind``: ``Variant``, ``Geometry``
    or ``Geography`` (``MALFORMED_VARIANT``, ...)."""
    return PySparkValueError(errorClass=f"MALFORMED_{kind.upper()}", messageParameters={})


def not_supported(feature: str) -> PySparkNotImplementedError:
    """The error raised for a PySpark feature sparkflight does not support yet."""
    return PySparkNotImplementedError(
        errorClass="NOT_IMPLEMENTED", messageParameters={"feature": feature}
    )


def server_unavailable(url: str, detail: str) -> SparkFlightException:
    """The error of a call that could not reach the server at ``url`` (it stopped, or the
    network failed): ``SERVER_UNAVAILABLE``, with ``detail`` of what failed."""
    return SparkFlightException(
        errorClass="SERVER_UNAVAILABLE", messageParameters={"url": url, "detail": detail}
    )


def needs_jvm(attribute: str) -> PySparkNotImplementedError:
    """The error raised for a PySpark attribute that only exists with a local JVM."""
    return PySparkNotImplementedError(
        errorClass="JVM_ATTRIBUTE_NOT_SUPPORTED", messageParameters={"attr_name": attribute}
    )


# ------------------------------------------------------------ argument errors


def wrong_type(error_class: str, arg_name: str, value: Any) -> PySparkTypeError:
    """An argument of another type than the ``NOT_<TYPES>`` error class names
    (``NOT_COLUMN``, ``NOT_LIST_OR_TUPLE``, ...)."""
    return PySparkTypeError(
        errorClass=error_class,
        messageParameters={"arg_name": arg_name, "arg_type": type(value).__name__},
    )


def expected_type(arg_name: str, expected: str, value: Any) -> PySparkTypeError:
    """An argument that should be ``expected`` (``NOT_EXPECTED_TYPE``)."""
    return PySparkTypeError(
        errorClass="NOT_EXPECTED_TYPE",
        messageParameters={
            "arg_name": arg_name,
            "expected_type": expected,
            "arg_type": type(value).__name__,
        },
    )


def wrong_value(error_class: str, arg_name: str, value: Any) -> PySparkValueError:
    """An argument of the right type and a wrong value (``VALUE_NOT_POSITIVE``,
    ``VALUE_NOT_NON_EMPTY_STR``, ``NEGATIVE_VALUE``, ...)."""
    return PySparkValueError(
        errorClass=error_class, messageParameters={"arg_name": arg_name, "arg_value": str(value)}
    )


def value_not_allowed(arg_name: str, allowed: Any) -> PySparkValueError:
    """An argument that is none of the ``allowed`` values (``VALUE_NOT_ALLOWED``)."""
    return PySparkValueError(
        errorClass="VALUE_NOT_ALLOWED",
        messageParameters={"arg_name": arg_name, "allowed_values": str(allowed)},
    )


def value_disallowed(arg_name: str, disallowed: str) -> PySparkValueError:
    """An argument holding a value it must not (``VALUE_ALLOWED``)."""
    return PySparkValueError(
        errorClass="VALUE_ALLOWED",
        messageParameters={"arg_name": arg_name, "disallowed_value": disallowed},
    )


def cannot_be_none(arg_name: str) -> PySparkValueError:
    """A required argument given as None (``CANNOT_BE_NONE``)."""
    return PySparkValueError(errorClass="CANNOT_BE_NONE", messageParameters={"arg_name": arg_name})


def cannot_be_empty(item: str) -> PySparkValueError:
    """No ``item`` given where at least one is needed (``CANNOT_BE_EMPTY``)."""
    return PySparkValueError(errorClass="CANNOT_BE_EMPTY", messageParameters={"item": item})


def unavailable_method(feature: str, error: Callable[[str], PySparkException]) -> Any:
    """A method that raises ``error(feature)`` whatever it is called with."""

    def method(*args: Any, **kwargs: Any) -> Any:
        raise error(feature)

    method.__name__ = method.__qualname__ = feature.rsplit(".", 1)[-1]
    method.__doc__ = f"Not available in sparkflight: raises {error.__name__}."
    return method


def unavailable_property(feature: str, error: Callable[[str], PySparkException]) -> property:
    """A property whose every read raises ``error(feature)``."""

    def getter(self: Any) -> Any:
        raise error(feature)

    return property(getter, doc=f"Not available in sparkflight: raises {error.__name__}.")


_ATTRIBUTE = "sparkflight_error_details"
_last = threading.local()


class _DetailsTrailer(flight.ClientMiddleware):
    def received_headers(self, headers: dict[str, list[Any]]) -> None:
        values = headers.get(DETAILS_TRAILER)
        if values:
            value = values[-1]
            _last.details = value if isinstance(value, bytes) else str(value).encode()


class DetailsTrailers(flight.ClientMiddlewareFactory):
    """Keeps, per thread, the ``ErrorDetails`` trailer of the call that just failed there.

    pyarrow raises a server's error on the thread that made the call (or read its
    stream), right after the call's trailers arrived on that thread: :func:`claim` there
    attaches them to the exception. Each new call of the thread forgets what was kept.
    """

    def start_call(self, info: flight.CallInfo) -> flight.ClientMiddleware:
        _last.details = None
        return _DetailsTrailer()


def claim(error: BaseException) -> BaseException:
    """Attach to ``error`` the ``ErrorDetails`` trailer of the failure this thread just
    saw, unless it has some already; ``error``."""
    details = getattr(_last, "details", None)
    _last.details = None
    if details is not None and getattr(error, _ATTRIBUTE, None) is None:
        setattr(error, _ATTRIBUTE, details)
    return error


def error_details(error: BaseException) -> sf.ErrorDetails | None:
    """The ``ErrorDetails`` the server sent with an error: from its trailer (servers of
    protocol 10 and newer), else from the Flight error's ``extra_info``."""
    claim(error)
    serialized = getattr(error, _ATTRIBUTE, None) or getattr(error, "extra_info", None) or b""
    details = sf.ErrorDetails()
    try:
        details.ParseFromString(serialized)
    except DecodeError:
        return None
    return details if details.exception_class or details.message else None
