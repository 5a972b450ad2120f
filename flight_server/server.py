"""The Arrow Flight server: thin RPC handlers over sessions, translation and execution."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
from google.protobuf.message import DecodeError
from pyspark.sql import SparkSession

from flight_server.actions import ACTIONS, run_action
from flight_server.errors import INVALID_PLAN, SparkFlightError, reported
from flight_server.execute import arrow_schema, result_stream
from flight_server.sessions import Session, SessionManager, SessionMiddlewareFactory
from flight_server.translate import translate_plan
from plans import sparkflight_pb2 as sf

_SESSION_MIDDLEWARE = "sparkflight-session"


class SparkFlightServer(fl.FlightServerBase):
    """Serves Substrait plans over ``spark``, per docs/protocol.md."""

    def __init__(
        self,
        spark: SparkSession,
        location: str = "grpc://127.0.0.1:0",
        **flight_kwargs: Any,
    ) -> None:
        middleware = dict(flight_kwargs.pop("middleware", None) or {})
        middleware[_SESSION_MIDDLEWARE] = SessionMiddlewareFactory()
        super().__init__(location, middleware=middleware, **flight_kwargs)
        self.sessions = SessionManager(spark)
        spark.sparkContext.setInterruptOnCancel(True)

    def _session(self, context: fl.ServerCallContext) -> Session:
        middleware = context.get_middleware(_SESSION_MIDDLEWARE)
        return self.sessions.get(middleware.session_id if middleware is not None else None)

    @reported
    def do_get(self, context: fl.ServerCallContext, ticket: fl.Ticket) -> fl.FlightDataStream:
        session = self._session(context)
        return result_stream(session, translate_plan(session, ticket.ticket))

    def _schema(self, context: fl.ServerCallContext, descriptor: fl.FlightDescriptor) -> pa.Schema:
        if descriptor.descriptor_type != fl.DescriptorType.CMD:
            raise SparkFlightError(INVALID_PLAN, "the descriptor must be a command holding a plan")
        session = self._session(context)
        return arrow_schema(translate_plan(session, descriptor.command))

    @reported
    def get_flight_info(
        self, context: fl.ServerCallContext, descriptor: fl.FlightDescriptor
    ) -> fl.FlightInfo:
        schema = self._schema(context, descriptor)
        endpoint = fl.FlightEndpoint(descriptor.command, [])
        return fl.FlightInfo(schema, descriptor, [endpoint], -1, -1)

    @reported
    def get_schema(
        self, context: fl.ServerCallContext, descriptor: fl.FlightDescriptor
    ) -> fl.SchemaResult:
        """The result's schema. pyarrow's GetSchema callback does not pass Flight errors on:
        a failure reaches the client as an unknown error with the message but without
        ``ErrorDetails``; GetFlightInfo answers the same schema with full error details."""
        return fl.SchemaResult(self._schema(context, descriptor))

    @reported
    def do_put(
        self,
        context: fl.ServerCallContext,
        descriptor: fl.FlightDescriptor,
        reader: fl.MetadataRecordBatchReader,
        writer: fl.FlightMetadataWriter,
    ) -> None:
        session = self._session(context)
        request = sf.UploadRequest()
        try:
            request.ParseFromString(descriptor.command or b"")
        except DecodeError as exc:
            raise SparkFlightError(
                INVALID_PLAN, f"DoPut descriptor is not a serialized UploadRequest ({exc})"
            ) from None
        table = reader.read_all()
        upload_id = session.add_upload(table, request.schema_json)
        response = sf.UploadResponse(upload_id=upload_id, rows=table.num_rows)
        writer.write(pa.py_buffer(response.SerializeToString()))

    @reported
    def do_action(self, context: fl.ServerCallContext, action: fl.Action) -> Iterator[fl.Result]:
        session = self._session(context)
        body = action.body.to_pybytes() if action.body is not None else b""
        result = run_action(self.sessions, session, action.type, body)
        return iter([fl.Result(pa.py_buffer(result))])

    def list_actions(self, context: fl.ServerCallContext) -> list[fl.ActionType]:
        return [fl.ActionType(name, action.description) for name, action in ACTIONS.items()]
