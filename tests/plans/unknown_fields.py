"""Build messages that carry fields the current Substrait protobufs do not declare."""

from __future__ import annotations

from typing import TypeVar

from google.protobuf.message import Message

VARINT = 0
LENGTH_DELIMITED = 2

M = TypeVar("M", bound=Message)


def varint(value: int) -> bytes:
    """The protobuf varint encoding of ``value`` (negative values as 64-bit two's complement)."""
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, value: int | bytes | Message) -> bytes:
    """One encoded field: a varint for an int, length-delimited for bytes or a message."""
    if isinstance(value, int):
        return varint(number << 3 | VARINT) + varint(value)
    if isinstance(value, Message):
        value = value.SerializeToString()
    return varint(number << 3 | LENGTH_DELIMITED) + varint(len(value)) + value


def with_fields(message: M, *fields: bytes) -> M:
    """A copy of ``message`` with the encoded ``fields`` appended to its wire form."""
    copy = type(message)()
    copy.ParseFromString(message.SerializeToString() + b"".join(fields))
    return copy
