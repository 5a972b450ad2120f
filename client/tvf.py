"""``spark.tvf``: Spark's table-valued functions as DataFrames."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sparkflight.client import plan
from sparkflight.client.column import Column, column_expr
from sparkflight.client.errors import PySparkTypeError, PySparkValueError

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession


def _table_function(name: str, arity: int | None) -> Callable[..., DataFrame]:
    """A method calling the table-valued function ``name`` with ``arity`` Column arguments
    (``None``: one or more)."""

    def method(self: TableValuedFunction, *args: Column) -> DataFrame:
        if arity is not None and len(args) != arity:
            raise PySparkTypeError(
                message=f"{name}() takes {arity} Column arguments, got {len(args)}.",
                errorClass="WRONG_NUM_ARGS",
            )
        for arg in args:
            if not isinstance(arg, Column):
                raise PySparkTypeError(
                    message=f"[NOT_COLUMN] Argument of {name} should be a Column, got "
                    f"{type(arg).__name__}.",
                    errorClass="NOT_COLUMN",
                    messageParameters={"arg_name": name, "arg_type": type(arg).__name__},
                )
        return self._session._df(
            plan.TableFunction(name=name, arguments=[column_expr(a) for a in args])
        )

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"Spark's table-valued function ``{name}``."
    return method


class TableValuedFunction:
    """``spark.tvf``: each method is the table-valued function of the same name."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session

    def range(
        self, start: int, end: int | None = None, step: int = 1, numPartitions: int | None = None
    ) -> DataFrame:
        return self._session.range(start, end, step, numPartitions)

    explode = _table_function("explode", 1)
    explode_outer = _table_function("explode_outer", 1)
    inline = _table_function("inline", 1)
    inline_outer = _table_function("inline_outer", 1)
    posexplode = _table_function("posexplode", 1)
    posexplode_outer = _table_function("posexplode_outer", 1)
    variant_explode = _table_function("variant_explode", 1)
    variant_explode_outer = _table_function("variant_explode_outer", 1)
    stack = _table_function("stack", None)
    collations = _table_function("collations", 0)
    sql_keywords = _table_function("sql_keywords", 0)
    python_worker_logs = _table_function("python_worker_logs", 0)

    def json_tuple(self, input: Column, *fields: Column) -> DataFrame:
        if not fields:
            raise PySparkValueError(
                message="[CANNOT_BE_EMPTY] At least one field must be specified.",
                errorClass="CANNOT_BE_EMPTY",
                messageParameters={"item": "field"},
            )
        return _table_function("json_tuple", None)(self, input, *fields)
