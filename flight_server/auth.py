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

Logins are hardened against a caller with time on their hands: an unknown user name costs
the same scrypt work as a known one; after :data:`FAILED_LOGINS_ALLOWED` failed logins in
a row a user name (known or not) is refused without a look at the password for a backoff
that doubles with each further failure; issued tokens live ``token_ttl`` seconds (an hour
by default), are kept as digests in a bounded store swept of expired ones, are reused for
repeated Basic credentials, and end with the ``logout`` action. The auth file is read
again when it changes (``sparkflight auth revoke`` takes effect on the next call) and on
SIGHUP (flight_server/launch.py); the tokens issued to a user removed from it, or whose
password changed, end then.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.flight as fl

from sparkflight.flight_server.errors import INVALID_ACTION_BODY, SparkFlightError

_log = logging.getLogger(__name__)

#: Name of the authentication middleware (``ServerCallContext.get_middleware``).
AUTH_MIDDLEWARE = "sparkflight-auth"
#: How long a token issued for Basic credentials is valid, unless the operator says.
DEFAULT_TOKEN_TTL_S = 3600.0
#: Most issued tokens kept; beyond that the oldest go first.
MAX_ISSUED_TOKENS = 10_000
#: How often the issued tokens are swept of expired ones, at most.
_SWEEP_INTERVAL_S = 60.0
#: Failed logins in a row after which a user name is refused for a while.
FAILED_LOGINS_ALLOWED = 5
#: The first refusal's length after too many failed logins; it doubles with each further
#: failure, up to :data:`LOCKOUT_LONGEST_S`.
LOCKOUT_FIRST_S = 10.0
LOCKOUT_LONGEST_S = 900.0
#: Most user names whose failed logins are counted (the oldest are forgotten).
_FAILURES_KEPT = 10_000

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


@functools.cache
def _dummy_hash() -> str:
    """A hash of no one's password, checked for unknown users: the same work as a known one."""
    return hash_password(secrets.token_urlsafe(16))


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
        staged = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(json.dumps(data, indent=2) + "\n")
        os.replace(staged, target)  # a running server never reads half a file

    def without_user(self, user: str) -> Credentials:
        """These credentials without ``user``'s password and API tokens."""
        passwords = {name: stored for name, stored in self.passwords.items() if name != user}
        tokens = {digest: name for digest, name in self.tokens.items() if name != user}
        return Credentials(passwords, tokens)

    def check_password(self, user: str, password: str) -> bool:
        """Whether ``password`` is ``user``'s; an unknown user costs the same work."""
        stored = self.passwords.get(user)
        matches = _password_matches(password, stored if stored is not None else _dummy_hash())
        return stored is not None and matches

    def token_user(self, token: str) -> str | None:
        return self.tokens.get(token_digest(token))


class FailedLogins:
    """Failed logins in a row by user name, known or not: after ``allowed`` of them the
    name is refused for ``first`` seconds, twice as long after each further failure (up to
    ``longest``); a successful login forgets them."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        allowed: int = FAILED_LOGINS_ALLOWED,
        first: float = LOCKOUT_FIRST_S,
        longest: float = LOCKOUT_LONGEST_S,
    ) -> None:
        self._clock, self._allowed, self._first, self._longest = clock, allowed, first, longest
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, name: str) -> float:
        """Seconds before ``name`` may try again (0 when it may now)."""
        with self._lock:
            _, until = self._failures.get(name, (0, 0.0))
        return max(0.0, until - self._clock())

    def failed(self, name: str) -> None:
        with self._lock:
            count = self._failures.pop(name, (0, 0.0))[0] + 1
            until = 0.0
            if count >= self._allowed:
                lockout = self._first * 2.0 ** min(count - self._allowed, 32)
                until = self._clock() + min(self._longest, lockout)
            self._failures[name] = (count, until)
            if len(self._failures) > _FAILURES_KEPT:
                self._forget_some()

    def _forget_some(self) -> None:
        """Make room (the lock is held): the names not refused now go first, so that
        failing with many names cannot lift another name's refusal."""
        now = self._clock()
        for old in [n for n, (_, until) in self._failures.items() if until <= now]:
            del self._failures[old]
            if len(self._failures) <= _FAILURES_KEPT:
                return
        while len(self._failures) > _FAILURES_KEPT:
            self._failures.popitem(last=False)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


@dataclass(frozen=True)
class _Issued:
    user: str
    expires: float


class LoginRefused(Exception):
    """Credentials were refused; the message says why, for the log and the client."""

    def __init__(self, reason: str, told: str = _UNAUTHENTICATED) -> None:
        super().__init__(reason)
        self.told = told


