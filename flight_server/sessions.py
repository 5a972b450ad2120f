"""Client sessions: one ``SparkSession.newSession()`` each, named by a header or a cookie."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.flight as fl
from pyspark.sql import SparkSession

from sparkflight.flight_server.artifacts import enable_isolation
from sparkflight.flight_server.errors import (
    INVALID_SESSION_ID,
    OPERATION_INTERRUPTED,
    SESSION_NOT_FOUND,
    UPLOAD_NOT_FOUND,
    CallErrors,
    SparkFlightError,
)
from sparkflight.flight_server.limits import Limits, check_at_most
from sparkflight.flight_server.observations import Observations
from sparkflight.flight_server.progress import ProgressBoard
from sparkflight.plans import headers as wire
from sparkflight.plans.headers import SESSION_COOKIE
from sparkflight.plans.protocol import PROTOCOL_VERSION

if TYPE_CHECKING:
    from sparkflight.flight_server.foreach_batch import Loopback
    from sparkflight.flight_server.resume import HeldResult

_SESSION_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class CallHeaders:
    """What a call's headers say: its session, the id and tags of its operation, and
    whether its result is to be resumable, and the results the client is done with."""

    session_id: str | None = None
    operation_id: str | None = None
    tags: frozenset[str] = frozenset()
    resumable: bool = False
    released: tuple[str, ...] = ()
    parts: bool = False


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


#: The request headers the server reads: the field of :class:`CallHeaders` each one fills,
#: from its values.
READ_HEADERS: dict[str, tuple[str, Callable[[list[str]], Any]]] = {
    wire.SESSION: ("session_id", _first),
    wire.OPERATION_ID: ("operation_id", _first),
    wire.TAG: ("tags", lambda values: frozenset(unquote(t) for t in values if t)),
    wire.RESUMABLE: ("resumable", lambda values: _first(values) == "1"),
    wire.RELEASE: ("released", tuple),
    wire.PARTS: ("parts", lambda values: _first(values) == "1"),
}


def read_headers(headers: dict[str, list[str]]) -> CallHeaders:
    """What a call's headers say."""
    return CallHeaders(
        **{field: read(headers.get(name) or []) for name, (field, read) in READ_HEADERS.items()}
    )


@dataclass
class Operation:
    """A running query or command of a session."""

    id: str
    tags: frozenset[str] = frozenset()
    interrupted: threading.Event = field(default_factory=threading.Event)
    #: Why it was interrupted, and the error class of the error its client gets.
    reason: str = "was interrupted"
    error_class: str = OPERATION_INTERRUPTED


@dataclass(frozen=True)
class Upload:
    """Data uploaded by DoPut, with the Spark JSON schema it was sent with (may be empty)."""

    table: pa.Table
    schema_json: str


