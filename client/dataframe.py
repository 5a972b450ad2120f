"""``DataFrame``: a lazy relation; transformations build plan nodes, actions call the server."""

from __future__ import annotations

import json
import random
import sys
import uuid
from collections.abc import Callable, Iterator
from functools import reduce
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from sparkflight.client import callsite, plan, udf
from sparkflight.client.column import (
    Column,
    ColumnOrName,
    column_expr,
    flatten,
    name_to_expr,
    to_expr,
)
from sparkflight.client.conversion import arrow_to_pandas, arrow_to_rows
from sparkflight.client.environment import in_notebook
from sparkflight.client.errors import (
    IllegalArgumentException,
    PySparkIndexError,
    PySparkTypeError,
    PySparkValueError,
    UnsupportedOperationException,
    cannot_be_empty,
    expected_type,
    needs_jvm,
    not_supported,
    unavailable_method,
    unavailable_property,
    value_not_allowed,
    wrong_type,
    wrong_value,
)
from sparkflight.client.expressions import (
    Alias,
    Call,
    Cast,
    ColumnRegex,
    ExistsSubquery,
    Expr,
    Literal,
    MetadataColumn,
    ScalarSubquery,
    SortOrder,
    SqlExpression,
    Star,
)
from sparkflight.client.group import GroupedData
from sparkflight.client.merge import MergeIntoWriter
from sparkflight.client.observation import Observation
from sparkflight.client.row import Row
from sparkflight.client.storagelevel import StorageLevel, storage_level_message
from sparkflight.client.table_arg import TableArg
from sparkflight.client.types import (
    DoubleType,
    StructType,
    from_arrow_schema,
)
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import ANALYZE, COMMAND
from sparkflight.plans.protocol import HTML_TABLES, MERGE_INTO, OBSERVATIONS

if TYPE_CHECKING:
    import pandas as pd

    from sparkflight.client.readwriter import DataFrameWriter, DataFrameWriterV2
    from sparkflight.client.session import SparkSession
    from sparkflight.client.streaming import DataStreamWriter

#: PySpark's eager evaluation settings for notebooks and REPLs, with Spark's defaults.
_EAGER_EVAL = {
    "spark.sql.repl.eagerEval.enabled": "false",
    "spark.sql.repl.eagerEval.maxNumRows": "20",
    "spark.sql.repl.eagerEval.truncate": "20",
}


#: The join types join() takes, in the order its error lists them, as PySpark's.
_JOIN_TYPES = (
    "inner", "outer", "full", "fullouter", "full_outer", "leftouter", "left", "left_outer",
    "rightouter", "right", "right_outer", "leftsemi", "left_semi", "semi", "leftanti",
    "left_anti", "anti", "cross",
)  # fmt: skip
#: The join types lateralJoin() takes.
_LATERAL_JOIN_TYPES = ("inner", "leftouter", "left", "left_outer", "cross")


def _unsupported_join_type(how: str, supported: tuple[str, ...]) -> IllegalArgumentException:
    return IllegalArgumentException(
        errorClass="UNSUPPORTED_JOIN_TYPE",
        messageParameters={"typ": how, "supported": ", ".join(f"'{t}'" for t in supported)},
    )


def _grouping_exprs(df: DataFrame, cols: tuple[Any, ...]) -> list[Expr]:
    """Columns, names and 1-based column ordinals (PySpark 4), as groupBy takes them."""
    exprs = []
    for c in flatten(cols):
        if isinstance(c, int) and not isinstance(c, bool):
            if c < 1:
                raise PySparkIndexError(
                    errorClass="INDEX_NOT_POSITIVE", messageParameters={"index": str(c)}
                )
            exprs.append(df[c - 1]._expr)
        else:
            exprs.append(column_expr(c))
    return exprs


def _sort_exprs(df: DataFrame, cols: tuple[Any, ...]) -> list[Expr]:
    """Columns, names and 1-based column ordinals, a negative one sorting descending."""
    exprs = []
    for c in flatten(cols):
        if isinstance(c, int) and not isinstance(c, bool):
            if c == 0:
                raise PySparkIndexError(errorClass="ZERO_INDEX", messageParameters={})
            column = df[abs(c) - 1]
            exprs.append(column._expr if c > 0 else SortOrder(column._expr, False))
        else:
            exprs.append(column_expr(c))
    return exprs


def _sort_orders(
    df: DataFrame, cols: tuple[Any, ...], ascending: bool | list[bool] | None
) -> list[Expr]:
    orders = _sort_exprs(df, cols)
    if ascending is None:
        return orders
    flags = [ascending] * len(orders) if isinstance(ascending, (bool, int)) else list(ascending)
    if len(flags) != len(orders):
        raise PySparkValueError(
            errorClass="LENGTH_SHOULD_BE_THE_SAME",
            messageParameters={
                "arg1": "ascending",
                "arg2": "cols",
                "arg1_length": str(len(flags)),
                "arg2_length": str(len(orders)),
            },
        )
    return [
        o if flag else SortOrder(o.child if isinstance(o, SortOrder) else o, False)
        for o, flag in zip(orders, flags, strict=True)
    ]


def _subset(subset: str | list[str] | tuple[str, ...]) -> list[str]:
    if isinstance(subset, str):
        return [subset]
    if not isinstance(subset, (list, tuple)):
        raise wrong_type("NOT_LIST_OR_STR_OR_TUPLE", "subset", subset)
    return list(subset)


def _as_float(value: Any) -> Any:
    """``na.replace`` compares numbers as doubles, as PySpark sends them."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


_NO_VALUE = object()


def _replacement_kind(values: list[Any]) -> type | None:
    """bool, str or float when every value is of that kind (numbers are floats), else None."""
    for kind, test in (
        (bool, lambda v: isinstance(v, bool)),
        (str, lambda v: isinstance(v, str)),
        (float, lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
    ):
        if all(test(v) for v in values):
            return kind
    return None


class DataFrameNaFunctions:
    """``df.na``: dropping and filling missing values."""

    def __init__(self, df: DataFrame) -> None:
        self._df = df

    def drop(
        self, how: str = "any", thresh: int | None = None, subset: str | list[str] | None = None
    ) -> DataFrame:
        return self._df.dropna(how, thresh, subset)

    def fill(
        self,
        value: float | int | str | bool | dict[str, Any],
        subset: str | list[str] | None = None,
    ) -> DataFrame:
        return self._df.fillna(value, subset)

    def replace(
        self, to_replace: Any, value: Any = _NO_VALUE, subset: str | list[str] | None = None
    ) -> DataFrame:
        return self._df.replace(to_replace, value, subset)


class DataFrameStatFunctions:
    """``df.stat``: statistics of a DataFrame's columns."""

    def __init__(self, df: DataFrame) -> None:
        self._df = df

    def corr(self, col1: str, col2: str, method: str | None = None) -> float | None:
        return self._df.corr(col1, col2, method)

    def cov(self, col1: str, col2: str) -> float | None:
        return self._df.cov(col1, col2)

    def crosstab(self, col1: str, col2: str) -> DataFrame:
        return self._df.crosstab(col1, col2)

    def freqItems(self, cols: list[str], support: float | None = None) -> DataFrame:
        return self._df.freqItems(cols, support)

    def approxQuantile(
        self, col: str | list[str], probabilities: list[float], relativeError: float
    ) -> list[float] | list[list[float]]:
        return self._df.approxQuantile(col, probabilities, relativeError)

    def sampleBy(
        self, col: ColumnOrName, fractions: dict[Any, float], seed: int | None = None
    ) -> DataFrame:
        return self._df.sampleBy(col, fractions, seed)


