"""Comparing answers across engines: rows reduced to plain values, numbers within a tolerance."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

Rows = list[tuple[Any, ...]]

#: Relative and absolute tolerance of numbers (decimal and double arithmetic differ).
REL_TOL = 1e-6
ABS_TOL = 1e-4


def plain(value: Any) -> Any:
    """``value`` as a plain, picklable, comparable value."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def plain_rows(rows: Any) -> Rows:
    """Rows (PySpark ``Row``s, tuples) as tuples of plain values."""
    return [tuple(plain(value) for value in row) for row in rows]


def _same_value(left: Any, right: Any) -> bool:
    if isinstance(left, float | int) and isinstance(right, float | int):
        return math.isclose(left, right, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return left == right


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        (value is None, round(value, 2) if isinstance(value, float) else value) for value in row
    )


def differences(actual: Rows, expected: Rows, ordered: bool = False) -> str | None:
    """Why ``actual`` differs from ``expected`` (rows compared as a multiset unless
    ``ordered``), or None when they agree."""
    if len(actual) != len(expected):
        return f"{len(actual)} rows, expected {len(expected)}"
    if not ordered:
        actual, expected = sorted(actual, key=_sort_key), sorted(expected, key=_sort_key)
    for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
        if len(got) != len(want) or not all(map(_same_value, got, want)):
            return f"row {index}: {got!r}, expected {want!r}"
    return None
