"""Hostile users of a shared server: each test is one attempt by an authenticated user
(or a caller guessing credentials) on what is another's, refused the same way as for
something unknown; the server then still answers the next legitimate query.

One in-process server with authentication over the module's ``served_spark`` serves the
module; its authenticator runs on a clock the tests move (no wall-clock assertions).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import pyarrow as pa
import pyarrow.flight as fl
import pytest
from google.protobuf import any_pb2
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from sparkflight.cli import app
from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client.errors import AnalysisException
from sparkflight.client.results import resume_ticket
from sparkflight.flight_server import auth, launch
from sparkflight.flight_server.auth import (
    FAILED_LOGINS_ALLOWED,
    LOCKOUT_FIRST_S,
    Authenticator,
    Credentials,
    authenticator_of,
    authenticator_options,
    hash_password,
    token_digest,
)
from sparkflight.flight_server.flight_sql.protocol import pack
from sparkflight.flight_server.operations import operation_tag
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.flight_server.sessions import SESSION_COOKIE, Session
from sparkflight.plans import flight_pb2 as flight
from sparkflight.plans import flight_sql_pb2 as fsql
from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import LOGOUT
from tests.flight_server.plan_builder import Plans, connect, details, leaf, read_chunks, sql

PASSWORDS = {
    "alice": "alice password",
    "bob": "bob password",
    "carol": "carol password",
    "dave": "dave password",
    "erin": "erin password",
    "frank": "frank password",
}
TOKENS = {"alice": "alice-api-token-0123456789", "bob": "bob-api-token-0123456789"}
DAVE_TOKEN = "dave-api-token-0123456789"
TOKEN_TTL_S = 600.0
# A guard against a job that never starts or never stops, not a performance expectation.
GUARD_S = 120
LONG_QUERY = "SELECT max(id * 2) FROM range(0, 100000000000, 1, 2)"


class Clock:
    """The authenticator's clock, moved by the tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def auth_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "auth.json"
    passwords = {user: hash_password(password) for user, password in PASSWORDS.items()}
    tokens = {token_digest(t): user for user, t in TOKENS.items()}
    tokens[token_digest(DAVE_TOKEN)] = "dave"
    Credentials(passwords, tokens).save(path)
    return path


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def authenticator(auth_file: Path, clock: Clock) -> Authenticator:
    return Authenticator(Credentials.load(auth_file), auth_file, TOKEN_TTL_S, clock)


@pytest.fixture(scope="module")
def server(served_spark: SparkSession, authenticator: Authenticator) -> Iterator[SparkFlightServer]:
    srv = SparkFlightServer(served_spark, **authenticator_options(authenticator))
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def url(server: SparkFlightServer) -> str:
    return f"grpc://127.0.0.1:{server.port}"


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[fl.FlightClient]:
    c = connect(url)
    yield c
    c.close()


def _plan(query: str) -> bytes:
    return Plans().plan(sql(query))


def _options(
    user: str | None = None,
    session: str | None = None,
    operation: str | None = None,
    cookie: str | None = None,
    bearer: str | None = None,
    tag: str | None = None,
) -> fl.FlightCallOptions:
    headers = []
    token = bearer or (TOKENS[user] if user else None)
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if session is not None:
        headers.append((wire.SESSION.encode(), session.encode()))
    if operation is not None:
        headers.append((b"x-sparkflight-operation-id", operation.encode()))
    if cookie is not None:
        headers.append((b"cookie", f"{SESSION_COOKIE}={cookie}".encode()))
    if tag is not None:
        headers.append((b"x-sparkflight-tag", tag.encode()))
    return fl.FlightCallOptions(headers=headers)


def _query(client: fl.FlightClient, query: str, **options: Any) -> list[dict]:
    return client.do_get(fl.Ticket(_plan(query)), _options(**options)).read_all().to_pylist()


def _action(client: fl.FlightClient, name: str, message: Any, answer: Any, **options: Any) -> Any:
    body = message.SerializeToString() if message is not None else b""
    (result,) = client.do_action(fl.Action(name, body), _options(**options))
    return answer.FromString(result.body.to_pybytes())


