"""DoGet tickets, whose kind the ticket itself tells (docs/protocol.md, "Tickets").

A ticket of a kind of the server's own (one it issues, or a resume ticket for a result it
holds) is the byte ``0x00``, the kind's name in ASCII, the byte ``0x00``, then the kind's
body. No serialized protobuf message starts with ``0x00`` (field number 0 is invalid), so
any other ticket is the untagged default: a serialized Substrait ``Plan``, as any Flight
client or other Substrait producer sends it, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The first byte of a tagged ticket, and the end of its kind's name.
TAG = b"\x00"

#: The untagged default: a serialized Substrait ``Plan``.
PLAN = "plan"
#: A serialized ``ResumeTicket``: resume a held result (protocol 11; clients of protocol 4
#: to 10 send an untagged ``Any`` of type :data:`LEGACY_RESUME_TYPE_URL` instead).
RESUME = "resume"
#: A Flight SQL message in a ``google.protobuf.Any``, whose type URL names it: a
#: ``TicketStatementQuery`` (one endpoint of the result of a statement, a prepared
#: statement or a Substrait plan) or a metadata command (``CommandGetTables``, ...).
FLIGHT_SQL = "flight-sql"
#: A serialized ``PartTicket``: one part of a result computed in parts, signed by the
#: server that computed it, served once by the server or the ``sparkflight worker``
#: holding it (protocol 12).
PART = "part"

#: Every ticket kind, with what its body is.
TICKET_KINDS: dict[str, str] = {
    PLAN: "a serialized substrait.Plan (untagged)",
    RESUME: "a serialized sparkflight.v1.ResumeTicket",
    FLIGHT_SQL: "a Flight SQL TicketStatementQuery or metadata command in a google.protobuf.Any",
    PART: "a serialized sparkflight.v1.PartTicket",
}

#: Type URL of the ``Any`` in which clients of protocol 4 to 10 send a ``ResumeTicket``.
LEGACY_RESUME_TYPE_URL = "type.googleapis.com/sparkflight.v1.ResumeTicket"


@dataclass(frozen=True)
class Ticket:
    """A ticket's kind (one of :data:`TICKET_KINDS`, or a name no kind has) and body."""

    kind: str
    body: bytes


def tagged(kind: str, body: bytes) -> bytes:
    """The ticket of ``kind`` (not :data:`PLAN`, whose ticket is its body) holding ``body``."""
    return TAG + kind.encode("ascii") + TAG + body


def read_ticket(ticket: bytes) -> Ticket:
    """What ``ticket`` says it is: a tagged kind and its body, else a plan."""
    if not ticket.startswith(TAG):
        return Ticket(PLAN, ticket)
    kind, _, body = ticket[len(TAG) :].partition(TAG)
    return Ticket(kind.decode("ascii", errors="replace"), body)
