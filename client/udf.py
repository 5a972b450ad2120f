"""Python functions that Spark's Python workers run on the server: UDFs, pandas UDFs,
UDTFs and the functions of mapInPandas, applyInPandas and foreach.

The client pickles a function (:mod:`sparkflight.client.pickling`) into a
:class:`~sparkflight.plans.sparkflight_pb2.PythonFunction` message, with PySpark's eval
type, the return type and the client's Python version; the server hands it to PySpark's
own API. Captured variables and helper functions travel with the function.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sparkflight.client.column import Column, ColumnOrName, column_expr
from sparkflight.client.errors import (
    PySparkAttributeError,
    PySparkTypeError,
    PySparkValueError,
    cannot_be_none,
    not_supported,
    wrong_type,
)
from sparkflight.client.expressions import PythonUDF
from sparkflight.client.pickling import pickled
from sparkflight.client.plan import ARROW_UDTF_EVAL_TYPE, PythonTableFunction
from sparkflight.client.table_arg import TableArg
from sparkflight.client.types import DataType, StringType, parse_ddl_type
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import COMMAND
from sparkflight.plans.protocol import PYTHON_FUNCTIONS, UDTF_TABLE_ARGUMENTS

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession


class PythonEvalType:
    """PySpark's eval types: how Spark's Python worker calls a function."""

    NON_UDF = 0
    SQL_BATCHED_UDF = 100
    SQL_ARROW_BATCHED_UDF = 101
    SQL_SCALAR_PANDAS_UDF = 200
    SQL_GROUPED_MAP_PANDAS_UDF = 201
    SQL_GROUPED_AGG_PANDAS_UDF = 202
    SQL_WINDOW_AGG_PANDAS_UDF = 203
    SQL_SCALAR_PANDAS_ITER_UDF = 204
    SQL_MAP_PANDAS_ITER_UDF = 205
    SQL_COGROUPED_MAP_PANDAS_UDF = 206
    SQL_MAP_ARROW_ITER_UDF = 207
    SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE = 208
    SQL_GROUPED_MAP_ARROW_UDF = 209
    SQL_COGROUPED_MAP_ARROW_UDF = 210
    SQL_TRANSFORM_WITH_STATE_PANDAS_UDF = 211
    SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_UDF = 213
    SQL_SCALAR_ARROW_UDF = 250
    SQL_SCALAR_ARROW_ITER_UDF = 251
    SQL_GROUPED_AGG_ARROW_UDF = 252
    SQL_TABLE_UDF = 300
    SQL_ARROW_TABLE_UDF = 301
    SQL_ARROW_UDTF = ARROW_UDTF_EVAL_TYPE


class ArrowUDFType:
    """The function types of ``arrow_udf`` (prefer type hints)."""

    SCALAR = PythonEvalType.SQL_SCALAR_ARROW_UDF
    SCALAR_ITER = PythonEvalType.SQL_SCALAR_ARROW_ITER_UDF
    GROUPED_AGG = PythonEvalType.SQL_GROUPED_AGG_ARROW_UDF


class PandasUDFType:
    """The function types of ``pandas_udf`` (prefer type hints, as PySpark says)."""

    SCALAR = PythonEvalType.SQL_SCALAR_PANDAS_UDF
    SCALAR_ITER = PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF
    GROUPED_MAP = PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF
    GROUPED_AGG = PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF


#: udf()'s default return type.
_STRING = StringType()


def python_version() -> str:
    """This interpreter's ``major.minor``, which the server's must equal."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _type_text(data_type: DataType | str | None) -> str:
    """A return type on the wire: a DDL string as given, a DataType as Spark's JSON."""
    if data_type is None:
        return ""
    if isinstance(data_type, DataType):
        return data_type.json()
    if isinstance(data_type, str):
        return data_type
    raise wrong_type("NOT_DATATYPE_OR_STR", "returnType", data_type)


def _name(f: Any) -> str:
    return getattr(f, "__name__", None) or type(f).__name__


def python_function(
    f: Any,
    eval_type: int,
    return_type: DataType | str | None,
    name: str | None = None,
    deterministic: bool = True,
    twins: bool = True,
) -> sf.PythonFunction:
    """The wire message of ``f``: :func:`pickled` (with ``twins``), with what the server
    needs to run it."""
    return sf.PythonFunction(
        command=pickled(f, twins),
        eval_type=eval_type,
        return_type=_type_text(return_type),
        python_version=python_version(),
        deterministic=deterministic,
        name=name or _name(f),
    )


def not_callable(f: Any, arg_name: str = "func") -> PySparkTypeError:
    return wrong_type("NOT_CALLABLE", arg_name, f)


