"""The Arrow Flight server: thin RPC handlers over sessions, translation and execution."""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
from google.protobuf.message import DecodeError
from pyspark.sql import DataFrame, SparkSession

from sparkflight.flight_server import artifacts, flight_sql, parts
from sparkflight.flight_server.actions import run_action
from sparkflight.flight_server.auth import AUTH_MIDDLEWARE, caller, logout
from sparkflight.flight_server.errors import (
    INVALID_ARTIFACT,
    INVALID_PLAN,
    INVALID_TICKET,
    SERVER_SHUTTING_DOWN,
    SPARK_STOPPED,
    CallErrors,
    SparkFlightError,
    reported,
    spark_stopped_error,
)
from sparkflight.flight_server.foreach_batch import Loopback, loopback_location
from sparkflight.flight_server.health import WATCH_INTERVAL_S, Health, watch_of
from sparkflight.flight_server.limits import Limits, check_at_most
from sparkflight.flight_server.operations import interrupt
from sparkflight.flight_server.result_store import ResultStore, new_key
from sparkflight.flight_server.results import arrow_schema, result_parts, start_result
from sparkflight.flight_server.resume import (
    SWEEP_INTERVAL_S,
    held_results,
    held_stream,
    legacy_resume_ticket,
    release_result,
    resume_stream,
    sweep,
)
from sparkflight.flight_server.session_teardown import free_session
from sparkflight.flight_server.sessions import (
    CallHeaders,
    CallLifetime,
    Session,
    SessionManager,
    SessionMiddleware,
    SessionMiddlewareFactory,
)
from sparkflight.flight_server.telemetry import (
    TELEMETRY_MIDDLEWARE,
    CallRecord,
    Metrics,
    TelemetryMiddlewareFactory,
)
from sparkflight.flight_server.translate import checked_plan, root_plan_id, translate_plan
from sparkflight.flight_server.versions import ServerVersions
from sparkflight.flight_server.workers import on_worker
from sparkflight.plans import actions as contract
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans import tickets
from sparkflight.plans.protocol import STATUS_CODES, TICKET_KINDS

_SESSION_MIDDLEWARE = "sparkflight-session"
#: Longest wait between two looks for idle sessions.
_EXPIRY_CHECK_S = 30.0
_DRAIN_POLL_S = 0.1
_log = logging.getLogger(__name__)


def _read_upload(reader: fl.MetadataRecordBatchReader, most: int | None) -> pa.Table:
    """The uploaded table, refused as soon as it grows beyond ``most`` bytes."""
    batches, size = [], 0
    for chunk in reader:
        if chunk.data is None:
            continue
        size += chunk.data.nbytes
        check_at_most("upload_bytes", most, size, "the upload")
        batches.append(chunk.data)
    return pa.Table.from_batches(batches, reader.schema)


def _chunks(reader: fl.MetadataRecordBatchReader) -> Iterator[bytes]:
    """The bytes of an artifact upload: the values of its one binary column, in order."""
    for chunk in reader:
        if chunk.data is None:
            continue
        if chunk.data.num_columns != 1 or not pa.types.is_binary(chunk.data.schema.field(0).type):
            raise SparkFlightError(
                INVALID_ARTIFACT, "an artifact upload is one binary column of the file's bytes"
            )
        for value in chunk.data.column(0):
            yield value.as_buffer().to_pybytes() if value.is_valid else b""


