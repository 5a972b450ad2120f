"""The server's side of the version handshake (``session.open``, ``version``)."""

from __future__ import annotations

from dataclasses import dataclass

import pyspark

from sparkflight.flight_server.errors import PROTOCOL_VERSION_MISMATCH, SparkFlightError
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import (
    MIN_CLIENT_PROTOCOL,
    PROTOCOL_VERSION,
    effective,
    package_version,
)


@dataclass(frozen=True)
class ServerVersions:
    """The protocol versions a server reports and accepts."""

    protocol: int = PROTOCOL_VERSION
    min_client_protocol: int = MIN_CLIENT_PROTOCOL

    def info(self) -> sf.SessionInfo:
        """The versions part of ``SessionInfo``."""
        return sf.SessionInfo(
            spark_version=pyspark.__version__,
            server_version=package_version(),
            protocol_version=self.protocol,
            min_client_protocol_version=self.min_client_protocol,
        )

    def check_client(self, request: sf.OpenSessionRequest) -> None:
        """Refuse a client older than the server accepts, naming both versions."""
        client = effective(request.protocol_version)
        if client >= self.min_client_protocol:
            return
        who = request.client_version or "the client"
        raise SparkFlightError(
            PROTOCOL_VERSION_MISMATCH,
            f"{who} speaks protocol {client}, but this server (sparkflight "
            f"{package_version()}, protocol {self.protocol}) needs protocol "
            f"{self.min_client_protocol} or newer: upgrade the client",
            client_protocol=str(client),
            server_protocol=str(self.protocol),
        )