def _config(client: fl.FlightClient, operation: int, keys: list[str], **options: Any) -> Any:
    request = sf.ConfigRequest(operation=operation, keys=keys)
    return _action(client, "config", request, sf.ConfigResponse, **options)


def _set_conf(client: fl.FlightClient, key: str, value: str, **options: Any) -> None:
    request = sf.ConfigRequest(
        operation=sf.ConfigRequest.OPERATION_SET,
        keys=[key],
        values=[sf.OptionalString(value=value)],
    )
    _action(client, "config", request, sf.ConfigResponse, **options)


def _sql_command(client: fl.FlightClient, query: str, **options: Any) -> None:
    request = sf.CommandRequest(sql=sf.SqlCommand(query=query))
    _action(client, "command", request, sf.CommandResponse, **options)


def _refused(call: Callable[[], object]) -> sf.ErrorDetails:
    """The details of the error ``call`` fails with."""
    with pytest.raises((fl.FlightError, pa.ArrowException)) as raised:
        call()
    return details(raised.value)


def _still_answers(client: fl.FlightClient, user: str = "alice") -> None:
    """The server answers a legitimate query of ``user``."""
    assert _query(client, "SELECT 40 + 2 AS answer", user=user) == [{"answer": 42}]


def _info(client: fl.FlightClient, query: str, **options: Any) -> fl.FlightInfo:
    command = pack(fsql.CommandStatementQuery(query=query))
    return client.get_flight_info(fl.FlightDescriptor.for_command(command), _options(**options))


def _open(client: fl.FlightClient, user: str) -> str:
    return _action(
        client, "session.open", sf.OpenSessionRequest(), sf.SessionInfo, user=user
    ).session_id


def _basic(user: str, password: str) -> fl.FlightCallOptions:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return fl.FlightCallOptions(headers=[(b"authorization", f"Basic {encoded}".encode())])


def _login(url: str, user: str, password: str) -> str:
    """The bearer token a Basic login (Flight's handshake) gets."""
    login = fl.connect(url)
    try:
        _, value = login.authenticate_basic_token(user, password)
    finally:
        login.close()
    return value.decode().removeprefix("Bearer ")


def _run_long(client: fl.FlightClient, user: str, operation: str, tag: str = "long") -> None:
    """Run :data:`LONG_QUERY` until interrupted (read chunk by chunk: see ``read_chunks``)."""
    options = _options(user, operation=operation, tag=tag)
    read_chunks(client.do_get(fl.Ticket(_plan(LONG_QUERY)), options))


def _eventually(condition: Callable[[], object]) -> None:
    deadline = time.monotonic() + GUARD_S
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.1)


def _default_session(server: SparkFlightServer, user: str) -> Session:
    return server.sessions.default_of(user)


# ------------------------------------------------------------------ finding 3: default sessions


def test_default_session_temp_view_is_the_callers_own(client: fl.FlightClient) -> None:
    _sql_command(
        client, "CREATE OR REPLACE TEMP VIEW hostile_v AS SELECT 'alice' AS who", user="alice"
    )
    refused = _refused(lambda: _query(client, "SELECT * FROM hostile_v", user="bob"))
    assert refused.error_class == "TABLE_OR_VIEW_NOT_FOUND"
    # Bob's view of the same name replaces nothing of Alice's.
    _sql_command(client, "CREATE OR REPLACE TEMP VIEW hostile_v AS SELECT 'bob' AS who", user="bob")
    assert _query(client, "SELECT * FROM hostile_v", user="alice") == [{"who": "alice"}]
    assert _query(client, "SELECT * FROM hostile_v", user="bob") == [{"who": "bob"}]
    _still_answers(client)


def test_default_session_conf_is_the_callers_own(client: fl.FlightClient) -> None:
    key = "spark.sparkflight.test.hostile"
    _set_conf(client, key, "alice value", user="alice")
    every = _config(client, sf.ConfigRequest.OPERATION_GET_ALL, [], user="bob")
    assert key not in every.keys
    _set_conf(client, key, "bob value", user="bob")
    mine = _config(client, sf.ConfigRequest.OPERATION_GET, [key], user="alice")
    assert mine.values[0].value == "alice value"
    _still_answers(client)


