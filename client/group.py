"""``GroupedData``: the result of groupBy/rollup/cube/groupingSets/pivot, before agg."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from client import plan
from client.column import Column, column_expr
from client.errors import PySparkTypeError, PySparkValueError, not_supported
from client.expressions import Alias, Call, Expr, Literal, Star
from client.types import NumericType

if TYPE_CHECKING:
    from client.dataframe import DataFrame


def _dict_aggregate(column: str, function: str) -> Expr:
    """``{"x": "max"}`` as PySpark reads it: ``max(x)``; ``{"*": "count"}`` is count(1)."""
    argument = column_expr(column)
    if isinstance(argument, Star) and function.lower() == "count":
        argument = Literal(1)
    return Call(function, (argument,))


class GroupedData:
    """Groups of a DataFrame's rows, to aggregate with :meth:`agg` and friends."""

    def __init__(
        self,
        df: DataFrame,
        group_type: str,
        keys: Sequence[Expr],
        grouping_sets: Sequence[Sequence[int]] = (),
        pivot_column: Expr | None = None,
        pivot_values: Sequence[Expr] = (),
    ) -> None:
        self._df = df
        self._group_type = group_type
        self._keys = list(keys)
        self._grouping_sets = [list(s) for s in grouping_sets]
        self._pivot_column = pivot_column
        self._pivot_values = list(pivot_values)

    def agg(self, *exprs: Column | dict[str, str]) -> DataFrame:
        if not exprs:
            raise PySparkValueError(
                message="[CANNOT_BE_EMPTY] At least one agg expression should be provided.",
                errorClass="CANNOT_BE_EMPTY",
                messageParameters={"item": "exprs"},
            )
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            aggregates = [_dict_aggregate(c, f) for c, f in exprs[0].items()]
        else:
            aggregates = []
            for e in exprs:
                if not isinstance(e, Column):
                    raise PySparkTypeError(
                        message="[NOT_COLUMN] Argument `exprs` should be a Column, got "
                        f"{type(e).__name__}.",
                        errorClass="NOT_COLUMN",
                        messageParameters={"arg_name": "exprs", "arg_type": type(e).__name__},
                    )
                aggregates.append(e._expr)
        return self._aggregate(aggregates)

    def _aggregate(self, aggregates: list[Expr]) -> DataFrame:
        relation = plan.Aggregate(
            child=self._df._relation,
            group_type=self._group_type,
            grouping=self._keys,
            aggregates=aggregates,
            pivot_column=self._pivot_column,
            pivot_values=self._pivot_values,
            grouping_sets=self._grouping_sets,
        )
        return self._df._with(relation)

    def count(self) -> DataFrame:
        return self._aggregate([Alias(Call("count", (Literal(1),)), ("count",))])

    def _numeric(self, function: str, cols: tuple[str, ...]) -> DataFrame:
        if not cols:
            cols = tuple(
                f.name for f in self._df.schema.fields if isinstance(f.dataType, NumericType)
            )
        return self._aggregate([Call(function, (column_expr(c),)) for c in cols])

    def mean(self, *cols: str) -> DataFrame:
        return self._numeric("avg", cols)

    avg = mean

    def max(self, *cols: str) -> DataFrame:
        return self._numeric("max", cols)

    def min(self, *cols: str) -> DataFrame:
        return self._numeric("min", cols)

    def sum(self, *cols: str) -> DataFrame:
        return self._numeric("sum", cols)

    def pivot(self, pivot_col: str | Column, values: list[Any] | None = None) -> GroupedData:
        if self._group_type != "groupby":
            raise PySparkValueError(
                message="[NOT_SUPPORTED] pivot() follows groupBy() only.",
                errorClass="NOT_SUPPORTED",
            )
        pivot_values = [v._expr if isinstance(v, Column) else Literal(v) for v in values or ()]
        return GroupedData(
            self._df, "pivot", self._keys, pivot_column=column_expr(pivot_col),
            pivot_values=pivot_values,
        )

    def apply(self, udf: Any) -> DataFrame:
        raise not_supported("GroupedData.apply")

    def applyInPandas(self, func: Any, schema: Any) -> DataFrame:
        raise not_supported("GroupedData.applyInPandas")

    def applyInArrow(self, func: Any, schema: Any) -> DataFrame:
        raise not_supported("GroupedData.applyInArrow")

    def cogroup(self, other: GroupedData) -> Any:
        raise not_supported("GroupedData.cogroup")
