"""Limits that keep one client from taking more than its share of the server.

The command line reads the defaults, so this module imports nothing of pyspark's.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from google.protobuf import any_pb2, symbol_database
from google.protobuf.message import DecodeError, Message

if TYPE_CHECKING:
    from sparkflight.flight_server.errors import SparkFlightError

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one user, session, request or result may take; ``None`` means unlimited."""

    sessions_per_user: int | None = 100
    queries_per_session: int | None = 16
    upload_bytes: int | None = 1024 * _MIB
    plan_bytes: int | None = 128 * _MIB
    #: Nesting of messages in a plan, counting the typed messages inside ``Any`` details.
    plan_depth: int | None = 10_000
    result_bytes: int | None = None
    #: Seconds a query or command may run before it is interrupted.
    query_seconds: float | None = None
    #: Seconds a session may stay unused before it is closed; ``None`` keeps it forever.
    session_idle_seconds: float | None = 3600.0
    #: Seconds a resumable result whose call dropped waits for a resume before it is
    #: cancelled and freed; ``None`` makes no result resumable.
    resume_seconds: float | None = 60.0
    #: Arrow bytes of the last batches sent that a resumable result keeps for a resume.
    replay_window_bytes: int = 64 * _MIB
    #: Whether plans may carry Python functions (UDFs, mapInPandas, ...), which run the
    #: client's code on the server and its cluster.
    python: bool = True
    #: Whether a session's streaming queries keep running once the session is closed or
    #: expires (by default they stop with it).
    keep_streams: bool = False
    #: Restricted mode for untrusted users (flight_server/restrictions.py): no user code
    #: of any kind (it implies ``python=False``), files only through the catalog or under
    #: ``allow_paths``, no setting that reaches code or files.
    restricted: bool = False
    #: Directories (or URI prefixes) whose files restricted mode lets plans read and write.
    allow_paths: tuple[str, ...] = ()
    #: UTF-8 bytes of one SQL text (a statement, or an expression string).
    sql_bytes: int | None = 1 * _MIB
    #: Nesting of parentheses and CASE expressions in one SQL text: Spark's parser takes
    #: time that grows steeply with it (a second at 1000 levels, minutes beyond 2000).
    sql_depth: int | None = 500

    def __post_init__(self) -> None:
        if self.restricted and self.python:
            object.__setattr__(self, "python", False)


def exceeded(name: str, limit: float, what: str) -> SparkFlightError:
    """The error of a request that would cross limit ``name``."""
    from sparkflight.flight_server.errors import LIMIT_EXCEEDED, SparkFlightError

    return SparkFlightError(
        LIMIT_EXCEEDED,
        f"{what} exceeds the server's limit {name}={limit:g}",
        limit=name,
        value=f"{limit:g}",
    )


def check_at_most(name: str, limit: float | None, value: float, what: str) -> None:
    """Raise the ``LIMIT_EXCEEDED`` error when ``value`` is above ``limit``."""
    if limit is not None and value > limit:
        raise exceeded(name, limit, what)


def _typed(detail: any_pb2.Any) -> Message | None:
    """The message inside an ``Any`` when its type is known and it parses."""
    try:
        message = symbol_database.Default().GetSymbol(detail.TypeName())()
        return message if detail.Unpack(message) else None
    except (KeyError, DecodeError):
        return None


def message_depth(root: Message, limit: int) -> int:
    """The nesting depth of ``root`` (1 for a message without submessages), looking into
    ``Any`` details; stops counting past ``limit``. Walks iteratively: any depth is safe."""
    deepest = 0
    pending: deque[tuple[Message, int]] = deque([(root, 1)])
    while pending:
        message, depth = pending.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(message, any_pb2.Any):
            inner = _typed(message)
            if inner is not None:
                pending.append((inner, depth + 1))
            continue
        for descriptor, value in message.ListFields():
            if descriptor.message_type is None:
                continue
            if descriptor.message_type.GetOptions().map_entry:
                value_field = descriptor.message_type.fields_by_name["value"]
                values = list(value.values()) if value_field.message_type is not None else []
            elif descriptor.is_repeated:
                values = value
            else:
                values = [value]
            pending.extend((v, depth + 1) for v in values)
    return deepest
