"""The error table (docs/protocol.md, "Errors"): each row, with each real client.

Every row of the table is a gRPC status code and a request that fails with it. Each row is
sent by a raw ``pyarrow.flight`` client, by the ADBC Flight SQL driver (DB-API) and by
sparkflight's client, and each client must raise the exception class it raises for that
status code: pyarrow's class per code, the DB-API class the driver maps the code to, and
the PySpark exception class of the error (as before). The error's details name the same
error class in all three: the ``x-sparkflight-error-details-bin`` trailer (read by a
client middleware, as any pyarrow client can), the ``x-sparkflight-error-class`` and
``x-sparkflight-sqlstate`` error details of the ADBC driver, and ``getCondition()``.

The requests run against the run's shared server, or against servers over the in-process
Spark session made for their row: one with strict limits (no Python functions, small
plans, a query timeout), one shutting down, one with authentication and one with a defect.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import adbc_driver_manager.dbapi
import pyarrow as pa
import pyarrow.flight as fl
import pyarrow.lib
import pytest
from pyspark.sql import SparkSession as ClassicSession

from sparkflight.client import SparkSession
from sparkflight.client import errors as client_errors
from sparkflight.client import functions as F
from sparkflight.flight_server.auth import Credentials, server_options, token_digest
from sparkflight.flight_server.flight_sql.protocol import pack
from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.plans import flight_sql_pb2 as fsql
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import ActionType
from sparkflight.plans.protocol import BASE, PROTOCOL_VERSION
from tests.flight_server.plan_builder import Plans, details, sql
from tests.flight_server.test_server import action, in_session, open_session

DETAILS_TRAILER = "x-sparkflight-error-details-bin"
#: An action no server has, as the client sends one.
NO_SUCH_ACTION = ActionType("no.such.action", None, sf.CommandResponse, BASE, "none")
#: A query that runs until it is interrupted.
SLOW = "SELECT max(id * 2) AS m FROM range(0, 100000000000, 1, 2)"
#: The strict server's limits: small plans, no Python functions, a query timeout (the
#: other requests sent there fail before any query runs).
STRICT = Limits(python=False, plan_bytes=16 * 1024, query_seconds=3, session_idle_seconds=None)
TOO_LONG = f"SELECT '{'x' * 20_000}' AS s"


class Trailers(fl.ClientMiddlewareFactory):
    """Keeps the ``ErrorDetails`` trailer of the last call that sent one: how any pyarrow
    client reads an error's details."""

    def __init__(self) -> None:
        self.details: bytes | None = None

    def start_call(self, info: fl.CallInfo) -> fl.ClientMiddleware:
        return _Trailer(self)


class _Trailer(fl.ClientMiddleware):
    def __init__(self, factory: Trailers) -> None:
        self.factory = factory

    def received_headers(self, headers: dict[str, list[Any]]) -> None:
        if DETAILS_TRAILER in headers:
            self.factory.details = headers[DETAILS_TRAILER][-1]


class Servers:
    """The servers the rows need, each started when a row first asks for it."""

    def __init__(self, shared: str, classic: ClassicSession, auth_file: Path) -> None:
        self.shared = shared
        self.classic = classic
        self.auth_file = auth_file
        self._started: dict[str, tuple[SparkFlightServer, str, threading.Thread]] = {}
        self._sessions: dict[str, SparkSession] = {}

    def url(self, kind: str) -> str:
        if kind == "shared":
            return self.shared
        if kind not in self._started:
            server = self._make(kind)
            thread = threading.Thread(target=server.serve, daemon=True)
            thread.start()
            if kind == "draining":
                server.drain(0)  # nothing runs: it refuses calls from now on
            self._started[kind] = (server, f"grpc://127.0.0.1:{server.port}", thread)
        return self._started[kind][1]

    def _make(self, kind: str) -> SparkFlightServer:
        if kind == "strict":
            return start_server(self.classic, "127.0.0.1", 0, limits=STRICT)[0]
        if kind == "draining":
            return start_server(self.classic, "127.0.0.1", 0)[0]
        if kind == "auth":
            options = server_options(self.auth_file)
            return start_server(self.classic, "127.0.0.1", 0, auth_options=options)[0]
        if kind == "defective":
            return DefectiveServer(self.classic)
        raise AssertionError(kind)

    def session(self, kind: str) -> SparkSession:
        """A sparkflight client session on a server that accepts sessions."""
        if kind not in self._sessions:
            self._sessions[kind] = SparkSession.builder.remote(self.url(kind)).create()
        return self._sessions[kind]

    def close(self) -> None:
        for session in self._sessions.values():
            session.stop()
        for server, _, thread in self._started.values():
            server.shutdown()
            thread.join()


