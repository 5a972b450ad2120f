"""Flight SQL messages on the wire: commands wrapped in ``google.protobuf.Any``."""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf import any_pb2
from google.protobuf.message import DecodeError, Message

from sparkflight.plans import flight_sql_pb2 as fsql

#: Type URL prefix of every Flight SQL command.
TYPE_URL_PREFIX = "type.googleapis.com/arrow.flight.protocol.sql."

#: Flight SQL message classes by name (the part of the type URL after the package).
MESSAGES: dict[str, type[Message]] = {
    name: getattr(fsql, name) for name in fsql.DESCRIPTOR.message_types_by_name
}


@dataclass(frozen=True)
class Command:
    """A Flight SQL command: its name and, when this server knows it, its message."""

    name: str
    message: Message | None


def unpack(data: bytes) -> Command | None:
    """The Flight SQL command ``data`` holds, or None when it is no Flight SQL ``Any``.

    A known command whose body does not parse raises :class:`DecodeError`.
    """
    wrapper = any_pb2.Any()
    try:
        wrapper.ParseFromString(data)
    except DecodeError:
        return None
    if not wrapper.type_url.startswith(TYPE_URL_PREFIX):
        return None
    name = wrapper.type_url[len(TYPE_URL_PREFIX) :]
    message_class = MESSAGES.get(name)
    if message_class is None:
        return Command(name, None)
    message = message_class()
    message.ParseFromString(wrapper.value)
    return Command(name, message)


def pack(message: Message) -> bytes:
    """``message`` wrapped in a serialized ``Any``."""
    wrapper = any_pb2.Any()
    wrapper.Pack(message, type_url_prefix="type.googleapis.com/")
    return wrapper.SerializeToString()
