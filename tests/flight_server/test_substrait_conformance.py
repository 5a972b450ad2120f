"""Standard Substrait semantics in hand-built plans, as any producer may write them.

Each plan reads the TPC-H tables (temp views of the server's default session) and is
compared with in-process PySpark's answer to the same query, or refused naming the
construct it cannot translate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.flight as flight
import pytest
from pyspark.sql import functions as F
from substrait import algebra_pb2 as A
from substrait import plan_pb2
from substrait import type_pb2 as T

from sparkflight.plans.extensions import STANDARD_URN_PREFIX
from tests import tpch
from tests.flight_server.plan_builder import Plans, details, field, lit, lit_of, run

NULLABLE = T.Type.NULLABILITY_NULLABLE
AGGREGATES = STANDARD_URN_PREFIX + "functions_arithmetic"


def _decimal(precision: int, scale: int) -> T.Type:
    return T.Type(decimal=T.Type.Decimal(precision=precision, scale=scale, nullability=NULLABLE))


_STRING = T.Type(string=T.Type.String(nullability=NULLABLE))
_I64 = T.Type(i64=T.Type.I64(nullability=NULLABLE))


def _read(table: str, columns: dict[str, T.Type]) -> A.Rel:
    schema = T.NamedStruct(names=list(columns), struct=T.Type.Struct(types=list(columns.values())))
    return A.Rel(
        read=A.ReadRel(base_schema=schema, named_table=A.ReadRel.NamedTable(names=[table]))
    )


def _sorted(input: A.Rel, *ordinals: int) -> A.Rel:
    ascending = A.SortField.SORT_DIRECTION_ASC_NULLS_LAST
    sorts = [A.SortField(expr=field(i), direction=ascending) for i in ordinals]
    return A.Rel(sort=A.SortRel(input=input, sorts=sorts))


@pytest.fixture(scope="module")
def lineitem(classic: Any, tpch_dir: Path) -> Any:
    """In-process PySpark's DataFrame of the same lineitem file the server reads."""
    return classic.read.parquet(str(tpch.tables(tpch_dir)["lineitem"]))


def test_read_selects_its_declared_columns_by_name(
    flight_client: flight.FlightClient, tpch_views: None, lineitem: Any
) -> None:
    """A read declaring a subset of a table's columns in another order: field references
    index the declared columns, so grouping on field 1 groups on ``l_returnflag``."""
    p = Plans()
    read = _read(
        "lineitem",
        {
            "l_quantity": _decimal(15, 2),
            "l_returnflag": _STRING,
            "l_orderkey": _I64,
            "l_linestatus": _STRING,
        },
    )
    aggregate = A.Rel(
        aggregate=A.AggregateRel(
            input=read,
            grouping_expressions=[field(1)],
            groupings=[A.AggregateRel.Grouping(expression_references=[0])],
            measures=[
                A.AggregateRel.Measure(measure=p.aggregate(AGGREGATES, "sum", field(0))),
                A.AggregateRel.Measure(measure=p.aggregate(AGGREGATES, "max", field(2))),
            ],
        )
    )
    actual = run(flight_client, p.plan(_sorted(aggregate, 0), ["flag", "quantity", "order"]))

    expected = (
        lineitem.groupBy("l_returnflag")
        .agg(F.sum("l_quantity"), F.max("l_orderkey"))
        .orderBy("l_returnflag")
        .toArrow()
    )
    assert actual.num_rows == 3
    assert actual.schema.types == expected.schema.types
    assert [tuple(r.values()) for r in actual.to_pylist()] == [
        tuple(r.values()) for r in expected.to_pylist()
    ]


