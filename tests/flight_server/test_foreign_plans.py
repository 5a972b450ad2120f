"""Plans written by another Substrait producer (DataFusion), sent by a plain Flight client.

DataFusion plans the TPC-H queries and runs them itself; sparkflight runs
DataFusion's Substrait plans against the same parquet files, registered as temp
views of the server's default session, and must give the same answers.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from pathlib import Path

import datafusion
import pyarrow as pa
import pyarrow.flight as flight
import pytest
from substrait import plan_pb2

from plans import sparkflight_pb2 as sf
from tests import tpch

# DataFusion and Spark round decimal averages and quotients differently in the last digit.
ABSOLUTE_TOLERANCE = 1e-4
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def datafusion_context(tpch_dir: Path) -> datafusion.SessionContext:
    return tpch.datafusion_context(tpch.tables(tpch_dir))


@pytest.fixture(scope="module")
def tpch_views(flight_client: flight.FlightClient, tpch_dir: Path) -> None:
    """The TPC-H tables as temp views of the server's default session."""
    for table, path in tpch.tables(tpch_dir).items():
        query = f"CREATE OR REPLACE TEMP VIEW {table} USING parquet OPTIONS (path '{path}')"
        body = sf.CommandRequest(sql=sf.SqlCommand(query=query)).SerializeToString()
        results = list(flight_client.do_action(flight.Action("command", body)))
        assert len(results) == 1
        sf.CommandResponse.FromString(results[0].body.to_pybytes())


def _normalise(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    return left == right


def _rows(table: pa.Table) -> list[tuple[object, ...]]:
    return [tuple(_normalise(v) for v in row.values()) for row in table.to_pylist()]


def assert_same_rows(actual: pa.Table, expected: pa.Table) -> None:
    actual_rows, expected_rows = _rows(actual), _rows(expected)
    assert len(actual_rows) == len(expected_rows)
    for index, (got, want) in enumerate(zip(actual_rows, expected_rows, strict=True)):
        assert len(got) == len(want)
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (
            f"row {index}: {got} != {want}"
        )


def _run(client: flight.FlightClient, plan: plan_pb2.Plan) -> pa.Table:
    return client.do_get(flight.Ticket(plan.SerializeToString())).read_all()


@pytest.mark.parametrize("number", sorted(tpch.QUERIES), ids=lambda n: f"q{n:02d}")
def test_tpch_query(
    number: int,
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    sql = tpch.QUERIES[number]
    plan = tpch.datafusion_plan(datafusion_context, sql)
    expected = datafusion_context.sql(sql).to_arrow_table()
    assert expected.num_rows > 0

    actual = _run(flight_client, plan)

    assert actual.column_names == list(plan.relations[0].root.names)
    assert actual.column_names == expected.column_names
    assert_same_rows(actual, expected)


def test_flight_info_and_schema(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    plan = tpch.datafusion_plan(datafusion_context, tpch.QUERIES[1])
    descriptor = flight.FlightDescriptor.for_command(plan.SerializeToString())

    schema = flight_client.get_schema(descriptor).schema
    info = flight_client.get_flight_info(descriptor)
    assert info.schema == schema
    assert schema.names == list(plan.relations[0].root.names)
    assert schema.field("l_returnflag").type == pa.string()
    assert schema.field("count_order").type == pa.int64()
    assert pa.types.is_decimal(schema.field("sum_qty").type)

    assert len(info.endpoints) == 1
    table = flight_client.do_get(info.endpoints[0].ticket).read_all()
    assert table.schema == schema
    assert_same_rows(table, datafusion_context.sql(tpch.QUERIES[1]).to_arrow_table())


def test_datafusion_reads_dates_as_spark_does(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    """A date column survives the round trip as a date, not a timestamp or string."""
    sql = "select o_orderdate from orders order by o_orderkey limit 3"
    actual = _run(flight_client, tpch.datafusion_plan(datafusion_context, sql))
    assert actual.schema.field(0).type == pa.date32()
    assert all(isinstance(v, datetime.date) for v in actual.column(0).to_pylist())
    assert_same_rows(actual, datafusion_context.sql(sql).to_arrow_table())
