"""Exceptions named and shaped like PySpark's, rebuilt from the server's ErrorDetails."""

from __future__ import annotations

from plans import sparkflight_pb2 as sf


class PySparkException(Exception):
    """Base of every error the client raises for Spark or for itself."""

    def __init__(
        self,
        message: str | None = None,
        errorClass: str | None = None,
        messageParameters: dict[str, str] | None = None,
        sqlState: str | None = None,
    ) -> None:
        self._message = message or ""
        self._error_class = errorClass
        self._message_parameters = dict(messageParameters or {})
        self._sql_state = sqlState
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


class SparkFlightException(PySparkException):
    """An error of sparkflight itself: malformed plan, unknown session, ..."""


class PySparkValueError(PySparkException, ValueError):
    pass


class PySparkTypeError(PySparkException, TypeError):
    pass


class PySparkNotImplementedError(PySparkException, NotImplementedError):
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
        SparkFlightException,
        PySparkValueError,
        PySparkTypeError,
        PySparkNotImplementedError,
    )
}


def from_error_details(details: sf.ErrorDetails) -> PySparkException:
    """The client exception an ErrorDetails message describes."""
    cls = _BY_NAME.get(details.exception_class, SparkFlightException)
    return cls(
        message=details.message,
        errorClass=details.error_class or None,
        messageParameters=dict(details.message_parameters),
        sqlState=details.sql_state or None,
    )


def not_supported(feature: str) -> PySparkNotImplementedError:
    """The error raised for a PySpark feature sparkflight does not support yet."""
    return PySparkNotImplementedError(
        message=f"[NOT_IMPLEMENTED] {feature} is not supported by sparkflight yet.",
        errorClass="NOT_IMPLEMENTED",
        messageParameters={"feature": feature},
    )