def test_interrupt_all_in_default_session_spares_another_users_query(
    client: fl.FlightClient, server: SparkFlightServer
) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            _run_long(client, "alice", "alice-long")
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    alice = _default_session(server, "alice")
    _eventually(lambda: "alice-long" in alice.operations or not thread.is_alive())
    everything = _action(
        client, "interrupt", sf.InterruptRequest(), sf.InterruptResponse, user="bob"
    )
    by_id = _action(
        client,
        "interrupt",
        sf.InterruptRequest(operation_id="alice-long"),
        sf.InterruptResponse,
        user="bob",
    )
    by_tag = _action(
        client, "interrupt", sf.InterruptRequest(tag="long"), sf.InterruptResponse, user="bob"
    )
    assert list(everything.interrupted_ids) == list(by_id.interrupted_ids) == []
    assert list(by_tag.interrupted_ids) == []
    progress = _action(
        client,
        "progress",
        sf.ProgressRequest(operation_id="alice-long"),
        sf.ProgressResponse,
        user="bob",
    )
    assert not progress.known
    assert thread.is_alive() and "alice-long" in alice.operations
    mine = _action(client, "interrupt", sf.InterruptRequest(), sf.InterruptResponse, user="alice")
    assert list(mine.interrupted_ids) == ["alice-long"]
    thread.join()
    assert len(errors) == 1 and "OPERATION_INTERRUPTED" in str(errors[0])
    _still_answers(client, "bob")


def test_request_log_names_the_caller(
    client: fl.FlightClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="sparkflight.flight_server")
    _query(client, "SELECT 1 AS one", user="bob")
    lines = [r.getMessage() for r in caplog.records if '"method"' in r.getMessage()]
    assert any('"user":"bob"' in line for line in lines), lines


def test_upload_in_the_default_session_is_the_callers_own(client: fl.FlightClient) -> None:
    table = pa.table({"x": pa.array([1, 2, 3], pa.int64())})
    descriptor = fl.FlightDescriptor.for_command(sf.UploadRequest().SerializeToString())
    writer, reader = client.do_put(descriptor, table.schema, _options("alice"))
    writer.write_table(table)
    writer.done_writing()
    upload_id = sf.UploadResponse.FromString(reader.read().to_pybytes()).upload_id
    writer.close()
    plan = Plans().plan(leaf(sf.LocalRelation(upload_id=upload_id)))

    def read(user: str) -> list[dict]:
        return client.do_get(fl.Ticket(plan), _options(user)).read_all().to_pylist()

    assert _refused(lambda: read("bob")).error_class == "UPLOAD_NOT_FOUND"
    assert read("alice") == table.to_pylist()
    _still_answers(client, "bob")


# ------------------------------------------------------------------ finding 5: ids of others


def test_another_users_session_id_is_answered_as_unknown(client: fl.FlightClient) -> None:
    alice_session = _open(client, "alice")
    theirs = _refused(lambda: _query(client, "SELECT 1 AS x", user="bob", session=alice_session))
    unknown = _refused(lambda: _query(client, "SELECT 1 AS x", user="bob", session="0" * 32))
    assert theirs.error_class == unknown.error_class == "SESSION_NOT_FOUND"
    assert theirs.message.replace(alice_session, "ID") == unknown.message.replace("0" * 32, "ID")
    _still_answers(client)


def test_flight_sql_ticket_of_another_user(client: fl.FlightClient) -> None:
    info = _info(client, "SELECT 'alice only' AS s", user="alice")
    ticket = info.endpoints[0].ticket
    theirs = _refused(lambda: client.do_get(ticket, _options("bob")).read_all())
    assert theirs.error_class == "RESULT_NOT_FOUND"
    # Bob's attempt consumed nothing: Alice still reads her result.
    assert client.do_get(ticket, _options("alice")).read_all().to_pylist() == [{"s": "alice only"}]
    _still_answers(client, "bob")


def test_cancel_flight_info_of_another_user(client: fl.FlightClient) -> None:
    info = _info(client, "SELECT 'still mine' AS s", user="alice")
    request = flight.CancelFlightInfoRequest(info=info.serialize())
    answer = _action(client, "CancelFlightInfo", request, flight.CancelFlightInfoResult, user="bob")
    assert answer.status == flight.CANCEL_STATUS_NOT_CANCELLABLE
    read = client.do_get(info.endpoints[0].ticket, _options("alice")).read_all()
    assert read.to_pylist() == [{"s": "still mine"}]
    _still_answers(client)


