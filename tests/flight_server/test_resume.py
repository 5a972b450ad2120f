"""Resumable results: a connection cut mid-stream resumes with every row exactly once; a
held result belongs to its user, is freed by ``result.release`` and, when no call comes
back, by the resume timeout, which also cancels its query."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client import plan
from sparkflight.client.errors import SparkFlightException
from sparkflight.client.results import Result, resume_ticket
from sparkflight.client.transport import Connection
from sparkflight.flight_server.auth import Credentials, server_options, token_digest
from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.resume import held_results, sweep
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.flight_server.versions import ServerVersions
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import SESSION_CLOSE, SESSION_OPEN
from tests.flight_server.test_chaos import SLOW, active_jobs, wait_until
from tests.tcp_proxy import TcpProxy, tcp_proxy

TOKENS = {"alice": "alice-token-0123456789", "bob": "bob-token-0123456789"}
#: Far longer than any test takes: a result expires only when a test runs the sweep as if
#: this time had passed (:func:`_expire`), never because a loaded machine was slow.
RESUME_SECONDS = 600
WINDOW_BYTES = 16 * 1024 * 1024
#: About 1.2 MB per Spark batch (10,000 rows): a result of many batches.
ROWS = 300_000
QUERY = "select id, repeat(cast(id % 97 as string), 100) as s from range(0, {rows}, 1, 4)"


@pytest.fixture(scope="module")
def server(
    served_spark: SparkSession, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SparkFlightServer]:
    """One server for the module: users alice and bob, a short resume timeout."""
    auth_file = tmp_path_factory.mktemp("auth") / "auth.json"
    Credentials({}, {token_digest(t): user for user, t in TOKENS.items()}).save(auth_file)
    limits = Limits(resume_seconds=RESUME_SECONDS, replay_window_bytes=WINDOW_BYTES)
    auth = server_options(auth_file)
    server, _ = start_server(served_spark, "127.0.0.1", 0, limits=limits, auth_options=auth)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join()


@pytest.fixture
def proxy(server: SparkFlightServer) -> Iterator[TcpProxy]:
    with tcp_proxy("127.0.0.1", server.port) as proxied:
        yield proxied


@pytest.fixture
def alice(proxy: TcpProxy) -> Iterator[RemoteSession]:
    with RemoteSession.builder.remote(f"{proxy.url};token={TOKENS['alice']}").create() as session:
        yield session


def _connection(url: str, user: str, session_id: str | None = None) -> Connection:
    """A raw connection of ``user`` that reads results resumably."""
    connection = Connection(url, token=TOKENS[user])
    connection.session_id = session_id
    connection.resumable = True
    return connection


def _resume(connection: Connection, result_id: str, batch: int) -> pa.Table:
    """Resume a result from ``batch`` and read it to the end."""
    with connection._errors():
        ticket = resume_ticket(result_id, batch)
        return connection._client.do_get(ticket, connection._options()).read_all()


def _held_bytes(server: SparkFlightServer) -> float:
    return server.metrics.registry.get_sample_value("sparkflight_held_result_bytes") or 0.0


def _expire(server: SparkFlightServer) -> bool:
    """Run the resume timeout's sweep as if ``RESUME_SECONDS`` had passed since each held
    result lost its call; whether the server then holds no result."""
    sweep(server.sessions, RESUME_SECONDS, now=time.monotonic() + RESUME_SECONDS + 1)
    return held_results(server.sessions) == []


def _expected(classic: SparkSession, rows: int = ROWS) -> pa.Table:
    return classic.sql(QUERY.format(rows=rows)).toArrow()


def test_a_cut_mid_stream_resumes_with_every_row_once(
    alice: RemoteSession, proxy: TcpProxy, classic: SparkSession, server: SparkFlightServer
) -> None:
    df = alice.sql(QUERY.format(rows=ROWS))
    proxy.cut_after(8 * 1024 * 1024)  # a few batches in
    table = df.toArrow()
    assert proxy.cuts == 1
    assert table.equals(_expected(classic))
    alice.conf.get("spark.sql.session.timeZone")  # frees the result read to the end
    assert held_results(server.sessions) == []


def test_a_result_read_to_the_end_is_freed_by_the_next_call(
    alice: RemoteSession, server: SparkFlightServer
) -> None:
    assert alice.sql(QUERY.format(rows=1000)).count() == 1000
    held = held_results(server.sessions)
    assert len(held) == 1 and held[0].session.id == alice._connection.session_id
    assert alice.range(3).collect()[2].id == 2
    assert [r.id for r in held_results(server.sessions)] != [held[0].id]  # the collect's
    alice.conf.get("spark.sql.session.timeZone")
    assert held_results(server.sessions) == []


def test_a_protocol_8_server_frees_a_result_read_to_the_end_at_once(
    served_spark: SparkSession,
) -> None:
    server = SparkFlightServer(
        served_spark, "grpc://127.0.0.1:0", versions=ServerVersions(protocol=8)
    )
    try:
        with RemoteSession.builder.remote(f"grpc://127.0.0.1:{server.port}").create() as old:
            assert old._connection.release_in_headers is False
            assert old.range(5).count() == 5
            assert held_results(server.sessions) == []
    finally:
        server.shutdown()


def test_a_stream_cut_again_after_each_resume_resumes_each_time(
    alice: RemoteSession, proxy: TcpProxy, classic: SparkSession
) -> None:
    proxy.cut_after(6 * 1024 * 1024, times=3)
    table = alice.sql(QUERY.format(rows=ROWS)).toArrow()
    assert proxy.cuts == 3
    assert table.equals(_expected(classic))


def test_a_cut_while_iterating_resumes_with_every_row_once(
    alice: RemoteSession, proxy: TcpProxy, classic: SparkSession
) -> None:
    df = alice.sql(QUERY.format(rows=ROWS))
    proxy.cut_after(20 * 1024 * 1024)
    ids = [row.id for row in df.toLocalIterator()]
    assert proxy.cuts == 1
    assert ids == _expected(classic).column("id").to_pylist()


def test_closing_the_iterator_early_frees_the_result(
    alice: RemoteSession, server: SparkFlightServer
) -> None:
    rows = alice.sql(QUERY.format(rows=ROWS)).toLocalIterator()
    assert next(rows).id == 0
    assert len(held_results(server.sessions)) == 1
    rows.close()  # type: ignore[attr-defined]
    assert held_results(server.sessions) == []
    wait_until(lambda: server.sessions.running() == 0, "the query to end")


def test_resuming_another_users_result_is_refused(server: SparkFlightServer) -> None:
    url = f"grpc://127.0.0.1:{server.port}"
    owner, other = _connection(url, "alice"), _connection(url, "bob")  # the default session
    with Result(owner, _plan(10 * 10_000), "alices-result") as result:
        assert result.read_batch() is not None
        with pytest.raises(SparkFlightException) as refused:
            _resume(other, result.id, 1)
        assert refused.value.getCondition() == "RESULT_NOT_FOUND"
        assert "another user's" in str(refused.value)
        assert other.release(result.id) is False
        assert result.read_all().num_rows == 9 * 10_000  # the owner reads on
    owner.close()
    other.close()


def test_resuming_an_unknown_result_fails(server: SparkFlightServer) -> None:
    connection = _connection(f"grpc://127.0.0.1:{server.port}", "alice")
    with pytest.raises(SparkFlightException) as unknown:
        _resume(connection, "no-such-result", 0)
    assert unknown.value.getCondition() == "RESULT_NOT_FOUND"
    assert "'no-such-result'" in str(unknown.value)
    connection.close()


def test_a_batch_out_of_the_window_cannot_be_resumed(server: SparkFlightServer) -> None:
    connection = _connection(f"grpc://127.0.0.1:{server.port}", "alice")
    with Result(connection, _plan(ROWS), "read-to-the-end") as result:
        batches = list(iter(result.read_batch, None))
        assert sum(b.nbytes for b in batches) > WINDOW_BYTES
        sent = len(batches)
        refusals = ((0, "replay window keeps batches"), (sent + 1, f"has sent {sent} batches"))
        for batch, problem in refusals:
            with pytest.raises(SparkFlightException) as refused:
                _resume(connection, result.id, batch)
            assert refused.value.getCondition() == "RESULT_NOT_RESUMABLE"
            assert problem in str(refused.value)
        assert _resume(connection, result.id, sent - 1).num_rows == batches[-1].num_rows
        assert _resume(connection, result.id, sent).num_rows == 0  # after the last batch
    connection.close()


def test_release_frees_the_window_and_the_query(
    server: SparkFlightServer, classic: SparkSession
) -> None:
    connection = _connection(f"grpc://127.0.0.1:{server.port}", "alice")
    session = server.sessions.default_of("alice")
    result = Result(connection, _plan(ROWS), "released-early")
    assert result.read_batch() is not None
    assert [r.id for r in held_results(server.sessions)] == ["released-early"]
    assert _held_bytes(server) > 0
    assert "released-early" in session.operations  # the rest of the result waits in Spark
    assert connection.release(result.id) is True
    assert held_results(server.sessions) == [] and _held_bytes(server) == 0
    wait_until(lambda: "released-early" not in session.operations, "the query to end")
    assert connection.release(result.id) is False
    assert classic.range(3).count() == 3
    connection.close()


def test_closing_the_session_frees_its_held_results(server: SparkFlightServer) -> None:
    url = f"grpc://127.0.0.1:{server.port}"
    with RemoteSession.builder.remote(f"{url};token={TOKENS['alice']}").create() as session:
        connection = _connection(url, "alice", session.sessionId)
        result = Result(connection, _plan(ROWS), "held-by-session")
        assert result.read_batch() is not None
        assert [r.id for r in held_results(server.sessions)] == ["held-by-session"]
    assert held_results(server.sessions) == []
    wait_until(lambda: server.sessions.running() == 0, "the query to end")
    connection.close()


def test_an_abandoned_result_is_cancelled_after_the_resume_timeout(
    server: SparkFlightServer, proxy: TcpProxy, classic: SparkSession
) -> None:
    connection = _connection(proxy.url, "alice")
    session = server.sessions.default_of("alice")
    result = Result(connection, _plan(ROWS), "abandoned")
    assert result.read_batch() is not None
    proxy.cut()  # the client is gone and never comes back
    held = held_results(server.sessions)
    assert [r.id for r in held] == ["abandoned"] and "abandoned" in session.operations
    wait_until(lambda: _expire(server), "the cut call to end and its result to expire")
    wait_until(lambda: "abandoned" not in session.operations, "the query to be cancelled")
    assert _held_bytes(server) == 0
    # Spark's status tracker hears of the cancelled job through its listener bus, later.
    wait_until(lambda: not active_jobs(classic), "the query's job to be cancelled")
    with pytest.raises(SparkFlightException) as expired:
        _resume(connection, "abandoned", 1)
    assert expired.value.getCondition() == "RESULT_NOT_FOUND"
    connection.close()


def test_a_client_killed_while_spark_computes_leaves_no_job_after_the_timeout(
    server: SparkFlightServer, proxy: TcpProxy, classic: SparkSession
) -> None:
    connection = _connection(proxy.url, "alice")
    started = threading.Thread(target=lambda: Result(connection, _sql(SLOW), "slow"), daemon=True)
    started.start()
    wait_until(lambda: active_jobs(classic), "the job")
    proxy.cut()
    wait_until(lambda: _expire(server), "the cut call to end and its result to expire")
    wait_until(lambda: not active_jobs(classic), "the job")
    wait_until(lambda: server.sessions.running() == 0, "the query to end")


def test_a_protocol_3_server_is_read_without_resumption(served_spark: SparkSession) -> None:
    server = SparkFlightServer(
        served_spark, "grpc://127.0.0.1:0", versions=ServerVersions(protocol=3)
    )
    try:
        with RemoteSession.builder.remote(f"grpc://127.0.0.1:{server.port}").create() as old:
            assert old._connection.resumable is False
            assert old.range(5).count() == 5
            assert held_results(server.sessions) == []
    finally:
        server.shutdown()


def _sql(query: str) -> bytes:
    return plan.plan_bytes(plan.Sql(query=query))


def _plan(rows: int) -> bytes:
    return _sql(QUERY.format(rows=rows))


def test_a_protocol_10_client_resumes_with_its_untagged_ticket(server: SparkFlightServer) -> None:
    """A client older than tagged tickets sends its resume ticket as an ``Any``: the server
    reads it so in that client's sessions, and as a plan (refused) in newer ones."""
    url = f"grpc://127.0.0.1:{server.port}"
    opener = _connection(url, "alice")
    info = opener.action(SESSION_OPEN, sf.OpenSessionRequest(protocol_version=10))
    for connection in (_connection(url, "alice", info.session_id), _connection(url, "alice")):
        legacy = connection.session_id is not None
        with Result(connection, _plan(1000), f"untagged-{legacy}") as result:
            batches = list(iter(result.read_batch, None))
            ticket = resume_ticket(result.id, len(batches) - 1, tagged=False)
            if legacy:
                resumed = connection._client.do_get(ticket, connection._options())
                assert resumed.read_all().num_rows == batches[-1].num_rows
            else:
                with pytest.raises(SparkFlightException) as refused, connection._errors():
                    connection._client.do_get(ticket, connection._options()).read_all()
                assert refused.value.getCondition() == "INVALID_PLAN"
        connection.close()
    opener.action(SESSION_CLOSE, sf.CloseSessionRequest(session_id=info.session_id))
    opener.close()
