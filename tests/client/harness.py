"""Run one piece of PySpark code on the sparkflight client and on in-process PySpark.

A *case* is a function ``case(spark, F, T, Window, Row, **inputs)`` written once
against PySpark's API. :class:`Engine` supplies the session and modules of one
side: the sparkflight client (``client``, ``sparkflight.client.functions``, ...) or
classic PySpark (``pyspark.sql``, ``pyspark.sql.functions``, ...). The two
sessions are separate Spark instances, so a case builds its own input data.

:meth:`Cases.frame` registers a case returning a DataFrame: its rows (as Row
reprs), schema, columns, dtypes and ``show()`` text must be identical on both
engines, and optionally its ``toPandas()`` and ``toArrow()`` results.
:meth:`Cases.program` registers a case returning any value: its value and all
it printed must be identical on both engines.

Parity of nothing is no parity: a frame case must have rows (unless registered with
``empty=True``), a program case must return a value or print something, and a case about
an error returns :func:`error_of`, which fails when nothing is raised.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pandas as pd
import pandas.testing as pdt
import pyarrow as pa
import pytest
from pyspark.sql import Row as ClassicRow
from pyspark.sql import Window as ClassicWindow
from pyspark.sql import functions as classic_functions
from pyspark.sql import types as classic_types

from sparkflight import client
from sparkflight.client import functions as client_functions
from sparkflight.client import types as client_types


@dataclass(frozen=True)
class Engine:
    """A session and the API modules that code run against it is written with."""

    name: str
    spark: Any
    F: ModuleType
    T: ModuleType
    Window: Any
    Row: Any

    def run(self, build: Callable[..., Any], **inputs: Any) -> Any:
        """Call ``build`` with this engine's session and modules."""
        return build(self.spark, self.F, self.T, self.Window, self.Row, **inputs)


@dataclass(frozen=True)
class Engines:
    """The engine under test and the reference engine."""

    client: Engine
    classic: Engine


def engines_for(client_session: Any, classic_session: Any) -> Engines:
    """Pair a client session with an in-process PySpark session."""
    return Engines(
        client=Engine(
            "client", client_session, client_functions, client_types, client.Window, client.Row
        ),
        classic=Engine(
            "classic",
            classic_session,
            classic_functions,
            classic_types,
            ClassicWindow,
            ClassicRow,
        ),
    )


@contextlib.contextmanager
def captured_stdout() -> Iterator[io.StringIO]:
    """Collect what is printed to stdout inside the block."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield buffer


def printed(action: Callable[[], Any]) -> str:
    """What ``action()`` prints to stdout."""
    with captured_stdout() as out:
        action()
    return out.getvalue()


def error_of(
    action: Callable[[], Any], detail: Callable[[Exception], Any] | None = None
) -> tuple[str, Any]:
    """The exception class name and error condition (or ``detail(exc)``) that ``action``
    raises; an ``AssertionError`` when it raises nothing."""
    try:
        action()
    except Exception as exc:
        if detail is not None:
            return type(exc).__name__, detail(exc)
        return type(exc).__name__, getattr(exc, "getCondition", lambda: None)()
    raise AssertionError("no error raised")


def is_dataframe(value: Any) -> bool:
    """Whether ``value`` is a DataFrame of either engine (without touching its schema)."""
    return all(hasattr(type(value), name) for name in ("collect", "schema", "show", "columns"))


def row_reprs(rows: list[Any], ordered: bool) -> list[str]:
    """The reprs of ``rows``, sorted unless their order is part of the answer."""
    reprs = [repr(row) for row in rows]
    return reprs if ordered else sorted(reprs)


def show_text(df: Any, ordered: bool) -> str:
    """What ``df.show()`` prints; the table's row lines sorted unless row order matters.

    The rendering is ``border, header, border, rows..., border`` and maybe a footer;
    a case whose rows are unordered must have fewer rows than ``show()`` prints.
    """
    text = printed(df.show)
    if ordered:
        return text
    lines = text.split("\n")
    borders = [i for i, line in enumerate(lines) if line.startswith("+")]
    if len(borders) < 3:
        return text
    first_row, last_border = borders[1] + 1, borders[-1]
    lines[first_row:last_border] = sorted(lines[first_row:last_border])
    return "\n".join(lines)


@dataclass(frozen=True)
class Snapshot:
    """Everything about a DataFrame that must be the same on both engines."""

    columns: list[str]
    dtypes: list[tuple[str, str]]
    schema_string: str
    schema_repr: str
    nullability: list[tuple[str, bool]]
    row_classes: list[str]
    rows: list[str]
    show: str

    @classmethod
    def of(cls, df: Any, ordered: bool) -> Snapshot:
        schema = df.schema
        rows = df.collect()
        return cls(
            columns=list(df.columns),
            dtypes=[tuple(pair) for pair in df.dtypes],
            schema_string=schema.simpleString(),
            schema_repr=repr(schema),
            nullability=[(field.name, field.nullable) for field in schema.fields],
            row_classes=sorted({type(row).__name__ for row in rows}),
            rows=row_reprs(rows, ordered),
            show=show_text(df, ordered),
        )


def assert_same_arrow(got: pa.Table, expected: pa.Table) -> None:
    """Equal Arrow schemas (names, types, nullability) and equal values (NaN equals NaN)."""
    assert isinstance(got, pa.Table), type(got)
    assert got.schema.equals(expected.schema), f"{got.schema}\n!=\n{expected.schema}"
    assert repr(got.to_pylist()) == repr(expected.to_pylist())


def assert_same_pandas(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal pandas frames: columns, dtypes, index and values."""
    assert isinstance(got, pd.DataFrame), type(got)
    pdt.assert_frame_equal(got, expected)