class UserDefinedFunction:
    """A Python UDF: calling it with columns gives the Column of its results."""

    def __init__(
        self,
        func: Callable[..., Any],
        returnType: DataType | str = _STRING,
        name: str | None = None,
        evalType: int = PythonEvalType.SQL_BATCHED_UDF,
        deterministic: bool = True,
    ) -> None:
        if not callable(func):
            raise not_callable(func)
        _type_text(returnType)
        self.func = func
        self._returnType = returnType
        self._name = name or _name(func)
        self.evalType = evalType
        self.deterministic = deterministic
        functools.update_wrapper(self, func)  # type: ignore[arg-type]

    @property
    def returnType(self) -> DataType | str:
        """The return type as a DataType; a DDL string the client cannot parse stays as
        given (the server's Spark parses it)."""
        if isinstance(self._returnType, str):
            try:
                return parse_ddl_type(self._returnType)
            except ValueError:
                return self._returnType
        return self._returnType

    def __call__(self, *cols: Any) -> Column:
        args = tuple(column_expr(c) for c in cols)
        return Column(PythonUDF(self._message().SerializeToString(), args, self._name))

    def asNondeterministic(self) -> UserDefinedFunction:
        self.deterministic = False
        return self

    def _message(self, name: str | None = None) -> sf.PythonFunction:
        return python_function(
            self.func, self.evalType, self._returnType, name or self._name, self.deterministic
        )


# ---------------------------------------------------------------- type hints


def _is_pandas(hint: Any) -> bool:
    """``pandas.Series``, ``pandas.DataFrame`` or a union of them."""
    if typing.get_origin(hint) is typing.Union:
        return all(_is_pandas(a) for a in typing.get_args(hint))
    return getattr(hint, "__module__", "").startswith("pandas") and getattr(
        hint, "__name__", ""
    ) in ("Series", "DataFrame")


def _is_arrow(hint: Any) -> bool:
    """``pyarrow.Array``."""
    return (
        getattr(hint, "__module__", "").startswith("pyarrow")
        and getattr(hint, "__name__", "") == "Array"
    )


def _is_iterator(hint: Any) -> bool:
    return typing.get_origin(hint) in (collections.abc.Iterator, collections.abc.Iterable)


def _iterated(hint: Any) -> Any:
    args = typing.get_args(hint)
    return args[0] if args else None


@dataclass(frozen=True)
class _Kind:
    """The values a kind of vectorized UDF takes, and its eval types."""

    is_value: Callable[[Any], bool]
    scalar: int
    scalar_iter: int
    grouped_agg: int

    def is_batch(self, hint: Any) -> bool:
        """What a scalar iterator UDF iterates: a value or a tuple of them."""
        if typing.get_origin(hint) is tuple:
            return all(self.is_value(a) for a in typing.get_args(hint) if a is not Ellipsis)
        return self.is_value(hint)

    def eval_type(self, arguments: list[Any], result: Any) -> int | None:
        if arguments and all(self.is_value(a) for a in arguments):
            if self.is_value(result):
                return self.scalar
            if not _is_iterator(result):
                return self.grouped_agg
        if (
            len(arguments) == 1
            and _is_iterator(arguments[0])
            and self.is_batch(_iterated(arguments[0]))
            and _is_iterator(result)
            and self.is_value(_iterated(result))
        ):
            return self.scalar_iter
        return None


_PANDAS = _Kind(
    _is_pandas,
    PythonEvalType.SQL_SCALAR_PANDAS_UDF,
    PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF,
    PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF,
)
_ARROW = _Kind(
    _is_arrow,
    PythonEvalType.SQL_SCALAR_ARROW_UDF,
    PythonEvalType.SQL_SCALAR_ARROW_ITER_UDF,
    PythonEvalType.SQL_GROUPED_AGG_ARROW_UDF,
)


def infer_eval_type(
    f: Callable[..., Any], kinds: tuple[_Kind, ...] = (_PANDAS, _ARROW)
) -> int | None:
    """The eval type PySpark infers from ``f``'s pandas or pyarrow type hints; None
    without such hints."""
    parameters = list(inspect.signature(f).parameters)
    try:
        hints = typing.get_type_hints(f)
    except (NameError, TypeError):
        return None
    if not hints or "return" not in hints or any(p not in hints for p in parameters):
        return None
    arguments = [hints[p] for p in parameters]
    for kind in kinds:
        eval_type = kind.eval_type(arguments, hints["return"])
        if eval_type is not None:
            return eval_type
    return None


# ---------------------------------------------------------------- udf, pandas_udf


