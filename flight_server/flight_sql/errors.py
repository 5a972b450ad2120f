"""Errors of Flight SQL calls: the message alone, without sparkflight's ``ErrorDetails``.

Flight SQL clients read ``grpc-status-details-bin`` as a ``google.rpc.Status`` (the ADBC
driver reports anything else there as a mismatch), so Flight SQL errors carry no
``extra_info``; their message is the one the DataFrame protocol sends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pyarrow.flight as fl

from sparkflight.flight_server.errors import to_flight_error


@contextlib.contextmanager
def sql_errors() -> Iterator[None]:
    """Turn any exception raised in the block into a Flight error with a message only."""
    try:
        yield
    except fl.FlightError as exc:
        if not exc.extra_info:
            raise
        raise type(exc)(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - every failure must reach the client
        error = to_flight_error(exc)
        raise type(error)(str(error)) from exc


def sql_guarded(stream: Iterator[Any]) -> Iterator[Any]:
    """Re-raise failures while iterating ``stream`` as message-only Flight errors."""
    with sql_errors():
        yield from stream
