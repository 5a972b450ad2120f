"""The Arrow Flight connection of a client session.

Every call carries the session header; every Flight error becomes the PySpark
exception its ``ErrorDetails`` names (see docs/protocol.md, "Errors").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pyarrow as pa
import pyarrow.flight as flight
from google.protobuf.message import DecodeError, Message

from client.errors import SparkFlightException, from_error_details
from plans import sparkflight_pb2 as sf

SESSION_HEADER = b"x-sparkflight-session"
M = TypeVar("M", bound=Message)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn Flight errors into the PySpark exceptions their details name."""
    try:
        yield
    except flight.FlightError as error:
        raise _exception(error) from None


def _exception(error: flight.FlightError) -> Exception:
    details = sf.ErrorDetails()
    extra = error.extra_info or b""
    try:
        details.ParseFromString(extra)
    except DecodeError:
        details.Clear()
    if details.exception_class or details.message:
        return from_error_details(details)
    return SparkFlightException(message=str(error), errorClass="FLIGHT_ERROR")


class Connection:
    """A Flight client bound to one server session (or the default session)."""

    def __init__(self, url: str, client: flight.FlightClient | None = None) -> None:
        self.url = url
        self._client = client or flight.FlightClient(url)
        self.session_id: str | None = None

    def _options(self) -> flight.FlightCallOptions:
        headers = [] if self.session_id is None else [(SESSION_HEADER, self.session_id.encode())]
        return flight.FlightCallOptions(headers=headers)

    def for_session(self, session_id: str) -> Connection:
        """A connection sharing this one's Flight client, bound to ``session_id``."""
        connection = Connection(self.url, self._client)
        connection.session_id = session_id
        return connection

    def execute(self, plan: bytes) -> pa.Table:
        """Run a serialized plan and read its whole result."""
        with _errors():
            return self._client.do_get(flight.Ticket(plan), self._options()).read_all()

    def stream(self, plan: bytes) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        """Run a serialized plan; its schema and its record batches as they arrive."""
        with _errors():
            reader = self._client.do_get(flight.Ticket(plan), self._options())
            schema = reader.schema

        def batches() -> Iterator[pa.RecordBatch]:
            while True:
                with _errors():
                    try:
                        chunk = reader.read_chunk()
                    except StopIteration:
                        return
                yield chunk.data

        return schema, batches()

    def action(self, action_type: str, body: Message | None, response: Callable[[], M]) -> M:
        """Run an action and parse its one result into ``response()``."""
        payload = body.SerializeToString() if body is not None else b""
        with _errors():
            results = list(
                self._client.do_action(flight.Action(action_type, payload), self._options())
            )
        message = response()
        if results:
            message.ParseFromString(results[0].body.to_pybytes())
        return message

    def upload(self, table: pa.Table, schema_json: str) -> str:
        """Upload ``table`` into the session with DoPut; the upload's id."""
        descriptor = flight.FlightDescriptor.for_command(
            sf.UploadRequest(schema_json=schema_json).SerializeToString()
        )
        with _errors():
            writer, reader = self._client.do_put(descriptor, table.schema, self._options())
            writer.write_table(table)
            writer.done_writing()
            metadata = reader.read()
            writer.close()
        answer = sf.UploadResponse()
        if metadata is not None:
            answer.ParseFromString(metadata.to_pybytes())
        return answer.upload_id

    def close(self) -> None:
        self._client.close()
