"""Spark's DDL type and schema strings (``"a int, b array<string>"``), parsed."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sparkflight.client.types.datatypes import (
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    CalendarIntervalType,
    CharType,
    DataType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    GeographyType,
    GeometryType,
    IntegerType,
    LongType,
    MapType,
    NullType,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
    TimeType,
    VarcharType,
    VariantType,
    interval_type,
)
from sparkflight.client.types.json_form import parse_json_type

_TOKEN = re.compile(
    r"\s*(?:(?P<quoted>`(?:[^`]|``)*`)|(?P<string>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<number>-?\d+)|(?P<word>\w+)|(?P<punct>[<>(),:]))"
)

_DDL_SIMPLE: dict[str, Callable[[], DataType]] = {
    "boolean": BooleanType,
    "bool": BooleanType,
    "tinyint": ByteType,
    "byte": ByteType,
    "smallint": ShortType,
    "short": ShortType,
    "int": IntegerType,
    "integer": IntegerType,
    "bigint": LongType,
    "long": LongType,
    "float": FloatType,
    "real": FloatType,
    "double": DoubleType,
    "date": DateType,
    "timestamp": TimestampType,
    "timestamp_ltz": TimestampType,
    "timestamp_ntz": TimestampNTZType,
    "binary": BinaryType,
    "void": NullType,
    "variant": VariantType,
}
_DDL_DECIMAL = ("decimal", "dec", "numeric")
_DDL_SPATIAL: dict[str, Callable[[int | str], DataType]] = {
    "geometry": GeometryType,
    "geography": GeographyType,
}


class DDLParseError(ValueError):
    """A DDL string that is not a valid type or schema."""

    def __init__(self, text: str, position: int, message: str):
        super().__init__(f"Cannot parse DDL {text!r} at position {position}: {message}")
        self.position = position


class _Token:
    __slots__ = ("kind", "text", "position")

    def __init__(self, kind: str, text: str, position: int):
        self.kind = kind
        self.text = text
        self.position = position


class _DDLParser:
    """A recursive-descent parser of Spark's DDL type and schema strings."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[_Token] = []
        position = 0
        stripped = text.rstrip()
        while position < len(stripped):
            match = _TOKEN.match(stripped, position)
            if match is None or match.end() == position:
                self._fail(f"unexpected character {stripped[position:].lstrip()[:1]!r}", position)
            kind = match.lastgroup or ""
            self.tokens.append(_Token(kind, match[kind], match.start(kind)))
            position = match.end()
        self.index = 0

    def _fail(self, message: str, position: int | None = None) -> None:
        if position is None:
            token = self._peek()
            position = token.position if token else len(self.text)
        raise DDLParseError(self.text, position, message)

    def _peek(self, offset: int = 0) -> _Token | None:
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def _peek_word(self, offset: int = 0) -> str | None:
        token = self._peek(offset)
        return token.text.lower() if token and token.kind == "word" else None

    def _at(self, punct: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "punct" and token.text == punct

    def _expect(self, punct: str) -> None:
        if not self._at(punct):
            token = self._peek()
            found = repr(token.text) if token else "end of input"
            self._fail(f"expected {punct!r}, found {found}")
        self.index += 1

    def _number(self) -> int:
        token = self._peek()
        if token is None or token.kind != "number":
            self._fail("expected a number")
        self.index += 1
        return int(token.text)  # type: ignore[union-attr]

    def _word(self) -> str:
        word = self._peek_word()
        if word is None:
            self._fail("expected a type name")
        self.index += 1
        return word  # type: ignore[return-value]

    def done(self) -> bool:
        return self.index == len(self.tokens)

    def at_struct_type(self) -> bool:
        """Whether the input continues with ``struct<``."""
        following = self._peek(1)
        return self._peek_word() == "struct" and following is not None and following.text == "<"

    def data_type(self) -> DataType:
        name = self._word()
        if name in _DDL_SIMPLE:
            return _DDL_SIMPLE[name]()
        if name in _DDL_DECIMAL:
            if not self._at("("):
                return DecimalType()
            self._expect("(")
            precision, scale = self._number(), 0
            if self._at(","):
                self._expect(",")
                scale = self._number()
            self._expect(")")
            return DecimalType(precision, scale)
        if name == "string":
            if self._peek_word() == "collate":
                self.index += 1
                collation = self._peek()
                if collation is None or collation.kind not in ("word", "quoted"):
                    self._fail("expected a collation name")
                self.index += 1
                return StringType(_unquote(collation))  # type: ignore[arg-type]
            return StringType()
        if name in ("char", "character", "varchar", "time"):
            self._expect("(")
            size = self._number()
            self._expect(")")
            return {"char": CharType, "character": CharType, "varchar": VarcharType}.get(
                name, TimeType
            )(size)
        if name == "array":
            self._expect("<")
            element = self.data_type()
            self._expect(">")
            return ArrayType(element, True)
        if name == "map":
            self._expect("<")
            key = self.data_type()
            self._expect(",")
            value = self.data_type()
            self._expect(">")
            return MapType(key, value, True)
        if name == "struct":
            self._expect("<")
            fields = [] if self._at(">") else self.fields()
            self._expect(">")
            return StructType(fields)
        if name in _DDL_SPATIAL:
            self._expect("(")
            token = self._peek()
            if token is not None and token.kind == "number":
                srid: int | str = self._number()
            elif self._peek_word() == "any":
                self.index += 1
                srid = "ANY"
            else:
                self._fail("expected an SRID or ANY")
            self._expect(")")
            return _DDL_SPATIAL[name](srid)
        if name == "interval":
            start = self._peek_word()
            if start is None:
                return CalendarIntervalType()
            self.index += 1
            end = None
            if self._peek_word() == "to":
                self.index += 1
                end = self._word()
            interval = interval_type(start, end)
            if interval is None:
                self._fail(f"invalid interval 'interval {start}{' to ' + end if end else ''}'")
            return interval  # type: ignore[return-value]
        self.index -= 1
        self._fail(f"unsupported data type {name!r}")
        raise AssertionError  # unreachable: _fail raises

    def field(self) -> StructField:
        token = self._peek()
        if token is None or token.kind not in ("word", "quoted"):
            self._fail("expected a field name")
        self.index += 1
        name = _unquote(token)  # type: ignore[arg-type]
        if self._at(":"):
            self._expect(":")
        data_type = self.data_type()
        nullable = True
        metadata: dict[str, Any] = {}
        while (word := self._peek_word()) in ("not", "comment"):
            self.index += 1
            if word == "not":
                if self._word() != "null":
                    self._fail("expected NULL after NOT")
                nullable = False
            else:
                comment = self._peek()
                if comment is None or comment.kind != "string":
                    self._fail("expected a comment string")
                self.index += 1
                metadata["comment"] = _unquote(comment)  # type: ignore[arg-type]
        return StructField(name, data_type, nullable, metadata or None)

    def fields(self) -> list[StructField]:
        fields = [self.field()]
        while self._at(","):
            self._expect(",")
            fields.append(self.field())
        return fields


def _unquote(token: _Token) -> str:
    if token.kind == "quoted":
        return token.text[1:-1].replace("``", "`")
    if token.kind == "string":
        body = token.text[1:-1]
        return re.sub(r"\\(.)", r"\1", body)
    return token.text


def parse_ddl_schema(text: str) -> StructType:
    """The schema a DDL string describes: ``"a int, b string"``, ``"a: int"``, ``"struct<...>"``.

    Raises :class:`DDLParseError` (a ``ValueError``) on text that is not a schema.
    """
    parser = _DDLParser(text)
    if parser.done():
        return StructType()
    if parser.at_struct_type():
        data_type = parser.data_type()
        if parser.done():
            return data_type  # type: ignore[return-value]
        parser._fail("unexpected text after the struct type")
    fields = parser.fields()
    if not parser.done():
        parser._fail("expected ',' or end of input")
    return StructType(fields)


def parse_ddl_type(text: str) -> DataType:
    """The type a DDL string describes: a type (``"array<int>"``) or a schema (``"a int"``).

    Raises :class:`DDLParseError` on text that is neither.
    """
    try:
        parser = _DDLParser(text)
        data_type = parser.data_type()
        if not parser.done():
            parser._fail("unexpected text after the type")
        return data_type
    except DDLParseError as type_error:
        try:
            return parse_ddl_schema(text)
        except DDLParseError as schema_error:
            # Report the reading that got further.
            raise max(type_error, schema_error, key=lambda e: e.position) from None


def parse_type_name(text: str) -> DataType:
    """A JSON type name (``"integer"``) or, failing that, a DDL type (``"int"``)."""
    try:
        return parse_json_type(text)
    except ValueError:
        return parse_ddl_type(text)
