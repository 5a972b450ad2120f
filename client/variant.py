"""Spark's variant binary encoding: reading it as Python values and JSON, writing it from JSON.

A variant is two byte strings, ``value`` and ``metadata``.

``metadata`` is the dictionary of object keys: a header byte (format version 1 in the low
four bits; the byte width, minus one, of the integers that follow in the top two bits), the
number of keys, one offset per key plus the end offset, then the UTF-8 keys back to back.

``value`` is a tree of values, each starting with a header byte whose low two bits are the
*basic type* and whose six high bits say more about it:

- primitive (0): the six bits are a type id (null, booleans, integers of 1/2/4/8 bytes,
  double, float, decimals of 4/8/16 bytes with a scale byte, date, timestamps, binary and
  long strings); the content, little-endian, follows;
- short string (1): the six bits are the length of the UTF-8 string that follows;
- object (2): the six bits give the width of the field count (1 or 4 bytes), of the key ids
  and of the offsets; then the count, the key ids, count + 1 offsets and the field values;
  fields are listed sorted by key;
- array (3): the same without key ids.

Decoded values are PySpark's: ``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``,
``None``, ``decimal.Decimal``, ``bytes``, ``datetime.date`` and ``datetime.datetime``
(timestamps aware in UTC, ``timestamp_ntz`` naive). JSON text is ``VariantVal.toJson``'s.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import struct
from collections.abc import Callable
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sparkflight.client.errors import PySparkValueError, malformed

__all__ = ["to_python", "to_json", "from_json", "SIZE_LIMIT"]

#: The largest ``value`` or ``metadata`` :func:`from_json` builds, as Spark's builder.
SIZE_LIMIT = 16 * 1024 * 1024

_VERSION = 1
_PRIMITIVE, _SHORT_STRING, _OBJECT, _ARRAY = range(4)
_MAX_SHORT_STRING = 0x3F
# Primitive type ids.
_NULL, _TRUE, _FALSE = 0, 1, 2
_INT_IDS = {1: 3, 2: 4, 4: 5, 8: 6}  # width -> type id
_DOUBLE, _DECIMAL4, _DECIMAL8, _DECIMAL16 = 7, 8, 9, 10
_LONG_STRING = 16
# Decimal type id -> (width of the unscaled value, largest precision).
_DECIMALS = {_DECIMAL4: (4, 9), _DECIMAL8: (8, 18), _DECIMAL16: (16, 38)}

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_EPOCH_NTZ = datetime.datetime(1970, 1, 1)
_EPOCH_DATE = datetime.date(1970, 1, 1)
_UTC = ZoneInfo("UTC")


def _malformed() -> PySparkValueError:
    return malformed("Variant")


def _read(data: bytes, start: int, size: int) -> bytes:
    """``size`` bytes of ``data`` at ``start``; a malformed variant if they are not all there."""
    end = start + size
    if start < 0 or size < 0 or end > len(data):
        raise _malformed()
    return data[start:end]


def _unsigned(data: bytes, start: int, size: int) -> int:
    return int.from_bytes(_read(data, start, size), "little")


def _signed(data: bytes, start: int, size: int) -> int:
    return int.from_bytes(_read(data, start, size), "little", signed=True)


# --- reading -----------------------------------------------------------------------------


class _Keys:
    """The key dictionary of a variant's metadata, read when an object needs a key."""

    def __init__(self, metadata: bytes) -> None:
        self._metadata = metadata
        self._width = 0
        self._cache: dict[int, str] = {}

    def _read_header(self) -> None:
        header = _unsigned(self._metadata, 0, 1)
        if header & 0x0F != _VERSION:
            raise _malformed()
        self._width = (header >> 6) + 1
        self._count = _unsigned(self._metadata, 1, self._width)
        self._strings = 1 + (self._count + 2) * self._width

    def __getitem__(self, key_id: int) -> str:
        key = self._cache.get(key_id)
        if key is None:
            if not self._width:
                self._read_header()
            if key_id >= self._count:
                raise _malformed()
            start, end = (
                _unsigned(self._metadata, 1 + (key_id + i) * self._width, self._width)
                for i in (1, 2)
            )
            if start > end:
                raise _malformed()
            key = _utf8(_read(self._metadata, self._strings + start, end - start))
            self._cache[key_id] = key
        return key


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed() from None


