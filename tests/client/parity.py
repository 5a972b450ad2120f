"""Generated differential cases: one call, built on both engines from a spec, compared
column by column.

A *spec* says how to call one function of ``pyspark.sql.functions`` (or one method of
``Column``) on :func:`sample_frame`: ``(name, args, kwargs, wrap, shape)``, where each
argument is a token — ``("col", "s")`` a column name passed as ``str``, ``("val", v)`` a
Python value, ``("lit", v)`` a ``lit(v)`` Column, ``("c", name)`` a ``col(name)`` Column,
``("sql", text)`` an ``expr(text)`` Column, ``("fn", text)`` a lambda of :data:`LAMBDAS` —
``wrap`` is ``"over"`` for a window function, evaluated over :func:`window`'s spec,
``"string"`` for a result cast to a string (an interval, which Python cannot collect) or
``""``, and ``shape`` is how PySpark evaluates it: ``scalar``, ``aggregate``
and ``generator`` calls are compared by value, ``error`` calls must raise on both engines.
The specs live in ``tests/client/parity_cases.py``, written by
``python -m tests.client.generate_parity_cases`` from PySpark's own signatures, with
the error PySpark raises for each ``error`` spec.

:func:`compare` runs many specs of one shape in one query per engine (a generator alone,
as Spark allows one per select) and reports, per spec, what differs: ``name``, ``type``,
``nullable``, ``values``, ``error`` (ours raises, PySpark does not), ``no error`` (PySpark
raises, ours does not) or ``error class`` (both raise, with different conditions).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: The shared input: a column of each type and a row of nulls; ``l`` orders the rows, so
#: that a window over it keeps them in their order.
SCHEMA = (
    "i int, l bigint, d double, dec decimal(10,2), s string, dt date, ts timestamp, "
    "b boolean, arr array<int>, sarr array<string>, m map<string,int>, "
    "st struct<a:int,b:string>, bin binary, js string"
)
ROWS = [
    (
        1,
        10,
        2.5,
        decimal.Decimal("1.25"),
        "Abc,d",
        datetime.date(2024, 1, 15),
        datetime.datetime(2024, 1, 15, 13, 45, 7, 250000),
        True,
        [1, 2, 3],
        ["a", "b"],
        {"a": 1},
        (1, "x"),
        b"ab",
        '{"a":1,"b":"x"}',
    ),
    (
        -3,
        20,
        -0.5,
        decimal.Decimal("-3.50"),
        " x y ",
        datetime.date(2023, 12, 31),
        datetime.datetime(2023, 12, 31, 23, 59, 59),
        False,
        [3, None, 3],
        ["c", None],
        {"b": 2, "c": None},
        (None, "y"),
        b"",
        "[1,2]",
    ),
    (None, 30, None, None, None, None, None, None, None, None, None, None, None, None),
]

#: The lambdas a spec may pass, by the text that names them.
LAMBDAS: dict[str, Callable[..., Any]] = {
    "x": lambda x: x,
    "x + 1": lambda x: x + 1,
    "x > 1": lambda x: x > 1,
    "x, i: x + i": lambda x, i: x + i,
    "acc, x: acc + x": lambda acc, x: acc + x,
    "acc: acc * 10": lambda acc: acc * 10,
    "x, y: x + y": lambda x, y: x + y,
    "x, y: y - x": lambda x, y: (y - x).cast("int"),
    "k, v: v > 1": lambda k, v: v > 1,
    "k, v: concat(k, k)": None,  # filled in by :func:`lambda_of`, which needs F
    "k, v: v + 1": lambda k, v: v + 1,
    "k, v1, v2: coalesce(v1, v2)": None,
}


def lambda_of(text: str, F: Any) -> Callable[..., Any]:
    """The lambda that ``text`` names, built with the engine's functions ``F``."""
    if text == "k, v: concat(k, k)":
        return lambda k, v: F.concat(k, k)
    if text == "k, v1, v2: coalesce(v1, v2)":
        return lambda k, v1, v2: F.coalesce(v1, v2)
    return LAMBDAS[text]


