"""sparkflight's DoAction types, each with its request and response message (docs/protocol.md).

An action's body is its serialized request (empty when it takes none) and its one result
the serialized response. Flight SQL's own action types are Flight SQL's contract, not
listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from google.protobuf.message import Message

from sparkflight.plans import protocol
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import Feature

R = TypeVar("R", bound=Message)


@dataclass(frozen=True)
class ActionType(Generic[R]):
    """An action: its type name, request (None: an empty body) and response messages, the
    feature that brought it and what it does."""

    name: str
    request: type[Message] | None
    response: type[R]
    feature: Feature
    description: str


SESSION_OPEN = ActionType(
    "session.open", sf.OpenSessionRequest, sf.SessionInfo, protocol.BASE, "Open a session"
)
SESSION_CLOSE = ActionType(
    "session.close",
    sf.CloseSessionRequest,
    sf.CommandResponse,
    protocol.BASE,
    "Close a session and drop its uploads",
)
CONFIG = ActionType(
    "config", sf.ConfigRequest, sf.ConfigResponse, protocol.BASE, "Get, set or unset SQL conf"
)
ANALYZE = ActionType(
    "analyze",
    sf.AnalyzeRequest,
    sf.AnalyzeResponse,
    protocol.BASE,
    "Schema, explain text and other facts of a plan",
)
COMMAND = ActionType(
    "command",
    sf.CommandRequest,
    sf.CommandResponse,
    protocol.BASE,
    "Create a view, write data or run an SQL command",
)
INTERRUPT = ActionType(
    "interrupt",
    sf.InterruptRequest,
    sf.InterruptResponse,
    protocol.BASE,
    "Cancel running operations of the session",
)
PROGRESS = ActionType(
    "progress",
    sf.ProgressRequest,
    sf.ProgressResponse,
    protocol.PROGRESS_REPORTS,
    "Stages, tasks, rows and bytes of a running or recently ended operation",
)
PROFILE = ActionType(
    "profile",
    sf.ProfileRequest,
    sf.ProfileResponse,
    protocol.PROFILES,
    "The UDF profiles of the session's Python functions, cleared first if asked",
)
OBSERVATION = ActionType(
    "observation",
    sf.ObservationRequest,
    sf.ObservationResponse,
    protocol.OBSERVATIONS,
    "The metrics of an Observation once an action ran its plan",
)
RESULT_RELEASE = ActionType(
    "result.release",
    sf.ReleaseResultRequest,
    sf.ReleaseResultResponse,
    protocol.RESUMABLE_RESULTS,
    "Free a resumable result once read or abandoned: its replay window, and its query if "
    "it still runs",
)
STREAM_START = ActionType(
    "stream.start",
    sf.StreamStartRequest,
    sf.StreamingQueryInfo,
    protocol.STREAMING,
    "Start a streaming query in the session",
)
STREAM_QUERY = ActionType(
    "stream.query",
    sf.StreamQueryRequest,
    sf.StreamQueryResponse,
    protocol.STREAMING,
    "Status, progress, failure, waits, stop and explain of a streaming query of the session",
)
STREAM_MANAGER = ActionType(
    "stream.manager",
    sf.StreamManagerRequest,
    sf.StreamManagerResponse,
    protocol.STREAMING,
    "The session's streaming queries: active, get, awaitAnyTermination, resetTerminated",
)
STREAM_EVENTS = ActionType(
    "stream.events",
    sf.StreamEventsRequest,
    sf.StreamEventsResponse,
    protocol.STREAM_LISTENERS,
    "The session's streaming query events for its listeners: subscribe, poll after a "
    "cursor, unsubscribe",
)
STACK_TRACE = ActionType(
    "error.stacktrace",
    sf.StackTraceRequest,
    sf.StackTraceResponse,
    protocol.STACK_TRACES,
    "The server-side stack trace of a recent error",
)
VERSION = ActionType(
    "version", None, sf.SessionInfo, protocol.BASE, "Protocol, Spark and server versions"
)
STATUS = ActionType(
    "status",
    None,
    sf.ClusterStatus,
    protocol.BASE,
    "The Spark application, its executors and the cluster",
)
HEALTH = ActionType(
    "health",
    None,
    sf.HealthResponse,
    protocol.HEALTH_CHECKS,
    "Whether Spark's JVM and context run (live) and the server takes new calls (ready), "
    "and why not",
)
LOGOUT = ActionType(
    "logout",
    None,
    sf.CommandResponse,
    protocol.BASE,
    "End the token the call authenticated with",
)

#: Every action of the protocol, by type name.
ACTIONS: dict[str, ActionType] = {
    action.name: action
    for action in (
        SESSION_OPEN,
        SESSION_CLOSE,
        CONFIG,
        ANALYZE,
        COMMAND,
        INTERRUPT,
        PROGRESS,
        PROFILE,
        OBSERVATION,
        RESULT_RELEASE,
        STREAM_START,
        STREAM_QUERY,
        STREAM_MANAGER,
        STREAM_EVENTS,
        STACK_TRACE,
        VERSION,
        STATUS,
        HEALTH,
        LOGOUT,
    )
}


def described(action: ActionType) -> str:
    """What an action does, with its request and response (as ``ListActions`` says)."""
    request = f"{action.request.DESCRIPTOR.name} " if action.request is not None else ""
    return f"{action.description} ({request}-> {action.response.DESCRIPTOR.name})"
