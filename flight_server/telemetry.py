"""What the server tells its operators: one structured log line per request, and metrics.

Every call gets a :class:`CallRecord` through :class:`TelemetryMiddlewareFactory`; the
handlers fill in what only they know (the action, rows and bytes streamed), and when the
call completes the record is logged as one JSON line on the ``sparkflight.flight_server.requests``
logger and counted in the server's Prometheus registry.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol
from wsgiref.simple_server import WSGIServer

import pyarrow.flight as fl
from google.protobuf.message import DecodeError
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from sparkflight.flight_server.errors import OUTCOME_ATTRIBUTE
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


class Metrics:
    """The server's Prometheus metrics, in a registry of its own."""

    def __init__(
        self,
        active_sessions: Callable[[], int],
        active_queries: Callable[[], int],
        held: Callable[[], Sequence[HeldResultLike]] = list,
    ):
        self.registry = CollectorRegistry()
        self._http: WSGIServer | None = None
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

    def observe(self, record: CallRecord) -> None:
        self.requests.labels(record.method, record.outcome).inc()
        if record.outcome != "ok":
            self.errors.labels(record.method).inc()
        self.latency.labels(record.method).observe(record.duration_ms / 1000)
        if record.rows or record.bytes:
            self.rows.labels(record.method).inc(record.rows)
            self.bytes.labels(record.method).inc(record.bytes)

    def serve(self, host: str, port: int) -> int:
        """Serve the metrics over HTTP at ``host:port``; the port it listens on."""
        self._http, _ = start_http_server(port, addr=host, registry=self.registry)
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
        return TelemetryMiddleware(CallRecord(_METHODS.get(info.method, "UNKNOWN")), self.metrics)
