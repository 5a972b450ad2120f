"""Substrait's official function test cases, run on the server.

Every case of ``substrait_extensions/testcases`` whose function the server maps to a
Spark twin (``plans/functions.py``, and the standard functions the translator rewrites)
runs as a Substrait plan through the real server: the scalar cases of one file that
expect a value in one projection, the others one plan each. A case passes when the
result equals the expected value (floats to the precision of their type), or when an
error was expected and Spark raised one (an error of its own, named by its class; the
server's refusal of the plan does not count). Each failure must be explained by a row
of :data:`EXPECTED_FAILURES` (what Spark does differently, and why), which names the
cases it explains as narrowly as it can and how many fail for it. The counts are the
ones README's compatibility section reports.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.flight as fl
import pytest

from sparkflight.flight_server.connect.expressions import _STANDARD_RULES
from sparkflight.plans.functions import BY_SUBSTRAIT_NAME, PRODUCER_ALIASES, spark_name_for
from tests.flight_server.plan_builder import SERVER_ERRORS
from tests.substrait_testcases import (
    TESTCASES,
    Case,
    aggregate_plan,
    expected_value,
    file_urn,
    load_cases,
    same_value,
    scalar_plan,
)


def is_mapped(function: str) -> bool:
    """Whether the server maps the standard function to a Spark twin."""
    return (
        function in BY_SUBSTRAIT_NAME
        or function in PRODUCER_ALIASES
        or spark_name_for(function) in _STANDARD_RULES
    )


@dataclass(frozen=True)
class Expected:
    """Failures Spark is expected to have, why, and how many cases fail for it."""

    matches: Callable[[Case], bool]
    reason: str
    failures: int


def _option(name: str, *values: str) -> Callable[[Case], bool]:
    return lambda case: case.options.get(name) in values


def _text(pattern: str) -> Callable[[Case], bool]:
    return lambda case: re.search(pattern, case.text) is not None


def _function(*names: str) -> Callable[[Case], bool]:
    return lambda case: case.function in names


def _both(*tests: Callable[[Case], bool]) -> Callable[[Case], bool]:
    return lambda case: all(test(case) for test in tests)


def _sample_statistic_with(pattern: str) -> Callable[[Case], bool]:
    return _both(_function("std_dev", "variance"), _text(pattern))


def _factorial_out_of_range(case: Case) -> bool:
    """A factorial of an argument outside 0..20 (whose result overflows a BIGINT)."""
    found = re.match(r"factorial\((-?\d+)", case.text)
    return case.function == "factorial" and found is not None and int(found[1]) not in range(21)


#: A first argument outside the domain of square roots, powers and logarithms: negative,
#: or zero for a logarithm.
_OUTSIDE_DOMAIN = _both(
    _function("sqrt", "power", "ln", "log10", "log2"), _text(r"^\w+\((-|0\.0::)")
)


#: Where Spark's function differs from the standard one, and why.
EXPECTED_FAILURES: list[Expected] = [
    Expected(
        _option("overflow", "SATURATE"),
        "Spark has no saturating integer arithmetic: with ANSI mode (Spark 4's default) "
        "an overflow raises ARITHMETIC_OVERFLOW; without it, it wraps around",
        failures=9,
    ),
    Expected(
        _both(_function("divide", "modulus"), _option("on_division_by_zero", "NAN", "NULL")),
        "Spark's integer division by zero raises DIVIDE_BY_ZERO under ANSI mode; "
        "try_divide is the form that answers null",
        failures=1,
    ),
    Expected(
        _both(_function("modulus"), _option("on_domain_error", "NULL")),
        "Spark's remainder by zero raises REMAINDER_BY_ZERO under ANSI mode (try_mod answers null)",
        failures=1,
    ),
    Expected(
        _both(_function("modulus"), _option("division_type", "FLOOR")),
        "Spark's % truncates (the result takes the dividend's sign); pmod is the floored one",
        failures=1,
    ),
    Expected(
        _factorial_out_of_range,
        "Spark's factorial answers null outside 0..20 (and for a non-integral argument) "
        "instead of raising an error",
        failures=3,
    ),
    Expected(
        _both(_function("power"), _text(r"::i64\)")),
        "Spark's power always returns DOUBLE, also for integer arguments",
        failures=2,
    ),
    Expected(
        _OUTSIDE_DOMAIN,
        "Spark answers NaN (sqrt, power) or null (logarithms of zero or less) for arguments "
        "outside the domain, whatever on_domain_error / on_log_zero / complex_number_result ask",
        failures=18,
    ),
    Expected(
        _both(_function("bitwise_and", "bitwise_or", "bitwise_xor"), _text("::dec")),
        "Spark's &, | and ^ take integral types only, not decimals",
        failures=42,
    ),
    Expected(
        _both(_function("is_nan"), _text("null")),
        "Spark's isnan(null) is false, not null",
        failures=1,
    ),
    Expected(
        _both(_function("concat"), _option("null_handling", "IGNORE_NULLS")),
        "Spark's concat is null when an argument is null (concat_ws skips nulls)",
        failures=3,
    ),
    Expected(
        _option("case_sensitivity", "CASE_INSENSITIVE"),
        "Spark's contains, startswith and endswith compare case-sensitively under the "
        "default collation",
        failures=6,
    ),
    Expected(
        _both(_function("substring"), _option("negative_start", "LEFT_OF_BEGINNING")),
        "Spark's substring counts a negative start from the end (WRAP_FROM_END)",
        failures=2,
    ),
    Expected(
        _sample_statistic_with(r"^\(\(-5\.0\)|^\(\(0\.0\), \(100\.0\)|rounding:"),
        "the test case's expected value is not the statistic of its data (for example the "
        "sample variance of -5, -3, -1, 1, 3, 5 is 14, not 15.17); Spark's is exact",
        failures=12,
    ),
]


@dataclass
class Outcome:
    case: Case
    status: str  # "pass", "fail" or "not run"
    detail: str = ""


def _run(client: fl.FlightClient, plan: Any) -> Any:
    return client.do_get(fl.Ticket(plan.SerializeToString())).read_all()


#: The server's own refusals of a plan: an expected error is Spark's, never one of these.
_REFUSALS = ("INVALID_PLAN", "UNSUPPORTED_RELATION", "UNKNOWN_FUNCTION", "INTERNAL_ERROR")


def _judge(case: Case, value: Any = None, error: str | None = None) -> Outcome:
    if case.undefined:
        return Outcome(case, "pass", "undefined result")
    if case.result is None:
        if error is None:
            return Outcome(case, "fail", f"expected an error, got {value!r}")
        if any(f"[{refusal}]" in error for refusal in _REFUSALS):
            return Outcome(case, "fail", f"the server refused the plan: {error[:300]}")
        return Outcome(case, "pass", error)
    if error is not None:
        return Outcome(case, "fail", f"error: {error[:300]}")
    expected = expected_value(case.result)
    if same_value(value, expected, case.result.type):
        return Outcome(case, "pass")
    return Outcome(case, "fail", f"got {value!r}, expected {expected!r}")


def _plan(urn: str, cases: list[Case]) -> Any:
    build = scalar_plan if cases[0].kind == "scalar" else aggregate_plan
    return build(urn, cases)


def _run_cases(client: fl.FlightClient, urn: str, cases: list[Case]) -> list[Outcome]:
    """Run ``cases`` (of one kind) in one plan; halve the batch while it fails."""
    try:
        table = _run(client, _plan(urn, cases))
    except SERVER_ERRORS as exc:
        if len(cases) > 1:
            half = len(cases) // 2
            return _run_cases(client, urn, cases[:half]) + _run_cases(client, urn, cases[half:])
        return [_judge(cases[0], error=str(exc).splitlines()[0])]
    if not table.num_rows:
        return [_judge(case, value=None) for case in cases]
    return [_judge(case, value=table.column(i)[0].as_py()) for i, case in enumerate(cases)]


def _buildable(urn: str, case: Case) -> str:
    try:
        _plan(urn, [case])
    except (NotImplementedError, ValueError) as exc:
        return f"this reader does not build {exc}"
    return ""


def run_all(client: fl.FlightClient) -> list[Outcome]:
    """Run every mapped case: those that expect a value in one plan per file and kind,
    those that expect an error one by one."""
    outcomes: list[Outcome] = []
    by_file: dict[str, list[Case]] = {}
    for case in load_cases():
        if not is_mapped(case.function):
            outcomes.append(Outcome(case, "not mapped"))
        elif case.unsupported:
            outcomes.append(Outcome(case, "not run", case.unsupported))
        else:
            by_file.setdefault(case.path, []).append(case)
    for path, cases in by_file.items():
        urn = file_urn(TESTCASES / path)
        runnable = []
        for case in cases:
            problem = _buildable(urn, case)
            if problem:
                outcomes.append(Outcome(case, "not run", problem))
            else:
                runnable.append(case)
        for kind in ("scalar", "aggregate"):
            values = [c for c in runnable if c.kind == kind and c.result is not None]
            if values:
                outcomes += _run_cases(client, urn, values)
            for case in runnable:
                if case.kind == kind and case.result is None:
                    outcomes += _run_cases(client, urn, [case])
    return outcomes


@pytest.fixture(scope="module")
def outcomes(flight_client: fl.FlightClient) -> list[Outcome]:
    return run_all(flight_client)


def _explanation(case: Case) -> Expected | None:
    return next((e for e in EXPECTED_FAILURES if e.matches(case)), None)


def test_every_failure_is_expected(outcomes: list[Outcome]) -> None:
    counts = Counter(o.status for o in outcomes)
    print(f"\nSubstrait test cases: {dict(counts)}")
    reasons = Counter(
        explanation.reason
        for o in outcomes
        if o.status == "fail" and (explanation := _explanation(o.case)) is not None
    )
    for reason, count in reasons.most_common():
        print(f"{count:4d}  {reason}")
    unexplained = [
        f"{o.case.id}: {o.case.text}  -> {o.detail}"
        for o in outcomes
        if o.status == "fail" and _explanation(o.case) is None
    ]
    assert not unexplained, "\n".join(unexplained)


def test_each_reason_explains_exactly_its_failures(outcomes: list[Outcome]) -> None:
    """A reason excuses the number of failures it names, no more: a new failure of a
    function it names (a wrong ``sqrt`` of an ordinary argument) is not excused."""
    failing = [o.case for o in outcomes if o.status == "fail"]
    explained = Counter(e.reason for c in failing if (e := _explanation(c)) is not None)
    wrong = {
        e.reason: (explained[e.reason], e.failures)
        for e in EXPECTED_FAILURES
        if explained[e.reason] != e.failures
    }
    assert not wrong, wrong


def test_expected_errors_are_spark_errors(outcomes: list[Outcome]) -> None:
    """A case that expects an error passes on an error of Spark's (its error class in the
    message), not on any failure."""
    passed = [
        o for o in outcomes if o.status == "pass" and o.case.result is None and not o.case.undefined
    ]
    assert passed
    named = re.compile(r"\[[A-Z_.]+\]")
    unnamed = [f"{o.case.id}: {o.detail}" for o in passed if not named.search(o.detail)]
    assert not unnamed, "\n".join(unnamed)


#: The outcomes, as README's compatibility section reports them.
COUNTS = {"pass": 752, "fail": 101, "not run": 136, "not mapped": 334}


def test_the_counts_are_the_readmes(outcomes: list[Outcome]) -> None:
    assert dict(Counter(o.status for o in outcomes)) == COUNTS
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for status in ("pass", "fail", "not run"):
        assert re.search(rf"\| {status}\b[^|]* \| {COUNTS[status]} \|", readme), status
    mapped = COUNTS["pass"] + COUNTS["fail"] + COUNTS["not run"]
    assert f"{mapped} call a standard function" in readme
