"""Limits on sessions, queries, uploads, plans and results, and idle session expiry."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession
from substrait import plan_pb2

from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.limits import Limits, message_depth
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.plans import sparkflight_pb2 as sf
from tests.flight_server.plan_builder import (
    SERVER_ERRORS,
    Plans,
    connect,
    details,
    lit,
    packed,
    read_chunks,
    run,
    sql,
)
from tests.flight_server.test_server import action, in_session, open_session

LIMITS = Limits(
    sessions_per_user=3,
    queries_per_session=1,
    upload_bytes=1024 * 1024,
    plan_bytes=512 * 1024,
    plan_depth=60,
    result_bytes=256 * 1024,
    session_idle_seconds=None,
)
# A guard against a test that would otherwise wait forever, not a timing expectation.
PATIENCE_S = 120


@contextlib.contextmanager
def _serve(spark: SparkSession, limits: Limits) -> Iterator[tuple[SparkFlightServer, str]]:
    server, url = start_server(spark, "127.0.0.1", 0, limits=limits)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server, url
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def limited(served_spark: SparkSession) -> Iterator[tuple[SparkFlightServer, fl.FlightClient]]:
    with _serve(served_spark, LIMITS) as (server, url):
        client = connect(url)
        yield server, client
        client.close()


@pytest.fixture
def client(limited) -> fl.FlightClient:
    return limited[1]


def _limit_error(excinfo: pytest.ExceptionInfo[fl.FlightError], limit: str) -> str:
    error = details(excinfo.value)
    assert error.error_class == "LIMIT_EXCEEDED"
    assert error.message_parameters["limit"] == limit
    return error.message


def _ok(client: fl.FlightClient, options: fl.FlightCallOptions | None = None) -> None:
    plan = Plans().plan(sql("select 41 + 1 as answer"))
    assert client.do_get(fl.Ticket(plan), options).read_all().to_pylist() == [{"answer": 42}]


def _close(client: fl.FlightClient, session_id: str) -> None:
    action(client, "session.close", sf.CloseSessionRequest(session_id=session_id))


def test_sessions_per_user(client):
    opened = [open_session(client) for _ in range(LIMITS.sessions_per_user)]
    with pytest.raises(SERVER_ERRORS) as excinfo:
        open_session(client)
    assert "sessions_per_user=3" in _limit_error(excinfo, "sessions_per_user")
    _close(client, opened.pop())
    opened.append(open_session(client))
    for session_id in opened:
        _close(client, session_id)


def test_concurrent_queries_per_session(client):
    session_id = open_session(client)
    slow = Plans().plan(
        sql("select id, reflect('java.lang.Thread', 'sleep', 3000L) from range(0, 64, 1, 64)")
    )
    reader = client.do_get(fl.Ticket(slow), in_session(session_id))
    reader.read_chunk()  # the query now runs
    with pytest.raises(pa.ArrowInvalid) as excinfo:
        run(client, Plans().plan(sql("select 1")), headers=in_session(session_id).headers)
    _limit_error(excinfo, "queries_per_session")
    _ok(client)  # another session is not held back
    action(client, "interrupt", sf.InterruptRequest(), session_id)
    with pytest.raises(fl.FlightCancelledError) as excinfo:
        read_chunks(reader)
    assert details(excinfo.value).error_class == "OPERATION_INTERRUPTED"
    _ok(client, in_session(session_id))
    _close(client, session_id)


def test_upload_size(client):
    small = pa.table({"x": list(range(1000))})
    big = pa.table({"x": list(range(LIMITS.upload_bytes // 8 + 1))})
    for table, fits in ((small, True), (big, False)):
        descriptor = fl.FlightDescriptor.for_command(sf.UploadRequest().SerializeToString())
        writer, reader = client.do_put(descriptor, table.schema)
        if fits:
            writer.write_table(table)
            writer.done_writing()
            assert sf.UploadResponse.FromString(reader.read().to_pybytes()).rows == 1000
            writer.close()
            continue
        with pytest.raises(SERVER_ERRORS) as excinfo:
            writer.write_table(table, max_chunksize=4096)
            writer.done_writing()
            reader.read()
            writer.close()
        _limit_error(excinfo, "upload_bytes")
    _ok(client)


def test_plan_size(client):
    padding = "x" * (LIMITS.plan_bytes + 1)
    with pytest.raises(SERVER_ERRORS) as excinfo:
        run(client, Plans().plan(sql(f"select '{padding}' as s")))
    _limit_error(excinfo, "plan_bytes")
    _ok(client)


def _nested(depth: int) -> bytes:
    """A plan of ``depth`` filters over ``select 1``, built in place (copies would parse)."""
    plan = plan_pb2.Plan()
    rel = plan.relations.add().root.input
    for _ in range(depth):
        rel.filter.condition.CopyFrom(lit(True))
        rel = rel.filter.input
    rel.CopyFrom(sql("select 1 as one"))
    return plan.SerializeToString()


def test_plan_nesting_within_the_limit_runs(client):
    assert run(client, _nested(10)).to_pylist() == [{"one": 1}]


def test_plan_nesting_beyond_the_limit_is_refused(client):
    with pytest.raises(SERVER_ERRORS) as excinfo:
        run(client, _nested(40))
    assert "plan_depth=60" in _limit_error(excinfo, "plan_depth")
    _ok(client)


def test_a_plan_nested_ten_thousand_deep_is_refused_cleanly(client):
    with pytest.raises(SERVER_ERRORS) as excinfo:
        run(client, _nested(10_000))
    error = details(excinfo.value)
    assert error.error_class == "INVALID_PLAN"
    assert "nested deeper" in error.message
    _ok(client)


def test_nesting_inside_typed_details_counts():
    expression = lit(1)
    for _ in range(30):
        expression = Plans().spark("negative", expression)
    detail = packed(sf.WithColumnsRelation(names=["x"], expressions=[expression]))
    assert message_depth(detail, 1000) > 30 * 3


def test_result_size(client):
    with pytest.raises(SERVER_ERRORS) as excinfo:
        run(client, Plans().plan(sql("select id from range(1000000)")))
    _limit_error(excinfo, "result_bytes")
    _ok(client)


def _wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


#: Far longer than the calls before a session is aged: it expires only once a test ages
#: it, and the server looks for idle sessions every quarter of it.
IDLE_SECONDS = 60


def test_idle_sessions_expire_and_release_what_they_hold(served_spark):
    limits = Limits(session_idle_seconds=IDLE_SECONDS)
    with _serve(served_spark, limits) as (server, url):
        client = connect(url)
        session_id = open_session(client)
        options = in_session(session_id)
        view = sf.CreateViewCommand(
            plan=Plans().plan(sql("select id from range(10)")),
            name="held",
        )
        action(client, "command", sf.CommandRequest(create_view=view), session_id)
        cache = sf.CommandRequest(sql=sf.SqlCommand(query="CACHE TABLE held"))
        action(client, "command", cache, session_id)
        table = pa.table({"x": [1, 2, 3]})
        descriptor = fl.FlightDescriptor.for_command(sf.UploadRequest().SerializeToString())
        writer, reader = client.do_put(descriptor, table.schema, options)
        writer.write_table(table)
        writer.done_writing()
        reader.read()
        writer.close()
        session = server.sessions.get(session_id)
        assert session.uploads and session.spark.catalog.isCached("held")
        cached_rdds = served_spark.sparkContext._jsc.getPersistentRDDs().size()
        run(client, Plans().plan(sql("select * from held")), headers=options.headers)
        holder = session.planner.sessionHolder()
        assert holder.getSessionHolderInfo().status().toString() == "Started"

        session.last_used -= IDLE_SECONDS  # as if it had been idle that long
        _wait_until(lambda: len(server.sessions) == 0, "the session to expire")
        with pytest.raises(SERVER_ERRORS) as excinfo:
            run(client, Plans().plan(sql("select 1")), headers=options.headers)
        assert details(excinfo.value).error_class == "SESSION_NOT_FOUND"
        _wait_until(lambda: not session.spark.catalog.tableExists("held"), "the view to drop")
        assert not session.uploads
        assert served_spark.sparkContext._jsc.getPersistentRDDs().size() == cached_rdds - 1
        assert session.planner is None
        assert holder.getSessionHolderInfo().status().toString() == "Closed"
        client.close()
