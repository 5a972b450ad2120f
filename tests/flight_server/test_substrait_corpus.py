"""Other producers' stored plans (``tests/substrait_corpus``), each run through a plain
Flight DoGet and checked against DuckDB's answer to the same SQL, types as well as values.

The plans were written by each producer once (``tests/substrait_corpus/generate.py``);
this test needs none of them, only the ``duckdb`` package for the answers. A plan the
server refuses must be one of :data:`REFUSED`, refused for the reason the README lists.
"""

from __future__ import annotations

import datetime
import math
import runpy
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.flight as flight
import pytest

from tests import tpch
from tests.flight_server.plan_builder import details

CORPUS = Path(__file__).resolve().parents[1] / "substrait_corpus"
PLANS = sorted((CORPUS / "plans").glob("*/*.bin"))
SQL: dict[str, str] = runpy.run_path(str(CORPUS / "generate.py"))["queries"]()

#: The plans the server refuses, by ``producer/name``: what the error names. Each reason
#: is one the README's limitations list.
REFUSED: dict[str, str] = {}

#: Plans that do not say what their SQL says, by ``producer/name``: (the SQL text they
#: change, what they say instead). DuckDB 1.1.3 writes ``NOT LIKE`` in Q13 as
#: ``not_equal`` of the column and the pattern; the server answers what the plan says.
PLAN_SAYS: dict[str, tuple[str, str]] = {
    "duckdb/tpch-q13": (
        "o_comment not like '%special%requests%'",
        "o_comment <> '%special%requests%'",
    ),
}

# Spark's and DuckDB's answers agree to these tolerances (decimal averages and quotients
# are rounded to other scales, and doubles summed in another order).
ABSOLUTE_TOLERANCE = 1e-4
RELATIVE_TOLERANCE = 1e-9


def _kind(arrow_type: pa.DataType) -> str:
    """What a column's type must agree on: its kind, not its width or layout."""
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_decimal(arrow_type):
        return "decimal"
    if pa.types.is_floating(arrow_type):
        return "float"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_string_view(arrow_type):
        return "string"
    return str(arrow_type)


#: Types that differ by each engine's own typing rule: (Spark's kind, DuckDB's type test).
#: Spark's average and quotient of decimals are decimals (DuckDB's doubles); DuckDB's sum
#: of integers is a 128-bit integer, exported as ``decimal(38,0)`` (Spark's a long).
KNOWN_TYPE_DIFFERENCES: dict[tuple[str, str], str] = {
    ("decimal", "float"): "Spark averages and divides decimals as decimals",
    ("integer", "decimal"): "DuckDB sums integers as HUGEINT",
}


def _types_agree(spark: pa.DataType, reference: pa.DataType) -> bool:
    kinds = (_kind(spark), _kind(reference))
    if kinds[0] == kinds[1]:
        return True
    if kinds == ("integer", "decimal"):
        return reference.scale == 0
    return kinds in KNOWN_TYPE_DIFFERENCES


def _same(got: object, want: object) -> bool:
    if isinstance(got, Decimal | float) and isinstance(want, Decimal | float | int):
        if isinstance(got, float) and isinstance(want, float) and math.isnan(want):
            return math.isnan(got)
        left, right = float(got), float(want)
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    if isinstance(got, int) and isinstance(want, Decimal):
        return Decimal(got) == want
    if isinstance(got, datetime.datetime) or isinstance(want, datetime.datetime):
        return got == want
    return type(got) is type(want) and got == want


@pytest.fixture(scope="module")
def reference(tpch_dir: Path) -> Iterator[Any]:
    """DuckDB over the same parquet files the server's views read."""
    connection = duckdb.connect()
    for table, path in tpch.tables(tpch_dir).items():
        connection.execute(f"create view {table} as select * from read_parquet('{path}')")
    yield connection
    connection.close()


@pytest.mark.parametrize("path", PLANS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_stored_plan(
    path: Path, flight_client: flight.FlightClient, tpch_views: None, reference: Any
) -> None:
    name = f"{path.parent.name}/{path.stem}"
    ticket = flight.Ticket(path.read_bytes())
    if name in REFUSED:
        with pytest.raises(pa.ArrowException) as raised:
            flight_client.do_get(ticket).read_all()
        assert REFUSED[name] in details(raised.value).message
        return
    actual = flight_client.do_get(ticket).read_all()
    sql = SQL[path.stem]
    if name in PLAN_SAYS:
        written, said = PLAN_SAYS[name]
        assert written in sql
        sql = sql.replace(written, said)
    expected = reference.sql(sql).to_arrow_table()
    assert actual.num_columns == expected.num_columns, f"{actual.schema}\n!=\n{expected.schema}"
    for got, want in zip(actual.schema, expected.schema, strict=True):
        assert _types_agree(got.type, want.type), f"{got} != {want}"
    got_rows = [tuple(r.values()) for r in actual.to_pylist()]
    want_rows = [tuple(r.values()) for r in expected.to_pylist()]
    assert len(got_rows) == len(want_rows)
    for index, (got, want) in enumerate(zip(got_rows, want_rows, strict=True)):
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (
            f"row {index}: {got} != {want}"
        )
