"""Reading a DoGet's result batch by batch, resuming it when the connection drops."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, TypeVar

import pyarrow as pa
import pyarrow.flight as flight
from google.protobuf import any_pb2

from sparkflight.client.errors import SparkFlightException, error_details, server_unavailable
from sparkflight.client.parts import PartsReader
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans import tickets

if TYPE_CHECKING:
    from sparkflight.client.transport import Connection

#: Resumes tried after a connection drops mid-result, and the wait before the first one
#: (doubling with each try).
RESUME_TRIES = 5
RESUME_BACKOFF_S = 0.1
#: The errors of a connection that dropped, unless the server sent them with its details
#: (it answers ``UNAVAILABLE`` when it shuts down or its Spark has stopped).
DROPPED = (flight.FlightUnavailableError, OSError)
T = TypeVar("T")


def _dropped(error: BaseException) -> bool:
    """Whether a :data:`DROPPED` error is the connection's, worth resuming after, not the
    server's answer."""
    return error_details(error) is None


def resume_ticket(result_id: str, next_batch: int, tagged: bool = True) -> flight.Ticket:
    """The ticket resuming a result at batch ``next_batch``: tagged (plans/tickets.py), or
    for a server older than protocol 11 the ``Any`` it reads."""
    resume = sf.ResumeTicket(result_id=result_id, next_batch=next_batch)
    if tagged:
        return flight.Ticket(tickets.tagged(tickets.RESUME, resume.SerializeToString()))
    wrapper = any_pb2.Any(type_url=tickets.LEGACY_RESUME_TYPE_URL, value=resume.SerializeToString())
    return flight.Ticket(wrapper.SerializeToString())


class Result:
    """A DoGet's result, read batch by batch.

    A resumable result (``connection.resumable``) numbers its batches; when the connection
    drops, it is resumed from the batch after the last one received, up to
    :data:`RESUME_TRIES` times with a doubling wait, so that every batch arrives once; then
    it fails with ``SERVER_UNAVAILABLE``. An error the server sends (``SPARK_STOPPED``
    from a server whose Spark has stopped) ends the result at once. Used as a context
    manager, it has the server free the result when the block ends.
    """

    def __init__(self, connection: Connection, plan: bytes, operation_id: str) -> None:
        self._connection = connection
        #: The DoGet ticket of the result: the serialized plan.
        self._ticket = flight.Ticket(plan)
        self.id = operation_id
        self._resumable = connection.resumable
        self._next = 0
        self._ended = False
        self._parts: PartsReader | None = None
        self._reader = self._start()
        self.schema: pa.Schema = self._attempt(lambda reader: reader.schema)

    def _start(self) -> flight.FlightStreamReader:
        connection = self._connection
        return connection.do_get(self._ticket, self.id, self._resumable, connection.parts)

    def _resume(self) -> flight.FlightStreamReader:
        try:
            ticket = resume_ticket(self.id, self._next, self._connection.tagged_tickets)
            reader = self._connection.do_get(ticket)
            reader.schema  # noqa: B018 - the server's answer: the schema, or why not
        except (flight.FlightError, pa.ArrowException) as error:
            details = error_details(error)
            if self._next or details is None or details.error_class != "RESULT_NOT_FOUND":
                raise
            return self._start()  # dropped before the server held it: nothing was received
        return reader

    def _attempt(self, step: Callable[[flight.FlightStreamReader], T]) -> T:
        """``step(reader)``; when the connection dropped, resume the result and step again."""
        while True:
            try:
                return step(self._reader)
            except DROPPED as error:
                if not self._resumable or not _dropped(error):
                    raise
                failure: BaseException = error
            for attempt in range(RESUME_TRIES):
                time.sleep(RESUME_BACKOFF_S * 2**attempt)
                try:
                    self._reader = self._resume()
                    break
                except DROPPED as error:
                    if not _dropped(error):
                        raise
                    failure = error
            else:
                raise server_unavailable(
                    self._connection.url,
                    f"the connection dropped while result {self.id} streamed and "
                    f"{RESUME_TRIES} tries to resume it failed ({failure})",
                ) from failure

    def read_batch(self) -> pa.RecordBatch | None:
        """The next batch, or None after the last one."""
        if self._parts is not None:
            batch = self._parts.read_batch()
            self._ended = batch is None
            return batch
        try:
            chunk = self._attempt(lambda reader: reader.read_chunk())
        except StopIteration:
            self._ended = True
            return None
        if chunk.app_metadata is None:
            self._resumable = False  # a server that does not hold its results
        else:
            position = sf.ResultBatch.FromString(chunk.app_metadata.to_pybytes())
            if position.index != self._next:
                detail = (
                    f"result {self.id} sent batch {position.index} where batch {self._next} was due"
                )
                raise SparkFlightException(
                    errorClass="FLIGHT_ERROR", messageParameters={"detail": detail}
                )
            if position.flight_info:  # the result is in parts: read its endpoints
                info = flight.FlightInfo.deserialize(position.flight_info)
                self._parts = PartsReader(self._connection, info)
                self._resumable = False  # the server holds no stream of it
                return self.read_batch()
        self._next += 1
        return chunk.data

    def read_all(self) -> pa.Table:
        batches = []
        while (batch := self.read_batch()) is not None:
            batches.append(batch)
        return pa.Table.from_batches(batches, self.schema)

    def __enter__(self) -> Result:
        return self

    def __exit__(self, *exc: object) -> None:
        """Have the server free the result: at once when it was not read to the end (its
        query may still run), else possibly with the next call. The server frees it by
        itself later if this fails."""
        if self._parts is not None:
            self._parts.close()
        if not self._resumable:
            return
        with suppress(Exception):
            if self._ended:
                self._connection.release_read(self.id)
            else:
                self._connection.release(self.id)