def test_prepared_statement_of_another_user(client: fl.FlightClient) -> None:
    request = pack(fsql.ActionCreatePreparedStatementRequest(query="SELECT 'prepared' AS p"))
    (result,) = client.do_action(fl.Action("CreatePreparedStatement", request), _options("alice"))
    created = fsql.ActionCreatePreparedStatementResult()
    any_pb2.Any.FromString(result.body.to_pybytes()).Unpack(created)
    handle = created.prepared_statement_handle
    command = pack(fsql.CommandPreparedStatementQuery(prepared_statement_handle=handle))
    descriptor = fl.FlightDescriptor.for_command(command)
    theirs = _refused(lambda: client.get_flight_info(descriptor, _options("bob")))
    assert theirs.error_class == "STATEMENT_NOT_FOUND"
    close = pack(fsql.ActionClosePreparedStatementRequest(prepared_statement_handle=handle))
    closing = _refused(
        lambda: list(client.do_action(fl.Action("ClosePreparedStatement", close), _options("bob")))
    )
    assert closing.error_class == "STATEMENT_NOT_FOUND"
    info = client.get_flight_info(descriptor, _options("alice"))
    read = client.do_get(info.endpoints[0].ticket, _options("alice")).read_all()
    assert read.to_pylist() == [{"p": "prepared"}]
    _still_answers(client, "bob")


def test_stack_trace_of_another_user(client: fl.FlightClient) -> None:
    failed = _refused(lambda: _query(client, "SELECT * FROM no_such_table_hostile", user="alice"))
    assert failed.error_id

    def trace(user: str, error_id: str) -> str:
        request = sf.StackTraceRequest(error_id=error_id)
        response = _action(client, "error.stacktrace", request, sf.StackTraceResponse, user=user)
        return response.stack_trace

    theirs = _refused(lambda: trace("bob", failed.error_id))
    unknown = _refused(lambda: trace("bob", "f" * 32))
    assert theirs.error_class == unknown.error_class == "ERROR_NOT_FOUND"
    assert theirs.message.replace(failed.error_id, "ID") == unknown.message.replace("f" * 32, "ID")
    assert "no_such_table_hostile" in trace("alice", failed.error_id)
    _still_answers(client)


def test_same_operation_id_in_two_sessions_interrupts_one_job(
    client: fl.FlightClient, server: SparkFlightServer, served_spark: SparkSession
) -> None:
    """A client-chosen operation id is a Spark job tag of its session only: Bob
    interrupting his operation does not cancel Alice's job of the same id."""
    tracker = served_spark.sparkContext._jsc.sc().statusTracker()
    errors: dict[str, BaseException] = {}

    def run(user: str) -> None:
        try:
            _run_long(client, user, "same-id")
        except BaseException as exc:  # noqa: BLE001 - the test reads it
            errors[user] = exc

    alice = _default_session(server, "alice")
    bob = _default_session(server, "bob")
    threads = {user: threading.Thread(target=run, args=(user,)) for user in ("alice", "bob")}
    for thread in threads.values():
        thread.start()

    def jobs_of(session: Session) -> list[int]:
        return list(tracker.getJobIdsForTag(operation_tag(session, "same-id")))

    _eventually(
        lambda: (jobs_of(alice) and jobs_of(bob)) or not all(t.is_alive() for t in threads.values())
    )
    request = sf.InterruptRequest(operation_id="same-id")
    bobs = _action(client, "interrupt", request, sf.InterruptResponse, user="bob")
    assert list(bobs.interrupted_ids) == ["same-id"]
    threads["bob"].join()
    assert "OPERATION_INTERRUPTED" in str(errors["bob"])
    active = set(served_spark.sparkContext.statusTracker().getActiveJobsIds())
    assert threads["alice"].is_alive() and set(jobs_of(alice)) & active
    _action(client, "interrupt", request, sf.InterruptResponse, user="alice")
    threads["alice"].join()
    assert "OPERATION_INTERRUPTED" in str(errors["alice"])
    _still_answers(client, "bob")