def _decimal(type_id: int) -> Callable[[bytes, int], decimal.Decimal]:
    width, precision = _DECIMALS[type_id]

    def read(value: bytes, at: int) -> decimal.Decimal:
        scale = _unsigned(value, at, 1)
        unscaled = _signed(value, at + 1, width)
        if scale > precision or abs(unscaled) >= 10**precision:
            raise _malformed()
        return decimal.Decimal(unscaled).scaleb(-scale)

    return read


def _integer(width: int) -> Callable[[bytes, int], int]:
    return lambda value, at: _signed(value, at, width)


def _float(fmt: str) -> Callable[[bytes, int], float]:
    size = struct.calcsize(fmt)
    return lambda value, at: struct.unpack(fmt, _read(value, at, size))[0]


def _timestamp(value: bytes, at: int) -> datetime.datetime:
    micros = _signed(value, at, 8)
    return (_EPOCH + datetime.timedelta(microseconds=micros)).astimezone(_UTC)


def _timestamp_ntz(value: bytes, at: int) -> datetime.datetime:
    return _EPOCH_NTZ + datetime.timedelta(microseconds=_signed(value, at, 8))


def _date(value: bytes, at: int) -> datetime.date:
    return _EPOCH_DATE + datetime.timedelta(days=_signed(value, at, 4))


def _sized(value: bytes, at: int) -> bytes:
    """Content preceded by its 4-byte length (binary values and long strings)."""
    return _read(value, at + 4, _unsigned(value, at, 4))


#: Primitive type id -> how its content (at the given offset, after the header) reads.
_PRIMITIVES: dict[int, Callable[[bytes, int], Any]] = {
    _NULL: lambda value, at: None,
    _TRUE: lambda value, at: True,
    _FALSE: lambda value, at: False,
    **{type_id: _integer(width) for width, type_id in _INT_IDS.items()},
    _DOUBLE: _float("<d"),
    **{type_id: _decimal(type_id) for type_id in _DECIMALS},
    11: _date,
    12: _timestamp,
    13: _timestamp_ntz,
    14: _float("<f"),
    15: _sized,
    _LONG_STRING: lambda value, at: _utf8(_sized(value, at)),
}


def _container(value: bytes, at: int, info: int, with_keys: bool) -> tuple[list[int], int, int]:
    """The key ids (empty for arrays), the offsets and the data start of an object or array.

    ``info`` is the header's six high bits: the offset width in bits 0-1, then (objects
    only) the key id width in bits 2-3, then the flag of a 4-byte element count.
    """
    offset_width = (info & 0x3) + 1
    id_width = ((info >> 2) & 0x3) + 1 if with_keys else 0
    large = (info >> (4 if with_keys else 2)) & 0x1
    count_width = 4 if large else 1
    count = _unsigned(value, at + 1, count_width)
    ids_at = at + 1 + count_width
    offsets_at = ids_at + count * id_width
    ids = [_unsigned(value, ids_at + i * id_width, id_width) for i in range(count)]
    offsets = [_unsigned(value, offsets_at + i * offset_width, offset_width) for i in range(count)]
    return ids, offsets, offsets_at + (count + 1) * offset_width