def sample_frame(spark: Any, F: Any) -> Any:
    """The input every generated call reads, with a variant column ``v``."""
    return spark.createDataFrame(ROWS, SCHEMA).withColumn("v", F.parse_json("js"))


def window(Window: Any) -> Any:
    """The window spec of window-function calls: ordered by ``l``, one partition."""
    return Window.orderBy("l")


#: How a wrapped call shows in a spec's id.
WRAPS = {"over": "over(w)", "string": 'cast("string")'}


def token_text(token: tuple[str, Any]) -> str:
    kind, value = token
    if kind == "col":
        return value
    if kind == "lit":
        return f"lit({value!r})"
    if kind == "c":
        return f"col({value!r})"
    if kind == "sql":
        return f"expr({value!r})"
    if kind == "fn":
        return f"lambda {value}" if ":" in value else f"lambda x: {value}"
    return repr(value)


def spec_id(spec: tuple) -> str:
    """A spec as the call it makes, e.g. ``trim(s, lit('*'))``."""
    name, args, kwargs, wrap, _ = spec
    parts = [token_text(t) for t in args] + [f"{k}={token_text(t)}" for k, t in kwargs]
    text = f"{name}({', '.join(parts)})"
    return f"{text}.{WRAPS[wrap]}" if wrap else text


def build_token(token: tuple[str, Any], F: Any) -> Any:
    kind, value = token
    if kind == "lit":
        return F.lit(value)
    if kind == "c":
        return F.col(value)
    if kind == "sql":
        return F.expr(value)
    if kind == "fn":
        return lambda_of(value, F)
    return value


def build(spec: tuple, F: Any, Window: Any, df: Any) -> Any:
    """The Column a spec makes with one engine's modules: a function of ``F`` or, for a
    name ``Column.m``, method ``m`` of the first argument's column."""
    name, args, kwargs, wrap, _ = spec
    values = [build_token(t, F) for t in args]
    options = {k: build_token(t, F) for k, t in kwargs}
    if name.startswith("Column."):
        target = df[values[0]]
        column = getattr(target, name.split(".", 1)[1])(*values[1:], **options)
    else:
        column = getattr(F, name)(*values, **options)
    if wrap == "over":
        return column.over(window(Window))
    return column.cast("string") if wrap == "string" else column


def condition(exc: BaseException) -> str | None:
    getter = getattr(exc, "getCondition", None)
    return getter() if getter is not None else None


@dataclass
class Outcome:
    """What one engine made of one spec: a column's name, type, nullability and values,
    or the error it raised (``error`` is ``"Class: CONDITION"``)."""

    name: str = ""
    type: str = ""
    nullable: bool = True
    values: tuple[str, ...] = ()
    error: str | None = None
    condition: str | None = None


def value_text(value: Any) -> str:
    """A value's repr, a map's entries sorted (classic PySpark reads a map through a
    Java hash map, which does not keep Spark's order)."""
    if isinstance(value, dict):
        entries = sorted(f"{value_text(k)}: {value_text(v)}" for k, v in value.items())
        return "{" + ", ".join(entries) + "}"
    if isinstance(value, tuple) and hasattr(value, "__fields__"):
        fields = ", ".join(
            f"{k}={value_text(v)}" for k, v in zip(value.__fields__, value, strict=True)
        )
        return f"Row({fields})"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return repr(value)


#: A seed PySpark draws at random, in a column's name.
_SEED = re.compile(r"-?\d{6,}")


def _error(exc: BaseException) -> Outcome:
    return Outcome(error=f"{type(exc).__name__}: {condition(exc)}", condition=condition(exc))


