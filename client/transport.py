"""The Arrow Flight connection of a client session.

Every call carries the session header; every Flight error becomes the PySpark
exception its ``ErrorDetails`` names (see docs/protocol.md, "Errors"), and a server that
cannot be reached ``SERVER_UNAVAILABLE``. Queries and commands run under a client-chosen
operation id: Ctrl-C interrupts them on the server, and the session's
:class:`~client.progress.ProgressReporting` reports their progress. Results are
resumable with a server of protocol 4: when the connection drops while a result streams,
the client resumes it after the last batch it received.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pyarrow as pa
import pyarrow.flight as flight
from google.protobuf.message import Message

from sparkflight.client.errors import (
    DetailsTrailers,
    PySparkValueError,
    SparkFlightException,
    claim,
    error_details,
    from_error_details,
    server_unavailable,
)
from sparkflight.client.progress import ProgressReporting
from sparkflight.client.results import Result
from sparkflight.plans import actions
from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf

#: The stream of an artifact upload: one binary column, each value a chunk of the file.
ARTIFACT_SCHEMA = pa.schema([pa.field("chunk", pa.binary(), nullable=False)])
#: Longest wait for the server to free a result the client is done with.
RELEASE_TIMEOUT_S = 10.0
R = TypeVar("R", bound=Message)
T = TypeVar("T")

#: URL parameters naming PEM files, and the ``FlightClient`` argument each one fills.
_PEM_PARAMETERS = {
    "tls_root_certs": "tls_root_certs",
    "tls_cert_chain": "cert_chain",
    "tls_private_key": "private_key",
}


def parse_remote(url: str) -> tuple[str, dict[str, Any]]:
    """The Flight location and ``FlightClient`` settings of a ``remote()`` URL.

    ``grpc://host:port`` or ``grpc+tls://host:port``, optionally followed by
    ``;key=value`` parameters as in Spark Connect URLs: ``tls_root_certs``,
    ``tls_cert_chain`` and ``tls_private_key`` name PEM files (a private CA, the client
    certificate of mutual TLS), ``token`` a bearer token. ``sc://host:port`` means
    ``grpc://host:port``, or ``grpc+tls://`` with ``use_ssl=true``.
    """
    location, *pairs = url.split(";")
    location = location.rstrip("/")
    parameters: dict[str, str] = {}
    for pair in filter(None, pairs):
        key, sep, value = pair.partition("=")
        if not sep:
            raise _bad_url(url, f"parameter {pair!r} is not key=value")
        parameters[key] = value
    use_ssl = parameters.pop("use_ssl", "false").lower() == "true"
    if location.startswith("sc://"):
        location = ("grpc+tls://" if use_ssl else "grpc://") + location[len("sc://") :]
    settings: dict[str, Any] = {}
    for key, argument in _PEM_PARAMETERS.items():
        if key in parameters:
            path = Path(parameters.pop(key))
            try:
                settings[argument] = path.read_bytes()
            except OSError as exc:
                raise _bad_url(url, f"cannot read {key} file {str(path)!r}: {exc}") from None
    if "token" in parameters:
        settings["token"] = parameters.pop("token")
    if parameters:
        raise _bad_url(url, f"unknown parameters {sorted(parameters)}")
    return location, settings


def _bad_url(url: str, problem: str) -> PySparkValueError:
    return PySparkValueError(
        errorClass="INVALID_CONNECT_URL",
        messageParameters={"detail": problem},
    )


def _blocking(call: Callable[[], T]) -> T:
    """``call()``, run so that Ctrl-C reaches the main thread while Flight's C++ code blocks.

    Flight calls do not return to Python on a signal; on the main thread the call runs in
    a helper thread while the main thread waits, where ``KeyboardInterrupt`` can arrive.
    """
    if threading.current_thread() is not threading.main_thread():
        return call()
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
            failure.append(claim(exc))  # the server's details arrived on this thread
        finally:
            done.set()

    threading.Thread(target=run, name="sparkflight-call", daemon=True).start()
    done.wait()
    if failure:
        raise failure[0]
    return outcome[0]


class Connection:
    """A Flight client bound to one server session (or the default session)."""

    def __init__(
        self,
        url: str,
        client: flight.FlightClient | None = None,
        *,
        token: str | None = None,
        **client_settings: Any,
    ) -> None:
        """``client_settings`` are ``FlightClient`` arguments (``tls_root_certs``, ...)."""
        self.url = url
        if client is None:
            middleware = [DetailsTrailers(), *client_settings.pop("middleware", [])]
            client_settings["middleware"] = middleware
            client = flight.FlightClient(url, **client_settings)
        self._client = client
        #: The bearer token every call carries (None: no ``authorization`` header).
        self.token = token
        self._client_settings = client_settings
        #: Clients of the other services holding parts of results, by location.
        self._clients: dict[str, flight.FlightClient] = {}
        self._thread = threading.local()
        self.session_id: str | None = None
        self.progress: ProgressReporting | None = None
        #: Whether results are read resumably (the server speaks protocol 4 or newer).
        self.resumable = False
        #: Whether results read to the end are freed by the next call's headers (protocol
        #: 9 or newer) rather than by a ``result.release`` call of their own.
        self.release_in_headers = False
        #: Whether resume tickets are tagged with their kind (a server of protocol 11 or
        #: newer); a session's handshake sets it false for an older server.
        self.tagged_tickets = True
        #: Whether large results are read in parts from their endpoints (protocol 12).
        self.parts = False
        self._read: list[str] = []
        self._read_lock = threading.Lock()

    @classmethod
    def open(cls, url: str) -> Connection:
        """A connection to a ``remote()`` URL (see :func:`parse_remote`)."""
        location, settings = parse_remote(url)
        return cls(location, **settings)

    @property
    def tags(self) -> set[str]:
        """The tags of this thread's operations on this connection (as PySpark, per thread)."""
        if not hasattr(self._thread, "tags"):
            self._thread.tags = set()
        return self._thread.tags

    def _progress(self, operation_id: str) -> AbstractContextManager[None]:
        """Progress reporting of operation ``operation_id`` while the block runs."""
        if self.progress is None:
            return nullcontext()
        return self.progress.operation(self, operation_id)

    def _options(
        self,
        operation_id: str | None = None,
        resumable: bool = False,
        timeout: float | None = None,
        parts: bool = False,
    ) -> flight.FlightCallOptions:
        headers: list[tuple[str, str]] = []
        if self.session_id is not None:
            headers.append((wire.SESSION, self.session_id))
        if self.token is not None:
            headers.append(("authorization", f"Bearer {self.token}"))
        if operation_id is not None:
            headers.append((wire.OPERATION_ID, operation_id))
            headers += [(wire.TAG, quote(tag)) for tag in sorted(self.tags)]
        if resumable:
            headers.append((wire.RESUMABLE, "1"))
        if parts:
            headers.append((wire.PARTS, "1"))
        with self._read_lock:
            read, self._read = self._read, []
        headers += [(wire.RELEASE, result_id) for result_id in read]
        encoded = [(name.encode(), value.encode()) for name, value in headers]
        return flight.FlightCallOptions(headers=encoded, timeout=timeout)

    @contextmanager
    def _interruptible(self, operation_id: str) -> Iterator[None]:
        """Ctrl-C in the block interrupts operation ``operation_id`` on the server."""
        try:
            yield
        except KeyboardInterrupt:
            with suppress(Exception):  # the server may be gone; Ctrl-C wins either way
                self.interrupt(sf.InterruptRequest(operation_id=operation_id))
            raise

    def interrupt(self, request: sf.InterruptRequest) -> list[str]:
        """Interrupt operations of the session; the ids of those that were running."""
        return list(self.action(actions.INTERRUPT, request).interrupted_ids)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn the server's errors into the PySpark exceptions their details name.

        The server answers with a Flight error, or with pyarrow's ``ArrowInvalid``,
        ``ArrowKeyError`` or ``ArrowNotImplementedError`` for the status codes that have
        no Flight error (``INVALID_ARGUMENT``, ...), its details in their trailer."""
        try:
            yield
        except (flight.FlightError, pa.ArrowException) as error:
            exception = self._exception(error)
            if exception is None:
                raise
            raise exception from None

    def _exception(self, error: BaseException) -> Exception | None:
        """The PySpark exception of a server's error; None for an Arrow error of the
        client's own (neither a Flight error nor one with the server's details)."""
        details = error_details(error)
        if details is not None:
            return from_error_details(details, self.stack_trace)
        if isinstance(error, flight.FlightUnavailableError):
            return server_unavailable(self.url, str(error))
        if isinstance(error, flight.FlightError):
            return SparkFlightException(
                errorClass="FLIGHT_ERROR", messageParameters={"detail": str(error)}
            )
        return None

    def stack_trace(self, error_id: str) -> str:
        """The server-side stack trace of a recent error (the ``error.stacktrace`` action)."""
        request = sf.StackTraceRequest(error_id=error_id)
        return self.action(actions.STACK_TRACE, request).stack_trace

    def _client_at(self, locations: list[str]) -> flight.FlightClient:
        """A Flight client of the service at the first of ``locations`` (this connection's
        own for none), with this connection's TLS settings."""
        if not locations:
            return self._client
        with self._read_lock:
            if locations[0] not in self._clients:
                self._clients[locations[0]] = flight.FlightClient(
                    locations[0], **self._client_settings
                )
            return self._clients[locations[0]]

    def do_get_at(self, locations: list[str], ticket: flight.Ticket) -> flight.FlightStreamReader:
        """Read an endpoint's ``ticket`` from the service at the first of ``locations``
        (this connection's server for none), with this connection's headers."""
        return self._client_at(locations).do_get(ticket, self._options())

    def for_session(self, session_id: str) -> Connection:
        """A connection sharing this one's Flight client, bound to ``session_id``."""
        connection = Connection(self.url, self._client, token=self.token)
        connection._client_settings = self._client_settings
        connection.session_id = session_id
        return connection

    def execute(self, plan: bytes) -> pa.Table:
        """Run a serialized plan and read its whole result."""
        operation_id = str(uuid.uuid4())
        with self._progress(operation_id), self._interruptible(operation_id), self._errors():
            result = _blocking(lambda: Result(self, plan, operation_id))
            with result:
                return _blocking(result.read_all)

    def stream(self, plan: bytes) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        """Run a serialized plan; its schema and its record batches as they arrive."""
        operation_id = str(uuid.uuid4())
        with ExitStack() as stack:
            stack.enter_context(self._progress(operation_id))
            with self._interruptible(operation_id), self._errors():
                result = _blocking(lambda: Result(self, plan, operation_id))
            progress = stack.pop_all()  # reported until the batches end

        def batches() -> Iterator[pa.RecordBatch]:
            with progress, result:
                while True:
                    with self._interruptible(operation_id), self._errors():
                        batch = _blocking(result.read_batch)
                    if batch is None:
                        break
                    yield batch

        return result.schema, batches()

    def do_get(
        self,
        ticket: flight.Ticket,
        operation_id: str | None = None,
        resumable: bool = False,
        parts: bool = False,
    ) -> flight.FlightStreamReader:
        """Start reading the result of ``ticket`` (a DoGet) with this connection's headers,
        as operation ``operation_id``, asking the server to hold it if ``resumable`` and
        taking a large result's endpoints if ``parts``."""
        options = self._options(operation_id, resumable=resumable, parts=parts)
        return self._client.do_get(ticket, options)

    def release_read(self, result_id: str) -> None:
        """Free a resumable result read to the end: at once, or with the next call's headers
        when the server takes them (it frees the result after its timeout otherwise)."""
        if not self.release_in_headers:
            self.release(result_id)
            return
        with self._read_lock:
            self._read.append(result_id)

    def release(self, result_id: str) -> bool:
        """Have the server free a resumable result at once (``result.release``); whether
        it still held it."""
        request = sf.ReleaseResultRequest(result_id=result_id)
        options = self._options(timeout=RELEASE_TIMEOUT_S)
        with self._errors():
            action = flight.Action(actions.RESULT_RELEASE.name, request.SerializeToString())
            results = list(self._client.do_action(action, options))
        response = sf.ReleaseResultResponse()
        if results:
            response.ParseFromString(results[0].body.to_pybytes())
        return response.released

    def action(self, action: actions.ActionType[R], body: Message | None) -> R:
        """Run an action and parse its one result into its response message; a ``command``
        runs as an operation."""
        payload = body.SerializeToString() if body is not None else b""
        operation_id = str(uuid.uuid4())
        with ExitStack() as stack:
            if action is actions.COMMAND:
                stack.enter_context(self._progress(operation_id))
                stack.enter_context(self._interruptible(operation_id))
            stack.enter_context(self._errors())
            options = self._options(operation_id)
            call = flight.Action(action.name, payload)
            results = _blocking(lambda: list(self._client.do_action(call, options)))
        message = action.response()
        if results:
            message.ParseFromString(results[0].body.to_pybytes())
        return message

    def _put(
        self, request: sf.UploadRequest, schema: pa.Schema, batches: Iterable[pa.RecordBatch]
    ) -> sf.UploadResponse:
        """Send ``batches`` with DoPut under ``request``; the server's answer."""
        descriptor = flight.FlightDescriptor.for_command(request.SerializeToString())
        with self._errors():
            writer, reader = self._client.do_put(descriptor, schema, self._options())
            for batch in batches:
                writer.write_batch(batch)
            writer.done_writing()
            metadata = reader.read()
            writer.close()
        answer = sf.UploadResponse()
        if metadata is not None:
            answer.ParseFromString(metadata.to_pybytes())
        return answer

    def upload(self, table: pa.Table, schema_json: str) -> str:
        """Upload ``table`` into the session with DoPut; the upload's id."""
        request = sf.UploadRequest(schema_json=schema_json)
        return self._put(request, table.schema, table.to_batches()).upload_id

    def upload_artifact(self, request: sf.ArtifactUpload, chunks: Iterable[bytes]) -> int:
        """Upload an artifact's bytes (``chunks``) into the session with DoPut; the number
        of bytes the server received."""
        batches = (
            pa.record_batch([pa.array([chunk], pa.binary())], schema=ARTIFACT_SCHEMA)
            for chunk in chunks
        )
        return self._put(sf.UploadRequest(artifact=request), ARTIFACT_SCHEMA, batches).bytes

    def close(self) -> None:
        for other in self._clients.values():
            other.close()
        self._client.close()