def udf(
    f: Callable[..., Any] | DataType | str | None = None,
    returnType: DataType | str = _STRING,
    *,
    useArrow: bool | None = None,
) -> Any:
    """A Python UDF, as ``pyspark.sql.functions.udf`` (also a decorator)."""

    def create(func: Callable[..., Any], return_type: DataType | str) -> UserDefinedFunction:
        if useArrow is None:
            # 0: the server's session decides Arrow or not, as PySpark's udf() does.
            eval_type = infer_eval_type(func) or PythonEvalType.NON_UDF
        elif useArrow:
            eval_type = PythonEvalType.SQL_ARROW_BATCHED_UDF
        else:
            eval_type = PythonEvalType.SQL_BATCHED_UDF
        return UserDefinedFunction(func, return_type, evalType=eval_type)

    if f is None or isinstance(f, (str, DataType)):
        return_type = returnType if f is None else f
        return functools.partial(create, return_type=return_type)
    return create(f, returnType)


def _vectorized(kind: _Kind, api: str, values: str) -> Callable[..., Any]:
    """``pandas_udf`` or ``arrow_udf``: the eval type comes from ``functionType`` or the
    function's type hints."""

    def create_udf(f: Any = None, returnType: Any = None, functionType: int | None = None) -> Any:
        if f is None or isinstance(f, (str, DataType)):
            return_type = f or returnType
            eval_type = functionType
            if eval_type is None and isinstance(returnType, int):
                eval_type = returnType
        else:
            return_type, eval_type = returnType, functionType
        if return_type is None:
            raise cannot_be_none("returnType")

        def create(func: Callable[..., Any]) -> UserDefinedFunction:
            chosen = eval_type if eval_type is not None else infer_eval_type(func, (kind,))
            if chosen is None:
                detail = (
                    f"Type hints for the {api} `{_name(func)}` are missing or unsupported; "
                    f"give {values} (or an iterator of them) as hints, or a functionType."
                )
                raise PySparkValueError(
                    errorClass=f"INVALID_{api.split('_')[0].upper()}_UDF",
                    messageParameters={"detail": detail},
                )
            return UserDefinedFunction(func, return_type, evalType=chosen)

        if f is None or isinstance(f, (str, DataType)):
            return create
        return create(f)

    create_udf.__name__ = create_udf.__qualname__ = api
    create_udf.__doc__ = f"A {api.split('_')[0]} UDF, as ``pyspark.sql.functions.{api}``."
    return create_udf


pandas_udf = _vectorized(_PANDAS, "pandas_udf", "pandas.Series")
arrow_udf = _vectorized(_ARROW, "arrow_udf", "pyarrow.Array")


# ---------------------------------------------------------------- registration


