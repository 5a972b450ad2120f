"""``Column``: an expression of a DataFrame, built lazily as in PySpark."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Union

from sparkflight.client.errors import PySparkTypeError, PySparkValueError, wrong_type
from sparkflight.client.expressions import (
    Alias,
    AliasWithMetadata,
    Call,
    CaseWhen,
    Cast,
    ColumnRef,
    DropFields,
    Expr,
    ExtractValue,
    InList,
    InSubquery,
    Literal,
    OuterReference,
    PythonUDF,
    SortOrder,
    Star,
    WindowExpr,
    WithField,
)
from sparkflight.client.types import DataType

if TYPE_CHECKING:
    from sparkflight.client.window import WindowSpec

ColumnOrName = Union["Column", str]


def to_expr(value: Any) -> Expr:
    """A Column's expression, or a literal of any other value."""
    if isinstance(value, Column):
        return value._expr
    return Literal(value)


def column_expr(value: ColumnOrName) -> Expr:
    """The expression of a Column, or of the column a str names."""
    if isinstance(value, Column):
        return value._expr
    if isinstance(value, str):
        return name_to_expr(value)
    raise wrong_type("NOT_COLUMN_OR_STR", "col", value)


def flatten(values: tuple[Any, ...]) -> list[Any]:
    """PySpark's varargs convention: ``f(a, b)`` and ``f([a, b])`` mean the same."""
    if len(values) == 1 and isinstance(values[0], (list, tuple, set)):
        return list(values[0])
    return list(values)


def name_to_expr(name: str, plan_id: int | None = None) -> Expr:
    """``col(name)``: ``*`` and ``t.*`` are stars, anything else a column reference."""
    if name == "*":
        return Star(plan_id=plan_id)
    if name.endswith(".*"):
        return Star(target=name[:-2], plan_id=plan_id)
    return ColumnRef(name, plan_id)


def _binary(name: str, reverse: bool = False) -> Callable[[Column, Any], Column]:
    def operator(self: Column, other: Any) -> Column:
        args = (to_expr(other), self._expr) if reverse else (self._expr, to_expr(other))
        return Column(Call(name, args))

    return operator


def _unary(name: str) -> Callable[[Column], Column]:
    def operator(self: Column) -> Column:
        return Column(Call(name, (self._expr,)))

    return operator