class Authenticator:
    """Checks the ``authorization`` header of calls against credentials, and keeps the
    tokens issued for Basic credentials (as digests: the store reveals no usable token).

    ``path`` is the auth file the credentials came from, read again when it changes
    (:meth:`refresh`) or when asked (:meth:`reload`).
    """

    def __init__(
        self,
        credentials: Credentials,
        path: str | Path | None = None,
        token_ttl: float = DEFAULT_TOKEN_TTL_S,
        clock: Callable[[], float] = time.monotonic,
        max_tokens: int = MAX_ISSUED_TOKENS,
    ) -> None:
        _dummy_hash()  # made now: the first unknown user then costs what any login does
        self.credentials = credentials
        self.path = Path(path) if path is not None else None
        self.token_ttl = token_ttl
        self.failed_logins = FailedLogins(clock)
        self._clock = clock
        self._max_tokens = max_tokens
        self._issued: OrderedDict[str, _Issued] = OrderedDict()
        #: Tokens issued for Basic credentials, by a keyed digest of the credentials, each
        #: masked with another such digest: only those credentials unmask it.
        self._by_basic: dict[str, tuple[str, bytes]] = {}
        self._secret = secrets.token_bytes(32)
        self._swept = clock()
        self._lock = threading.Lock()
        self._stamp = self._file_stamp()

    @classmethod
    def from_file(cls, path: str | Path, token_ttl: float = DEFAULT_TOKEN_TTL_S) -> Authenticator:
        return cls(Credentials.load(path), path, token_ttl)

    # The auth file.

    def _file_stamp(self) -> tuple[int, int, int] | None:
        if self.path is None:
            return None
        try:
            found = self.path.stat()
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size, found.st_ino

    def refresh(self) -> None:
        """Read the auth file again if it changed since it was last read."""
        if self.path is not None and self._file_stamp() != self._stamp:
            self.reload()

    def reload(self) -> bool:
        """Read the auth file again; end the tokens issued to users it no longer has or
        whose password changed. False (the credentials kept) when it cannot be read."""
        if self.path is None:
            return False
        stamp = self._file_stamp()
        try:
            loaded = Credentials.load(self.path)
        except AuthFileError as exc:
            _log.error("auth file not reloaded, the previous one stays in force: %s", exc)
            self._stamp = stamp  # not again until it changes again
            return False
        old = self.credentials.passwords
        changed = {user for user in old if loaded.passwords.get(user) != old[user]}
        with self._lock:
            self.credentials, self._stamp = loaded, stamp
            self._drop_where(lambda issued: issued.user in changed)
        _log.info(
            "auth file %s reloaded: %d users, %d API tokens",
            self.path,
            len(loaded.passwords),
            len(loaded.tokens),
        )
        return True

    # Issued tokens.

    def _drop_where(self, condition: Callable[[_Issued], bool]) -> None:
        """Forget the issued tokens meeting ``condition`` (the lock is held)."""
        for digest in [d for d, issued in self._issued.items() if condition(issued)]:
            del self._issued[digest]
        self._by_basic = {
            key: entry for key, entry in self._by_basic.items() if entry[0] in self._issued
        }

    def _sweep(self, now: float) -> None:
        """Forget expired tokens, at most every so often or when the store is full (the
        lock is held); beyond the bound the oldest go."""
        if now - self._swept < _SWEEP_INTERVAL_S and len(self._issued) < self._max_tokens:
            return
        self._swept = now
        self._drop_where(lambda issued: issued.expires <= now)
        while len(self._issued) >= self._max_tokens:
            self._issued.popitem(last=False)

    def issued_count(self) -> int:
        """How many issued tokens the store holds."""
        with self._lock:
            return len(self._issued)

    def issue_token(self, user: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._sweep(now)
            self._issued[token_digest(token)] = _Issued(user, now + self.token_ttl)
        return token

    def revoke_token(self, token: str) -> bool:
        """End an issued token; False when it is not one (an API token, or unknown)."""
        with self._lock:
            found = self._issued.pop(token_digest(token), None) is not None
            if found:
                self._drop_where(lambda issued: False)
        return found

    def bearer_user(self, token: str) -> str | None:
        digest = token_digest(token)
        with self._lock:
            issued = self._issued.get(digest)
            if issued is not None and issued.expires <= self._clock():
                del self._issued[digest]
                issued = None
        if issued is not None:
            return issued.user
        return self.credentials.token_user(token)

    # Basic credentials.

    def _basic_keys(self, encoded: str) -> tuple[str, bytes]:
        key = hmac.new(self._secret, b"key:" + encoded.encode(), hashlib.sha256).hexdigest()
        mask = hmac.new(self._secret, b"mask:" + encoded.encode(), hashlib.sha512).digest()
        return key, mask

    def _reused(self, encoded: str) -> tuple[str, str] | None:
        """The user and still valid token issued for these exact Basic credentials."""
        key, mask = self._basic_keys(encoded)
        with self._lock:
            entry = self._by_basic.get(key)
            issued = self._issued.get(entry[0]) if entry is not None else None
        if entry is None or issued is None or issued.expires <= self._clock():
            return None
        token = bytes(a ^ b for a, b in zip(entry[1], mask, strict=True))
        return issued.user, token.rstrip(b"\0").decode()

    def basic_login(self, encoded: str) -> tuple[str, str]:
        """The user of HTTP Basic credentials (base64 with or without padding) and a token
        for them: the one issued for the same credentials while it is valid, else a new
        one. Raises :class:`LoginRefused`."""
        reused = self._reused(encoded)
        if reused is not None:
            return reused
        try:
            decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
            user, sep, password = decoded.decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise LoginRefused("malformed Basic credentials") from None
        if not sep:
            raise LoginRefused("malformed Basic credentials")
        wait = self.failed_logins.wait(user)
        if wait > 0:
            told = f"{_UNAUTHENTICATED}: too many failed logins, retry in {wait:.0f} s"
            raise LoginRefused(f"too many failed logins for user {user!r}", told)
        if not self.credentials.check_password(user, password):
            self.failed_logins.failed(user)
            raise LoginRefused("wrong user name or password")
        self.failed_logins.succeeded(user)
        token = self.issue_token(user)
        key, mask = self._basic_keys(encoded)
        padded = token.encode().ljust(len(mask), b"\0")
        masked = bytes(a ^ b for a, b in zip(padded, mask, strict=True))
        with self._lock:
            self._by_basic[key] = (token_digest(token), masked)
        return user, token


class AuthMiddleware(fl.ServerMiddleware):
    """The authenticated caller of one call, the token it used, and the token to send
    back after a login."""

    def __init__(
        self,
        authenticator: Authenticator,
        user: str,
        token: str,
        issued_token: str | None = None,
    ) -> None:
        self.authenticator = authenticator
        self.user = user
        self.token = token
        self._issued_token = issued_token

    def sending_headers(self) -> dict[str, str]:
        if self._issued_token is None:
            return {}
        return {"authorization": f"Bearer {self._issued_token}"}


class AuthMiddlewareFactory(fl.ServerMiddlewareFactory):
    """Refuses every call without valid credentials (``UNAUTHENTICATED``, no detail but
    when to retry after too many failed logins)."""

    def __init__(self, authenticator: Authenticator) -> None:
        self.authenticator = authenticator

    def start_call(self, info: fl.CallInfo, headers: dict[str, list[str]]) -> AuthMiddleware:
        self.authenticator.refresh()
        values = headers.get("authorization") or []
        scheme, _, credentials = (values[0] if values else "").partition(" ")
        scheme, credentials = scheme.lower(), credentials.strip()
        told = _UNAUTHENTICATED
        if scheme == "bearer":
            user = self.authenticator.bearer_user(credentials)
            if user is not None:
                return AuthMiddleware(self.authenticator, user, credentials)
            reason = "unknown or expired bearer token"
        elif scheme == "basic":
            try:
                user, token = self.authenticator.basic_login(credentials)
                return AuthMiddleware(self.authenticator, user, token, token)
            except LoginRefused as refused:
                reason, told = str(refused), refused.told
        else:
            reason = "no credentials"
        _log.warning("refused %s call: %s", info.method, reason)
        raise fl.FlightUnauthenticatedError(told)


class HandshakeAcceptor(fl.ServerAuthHandler):
    """Lets the Handshake call through: the middleware has already checked its credentials."""

    def authenticate(self, outgoing: fl.ServerAuthSender, incoming: fl.ServerAuthReader) -> None:
        """Nothing to exchange: the bearer token goes back in the response headers."""

    def is_valid(self, token: bytes) -> str:
        return ""


def server_options(
    auth_file: str | Path | None, token_ttl: float = DEFAULT_TOKEN_TTL_S
) -> dict[str, Any]:
    """``FlightServerBase`` keyword arguments for an auth file (none when there is none)."""
    if not auth_file:
        return {}
    return authenticator_options(Authenticator.from_file(auth_file, token_ttl))


def authenticator_options(authenticator: Authenticator) -> dict[str, Any]:
    """``FlightServerBase`` keyword arguments authenticating calls with ``authenticator``."""
    factory = AuthMiddlewareFactory(authenticator)
    return {"auth_handler": HandshakeAcceptor(), "middleware": {AUTH_MIDDLEWARE: factory}}


def authenticator_of(options: dict[str, Any]) -> Authenticator | None:
    """The authenticator of :func:`server_options`' keyword arguments, if any."""
    factory = (options.get("middleware") or {}).get(AUTH_MIDDLEWARE)
    return factory.authenticator if isinstance(factory, AuthMiddlewareFactory) else None


def caller(context: fl.ServerCallContext) -> str | None:
    """The authenticated user of a call; None when the server authenticates nobody."""
    middleware = context.get_middleware(AUTH_MIDDLEWARE)
    return middleware.user if middleware is not None else None


def logout(context: fl.ServerCallContext) -> bytes:
    """The ``logout`` action: end the token the call authenticated with (an empty answer)."""
    middleware = context.get_middleware(AUTH_MIDDLEWARE)
    if middleware is None:
        raise SparkFlightError(INVALID_ACTION_BODY, "the server authenticates nobody")
    if not middleware.authenticator.revoke_token(middleware.token):
        raise SparkFlightError(
            INVALID_ACTION_BODY,
            "only a token the server issued at login ends with logout: an API token of the "
            "auth file ends when `sparkflight auth revoke` removes it",
        )
    return b""