class UDFRegistration:
    """``spark.udf``: register Python functions under a name, for SQL and ``call_udf``."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session

    def register(
        self,
        name: str,
        f: Callable[..., Any] | UserDefinedFunction,
        returnType: DataType | str | None = None,
    ) -> UserDefinedFunction:
        if isinstance(f, UserDefinedFunction):
            if returnType is not None:
                raise PySparkTypeError(
                    errorClass="CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF",
                    messageParameters={"arg_name": "f", "return_type": str(returnType)},
                )
            registered = UserDefinedFunction(
                f.func, f.returnType, name, f.evalType, f.deterministic
            )
        else:
            if not callable(f):
                raise not_callable(f, "f")
            registered = UserDefinedFunction(
                f,
                returnType if returnType is not None else StringType(),
                name,
                PythonEvalType.SQL_BATCHED_UDF,
            )
        _register(self._session, registered._message(name))
        return registered

    def registerJavaFunction(self, *args: Any, **kwargs: Any) -> None:
        raise not_supported("spark.udf.registerJavaFunction")

    def registerJavaUDAF(self, *args: Any, **kwargs: Any) -> None:
        raise not_supported("spark.udf.registerJavaUDAF")


def check_protocol(
    session: SparkSession, feature: str, protocol: int = PYTHON_FUNCTIONS.version
) -> None:
    """Refuse ``feature`` on a server older than ``protocol`` (by default the one that
    brings Python functions)."""
    if session._server_protocol < protocol:
        raise not_supported(f"{feature} with a server of protocol older than {protocol}")


def _register(session: SparkSession, function: sf.PythonFunction) -> None:
    check_protocol(session, "Registering a Python function")
    if function.eval_type == PythonEvalType.SQL_ARROW_UDTF:
        check_protocol(session, "Registering an arrow_udtf", UDTF_TABLE_ARGUMENTS.version)
    command = sf.CommandRequest(register_function=sf.RegisterFunctionCommand(function=function))
    session._connection.action(COMMAND, command)


# ---------------------------------------------------------------- UDTFs


#: What PySpark checks of a UDTF class, in order: the error class and what the class lacks
#: for it (given the class and its return type).
_UDTF_CHECKS: tuple[tuple[str, Callable[[type, Any], bool]], ...] = (
    (
        "INVALID_UDTF_NO_EVAL",
        lambda c, r: not hasattr(c, "eval"),
    ),
    (
        "INVALID_UDTF_RETURN_TYPE",
        lambda c, r: (
            r is None and not isinstance(inspect.getattr_static(c, "analyze", None), staticmethod)
        ),
    ),
    (
        "INVALID_UDTF_BOTH_RETURN_TYPE_AND_ANALYZE",
        lambda c, r: r is not None and hasattr(c, "analyze"),
    ),
)


def _validate_udtf(cls: Any, return_type: Any) -> None:
    """Refuse a UDTF class as PySpark does."""
    if not isinstance(cls, type):
        raise PySparkTypeError(
            errorClass="INVALID_UDTF_HANDLER_TYPE",
            messageParameters={"type": type(cls).__name__},
        )
    for error, fails in _UDTF_CHECKS:
        if fails(cls, return_type):
            raise PySparkAttributeError(errorClass=error, messageParameters={"name": cls.__name__})


class UserDefinedTableFunction:
    """A Python UDTF: calling it with columns gives the DataFrame of its rows."""

    def __init__(
        self,
        func: type,
        returnType: DataType | str | None,
        name: str | None = None,
        evalType: int = PythonEvalType.SQL_TABLE_UDF,
        deterministic: bool = True,
    ) -> None:
        _validate_udtf(func, returnType)
        _type_text(returnType)
        self.func = func
        self.returnType = returnType
        self._name = name or _name(func)
        self.evalType = evalType
        self.deterministic = deterministic

    def _message(self, name: str | None = None) -> sf.PythonFunction:
        return python_function(
            self.func, self.evalType, self.returnType, name or self._name, self.deterministic
        )

    def __call__(self, *args: ColumnOrName | TableArg) -> DataFrame:
        """The rows of the UDTF for ``args``: columns, or tables (``df.asTable()``), in the
        session of the first table, else the active session."""
        from sparkflight.client.dataframe import DataFrame
        from sparkflight.client.session import SparkSession

        tables = [a._session for a in args if isinstance(a, TableArg)]
        session = tables[0] if tables else SparkSession.getActiveSession()
        if session is None:
            raise PySparkValueError(
                messageParameters={},
                errorClass="NO_ACTIVE_SESSION",
            )
        check_protocol(session, "A Python UDTF")
        arguments = [a._argument if isinstance(a, TableArg) else column_expr(a) for a in args]
        relation = PythonTableFunction(function=self._message(), arguments=arguments)
        return DataFrame(relation, session)

    def asDeterministic(self) -> UserDefinedTableFunction:
        self.deterministic = True
        return self


def udtf(
    cls: type | None = None,
    *,
    returnType: DataType | str | None = None,
    useArrow: bool | None = None,
) -> Any:
    """A Python UDTF, as ``pyspark.sql.functions.udtf`` (also a class decorator)."""
    eval_type = PythonEvalType.SQL_ARROW_TABLE_UDF if useArrow else PythonEvalType.SQL_TABLE_UDF

    def create(c: type) -> UserDefinedTableFunction:
        return UserDefinedTableFunction(c, returnType, evalType=eval_type)

    return create if cls is None else create(cls)


def arrow_udtf(cls: type | None = None, *, returnType: DataType | str | None = None) -> Any:
    """A PyArrow-native Python UDTF, as ``pyspark.sql.functions.arrow_udtf`` (also a class
    decorator): ``eval`` takes ``pyarrow.Array`` (a ``pyarrow.RecordBatch`` for a table
    argument) and yields ``pyarrow.Table`` or ``RecordBatch``. It needs a returnType."""

    def create(c: type) -> UserDefinedTableFunction:
        _validate_udtf(c, returnType)
        if hasattr(c, "analyze"):
            raise PySparkAttributeError(
                errorClass="INVALID_ARROW_UDTF_WITH_ANALYZE",
                messageParameters={"name": _name(c)},
            )
        return UserDefinedTableFunction(c, returnType, evalType=PythonEvalType.SQL_ARROW_UDTF)

    return create if cls is None else create(cls)


class UDTFRegistration:
    """``spark.udtf``: register Python UDTFs under a name, for SQL."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session

    def register(self, name: str, f: UserDefinedTableFunction) -> UserDefinedTableFunction:
        if not isinstance(f, UserDefinedTableFunction):
            raise PySparkTypeError(
                errorClass="CANNOT_REGISTER_UDTF",
                messageParameters={"name": name},
            )
        registered = UserDefinedTableFunction(
            f.func, f.returnType, name, f.evalType, f.deterministic
        )
        _register(self._session, registered._message(name))
        return registered