def test_set_session_options_tells_nothing_of_other_sessions(client: fl.FlightClient) -> None:
    """Setting options under another user's session cookie opens a session of the caller's
    own, as under an id nobody uses: the answer tells nothing of the other session."""

    def set_option(user: str, cookie: str, value: str) -> bytes:
        request = flight.SetSessionOptionsRequest()
        request.session_options["spark.sparkflight.test.cookie"].string_value = value
        (result,) = client.do_action(
            fl.Action("SetSessionOptions", request.SerializeToString()),
            _options(user, cookie=cookie),
        )
        return result.body.to_pybytes()

    def option(user: str, cookie: str) -> str:
        (result,) = client.do_action(
            fl.Action("GetSessionOptions", b""), _options(user, cookie=cookie)
        )
        answer = flight.GetSessionOptionsResult.FromString(result.body.to_pybytes())
        return answer.session_options["spark.sparkflight.test.cookie"].string_value

    taken, free = os.urandom(16).hex(), os.urandom(16).hex()
    set_option("alice", taken, "alice")
    assert set_option("bob", taken, "bob") == set_option("bob", free, "bob")
    assert option("alice", taken) == "alice" and option("bob", taken) == "bob"
    _still_answers(client)


def test_resume_another_users_result(client: fl.FlightClient, url: str) -> None:
    with RemoteSession.builder.remote(f"{url};token={TOKENS['alice']}").create() as alice:
        assert alice.range(3).count() == 3
        ticket = resume_ticket("a" * 32, 0)
        bobs = _refused(lambda: client.do_get(ticket, _options("bob", alice.sessionId)).read_all())
        assert bobs.error_class == "SESSION_NOT_FOUND"
        own = _refused(lambda: client.do_get(ticket, _options("bob")).read_all())
        assert own.error_class == "RESULT_NOT_FOUND"
        assert alice.range(2).count() == 2


def test_close_another_users_session(client: fl.FlightClient) -> None:
    alice_session = _open(client, "alice")
    request = sf.CloseSessionRequest(session_id=alice_session)
    closing = _refused(
        lambda: _action(client, "session.close", request, sf.CommandResponse, user="bob")
    )
    assert closing.error_class == "SESSION_NOT_FOUND"
    assert _query(client, "SELECT 1 AS one", user="alice", session=alice_session) == [{"one": 1}]


# ------------------------------------------------------------------ A's things, B's eyes


def test_alices_views_confs_and_queries_are_invisible_to_bob_everywhere(
    client: fl.FlightClient, url: str
) -> None:
    """What Alice made in her default session and in a session of her own is invisible to
    Bob in his default session (raw Flight, ADBC) and in a session of his own (client)."""
    key = "spark.sparkflight.test.private"
    alice = RemoteSession.builder.remote(f"{url};token={TOKENS['alice']}").create()
    bob = RemoteSession.builder.remote(f"{url};token={TOKENS['bob']}").create()
    try:
        alice.sql("SELECT 'opened' AS s").createOrReplaceTempView("alice_opened")
        alice.conf.set(key, "alice opened")
        _sql_command(
            client, "CREATE OR REPLACE TEMP VIEW alice_default AS SELECT 1 AS x", user="alice"
        )
        _set_conf(client, key, "alice default", user="alice")
        info = _info(client, "SELECT 'result' AS r", user="alice")
        for view in ("alice_opened", "alice_default"):
            # Bob's default session, raw Flight.
            assert _refused(lambda v=view: _query(client, f"SELECT * FROM {v}", user="bob"))
            # Bob's own session, the Python client.
            with pytest.raises(AnalysisException, match="TABLE_OR_VIEW_NOT_FOUND"):
                bob.table(view).collect()
        assert bob.conf.get(key, "unset") == "unset"
        got = _config(client, sf.ConfigRequest.OPERATION_GET_ALL, [], user="bob")
        assert key not in got.keys
        assert _refused(lambda: client.do_get(info.endpoints[0].ticket, _options("bob")).read_all())
        # Bob through ADBC (his default session).
        options = {"username": "bob", "password": PASSWORDS["bob"]}
        with adbc.connect(url, db_kwargs=options, autocommit=True) as conn, conn.cursor() as cur:
            for view in ("alice_opened", "alice_default"):
                with pytest.raises(adbc_driver_manager.Error, match="TABLE_OR_VIEW_NOT_FOUND"):
                    cur.execute(f"SELECT * FROM {view}")
            cur.execute(f"SET {key}")
            assert cur.fetchall() == [(key, "<undefined>")]
            cur.execute("SHOW VIEWS")
            assert not {row[1] for row in cur.fetchall()} & {"alice_opened", "alice_default"}
        assert client.do_get(info.endpoints[0].ticket, _options("alice")).read_all().num_rows == 1
        assert alice.table("alice_opened").collect()[0].s == "opened"
    finally:
        bob.stop()
        alice.stop()


