"""Every function of ``pyspark.sql.functions``, built from a table.

Most functions call the Spark function of the same SQL name with the user's
arguments; :data:`sparkflight.client._function_signatures.SIGNATURES` says, per parameter,
whether an argument is a column (a ``str`` names a column) or a literal (a
``str`` is a string value). The functions whose SQL name or argument handling
differs are written out below and take precedence over the table. Python UDFs and
UDTFs come from :mod:`sparkflight.client.udf`; the Arrow UDFs and the UDTF analysis classes raise
:class:`~client.errors.PySparkNotImplementedError`.
"""

from __future__ import annotations

import decimal
import inspect
import random
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sparkflight.client._function_signatures import OMITTED, SIGNATURES
from sparkflight.client.column import Column, ColumnOrName, column_expr, name_to_expr, to_expr
from sparkflight.client.column import flatten as _flatten_args
from sparkflight.client.errors import PySparkTypeError, PySparkValueError, not_supported, wrong_type
from sparkflight.client.expressions import (
    Call,
    CaseWhen,
    Expr,
    LambdaFunction,
    LambdaVariable,
    Literal,
    SortOrder,
    SqlExpression,
    Star,
)
from sparkflight.client.types import DataType
from sparkflight.client.udf import ArrowUDFType as ArrowUDFType
from sparkflight.client.udf import PandasUDFType as PandasUDFType
from sparkflight.client.udf import UserDefinedFunction as UserDefinedFunction
from sparkflight.client.udf import UserDefinedTableFunction as UserDefinedTableFunction
from sparkflight.client.udf import arrow_udf as arrow_udf
from sparkflight.client.udf import arrow_udtf as arrow_udtf
from sparkflight.client.udf import pandas_udf as pandas_udf
from sparkflight.client.udf import udf as udf
from sparkflight.client.udf import udtf as udtf

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame

_REQUIRED = "<required>"
_RANDOM_SEED = "<random seed>"

#: The argument PySpark passes for a parameter left out when a later one is given:
#: (function, parameter) -> the value, or ``(parameter,)`` to repeat that one's argument.
_BEFORE_LATER: dict[tuple[str, str], Any] = {
    ("instr", "start"): 1,
    ("window", "slideDuration"): ("windowDuration",),
}


def _literal_arg(value: Any) -> Expr:
    """A literal argument: a Column stays, a DataType is its JSON, a mapping is a map."""
    if isinstance(value, Column):
        return value._expr
    if isinstance(value, DataType):
        return Literal(value.json())
    if isinstance(value, Mapping):
        entries: list[Expr] = []
        for key, item in value.items():
            entries += [Literal(str(key)), Literal(str(item))]
        return Call("map", tuple(entries))
    return Literal(value)


def _column_arg(value: Any) -> Expr:
    """A column argument: a str names a column; numbers and other values are literals."""
    if isinstance(value, (Column, str)):
        return column_expr(value)
    return _literal_arg(value)


#: Omitted arguments that :data:`OMITTED` (read from PySpark's source) cannot say: the
#: decimal zero seconds PySpark sends, which Spark's own default would name ``0.000000``.
_OMITTED_SECONDS = {"secs": decimal.Decimal(0)}
_WITH_SECONDS = ("make_interval", "try_make_interval", "make_dt_interval")


def _omitted(name: str) -> dict[str, Any]:
    """What PySpark sends for each optional argument of ``name`` left out."""
    table = OMITTED.get(name, {})
    return {**table, **_OMITTED_SECONDS} if name in _WITH_SECONDS else table


#: Parameters whose ``str`` PySpark sends as a string value, though typed ColumnOrName.
_KINDS: dict[tuple[str, str], str] = {("st_asbinary", "endianness"): "literal"}


