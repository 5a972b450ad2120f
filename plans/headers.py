"""The names of sparkflight's call headers, trailers and cookie (docs/protocol.md).

Header names are lowercase ASCII, as gRPC sends them; a ``-bin`` trailer carries bytes.
"""

from __future__ import annotations

#: Request header naming the session a call belongs to.
SESSION = "x-sparkflight-session"
#: Request header with the id the client gives the operation a call starts (protocol 2).
OPERATION_ID = "x-sparkflight-operation-id"
#: Request header, repeated once per tag (percent-encoded), with the tags of the operation
#: a call starts (protocol 2).
TAG = "x-sparkflight-tag"
#: Request header (``1``) asking that a DoGet's result be resumable (protocol 4).
RESUMABLE = "x-sparkflight-resumable"
#: Request header, repeated once per result, naming resumable results the client has read
#: to the end: the server frees them before handling the call (protocol 9).
RELEASE = "x-sparkflight-release"
#: Request header: the client reads a large result in parts, from its endpoints.
PARTS = "x-sparkflight-parts"

#: Every request header of the protocol, with what it says.
REQUEST_HEADERS: dict[str, str] = {
    SESSION: "the session of the call",
    OPERATION_ID: "the id of the operation the call starts",
    TAG: "a tag of the operation the call starts, percent-encoded (repeated)",
    RESUMABLE: "1: the DoGet's result is to be resumable",
    RELEASE: "a resumable result read to the end, to be freed (repeated)",
    PARTS: "1: a large result may be answered with the endpoints of its parts",
}

#: Trailer of every error: the serialized ``ErrorDetails``.
DETAILS_TRAILER = "x-sparkflight-error-details-bin"
#: Trailers of every error for Flight SQL clients (which show trailers as error details):
#: the error class and the SQLSTATE as text.
ERROR_CLASS_TRAILER = "x-sparkflight-error-class"
SQLSTATE_TRAILER = "x-sparkflight-sqlstate"

#: Every error trailer of the protocol, with what it carries.
TRAILERS: dict[str, str] = {
    DETAILS_TRAILER: "the serialized ErrorDetails",
    ERROR_CLASS_TRAILER: "the error class, as text",
    SQLSTATE_TRAILER: "the SQLSTATE, as text",
}

#: Cookie naming the session of a Flight SQL client (the name Flight's specification
#: suggests).
SESSION_COOKIE = "arrow_flight_session_id"
