"""What the server tells its operators: one structured log line per request, metrics and
health probes.

Every call gets a :class:`CallRecord` through :class:`TelemetryMiddlewareFactory`; the
handlers fill in what only they know (the action, rows and bytes streamed), and when the
call completes the record is logged as one JSON line on the ``sparkflight.flight_server.requests``
logger and counted in the server's Prometheus registry. The metrics port serves the
registry and the probes of flight_server/health.py (``/healthz``, ``/readyz``).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from socketserver import ThreadingMixIn
from typing import Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pyarrow.flight as fl
from google.protobuf.message import DecodeError
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app

from sparkflight.flight_server.errors import OUTCOME_ATTRIBUTE
from sparkflight.flight_server.health import Health, with_probes
from sparkflight.plans import sparkflight_pb2 as sf

_log = logging.getLogger("sparkflight.flight_server.requests")

#: Key of the telemetry middleware in a call's context.
TELEMETRY_MIDDLEWARE = "sparkflight-telemetry"


@dataclass
class CallRecord:
    """One request, as its log line shows it."""

    method: str
    user: str = ""
    session: str = ""
    operation: str = ""
    action: str = ""
    rows: int = 0
    bytes: int = 0
    outcome: str = "ok"
    duration_ms: float = 0.0
    #: Of ``duration_ms``, the time spent translating the call's plan and having Spark
    #: plan and analyse it (``DoGet``).
    plan_ms: float = 0.0
    started: float = field(default_factory=time.monotonic, repr=False)

    def line(self) -> str:
        fields = asdict(self)
        del fields["started"]
        return json.dumps(fields, separators=(",", ":"))


def outcome(error: BaseException | None) -> str:
    """``ok``, or the error class a failed call answered with."""
    if error is None:
        return "ok"
    named = getattr(error, OUTCOME_ATTRIBUTE, None)
    if named:
        return str(named)
    extra = getattr(error, "extra_info", None) or b""
    details = sf.ErrorDetails()
    try:
        details.ParseFromString(extra)
    except DecodeError:
        details.Clear()
    return details.error_class or details.exception_class or type(error).__name__


class HeldResultLike(Protocol):
    """What the metrics read of a held result (flight_server/resume.py)."""

    window_bytes: int


class _HttpServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Probes and scrapes are not logged."""


class Metrics:
    """The server's Prometheus metrics, in a registry of its own, and the calls in flight;
    ``health`` is what the HTTP probes answer."""

    def __init__(
        self,
        active_sessions: Callable[[], int],
        active_queries: Callable[[], int],
        held: Callable[[], Sequence[HeldResultLike]] = list,
        *,
        health: Callable[[], Health],
    ):
        self.registry = CollectorRegistry()
        self._http: WSGIServer | None = None
        self._health = health
        self._in_flight = 0
        self._in_flight_lock = threading.Lock()
        r = self.registry
        self.requests = Counter(
            "sparkflight_requests",
            "Requests by method and outcome",
            ["method", "outcome"],
            registry=r,
        )
        self.errors = Counter(
            "sparkflight_request_errors", "Failed requests by method", ["method"], registry=r
        )
        self.latency = Histogram(
            "sparkflight_request_duration_seconds", "Request duration", ["method"], registry=r
        )
        self.rows = Counter(
            "sparkflight_rows",
            "Rows streamed (DO_GET results, DO_PUT uploads)",
            ["method"],
            registry=r,
        )
        self.bytes = Counter(
            "sparkflight_bytes", "Arrow bytes streamed (DO_GET, DO_PUT)", ["method"], registry=r
        )
        sessions = Gauge("sparkflight_active_sessions", "Open client sessions", registry=r)
        sessions.set_function(active_sessions)
        queries = Gauge("sparkflight_active_queries", "Running operations", registry=r)
        queries.set_function(active_queries)
        results = Gauge(
            "sparkflight_held_results", "Results held for a resume (resumable DoGets)", registry=r
        )
        results.set_function(lambda: len(held()))
        window = Gauge(
            "sparkflight_held_result_bytes",
            "Arrow bytes in the replay windows of held results",
            registry=r,
        )
        window.set_function(lambda: sum(result.window_bytes for result in held()))
        calls = Gauge("sparkflight_calls_in_flight", "Flight calls being served", registry=r)
        calls.set_function(self.calls_in_flight)

    def calls_in_flight(self) -> int:
        """The Flight calls started and not completed."""
        return self._in_flight

    def started(self) -> None:
        """Note that a call started (:meth:`observe` notes its end)."""
        with self._in_flight_lock:
            self._in_flight += 1

    def observe(self, record: CallRecord) -> None:
        with self._in_flight_lock:
            self._in_flight -= 1
        self.requests.labels(record.method, record.outcome).inc()
        if record.outcome != "ok":
            self.errors.labels(record.method).inc()
        self.latency.labels(record.method).observe(record.duration_ms / 1000)
        if record.rows or record.bytes:
            self.rows.labels(record.method).inc(record.rows)
            self.bytes.labels(record.method).inc(record.bytes)

    def serve(self, host: str, port: int) -> int:
        """Serve the metrics (``/metrics``) and the health probes (``/healthz``,
        ``/readyz``) over HTTP at ``host:port``; the port it listens on."""
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        server = type("HttpServer", (_HttpServer,), {"address_family": family})
        app = with_probes(make_wsgi_app(self.registry), self._health)
        self._http = make_server(host, port, app, server, handler_class=_QuietHandler)
        threading.Thread(
            target=self._http.serve_forever, name="sparkflight-http", daemon=True
        ).start()
        return self._http.server_port

    def close(self) -> None:
        """Stop serving the metrics over HTTP."""
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None


class TelemetryMiddleware(fl.ServerMiddleware):
    """Holds a call's record; logs and counts it when the call completes."""

    def __init__(self, record: CallRecord, metrics: Metrics) -> None:
        self.record = record
        self._metrics = metrics

    def call_completed(self, exception: BaseException | None) -> None:
        record = self.record
        record.duration_ms = round((time.monotonic() - record.started) * 1000, 3)
        record.outcome = outcome(exception)
        _log.info(record.line())
        self._metrics.observe(record)


_METHODS = {method: method.name for method in fl.FlightMethod}


class TelemetryMiddlewareFactory(fl.ServerMiddlewareFactory):
    """Starts a :class:`CallRecord` for every call."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def start_call(self, info: fl.CallInfo, headers: dict[str, list[str]]) -> TelemetryMiddleware:
        self.metrics.started()
        return TelemetryMiddleware(CallRecord(_METHODS.get(info.method, "UNKNOWN")), self.metrics)