def _decode(value: bytes, at: int, keys: _Keys) -> Any:
    header = _unsigned(value, at, 1)
    basic, info = header & 0x3, header >> 2
    if basic == _PRIMITIVE:
        read = _PRIMITIVES.get(info)
        if read is None:
            raise _malformed()
        return read(value, at + 1)
    if basic == _SHORT_STRING:
        return _utf8(_read(value, at + 1, info))
    ids, offsets, data = _container(value, at, info, with_keys=basic == _OBJECT)
    if basic == _OBJECT:
        return {
            keys[key_id]: _decode(value, data + offset, keys)
            for key_id, offset in zip(ids, offsets, strict=True)
        }
    return [_decode(value, data + offset, keys) for offset in offsets]


def to_python(value: bytes, metadata: bytes) -> Any:
    """The variant as Python values (``VariantVal.toPython``)."""
    return _decode(bytes(value), 0, _Keys(bytes(metadata)))


def _render(item: Any, zone_id: str) -> str:
    """JSON text of a decoded value, timestamps shown in ``zone_id``."""
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str):
        return json.dumps(item)
    if isinstance(item, dict):
        fields = (f"{json.dumps(k)}:{_render(v, zone_id)}" for k, v in item.items())
        return "{" + ",".join(fields) + "}"
    if isinstance(item, list):
        return "[" + ",".join(_render(v, zone_id) for v in item) + "]"
    if isinstance(item, bytes):
        return '"' + base64.b64encode(item).decode("ascii") + '"'
    if isinstance(item, datetime.datetime) and item.tzinfo is not None:
        return f'"{item.astimezone(ZoneInfo(zone_id))}"'
    if isinstance(item, datetime.date):
        return f'"{item}"'
    return str(item)


def to_json(value: bytes, metadata: bytes, zone_id: str = "UTC") -> str:
    """The variant as JSON text (``VariantVal.toJson``), timestamps shown in ``zone_id``."""
    return _render(to_python(value, metadata), zone_id)


# --- writing -----------------------------------------------------------------------------


def _width(largest: int) -> int:
    """Bytes of the narrowest unsigned integer holding ``largest`` (1, 2, 3 or 4)."""
    return next(size for size in (1, 2, 3, 4) if largest < 1 << (8 * size))


def _number_from_text(text: str) -> decimal.Decimal | float:
    """A JSON number that is not an integer: an exact decimal when one fits, else a double."""
    if all(ch.isdecimal() or ch in "-." for ch in text):
        number = decimal.Decimal(text)
        _, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)
        if max(len(digits), -exponent) <= _DECIMALS[_DECIMAL16][1]:
            return number
    return float(text)


def _header(basic: int, info: int) -> bytes:
    return bytes([(info << 2) | basic])