class DataFrame:
    """A distributed collection of rows under named columns, as ``pyspark.sql.DataFrame``."""

    def __init__(self, relation: plan.Relation, session: SparkSession) -> None:
        if relation.call_site is None:
            relation.call_site = callsite.capture()
        self._plan: plan.Relation = relation
        self._session = session
        self._schema: StructType | None = None
        #: Whether :meth:`persist` (and no :meth:`unpersist` since) was called on this object.
        self.is_cached = False
        #: Set once a notebook asked for HTML, so that ``repr`` does not render the rows again.
        self._support_repr_html = False

    def _with(self, relation: plan.Relation) -> DataFrame:
        return DataFrame(relation, self._session)

    @property
    def _plan_id(self) -> int:
        return self._plan.plan_id

    def _plan_bytes(self, relation: plan.Relation | None = None) -> bytes:
        """The plan of this DataFrame (or of ``relation``), for this session's server."""
        return plan.plan_bytes(relation or self._plan, self._session._server_protocol)

    @property
    def sparkSession(self) -> SparkSession:
        return self._session

    @property
    def writeStream(self) -> DataStreamWriter:
        """Start a streaming query of this streaming DataFrame."""
        from sparkflight.client.streaming import DataStreamWriter

        return DataStreamWriter(self)

    rdd = unavailable_property("rdd", needs_jvm)
    pandas_api = unavailable_method("pandas_api", needs_jvm)
    executionInfo = unavailable_property("executionInfo", not_supported)
    plot = unavailable_property("plot", not_supported)

    # ------------------------------------------------------------- columns

    def _col(self, name: str) -> Column:
        return Column(name_to_expr(name, self._plan_id))

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, str):
            return self._col(item)
        if isinstance(item, Column):
            return self.filter(item)
        if isinstance(item, (list, tuple)):
            return self.select(*item)
        if isinstance(item, int):
            return self._col(self.columns[item])
        raise wrong_type("NOT_COLUMN_OR_INT_OR_LIST_OR_STR", "item", item)

    def __getattr__(self, name: str) -> Column:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self.columns:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        return self._col(name)

    def _ipython_key_completions_(self) -> list[str]:
        """The column names, which IPython completes after ``df[``."""
        return self.columns

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        names.update(c for c in self.columns if c.isidentifier())
        return sorted(names)

    # ------------------------------------------------------------- schema

    def _analyze(self, mode: int, explain_mode: str = "") -> sf.AnalyzeResponse:
        request = sf.AnalyzeRequest(mode=mode, plan=self._plan_bytes(), explain_mode=explain_mode)
        return self._session._connection.action(ANALYZE, request)

    @property
    def schema(self) -> StructType:
        if self._schema is None:
            response = self._analyze(sf.AnalyzeRequest.MODE_SCHEMA)
            self._schema = StructType.fromJson(json.loads(response.schema_json))
        return self._schema

    @property
    def columns(self) -> list[str]:
        return self.schema.fieldNames()

    @property
    def dtypes(self) -> list[tuple[str, str]]:
        return [(f.name, f.dataType.simpleString()) for f in self.schema.fields]

    def printSchema(self, level: int | None = None) -> None:
        print(self.schema.treeString(level) if level else self.schema.treeString())

    def explain(self, extended: bool | str | None = None, mode: str | None = None) -> None:
        """Print Spark's plan text; the server's Spark rejects an unknown mode, as in PySpark."""
        if extended is not None and mode is not None:
            raise PySparkValueError(
                errorClass="CANNOT_SET_TOGETHER",
                messageParameters={"arg_list": "extended and mode"},
            )
        if extended is not None and not isinstance(extended, (bool, str)):
            raise expected_type("extended", "bool or str", extended)
        if mode is not None and not isinstance(mode, str):
            raise expected_type("mode", "str", mode)
        if isinstance(extended, str):
            mode = extended
        elif mode is None:
            mode = "extended" if extended else "simple"
        print(self._analyze(sf.AnalyzeRequest.MODE_EXPLAIN, mode).text)

    @property
    def isStreaming(self) -> bool:
        return self._analyze(sf.AnalyzeRequest.MODE_IS_STREAMING).flag

    def isLocal(self) -> bool:
        return self._analyze(sf.AnalyzeRequest.MODE_IS_LOCAL).flag

    def inputFiles(self) -> list[str]:
        return list(self._analyze(sf.AnalyzeRequest.MODE_INPUT_FILES).strings)

    def _eager_eval(self) -> tuple[int, int] | None:
        """(maxNumRows, truncate) when ``spark.sql.repl.eagerEval.enabled``, else None."""
        values = self._session.conf._get_with_defaults(_EAGER_EVAL)
        if values["spark.sql.repl.eagerEval.enabled"].lower() != "true":
            return None
        return (
            int(values["spark.sql.repl.eagerEval.maxNumRows"]),
            int(values["spark.sql.repl.eagerEval.truncate"]),
        )

    def __repr__(self) -> str:
        """``DataFrame[name: type, ...]``; the first rows as text with eager evaluation on,
        unless a notebook renders them as HTML."""
        if not self._support_repr_html and not in_notebook():
            eager = self._eager_eval()
            if eager is not None:
                return self._show_string(*eager)
        return "DataFrame[{}]".format(", ".join(f"{n}: {t}" for n, t in self.dtypes))

    def _repr_html_(self) -> str | None:
        """The first rows as an HTML table in notebooks, with eager evaluation on."""
        self._support_repr_html = True
        eager = self._eager_eval()
        if eager is None or self._session._server_protocol < HTML_TABLES.version:
            return None
        num_rows, truncate = eager
        relation = plan.ShowString(
            child=self._plan, num_rows=num_rows, truncate=truncate, html=True
        )
        table = self._session._connection.execute(self._plan_bytes(relation))
        return table.column(0)[0].as_py()

    # ------------------------------------------------------------- projections

    def select(self, *cols: ColumnOrName | list[ColumnOrName]) -> DataFrame:
        exprs = [column_expr(c) for c in flatten(cols)]
        return self._with(plan.Project(child=self._plan, expressions=exprs))

    def selectExpr(self, *expr: str | list[str]) -> DataFrame:
        exprs: list[Expr] = [SqlExpression(e) for e in flatten(expr)]
        return self._with(plan.Project(child=self._plan, expressions=exprs))

    def filter(self, condition: ColumnOrName) -> DataFrame:
        if isinstance(condition, str):
            expr: Expr = SqlExpression(condition)
        elif isinstance(condition, Column):
            expr = condition._expr
        else:
            raise wrong_type("NOT_COLUMN_OR_STR", "condition", condition)
        return self._with(plan.Filter(child=self._plan, condition=expr))

    where = filter

    def withColumn(self, colName: str, col: Column) -> DataFrame:
        if not isinstance(col, Column):
            raise wrong_type("NOT_COLUMN", "col", col)
        return self.withColumns({colName: col})

    def withColumns(self, *colsMap: dict[str, Column]) -> DataFrame:
        if len(colsMap) != 1 or not isinstance(colsMap[0], dict):
            raise wrong_type("NOT_DICT", "colsMap", colsMap[0] if colsMap else None)
        mapping = colsMap[0]
        for value in mapping.values():
            if not isinstance(value, Column):
                raise wrong_type("NOT_COLUMN", "col", value)
        return self._with(
            plan.WithColumns(
                child=self._plan,
                names=list(mapping),
                expressions=[c._expr for c in mapping.values()],
            )
        )

    def withColumnRenamed(self, existing: str, new: str) -> DataFrame:
        return self.withColumnsRenamed({existing: new})

    def withColumnsRenamed(self, colsMap: dict[str, str]) -> DataFrame:
        if not isinstance(colsMap, dict):
            raise wrong_type("NOT_DICT", "colsMap", colsMap)
        return self._with(plan.Rename(child=self._plan, renames=dict(colsMap)))

    def drop(self, *cols: ColumnOrName) -> DataFrame:
        names = [c for c in cols if isinstance(c, str)]
        exprs = [c._expr for c in cols if isinstance(c, Column)]
        for c in cols:
            if not isinstance(c, (str, Column)):
                raise wrong_type("NOT_COLUMN_OR_STR", "col", c)
        return self._with(plan.Drop(child=self._plan, column_names=names, columns=exprs))

    def alias(self, alias: str) -> DataFrame:
        return self._with(plan.SubqueryAlias(child=self._plan, alias=alias))

    def toDF(self, *cols: str) -> DataFrame:
        for c in cols:
            if not isinstance(c, str):
                raise wrong_type("NOT_LIST_OF_STR", "cols", c)
        return self._with(plan.ToDF(child=self._plan, names=list(cols)))

    def transform(self, func: Callable[..., DataFrame], *args: Any, **kwargs: Any) -> DataFrame:
        result = func(self, *args, **kwargs)
        if not isinstance(result, DataFrame):
            raise wrong_type("NOT_FUNCTION_RETURNING_A_DATAFRAME", "func", result)
        return result

    # ------------------------------------------------------------- aggregation

    def groupBy(self, *cols: ColumnOrName | list[ColumnOrName]) -> GroupedData:
        return GroupedData(self, "groupby", _grouping_exprs(self, cols))

    groupby = groupBy

    def rollup(self, *cols: ColumnOrName | list[ColumnOrName]) -> GroupedData:
        return GroupedData(self, "rollup", _grouping_exprs(self, cols))

    def cube(self, *cols: ColumnOrName | list[ColumnOrName]) -> GroupedData:
        return GroupedData(self, "cube", _grouping_exprs(self, cols))

    def groupingSets(
        self, groupingSets: list[list[ColumnOrName]], *cols: ColumnOrName
    ) -> GroupedData:
        keys: list[Expr] = _grouping_exprs(self, cols)
        indexes: list[list[int]] = []
        for grouping_set in groupingSets:
            members = []
            for expr in _grouping_exprs(self, tuple(grouping_set)):
                if expr not in keys:
                    keys.append(expr)
                members.append(keys.index(expr))
            indexes.append(members)
        return GroupedData(self, "grouping_sets", keys, grouping_sets=indexes)

    def agg(self, *exprs: Column | dict[str, str]) -> DataFrame:
        return self.groupBy().agg(*exprs)

    # ------------------------------------------------------------- joins and sets

    def join(
        self,
        other: DataFrame,
        on: str | list[str] | Column | list[Column] | None = None,
        how: str | None = None,
    ) -> DataFrame:
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        how = "inner" if how is None else how.lower()
        if how not in plan.JOIN_TYPES:
            raise _unsupported_join_type(how, _JOIN_TYPES)
        if isinstance(on, str):
            on = [on]
        if on is None or (isinstance(on, list) and not on):
            if how in ("inner", "cross"):
                return self.crossJoin(other)
            return self._with(plan.Join(left=self._plan, right=other._plan, how=how))
        if isinstance(on, list) and all(isinstance(c, str) for c in on):
            return self._with(
                plan.Join(left=self._plan, right=other._plan, how=how, using=list(on))
            )
        conditions = on if isinstance(on, list) else [on]
        for c in conditions:
            if not isinstance(c, Column):
                raise wrong_type("NOT_COLUMN_OR_STR_OR_LIST", "on", c)
        condition = reduce(lambda a, b: a & b, conditions)._expr
        return self._with(
            plan.Join(left=self._plan, right=other._plan, how=how, condition=condition)
        )

    def lateralJoin(
        self, other: DataFrame, on: Column | None = None, how: str | None = None
    ) -> DataFrame:
        """Join each row with the rows ``other`` computes for it (``Column.outer()`` refs)."""
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        how = "inner" if how is None else how.lower()
        if how not in _LATERAL_JOIN_TYPES:
            raise _unsupported_join_type(how, _LATERAL_JOIN_TYPES)
        if on is not None and not isinstance(on, Column):
            raise wrong_type("NOT_COLUMN", "on", on)
        return self._with(
            plan.Join(
                left=self._plan,
                right=other._plan,
                how=how,
                condition=None if on is None else on._expr,
                lateral=True,
            )
        )

    def colRegex(self, colName: str) -> Column:
        """The columns whose names match the regex ``colName`` (quoted in backticks)."""
        if not isinstance(colName, str):
            raise wrong_type("NOT_STR", "colName", colName)
        return Column(ColumnRegex(colName, self._plan_id))

    def metadataColumn(self, colName: str) -> Column:
        """The metadata column ``colName`` of this DataFrame's data source."""
        if not isinstance(colName, str):
            raise wrong_type("NOT_STR", "colName", colName)
        return Column(MetadataColumn(colName, self._plan_id))

    def withMetadata(self, columnName: str, metadata: dict[str, Any]) -> DataFrame:
        if not isinstance(metadata, dict):
            raise wrong_type("NOT_DICT", "metadata", metadata)
        column = self._col(columnName).alias(columnName, metadata=metadata)
        return self.withColumn(columnName, column)

    def zip(self, other: DataFrame) -> DataFrame:
        """Both DataFrames' columns side by side; both must project one common input."""
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        return self._with(plan.Zip(left=self._plan, right=other._plan))

    def zipWithIndex(self, indexColName: str = "index") -> DataFrame:
        """The rows with their 0-based position appended as ``indexColName``."""
        if not isinstance(indexColName, str):
            raise wrong_type("NOT_STR", "indexColName", indexColName)
        return self._with(plan.ZipWithIndex(child=self._plan, index_column=indexColName))

    def nearestByJoin(
        self,
        other: DataFrame,
        rankingExpression: Column,
        numResults: int,
        mode: str,
        direction: str,
        *,
        joinType: str = "inner",
    ) -> DataFrame:
        """For each row, up to ``numResults`` rows of ``other`` ranked by ``rankingExpression``."""
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        if not isinstance(rankingExpression, Column):
            raise wrong_type("NOT_COLUMN", "rankingExpression", rankingExpression)
        return self._with(
            plan.NearestByJoin(
                left=self._plan,
                right=other._plan,
                ranking_expression=rankingExpression._expr,
                num_results=int(numResults),
                mode=mode,
                direction=direction,
                join_type=joinType,
            )
        )

    def _joinAsOf(
        self,
        other: DataFrame,
        leftAsOfColumn: ColumnOrName,
        rightAsOfColumn: ColumnOrName,
        on: str | list[str] | Column | list[Column] | None = None,
        how: str | None = None,
        *,
        tolerance: Column | None = None,
        allowExactMatches: bool = True,
        direction: str = "backward",
    ) -> DataFrame:
        """For each row, the row of ``other`` nearest in the as-of columns (Spark's as-of
        join, which pandas-on-Spark's ``merge_asof`` uses)."""
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        if tolerance is not None and not isinstance(tolerance, Column):
            raise wrong_type("NOT_COLUMN", "tolerance", tolerance)
        left_as_of = self._as_of_column(leftAsOfColumn)
        right_as_of = other._as_of_column(rightAsOfColumn)
        using: list[str] = []
        join_expression = None
        conditions = [on] if isinstance(on, (str, Column)) else list(on or [])
        if conditions and all(isinstance(c, str) for c in conditions):
            using = conditions
        elif conditions:
            for c in conditions:
                if not isinstance(c, Column):
                    raise wrong_type("NOT_COLUMN_OR_STR_OR_LIST", "on", c)
            join_expression = reduce(lambda a, b: a & b, conditions)._expr
        return self._with(
            plan.AsOfJoin(
                left=self._plan,
                right=other._plan,
                left_as_of=left_as_of,
                right_as_of=right_as_of,
                join_expression=join_expression,
                using_columns=using,
                join_type=how or "inner",
                tolerance=None if tolerance is None else tolerance._expr,
                allow_exact_matches=allowExactMatches,
                direction=direction,
            )
        )

    def _as_of_column(self, col: ColumnOrName) -> Expr:
        return col._expr if isinstance(col, Column) else self._col(col)._expr

    def crossJoin(self, other: DataFrame) -> DataFrame:
        return self._with(plan.Cross(left=self._plan, right=other._plan))

    def _set(self, other: DataFrame, op: str, **options: bool) -> DataFrame:
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        return self._with(plan.SetOperation(left=self._plan, right=other._plan, op=op, **options))

    def union(self, other: DataFrame) -> DataFrame:
        return self._set(other, "union")

    unionAll = union

    def unionByName(self, other: DataFrame, allowMissingColumns: bool = False) -> DataFrame:
        return self._set(other, "union", by_name=True, allow_missing_columns=allowMissingColumns)

    def intersect(self, other: DataFrame) -> DataFrame:
        return self._set(other, "intersect")

    def intersectAll(self, other: DataFrame) -> DataFrame:
        return self._set(other, "intersect_all")

    def subtract(self, other: DataFrame) -> DataFrame:
        return self._set(other, "except")

    def exceptAll(self, other: DataFrame) -> DataFrame:
        return self._set(other, "except_all")

    def unpivot(
        self,
        ids: ColumnOrName | list[ColumnOrName] | tuple[ColumnOrName, ...],
        values: ColumnOrName | list[ColumnOrName] | tuple[ColumnOrName, ...] | None,
        variableColumnName: str,
        valueColumnName: str,
    ) -> DataFrame:
        """Turn value columns into rows of (variable, value), as Spark's Unpivot (which
        widens the values to their common type); without values, every column but the ids."""

        def exprs(cols: Any) -> list[Expr]:
            cols = [cols] if isinstance(cols, (str, Column)) else list(cols)
            return [column_expr(c) for c in cols]

        value_exprs = [] if values is None else exprs(values)
        return self._with(
            plan.Unpivot(
                child=self._plan,
                ids=exprs(ids),
                values=value_exprs,
                values_given=values is not None,
                variable_column_name=variableColumnName,
                value_column_name=valueColumnName,
            )
        )

    melt = unpivot

    def transpose(self, indexColumn: ColumnOrName | None = None) -> DataFrame:
        """Rows become columns: the index column's values name the new columns."""
        index = column_expr(indexColumn) if indexColumn is not None else None
        return self._with(plan.Transpose(child=self._plan, index_column=index))

    # ------------------------------------------------------------- subqueries

    def scalar(self) -> Column:
        """This one-row, one-column DataFrame as a scalar subquery expression."""
        return Column(ScalarSubquery(self._plan))

    def exists(self) -> Column:
        """Whether this DataFrame has rows, as an EXISTS subquery expression."""
        return Column(ExistsSubquery(self._plan))

    def asTable(self) -> TableArg:
        """This DataFrame as a table argument of a Python UDTF call."""
        return TableArg(plan.TableArgument(relation=self._plan), self._session)

    # ------------------------------------------------------------- missing values

    @property
    def na(self) -> DataFrameNaFunctions:
        return DataFrameNaFunctions(self)

    def dropna(
        self, how: str = "any", thresh: int | None = None, subset: str | list[str] | None = None
    ) -> DataFrame:
        """Drop the rows with fewer than ``thresh`` non-null, non-NaN values in ``subset``
        (default: all columns); Spark's ``na.drop`` decides."""
        if how not in ("any", "all"):
            raise value_not_allowed("how", ["any", "all"])
        if thresh is not None and (not isinstance(thresh, int) or isinstance(thresh, bool)):
            raise expected_type("thresh", "int", thresh)
        columns = [] if subset is None else _subset(subset)
        min_non_nulls = thresh if thresh is not None else 1 if how == "all" else None
        return self._with(
            plan.DropNa(child=self._plan, columns=columns, min_non_nulls=min_non_nulls)
        )

    def fillna(
        self,
        value: float | int | str | bool | dict[str, Any],
        subset: str | list[str] | None = None,
    ) -> DataFrame:
        """Replace nulls (and NaN in floating point columns), as Spark's ``na.fill``.

        A scalar fills the columns of its kind (numbers fill every numeric column); a dict
        fills each named column with its value, and ``subset`` is then ignored, as in
        PySpark. Spark applies its own rules on the server.
        """
        if not isinstance(value, (float, int, str, bool, dict)):
            raise expected_type("value", "bool, dict, float, int or str", value)
        if not isinstance(value, dict):
            columns = [] if subset is None else _subset(subset)
            if isinstance(value, int) and not isinstance(value, bool):
                value = float(value)  # as PySpark hands it to Spark
            return self._with(plan.FillNa(child=self._plan, columns=columns, values=[value]))
        for name, item in value.items():
            if not isinstance(name, str):
                raise expected_type("value", "a dict with str keys", value)
            if not isinstance(item, (bool, int, float, str)):
                raise IllegalArgumentException(
                    message=f"Unsupported value type {type(item).__name__} ({item!r})."
                )
        fill = plan.FillNa(
            child=self._plan, columns=list(value), values=list(value.values()), by_column=True
        )
        return self._with(fill)

    def replace(
        self, to_replace: Any, value: Any = _NO_VALUE, subset: str | list[str] | None = None
    ) -> DataFrame:
        """Replace values in the columns of the replaced values' type, as Spark does."""
        if value is _NO_VALUE:
            if not isinstance(to_replace, dict):
                raise PySparkTypeError(
                    errorClass="ARGUMENT_REQUIRED",
                    messageParameters={"arg_name": "value", "condition": "to_replace is not dict"},
                )
            value = None
        if isinstance(to_replace, (float, int, str)):
            to_replace = [to_replace]
        if isinstance(to_replace, dict):
            mapping = dict(to_replace)
        else:
            if isinstance(value, (float, int, str)) or value is None:
                value = [value] * len(to_replace)
            if len(value) != len(to_replace):
                raise PySparkValueError(
                    errorClass="LENGTH_SHOULD_BE_THE_SAME",
                    messageParameters={
                        "arg1": "to_replace",
                        "arg2": "value",
                        "arg1_length": str(len(to_replace)),
                        "arg2_length": str(len(value)),
                    },
                )
            mapping = dict(zip(to_replace, value, strict=True))
        kind = _replacement_kind(list(mapping))
        targets = [v for v in mapping.values() if v is not None]
        if kind is None or (targets and _replacement_kind(targets) is not kind):
            raise PySparkValueError(errorClass="MIXED_TYPE_REPLACEMENT", messageParameters={})
        columns = [] if subset is None else _subset(subset)
        replacements = [(_as_float(old), _as_float(new)) for old, new in mapping.items()]
        return self._with(
            plan.Replace(child=self._plan, columns=columns, replacements=replacements)
        )

    # ------------------------------------------------------------- ordering and limits

    def orderBy(
        self, *cols: ColumnOrName | list[ColumnOrName], ascending: bool | list[bool] | None = None
    ) -> DataFrame:
        orders = _sort_orders(self, cols, ascending)
        return self._with(plan.Sort(child=self._plan, orders=orders))

    sort = orderBy

    def limit(self, num: int) -> DataFrame:
        return self._with(plan.Fetch(child=self._plan, limit=num))

    def offset(self, num: int) -> DataFrame:
        return self._with(plan.Fetch(child=self._plan, offset=num))

    def distinct(self) -> DataFrame:
        return self._with(plan.Deduplicate(child=self._plan))

    def dropDuplicates(self, subset: list[str] | None = None) -> DataFrame:
        if subset is not None and not isinstance(subset, (list, tuple)):
            raise wrong_type("NOT_LIST_OR_TUPLE", "subset", subset)
        names = None if subset is None else list(subset)
        return self._with(plan.Deduplicate(child=self._plan, column_names=names))

    drop_duplicates = dropDuplicates

    def dropDuplicatesWithinWatermark(self, subset: list[str] | None = None) -> DataFrame:
        if subset is not None and not isinstance(subset, (list, tuple)):
            raise wrong_type("NOT_LIST_OR_TUPLE", "subset", subset)
        names = None if subset is None else list(subset)
        return self._with(
            plan.Deduplicate(child=self._plan, column_names=names, within_watermark=True)
        )

    drop_duplicates_within_watermark = dropDuplicatesWithinWatermark

    def sortWithinPartitions(
        self, *cols: ColumnOrName | list[ColumnOrName], ascending: bool | list[bool] | None = None
    ) -> DataFrame:
        orders = _sort_orders(self, cols, ascending)
        return self._with(plan.Sort(child=self._plan, orders=orders, within_partitions=True))

    def withWatermark(self, eventTime: str, delayThreshold: str) -> DataFrame:
        if not isinstance(eventTime, str):
            raise wrong_type("NOT_STR", "eventTime", eventTime)
        if not isinstance(delayThreshold, str):
            raise wrong_type("NOT_STR", "delayThreshold", delayThreshold)
        return self._with(
            plan.Watermark(child=self._plan, event_time=eventTime, delay_threshold=delayThreshold)
        )

    def to(self, schema: StructType) -> DataFrame:
        """Reorder, cast and check the columns against ``schema``, as Spark does."""
        if not isinstance(schema, StructType):
            raise wrong_type("NOT_STRUCTTYPE", "schema", schema)
        return self._with(plan.ToSchema(child=self._plan, schema_json=schema.json()))

    def randomSplit(self, weights: list[float], seed: int | None = None) -> list[DataFrame]:
        """Disjoint random samples with the given relative sizes, as Spark splits."""
        for w in weights:
            if w < 0.0:
                raise wrong_value("VALUE_NOT_POSITIVE", "weights", w)
        total = sum(float(w) for w in weights)
        if total <= 0:
            raise IllegalArgumentException(
                message=f"requirement failed: Sum of weights must be positive, but got {weights}",
            )
        seed = int(seed) if seed is not None else random.randint(0, sys.maxsize)
        bounds = [0.0]
        for w in weights:
            bounds.append(bounds[-1] + float(w) / total)
        return [
            self._with(
                plan.Sample(
                    child=self._plan,
                    lower_bound=lower,
                    fraction=upper,
                    seed=seed,
                    split_weights=[float(w) for w in weights],
                    split_index=index,
                )
            )
            for index, (lower, upper) in enumerate(zip(bounds, bounds[1:], strict=False))
        ]

    def sample(
        self,
        withReplacement: float | bool | None = None,
        fraction: float | None = None,
        seed: int | None = None,
    ) -> DataFrame:
        if isinstance(withReplacement, bool) and isinstance(fraction, (int, float)):
            replace, frac = withReplacement, float(fraction)
        elif withReplacement is None and isinstance(fraction, (int, float)):
            replace, frac = False, float(fraction)
        elif isinstance(withReplacement, (int, float)) and not isinstance(withReplacement, bool):
            replace, frac, seed = False, float(withReplacement), fraction  # type: ignore[assignment]
        else:
            raise wrong_type("NOT_FLOAT", "fraction", fraction)
        seed = int(seed) if seed is not None else random.randint(0, sys.maxsize)
        return self._with(
            plan.Sample(child=self._plan, fraction=frac, with_replacement=replace, seed=seed)
        )

    def repartition(self, numPartitions: int | ColumnOrName, *cols: ColumnOrName) -> DataFrame:
        return self._repartition(numPartitions, cols, by_range=False)

    def repartitionByRange(
        self, numPartitions: int | ColumnOrName, *cols: ColumnOrName
    ) -> DataFrame:
        return self._repartition(numPartitions, cols, by_range=True)

    def _repartition(self, first: Any, cols: tuple[Any, ...], by_range: bool) -> DataFrame:
        count = first if isinstance(first, int) else None
        columns = list(cols) if isinstance(first, int) else [first, *cols]
        exprs = [column_expr(c) for c in flatten(tuple(columns))]
        if by_range:
            exprs = [e if isinstance(e, SortOrder) else SortOrder(e) for e in exprs]
        return self._with(
            plan.Repartition(
                child=self._plan, num_partitions=count, expressions=exprs, by_range=by_range
            )
        )

    def repartitionById(self, numPartitions: int, partitionIdCol: ColumnOrName) -> DataFrame:
        """Each row goes to the partition its ``partitionIdCol`` value names."""
        if not isinstance(numPartitions, int) or isinstance(numPartitions, bool):
            raise wrong_type("NOT_INT", "numPartitions", numPartitions)
        if numPartitions <= 0:
            raise wrong_value("VALUE_NOT_POSITIVE", "numPartitions", numPartitions)
        return self._with(
            plan.Repartition(
                child=self._plan,
                num_partitions=numPartitions,
                expressions=[column_expr(partitionIdCol)],
                by_id=True,
            )
        )

    def coalesce(self, numPartitions: int) -> DataFrame:
        return self._with(
            plan.Repartition(child=self._plan, num_partitions=numPartitions, shuffle=False)
        )

    def hint(self, name: str, *parameters: Any) -> DataFrame:
        params = [to_expr(p) for p in parameters]
        return self._with(plan.Hint(child=self._plan, name=name, parameters=params))

    def mergeInto(self, table: str, condition: ColumnOrName) -> MergeIntoWriter:
        """A MERGE INTO ``table`` from this DataFrame, built clause by clause."""
        if self._session._server_protocol < MERGE_INTO.version:
            raise not_supported(
                f"DataFrame.mergeInto with a server of protocol older than {MERGE_INTO.version}"
            )
        return MergeIntoWriter(self, table, condition)

    def observe(self, observation: Observation | str, *exprs: Column) -> DataFrame:
        """This DataFrame with metrics Spark computes while an action runs it; an
        :class:`Observation` reads them afterwards."""
        if not exprs:
            raise cannot_be_empty("exprs")
        if not all(isinstance(c, Column) for c in exprs):
            raise expected_type("exprs", "list[Column]", exprs)
        if isinstance(observation, Observation):
            return observation._on(self, *exprs)
        if isinstance(observation, str):
            return self._observe(observation, exprs)
        raise expected_type("observation", "Observation or str", observation)

    def _observe(self, name: str, exprs: tuple[Column, ...], observation_id: str = "") -> DataFrame:
        if self._session._server_protocol < OBSERVATIONS.version:
            raise not_supported(
                f"DataFrame.observe with a server of protocol older than {OBSERVATIONS.version}"
            )
        relation = plan.Observe(
            child=self._plan,
            name=name,
            metrics=[c._expr for c in exprs],
            observation_id=observation_id,
        )
        return self._with(relation)

    # ------------------------------------------------------------- actions

    def toArrow(self) -> pa.Table:
        table = self._session._connection.execute(self._plan_bytes())
        _refuse_repeated_struct_names(table.schema)
        return table

    def collect(self) -> list[Row]:
        table = self._session._connection.execute(self._plan_bytes())
        return arrow_to_rows(table, from_arrow_schema(table.schema))

    def toLocalIterator(self, prefetchPartitions: bool = False) -> Iterator[Row]:
        """The rows, fetched batch by batch as the server streams them."""
        schema, batches = self._session._connection.stream(self._plan_bytes())
        struct = from_arrow_schema(schema)
        for batch in batches:
            yield from arrow_to_rows(pa.Table.from_batches([batch], schema), struct)

    def toPandas(self) -> pd.DataFrame:
        table = self.toArrow()
        timezone = self._session.conf.get("spark.sql.session.timeZone")
        return arrow_to_pandas(table, from_arrow_schema(table.schema), timezone=timezone)

    def count(self) -> int:
        table = self._session._connection.execute(self._plan_bytes(plan.count_rows(self._plan)))
        return int(table.column(0)[0].as_py())

    def take(self, num: int) -> list[Row]:
        return self.limit(num).collect()

    def head(self, n: int | None = None) -> Row | None | list[Row]:
        if n is None:
            rows = self.take(1)
            return rows[0] if rows else None
        return self.take(n)

    def first(self) -> Row | None:
        return self.head()

    def isEmpty(self) -> bool:
        return len(self.take(1)) == 0

    def tail(self, num: int) -> list[Row]:
        """The last ``num`` rows."""
        if not isinstance(num, int) or isinstance(num, bool):
            raise wrong_type("NOT_INT", "num", num)
        return self._with(plan.Tail(child=self._plan, limit=num)).collect()

    def toJSON(self, use_unicode: bool = True) -> DataFrame:
        """Each row as a JSON document: one string column ``value``, as in Spark Connect."""
        document = Call("to_json", (Call("struct", (Star(),)),))
        return self.select(Column(Alias(document, ("value",))))

    def _show_string(self, n: int = 20, truncate: bool | int = True, vertical: bool = False) -> str:
        if not isinstance(n, int) or isinstance(n, bool):
            raise wrong_type("NOT_INT", "n", n)
        if not isinstance(vertical, bool):
            raise wrong_type("NOT_BOOL", "vertical", vertical)
        width = 20 if truncate is True else int(truncate)
        relation = plan.ShowString(child=self._plan, num_rows=n, truncate=width, vertical=vertical)
        table = self._session._connection.execute(self._plan_bytes(relation))
        return table.column(0)[0].as_py()

    def show(self, n: int = 20, truncate: bool | int = True, vertical: bool = False) -> None:
        print(self._show_string(n, truncate, vertical))

    # ------------------------------------------------------------- statistics

    @property
    def stat(self) -> DataFrameStatFunctions:
        return DataFrameStatFunctions(self)

    def _pair_statistic(self, function: str, col1: str, col2: str) -> float | None:
        for name, value in (("col1", col1), ("col2", col2)):
            if not isinstance(value, str):
                raise wrong_type("NOT_STR", name, value)
        # Spark reads each value as a primitive double: a null counts as 0.0.
        args = tuple(
            Call("coalesce", (Cast(name_to_expr(c), DoubleType()), Literal(0.0)))
            for c in (col1, col2)
        )
        row = self.agg(Column(Call(function, args))).head()
        return row[0] if row is not None else None

    def corr(self, col1: str, col2: str, method: str | None = None) -> float | None:
        """The Pearson correlation coefficient of two numeric columns."""
        if method not in (None, "pearson"):
            raise wrong_value("VALUE_NOT_PEARSON", "method", method)
        return self._pair_statistic("corr", col1, col2)

    def cov(self, col1: str, col2: str) -> float | None:
        """The sample covariance of two numeric columns."""
        return self._pair_statistic("covar_samp", col1, col2)

    def describe(self, *cols: str | list[str]) -> DataFrame:
        """count, mean, stddev, min and max of the given (default: all) columns."""
        columns = flatten(cols)
        for c in columns:
            if not isinstance(c, str):
                raise wrong_type("NOT_STR", "cols", c)
        return self._with(plan.Describe(child=self._plan, columns=columns))

    def summary(self, *statistics: str) -> DataFrame:
        """Spark's summary statistics (count, mean, stddev, min, quartiles, max) or those given."""
        return self._with(plan.Summary(child=self._plan, statistics=flatten(statistics)))

    def crosstab(self, col1: str, col2: str) -> DataFrame:
        for name, value in (("col1", col1), ("col2", col2)):
            if not isinstance(value, str):
                raise wrong_type("NOT_STR", name, value)
        return self._with(plan.Crosstab(child=self._plan, col1=col1, col2=col2))

    def freqItems(
        self, cols: list[str] | tuple[str, ...], support: float | None = None
    ) -> DataFrame:
        if isinstance(cols, tuple):
            cols = list(cols)
        if not isinstance(cols, list):
            raise wrong_type("NOT_LIST_OR_TUPLE", "cols", cols)
        support = None if support is None else float(support)
        return self._with(plan.FreqItems(child=self._plan, columns=cols, support=support))

    def approxQuantile(
        self,
        col: str | list[str] | tuple[str, ...],
        probabilities: list[float] | tuple[float, ...],
        relativeError: float,
    ) -> list[float] | list[list[float]]:
        """Approximate quantiles of numeric columns (Greenwald-Khanna, as Spark computes them)."""
        if not isinstance(col, (str, list, tuple)):
            raise wrong_type("NOT_LIST_OR_STR_OR_TUPLE", "col", col)
        columns = [col] if isinstance(col, str) else list(col)
        for c in columns:
            if not isinstance(c, str):
                raise wrong_type("NOT_STR", "columns", c)
        if not isinstance(probabilities, (list, tuple)):
            raise wrong_type("NOT_LIST_OR_TUPLE", "probabilities", probabilities)
        for p in probabilities:
            if not isinstance(p, (float, int)) or not 0 <= p <= 1:
                raise wrong_type("NOT_FLOAT", "probabilities", p)
        if not isinstance(relativeError, (float, int)):
            raise wrong_type("NOT_FLOAT", "relativeError", relativeError)
        if relativeError < 0:
            raise wrong_value("NEGATIVE_VALUE", "relativeError", relativeError)
        relation = plan.ApproxQuantile(
            child=self._plan,
            columns=columns,
            probabilities=[float(p) for p in probabilities],
            relative_error=float(relativeError),
        )
        quantiles = [list(q) for q in self._with(relation).head()[0]]
        return quantiles[0] if isinstance(col, str) else quantiles

    def sampleBy(
        self, col: ColumnOrName, fractions: dict[Any, float], seed: int | None = None
    ) -> DataFrame:
        """A stratified sample: each stratum of ``col`` sampled with its fraction."""
        if not isinstance(col, (str, Column)):
            raise wrong_type("NOT_COLUMN_OR_STR", "col", col)
        if not isinstance(fractions, dict):
            raise wrong_type("NOT_DICT", "fractions", fractions)
        for stratum, fraction in fractions.items():
            if not isinstance(stratum, (float, int, str)):
                raise wrong_type("NOT_FLOAT_OR_INT_OR_STR", "fractions", stratum)
            fractions[stratum] = float(fraction)
        seed = int(seed) if seed is not None else random.randint(0, sys.maxsize)
        return self._with(
            plan.SampleBy(
                child=self._plan,
                column=column_expr(col),
                fractions=list(fractions.items()),
                seed=seed,
            )
        )

    # ---------------------------------------------------- Python functions

    def _map_partitions(
        self,
        feature: str,
        func: Callable[..., Any],
        schema: StructType | str,
        eval_type: int,
        barrier: bool,
    ) -> DataFrame:
        udf.check_protocol(self._session, feature)
        if not callable(func):
            raise udf.not_callable(func)
        function = udf.python_function(func, eval_type, schema)
        return self._with(plan.MapPartitions(child=self._plan, function=function, barrier=barrier))

    def mapInPandas(
        self,
        func: Callable[..., Any],
        schema: StructType | str,
        barrier: bool = False,
        profile: Any = None,
    ) -> DataFrame:
        """Spark's Python workers call ``func`` with an iterator of pandas DataFrames per
        partition; it yields pandas DataFrames of ``schema``."""
        if profile is not None:
            raise not_supported("mapInPandas with a ResourceProfile")
        eval_type = udf.PythonEvalType.SQL_MAP_PANDAS_ITER_UDF
        return self._map_partitions("DataFrame.mapInPandas", func, schema, eval_type, barrier)

    def mapInArrow(
        self,
        func: Callable[..., Any],
        schema: StructType | str,
        barrier: bool = False,
        profile: Any = None,
    ) -> DataFrame:
        """As :meth:`mapInPandas`, with pyarrow RecordBatches."""
        if profile is not None:
            raise not_supported("mapInArrow with a ResourceProfile")
        eval_type = udf.PythonEvalType.SQL_MAP_ARROW_ITER_UDF
        return self._map_partitions("DataFrame.mapInArrow", func, schema, eval_type, barrier)

    def _foreach(self, feature: str, f: Callable[..., Any], partitions: bool) -> None:
        udf.check_protocol(self._session, feature)
        if not callable(f):
            raise udf.not_callable(f, "f")
        function = udf.python_function(f, udf.PythonEvalType.NON_UDF, None)
        command = sf.ForeachCommand(
            plan=self._plan_bytes(), function=function, partitions=partitions
        )
        self._command(sf.CommandRequest(foreach=command))

    def foreach(self, f: Callable[[Row], None]) -> None:
        """Spark's Python workers call ``f`` with every Row."""
        self._foreach("DataFrame.foreach", f, partitions=False)

    def foreachPartition(self, f: Callable[[Iterator[Row]], None]) -> None:
        """Spark's Python workers call ``f`` with an iterator of each partition's Rows."""
        self._foreach("DataFrame.foreachPartition", f, partitions=True)

    # ------------------------------------------------------------- caching

    def _command(self, command: sf.CommandRequest) -> None:
        self._session._connection.action(COMMAND, command)

    def persist(self, storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_DESER) -> DataFrame:
        """Have Spark cache the result when first computed and reuse it in later queries."""
        level = storage_level_message(storageLevel)
        persist = sf.PersistCommand(plan=self._plan_bytes(), storage_level=level)
        self._command(sf.CommandRequest(persist=persist))
        self.is_cached = True
        return self

    def cache(self) -> DataFrame:
        return self.persist()

    def unpersist(self, blocking: bool = False) -> DataFrame:
        persist = sf.PersistCommand(plan=self._plan_bytes(), unpersist=True, blocking=blocking)
        self._command(sf.CommandRequest(persist=persist))
        self.is_cached = False
        return self

    @property
    def storageLevel(self) -> StorageLevel:
        """The storage level of this DataFrame's cached data (``NONE`` when not cached)."""
        level = self._analyze(sf.AnalyzeRequest.MODE_STORAGE_LEVEL).storage_level
        return StorageLevel(
            level.use_disk,
            level.use_memory,
            level.use_off_heap,
            level.deserialized,
            level.replication,
        )

    def _checkpoint(self, local: bool, eager: bool, level: StorageLevel | None) -> DataFrame:
        name = f"_sparkflight_checkpoint_{uuid.uuid4().hex}"
        checkpoint = sf.CheckpointCommand(
            plan=self._plan_bytes(), view_name=name, local=local, eager=eager
        )
        if level is not None:
            checkpoint.storage_level.CopyFrom(storage_level_message(level))
        self._command(sf.CommandRequest(checkpoint=checkpoint))
        return self._with(plan.NamedTable(name=name))

    def checkpoint(self, eager: bool = True) -> DataFrame:
        """A DataFrame of this one's result saved in Spark's checkpoint directory."""
        return self._checkpoint(local=False, eager=eager, level=None)

    def localCheckpoint(
        self, eager: bool = True, storageLevel: StorageLevel | None = None
    ) -> DataFrame:
        """A DataFrame of this one's result kept by Spark's executors."""
        return self._checkpoint(local=True, eager=eager, level=storageLevel)

    def sameSemantics(self, other: DataFrame) -> bool:
        """Whether both logical plans return the same results, as Spark judges."""
        if not isinstance(other, DataFrame):
            raise wrong_type("NOT_DATAFRAME", "other", other)
        request = sf.AnalyzeRequest(
            mode=sf.AnalyzeRequest.MODE_SAME_SEMANTICS,
            plan=self._plan_bytes(),
            other_plan=other._plan_bytes(),
        )
        return self._session._connection.action(ANALYZE, request).flag

    def semanticHash(self) -> int:
        return self._analyze(sf.AnalyzeRequest.MODE_SEMANTIC_HASH).number

    # ------------------------------------------------------------- views and writes

    def _create_view(self, name: str, replace: bool, global_: bool) -> None:
        command = sf.CommandRequest(
            create_view=sf.CreateViewCommand(
                plan=self._plan_bytes(), name=name, replace=replace, **{"global": global_}
            )
        )
        self._session._connection.action(COMMAND, command)

    def createTempView(self, name: str) -> None:
        self._create_view(name, replace=False, global_=False)

    def createOrReplaceTempView(self, name: str) -> None:
        self._create_view(name, replace=True, global_=False)

    def createGlobalTempView(self, name: str) -> None:
        self._create_view(name, replace=False, global_=True)

    def createOrReplaceGlobalTempView(self, name: str) -> None:
        self._create_view(name, replace=True, global_=True)

    registerTempTable = createOrReplaceTempView

    @property
    def write(self) -> DataFrameWriter:
        from sparkflight.client.readwriter import DataFrameWriter

        return DataFrameWriter(self)

    def writeTo(self, table: str) -> DataFrameWriterV2:
        from sparkflight.client.readwriter import DataFrameWriterV2

        return DataFrameWriterV2(self, table)


def _refuse_repeated_struct_names(schema: pa.Schema) -> None:
    """Refuse, as PySpark's ``toArrow`` does, a struct with two fields of one name (rows
    of it are fine: ``collect`` reads fields by position)."""

    def visit(data_type: pa.DataType) -> None:
        if pa.types.is_struct(data_type):
            names = [data_type.field(i).name for i in range(data_type.num_fields)]
            if len(set(names)) != len(names):
                raise UnsupportedOperationException(
                    errorClass="DUPLICATED_FIELD_NAME_IN_ARROW_STRUCT",
                    messageParameters={"field_names": str(names)},
                )
            for i in range(data_type.num_fields):
                visit(data_type.field(i).type)
        elif pa.types.is_list(data_type) or pa.types.is_large_list(data_type):
            visit(data_type.value_type)
        elif pa.types.is_map(data_type):
            visit(data_type.key_type)
            visit(data_type.item_type)

    for field in schema:
        visit(field.type)
