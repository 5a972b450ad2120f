"""``Row``, a tuple with named fields, as ``pyspark.sql.Row``."""

from __future__ import annotations

from typing import Any, overload

__all__ = ["Row"]


def _create_row(fields: list[str] | Row, values: tuple[Any, ...] | list[Any]) -> Row:
    """A row of ``values`` named by ``fields`` (shared, not copied)."""
    row = tuple.__new__(Row, values)
    row.__dict__["__fields__"] = fields
    return row


class Row(tuple):
    """A row of a DataFrame.

    ``Row(name="Alice", age=11)`` makes a row whose fields are read as attributes
    (``row.name``), by name or position (``row["name"]``, ``row[0]``); ``"name" in row``
    tests for a field. ``Row("name", "age")`` makes a row *class*, which called with
    values makes rows: ``Person = Row("name", "age"); Person("Alice", 11)``.
    """

    __fields__: list[str]

    @overload
    def __new__(cls, *args: str) -> Row: ...

    @overload
    def __new__(cls, **kwargs: Any) -> Row: ...

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        if args and kwargs:
            raise ValueError("Cannot set args and kwargs together")
        if kwargs:
            row = tuple.__new__(cls, list(kwargs.values()))
            row.__fields__ = list(kwargs.keys())
            return row
        return tuple.__new__(cls, args)

    def asDict(self, recursive: bool = False) -> dict[str, Any]:
        """The row as a dict; with ``recursive``, nested rows (in lists and dicts too) as well."""
        if not hasattr(self, "__fields__"):
            raise TypeError("Cannot convert a Row without field names to a dict")
        if not recursive:
            return dict(zip(self.__fields__, self, strict=False))
        return dict(zip(self.__fields__, (_as_dict_value(v) for v in self), strict=False))

    def __contains__(self, item: object) -> bool:
        if hasattr(self, "__fields__"):
            return item in self.__fields__
        return super().__contains__(item)

    def __call__(self, *args: Any) -> Row:
        """A row of this row class's fields with the values ``args``."""
        if len(args) > len(self):
            raise ValueError(
                f"Can not create Row with fields {self}, expected {len(self)} values but got {args}"
            )
        return _create_row(self, args)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, slice)):
            return super().__getitem__(item)
        try:
            index = self.__fields__.index(item)
        except ValueError:
            raise ValueError(item) from None
        try:
            return super().__getitem__(index)
        except IndexError:
            raise KeyError(item) from None

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            index = self.__fields__.index(item)
            return self[index]
        except (IndexError, ValueError):
            raise AttributeError(item) from None

    def __setattr__(self, key: str, value: Any) -> None:
        if key != "__fields__":
            raise RuntimeError("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self) -> str | tuple[Any, ...]:
        if hasattr(self, "__fields__"):
            return (_create_row, (self.__fields__, tuple(self)))
        return tuple.__reduce__(self)

    def __repr__(self) -> str:
        if hasattr(self, "__fields__"):
            values = ", ".join(
                f"{k}={v!r}" for k, v in zip(self.__fields__, tuple(self), strict=False)
            )
            return f"Row({values})"
        return "<Row({})>".format(", ".join(repr(field) for field in self))


def _as_dict_value(value: Any) -> Any:
    if isinstance(value, Row):
        return value.asDict(True)
    if isinstance(value, list):
        return [_as_dict_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_dict_value(v) for k, v in value.items()}
    return value