def _outcomes(df: Any, columns: list[Any]) -> list[Outcome]:
    """Select ``columns`` of ``df`` in one query (one outcome per column); if it fails,
    each half in its own."""
    try:
        selected = df.select(*columns)
        fields = selected.schema.fields
        rows = selected.collect()
    except Exception as exc:
        if len(columns) == 1:
            return [_error(exc)]
        half = len(columns) // 2
        return _outcomes(df, columns[:half]) + _outcomes(df, columns[half:])
    if len(fields) != len(columns):  # a generator of several columns, alone in its query
        return [
            Outcome(
                name=", ".join(field.name for field in fields),
                type=selected.schema.simpleString(),
                nullable=all(field.nullable for field in fields),
                values=tuple(value_text(row) for row in rows),
            )
        ]
    return [
        Outcome(
            name=field.name,
            type=field.dataType.simpleString(),
            nullable=field.nullable,
            values=tuple(value_text(row[index]) for row in rows),
        )
        for index, field in enumerate(fields)
    ]


def run(engine: Any, specs: list[tuple], batch: int) -> list[Outcome]:
    """Evaluate ``specs`` on one engine, ``batch`` columns per query."""
    df = sample_frame(engine.spark, engine.F)
    built: list[Any] = []
    for spec in specs:
        try:
            built.append(build(spec, engine.F, engine.Window, df))
        except Exception as exc:
            built.append(_error(exc))
    outcomes: list[Outcome | None] = [o if isinstance(o, Outcome) else None for o in built]
    pending = [i for i, o in enumerate(outcomes) if o is None]
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        for index, outcome in zip(chunk, _outcomes(df, [built[i] for i in chunk]), strict=True):
            outcomes[index] = outcome
    return [o for o in outcomes if o is not None]


def difference(got: Outcome, expected: Outcome, compare_values: bool = True) -> str | None:
    """The first way ``got`` (ours) differs from ``expected`` (PySpark's), or None."""
    if expected.error is not None:
        if got.error is None:
            return "no error"
        if expected.condition and got.condition and expected.condition != got.condition:
            return "error class"
        return None
    if got.error is not None:
        return "error"
    if not compare_values:  # a random seed in the name is not compared either
        got = dataclasses.replace(got, name=_SEED.sub("<seed>", got.name), values=())
        expected = dataclasses.replace(expected, name=_SEED.sub("<seed>", expected.name), values=())
    for aspect in ("name", "type", "nullable", "values"):
        if getattr(got, aspect) != getattr(expected, aspect):
            return aspect
    return None


def stored_error(error: tuple[str, str | None]) -> Outcome:
    """The outcome of an error recorded as (exception class, condition)."""
    kind, cause = error
    return Outcome(error=f"{kind}: {cause}", condition=cause)


def compare(
    engines: Any,
    specs: Iterable[tuple],
    batch: int,
    uncompared: Iterable[str] = (),
    errors: Mapping[str, tuple[str, str | None]] | None = None,
) -> dict[str, tuple[str, str, str]]:
    """Run ``specs`` on both engines; per differing spec id, (what differs, ours, PySpark's).

    Values of the functions or calls (spec ids) named in ``uncompared`` are not compared
    (their names, but for a random seed, types and errors are). A spec whose id is in
    ``errors`` is not run on PySpark: the (exception class, condition) recorded there is
    PySpark's outcome."""
    specs = list(specs)
    skip = set(uncompared)
    known = dict(errors or {})
    got = run(engines.client, specs, batch)
    asked = run(engines.classic, [s for s in specs if spec_id(s) not in known], batch)
    answers = iter(asked)
    expected = [
        stored_error(known[spec_id(s)]) if spec_id(s) in known else next(answers) for s in specs
    ]
    found = {}
    for spec, ours, theirs in zip(specs, got, expected, strict=True):
        what = difference(ours, theirs, not {spec[0], spec_id(spec)} & skip)
        if what is not None:
            found[spec_id(spec)] = (what, _show(ours, what), _show(theirs, what))
    return found


def _show(outcome: Outcome, what: str) -> str:
    if outcome.error is not None or what in ("error", "no error", "error class"):
        return str(outcome.error)
    return repr(getattr(outcome, what))
