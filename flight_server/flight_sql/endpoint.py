"""The Flight SQL endpoint: Flight SQL commands and actions, dispatched by name.

The Flight server hands over every call whose descriptor, ticket or action is Flight SQL's;
everything else stays sparkflight's own protocol. Both run in the same sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
from google.protobuf.message import DecodeError, Message
from pyspark.sql import SparkSession

from sparkflight.flight_server import parts
from sparkflight.flight_server.auth import caller
from sparkflight.flight_server.errors import (
    INVALID_ACTION_BODY,
    RESULT_NOT_FOUND,
    UNSUPPORTED_COMMAND,
    SparkFlightError,
    malformed_action_body,
)
from sparkflight.flight_server.flight_sql import metadata, session_options
from sparkflight.flight_server.flight_sql.ingest import ingest
from sparkflight.flight_server.flight_sql.protocol import Command, pack, unpack
from sparkflight.flight_server.flight_sql.sql_info import sql_info_table
from sparkflight.flight_server.flight_sql.statements import (
    Prepared,
    Statements,
    update_count,
)
from sparkflight.flight_server.operations import job_context, operation
from sparkflight.flight_server.results import arrow_schema, start_result
from sparkflight.flight_server.session_teardown import free_session
from sparkflight.flight_server.sessions import (
    CallLifetime,
    Session,
    SessionManager,
    SessionMiddleware,
)
from sparkflight.plans import flight_pb2 as flight
from sparkflight.plans import flight_sql_pb2 as fsql
from sparkflight.plans import tickets

#: Metadata commands: the result table, computed again when its ticket is redeemed.
METADATA: dict[str, Callable[[SparkSession, Any], pa.Table]] = {
    "CommandGetCatalogs": metadata.get_catalogs,
    "CommandGetDbSchemas": metadata.get_db_schemas,
    "CommandGetTables": metadata.get_tables,
    "CommandGetTableTypes": metadata.get_table_types,
    "CommandGetSqlInfo": lambda spark, command: sql_info_table(spark, command.info),
    "CommandGetXdbcTypeInfo": metadata.xdbc_type_info,
    "CommandGetPrimaryKeys": metadata.primary_keys,
    "CommandGetExportedKeys": metadata.foreign_keys,
    "CommandGetImportedKeys": metadata.foreign_keys,
    "CommandGetCrossReference": metadata.foreign_keys,
}


#: The Flight SQL and Flight action types the endpoint answers, with what they do.
ACTION_DESCRIPTIONS = {
    "CreatePreparedStatement": "Flight SQL: prepare an SQL statement",
    "CreatePreparedSubstraitPlan": "Flight SQL: prepare a Substrait plan",
    "ClosePreparedStatement": "Flight SQL: close a prepared statement",
    "CancelFlightInfo": "Cancel a result: forget it and stop its endpoints",
    "CancelQuery": "Flight SQL (deprecated): cancel a result",
    "SetSessionOptions": "Set the catalog, schema or Spark SQL settings of the session",
    "GetSessionOptions": "The catalog, schema and Spark SQL settings of the session",
    "CloseSession": "Close the session named by the call",
}


@dataclass(frozen=True)
class Call:
    """One Flight SQL call: its context, its session, the session middleware and whether
    the call was cancelled."""

    context: fl.ServerCallContext
    session: Session
    middleware: SessionMiddleware | None
    lifetime: CallLifetime


def _unsupported(name: str) -> SparkFlightError:
    return SparkFlightError(
        UNSUPPORTED_COMMAND, f"Flight SQL {name} is not supported", command=name
    )


def _no_transactions(message: Message) -> None:
    if message.HasField("transaction_id"):  # type: ignore[attr-defined]
        raise SparkFlightError(
            UNSUPPORTED_COMMAND, "transactions are not supported (Spark has none)"
        )


def _ticket(result_id: str, index: int) -> bytes:
    handle = f"{result_id}:{index}".encode()
    return tickets.tagged(
        tickets.FLIGHT_SQL, pack(fsql.TicketStatementQuery(statement_handle=handle))
    )


def _result_handle(ticket: fsql.TicketStatementQuery) -> tuple[str, int]:
    result_id, _, index = ticket.statement_handle.decode(errors="replace").partition(":")
    if not index.isdigit():
        raise SparkFlightError(RESULT_NOT_FOUND, "malformed statement ticket")
    return result_id, int(index)


def _parse(message: Message, body: bytes, action: str) -> Message:
    try:
        message.ParseFromString(body)
    except DecodeError as exc:
        raise malformed_action_body(action, message.DESCRIPTOR.full_name, exc) from None
    return message


def _any_body(body: bytes, action: str, expected: type[Message]) -> Message:
    command = unpack(body)
    if command is None or not isinstance(command.message, expected):
        raise SparkFlightError(
            INVALID_ACTION_BODY,
            f"body of action {action!r} must be an Any holding {expected.DESCRIPTOR.full_name}",
        )
    return command.message


class FlightSqlEndpoint:
    """Answers Flight SQL over the server's sessions."""

    def __init__(self, sessions: SessionManager) -> None:
        self.sessions = sessions
        self.statements = Statements()
        #: Spark conf keys each session set through session options.
        self._conf_keys: dict[str, set[str]] = {}
        self.actions: dict[str, Callable[[Call, bytes], list[bytes]]] = {
            "CreatePreparedStatement": self._create_prepared_statement,
            "CreatePreparedSubstraitPlan": self._create_prepared_substrait_plan,
            "ClosePreparedStatement": self._close_prepared_statement,
            "CancelFlightInfo": self._cancel_flight_info,
            "CancelQuery": self._cancel_query,
            "SetSessionOptions": self._set_session_options,
            "GetSessionOptions": self._get_session_options,
            "CloseSession": self._close_session,
        }

    # Statements.

    def _statement(self, call: Call, command: Command) -> Prepared | None:
        """The statement a query command runs, None for commands that are no query."""
        message: Any = command.message
        session = call.session
        if command.name == "CommandStatementQuery":
            _no_transactions(message)
            return Prepared(b"", session.key, query=message.query)
        if command.name == "CommandStatementSubstraitPlan":
            _no_transactions(message)
            return Prepared(b"", session.key, plan=message.plan.plan)
        if command.name == "CommandPreparedStatementQuery":
            return self.statements.prepared(session, message.prepared_statement_handle)
        return None

    def get_flight_info(
        self, call: Call, command: Command, descriptor: fl.FlightDescriptor
    ) -> fl.FlightInfo:
        table_of = METADATA.get(command.name)
        if table_of is not None:
            schema = table_of(call.session.spark, command.message).schema
            ticket = tickets.tagged(tickets.FLIGHT_SQL, descriptor.command)
            return fl.FlightInfo(schema, descriptor, [fl.FlightEndpoint(ticket, [])], -1, -1)
        prepared = self._statement(call, command)
        if prepared is None:
            raise _unsupported(command.name)
        planned = self.statements.plan(call.session, prepared, call.lifetime.cancelled)
        if isinstance(planned, parts.Parts):
            store = parts.configured()
            assert store is not None  # it computed the parts
            return parts.flight_info(store, planned, descriptor)
        result_id, result = planned
        endpoints = [fl.FlightEndpoint(_ticket(result_id, i), []) for i in result.slices]
        return fl.FlightInfo(result.schema, descriptor, endpoints, -1, -1)

    def get_schema(self, call: Call, command: Command) -> pa.Schema:
        table_of = METADATA.get(command.name)
        if table_of is not None:
            return table_of(call.session.spark, command.message).schema
        prepared = self._statement(call, command)
        if prepared is None:
            raise _unsupported(command.name)
        return arrow_schema(next(iter(self.statements.frames(call.session, prepared))))

    def do_get(self, call: Call, command: Command) -> fl.FlightDataStream:
        table_of = METADATA.get(command.name)
        if table_of is not None:
            return fl.RecordBatchStream(table_of(call.session.spark, command.message))
        if command.name != "TicketStatementQuery":
            raise _unsupported(command.name)
        user = call.session.user
        result, piece = self.statements.take_slice(user, *_result_handle(command.message))

        def cancelled() -> bool:
            return result.cancelled.is_set() or call.lifetime.cancelled()

        started = start_result(
            result.session,
            lambda: piece.df,
            cancelled=cancelled,
            schema=result.schema,
            rdd=piece.rdd,
            partitions=piece.partitions,
        )
        return started.flight_stream(None, call.lifetime)

    # DoPut: updates, parameters and ingest.

    def do_put(
        self,
        call: Call,
        command: Command,
        reader: fl.MetadataRecordBatchReader,
        writer: fl.FlightMetadataWriter,
    ) -> None:
        message: Any = command.message
        session = call.session
        if command.name == "CommandPreparedStatementQuery":
            prepared = self.statements.prepared(session, message.prepared_statement_handle)
            prepared.parameters = reader.read_all()
            answer: Message = fsql.DoPutPreparedStatementResult(
                prepared_statement_handle=prepared.handle
            )
        elif command.name == "CommandStatementIngest":
            _no_transactions(message)
            data = reader.read_all()
            with operation(session, cancelled=call.lifetime.cancelled) as running:
                with job_context(session, running.id):
                    count = ingest(session, message, data)
            answer = fsql.DoPutUpdateResult(record_count=count)
        elif command.name in ("CommandStatementUpdate", "CommandPreparedStatementUpdate"):
            if command.name == "CommandStatementUpdate":
                _no_transactions(message)
                prepared, parameters = Prepared(b"", session.key, query=message.query), None
            else:
                prepared = self.statements.prepared(session, message.prepared_statement_handle)
                parameters = reader.read_all()
                if parameters.num_columns == 0:
                    parameters = None
            answer = fsql.DoPutUpdateResult(record_count=self._update(call, prepared, parameters))
        else:
            raise _unsupported(command.name)
        writer.write(pa.py_buffer(answer.SerializeToString()))

    def _update(self, call: Call, prepared: Prepared, parameters: pa.Table | None) -> int:
        session = call.session
        counts = []
        with operation(session, cancelled=call.lifetime.cancelled) as running:
            with job_context(session, running.id):
                for df in self.statements.frames(session, prepared, parameters):
                    counts.append(update_count(df))
        return -1 if any(count < 0 for count in counts) else sum(counts)

    # Actions.

    def _create_prepared_statement(self, call: Call, body: bytes) -> list[bytes]:
        request: Any = _any_body(
            body, "CreatePreparedStatement", fsql.ActionCreatePreparedStatementRequest
        )
        _no_transactions(request)
        prepared = self.statements.prepare(call.session, query=request.query)
        result = fsql.ActionCreatePreparedStatementResult(prepared_statement_handle=prepared.handle)
        return [pack(result)]

    def _create_prepared_substrait_plan(self, call: Call, body: bytes) -> list[bytes]:
        request: Any = _any_body(
            body, "CreatePreparedSubstraitPlan", fsql.ActionCreatePreparedSubstraitPlanRequest
        )
        _no_transactions(request)
        prepared = self.statements.prepare(call.session, plan=request.plan.plan)
        result = fsql.ActionCreatePreparedStatementResult(prepared_statement_handle=prepared.handle)
        return [pack(result)]

    def _close_prepared_statement(self, call: Call, body: bytes) -> list[bytes]:
        request: Any = _any_body(
            body, "ClosePreparedStatement", fsql.ActionClosePreparedStatementRequest
        )
        self.statements.close(call.session, request.prepared_statement_handle)
        return []

    def _cancel(self, call: Call, serialized_info: bytes) -> bool:
        try:
            info = fl.FlightInfo.deserialize(serialized_info)
        except Exception:  # noqa: BLE001 - pyarrow raises several kinds for bad bytes
            raise SparkFlightError(INVALID_ACTION_BODY, "the request holds no FlightInfo") from None
        result_ids = []
        for endpoint in info.endpoints:
            told = tickets.read_ticket(endpoint.ticket.ticket)
            command = unpack(told.body) if told.kind == tickets.FLIGHT_SQL else None
            if command is not None and command.name == "TicketStatementQuery":
                result_ids.append(_result_handle(command.message)[0])
        return self.statements.cancel(call.session.user, result_ids)

    def _cancel_flight_info(self, call: Call, body: bytes) -> list[bytes]:
        request: Any = _parse(flight.CancelFlightInfoRequest(), body, "CancelFlightInfo")
        cancelled = self._cancel(call, request.info)
        status = (
            flight.CANCEL_STATUS_CANCELLED if cancelled else flight.CANCEL_STATUS_NOT_CANCELLABLE
        )
        return [flight.CancelFlightInfoResult(status=status).SerializeToString()]

    def _cancel_query(self, call: Call, body: bytes) -> list[bytes]:
        request: Any = _any_body(body, "CancelQuery", fsql.ActionCancelQueryRequest)
        codes = fsql.ActionCancelQueryResult
        cancelled = self._cancel(call, request.info)
        code = codes.CANCEL_RESULT_CANCELLED if cancelled else codes.CANCEL_RESULT_NOT_CANCELLABLE
        return [pack(fsql.ActionCancelQueryResult(result=code))]

    def _set_session_options(self, call: Call, body: bytes) -> list[bytes]:
        request: Any = _parse(flight.SetSessionOptionsRequest(), body, "SetSessionOptions")
        session = call.session
        if session.is_default and call.middleware is not None:
            # Setting options starts a session of the client's own, named by its cookie.
            user = caller(call.context) or ""
            session = self.sessions.open(user=user, session_id=call.middleware.cookie_id)
        restricted = session.limits.restricted
        result, conf_keys = session_options.set_options(session.spark, request, restricted)
        self._conf_keys.setdefault(session.key, set()).update(conf_keys)
        return [result.SerializeToString()]

    def _get_session_options(self, call: Call, body: bytes) -> list[bytes]:
        session = call.session
        keys = sorted(self._conf_keys.get(session.key, ()))
        return [session_options.get_options(session.spark, keys).SerializeToString()]

    def _close_session(self, call: Call, body: bytes) -> list[bytes]:
        session = call.session
        status = flight.CloseSessionResult.NOT_CLOSEABLE
        if not session.is_default:
            self.sessions.close(session.id, session.user)
            self.forget_session(session)
            free_session(session)
            status = flight.CloseSessionResult.CLOSED
        return [flight.CloseSessionResult(status=status).SerializeToString()]

    def forget_session(self, session: Session) -> None:
        """Drop what this endpoint keeps for a closed session."""
        self.statements.forget_session(session)
        self._conf_keys.pop(session.key, None)

    def do_action(self, call: Call, action_type: str, body: bytes) -> list[bytes]:
        handler = self.actions.get(action_type)
        if handler is None:
            raise _unsupported(action_type)
        return handler(call, body)
