"""Flight SQL cancellation and result streaming, on an in-process server over ``classic``.

In process, the test sees the server's Spark jobs and can tell that they stop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession

from sparkflight.flight_server.flight_sql.protocol import pack
from sparkflight.flight_server.results import MAX_BATCH_BYTES
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.plans import flight_pb2 as flight
from sparkflight.plans import flight_sql_pb2 as fsql
from tests.flight_server.plan_builder import client, server  # noqa: F401 - fixtures

# A guard against a job that never starts or never stops, not a performance expectation.
GUARD_S = 120
# Not a filter Spark can fold away (it folds ``rand() > 2`` to an empty relation).
LONG_QUERY = "SELECT max(id * 2) FROM range(0, 100000000000, 1, 4)"


def _eventually(condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + GUARD_S
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.1)


def test_cancel_stops_the_spark_job(
    server: SparkFlightServer,  # noqa: F811
    classic: SparkSession,
) -> None:
    tracker = classic.sparkContext.statusTracker()
    url = f"grpc://127.0.0.1:{server.port}"
    with adbc.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        errors: list[Exception] = []
        rows: list[object] = []

        def run() -> None:
            try:
                cur.execute(LONG_QUERY)
                rows.append(cur.fetchall())
            except adbc_driver_manager.Error as exc:
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        _eventually(lambda: tracker.getActiveJobsIds() or not thread.is_alive())
        assert thread.is_alive(), f"the query ended before it was cancelled: {errors or rows}"
        cur.adbc_cancel()
        thread.join()
        assert errors and "cancel" in str(errors[0]).lower()
        _eventually(lambda: not tracker.getActiveJobsIds())
        cur.execute("SELECT 1 AS still_usable")
        assert cur.fetchall() == [(1,)]


def _info(flight_client: fl.FlightClient, query: str) -> fl.FlightInfo:
    command = pack(fsql.CommandStatementQuery(query=query))
    return flight_client.get_flight_info(fl.FlightDescriptor.for_command(command))


def test_cancel_flight_info(client: fl.FlightClient) -> None:  # noqa: F811
    info = _info(client, "SELECT id FROM range(100)")
    request = flight.CancelFlightInfoRequest(info=info.serialize())
    (answer,) = client.do_action(fl.Action("CancelFlightInfo", request.SerializeToString()))
    result = flight.CancelFlightInfoResult.FromString(answer.body.to_pybytes())
    assert result.status == flight.CANCEL_STATUS_CANCELLED
    with pytest.raises(pa.ArrowKeyError, match="RESULT_NOT_FOUND"):
        client.do_get(info.endpoints[0].ticket).read_all()


def test_batches_are_at_most_8_mib(client: fl.FlightClient) -> None:  # noqa: F811
    info = _info(client, "SELECT id, repeat('x', 1000) AS s FROM range(0, 20000, 1, 1)")
    reader = client.do_get(info.endpoints[0].ticket)
    sizes = [chunk.data.nbytes for chunk in reader]
    assert sum(sizes) > MAX_BATCH_BYTES
    assert max(sizes) <= MAX_BATCH_BYTES