class DefectiveServer(SparkFlightServer):
    """A server with a defect: finding the session of a call fails with a Python error."""

    def _session(self, context: fl.ServerCallContext) -> Any:
        raise ZeroDivisionError("a defect of the server")


@pytest.fixture(scope="module")
def servers(
    server_url: str, classic: ClassicSession, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    auth_file = tmp_path_factory.mktemp("auth") / "auth.json"
    Credentials({}, {token_digest("a-token"): "alice"}).save(auth_file)
    running = Servers(server_url, classic, auth_file)
    yield running
    running.close()


class Running:
    """A call running in a thread; what it raised."""

    def __init__(self, call: Callable[[], object]) -> None:
        self.error: BaseException | None = None

        def run() -> None:
            try:
                call()
            except BaseException as exc:  # noqa: BLE001 - kept for the test to inspect
                self.error = exc

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def interrupt_with(self, interrupt: Callable[[], object]) -> BaseException | None:
        """Call ``interrupt`` until the call ends (its operation may not have started)."""
        while self.thread.is_alive():
            interrupt()
            self.thread.join(0.2)
        return self.error


def _interrupt_default_session(url: str) -> Callable[[], object]:
    """The raw ``interrupt`` action of the default session (the one ADBC and raw calls
    without a session header use): it interrupts every operation running there."""
    client = fl.connect(url)
    body = sf.InterruptRequest().SerializeToString()
    return lambda: list(client.do_action(fl.Action("interrupt", body)))


def _plan_of(servers: Servers, kind: str, build: Callable[[SparkSession], Any]) -> bytes:
    """The plan sparkflight's client sends for a DataFrame."""
    return build(servers.session(kind))._plan_bytes()


def _udf_frame(session: SparkSession) -> Any:
    return session.range(3).select(F.udf(lambda x: x, "long")("id"))


def _wrong_type_frame(session: SparkSession) -> Any:
    return session.range(3).select(F.array_contains("id", 1))


# -------------------------------------------------------------- the requests, per client


def raw_do_get(query: str) -> Callable[[fl.FlightClient, Servers, str], object]:
    plan = Plans().plan(sql(query))
    return lambda client, servers, kind: client.do_get(fl.Ticket(plan)).read_all()


def read_chunks(reader: fl.FlightStreamReader) -> None:
    """Read a stream to its end chunk by chunk. (pyarrow's ``read_all`` turns a server's
    ``CANCELLED`` into a ``KeyboardInterrupt`` of the main thread: its
    ``FlightCancelledError`` is an ``ArrowCancelled``, which it takes for Ctrl-C.)"""
    while True:
        try:
            reader.read_chunk()
        except StopIteration:
            return


def raw_slow(interrupt: bool) -> Callable[[fl.FlightClient, Servers, str], object]:
    def call(client: fl.FlightClient, servers: Servers, kind: str) -> object:
        plan = Plans().plan(sql(SLOW))
        running = Running(lambda: read_chunks(client.do_get(fl.Ticket(plan))))
        if interrupt:
            raise running.interrupt_with(_interrupt_default_session(servers.url(kind)))
        running.thread.join()
        raise running.error

    return call


def adbc_execute(query: Any) -> Callable[[Any, Servers, str], object]:
    def call(cursor: Any, servers: Servers, kind: str) -> object:
        cursor.execute(query)
        return cursor.fetchall()

    return call


def adbc_slow(interrupt: bool) -> Callable[[Any, Servers, str], object]:
    def call(cursor: Any, servers: Servers, kind: str) -> object:
        running = Running(lambda: adbc_execute(SLOW)(cursor, servers, kind))
        if interrupt:
            raise running.interrupt_with(_interrupt_default_session(servers.url(kind)))
        running.thread.join()
        raise running.error

    return call


def adbc_incremental(cursor: Any, servers: Servers, kind: str) -> object:
    """Incremental execution: the driver polls (``PollFlightInfo``), which no pyarrow
    server implements."""
    incremental = adbc_driver_manager.StatementOptions.INCREMENTAL.value
    cursor.adbc_statement.set_options(**{incremental: "true"})
    return cursor.adbc_execute_partitions("SELECT 1 AS one")


def client_slow(interrupt: bool) -> Callable[[Servers, str], object]:
    def call(servers: Servers, kind: str) -> object:
        session = servers.session(kind).newSession()
        try:
            running = Running(lambda: session.sql(SLOW).collect())
            if interrupt:
                raise running.interrupt_with(session.interruptAll)
            running.thread.join()
            raise running.error
        finally:
            session.stop()

    return call


def client_open(servers: Servers, kind: str) -> object:
    return SparkSession.builder.remote(servers.url(kind)).create()


# ------------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Row:
    """A row of the error table: a status code, the server that answers with it, the error
    class of its details (None when it has none), and per client its request and the
    exception class it raises."""

    code: str
    server: str
    error_class: str | None
    raw: Callable[[fl.FlightClient, Servers, str], object]
    pyarrow_error: type[BaseException]
    adbc: Callable[[Any, Servers, str], object]
    adbc_error: type[BaseException]
    client: Callable[[Servers, str], object]
    client_error: type[BaseException]
    #: Whether the ADBC request's error comes from sparkflight (with details), not from
    #: pyarrow's server itself.
    adbc_details: bool = True


PA = pyarrow.lib
DB = adbc_driver_manager.dbapi
PY = client_errors

ROWS = {
    "syntax error": Row(
        "INVALID_ARGUMENT", "shared", "PARSE_SYNTAX_ERROR",
        raw_do_get("SELECT"), PA.ArrowInvalid,
        adbc_execute("SELECT"), DB.ProgrammingError,
        lambda servers, kind: servers.session(kind).sql("SELECT").collect(), PY.ParseException,
    ),
    "column of the wrong type": Row(
        "INVALID_ARGUMENT", "shared", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        lambda client, servers, kind: client.get_flight_info(
            fl.FlightDescriptor.for_command(_plan_of(servers, kind, _wrong_type_frame))
        ),
        PA.ArrowInvalid,
        adbc_execute("SELECT array_contains(id, 1) FROM range(3)"), DB.ProgrammingError,
        lambda servers, kind: _wrong_type_frame(servers.session(kind)).collect(),
        PY.AnalysisException,
    ),
    "invalid plan": Row(
        "INVALID_ARGUMENT", "shared", "INVALID_PLAN",
        lambda client, servers, kind: client.do_get(fl.Ticket(b"not a plan")).read_all(),
        PA.ArrowInvalid,
        adbc_execute(b"not a plan"), DB.ProgrammingError,
        lambda servers, kind: servers.session(kind)._connection.execute(b"not a plan"),
        PY.SparkFlightException,
    ),
    "unknown table": Row(
        "NOT_FOUND", "shared", "TABLE_OR_VIEW_NOT_FOUND",
        raw_do_get("SELECT * FROM no_such_table_anywhere"), PA.ArrowKeyError,
        adbc_execute("SELECT * FROM no_such_table_anywhere"), DB.ProgrammingError,
        lambda servers, kind: servers.session(kind).table("no_such_table_anywhere").collect(),
        PY.AnalysisException,
    ),
    "name that exists": Row(  # sent as INVALID_ARGUMENT
        "ALREADY_EXISTS", "shared", "SCHEMA_ALREADY_EXISTS",
        raw_do_get("CREATE DATABASE default"), PA.ArrowInvalid,
        adbc_execute("CREATE DATABASE default"), DB.ProgrammingError,
        lambda servers, kind: servers.session(kind).sql("CREATE DATABASE default").collect(),
        PY.AnalysisException,
    ),
    "no credentials": Row(
        "UNAUTHENTICATED", "auth", None,
        raw_do_get("SELECT 1"), fl.FlightUnauthenticatedError,
        adbc_execute("SELECT 1"), DB.ProgrammingError,
        client_open, PY.SparkFlightException,
    ),
    "Python refused": Row(
        "PERMISSION_DENIED", "strict", "PYTHON_DISABLED",
        lambda client, servers, kind: client.do_get(
            fl.Ticket(_plan_of(servers, kind, _udf_frame))
        ).read_all(),
        fl.FlightUnauthorizedError,
        lambda cursor, servers, kind: adbc_execute(_plan_of(servers, kind, _udf_frame))(
            cursor, servers, kind
        ),
        DB.ProgrammingError,
        lambda servers, kind: _udf_frame(servers.session(kind)).collect(),
        PY.SparkFlightException,
    ),
    "limit": Row(  # sent as INVALID_ARGUMENT
        "RESOURCE_EXHAUSTED", "strict", "LIMIT_EXCEEDED",
        raw_do_get(TOO_LONG), PA.ArrowInvalid,
        adbc_execute(TOO_LONG), DB.ProgrammingError,
        lambda servers, kind: servers.session(kind).sql(TOO_LONG).collect(),
        PY.SparkFlightException,
    ),
    "interrupted": Row(
        "CANCELLED", "shared", "OPERATION_INTERRUPTED",
        raw_slow(interrupt=True), fl.FlightCancelledError,
        adbc_slow(interrupt=True), DB.OperationalError,
        client_slow(interrupt=True), PY.SparkFlightException,
    ),
    "query timeout": Row(
        "DEADLINE_EXCEEDED", "strict", "OPERATION_TIMED_OUT",
        raw_slow(interrupt=False), fl.FlightTimedOutError,
        adbc_slow(interrupt=False), DB.OperationalError,
        client_slow(interrupt=False), PY.SparkFlightException,
    ),
    "shutting down": Row(
        "UNAVAILABLE", "draining", "SERVER_SHUTTING_DOWN",
        raw_do_get("SELECT 1"), fl.FlightUnavailableError,
        adbc_execute("SELECT 1"), DB.OperationalError,
        client_open, PY.SparkFlightException,
    ),
    "defect": Row(
        "INTERNAL", "defective", "INTERNAL_ERROR",
        raw_do_get("SELECT 1"), fl.FlightInternalError,
        adbc_execute("SELECT 1"), DB.InternalError,
        client_open, PY.SparkFlightException,
    ),
    "not implemented": Row(
        "UNIMPLEMENTED", "shared", "UNKNOWN_ACTION",
        lambda client, servers, kind: list(client.do_action(fl.Action("BeginTransaction", b""))),
        PA.ArrowNotImplementedError,
        adbc_incremental, DB.NotSupportedError,
        lambda servers, kind: servers.session(kind)._connection.action(NO_SUCH_ACTION, None),
        PY.SparkFlightException,
        adbc_details=False,
    ),
}  # fmt: skip


def _details(serialized: bytes | None) -> sf.ErrorDetails | None:
    return sf.ErrorDetails.FromString(serialized) if serialized else None


@pytest.mark.parametrize("name", list(ROWS))
def test_pyarrow_flight(servers: Servers, name: str) -> None:
    row = ROWS[name]
    url = servers.url(row.server)
    trailers = Trailers()
    client = fl.connect(url, middleware=[trailers])
    with pytest.raises(row.pyarrow_error) as raised:
        row.raw(client, servers, row.server)
    assert type(raised.value) is row.pyarrow_error, repr(raised.value)
    details = _details(trailers.details)
    if row.error_class is None:
        assert details is None
        return
    assert details is not None and details.error_class == row.error_class
    assert f"[{row.error_class}]" in str(raised.value)
    if isinstance(raised.value, fl.FlightError):  # the codes pyarrow sends with extra_info
        assert _details(raised.value.extra_info) == details


#: The ADBC status each code becomes: the start of the driver's message.
ADBC_STATUS = {
    "INVALID_ARGUMENT": "INVALID_ARGUMENT",
    "NOT_FOUND": "NOT_FOUND",
    "ALREADY_EXISTS": "INVALID_ARGUMENT",  # sent as INVALID_ARGUMENT
    "UNAUTHENTICATED": "UNAUTHENTICATED",
    "PERMISSION_DENIED": "UNAUTHORIZED",
    "RESOURCE_EXHAUSTED": "INVALID_ARGUMENT",  # sent as INVALID_ARGUMENT
    "CANCELLED": "CANCELLED",
    "DEADLINE_EXCEEDED": "TIMEOUT",
    "UNAVAILABLE": "IO",
    "INTERNAL": "INTERNAL",
    "UNIMPLEMENTED": "NOT_IMPLEMENTED",
}


def _adbc_details(error: adbc_driver_manager.Error) -> dict[bytes, bytes]:
    """The error details of an ADBC error: the server's trailers among them."""
    return {key.encode() if isinstance(key, str) else key: value for key, value in error.details}


@pytest.mark.parametrize("name", list(ROWS))
def test_adbc_flight_sql(servers: Servers, name: str) -> None:
    row = ROWS[name]
    with adbc.connect(servers.url(row.server), autocommit=True) as connection:
        with connection.cursor() as cursor:
            with pytest.raises(row.adbc_error) as raised:
                row.adbc(cursor, servers, row.server)
    error = raised.value
    assert type(error) is row.adbc_error, repr(error)
    assert str(error).startswith(f"{ADBC_STATUS[row.code]}: [FlightSQL] "), str(error)
    details = _adbc_details(error)
    if row.error_class is None or not row.adbc_details:
        assert b"x-sparkflight-error-class" not in details
        return
    assert f"[{row.error_class}]" in str(error)
    assert details[b"x-sparkflight-error-class"] == row.error_class.encode()
    assert _details(details[DETAILS_TRAILER.encode()]).error_class == row.error_class


@pytest.mark.parametrize("name", list(ROWS))
def test_sparkflight_client(servers: Servers, name: str) -> None:
    row = ROWS[name]
    with pytest.raises(row.client_error) as raised:
        row.client(servers, row.server)
    error = raised.value
    assert type(error) is row.client_error, repr(error)
    assert error.getCondition() == (row.error_class or "FLIGHT_ERROR")


def test_a_syntax_error_through_adbc_is_a_programming_error_naming_spark_error_class(
    server_url: str,
) -> None:
    with adbc.connect(server_url, autocommit=True) as connection, connection.cursor() as cur:
        with pytest.raises(adbc_driver_manager.ProgrammingError) as raised:
            cur.execute("SELECT")
        error = raised.value
        assert str(error).startswith("INVALID_ARGUMENT: [FlightSQL] ")
        assert "[PARSE_SYNTAX_ERROR]" in str(error)
        assert _adbc_details(error)[b"x-sparkflight-sqlstate"] == b"42601"
        assert error.sqlstate in (None, "42601")  # the driver does not fill it from a server
        cur.execute("SELECT 1 AS still_usable")
        assert cur.fetchall() == [(1,)]


# ------------------------------------------------------- every front door, older clients


def _front_doors() -> dict[str, Callable[[fl.FlightClient, fl.FlightCallOptions], object]]:
    plan = Plans().plan(sql("SELECT 1 AS one"))
    descriptor = fl.FlightDescriptor.for_command(plan)
    query = pack(fsql.CommandStatementQuery(query="SELECT 1 AS one"))
    version = fl.Action("version", b"")

    def do_put(client: fl.FlightClient, options: fl.FlightCallOptions) -> object:
        table = pa.table({"x": [1]})
        upload = fl.FlightDescriptor.for_command(sf.UploadRequest().SerializeToString())
        writer, reader = client.do_put(upload, table.schema, options)
        writer.write_table(table)
        writer.done_writing()
        reader.read()
        return writer.close()

    return {
        "DoGet": lambda client, options: client.do_get(fl.Ticket(plan), options).read_all(),
        "GetFlightInfo": lambda client, options: client.get_flight_info(descriptor, options),
        "GetSchema": lambda client, options: client.get_schema(descriptor, options),
        "DoPut": do_put,
        "DoAction": lambda client, options: list(client.do_action(version, options)),
        "Flight SQL": lambda client, options: client.get_flight_info(
            fl.FlightDescriptor.for_command(query), options
        ),
    }


@pytest.mark.parametrize("door", list(_front_doors()))
def test_every_front_door_answers_with_the_status_code(flight_client: Any, door: str) -> None:
    options = fl.FlightCallOptions(headers=[(b"x-sparkflight-session", b"no-such-session")])
    with pytest.raises(pa.ArrowKeyError) as raised:  # NOT_FOUND
        _front_doors()[door](flight_client, options)
    assert details(raised.value).error_class == "SESSION_NOT_FOUND"


def test_get_schema_sends_other_codes_as_unknown(servers: Servers) -> None:
    """pyarrow's GetSchema callback does not pass Flight errors on: ``UNAVAILABLE`` and the
    other codes of Flight errors arrive as ``UNKNOWN``; the trailers still say why."""
    trailers = Trailers()
    client = fl.connect(servers.url("draining"), middleware=[trailers])
    descriptor = fl.FlightDescriptor.for_command(Plans().plan(sql("SELECT 1")))
    with pytest.raises(pa.ArrowException) as raised:
        client.get_schema(descriptor)
    assert type(raised.value) is pa.ArrowException
    assert _details(trailers.details).error_class == "SERVER_SHUTTING_DOWN"
    with pytest.raises(fl.FlightUnavailableError):
        client.get_flight_info(descriptor)


def test_flight_sql_transactions_are_not_implemented(flight_client: Any) -> None:
    command = pack(fsql.CommandStatementQuery(query="SELECT 1", transaction_id=b"t"))
    with pytest.raises(pa.ArrowNotImplementedError) as raised:
        flight_client.get_flight_info(fl.FlightDescriptor.for_command(command))
    assert details(raised.value).error_class == "UNSUPPORTED_COMMAND"


def test_a_session_of_an_older_client_gets_errors_as_before(flight_client: Any) -> None:
    """A client of protocol 9 or older reads every error as ``UNKNOWN`` with its details in
    ``extra_info``: the sessions it opens keep getting them so."""
    syntax_error = fl.Ticket(Plans().plan(sql("SELECT")))
    for protocol, raised_as in ((9, fl.FlightServerError), (PROTOCOL_VERSION, pa.ArrowInvalid)):
        session = open_session(flight_client, protocol=protocol)
        options = in_session(session)
        with pytest.raises(raised_as) as raised:
            flight_client.do_get(syntax_error, options).read_all()
        assert type(raised.value) is raised_as
        if protocol < PROTOCOL_VERSION:
            old = sf.ErrorDetails.FromString(raised.value.extra_info)
            assert old.error_class == "PARSE_SYNTAX_ERROR"
        action(flight_client, "session.close", sf.CloseSessionRequest(session_id=session))
