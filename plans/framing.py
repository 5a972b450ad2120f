"""Length-prefixed protobuf messages over a byte stream (a pipe): each message is preceded
by its length, 4 bytes big-endian. The server and its foreachBatch process speak it."""

from __future__ import annotations

import struct
from typing import IO, TypeVar

from google.protobuf.message import Message

M = TypeVar("M", bound=Message)
_LENGTH = struct.Struct(">I")


def write_message(stream: IO[bytes], message: Message) -> None:
    """Write ``message`` to ``stream``, preceded by its length."""
    body = message.SerializeToString()
    stream.write(_LENGTH.pack(len(body)) + body)
    stream.flush()


def read_message(stream: IO[bytes], message_type: type[M]) -> M | None:
    """The next message of ``stream``; None at its end (or a message cut short)."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return message_type.FromString(body)