def _bind(
    name: str, parameters: tuple[tuple[str, str, Any], ...], args: tuple, kwargs: dict
) -> list[Expr]:
    """The argument expressions of a call, by the parameter kinds of ``name``; an omitted
    optional argument is what PySpark sends for it (:func:`_omitted`), or left out."""
    positional = list(args)
    values: list[tuple[str, Any, bool]] = []
    given: dict[str, Any] = {}
    omitted = _omitted(name)
    for parameter, kind, default in parameters:
        if kind.endswith("s"):  # *args
            rest = _flatten_args(tuple(positional))
            positional = []
            values += [(kind[:-1], v, True) for v in rest]
            continue
        if positional:
            value = positional.pop(0)
        elif parameter in kwargs:
            value = kwargs.pop(parameter)
        elif default == _REQUIRED:
            raise PySparkTypeError(
                errorClass="WRONG_ARGUMENTS",
                messageParameters={
                    "function": name,
                    "detail": f"missing required argument: '{parameter}'",
                },
            )
        else:
            value = default
        if value is None and parameter in omitted:
            seed = omitted[parameter] == _RANDOM_SEED
            value = lit(random.randint(0, sys.maxsize) if seed else omitted[parameter])
        given[parameter] = value
        kind = _KINDS.get((name, parameter), kind)
        values.append((kind, value, default == _REQUIRED))
    if positional or kwargs:
        raise PySparkTypeError(
            errorClass="WRONG_ARGUMENTS",
            messageParameters={"function": name, "detail": "got unexpected arguments"},
        )
    while values and values[-1][1] is None and not values[-1][2]:
        values.pop()
    for index, parameter in enumerate(list(given)[: len(values)]):
        fill = _BEFORE_LATER.get((name, parameter))
        if values[index][1] is None and fill is not None:
            value = given[fill[0]] if isinstance(fill, tuple) else fill
            values[index] = (values[index][0], value, values[index][2])
    exprs: list[Expr] = []
    for kind, value, _ in values:
        if kind == "function":
            exprs.append(_lambda(value))
        else:
            exprs.append(_column_arg(value) if kind == "column" else _literal_arg(value))
    return exprs


#: The names PySpark gives the parameters of a lambda, in order.
_LAMBDA_VARIABLES = ("x", "y", "z")
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _lambda(f: Callable[..., Column]) -> Expr:
    """A Python function of 1 to 3 Columns as a lambda expression Spark resolves."""
    if not callable(f):
        raise wrong_type("NOT_CALLABLE", "f", f)
    parameters = inspect.signature(f).parameters.values()
    func_name = getattr(f, "__name__", repr(f))
    if not 1 <= len(parameters) <= len(_LAMBDA_VARIABLES):
        raise PySparkValueError(
            errorClass="WRONG_NUM_ARGS_FOR_HIGHER_ORDER_FUNCTION",
            messageParameters={"func_name": func_name, "num_args": str(len(parameters))},
        )
    if not all(p.kind in _POSITIONAL for p in parameters):
        raise PySparkValueError(
            errorClass="UNSUPPORTED_PARAM_TYPE_FOR_HIGHER_ORDER_FUNCTION",
            messageParameters={"func_name": func_name},
        )
    names = _LAMBDA_VARIABLES[: len(parameters)]
    result = f(*(Column(LambdaVariable(n)) for n in names))
    if not isinstance(result, Column):
        raise PySparkValueError(
            errorClass="HIGHER_ORDER_FUNCTION_SHOULD_RETURN_COLUMN",
            messageParameters={"func_name": func_name, "return_type": type(result).__name__},
        )
    return LambdaFunction(result._expr, tuple(names))


def _generic(name: str) -> Callable[..., Column]:
    sql_name, parameters = SIGNATURES[name]

    def function(*args: Any, **kwargs: Any) -> Column:
        return Column(Call(sql_name, tuple(_bind(name, parameters, args, kwargs))))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Spark's ``{sql_name}`` function, as ``pyspark.sql.functions.{name}``."
    return function


def _unsupported_class(name: str) -> type:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        raise not_supported(f"pyspark.sql.functions.{name}")

    return type(name, (), {"__init__": __init__, "__doc__": "Not supported by sparkflight."})


# -------------------------------------------------------------- written out


def col(col: str) -> Column:
    return Column(name_to_expr(col))


column = col


def lit(col: Any) -> Column:
    if isinstance(col, Column):
        return col
    return Column(Literal(col))


def expr(str: str) -> Column:
    return Column(SqlExpression(str))


def when(condition: Column, value: Any) -> Column:
    if not isinstance(condition, Column):
        raise wrong_type("NOT_COLUMN", "condition", condition)
    return Column(CaseWhen(((condition._expr, to_expr(value)),)))


def broadcast(df: DataFrame) -> DataFrame:
    return df.hint("broadcast")


def _sort(ascending: bool, nulls_first: bool | None) -> Callable[[ColumnOrName], Column]:
    def function(col: ColumnOrName) -> Column:
        return Column(SortOrder(column_expr(col), ascending, nulls_first))

    return function


asc = _sort(True, None)
asc_nulls_first = _sort(True, True)
asc_nulls_last = _sort(True, False)
desc = _sort(False, None)
desc_nulls_first = _sort(False, True)
desc_nulls_last = _sort(False, False)


