"""``spark.tvf``: Spark's table-valued functions as DataFrames."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sparkflight.client import plan
from sparkflight.client.column import Column, column_expr
from sparkflight.client.errors import (
    PySparkTypeError,
    cannot_be_empty,
    wrong_type,
)

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession


def _table_function(name: str, arity: int | None) -> Callable[..., DataFrame]:
    """A method calling the table-valued function ``name`` with ``arity`` Column arguments
    (``None``: one or more)."""

    def method(self: TableValuedFunction, *args: Column) -> DataFrame:
        if arity is not None and len(args) != arity:
            raise PySparkTypeError(
                errorClass="WRONG_NUM_ARGS",
                messageParameters={
                    "function": name,
                    "expected": str(arity),
                    "given": str(len(args)),
                },
            )
        for arg in args:
            if not isinstance(arg, Column):
                raise wrong_type("NOT_COLUMN", name, arg)
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
            raise cannot_be_empty("field")
        return _table_function("json_tuple", None)(self, input, *fields)
