"""``GroupedData``: the result of groupBy/rollup/cube/groupingSets/pivot, before agg."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sparkflight.client import plan, udf
from sparkflight.client.column import Column, column_expr
from sparkflight.client.errors import (
    PySparkTypeError,
    PySparkValueError,
    cannot_be_empty,
    expected_type,
    wrong_type,
)
from sparkflight.client.expressions import Alias, Call, Expr, Literal
from sparkflight.client.streaming.state import TIMEOUTS
from sparkflight.client.streaming.stateful_processor import StatefulProcessor
from sparkflight.client.types import NumericType, StructType
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import STATEFUL_GROUPS

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame


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
            raise cannot_be_empty("exprs")
        if len(exprs) == 1 and isinstance(exprs[0], dict):
            return self._aggregate([], by_name=list(exprs[0].items()))
        else:
            aggregates = []
            for e in exprs:
                if not isinstance(e, Column):
                    raise wrong_type("NOT_COLUMN", "exprs", e)
                aggregates.append(e._expr)
        return self._aggregate(aggregates)

    def _aggregate(
        self, aggregates: list[Expr], by_name: list[tuple[str, str]] | None = None
    ) -> DataFrame:
        """``aggregates`` of the groups; ``by_name``, ``agg(dict)``'s entries, Spark orders
        and reads on the server."""
        relation = plan.Aggregate(
            by_name=by_name or [],
            child=self._df._plan,
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
                errorClass="NOT_SUPPORTED", messageParameters={"feature": "pivot()"}
            )
        pivot_values = [v._expr if isinstance(v, Column) else Literal(v) for v in values or ()]
        return GroupedData(
            self._df,
            "pivot",
            self._keys,
            pivot_column=column_expr(pivot_col),
            pivot_values=pivot_values,
        )

    def _function(
        self, feature: str, func: Callable[..., Any], schema: StructType | str, eval_type: int
    ) -> sf.PythonFunction:
        udf.check_protocol(self._df._session, feature)
        if self._group_type != "groupby":
            raise PySparkValueError(
                errorClass="NOT_SUPPORTED", messageParameters={"feature": feature}
            )
        if not callable(func):
            raise udf.not_callable(func)
        return udf.python_function(func, eval_type, schema)

    def applyInPandas(self, func: Callable[..., Any], schema: StructType | str) -> DataFrame:
        """Spark's Python workers call ``func`` with each group as a pandas DataFrame (and
        the key first, when it takes two arguments); it returns a DataFrame of ``schema``."""
        eval_type = udf.PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF
        function = self._function("GroupedData.applyInPandas", func, schema, eval_type)
        return self._df._with(
            plan.GroupMap(child=self._df._plan, function=function, grouping=self._keys)
        )

    def applyInArrow(self, func: Callable[..., Any], schema: StructType | str) -> DataFrame:
        """As :meth:`applyInPandas`, with each group as a pyarrow Table."""
        eval_type = udf.PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF
        function = self._function("GroupedData.applyInArrow", func, schema, eval_type)
        return self._df._with(
            plan.GroupMap(child=self._df._plan, function=function, grouping=self._keys)
        )

    def apply(self, udf_: udf.UserDefinedFunction) -> DataFrame:
        """A GROUPED_MAP pandas UDF over each group (PySpark's older applyInPandas)."""
        if (
            not isinstance(udf_, udf.UserDefinedFunction)
            or udf_.evalType != udf.PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF
        ):
            raise PySparkTypeError(
                errorClass="INVALID_UDF_EVAL_TYPE",
                messageParameters={"eval_type": "SQL_GROUPED_MAP_PANDAS_UDF"},
            )
        return self.applyInPandas(udf_.func, udf_._returnType)

    def cogroup(self, other: GroupedData) -> PandasCogroupedOps:
        """This DataFrame's groups with ``other``'s of the same key, for applyInPandas."""
        return PandasCogroupedOps(self, other)

    def applyInPandasWithState(
        self,
        func: Callable[..., Any],
        outputStructType: StructType | str,
        stateStructType: StructType | str,
        outputMode: str,
        timeoutConf: str,
    ) -> DataFrame:
        """Spark's Python workers call ``func(key, pdfs, state)`` per group of a streaming
        DataFrame, with the group's ``GroupState`` of ``stateStructType``; it yields pandas
        DataFrames of ``outputStructType``."""
        if timeoutConf not in TIMEOUTS:
            raise PySparkValueError(
                errorClass="INVALID_TIMEOUT_CONF",
                messageParameters={
                    "timeout_conf": repr(timeoutConf),
                    "allowed_values": str(list(TIMEOUTS)),
                },
            )
        eval_type = udf.PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE
        feature = "GroupedData.applyInPandasWithState"
        udf.check_protocol(self._df._session, feature, STATEFUL_GROUPS.version)
        function = self._function(feature, func, outputStructType, eval_type)
        state_schema = (
            stateStructType.json() if isinstance(stateStructType, StructType) else stateStructType
        )
        relation = plan.StatefulGroupMap(
            child=self._df._plan,
            function=function,
            grouping=self._keys,
            output_mode=outputMode,
            state_schema=state_schema,
            timeout_conf=timeoutConf,
        )
        return self._df._with(relation)

    def _transform_with_state(
        self,
        feature: str,
        eval_type: int,
        processor: StatefulProcessor,
        schema: StructType | str,
        outputMode: str,
        timeMode: str,
        initialState: GroupedData | None,
        eventTimeColumnName: str,
    ) -> DataFrame:
        if not isinstance(processor, StatefulProcessor):
            raise expected_type("statefulProcessor", "a StatefulProcessor", processor)
        if initialState is not None and not isinstance(initialState, GroupedData):
            raise expected_type("initialState", "a GroupedData", initialState)
        udf.check_protocol(self._df._session, feature, STATEFUL_GROUPS.version)
        function = udf.python_function(processor, eval_type, schema)
        relation = plan.StatefulGroupMap(
            child=self._df._plan,
            function=function,
            grouping=self._keys,
            output_mode=outputMode,
            time_mode=timeMode,
            event_time_column=eventTimeColumnName,
            initial_state=None if initialState is None else initialState._df._plan,
            initial_state_grouping=() if initialState is None else initialState._keys,
        )
        return self._df._with(relation)

    def transformWithStateInPandas(
        self,
        statefulProcessor: StatefulProcessor,
        outputStructType: StructType | str,
        outputMode: str,
        timeMode: str,
        initialState: GroupedData | None = None,
        eventTimeColumnName: str = "",
    ) -> DataFrame:
        """Spark's Python workers run ``statefulProcessor`` per grouping key, with its rows
        as pandas DataFrames and state variables kept by Spark's state store."""
        return self._transform_with_state(
            "GroupedData.transformWithStateInPandas",
            udf.PythonEvalType.SQL_TRANSFORM_WITH_STATE_PANDAS_UDF,
            statefulProcessor,
            outputStructType,
            outputMode,
            timeMode,
            initialState,
            eventTimeColumnName,
        )

    def transformWithState(
        self,
        statefulProcessor: StatefulProcessor,
        outputStructType: StructType | str,
        outputMode: str,
        timeMode: str,
        initialState: GroupedData | None = None,
        eventTimeColumnName: str = "",
    ) -> DataFrame:
        """As :meth:`transformWithStateInPandas`, with the rows as ``Row`` objects."""
        return self._transform_with_state(
            "GroupedData.transformWithState",
            udf.PythonEvalType.SQL_TRANSFORM_WITH_STATE_PYTHON_ROW_UDF,
            statefulProcessor,
            outputStructType,
            outputMode,
            timeMode,
            initialState,
            eventTimeColumnName,
        )


class PandasCogroupedOps:
    """Two DataFrames grouped by matching keys: ``df1.groupBy(...).cogroup(df2.groupBy(...))``."""

    def __init__(self, left: GroupedData, right: GroupedData) -> None:
        self._left = left
        self._right = right

    def _apply(
        self, feature: str, func: Callable[..., Any], schema: StructType | str, eval_type: int
    ) -> DataFrame:
        function = self._left._function(feature, func, schema, eval_type)
        relation = plan.CoGroupMap(
            left=self._left._df._plan,
            right=self._right._df._plan,
            function=function,
            left_grouping=self._left._keys,
            right_grouping=self._right._keys,
        )
        return self._left._df._with(relation)

    def applyInPandas(self, func: Callable[..., Any], schema: StructType | str) -> DataFrame:
        """Spark's Python workers call ``func`` with the two pandas DataFrames of each key
        (and the key first, when it takes three arguments)."""
        eval_type = udf.PythonEvalType.SQL_COGROUPED_MAP_PANDAS_UDF
        return self._apply("PandasCogroupedOps.applyInPandas", func, schema, eval_type)

    def applyInArrow(self, func: Callable[..., Any], schema: StructType | str) -> DataFrame:
        """As :meth:`applyInPandas`, with pyarrow Tables."""
        eval_type = udf.PythonEvalType.SQL_COGROUPED_MAP_ARROW_UDF
        return self._apply("PandasCogroupedOps.applyInArrow", func, schema, eval_type)