class _Writer:
    """Builds a variant from parsed JSON; keys get ids in the order they are first seen."""

    def __init__(self) -> None:
        self.keys: dict[str, int] = {}

    def value(self, item: Any) -> bytes:
        encode = self._ENCODERS.get(type(item))
        if encode is None:
            raise _malformed()
        return encode(self, item)

    def _null(self, _: None) -> bytes:
        return _header(_PRIMITIVE, _NULL)

    def _bool(self, item: bool) -> bytes:
        return _header(_PRIMITIVE, _TRUE if item else _FALSE)

    def _int(self, item: int) -> bytes:
        for width, type_id in _INT_IDS.items():
            if -(1 << (8 * width - 1)) <= item < 1 << (8 * width - 1):
                return _header(_PRIMITIVE, type_id) + item.to_bytes(width, "little", signed=True)
        return self.value(_number_from_text(str(item)))

    def _double(self, item: float) -> bytes:
        return _header(_PRIMITIVE, _DOUBLE) + struct.pack("<d", item)

    def _decimal(self, item: decimal.Decimal) -> bytes:
        sign, digits, exponent = item.as_tuple()
        assert isinstance(exponent, int)
        scale = -exponent
        unscaled = int("".join(map(str, digits))) * (-1 if sign else 1)
        precision = max(len(digits), scale)
        type_id = next(t for t, (_, most) in _DECIMALS.items() if precision <= most)
        width = _DECIMALS[type_id][0]
        return (
            _header(_PRIMITIVE, type_id)
            + bytes([scale])
            + unscaled.to_bytes(width, "little", signed=True)
        )

    def _string(self, item: str) -> bytes:
        text = item.encode("utf-8")
        if len(text) <= _MAX_SHORT_STRING:
            return _header(_SHORT_STRING, len(text)) + text
        return _header(_PRIMITIVE, _LONG_STRING) + len(text).to_bytes(4, "little") + text

    def _array(self, item: list[Any]) -> bytes:
        elements = [self.value(element) for element in item]
        return self._container(_ARRAY, [], elements)

    def _object(self, item: dict[str, Any]) -> bytes:
        fields = []
        for key, field in item.items():
            key_id = self.keys.setdefault(key, len(self.keys))
            fields.append((key, key_id, self.value(field)))
        # Field values stay in the order written; the key ids and offsets are sorted by key.
        starts = _starts([data for _, _, data in fields])
        order = sorted(range(len(fields)), key=lambda i: fields[i][0])
        ids = [fields[i][1] for i in order]
        return self._container(
            _OBJECT, ids, [data for _, _, data in fields], [starts[i] for i in order]
        )

    @staticmethod
    def _container(
        basic: int, ids: list[int], parts: list[bytes], offsets: list[int] | None = None
    ) -> bytes:
        data = b"".join(parts)
        offsets = (_starts(parts) if offsets is None else offsets) + [len(data)]
        large = len(parts) > 0xFF
        offset_width = _width(len(data))
        info = offset_width - 1
        id_width = 0
        if basic == _OBJECT:
            id_width = _width(max(ids, default=0))
            info |= (id_width - 1) << 2 | large << 4
        else:
            info |= large << 2
        return b"".join(
            [
                _header(basic, info),
                len(parts).to_bytes(4 if large else 1, "little"),
                *(key_id.to_bytes(id_width, "little") for key_id in ids),
                *(offset.to_bytes(offset_width, "little") for offset in offsets),
                data,
            ]
        )

    def metadata(self) -> bytes:
        keys = [key.encode("utf-8") for key in self.keys]
        width = _width(max(sum(map(len, keys)), len(keys)))
        offsets = _starts(keys) + [sum(map(len, keys))]
        return b"".join(
            [
                bytes([_VERSION | (width - 1) << 6]),
                len(keys).to_bytes(width, "little"),
                *(offset.to_bytes(width, "little") for offset in offsets),
                *keys,
            ]
        )

    _ENCODERS: ClassVar[dict[type, Callable[[_Writer, Any], bytes]]] = {
        type(None): _null,
        bool: _bool,
        int: _int,
        float: _double,
        decimal.Decimal: _decimal,
        str: _string,
        list: _array,
        dict: _object,
    }


def _starts(parts: list[bytes]) -> list[int]:
    """The offset of each part in their concatenation."""
    starts, position = [], 0
    for part in parts:
        starts.append(position)
        position += len(part)
    return starts


def from_json(text: str) -> tuple[bytes, bytes]:
    """The ``(value, metadata)`` of a JSON text (``VariantVal.parseJson``).

    Numbers with a fraction are decimals when their digits fit 38, other numbers doubles;
    integers are the narrowest of 1, 2, 4 or 8 bytes. Raises ``VARIANT_SIZE_LIMIT`` for a
    variant over 16 MiB and ``json.JSONDecodeError`` for text that is not JSON.
    """
    writer = _Writer()
    value = writer.value(json.loads(text, parse_float=_number_from_text))
    metadata = writer.metadata()
    if max(len(value), len(metadata)) > SIZE_LIMIT:
        raise PySparkValueError(
            errorClass="VARIANT_SIZE_LIMIT",
            messageParameters={"sizeLimit": str(SIZE_LIMIT)},
            sqlState="22023",
        )
    return value, metadata