@pytest.mark.parametrize(
    ("columns", "words"),
    [
        ({"l_quantity": _decimal(15, 2), "l_nosuch": _STRING}, ["'l_nosuch'", "lineitem"]),
        (
            {"l_orderkey": _I64, "l_shipdate": _decimal(15, 2)},
            ["'l_shipdate'", "decimal(15,2)", "date", "lineitem"],
        ),
    ],
    ids=["missing-column", "wrong-type"],
)
def test_read_refuses_a_column_the_table_lacks(
    columns: dict[str, T.Type],
    words: list[str],
    flight_client: flight.FlightClient,
    tpch_views: None,
) -> None:
    """A declared column the table has not, or of a type it has not, is refused naming both."""
    p = Plans()
    with pytest.raises(pa.ArrowInvalid) as raised:
        run(flight_client, p.plan(_read("lineitem", columns)))
    found = details(raised.value)
    assert found.error_class == "INVALID_PLAN"
    assert all(word in found.message for word in words), found.message


def _as_producer(plan: bytes, producer: str) -> bytes:
    parsed = plan_pb2.Plan.FromString(plan)
    parsed.version.producer = producer
    parsed.version.minor_number = 53
    return parsed.SerializeToString()


_NATION = {"n_nationkey": _I64, "n_name": _STRING, "n_regionkey": _I64}


@pytest.mark.parametrize(
    ("producer", "columns"),
    [("DuckDB", ["n_name"]), ("", ["n_nationkey", "n_name", "n_regionkey", "n_name"])],
)
def test_project_without_emit(
    producer: str, columns: list[str], flight_client: flight.FlightClient, tpch_views: None
) -> None:
    """A ProjectRel without emit appends its expressions to its input (DuckDB's replace it:
    the quirk of DuckDB's plans)."""
    p = Plans()
    rel = A.Rel(project=A.ProjectRel(input=_read("nation", _NATION), expressions=[field(1)]))
    actual = run(flight_client, _as_producer(p.plan(_sorted(rel, 0)), producer))
    assert actual.column_names == columns
    assert actual.num_rows == 25


@pytest.mark.parametrize(
    ("producer", "layout"), [("DataFusion", ["k", "index", "n"]), ("", ["k", "n", "index"])]
)
def test_grouping_set_index(
    producer: str, layout: list[str], flight_client: flight.FlightClient, tpch_views: None
) -> None:
    """Of several grouping sets, the grouping set index comes after the measures
    (DataFusion's plans put it right after the keys: the quirk of DataFusion's plans)."""
    p = Plans()
    count = p.aggregate(STANDARD_URN_PREFIX + "functions_aggregate_generic", "count", field(0))
    aggregate = A.Rel(
        aggregate=A.AggregateRel(
            input=_read("nation", {"n_regionkey": _I64}),
            grouping_expressions=[field(0)],
            groupings=[
                A.AggregateRel.Grouping(expression_references=[0]),
                A.AggregateRel.Grouping(),
            ],
            measures=[A.AggregateRel.Measure(measure=count)],
        )
    )
    plan = _as_producer(p.plan(aggregate, layout), producer)
    rows = sorted(run(flight_client, plan).to_pylist(), key=lambda r: (r["index"], r["k"] or 0))
    assert rows == [{"k": k, "n": 5, "index": 0} for k in range(5)] + [
        {"k": None, "n": 25, "index": 1}
    ]


def test_multi_or_list(flight_client: flight.FlightClient, tpch_views: None) -> None:
    """``(n_regionkey, n_nationkey) IN ((1, 1), (2, 8), (3, NULL))``: a null compares as
    unknown, so the third option matches no row."""
    p = Plans()
    options = [(1, 1), (2, 8), (3, None)]
    records = [
        A.Expression.MultiOrList.Record(
            fields=[lit_of(i64=a), lit_of(i64=b) if b is not None else lit_of(null=_I64)]
        )
        for a, b in options
    ]
    condition = A.Expression(
        multi_or_list=A.Expression.MultiOrList(value=[field(2), field(0)], options=records)
    )
    rel = A.Rel(filter=A.FilterRel(input=_read("nation", _NATION), condition=condition))
    actual = run(flight_client, p.plan(_sorted(rel, 0)))
    assert actual.column("n_nationkey").to_pylist() == [1, 8]


