"""The protocol version both sides agree on, and what each version adds (docs/protocol.md).

The protocol version is an integer that grows by one whenever the wire gains something a
peer may rely on. Versions only add: every message, action and header of version N means
the same in version N + 1, so a peer simply leaves out what the other side's version lacks.
Each side states the oldest version of the other side it still works with.

:data:`FEATURES` is the one table of what each version adds; a client checks
``server_protocol >= FEATURE.version`` before it uses a feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Feature:
    """Something the wire gained in protocol ``version``; ``adds`` names its messages,
    actions and headers."""

    name: str
    version: int
    adds: str


BASE = Feature("plans", 1, "plans, sessions, actions, uploads, errors with ErrorDetails")
HANDSHAKE = Feature(
    "the version handshake",
    2,
    "OpenSessionRequest.protocol_version and client_version, SessionInfo's versions",
)
CALL_SITES = Feature(
    "call sites", 2, "CallSite in PlanId and in ErrorDetails (plan_id, call_site, error_id)"
)
OPERATION_HEADERS = Feature(
    "operation ids and tags", 2, "the x-sparkflight-operation-id and x-sparkflight-tag headers"
)
PROGRESS_REPORTS = Feature("progress", 2, "the progress action")
STACK_TRACES = Feature("server stack traces", 2, "the error.stacktrace action")
HTML_TABLES = Feature("HTML tables", 2, "ShowStringRelation.html")
OBSERVATIONS = Feature("observe", 3, "ObserveRelation and the observation action")
MERGE_INTO = Feature("mergeInto", 3, "CommandRequest.merge_into (MergeIntoCommand)")
RESUMABLE_RESULTS = Feature(
    "resumable results",
    4,
    "the x-sparkflight-resumable header, ResultBatch metadata, ResumeTicket, the "
    "result.release action",
)
PYTHON_FUNCTIONS = Feature(
    "Python functions",
    5,
    "PythonFunction, the python_udf expression, MapPartitionsRelation, GroupMapRelation, "
    "CoGroupMapRelation, PythonTableFunctionRelation, CommandRequest.register_function and "
    "CommandRequest.foreach",
)
ARTIFACTS = Feature("artifacts", 6, "UploadRequest.artifact, UploadResponse.bytes")
UDTF_TABLE_ARGUMENTS = Feature(
    "UDTF table arguments",
    7,
    "PythonTableFunctionRelation.table_arguments (TableArgument), arrow_udtf (eval type 302)",
)
STREAMING = Feature(
    "Structured Streaming",
    8,
    "StreamSourceRelation; the stream.start, stream.query and stream.manager actions",
)
RELEASE_HEADER = Feature(
    "results freed by header",
    9,
    "the x-sparkflight-release header: results read to the end, freed by the next call",
)
STATEFUL_GROUPS = Feature(
    "state per key",
    9,
    "StatefulGroupMapRelation (applyInPandasWithState, transformWithState, "
    "transformWithStateInPandas)",
)
PYTHON_DATA_SOURCES = Feature("Python data sources", 9, "CommandRequest.register_data_source")
PROFILES = Feature("UDF profiles", 9, "the profile action")
STREAM_LISTENERS = Feature(
    "streaming query listeners", 9, "the stream.events action, ClusterStatus.streaming_queries"
)
SUBTREES = Feature(
    "deep plans", 10, "Plan.relations with one root and ReferenceRel: subtrees that travel apart"
)
HEALTH_CHECKS = Feature(
    "health", 10, "the health action (HealthResponse), error class SPARK_STOPPED"
)
STATUS_CODES = Feature(
    "error status codes",
    10,
    "errors with the gRPC status codes of the error table, their ErrorDetails in the "
    "x-sparkflight-error-details-bin trailer",
)
NA_FUNCTIONS = Feature(
    "na.fill, na.drop and na.replace", 11, "FillNaRelation, DropNaRelation, ReplaceRelation"
)
UNPIVOT = Feature("unpivot", 11, "UnpivotRelation")
PARSE = Feature("reading a DataFrame of strings", 11, "ParseRelation")
AS_OF_JOIN = Feature("_joinAsOf", 11, "AsOfJoinRelation")
FOREACH_BATCH = Feature(
    "foreachBatch", 11, "MicroBatchRelation, ForeachBatchSetup, ForeachBatchCall, ForeachBatchDone"
)
TICKET_KINDS = Feature(
    "tagged tickets",
    11,
    "tickets the server issues, and resume tickets, say their kind (plans/tickets.py)",
)
RESULT_PARTS = Feature(
    "results in parts",
    12,
    "the x-sparkflight-parts header, ResultBatch.flight_info, PartTicket endpoints of "
    "GetFlightInfo, error classes PART_NOT_FOUND and INVALID_TICKET",
)

#: Every feature, in the order of their versions: the one table of what each version adds.
FEATURES: tuple[Feature, ...] = (
    BASE,
    HANDSHAKE,
    CALL_SITES,
    OPERATION_HEADERS,
    PROGRESS_REPORTS,
    STACK_TRACES,
    HTML_TABLES,
    OBSERVATIONS,
    MERGE_INTO,
    RESUMABLE_RESULTS,
    PYTHON_FUNCTIONS,
    ARTIFACTS,
    UDTF_TABLE_ARGUMENTS,
    STREAMING,
    RELEASE_HEADER,
    STATEFUL_GROUPS,
    PYTHON_DATA_SOURCES,
    PROFILES,
    STREAM_LISTENERS,
    SUBTREES,
    HEALTH_CHECKS,
    STATUS_CODES,
    NA_FUNCTIONS,
    UNPIVOT,
    PARSE,
    AS_OF_JOIN,
    FOREACH_BATCH,
    TICKET_KINDS,
    RESULT_PARTS,
)

#: The protocol version of this package: the newest version of :data:`FEATURES`.
PROTOCOL_VERSION = max(feature.version for feature in FEATURES)
#: The oldest server protocol version the client works with.
MIN_SERVER_PROTOCOL = 1
#: The oldest client protocol version the server works with.
MIN_CLIENT_PROTOCOL = 1

#: Extension relations whose message alone needs a feature (by full name): the client
#: sends them only to a server of that feature's version (features whose messages need
#: more, such as Python functions, are checked where the client builds them).
MESSAGE_FEATURES: dict[str, Feature] = {
    "sparkflight.v1.FillNaRelation": NA_FUNCTIONS,
    "sparkflight.v1.DropNaRelation": NA_FUNCTIONS,
    "sparkflight.v1.ReplaceRelation": NA_FUNCTIONS,
    "sparkflight.v1.UnpivotRelation": UNPIVOT,
    "sparkflight.v1.ParseRelation": PARSE,
    "sparkflight.v1.AsOfJoinRelation": AS_OF_JOIN,
    "sparkflight.v1.MicroBatchRelation": FOREACH_BATCH,
}


def effective(version: int) -> int:
    """A version as sent on the wire: 0 (unset, a peer older than the handshake) is 1."""
    return version or 1


def package_version() -> str:
    """The version of the installed sparkflight package."""
    try:
        return metadata.version("sparkflight")
    except metadata.PackageNotFoundError:
        return "unknown"