# ------------------------------------------------------------------ finding 6: logins


def test_unknown_user_costs_the_same_hash_as_a_known_one(
    url: str, client: fl.FlightClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted(password: bytes, **kwargs: Any) -> bytes:
        calls.append((kwargs["n"], kwargs["r"], kwargs["p"]))
        return scrypt(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    for user in ("frank", "nobody-by-this-name"):
        with pytest.raises(fl.FlightUnauthenticatedError):
            _login(url, user, "wrong password")
    assert len(calls) == 2 and calls[0] == calls[1]
    _still_answers(client)


def test_failed_logins_lock_a_name_known_or_not(
    url: str, client: fl.FlightClient, clock: Clock
) -> None:
    for user in ("carol", "no-such-carol"):
        for _ in range(FAILED_LOGINS_ALLOWED):
            with pytest.raises(fl.FlightUnauthenticatedError) as refused:
                _login(url, user, "guess")
            assert "retry" not in str(refused.value)
        with pytest.raises(fl.FlightUnauthenticatedError, match="too many failed logins, retry in"):
            _login(url, user, PASSWORDS.get(user, "guess"))
    # Another user is not locked out, and the lock ends.
    assert _login(url, "erin", PASSWORDS["erin"])
    clock.now += LOCKOUT_FIRST_S + 1
    assert _login(url, "carol", PASSWORDS["carol"])
    _still_answers(client)


def test_failing_with_many_names_lifts_no_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "_FAILURES_KEPT", 10)
    logins = auth.FailedLogins(Clock())
    for _ in range(FAILED_LOGINS_ALLOWED):
        logins.failed("carol")
    for index in range(50):
        logins.failed(f"name-{index}")
    assert logins.wait("carol") == LOCKOUT_FIRST_S


def test_basic_credentials_reuse_their_token(
    url: str, client: fl.FlightClient, authenticator: Authenticator
) -> None:
    first = _login(url, "erin", PASSWORDS["erin"])
    held = authenticator.issued_count()
    assert _login(url, "erin", PASSWORDS["erin"]) == first
    for _ in range(3):
        list(client.list_actions(_basic("erin", PASSWORDS["erin"])))
    assert authenticator.issued_count() == held
    _still_answers(client, "bob")


def test_token_store_is_bounded_and_swept(auth_file: Path) -> None:
    clock = Clock()
    store = Authenticator(Credentials.load(auth_file), token_ttl=10, clock=clock, max_tokens=5)
    tokens = [store.issue_token("alice") for _ in range(8)]
    assert store.issued_count() <= 5
    assert store.bearer_user(tokens[-1]) == "alice" and store.bearer_user(tokens[0]) is None
    clock.now += 3600
    store.issue_token("bob")
    assert store.issued_count() == 1


def test_issued_token_expires(url: str, client: fl.FlightClient, clock: Clock) -> None:
    token = _login(url, "frank", PASSWORDS["frank"])
    assert _query(client, "SELECT 1 AS one", bearer=token) == [{"one": 1}]
    clock.now += TOKEN_TTL_S + 1
    with pytest.raises(fl.FlightUnauthenticatedError):
        _query(client, "SELECT 1 AS one", bearer=token)
    _still_answers(client)


def test_logout_ends_the_callers_token(url: str, client: fl.FlightClient) -> None:
    token = _login(url, "erin", PASSWORDS["erin"])
    other = _login(url, "frank", PASSWORDS["frank"])
    assert list(client.do_action(fl.Action(LOGOUT.name, b""), _options(bearer=token)))
    with pytest.raises(fl.FlightUnauthenticatedError):
        _query(client, "SELECT 1 AS one", bearer=token)
    assert _query(client, "SELECT 1 AS one", bearer=other) == [{"one": 1}]
    assert _login(url, "erin", PASSWORDS["erin"]) != token
    _still_answers(client)


def test_logout_with_an_api_token_is_refused(client: fl.FlightClient) -> None:
    refused = _refused(lambda: list(client.do_action(fl.Action(LOGOUT.name, b""), _options("bob"))))
    assert "sparkflight auth revoke" in refused.message
    _still_answers(client, "bob")


def test_revoke_ends_a_users_access_on_the_running_server(
    url: str, client: fl.FlightClient, auth_file: Path
) -> None:
    issued = _login(url, "dave", PASSWORDS["dave"])
    assert _query(client, "SELECT 1 AS one", bearer=issued) == [{"one": 1}]
    assert _query(client, "SELECT 1 AS one", bearer=DAVE_TOKEN) == [{"one": 1}]
    revoked = CliRunner().invoke(app, ["auth", "revoke", str(auth_file), "dave"])
    assert revoked.exit_code == 0, revoked.output
    for token in (issued, DAVE_TOKEN):
        with pytest.raises(fl.FlightUnauthenticatedError):
            _query(client, "SELECT 1 AS one", bearer=token)
    with pytest.raises(fl.FlightUnauthenticatedError):
        _login(url, "dave", PASSWORDS["dave"])
    _still_answers(client)


def test_sighup_reads_the_auth_file_again(
    auth_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    caplog.set_level(logging.INFO, logger="sparkflight.flight_server.auth")
    copy = tmp_path / "auth.json"
    Credentials.load(auth_file).save(copy)
    options = authenticator_options(Authenticator.from_file(copy))
    stopped = threading.Event()

    def reloaded() -> bool:
        return any("reloaded" in record.getMessage() for record in caplog.records)

    def hang_up() -> None:
        _eventually(lambda: signal.getsignal(signal.SIGHUP) is not signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGHUP)
        _eventually(reloaded)
        stopped.set()

    threading.Thread(target=hang_up, daemon=True).start()
    launch.wait_for_stop_signal("url", stopped, reload=launch._auth_reload(options))
    assert reloaded()
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


def test_password_change_ends_issued_tokens_and_a_broken_file_changes_nothing(
    auth_file: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "auth.json"
    Credentials.load(auth_file).save(copy)
    store = Authenticator.from_file(copy)
    encoded = base64.b64encode(f"erin:{PASSWORDS['erin']}".encode()).decode()
    _, erin = store.basic_login(encoded)
    frank = store.basic_login(base64.b64encode(f"frank:{PASSWORDS['frank']}".encode()).decode())[1]
    copy.write_text("{not json")
    store.refresh()
    assert store.bearer_user(erin) == "erin" and store.bearer_user(frank) == "frank"
    credentials = Credentials.load(auth_file)
    credentials.passwords["erin"] = hash_password("a new password")
    credentials.save(copy)
    store.refresh()
    assert store.bearer_user(erin) is None and store.bearer_user(frank) == "frank"
    with pytest.raises(auth.LoginRefused):
        store.basic_login(encoded)


def test_serve_takes_the_token_lifetime(auth_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sparkflight.flight_server.runtime as runtime

    seen: dict[str, Any] = {}

    class Stopped(Exception):
        pass

    class FakeSpark:
        def stop(self) -> None:
            seen["stopped"] = True

    def fake_start_server(*args: Any, **kwargs: Any) -> None:
        seen["authenticator"] = authenticator_of(args[-1])
        raise Stopped

    monkeypatch.setattr(runtime, "start_spark", lambda master, conf: FakeSpark())
    monkeypatch.setattr(launch, "start_server", fake_start_server)
    ran = CliRunner().invoke(app, ["serve", "--auth-file", str(auth_file), "--token-ttl", "120"])
    assert isinstance(ran.exception, Stopped)
    assert seen["authenticator"].token_ttl == 120 and seen["stopped"]