class Column:
    """A column expression: operators and methods build new Columns."""

    __slots__ = ("_expr",)

    def __init__(self, expr: Expr) -> None:
        self._expr = expr

    # arithmetic
    __add__ = _binary("+")
    __radd__ = _binary("+", reverse=True)
    __sub__ = _binary("-")
    __rsub__ = _binary("-", reverse=True)
    __mul__ = _binary("*")
    __rmul__ = _binary("*", reverse=True)
    __truediv__ = _binary("/")
    __rtruediv__ = _binary("/", reverse=True)
    __div__ = __truediv__
    __rdiv__ = __rtruediv__
    __mod__ = _binary("%")
    __rmod__ = _binary("%", reverse=True)
    __pow__ = _binary("power")
    __rpow__ = _binary("power", reverse=True)
    __neg__ = _unary("negative")

    # comparison
    __eq__ = _binary("=")  # type: ignore[assignment]
    __lt__ = _binary("<")
    __gt__ = _binary(">")
    __le__ = _binary("<=")
    __ge__ = _binary(">=")
    eqNullSafe = _binary("<=>")

    def __ne__(self, other: Any) -> Column:  # type: ignore[override]
        return Column(Call("not", (Call("=", (self._expr, to_expr(other))),)))

    # logic
    __and__ = _binary("and")
    __rand__ = _binary("and", reverse=True)
    __or__ = _binary("or")
    __ror__ = _binary("or", reverse=True)
    __invert__ = _unary("not")

    # bitwise
    bitwiseAND = _binary("&")
    bitwiseOR = _binary("|")
    bitwiseXOR = _binary("^")

    # strings
    contains = _binary("contains")
    startswith = _binary("startswith")
    endswith = _binary("endswith")
    like = _binary("like")
    rlike = _binary("rlike")
    ilike = _binary("ilike")

    isNull = _unary("isnull")
    isNotNull = _unary("isnotnull")

    __hash__ = None  # type: ignore[assignment]

    def substr(self, startPos: int | Column, length: int | Column) -> Column:
        if type(startPos) is not type(length):
            raise PySparkTypeError(
                errorClass="NOT_SAME_TYPE",
                messageParameters={
                    "arg_name1": "startPos",
                    "arg_name2": "length",
                    "arg_type1": type(startPos).__name__,
                    "arg_type2": type(length).__name__,
                },
            )
        return Column(Call("substr", (self._expr, to_expr(startPos), to_expr(length))))

    def isin(self, *cols: Any) -> Column:
        from sparkflight.client.dataframe import DataFrame

        if len(cols) == 1 and isinstance(cols[0], DataFrame):
            expr = self._expr
            struct = isinstance(expr, Call) and expr.name == "struct"
            needles = expr.args if struct else (expr,)
            return Column(InSubquery(cols[0]._plan, needles))
        if len(cols) == 1 and isinstance(cols[0], (list, set, tuple)):
            cols = tuple(cols[0])
        return Column(InList(self._expr, tuple(to_expr(c) for c in cols)))

    def between(self, lowerBound: Any, upperBound: Any) -> Column:
        return (self >= lowerBound) & (self <= upperBound)

    # nested data
    def getItem(self, key: Any) -> Column:
        return Column(ExtractValue(self._expr, to_expr(key)))

    def getField(self, name: Any) -> Column:
        return Column(ExtractValue(self._expr, to_expr(name)))

    def withField(self, fieldName: str, col: Column) -> Column:
        if not isinstance(fieldName, str):
            raise wrong_type("NOT_STR", "fieldName", fieldName)
        if not isinstance(col, Column):
            raise wrong_type("NOT_COLUMN", "col", col)
        return Column(WithField(self._expr, fieldName, col._expr))

    def dropFields(self, *fieldNames: str) -> Column:
        return Column(DropFields(self._expr, fieldNames))

    def __getitem__(self, key: Any) -> Column:
        if isinstance(key, slice):
            if key.step is not None:
                raise PySparkValueError(errorClass="SLICE_WITH_STEP", messageParameters={})
            return self.substr(key.start, key.stop)
        return self.getItem(key)

    def __getattr__(self, item: str) -> Column:
        if item.startswith("__"):
            raise AttributeError(item)
        return self[item]

    # types and names
    def cast(self, dataType: DataType | str) -> Column:
        if not isinstance(dataType, (DataType, str)):
            raise wrong_type("NOT_DATATYPE_OR_STR", "dataType", dataType)
        return Column(Cast(self._expr, dataType))

    astype = cast

    def try_cast(self, dataType: DataType | str) -> Column:
        return Column(Cast(self._expr, dataType, try_=True))

    def alias(self, *alias: str, **kwargs: Any) -> Column:
        metadata = kwargs.pop("metadata", None)
        if kwargs:
            raise PySparkTypeError(
                errorClass="WRONG_ARGUMENTS",
                messageParameters={
                    "function": "alias",
                    "detail": f"takes the keyword argument `metadata` only, got {sorted(kwargs)}",
                },
            )
        if metadata is None:
            return Column(Alias(self._expr, tuple(alias)))
        if len(alias) != 1:
            raise PySparkValueError(
                errorClass="ONLY_ALLOWED_FOR_SINGLE_COLUMN",
                messageParameters={"arg_name": "metadata"},
            )
        return Column(AliasWithMetadata(self._expr, alias[0], json.dumps(metadata)))

    name = alias

    # sort orders
    def asc(self) -> Column:
        return Column(SortOrder(self._expr, True))

    def asc_nulls_first(self) -> Column:
        return Column(SortOrder(self._expr, True, True))

    def asc_nulls_last(self) -> Column:
        return Column(SortOrder(self._expr, True, False))

    def desc(self) -> Column:
        return Column(SortOrder(self._expr, False))

    def desc_nulls_first(self) -> Column:
        return Column(SortOrder(self._expr, False, True))

    def desc_nulls_last(self) -> Column:
        return Column(SortOrder(self._expr, False, False))

    # conditionals
    def when(self, condition: Column, value: Any) -> Column:
        expr = self._expr
        if not isinstance(expr, CaseWhen) or expr.otherwise is not None:
            raise PySparkValueError(errorClass="INVALID_WHEN_USAGE", messageParameters={})
        branch = (to_expr(condition), to_expr(value))
        return Column(CaseWhen(expr.branches + (branch,)))

    def otherwise(self, value: Any) -> Column:
        expr = self._expr
        if not isinstance(expr, CaseWhen) or expr.otherwise is not None:
            raise PySparkValueError(errorClass="INVALID_WHEN_USAGE", messageParameters={})
        return Column(CaseWhen(expr.branches, to_expr(value)))

    def over(self, window: WindowSpec | None = None) -> Column:
        from sparkflight.client.window import WindowSpec

        if not isinstance(self._expr, (Call, PythonUDF)):
            raise PySparkTypeError(
                errorClass="NOT_WINDOW_FUNCTION", messageParameters={"expression": str(self._expr)}
            )
        return Column(WindowExpr(self._expr, window if window is not None else WindowSpec()))

    def outer(self) -> Column:
        """This column as a reference to the outer query of a subquery or lateral join."""
        return Column(OuterReference(self._expr))

    def isNaN(self) -> Column:
        return Column(Call("isnan", (self._expr,)))

    def transform(self, f: Callable[[Column], Column]) -> Column:
        """``f(self)``: apply a function of a Column, for chaining."""
        return f(self)

    # Python protocol guards, as in PySpark
    def __bool__(self) -> bool:
        raise PySparkValueError(
            errorClass="CANNOT_CONVERT_COLUMN_INTO_BOOL",
            messageParameters={"column": str(self._expr)},
        )

    __nonzero__ = __bool__

    def __iter__(self) -> None:
        raise PySparkTypeError(
            errorClass="NOT_ITERABLE",
            messageParameters={"objectName": "Column"},
        )

    def __contains__(self, item: Any) -> None:
        raise PySparkValueError(errorClass="CANNOT_APPLY_IN_FOR_COLUMN", messageParameters={})

    def __repr__(self) -> str:
        return f"Column<'{self._expr}'>"
