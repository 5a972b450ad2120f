"""Large results in parts: one job writes every partition into the server's result store;
DoGet streams them in order, GetFlightInfo answers one endpoint per part with a signed
ticket, served once; forged, unknown and already-read tickets are refused."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
import pytest

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans import tickets
from tests.flight_server.plan_builder import SERVER_ERRORS, Plans, details, sql
from tests.flight_server.stages import final_stages

ROWS = 800_000
#: A join with a small table: Spark estimates its size as the product of both sides' (51
#: GB over four partitions), above the test server's local parts threshold (a sixteenth of
#: its driver's heap per partition), for 800,000 rows.
QUERY = (
    f"SELECT a.id, concat('row ', CAST(a.id AS STRING)) AS label, b.id AS k "
    f"FROM range(0, {ROWS}, 1, 4) a JOIN range(0, 1000) b ON a.id % 1000 = b.id"
)


def _expected(classic: Any) -> pa.Table:
    return classic.sql(QUERY).toArrow()


def test_a_large_result_streams_in_order_through_the_client(
    spark: SparkSession, classic: Any
) -> None:
    tables: list[pa.Table] = []
    stages = final_stages(spark, lambda: tables.append(spark.sql(QUERY).toArrow()))
    assert tables[0].equals(_expected(classic))
    rows = spark.sql(QUERY).filter(F.col("id") >= ROWS - 3).collect()
    assert [r.id for r in rows] == [ROWS - 3, ROWS - 2, ROWS - 1]
    # One stage of four tasks wrote the four parts (beside the two of the small side).
    assert sorted(s.num_tasks for s in stages) == [2, 4]


#: A large result whose columns repeat names (``id`` twice) and whose column ``a.b`` could
#: be taken for field ``b`` of its struct column ``a``: its parts hold each column by position.
NAMES_QUERY = (
    "SELECT x.id, y.id, named_struct('b', x.id + 1) AS a, x.id * 3 AS `a.b` "
    "FROM range(0, 100000, 1, 4) x JOIN range(0, 1000) y ON x.id % 1000 = y.id"
)


def test_parts_hold_columns_by_position_whatever_their_names(
    spark: SparkSession, classic: Any
) -> None:
    tables: list[pa.Table] = []
    stages = final_stages(spark, lambda: tables.append(spark.sql(NAMES_QUERY).toArrow()))
    assert sorted(s.num_tasks for s in stages) == [2, 4]  # computed into four parts
    assert tables[0].column_names == ["id", "id", "a", "a.b"]
    assert tables[0].equals(classic.sql(NAMES_QUERY).toArrow())


def test_a_large_result_is_read_lazily_in_order(spark: SparkSession) -> None:
    ids = [row.id for row in spark.sql(QUERY).select("id").toLocalIterator()]
    assert ids == list(range(ROWS))


def test_a_plain_doget_streams_the_parts_from_the_server(
    flight_client: fl.FlightClient, classic: Any
) -> None:
    plan = Plans().plan(sql(QUERY))
    assert flight_client.do_get(fl.Ticket(plan)).read_all().equals(_expected(classic))


@pytest.fixture(scope="module")
def info(flight_client: fl.FlightClient) -> fl.FlightInfo:
    plan = Plans().plan(sql(QUERY))
    return flight_client.get_flight_info(fl.FlightDescriptor.for_command(plan))


def test_endpoints_are_the_parts_in_order(
    flight_client: fl.FlightClient, info: fl.FlightInfo, classic: Any
) -> None:
    assert len(info.endpoints) == 4
    assert all(not e.locations for e in info.endpoints)  # the server's own store
    assert info.total_records == ROWS
    tables = [flight_client.do_get(e.ticket).read_all() for e in info.endpoints]
    assert [t.num_rows for t in tables] == [ROWS // 4] * 4
    assert pa.concat_tables(tables).equals(_expected(classic))

    with pytest.raises(SERVER_ERRORS) as read_again:
        flight_client.do_get(info.endpoints[0].ticket).read_all()
    assert details(read_again.value).error_class == "PART_NOT_FOUND"
    assert "already read" in details(read_again.value).message


def _forged(ticket: bytes, change: Any) -> fl.Ticket:
    told = tickets.read_ticket(ticket)
    assert told.kind == tickets.PART
    signed = sf.PartTicket.FromString(told.body)
    ref = sf.PartRef.FromString(signed.part)
    change(signed, ref)
    return fl.Ticket(tickets.tagged(tickets.PART, signed.SerializeToString()))


def _other_part(signed: sf.PartTicket, ref: sf.PartRef) -> None:
    ref.name = "1-1.arrows"
    signed.part = ref.SerializeToString()


def _bad_signature(signed: sf.PartTicket, ref: sf.PartRef) -> None:
    signed.signature = bytes(32)


def _malformed(signed: sf.PartTicket, ref: sf.PartRef) -> None:
    signed.part = b"\xff\xff"


@pytest.mark.parametrize(
    ("change", "error_class"),
    [
        (_other_part, "INVALID_TICKET"),
        (_bad_signature, "INVALID_TICKET"),
        (_malformed, "INVALID_TICKET"),
    ],
)
def test_forged_tickets_are_refused(
    flight_client: fl.FlightClient, info: fl.FlightInfo, change: Any, error_class: str
) -> None:
    forged = _forged(info.endpoints[0].ticket.ticket, change)
    with pytest.raises(fl.FlightUnauthorizedError) as refused:
        flight_client.do_get(forged).read_all()
    assert details(refused.value).error_class == error_class


def test_flight_sql_answers_the_parts_as_endpoints(server_url: str, classic: Any) -> None:
    import adbc_driver_flightsql.dbapi as adbc

    with adbc.connect(server_url, autocommit=True) as conn, conn.cursor() as cur:
        partitions, _ = cur.adbc_execute_partitions(QUERY)
        assert len(partitions) == 4
        tables = []
        for partition in partitions:
            cur.adbc_read_partition(partition)
            tables.append(cur.fetch_arrow_table())
        assert pa.concat_tables(tables).equals(_expected(classic))
        # Executed as usual, the driver fetches the endpoints in parallel, in order.
        cur.execute(QUERY)
        assert cur.fetch_arrow_table().equals(_expected(classic))
