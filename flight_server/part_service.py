"""``sparkflight worker``: a Flight service serving the parts of results that Spark tasks
on its machine wrote into a result store directory (see :mod:`.result_store`).

It runs no Spark: it checks each ticket's signature with the key the server handed it,
serves the part once, deletes what expired, and writes its own URL into the store
directory for the tasks there to report as their parts' location.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import pyarrow.flight as fl

from sparkflight.flight_server.errors import (
    INVALID_TICKET,
    CallErrors,
    SparkFlightError,
    reported,
)
from sparkflight.flight_server.result_store import LOCATION_FILE, ResultStore, part_ref
from sparkflight.plans import tickets

#: Longest wait between two looks for expired parts.
SWEEP_INTERVAL_S = 30.0
_log = logging.getLogger(__name__)


class PartService(fl.FlightServerBase):
    """Serves DoGet of the part tickets of ``store`` at ``location``; ``advertised`` is
    the URL clients reach it at, written into the store for the tasks writing there."""

    def __init__(
        self, store: ResultStore, location: str, advertised: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(location, **kwargs)
        self.store = store
        self.url = advertised or f"{location.rpartition(':')[0]}:{self.port}"
        (store.directory / LOCATION_FILE).write_text(self.url + "\n")
        self._stopping = threading.Event()
        self._sweeper = threading.Thread(
            target=self._sweep, name="sparkflight-part-sweep", daemon=True
        )
        self._sweeper.start()

    def _sweep(self) -> None:
        while not self._stopping.wait(min(self.store.part_seconds / 4, SWEEP_INTERVAL_S)):
            try:
                self.store.sweep()
            except Exception:  # noqa: BLE001 - one failed sweep must not stop the next
                _log.exception("deleting expired parts failed")

    def call_errors(self, context: fl.ServerCallContext) -> CallErrors:
        """How a failed call's error reaches its client (see :func:`.errors.reported`)."""
        return CallErrors().watch(context)

    @reported
    def do_get(self, context: fl.ServerCallContext, ticket: fl.Ticket) -> fl.FlightDataStream:
        told = tickets.read_ticket(ticket.ticket)
        if told.kind != tickets.PART:
            raise SparkFlightError(INVALID_TICKET, "this service serves only part tickets")
        _, ref = part_ref(told.body)
        _log.info("serving part %d of result %s", ref.index, ref.result_id)
        return fl.GeneratorStream(*self.store.serve(told.body))

    def shutdown(self) -> None:
        self._stopping.set()
        (self.store.directory / LOCATION_FILE).unlink(missing_ok=True)
        super().shutdown()


def read_key(path: Path) -> bytes:
    """The result key in a key file (its bytes, surrounding whitespace stripped)."""
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise ValueError(f"the result key in {path} is shorter than 16 bytes")
    return key