@dataclass
class Session:
    """A client session: its Spark session, its uploads and its running operations."""

    id: str
    spark: SparkSession
    limits: Limits = field(default_factory=Limits)
    #: The user who opened the session ("" without authentication).
    user: str = ""
    #: Whether this is a default session: the one of calls naming no session (the
    #: server's own without authentication, one per user with it).
    is_default: bool = False
    #: What the server's own tables and Spark's job tags know the session by, unique in
    #: the server's life (``id`` is the client's name of it, unique per user only).
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: The protocol version of the client that opened the session (``session.open``);
    #: the server's own for the default session and the sessions of Flight SQL clients.
    client_protocol: int = PROTOCOL_VERSION
    uploads: dict[str, Upload] = field(default_factory=dict)
    #: Artifacts added (``pyfiles/x.py``, ...), and the pyfiles among them that Python
    #: workers put on ``sys.path`` (flight_server/artifacts.py).
    artifacts: list[str] = field(default_factory=list)
    python_includes: list[str] = field(default_factory=list)
    #: The Spark confs the client set in the session, which the server hands to the tasks
    #: of the jobs it runs itself (as Spark's own actions do): Spark's tasks read the SQL
    #: conf from their job's local properties.
    conf_set: dict[str, str] = field(default_factory=dict)
    #: Schemas Spark inferred for file sources read in the session (flight_server/sources.py).
    inferred_schemas: dict[Any, Any] = field(default_factory=dict, repr=False)
    #: Result ids of the session's Python functions, whose profiles it sees
    #: (flight_server/profiles.py).
    profiled_ids: set[int] = field(default_factory=set)
    #: Spark's ``Some(JobArtifactState)`` of the session, once made (flight_server/artifacts.py).
    artifact_state: Any = None
    #: Spark Connect's planner over the session, once made (flight_server/connect/planner.py).
    planner: Any = field(default=None, repr=False)
    #: Running operations by id.
    operations: dict[str, Operation] = field(default_factory=dict)
    #: Results held for a resume, by result id.
    results: dict[str, HeldResult] = field(default_factory=dict, repr=False)
    progress: ProgressBoard = field(default_factory=ProgressBoard, repr=False)
    observations: Observations = field(default_factory=Observations, repr=False)
    #: The streaming queries the session started (pyspark StreamingQuery), by query id.
    streams: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The session's StreamingQueryListener while its client has listeners
    #: (flight_server/stream_events.py).
    stream_events: Any = field(default=None, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: ``time.monotonic()`` of the session's last call.
    last_used: float = field(default_factory=time.monotonic)

    def touch(self) -> None:
        """Note that the session was just used."""
        self.last_used = time.monotonic()

    def add_upload(self, table: pa.Table, schema_json: str = "") -> str:
        """Keep ``table`` and return the id under which a plan can read it."""
        upload_id = uuid.uuid4().hex
        with self.lock:
            self.uploads[upload_id] = Upload(table, schema_json)
        return upload_id

    def upload(self, upload_id: str) -> Upload:
        with self.lock:
            upload = self.uploads.get(upload_id)
        if upload is None:
            raise SparkFlightError(
                UPLOAD_NOT_FOUND, f"no upload {upload_id!r} in this session", upload_id=upload_id
            )
        return upload


def _unknown(session_id: str) -> SparkFlightError:
    return SparkFlightError(
        SESSION_NOT_FOUND,
        f"unknown session {session_id!r} (closed, expired, never opened or another user's)",
        session_id=session_id,
    )


class SessionManager:
    """The server's sessions: the default ones (of calls naming no session) and those
    opened by clients, each known by its user and id (another user's id is unknown).

    Without authentication (user ``""``) the default session is the server's own; with
    it, each user gets a default session of their own on first use, which expires as
    any session does and is made again on the next call.
    """

    DEFAULT_ID = ""

    def __init__(self, spark: SparkSession, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._default = Session(self.DEFAULT_ID, spark, self.limits, is_default=True)
        self._sessions: dict[tuple[str, str], Session] = {}
        self._defaults: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._making_default = threading.Lock()
        #: How processes beside the server (foreachBatch functions) reach it as clients;
        #: the server sets it once it listens.
        self.loopback: Loopback | None = None

    @property
    def default(self) -> Session:
        """The server's own default session, the one of unauthenticated calls."""
        return self._default

    def default_of(self, user: str) -> Session:
        """The default session of ``user``: the server's own without authentication."""
        if not user:
            return self._default
        with self._making_default:
            with self._lock:
                session = self._defaults.get(user)
            if session is None:
                spark = self._default.spark.newSession()
                enable_isolation(spark)
                session = Session(uuid.uuid4().hex, spark, self.limits, user, is_default=True)
                with self._lock:
                    self._defaults[user] = session
        session.touch()
        return session

    def open(
        self, conf: dict[str, str] | None = None, user: str = "", session_id: str | None = None
    ) -> Session:
        """Open a new session of ``user`` with ``conf`` applied to its SQL conf (named
        ``session_id``, or by a new id)."""
        with self._lock:
            held = sum(1 for s in self._sessions.values() if s.user == user)
        check_at_most(
            "sessions_per_user", self.limits.sessions_per_user, held + 1, "opening another session"
        )
        spark = self._default.spark.newSession()
        enable_isolation(spark)  # before the client's conf, which cannot turn it off
        for key, value in (conf or {}).items():
            spark.conf.set(key, value)
        session = Session(session_id or uuid.uuid4().hex, spark, self.limits, user)
        session.conf_set.update(conf or {})
        with self._lock:
            if (user, session.id) in self._sessions:
                raise SparkFlightError(
                    INVALID_SESSION_ID,
                    "a session with this id is already open",
                    session_id=session.id,
                )
            self._sessions[user, session.id] = session
        return session

    def find(self, session_id: str, user: str = "") -> Session | None:
        """The session named ``session_id``, if it is open and ``user`` opened it."""
        with self._lock:
            session = self._sessions.get((user, session_id))
        if session is not None:
            session.touch()
        return session

    def get(self, session_id: str | None, user: str = "") -> Session:
        """The session named ``session_id`` if ``user`` opened it; the default session of
        ``user`` when the id is empty. Another user's session is answered as unknown,
        revealing nothing."""
        if not session_id:
            return self.default_of(user)
        session = self.find(session_id, user)
        if session is None:
            raise _unknown(session_id)
        return session

    def close(self, session_id: str, user: str = "") -> Session:
        """Forget a session of ``user``; the caller releases what it holds."""
        with self._lock:
            session = self._sessions.pop((user, session_id), None)
        if session is None:
            raise _unknown(session_id)
        return session

    def expire(self, now: float | None = None) -> list[Session]:
        """Forget the sessions idle longer than the limit and running nothing; those sessions."""
        idle = self.limits.session_idle_seconds
        if idle is None:
            return []
        now = time.monotonic() if now is None else now
        with self._lock:
            expired = [
                s
                for s in [*self._sessions.values(), *self._defaults.values()]
                if now - s.last_used > idle and not s.operations
            ]
            for session in expired:
                if session.is_default:
                    del self._defaults[session.user]
                else:
                    del self._sessions[session.user, session.id]
        return expired

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def every(self) -> list[Session]:
        """The default sessions and every open one."""
        with self._lock:
            return [self._default, *self._defaults.values(), *self._sessions.values()]

    def running(self) -> int:
        """How many operations run in all sessions."""
        return sum(len(session.operations) for session in self.every())


class CallLifetime:
    """Whether a call still runs, work to finish when it ends, and how its failures reach
    its client (``errors``).

    pyarrow frees a call's context as soon as the call ends (after ``call_completed``), so
    the context is asked whether its client cancelled, and given the trailers of a failure,
    only while the call runs; work registered with :meth:`at_end` (an operation a dropped
    stream leaves running) is done when the call ends, on the call's own thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ended = False
        self._ask: Callable[[], bool] | None = None
        self._at_end: list[Callable[[], object]] = []
        self.errors = CallErrors()

    def watch(self, context: fl.ServerCallContext) -> CallLifetime:
        """Ask ``context`` whether the call was cancelled."""
        with self._lock:
            if not self._ended:
                self._ask = context.is_cancelled
                self.errors.watch(context)
        return self

    def cancelled(self) -> bool:
        """Whether the client cancelled the call; true once the call has ended."""
        with self._lock:
            if self._ended:
                return True
            return self._ask is not None and self._ask()

    def at_end(self, work: Callable[[], object]) -> None:
        """Do ``work`` when the call ends (now, if it has ended)."""
        with self._lock:
            if not self._ended:
                self._at_end.append(work)
                return
        work()

    def end(self) -> None:
        with self._lock:
            self._ended = True
            work, self._at_end = self._at_end, []
            self.errors.watch(None)
        for item in work:
            item()


class SessionMiddleware(fl.ServerMiddleware):
    """Carries what the headers of a call said, the session cookie of Flight SQL clients, and
    the call's :class:`CallLifetime`.

    A call naming no session (by header or cookie) is answered with a cookie proposing a
    new session id (gRPC sends headers before the call is handled, so the cookie cannot
    wait for the session): a client that keeps cookies then names that id, and setting
    session options opens the session under it. A cookie naming no open session stands
    for the default session.
    """

    def __init__(self, headers: CallHeaders, cookie_id: str | None = None) -> None:
        self.headers = headers
        self.cookie_id = cookie_id or uuid.uuid4().hex
        self.lifetime = CallLifetime()
        self._propose = cookie_id is None and headers.session_id is None

    @property
    def session_id(self) -> str | None:
        return self.headers.session_id

    def sending_headers(self) -> dict[str, str]:
        if not self._propose:
            return {}
        return {"set-cookie": f"{SESSION_COOKIE}={self.cookie_id}"}

    def call_completed(self, exception: BaseException | None) -> None:
        self.lifetime.end()


def _cookie_session(headers: dict[str, list[str]]) -> str | None:
    for header in headers.get("cookie") or []:
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(header)
        except CookieError:
            continue
        value = cookie[SESSION_COOKIE].value if SESSION_COOKIE in cookie else ""
        if _SESSION_ID.fullmatch(value):
            return value
    return None


class SessionMiddlewareFactory(fl.ServerMiddlewareFactory):
    """Reads the session, operation id, tag and release headers and the session cookie of
    every call."""

    def start_call(self, info: fl.CallInfo, headers: dict[str, list[str]]) -> SessionMiddleware:
        return SessionMiddleware(read_headers(headers), _cookie_session(headers))
