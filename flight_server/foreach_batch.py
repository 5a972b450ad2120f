"""Streaming queries' ``foreachBatch`` functions, run in a process apart from the server.

Spark calls a query's foreachBatch callback on the driver, which is the server's process;
the user's function must not run there, where it could reach the server's memory (other
users' tokens, sessions and results). As Spark Connect does, the server starts a Python
process per query (:data:`RUNNER_MODULE`), hands it the pickled function unopened, and
for each micro-batch keeps the batch's DataFrame in the session's planner under an id
(:data:`BATCH_PREFIX`) while the process calls the function with a DataFrame of the
query's session that names it (``MicroBatchRelation``). The process reaches the server as
a client on this machine (:class:`Loopback`), as the session's user. The messages it is
sent and answers are ``ForeachBatchSetup``, ``ForeachBatchCall`` and ``ForeachBatchDone``
(plans/sparkflight.proto), each preceded by its length.
"""

from __future__ import annotations

import ipaddress
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from google.protobuf.message import Message
from pyspark.sql import DataFrame
from pyspark.sql.streaming import StreamingQuery

from sparkflight.flight_server.connect import planner
from sparkflight.flight_server.errors import INTERNAL_ERROR, INVALID_PLAN, SparkFlightError
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.framing import read_message, write_message

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

#: The module the server runs (``python -m``) to call a query's function.
RUNNER_MODULE = "sparkflight.client.streaming.foreach_batch"
#: How the ids of micro-batches kept for a function begin.
BATCH_PREFIX = "sparkflight-batch-"
#: A process's bearer token is renewed once it is this old (tokens outlive it well).
TOKEN_RENEWAL_S = 600.0
#: The longest wait for a process to load the function before the query is refused.
SETUP_TIMEOUT_S = 120.0

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loopback:
    """How a process beside the server reaches the server as a client: a location on
    this machine, and how to give a user a bearer token (None without authentication)."""

    location: str
    issue_token: Callable[[str], str] | None = None
    session_info: Callable[[], sf.SessionInfo] = field(default=sf.SessionInfo)

    def token(self, user: str) -> str:
        return self.issue_token(user) if self.issue_token is not None else ""


def loopback_location(location: str, port: int) -> str:
    """The location on this machine of a server bound to ``location`` on ``port``: a
    wildcard address is reached on loopback."""
    scheme, _, rest = location.partition("://")
    host = rest.rsplit(":", 1)[0].strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"{scheme}://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    text = f"[{address}]" if address.version == 6 else str(address)
    return f"{scheme}://{text}:{port}"


class BatchRunner:
    """The process that calls one query's ``foreachBatch`` function; Spark calls the
    runner itself with each micro-batch."""

    def __init__(self, session: Session, function: sf.PythonFunction, loopback: Loopback):
        self._session = session
        self._loopback = loopback
        self._name = function.name or "<unnamed>"
        self._lock = threading.Lock()
        self._token_at = time.monotonic()
        info = loopback.session_info()
        # A default session is reached by naming none (each user has their own).
        info.session_id = "" if session.is_default else session.id
        setup = sf.ForeachBatchSetup(
            location=loopback.location,
            token=loopback.token(session.user),
            session=info,
            function=function,
        )
        self._process = subprocess.Popen(
            [sys.executable, "-m", RUNNER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        timer = threading.Timer(SETUP_TIMEOUT_S, self.close)
        timer.start()
        try:
            done = self._exchange(setup)
        except RuntimeError as exc:
            self.close()
            raise SparkFlightError(INTERNAL_ERROR, str(exc), function=self._name) from None
        finally:
            timer.cancel()
        if done.error:
            self.close()
            raise SparkFlightError(INVALID_PLAN, done.error, function=self._name)

    def _exchange(self, message: Message) -> sf.ForeachBatchDone:
        """Send ``message`` and wait for the process's answer."""
        assert self._process.stdin is not None and self._process.stdout is not None
        try:
            write_message(self._process.stdin, message)
            done = read_message(self._process.stdout, sf.ForeachBatchDone)
        except (OSError, ValueError):
            done = None
        if done is None:
            code = self._process.poll()
            ended = "was stopped" if code is None or code < 0 else f"exited with status {code}"
            raise RuntimeError(
                f"the process running the foreachBatch function {self._name!r} {ended}"
            )
        return done

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        with self._lock, planner.cached(self._session, batch, BATCH_PREFIX) as relation:
            call = sf.ForeachBatchCall(
                relation_id=relation.cached_remote_relation.relation_id, batch_id=batch_id
            )
            if time.monotonic() - self._token_at > TOKEN_RENEWAL_S:
                call.token = self._loopback.token(self._session.user)
                self._token_at = time.monotonic()
            done = self._exchange(call)
        if done.error:
            raise RuntimeError(
                f"the foreachBatch function {self._name!r} failed on batch {batch_id}:\n"
                f"{done.error}"
            )

    def close(self) -> None:
        """End the process (a call in progress fails)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    _log.debug("closing a pipe of a foreachBatch process failed")


class _Runners:
    """The runners of running queries, by query id; a runner ends with its query's stop,
    its session's release, or once its query is no longer active."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runners: dict[str, tuple[StreamingQuery, BatchRunner]] = {}

    def keep(self, query: StreamingQuery, runner: BatchRunner) -> None:
        with self._lock:
            ended = [k for k, (q, _) in self._runners.items() if not q.isActive]
            finished = [self._runners.pop(k)[1] for k in ended]
            self._runners[query.id] = (query, runner)
        for done in finished:
            done.close()

    def end(self, query_id: str) -> None:
        """End the runner of query ``query_id``, if it has one."""
        with self._lock:
            entry = self._runners.pop(query_id, None)
        if entry is not None:
            entry[1].close()


RUNNERS = _Runners()
