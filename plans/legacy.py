"""Legacy Substrait fields that producers still send.

The current Substrait protobufs no longer declare some deprecated fields that
DataFusion, DuckDB and ibis still write. When such a plan is parsed, those
fields land in the messages' unknown fields, silently. This module reads them
back (:func:`fetch_count_offset`, :func:`groupings`; the extension URIs are
read by :func:`sparkflight.plans.extensions.read_declarations`) and refuses a plan that
carries any other unknown field (:func:`check_unknown_fields`), so that a plan
is never mis-read in silence.
"""

from __future__ import annotations

from collections.abc import Iterator

from google.protobuf.message import DecodeError, Message
from google.protobuf.unknown_fields import UnknownFieldSet
from substrait import algebra_pb2, plan_pb2

# Wire types of the protobuf encoding.
_VARINT = 0
_LENGTH_DELIMITED = 2

# FetchRel: int64 offset = 3; int64 count = 4 (-1 means all), before offset_expr/count_expr.
_FETCH_OFFSET = 3
_FETCH_COUNT = 4
# AggregateRel.Grouping: repeated Expression grouping_expressions = 1,
# before AggregateRel.grouping_expressions and expression_references.
_GROUPING_EXPRESSIONS = 1

_EXTENSIONS = "substrait.extensions.SimpleExtensionDeclaration."

#: The legacy fields a consumer reads: (message type, field number) -> wire type.
LEGACY_FIELDS: dict[tuple[str, int], int] = {
    # Plan.extension_uris: SimpleExtensionURI {extension_uri_anchor = 1, uri = 2}.
    ("substrait.Plan", 1): _LENGTH_DELIMITED,
    # extension_uri_reference of every kind of extension declaration.
    (_EXTENSIONS + "ExtensionFunction", 1): _VARINT,
    (_EXTENSIONS + "ExtensionType", 1): _VARINT,
    (_EXTENSIONS + "ExtensionTypeVariation", 1): _VARINT,
    ("substrait.FetchRel", _FETCH_OFFSET): _VARINT,
    ("substrait.FetchRel", _FETCH_COUNT): _VARINT,
    ("substrait.AggregateRel.Grouping", _GROUPING_EXPRESSIONS): _LENGTH_DELIMITED,
}

_INTEGER_LITERALS = ("i8", "i16", "i32", "i64")


def _signed64(value: int) -> int:
    """An int64 from the unsigned 64-bit value a varint decodes to."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _legacy_varint(message: Message, number: int) -> int | None:
    value = None
    for field in UnknownFieldSet(message):
        if field.field_number == number and field.wire_type == _VARINT:
            value = _signed64(field.data)  # the last occurrence wins, as for known fields
    return value


def _integer_literal(expression: algebra_pb2.Expression, what: str) -> int | None:
    """The value of an integer literal; None for a null literal."""
    if expression.WhichOneof("rex_type") != "literal":
        raise ValueError(f"FetchRel {what} must be an integer literal")
    literal = expression.literal
    kind = literal.WhichOneof("literal_type")
    if kind == "null":
        return None
    if kind not in _INTEGER_LITERALS:
        raise ValueError(f"FetchRel {what} must be an integer literal, not {kind}")
    value = getattr(literal, kind)
    if value < 0:
        raise ValueError(f"FetchRel {what} must not be negative: {value}")
    return value


def fetch_count_offset(rel: algebra_pb2.FetchRel) -> tuple[int | None, int]:
    """The number of rows a fetch returns (None: all) and the number it skips."""
    if rel.HasField("count_expr"):
        count = _integer_literal(rel.count_expr, "count")
    else:
        legacy_count = _legacy_varint(rel, _FETCH_COUNT)
        count = None if legacy_count is None or legacy_count == -1 else legacy_count
        if count is not None and count < 0:
            raise ValueError(f"FetchRel count must not be negative: {count}")
    if rel.HasField("offset_expr"):
        offset = _integer_literal(rel.offset_expr, "offset") or 0
    else:
        offset = _legacy_varint(rel, _FETCH_OFFSET) or 0
        if offset < 0:
            raise ValueError(f"FetchRel offset must not be negative: {offset}")
    return count, offset


def _legacy_grouping_expressions(
    grouping: algebra_pb2.AggregateRel.Grouping,
) -> list[algebra_pb2.Expression]:
    expressions = []
    for field in UnknownFieldSet(grouping):
        if field.field_number == _GROUPING_EXPRESSIONS and field.wire_type == _LENGTH_DELIMITED:
            expressions.append(algebra_pb2.Expression.FromString(field.data))
    return expressions


def groupings(rel: algebra_pb2.AggregateRel) -> list[list[algebra_pb2.Expression]]:
    """The expressions of each grouping of ``rel``, from either encoding."""
    result = []
    for grouping in rel.groupings:
        if grouping.expression_references:
            try:
                result.append([rel.grouping_expressions[i] for i in grouping.expression_references])
            except IndexError:
                raise ValueError(
                    f"AggregateRel grouping references expression "
                    f"{max(grouping.expression_references)} of "
                    f"{len(rel.grouping_expressions)}"
                ) from None
        else:
            result.append(_legacy_grouping_expressions(grouping))
    return result


def _submessages(message: Message) -> Iterator[Message]:
    """Every message directly inside ``message``, legacy grouping expressions included."""
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        if descriptor.message_type.GetOptions().map_entry:
            value_field = descriptor.message_type.fields_by_name["value"]
            if value_field.message_type is not None:
                yield from value.values()
        elif descriptor.is_repeated:
            yield from value
        else:
            yield value
    if isinstance(message, algebra_pb2.AggregateRel.Grouping):
        yield from _legacy_grouping_expressions(message)


def check_unknown_fields(plan: plan_pb2.Plan) -> None:
    """Raise ValueError if any message of ``plan`` has an unknown field that is not legacy."""
    pending: list[Message] = [plan]
    while pending:
        message = pending.pop()
        name = message.DESCRIPTOR.full_name
        for field in UnknownFieldSet(message):
            key = (name, field.field_number)
            if LEGACY_FIELDS.get(key) != field.wire_type:
                raise ValueError(
                    f"{name} has unknown field {field.field_number} "
                    f"(wire type {field.wire_type}): the plan uses a Substrait "
                    "version this server does not read"
                )
        try:
            pending.extend(_submessages(message))
        except DecodeError as error:
            raise ValueError(f"{name} has a malformed legacy grouping expression") from error
