"""The options of standard functions that Spark's twins honour, and the refusal of others.

A function option lists the behaviours a plan accepts, in order of preference; the
consumer picks the first it has. Where none of them is the behaviour of Spark's twin, the
plan would be answered by another function than it asks for, so it is refused naming the
option. Options not listed here are not read.
"""

from __future__ import annotations

from collections.abc import Sequence

from substrait import algebra_pb2

from sparkflight.flight_server.connect import NotTranslatable

#: By option name: the values Spark's functions behave as (with ANSI mode, Spark 4's
#: default), and what Spark does instead of the others.
HONOURED: dict[str, tuple[frozenset[str], str]] = {
    "overflow": (
        frozenset({"ERROR", "SILENT"}),
        "Spark raises ARITHMETIC_OVERFLOW on an overflow and has no saturating arithmetic",
    ),
    "on_division_by_zero": (
        frozenset({"ERROR"}),
        "Spark raises DIVIDE_BY_ZERO on an integer division by zero",
    ),
    "division_type": (frozenset({"TRUNCATE"}), "Spark's remainder truncates"),
    "null_handling": (
        frozenset({"ACCEPT_NULLS"}),
        "Spark's concat is null when an argument is null",
    ),
    "case_sensitivity": (
        frozenset({"CASE_SENSITIVE"}),
        "Spark compares strings case-sensitively under the default collation",
    ),
    "negative_start": (
        frozenset({"WRAP_FROM_END"}),
        "Spark's substring counts a negative start from the end",
    ),
}


def check_options(function: str, options: Sequence[algebra_pb2.FunctionOption]) -> None:
    """Refuse a call of standard ``function`` whose options Spark's twin cannot honour."""
    for option in options:
        known = HONOURED.get(option.name)
        if known is None or not option.preference:
            continue
        values, instead = known
        if not values.intersection(option.preference):
            asked = ", ".join(option.preference)
            raise NotTranslatable(
                f"option {option.name} ({asked}) of function {function!r}: {instead}"
            )