class SparkFlightServer(fl.FlightServerBase):
    """Serves Substrait plans and Flight SQL over ``spark``, per docs/protocol.md.

    A descriptor, ticket or action that is Flight SQL's goes to the Flight SQL endpoint;
    everything else is sparkflight's own protocol. ``versions`` is what the server reports
    and accepts in the version handshake.

    A watchdog thread looks at Spark every :data:`WATCH_INTERVAL_S` seconds; once Spark
    has stopped under the server, every call is refused with ``SPARK_STOPPED`` and
    :attr:`spark_stopped` is set (flight_server/launch.py then ends the process).
    """

    def __init__(
        self,
        spark: SparkSession,
        location: str = "grpc://127.0.0.1:0",
        limits: Limits | None = None,
        versions: ServerVersions | None = None,
        result_store: ResultStore | None = None,
        **flight_kwargs: Any,
    ) -> None:
        self.sessions = SessionManager(spark, limits)
        min_partition_bytes = 0
        self._own_store: Path | None = None
        if result_store is None and spark.sparkContext.master.startswith("local"):
            self._own_store = Path(tempfile.mkdtemp(prefix="sparkflight-results-"))
            result_store = ResultStore(self._own_store, new_key())
            heap = spark.sparkContext._jvm.java.lang.Runtime.getRuntime().maxMemory()
            min_partition_bytes = int(heap * parts.LOCAL_PARTITION_HEAP_SHARE)
        #: Where large results are computed into parts (None: never; see parts.py).
        self.result_store = result_store
        #: Whether a client asking for parts of a large result gets its endpoints (parts
        #: on the machines of a cluster, read from each in parallel). In local mode the
        #: server holds every part and streams them itself, a wave at a time: the first
        #: batch comes after the first wave, and at most two waves wait on disk.
        self.parts_as_endpoints = result_store is not None and self._own_store is None
        parts.configure(result_store, parts.PARTS_MIN_BYTES, min_partition_bytes)
        self.limits = self.sessions.limits
        self.spark_watch = watch_of(spark.sparkContext)
        #: Set once the watchdog found that Spark stopped under the server.
        self.spark_stopped = threading.Event()
        self._stopping = threading.Event()
        self._draining = threading.Event()
        self.metrics = Metrics(
            lambda: len(self.sessions),
            self.sessions.running,
            lambda: held_results(self.sessions),
            health=self.health,
        )
        middleware = dict(flight_kwargs.pop("middleware", None) or {})
        middleware[_SESSION_MIDDLEWARE] = SessionMiddlewareFactory()
        middleware[TELEMETRY_MIDDLEWARE] = TelemetryMiddlewareFactory(self.metrics)
        super().__init__(location, middleware=middleware, **flight_kwargs)
        self.versions = versions or ServerVersions()
        self._local: _LocalListener | None = None
        local_location = loopback_location(location, self.port)
        if "tls_certificates" in flight_kwargs:
            self._local = _LocalListener(self, middleware, flight_kwargs.get("auth_handler"))
            local_location = self._local.location
        factory = middleware.get(AUTH_MIDDLEWARE)
        self.sessions.loopback = Loopback(
            local_location,
            factory.authenticator.issue_token if factory is not None else None,
            self.versions.info,
        )
        self.flight_sql = flight_sql.FlightSqlEndpoint(self.sessions)
        spark.sparkContext.setInterruptOnCancel(True)
        self._watchdog = threading.Thread(
            target=self._watch_spark, name="sparkflight-spark-watch", daemon=True
        )
        self._watchdog.start()
        self._expiry = threading.Thread(
            target=self._expire_sessions, name="sparkflight-session-expiry", daemon=True
        )
        self._expiry.start()
        self._sweeper = threading.Thread(
            target=self._sweep_results, name="sparkflight-held-results", daemon=True
        )
        self._sweeper.start()

    def _watch_spark(self) -> None:
        """Look at Spark until the server shuts down or Spark has stopped; then log why
        and set :attr:`spark_stopped`."""
        while not self._stopping.wait(WATCH_INTERVAL_S):
            try:
                stopped = self.spark_watch.check()
            except Exception:  # noqa: BLE001 - the watchdog must outlive a failed look
                _log.exception("looking at Spark failed")
                continue
            if stopped is not None:
                _log.error("%s", stopped.message)
                self.spark_stopped.set()
                return

    def health(self) -> Health:
        """Live while Spark runs; ready while it runs and the server takes new calls."""
        stopped = self.spark_watch.stopped
        if stopped is not None:
            return Health(live=False, ready=False, reason=stopped.message)
        if self._draining.is_set():
            return Health(live=True, ready=False, reason="the server is shutting down")
        return Health(live=True, ready=True)

    def _sweep_results(self) -> None:
        """Free the held results that no call resumed in time."""
        timeout = self.limits.resume_seconds
        if timeout is None:
            return
        while not self._stopping.wait(min(timeout / 4, SWEEP_INTERVAL_S)):
            try:
                sweep(self.sessions, timeout)
                if self.result_store is not None:
                    self.result_store.sweep()
            except Exception:  # noqa: BLE001 - one failed release must not stop the sweeps
                _log.exception("freeing held results failed")

    def _expire_sessions(self) -> None:
        """Close idle sessions, checking a few times per idle period."""
        idle = self.limits.session_idle_seconds
        if idle is None:
            return
        while not self._stopping.wait(min(max(idle / 4, 0.05), _EXPIRY_CHECK_S)):
            for session in self.sessions.expire():
                _log.info("session %s of user %r expired", session.id, session.user)
                try:
                    free_session(session)
                except Exception:  # noqa: BLE001 - one failed release must not stop expiry
                    _log.exception("releasing expired session %s failed", session.id)

    def drain(self, grace_seconds: float) -> None:
        """Refuse new calls, let running operations finish for up to ``grace_seconds``,
        then interrupt those still running and wait for them to end."""
        self._draining.set()
        deadline = time.monotonic() + grace_seconds
        while self.sessions.running() and time.monotonic() < deadline:
            self._drop_held(attached=False)  # no call can resume them any more
            time.sleep(_DRAIN_POLL_S)
        self._drop_held(attached=True)
        self._interrupt_running(
            "was interrupted: the server is shutting down", SERVER_SHUTTING_DOWN
        )
        while self.sessions.running():
            time.sleep(_DRAIN_POLL_S)

    def end_calls(self, grace_seconds: float) -> None:
        """Once Spark has stopped: end the running operations and held results (their
        calls fail with ``SPARK_STOPPED``) and wait up to ``grace_seconds`` for the calls
        in flight to end, so that their clients get that error."""
        self._drop_held(attached=True)
        self._interrupt_running("was interrupted: Spark has stopped", SPARK_STOPPED)
        deadline = time.monotonic() + grace_seconds
        while self.metrics.calls_in_flight() and time.monotonic() < deadline:
            time.sleep(_DRAIN_POLL_S)

    def _interrupt_running(self, reason: str, error_class: str) -> None:
        for session in self.sessions.every():
            with session.lock:
                running = list(session.operations)
            if running:
                _log.info("interrupting %d operations of session %r", len(running), session.id)
                interrupt(session, running, reason, error_class)

    def _drop_held(self, attached: bool) -> None:
        """Free the held results no call reads, and with ``attached`` also those read."""
        for result in held_results(self.sessions):
            if attached or not result.attached:
                result.drop("was released: the server is shutting down", SERVER_SHUTTING_DOWN)

    def shutdown(self) -> None:
        self._stopping.set()
        self.metrics.close()
        if self._local is not None:
            self._local.close()
        super().shutdown()
        if self._own_store is not None:
            shutil.rmtree(self._own_store, ignore_errors=True)

    def _headers(self, context: fl.ServerCallContext) -> CallHeaders:
        middleware = context.get_middleware(_SESSION_MIDDLEWARE)
        return middleware.headers if middleware is not None else CallHeaders()

    def _lifetime(self, context: fl.ServerCallContext) -> CallLifetime:
        middleware: SessionMiddleware = context.get_middleware(_SESSION_MIDDLEWARE)
        return middleware.lifetime.watch(context)

    def call_errors(self, context: fl.ServerCallContext) -> CallErrors:
        """How the failures of the call reach its client (see :func:`.errors.reported`);
        the call's record and errors name its caller."""
        user = caller(context) or ""
        self._record(context).user = user
        middleware: SessionMiddleware | None = context.get_middleware(_SESSION_MIDDLEWARE)
        if middleware is None:
            errors = CallErrors().watch(context)
        else:
            errors = middleware.lifetime.watch(context).errors
        errors.owner = user
        return errors

    def _record(self, context: fl.ServerCallContext) -> CallRecord:
        middleware = context.get_middleware(TELEMETRY_MIDDLEWARE)
        return middleware.record if middleware is not None else CallRecord("")

    def _session(self, context: fl.ServerCallContext) -> Session:
        """The session the call names (by header, or by the session cookie of Flight SQL
        clients); refused once Spark has stopped or the server drains."""
        stopped = self.spark_watch.stopped
        if stopped is not None:
            raise spark_stopped_error(stopped)
        if self._draining.is_set():
            raise SparkFlightError(SERVER_SHUTTING_DOWN, "the server is shutting down")
        headers = self._headers(context)
        middleware: SessionMiddleware | None = context.get_middleware(_SESSION_MIDDLEWARE)
        user = caller(context) or ""
        if headers.session_id is not None or middleware is None:
            session = self.sessions.get(headers.session_id, user)
        else:
            found = self.sessions.find(middleware.cookie_id, user)
            session = found or self.sessions.default_of(user)
        if middleware is not None:
            legacy = session.client_protocol < STATUS_CODES.version
            middleware.lifetime.errors.legacy = legacy
        record = self._record(context)
        record.session = session.id
        record.operation = headers.operation_id or ""
        for result_id in headers.released:
            release_result(session, result_id, user)
        return session

    def _sql_call(self, context: fl.ServerCallContext) -> flight_sql.Call:
        middleware: SessionMiddleware | None = context.get_middleware(_SESSION_MIDDLEWARE)
        self.call_errors(context).flight_sql = True
        return flight_sql.Call(context, self._session(context), middleware, self._lifetime(context))

    @staticmethod
    def _command(descriptor: fl.FlightDescriptor) -> bytes:
        if descriptor.descriptor_type != fl.DescriptorType.CMD:
            raise SparkFlightError(INVALID_PLAN, "the descriptor must be a command holding a plan")
        return descriptor.command

    @reported
    @on_worker
    def do_get(self, context: fl.ServerCallContext, ticket: fl.Ticket) -> fl.FlightDataStream:
        told = tickets.read_ticket(ticket.ticket)
        serve = TICKETS.get(told.kind)
        if serve is None:
            raise SparkFlightError(
                INVALID_PLAN, f"a ticket of unknown kind {told.kind!r} (docs/protocol.md)"
            )
        return serve(self, context, told.body)

    def _sent(self, context: fl.ServerCallContext) -> Callable[[pa.RecordBatch], None]:
        """Counts the rows and bytes a DoGet sends into its call's record."""
        record = self._record(context)

        def sent(batch: pa.RecordBatch) -> None:
            record.rows += batch.num_rows
            record.bytes += batch.nbytes

        return sent

    def _resume(
        self, context: fl.ServerCallContext, resume: sf.ResumeTicket, session: Session
    ) -> fl.FlightDataStream:
        self._record(context).operation = resume.result_id
        user = caller(context) or ""
        return resume_stream(session, resume, user, self._sent(context), self._lifetime(context))

    def _resume_ticket(self, context: fl.ServerCallContext, body: bytes) -> fl.FlightDataStream:
        session = self._session(context)
        try:
            resume = sf.ResumeTicket.FromString(body)
        except DecodeError as exc:
            raise SparkFlightError(INVALID_PLAN, f"a malformed resume ticket ({exc})") from None
        return self._resume(context, resume, session)

    def _part_ticket(self, context: fl.ServerCallContext, body: bytes) -> fl.FlightDataStream:
        self._session(context)  # the caller must be able to use the server
        if self.result_store is None:
            raise SparkFlightError(INVALID_TICKET, "this server holds no parts of results")
        return fl.GeneratorStream(*self.result_store.serve(body))

    def _flight_sql_ticket(self, context: fl.ServerCallContext, body: bytes) -> fl.FlightDataStream:
        command = flight_sql.unpack(body)
        if command is None:
            raise SparkFlightError(INVALID_PLAN, "a Flight SQL ticket holds no Flight SQL message")
        return self.flight_sql.do_get(self._sql_call(context), command)

    def _plan_ticket(self, context: fl.ServerCallContext, body: bytes) -> fl.FlightDataStream:
        session = self._session(context)
        if session.client_protocol < TICKET_KINDS.version:
            resume = legacy_resume_ticket(body)
            if resume is not None:
                return self._resume(context, resume, session)
        record = self._record(context)
        sent = self._sent(context)
        user = caller(context) or ""
        plan = checked_plan(session, body)
        headers = self._headers(context)

        def build() -> DataFrame:
            started = time.monotonic()
            try:
                return translate_plan(session, plan)
            finally:
                record.plan_ms += round((time.monotonic() - started) * 1000, 3)

        if headers.parts and self.parts_as_endpoints:
            found, df = result_parts(session, build, headers)
            if found is not None:
                return self._parts_redirect(found, headers)
            build = lambda: df  # noqa: E731 - translated once

        if headers.resumable and self.limits.resume_seconds is not None:
            window = self.limits.replay_window_bytes
            origin, call = root_plan_id(plan), self._lifetime(context)
            return held_stream(session, build, headers, user, window, sent, origin, call)
        call = self._lifetime(context)
        started = start_result(session, build, headers, sent, call.cancelled)
        return started.flight_stream(root_plan_id(plan), call)

    def _parts_redirect(self, found: parts.Parts, headers: CallHeaders) -> fl.GeneratorStream:
        """The answer to a DoGet asking for parts: one empty batch whose metadata holds the
        result's FlightInfo (``ResultBatch.flight_info``)."""
        assert self.result_store is not None
        info = parts.flight_info(self.result_store, found, fl.FlightDescriptor.for_command(b""))
        metadata = sf.ResultBatch(
            result_id=headers.operation_id or "", index=0, flight_info=info.serialize()
        )
        empty = pa.RecordBatch.from_pylist([], schema=found.schema)
        answer = [(empty, pa.py_buffer(metadata.SerializeToString()))]
        return fl.GeneratorStream(found.schema, iter(answer))

    def _schema(self, context: fl.ServerCallContext, descriptor: fl.FlightDescriptor) -> pa.Schema:
        command = self._command(descriptor)
        sql_command = flight_sql.unpack(command)
        if sql_command is not None:
            return self.flight_sql.get_schema(self._sql_call(context), sql_command)
        return arrow_schema(translate_plan(self._session(context), command))

    @reported
    @on_worker
    def get_flight_info(
        self, context: fl.ServerCallContext, descriptor: fl.FlightDescriptor
    ) -> fl.FlightInfo:
        sql_command = flight_sql.unpack(self._command(descriptor))
        if sql_command is not None:
            return self.flight_sql.get_flight_info(self._sql_call(context), sql_command, descriptor)
        session = self._session(context)
        command = self._command(descriptor)
        if self.result_store is not None:
            plan = checked_plan(session, command)
            found, df = result_parts(
                session, lambda: translate_plan(session, plan), self._headers(context)
            )
            if found is not None:
                return parts.flight_info(self.result_store, found, descriptor)
            schema = arrow_schema(df)
        else:
            schema = self._schema(context, descriptor)
        endpoint = fl.FlightEndpoint(command, [])
        return fl.FlightInfo(schema, descriptor, [endpoint], -1, -1)

    @reported
    @on_worker
    def get_schema(
        self, context: fl.ServerCallContext, descriptor: fl.FlightDescriptor
    ) -> fl.SchemaResult:
        """The result's schema. pyarrow's GetSchema callback does not pass Flight errors on:
        a failure whose status code only a Flight error carries (``UNAVAILABLE``,
        ``INTERNAL``, ...) reaches the client as ``UNKNOWN``, with its trailers;
        GetFlightInfo answers the same schema with every status code."""
        return fl.SchemaResult(self._schema(context, descriptor))

    @reported
    @on_worker
    def do_put(
        self,
        context: fl.ServerCallContext,
        descriptor: fl.FlightDescriptor,
        reader: fl.MetadataRecordBatchReader,
        writer: fl.FlightMetadataWriter,
    ) -> None:
        sql_command = flight_sql.unpack(descriptor.command or b"")
        if sql_command is not None:
            self.flight_sql.do_put(self._sql_call(context), sql_command, reader, writer)
            return
        session = self._session(context)
        request = sf.UploadRequest()
        try:
            request.ParseFromString(descriptor.command or b"")
        except DecodeError as exc:
            raise SparkFlightError(
                INVALID_PLAN, f"DoPut descriptor is not a serialized UploadRequest ({exc})"
            ) from None
        record = self._record(context)
        if request.HasField("artifact"):
            size = artifacts.receive(
                session, request.artifact, _chunks(reader), self.limits.upload_bytes
            )
            record.bytes = size
            session.touch()
            writer.write(pa.py_buffer(sf.UploadResponse(bytes=size).SerializeToString()))
            return
        table = _read_upload(reader, self.limits.upload_bytes)
        record.rows, record.bytes = table.num_rows, table.nbytes
        upload_id = session.add_upload(table, request.schema_json)
        session.touch()
        response = sf.UploadResponse(upload_id=upload_id, rows=table.num_rows)
        writer.write(pa.py_buffer(response.SerializeToString()))

    @reported
    @on_worker
    def do_action(self, context: fl.ServerCallContext, action: fl.Action) -> Iterator[fl.Result]:
        self._record(context).action = action.type
        sessionless = SESSIONLESS_ACTIONS.get(action.type)
        if sessionless is not None:
            return iter([fl.Result(pa.py_buffer(sessionless(self, context)))])
        body = action.body.to_pybytes() if action.body is not None else b""
        check_at_most("plan_bytes", self.limits.plan_bytes, len(body), "the action body")
        if action.type in self.flight_sql.actions:
            results = self.flight_sql.do_action(self._sql_call(context), action.type, body)
            return iter([fl.Result(pa.py_buffer(result)) for result in results])
        session = self._session(context)
        result = run_action(
            self.sessions,
            session,
            action.type,
            body,
            self._headers(context),
            caller(context) or "",
            versions=self.versions,
            lifetime=self._lifetime(context),
        )
        session.touch()
        return iter([fl.Result(pa.py_buffer(result))])

    def list_actions(self, context: fl.ServerCallContext) -> list[fl.ActionType]:
        own = [fl.ActionType(a.name, contract.described(a)) for a in contract.ACTIONS.values()]
        sql = [fl.ActionType(name, text) for name, text in flight_sql.ACTION_DESCRIPTIONS.items()]
        return own + sql


