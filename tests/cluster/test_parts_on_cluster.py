"""Large results in parts on the cluster: each worker's tasks write their parts into that
worker's store, its ``sparkflight worker`` serves them, and the client reads them there.

It runs on a cluster and server of its own (see :mod:`tests.cluster.stores`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
import pytest

from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans import tickets
from tests.cluster.stores import StoredCluster, cluster_with_stores
from tests.flight_server.plan_builder import SERVER_ERRORS, Plans, connect, details, sql

PARTITIONS = 8
#: Spark estimates this result at about 225 MB (the 80 MB of its range, the filter taken
#: to keep every row, widened by the projection), above the cluster's parts threshold of
#: 64 MiB; it holds 10,000 rows of mixed types.
QUERY = (
    "SELECT id, id * 0.5 AS x, concat('row ', CAST(id AS STRING)) AS s, id % 3 = 0 AS b, "
    f"CAST(id AS DOUBLE) / 7 AS d FROM range(0, 10000000, 1, {PARTITIONS}) "
    "WHERE id % 1000 = 7"
)


@pytest.fixture(scope="module")
def stored() -> Iterator[StoredCluster]:
    with cluster_with_stores() as started:
        yield started


@pytest.fixture(scope="module")
def flight_client(stored: StoredCluster) -> Iterator[fl.FlightClient]:
    client = connect(stored.server.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def spark(stored: StoredCluster) -> Iterator[object]:
    from sparkflight.client import SparkSession

    session = SparkSession.builder.remote(stored.server.url).getOrCreate()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def expected(classic: Any) -> pa.Table:
    return classic.sql(QUERY).toArrow()


def _ref(ticket: fl.Ticket) -> sf.PartRef:
    told = tickets.read_ticket(ticket.ticket)
    assert told.kind == tickets.PART
    return sf.PartRef.FromString(sf.PartTicket.FromString(told.body).part)


def _served(stored: StoredCluster) -> list[int]:
    """How many parts each ``sparkflight worker`` has logged serving."""
    return [worker.log().count("serving part ") for worker in stored.workers]


def test_endpoints_are_served_by_both_workers(
    stored: StoredCluster, flight_client: fl.FlightClient, expected: pa.Table
) -> None:
    descriptor = fl.FlightDescriptor.for_command(Plans().plan(sql(QUERY)))
    info = flight_client.get_flight_info(descriptor)
    assert len(info.endpoints) == PARTITIONS
    assert info.total_records == expected.num_rows
    locations = [[loc.uri.decode() for loc in e.locations] for e in info.endpoints]
    assert all(len(where) == 1 for where in locations)
    urls = [worker.url for worker in stored.workers]
    assert {where[0] for where in locations} == set(urls)  # both workers hold parts

    tables = []
    for endpoint, (where,) in zip(info.endpoints, locations, strict=True):
        with connect(where) as worker:
            tables.append(worker.do_get(endpoint.ticket).read_all())
    assert pa.concat_tables(tables).equals(expected)
    for endpoint, (where,) in zip(info.endpoints, locations, strict=True):
        ref = _ref(endpoint.ticket)
        log = stored.workers[urls.index(where)].log()
        assert f"serving part {ref.index} of result {ref.result_id}" in log

    # Read twice: the part is gone from its worker.
    with connect(locations[0][0]) as worker:
        with pytest.raises(SERVER_ERRORS) as again:
            worker.do_get(info.endpoints[0].ticket).read_all()
    assert details(again.value).error_class == "PART_NOT_FOUND"
    assert "already read" in details(again.value).message


def test_a_worker_refuses_forged_and_foreign_tickets(
    stored: StoredCluster, flight_client: fl.FlightClient
) -> None:
    descriptor = fl.FlightDescriptor.for_command(Plans().plan(sql(QUERY)))
    info = flight_client.get_flight_info(descriptor)
    endpoint = info.endpoints[0]
    (location,) = endpoint.locations
    told = tickets.read_ticket(endpoint.ticket.ticket)
    signed = sf.PartTicket.FromString(told.body)
    signed.signature = bytes(len(signed.signature))
    forged = fl.Ticket(tickets.tagged(tickets.PART, signed.SerializeToString()))
    with connect(location.uri.decode()) as worker:
        with pytest.raises(fl.FlightUnauthorizedError) as refused:
            worker.do_get(forged).read_all()
    assert details(refused.value).error_class == "INVALID_TICKET"
    # A genuine ticket sent to the other worker: that worker does not hold the part.
    (other,) = {w.url for w in stored.workers} - {location.uri.decode()}
    with connect(other) as worker:
        with pytest.raises(SERVER_ERRORS) as elsewhere:
            worker.do_get(endpoint.ticket).read_all()
    assert details(elsewhere.value).error_class == "PART_NOT_FOUND"
    assert "not in this store" in details(elsewhere.value).message


def test_the_client_reads_the_parts_from_the_workers(
    stored: StoredCluster, spark: Any, classic: Any, expected: pa.Table
) -> None:
    before = _served(stored)
    assert spark.sql(QUERY).toArrow().equals(expected)
    after = _served(stored)
    assert sum(after) - sum(before) == PARTITIONS
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    rows = spark.sql(QUERY).collect()
    assert [tuple(r) for r in rows] == [tuple(r) for r in classic.sql(QUERY).collect()]
