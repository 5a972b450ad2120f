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
from substrait import type_pb2 as T

from sparkflight.plans.extensions import STANDARD_URN_PREFIX
from tests import tpch
from tests.flight_server.plan_builder import Plans, details, field, run

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
