"""``GroupedData``: the result of groupBy/rollup/cube/groupingSets/pivot, before agg."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from client import plan
from client.column import Column, column_expr
from client.errors import PySparkTypeError, PySparkValueError, not_supported, unavailable_method
from client.expressions import Alias, Call, Expr, Literal, Star
from client.types import NumericType

if TYPE_CHECKING:
    from client.dataframe import DataFrame


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _java_string_hash(text: str) -> int:
    h = 0
    for unit in text.encode("utf-16-be").hex(" ", 2).split():
        h = _int32(31 * h + int(unit, 16))
    return h


def _java_hash_map_order(keys: list[str]) -> list[str]:
    """The iteration order of a ``java.util.HashMap`` with ``keys`` put in this order."""
    capacity = 16
    while len(keys) > capacity * 3 // 4:
        capacity *= 2

    def bucket(key: str) -> int:
        h = _java_string_hash(key) & 0xFFFFFFFF
        return (h ^ (h >> 16)) & (capacity - 1)

    return sorted(keys, key=bucket)  # sorted() is stable: insertion order within a bucket


def _scala_improve(h: int) -> int:
    h = _int32(h + ~_int32(h << 9))
    h = _int32(h ^ ((h & 0xFFFFFFFF) >> 14))
    h = _int32(h + _int32(h << 4))
    return _int32(h ^ ((h & 0xFFFFFFFF) >> 10))


def _scala_hash_map_order(keys: list[str], shift: int = 0) -> list[str]:
    """The iteration order of Scala 2.13's immutable HashMap (a CHAMP trie) of ``keys``."""
    if shift >= 32:
        return keys
    groups: dict[int, list[str]] = {}
    for key in keys:
        mask = ((_scala_improve(_java_string_hash(key)) & 0xFFFFFFFF) >> shift) & 31
        groups.setdefault(mask, []).append(key)
    payload = [group[0] for _, group in sorted(groups.items()) if len(group) == 1]
    nodes = [group for _, group in sorted(groups.items()) if len(group) > 1]
    return payload + [k for group in nodes for k in _scala_hash_map_order(group, shift + 5)]


def spark_map_order(keys: list[str]) -> list[str]:
    """The order in which Spark reads a Python dict of ``agg({...})``.

    PySpark hands the dict to the JVM as a ``java.util.HashMap``, which Spark turns into
    a Scala immutable ``Map``: insertion ordered up to four entries, a hash trie above.
    """
    ordered = _java_hash_map_order(keys)
    return ordered if len(ordered) <= 4 else _scala_hash_map_order(ordered)


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
            mapping = exprs[0]
            aggregates = [_dict_aggregate(c, mapping[c]) for c in spark_map_order(list(mapping))]
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
            self._df,
            "pivot",
            self._keys,
            pivot_column=column_expr(pivot_col),
            pivot_values=pivot_values,
        )

    apply = unavailable_method("GroupedData.apply", not_supported)
    applyInPandas = unavailable_method("GroupedData.applyInPandas", not_supported)
    applyInArrow = unavailable_method("GroupedData.applyInArrow", not_supported)
    cogroup = unavailable_method("GroupedData.cogroup", not_supported)
    applyInPandasWithState = unavailable_method(
        "GroupedData.applyInPandasWithState", not_supported
    )
    transformWithState = unavailable_method("GroupedData.transformWithState", not_supported)
    transformWithStateInPandas = unavailable_method(
        "GroupedData.transformWithStateInPandas", not_supported
    )
