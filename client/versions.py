"""The client's side of the version handshake."""

from __future__ import annotations

from sparkflight.client.errors import SparkFlightException
from sparkflight.plans import protocol
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import PROTOCOL_VERSION, effective, package_version

#: How the client names itself in the handshake.
CLIENT_VERSION = f"sparkflight client {package_version()}"


def open_request(conf: dict[str, str]) -> sf.OpenSessionRequest:
    """The ``session.open`` request announcing this client's versions."""
    return sf.OpenSessionRequest(
        conf=conf, protocol_version=PROTOCOL_VERSION, client_version=CLIENT_VERSION
    )


def server_protocol(info: sf.SessionInfo) -> int:
    """The protocol version of a server, refusing one older than this client works with."""
    server = effective(info.protocol_version)
    oldest = protocol.MIN_SERVER_PROTOCOL
    if server >= oldest:
        return server
    raise SparkFlightException(
        errorClass="PROTOCOL_VERSION_MISMATCH",
        messageParameters={
            "client_protocol": str(PROTOCOL_VERSION),
            "server_protocol": str(server),
            "server_version": info.server_version or "unknown",
            "spark_version": info.spark_version or "unknown",
            "client_version": CLIENT_VERSION,
            "min_server_protocol": str(oldest),
        },
    )
