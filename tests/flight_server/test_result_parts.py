"""Large results in parts: Spark tasks write the partitions into the server's result store;
DoGet streams them in order, computed a wave at a time; GetFlightInfo answers one
endpoint per part (all written by one job) with a signed ticket, served once; forged,
unknown and already-read tickets are refused. Results are sized with long strings in
mind, which Spark's estimate takes for 20 bytes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
import pytest

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.flight_server import parts
from sparkflight.flight_server.errors import SparkFlightError
from sparkflight.flight_server.result_store import ResultStore, new_key
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
    # The small side's stage, then the four parts in two waves of two tasks: the test
    # server's local[2] runs two at once.
    assert [s.num_tasks for s in stages] == [2, 2, 2]


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
    assert [s.num_tasks for s in stages] == [2, 2, 2]  # four parts, in two waves
    assert tables[0].column_names == ["id", "id", "a", "a.b"]
    assert tables[0].equals(classic.sql(NAMES_QUERY).toArrow())


#: 800,000 rows of 100-byte strings in each of two partitions: 90 MB of Arrow a partition,
#: which Spark estimates at 7 MB (20 bytes a string), under the test server's local parts
#: threshold (a sixteenth of its 1536m driver's heap), and sizing at 109 MB, over it.
WIDE_QUERY = "SELECT id, rpad(CAST(id AS STRING), 100, 'x') AS payload FROM range(0, 1600000, 1, 2)"


def test_long_strings_are_sized_as_long_and_computed_in_parts(
    spark: SparkSession, classic: Any
) -> None:
    expected = classic.sql(WIDE_QUERY)
    heap = classic.sparkContext._jvm.java.lang.Runtime.getRuntime().maxMemory()
    threshold = heap * parts.LOCAL_PARTITION_HEAP_SHARE  # the test server's, same driver
    per_partition = parts.assumed_bytes(expected, expected.schema) // 2
    assert parts.estimated_bytes(expected) // 2 < threshold <= per_partition
    tables: list[pa.Table] = []
    stages = final_stages(spark, lambda: tables.append(spark.sql(WIDE_QUERY).toArrow()))
    # One job of two tasks wrote both parts; a partition at a time is a job per partition.
    assert [s.num_tasks for s in stages] == [2]
    assert tables[0].equals(expected.toArrow())


def test_sizing_keeps_spark_estimate_of_fixed_widths_and_widens_the_rest(classic: Any) -> None:
    fixed = classic.range(0, 1000).selectExpr("id", "id * 1.5 AS d", "CAST(id AS INT) AS i")
    assert parts.assumed_bytes(fixed, fixed.schema) == parts.estimated_bytes(fixed)
    text = classic.range(0, 1000).selectExpr("id", "CAST(id AS STRING) AS s")
    # Spark's row: 8 bytes of overhead, 8 of id, 20 of the string; sizing's: 256 a string.
    widened = parts.estimated_bytes(text) * (8 + 8 + 256) // (8 + 8 + 20)
    assert parts.assumed_bytes(text, text.schema) == widened
    listed = classic.range(0, 1000).selectExpr("array(id) AS a")
    assert parts.assumed_bytes(listed, listed.schema) == (
        parts.estimated_bytes(listed) * (8 + 16 * 8) // (8 + 8)
    )


def _first_part(store: ResultStore) -> parts.Part:
    """Part 0 of result ``r`` in ``store``: two rows."""
    written = store.directory / "r" / "0-0.arrows"
    written.parent.mkdir()
    table = pa.table({"x": [1, 2]})
    with pa.OSFile(str(written), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as out:
        out.write_table(table)
    return parts.Part(0, "", written.name, 2, written.stat().st_size)


@pytest.mark.parametrize("reported", [[0], [0, 2]], ids=["missing at the end", "out of order"])
def test_a_part_its_task_did_not_report_fails_the_result(
    tmp_path: Path, reported: list[int]
) -> None:
    store = ResultStore(tmp_path, new_key())
    first = _first_part(store)
    found = (dataclasses.replace(first, index=index) for index in reported)
    read = parts.batches(store, "r", found, 2)
    assert next(read).num_rows == 2  # part 0, as written
    with pytest.raises(SparkFlightError) as missing:
        next(read)
    assert missing.value.error_class == "PART_NOT_FOUND"
    assert "part 1 of 2 was not reported" in str(missing.value)
    assert not (store.directory / "r").exists()  # what was written is released


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
