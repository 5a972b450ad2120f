"""Authentication: users and bearer tokens from an auth file, checked on every call.

Without an auth file the server authenticates nobody and serves everyone. With one, every
call needs ``authorization: Bearer <token>``, where the token is either one of the file's
API tokens or one the server issued in answer to HTTP Basic credentials (the handshake
that Flight clients such as the ADBC driver use for a username and password). Both the
DataFrame protocol and Flight SQL go through the same check.

The auth file is JSON; it holds no secret in the clear (``sparkflight auth`` writes it)::

    {
      "users": {"alice": {"password": "scrypt$16384$8$1$<salt hex>$<hash hex>"}},
      "tokens": {"<sha256 hex of the token>": "alice"}
    }

The middleware makes the caller's user name available to handlers (:func:`caller`), for
rules such as per-user session ownership; TLS is configured on the Flight server itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.flight as fl

_log = logging.getLogger(__name__)

#: Name of the authentication middleware (``ServerCallContext.get_middleware``).
AUTH_MIDDLEWARE = "sparkflight-auth"
#: How long a token issued for Basic credentials is valid.
SESSION_TOKEN_TTL_S = 12 * 3600

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_SALT_BYTES = 16
_UNAUTHENTICATED = "unauthenticated"


class AuthFileError(ValueError):
    """The auth file is missing, unreadable or malformed."""


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``, in the auth file's format."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def _password_matches(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, expected = stored.split("$")
        if kind != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def token_digest(token: str) -> str:
    """How the auth file stores an API token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Credentials:
    """The users (with password hashes) and API token digests of an auth file."""

    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Credentials:
        try:
            data = json.loads(Path(path).read_text())
            users = data.get("users", {})
            passwords = {name: str(entry["password"]) for name, entry in users.items()}
            tokens = {str(digest): str(user) for digest, user in data.get("tokens", {}).items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise AuthFileError(f"cannot read auth file {path}: {exc}") from None
        return cls(passwords, tokens)

    def save(self, path: str | Path) -> None:
        """Write the auth file, readable by its owner only."""
        data: dict[str, Any] = {
            "users": {
                name: {"password": stored} for name, stored in sorted(self.passwords.items())
            },
            "tokens": dict(sorted(self.tokens.items())),
        }
        target = Path(path)
        target.touch(mode=0o600, exist_ok=True)
        target.write_text(json.dumps(data, indent=2) + "\n")

    def check_password(self, user: str, password: str) -> bool:
        stored = self.passwords.get(user)
        return stored is not None and _password_matches(password, stored)

    def token_user(self, token: str) -> str | None:
        return self.tokens.get(token_digest(token))


class Authenticator:
    """Checks the ``authorization`` header of calls against credentials."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._issued: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path) -> Authenticator:
        return cls(Credentials.load(path))

    def issue_token(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._issued[token] = (user, time.monotonic() + SESSION_TOKEN_TTL_S)
        return token

    def bearer_user(self, token: str) -> str | None:
        with self._lock:
            issued = self._issued.get(token)
            if issued is not None and issued[1] < time.monotonic():
                del self._issued[token]
                issued = None
        if issued is not None:
            return issued[0]
        return self.credentials.token_user(token)

    def basic_user(self, encoded: str) -> str | None:
        """The user of HTTP Basic credentials (base64 with or without padding), if valid."""
        try:
            decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
            user, sep, password = decoded.decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if not sep or not self.credentials.check_password(user, password):
            return None
        return user


class AuthMiddleware(fl.ServerMiddleware):
    """The authenticated caller of one call, and the token to send back after a login."""

    def __init__(self, user: str, issued_token: str | None = None) -> None:
        self.user = user
        self._issued_token = issued_token

    def sending_headers(self) -> dict[str, str]:
        if self._issued_token is None:
            return {}
        return {"authorization": f"Bearer {self._issued_token}"}


class AuthMiddlewareFactory(fl.ServerMiddlewareFactory):
    """Refuses every call without valid credentials (``UNAUTHENTICATED``, no detail)."""

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    def start_call(self, info: fl.CallInfo, headers: dict[str, list[str]]) -> AuthMiddleware:
        values = headers.get("authorization") or []
        scheme, _, credentials = (values[0] if values else "").partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer":
            user = self.authenticator.bearer_user(credentials.strip())
            if user is not None:
                return AuthMiddleware(user)
            reason = "unknown or expired bearer token"
        elif scheme == "basic":
            user = self.authenticator.basic_user(credentials.strip())
            if user is not None:
                return AuthMiddleware(user, self.authenticator.issue_token(user))
            reason = "wrong user name or password"
        else:
            reason = "no credentials"
        _log.warning("refused %s call: %s", info.method, reason)
        raise fl.FlightUnauthenticatedError(_UNAUTHENTICATED)


class HandshakeAcceptor(fl.ServerAuthHandler):
    """Lets the Handshake call through: the middleware has already checked its credentials."""

    def authenticate(self, outgoing: fl.ServerAuthSender, incoming: fl.ServerAuthReader) -> None:
        """Nothing to exchange: the bearer token goes back in the response headers."""

    def is_valid(self, token: bytes) -> str:
        return ""


def server_options(auth_file: str | Path | None) -> dict[str, Any]:
    """``FlightServerBase`` keyword arguments for an auth file (none when there is none)."""
    if not auth_file:
        return {}
    factory = AuthMiddlewareFactory(Authenticator.from_file(auth_file))
    return {"auth_handler": HandshakeAcceptor(), "middleware": {AUTH_MIDDLEWARE: factory}}


def caller(context: fl.ServerCallContext) -> str | None:
    """The authenticated user of a call; None when the server authenticates nobody."""
    middleware = context.get_middleware(AUTH_MIDDLEWARE)
    return middleware.user if middleware is not None else None
