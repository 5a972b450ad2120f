"""Client sessions: one ``SparkSession.newSession()`` each, named by a header."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.flight as fl
from pyspark.sql import SparkSession

from flight_server.errors import SESSION_NOT_FOUND, SparkFlightError

#: Request header naming the session a call belongs to.
SESSION_HEADER = "x-sparkflight-session"


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
    uploads: dict[str, Upload] = field(default_factory=dict)
    #: Running operations by id; an operation's event is set once it is interrupted.
    operations: dict[str, threading.Event] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
                "UPLOAD_NOT_FOUND", f"no upload {upload_id!r} in this session", upload_id=upload_id
            )
        return upload


class SessionManager:
    """The server's sessions: the default one (no header) and those opened by clients."""

    DEFAULT_ID = ""

    def __init__(self, spark: SparkSession) -> None:
        self._default = Session(self.DEFAULT_ID, spark)
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    @property
    def default(self) -> Session:
        return self._default

    def open(self, conf: dict[str, str] | None = None) -> Session:
        """Open a new session with ``conf`` applied to its SQL conf."""
        spark = self._default.spark.newSession()
        for key, value in (conf or {}).items():
            spark.conf.set(key, value)
        session = Session(uuid.uuid4().hex, spark)
        with self._lock:
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str | None) -> Session:
        """The session named ``session_id``; the default session when it is empty."""
        if not session_id:
            return self._default
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            raise SparkFlightError(
                SESSION_NOT_FOUND, f"unknown session {session_id!r}", session_id=session_id
            )
        return session

    def close(self, session_id: str) -> None:
        """Forget a session and its uploads."""
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is None:
            raise SparkFlightError(
                SESSION_NOT_FOUND, f"unknown session {session_id!r}", session_id=session_id
            )
        session.uploads.clear()


class SessionMiddleware(fl.ServerMiddleware):
    """Carries the session id a call named, if any."""

    def __init__(self, session_id: str | None) -> None:
        self.session_id = session_id


class SessionMiddlewareFactory(fl.ServerMiddlewareFactory):
    """Reads the ``x-sparkflight-session`` header of every call."""

    def start_call(self, info: fl.CallInfo, headers: dict[str, list[str]]) -> SessionMiddleware:
        values = headers.get(SESSION_HEADER) or []
        return SessionMiddleware(values[0] if values else None)