def count(col: ColumnOrName) -> Column:
    """``count(col)``; ``count("*")`` counts rows, as ``count(1)``."""
    expr_ = column_expr(col)
    if isinstance(expr_, Star) and expr_.target is None:
        return Column(Call("count", (Literal(1),), display="count(*)"))
    return Column(Call("count", (expr_,)))


def count_distinct(col: ColumnOrName, *cols: ColumnOrName) -> Column:
    args = tuple(column_expr(c) for c in (col, *cols))
    return Column(Call("count", args, distinct=True))


countDistinct = count_distinct


def sum_distinct(col: ColumnOrName) -> Column:
    return Column(Call("sum", (column_expr(col),), distinct=True))


sumDistinct = sum_distinct


def _distinct_concat(sql_name: str) -> Callable[..., Column]:
    def function(col: ColumnOrName, delimiter: Column | str | bytes | None = None) -> Column:
        args = [column_expr(col)] + ([_literal_arg(delimiter)] if delimiter is not None else [])
        return Column(Call(sql_name, tuple(args), distinct=True))

    return function


listagg_distinct = _distinct_concat("listagg")
string_agg_distinct = _distinct_concat("string_agg")


def _trimming(sql_name: str) -> Callable[..., Column]:
    """``trim``, ``ltrim``, ``rtrim``: Spark's two-argument form takes the characters to
    trim first, as PySpark sends it."""

    def function(col: ColumnOrName, trim: ColumnOrName | None = None) -> Column:
        if trim is None:
            return Column(Call(sql_name, (column_expr(col),)))
        return Column(Call(sql_name, (column_expr(trim), column_expr(col))))

    function.__name__ = function.__qualname__ = sql_name
    return function


trim = _trimming("trim")
ltrim = _trimming("ltrim")
rtrim = _trimming("rtrim")


def log(arg1: ColumnOrName | float, arg2: ColumnOrName | None = None) -> Column:
    """``log(col)`` is the natural logarithm; ``log(base, col)`` takes a base, a value (a
    ``str`` base is a string, as in PySpark, not a column's name)."""
    if arg2 is None:
        return Column(Call("ln", (_column_arg(arg1),)))
    return Column(Call("log", (_literal_arg(arg1), _column_arg(arg2))))


def unix_timestamp(
    timestamp: ColumnOrName | None = None, format: str = "yyyy-MM-dd HH:mm:ss"
) -> Column:
    """``unix_timestamp()`` is the current time's, whatever ``format``, as in PySpark."""
    if timestamp is None:
        return Column(Call("unix_timestamp", ()))
    return Column(Call("unix_timestamp", (column_expr(timestamp), Literal(format))))


def convert_timezone(sourceTz: Column | None, targetTz: Column, sourceTs: ColumnOrName) -> Column:
    """Without ``sourceTz``, Spark converts from the session's time zone."""
    zones = [_literal_arg(tz) for tz in (sourceTz, targetTz) if tz is not None]
    return Column(Call("convert_timezone", (*zones, _column_arg(sourceTs))))


def chr(n: ColumnOrName) -> Column:
    return Column(Call("chr", (column_expr(n),)))


def uuid(seed: Column | int | None = None) -> Column:
    """A random UUID string per row; PySpark seeds it at random unless given a seed."""
    if seed is None:
        seed = random.randint(0, sys.maxsize)
    return Column(Call("uuid", (_literal_arg(seed),), display="uuid()"))


def call_function(funcName: str, *cols: ColumnOrName) -> Column:
    return Column(Call(funcName, tuple(column_expr(c) for c in cols)))


def call_udf(udfName: str, *cols: ColumnOrName) -> Column:
    return Column(Call(udfName, tuple(column_expr(c) for c in cols)))


_WRITTEN_OUT = {
    name
    for name, value in dict(globals()).items()
    if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == __name__
} | {"udf", "pandas_udf", "arrow_udf", "udtf", "arrow_udtf"}

#: Classes of UDTF analysis that need Python on the server.
_UNSUPPORTED_CLASSES = (
    "AnalyzeArgument AnalyzeResult OrderingColumn "
    "PartitioningColumn SelectedColumn SkipRestOfInputTableException"
).split()
_UDF_CLASSES = (
    "ArrowUDFType",
    "PandasUDFType",
    "UserDefinedFunction",
    "UserDefinedTableFunction",
)

for _name in SIGNATURES:
    if _name in _WRITTEN_OUT:
        continue
    globals()[_name] = _generic(_name)
for _name in _UNSUPPORTED_CLASSES:
    globals()[_name] = _unsupported_class(_name)

__all__ = sorted(set(SIGNATURES) | _WRITTEN_OUT | set(_UNSUPPORTED_CLASSES) | set(_UDF_CLASSES))
