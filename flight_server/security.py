"""Transport security of the server: TLS certificates and where an open server may listen."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "InsecureBindError",
    "TlsFiles",
    "check_bind_address",
    "is_loopback",
    "restricted_by_default",
]


class InsecureBindError(ValueError):
    """A server without authentication asked to listen beyond loopback."""


@dataclass(frozen=True)
class TlsFiles:
    """PEM files of a TLS server: its certificate chain and key, and optionally the CA
    that client certificates must be signed by (mutual TLS)."""

    cert: Path
    key: Path
    client_ca: Path | None = None

    def server_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``pyarrow.flight.FlightServerBase`` serving over TLS."""
        kwargs: dict[str, Any] = {
            "tls_certificates": [(self.cert.read_bytes(), self.key.read_bytes())]
        }
        if self.client_ca is not None:
            kwargs["verify_client"] = True
            kwargs["root_certificates"] = self.client_ca.read_bytes()
        return kwargs


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) only reaches this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind_address(host: str, authenticated: bool, insecure: bool) -> None:
    """Refuse to serve unauthenticated beyond loopback unless ``insecure`` says so."""
    if authenticated or insecure or is_loopback(host):
        return
    raise InsecureBindError(
        f"refusing to listen on {host} without authentication: anyone who reaches it could "
        "run queries. Configure authentication, listen on 127.0.0.1, or pass "
        "--insecure-allow-unauthenticated to accept the risk."
    )


def restricted_by_default(host: str, authenticated: bool) -> bool:
    """Whether a server runs in restricted mode unless told otherwise: when it
    authenticates its users and listens beyond loopback (users it does not trust)."""
    return authenticated and not is_loopback(host)
