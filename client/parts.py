"""Reading a result computed in parts: its endpoints, several at once, in order.

A server of protocol 12 answers a DoGet that asks for parts (``x-sparkflight-parts``)
with the FlightInfo of a large result: one endpoint per part, each readable once, from
the server or from the ``sparkflight worker`` on the machine that holds it.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.flight as flight

from sparkflight.client.errors import error_details

if TYPE_CHECKING:
    from sparkflight.client.transport import Connection

#: Parts read at once (each held whole until its turn comes).
PARALLEL_PARTS = 4
#: Reads of one part tried when its connection drops (a part is served until read to
#: its end, so a dropped read starts it again).
PART_TRIES = 3
_DROPPED = (flight.FlightUnavailableError, OSError)


class PartsReader:
    """The batches of a result's endpoints, in order, read :data:`PARALLEL_PARTS` at a
    time ahead of the one being consumed."""

    def __init__(self, connection: Connection, info: flight.FlightInfo) -> None:
        self._connection = connection
        self._endpoints = list(info.endpoints)
        self._pool = ThreadPoolExecutor(PARALLEL_PARTS, thread_name_prefix="sparkflight-part")
        self._pending: deque[Future[list[pa.RecordBatch]]] = deque()
        self._submitted = 0
        self._current: list[pa.RecordBatch] = []

    def _fill(self) -> None:
        while self._submitted < len(self._endpoints) and len(self._pending) < PARALLEL_PARTS:
            endpoint = self._endpoints[self._submitted]
            self._pending.append(self._pool.submit(self._read, endpoint))
            self._submitted += 1

    def _read(self, endpoint: flight.FlightEndpoint) -> list[pa.RecordBatch]:
        locations = [location.uri.decode() for location in endpoint.locations]
        for attempt in range(PART_TRIES):
            try:
                reader = self._connection.do_get_at(locations, endpoint.ticket)
                return [chunk.data for chunk in reader]
            except _DROPPED as error:
                if error_details(error) is not None or attempt == PART_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def read_batch(self) -> pa.RecordBatch | None:
        """The next batch, or None after the last part."""
        while not self._current:
            self._fill()
            if not self._pending:
                return None
            self._current = list(reversed(self._pending.popleft().result()))
            self._fill()
        return self._current.pop()

    def close(self) -> None:
        """Stop reading parts not yet started."""
        self._pool.shutdown(wait=False, cancel_futures=True)
