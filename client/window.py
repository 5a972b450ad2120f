"""``Window`` and ``WindowSpec``: the window of a window function, as in PySpark."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from sparkflight.client.column import Column, column_expr, flatten
from sparkflight.client.expressions import Expr, sort_order

_JAVA_MIN_LONG = -(1 << 63)
_JAVA_MAX_LONG = (1 << 63) - 1
_PRECEDING_THRESHOLD = max(-sys.maxsize, _JAVA_MIN_LONG)
_FOLLOWING_THRESHOLD = min(sys.maxsize, _JAVA_MAX_LONG)


def _clamp(start: int, end: int) -> tuple[int, int]:
    if start <= _PRECEDING_THRESHOLD:
        start = Window.unboundedPreceding
    if end >= _FOLLOWING_THRESHOLD:
        end = Window.unboundedFollowing
    return start, end


def _bound(kind: str, value: int) -> str:
    """A frame boundary as Spark prints it (range offsets are longs)."""
    if value == Window.unboundedPreceding:
        return "UNBOUNDED PRECEDING"
    if value == Window.unboundedFollowing:
        return "UNBOUNDED FOLLOWING"
    if value == 0:
        return "CURRENT ROW"
    return f"{value}L" if kind == "range" else str(value)


class WindowSpec:
    """Partitioning, ordering and frame of a window; immutable."""

    def __init__(
        self,
        partition_by: Iterable[Expr] = (),
        order_by: Iterable[Expr] = (),
        frame: tuple[str, int, int] | None = None,
    ) -> None:
        self.partition_by: tuple[Expr, ...] = tuple(partition_by)
        self.order_by: tuple[Expr, ...] = tuple(order_by)
        #: ("rows" | "range", start, end) or None for Spark's default frame.
        self.frame = frame

    def partitionBy(self, *cols: Any) -> WindowSpec:
        exprs = tuple(column_expr(c) for c in flatten(cols))
        return WindowSpec(exprs, self.order_by, self.frame)

    def orderBy(self, *cols: Any) -> WindowSpec:
        exprs = tuple(sort_order(column_expr(c)) for c in flatten(cols))
        return WindowSpec(self.partition_by, exprs, self.frame)

    def rowsBetween(self, start: int, end: int) -> WindowSpec:
        return WindowSpec(self.partition_by, self.order_by, ("rows", *_clamp(start, end)))

    def rangeBetween(self, start: int, end: int) -> WindowSpec:
        return WindowSpec(self.partition_by, self.order_by, ("range", *_clamp(start, end)))

    def __str__(self) -> str:
        parts = []
        if self.partition_by:
            parts.append("PARTITION BY " + ", ".join(str(p) for p in self.partition_by))
        if self.order_by:
            parts.append("ORDER BY " + ", ".join(str(o) for o in self.order_by))
        if self.frame is not None:
            kind, start, end = self.frame
            parts.append(f"{kind.upper()} BETWEEN {_bound(kind, start)} AND {_bound(kind, end)}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"WindowSpec({self})"


class Window:
    """Factory of window specs: ``Window.partitionBy("k").orderBy("t")``."""

    unboundedPreceding: int = _JAVA_MIN_LONG
    unboundedFollowing: int = _JAVA_MAX_LONG
    currentRow: int = 0

    @staticmethod
    def partitionBy(*cols: str | Column | list[str | Column]) -> WindowSpec:
        return WindowSpec().partitionBy(*cols)

    @staticmethod
    def orderBy(*cols: str | Column | list[str | Column]) -> WindowSpec:
        return WindowSpec().orderBy(*cols)

    @staticmethod
    def rowsBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rowsBetween(start, end)

    @staticmethod
    def rangeBetween(start: int, end: int) -> WindowSpec:
        return WindowSpec().rangeBetween(start, end)