#: How the server serves each ticket kind of the contract (plans/tickets.py).
TICKETS: dict[
    str, Callable[[SparkFlightServer, fl.ServerCallContext, bytes], fl.FlightDataStream]
] = {
    tickets.PLAN: SparkFlightServer._plan_ticket,
    tickets.RESUME: SparkFlightServer._resume_ticket,
    tickets.FLIGHT_SQL: SparkFlightServer._flight_sql_ticket,
    tickets.PART: SparkFlightServer._part_ticket,
}
#: The actions of the contract (plans/actions.py) the server answers without a session,
#: ``health`` whatever the state of its Spark; flight_server/actions.py has the others.
SESSIONLESS_ACTIONS: dict[str, Callable[[SparkFlightServer, fl.ServerCallContext], bytes]] = {
    contract.HEALTH.name: lambda server, _: server.health().response().SerializeToString(),
    contract.LOGOUT.name: lambda _, context: logout(context),
}


class _LocalListener(fl.FlightServerBase):
    """The server's calls on a Unix socket in a directory only the server's user can
    enter, for the server's own processes (foreachBatch functions) where the server
    speaks TLS: the same handlers, middleware and authentication, without TLS."""

    def __init__(
        self, server: SparkFlightServer, middleware: dict[str, Any], auth_handler: Any
    ) -> None:
        self._directory = tempfile.mkdtemp(prefix="sparkflight-local-")
        self.location = f"grpc+unix://{self._directory}/flight.sock"
        options: dict[str, Any] = {"middleware": middleware}
        if auth_handler is not None:
            options["auth_handler"] = auth_handler
        super().__init__(self.location, **options)
        self._server = server

    def close(self) -> None:
        self.shutdown()
        shutil.rmtree(self._directory, ignore_errors=True)

    def get_flight_info(self, context: Any, descriptor: Any) -> Any:
        return self._server.get_flight_info(context, descriptor)

    def get_schema(self, context: Any, descriptor: Any) -> Any:
        return self._server.get_schema(context, descriptor)

    def do_get(self, context: Any, ticket: Any) -> Any:
        return self._server.do_get(context, ticket)

    def do_put(self, context: Any, descriptor: Any, reader: Any, writer: Any) -> Any:
        return self._server.do_put(context, descriptor, reader, writer)

    def do_action(self, context: Any, action: Any) -> Any:
        return self._server.do_action(context, action)

    def list_actions(self, context: Any) -> Any:
        return self._server.list_actions(context)
