"""Arrow Flight SQL on the sparkflight server's port: SQL, prepared statements, Substrait
plans, bulk ingest, catalog metadata and session options, in the DataFrame path's sessions.
"""

from sparkflight.flight_server.flight_sql.endpoint import (
    ACTION_DESCRIPTIONS,
    Call,
    FlightSqlEndpoint,
)
from sparkflight.flight_server.flight_sql.protocol import unpack

__all__ = ["ACTION_DESCRIPTIONS", "Call", "FlightSqlEndpoint", "unpack"]
