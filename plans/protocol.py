"""The protocol version both sides agree on (docs/protocol.md).

The protocol version is an integer that grows by one whenever the wire gains something a
peer may rely on. Versions only add: every message, action and header of version N means
the same in version N + 1, so a peer simply leaves out what the other side's version lacks.
Each side states the oldest version of the other side it still works with.
"""

from __future__ import annotations

from importlib import metadata

#: 1: plans, sessions, actions, errors. 2: version handshake, call sites in plan ids and
#: errors, the ``progress`` and ``error.stacktrace`` actions, HTML tables. 3: observed
#: metrics (``ObserveRelation``, the ``observation`` action), MERGE INTO commands.
#: 4: resumable results (the ``x-sparkflight-resumable`` header, ``ResumeTicket``,
#: ``ResultBatch`` metadata, the ``result.release`` action).
#: 5: Python functions (``PythonFunction``: UDFs, UDTFs, mapInPandas, applyInPandas,
#: cogroup, foreach, registration).
#: 6: artifacts (``UploadRequest.artifact``: files for the session's Python workers).
#: 7: table arguments of Python UDTFs (``PythonTableFunctionRelation.table_arguments``)
#: and arrow_udtf (eval type 302).
#: 8: Structured Streaming (``StreamSourceRelation``, the ``stream.start``,
#: ``stream.query`` and ``stream.manager`` actions).
#: 9: the ``x-sparkflight-release`` header (results read to the end, freed by a later call),
#: state per key (``StatefulGroupMapRelation``), Python data sources, the ``profile``
#: action, the ``stream.events`` action (streaming query listeners) and
#: ``ClusterStatus.streaming_queries``.
#: 10: plans whose subtrees travel apart (``Plan.relations`` with one root, and
#: ``ReferenceRel``), for plans nested deeper than protobuf parses; the ``health`` action
#: (``HealthResponse``) and the ``SPARK_STOPPED`` error of a server whose Spark has
#: stopped; errors with the gRPC status codes of the error table, their ``ErrorDetails``
#: in the ``x-sparkflight-error-details-bin`` trailer (older clients get ``UNKNOWN``
#: errors with the details in ``extra_info``, as before).
#: 11: results in parts: the ``x-sparkflight-parts`` header, ``ResultBatch.flight_info``,
#: ``PartTicket`` endpoints of GetFlightInfo; error classes ``PART_NOT_FOUND`` and
#: ``INVALID_TICKET``.
PROTOCOL_VERSION = 11


def effective(version: int) -> int:
    """A version as sent on the wire: 0 (unset, a peer older than the handshake) is 1."""
    return version or 1


def package_version() -> str:
    """The version of the installed sparkflight package."""
    try:
        return metadata.version("sparkflight")
    except metadata.PackageNotFoundError:
        return "unknown"