def _join(kind: int) -> A.Rel:
    return A.Rel(
        join=A.JoinRel(
            left=_read("nation", {"n_regionkey": _I64}),
            right=_read("region", {"r_regionkey": _I64}),
            expression=A.Expression(literal=A.Expression.Literal(boolean=True)),
            type=kind,
        )
    )


@pytest.mark.parametrize(
    ("rel", "words"),
    [
        (_join(A.JoinRel.JOIN_TYPE_LEFT_SINGLE), ["JOIN_TYPE_LEFT_SINGLE", "second match"]),
        (_join(A.JoinRel.JOIN_TYPE_RIGHT_MARK), ["JOIN_TYPE_RIGHT_MARK", "mark join"]),
        (
            A.Rel(
                project=A.ProjectRel(
                    input=_read("nation", {"n_regionkey": _I64}),
                    expressions=[
                        A.Expression(
                            dynamic_parameter=A.DynamicParameter(type=_I64, parameter_reference=0)
                        )
                    ],
                )
            ),
            ["dynamic_parameter"],
        ),
        (
            A.Rel(top_n=A.TopNRel(input=_read("nation", {"n_regionkey": _I64}))),
            ["top_n"],
        ),
    ],
    ids=["single-join", "mark-join", "unknown-expression", "unknown-relation"],
)
def test_refused_constructs(
    rel: A.Rel, words: list[str], flight_client: flight.FlightClient, tpch_views: None
) -> None:
    """What Spark has no twin for is refused, naming the construct."""
    with pytest.raises(pa.ArrowException) as raised:
        run(flight_client, Plans().plan(rel))
    found = details(raised.value)
    assert found.error_class == "UNSUPPORTED_RELATION"
    assert all(word in found.message for word in words), found.message


def test_duckdb_function_names(flight_client: flight.FlightClient, tpch_views: None) -> None:
    """DuckDB's plans call concat ``||`` and negate ``subtract`` of one argument."""
    p = Plans()
    values = [
        p.std("functions_string", "||:string_string", field(1), lit("!")),
        p.std("functions_arithmetic", "subtract:i64", field(0)),
    ]
    rel = A.Rel(project=A.ProjectRel(input=_read("nation", _NATION), expressions=values))
    plan = _as_producer(p.plan(rel, ["shout", "negated"]), "DuckDB")
    rows = sorted(tuple(r.values()) for r in run(flight_client, plan).to_pylist())
    assert rows[:2] == [("ALGERIA!", 0), ("ARGENTINA!", -1)]


def test_option_spark_has_not_is_refused(
    flight_client: flight.FlightClient, tpch_views: None
) -> None:
    """An overflow behaviour Spark lacks is refused naming the option, not approximated."""
    p = Plans()
    saturating = A.FunctionOption(name="overflow", preference=["SATURATE"])
    added = p.std("functions_arithmetic", "add:i64_i64", field(0), field(0), options=[saturating])
    rel = A.Rel(
        project=A.ProjectRel(input=_read("nation", {"n_regionkey": _I64}), expressions=[added])
    )
    with pytest.raises(pa.ArrowException) as raised:
        run(flight_client, p.plan(rel))
    found = details(raised.value)
    assert found.error_class == "UNSUPPORTED_RELATION"
    assert "overflow (SATURATE)" in found.message and "'add:i64_i64'" in found.message


def test_fetch_with_expressions(flight_client: flight.FlightClient, tpch_views: None) -> None:
    """A FetchRel's count and offset may be expressions of no column."""
    p = Plans()
    count = p.std("functions_arithmetic", "add:i64_i64", lit_of(i64=2), lit_of(i64=1))
    offset = A.Expression(cast=A.Expression.Cast(type=_I64, input=lit("1")))
    fetch = A.Rel(
        fetch=A.FetchRel(
            input=_sorted(_read("nation", _NATION), 0), count_expr=count, offset_expr=offset
        )
    )
    actual = run(flight_client, p.plan(fetch))
    assert actual.column("n_nationkey").to_pylist() == [1, 2, 3]