def assert_same_value(got: Any, expected: Any, ordered: bool = True) -> None:
    """Compare a value computed by the client with the one PySpark computed."""
    if isinstance(expected, pd.DataFrame):
        assert_same_pandas(got, expected)
    elif isinstance(expected, pa.Table):
        assert_same_arrow(got, expected)
    elif is_dataframe(expected):
        assert is_dataframe(got), type(got)
        assert Snapshot.of(got, ordered) == Snapshot.of(expected, ordered)
    elif isinstance(expected, list | tuple) and not hasattr(expected, "__fields__"):
        assert type(got).__name__ == type(expected).__name__
        assert len(got) == len(expected), (got, expected)
        for got_item, expected_item in zip(got, expected, strict=True):
            assert_same_value(got_item, expected_item, ordered)
    else:
        assert type(got).__name__ == type(expected).__name__, (got, expected)
        assert repr(got) == repr(expected)


def assert_same_frame(
    engines: Engines,
    build: Callable[..., Any],
    *,
    ordered: bool = False,
    pandas: bool = False,
    arrow: bool = False,
    empty: bool = False,
    **inputs: Any,
) -> None:
    """Build a DataFrame on both engines and assert the same rows, schema and show text.

    ``pandas`` and ``arrow`` also compare ``toPandas()`` and ``toArrow()``; ``empty``
    says the answer has no rows (else it must have some).
    """
    got = engines.client.run(build, **inputs)
    expected = engines.classic.run(build, **inputs)
    assert is_dataframe(got), type(got)
    expected_snapshot = Snapshot.of(expected, ordered)
    assert (expected_snapshot.rows == []) == empty, (
        "the case has rows but says empty" if empty else "the case has no rows to compare"
    )
    assert Snapshot.of(got, ordered) == expected_snapshot
    if pandas:
        assert_same_pandas(got.toPandas(), expected.toPandas())
    if arrow:
        assert_same_arrow(got.toArrow(), expected.toArrow())


def assert_same_program(
    engines: Engines, build: Callable[..., Any], *, ordered: bool = True, **inputs: Any
) -> None:
    """Run ``build`` on both engines and assert the same result and the same printed text."""
    with captured_stdout() as got_out:
        got = engines.client.run(build, **inputs)
    with captured_stdout() as expected_out:
        expected = engines.classic.run(build, **inputs)
    assert got_out.getvalue() == expected_out.getvalue()
    assert expected is not None or expected_out.getvalue(), "the case returned nothing to compare"
    assert_same_value(got, expected, ordered)


@dataclass(frozen=True)
class Case:
    """One registered case and how its result is compared."""

    build: Callable[..., Any]
    kind: str
    ordered: bool
    pandas: bool
    arrow: bool
    empty: bool = False

    @property
    def name(self) -> str:
        return self.build.__name__

    def check(self, engines: Engines, **inputs: Any) -> None:
        """Run the case on both engines and assert the same outcome."""
        if self.kind == "frame":
            assert_same_frame(
                engines,
                self.build,
                ordered=self.ordered,
                pandas=self.pandas,
                arrow=self.arrow,
                empty=self.empty,
                **inputs,
            )
        else:
            assert_same_program(engines, self.build, ordered=self.ordered, **inputs)


class Cases:
    """A registry of cases, turned into pytest parameters."""

    def __init__(self) -> None:
        self._cases: list[Case] = []

    def frame(
        self,
        *,
        ordered: bool = False,
        pandas: bool = False,
        arrow: bool = False,
        empty: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a case that returns a DataFrame.

        ``ordered`` makes row order part of the answer (the case sorts);
        ``pandas`` and ``arrow`` also compare ``toPandas()`` and ``toArrow()``,
        which keep row order, so they need an ordered case; ``empty`` says the
        answer has no rows.
        """
        if (pandas or arrow) and not ordered:
            raise ValueError("toPandas/toArrow comparisons need a case that sorts its rows")
        return self._register("frame", ordered, pandas, arrow, empty)

    def program(
        self, *, ordered: bool = True
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a case that returns any value and may print."""
        return self._register("program", ordered, False, False)

    def _register(
        self, kind: str, ordered: bool, pandas: bool, arrow: bool, empty: bool = False
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(build: Callable[..., Any]) -> Callable[..., Any]:
            self._cases.append(Case(build, kind, ordered, pandas, arrow, empty))
            return build

        return register

    def params(self) -> list[Any]:
        """The registered cases as pytest parameters named after their functions."""
        names = [case.name for case in self._cases]
        duplicates = {name for name in names if names.count(name) > 1}
        if duplicates:
            raise ValueError(f"duplicate case names: {sorted(duplicates)}")
        return [pytest.param(case, id=case.name) for case in self._cases]
