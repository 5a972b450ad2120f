"""The output columns of translated relations, by position, derived from the plan alone.

Other Substrait producers reference columns by ordinal (``FieldReference`` with a
``root_reference`` or an ``outer_reference``); Spark Connect references them by name. Each
relation's output is described here as a list of :class:`Ref`: a name, and the plan id of
the relation where that name picks exactly one column, so that ``UnresolvedAttribute(name,
plan_id)`` resolves to the very column the producer meant, even when names repeat across
the plan (a table joined with itself). A name that repeats within the one relation that
defines it cannot be picked; such a column is described without a name, and a reference
to it is refused.

Output columns are computed lazily (:data:`Columns`): most of the client's own plans never
reference a column by ordinal, and some relations (a table read without a base schema)
would need the catalog to say theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from substrait import type_pb2

from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError

Connect = ce.Expression


@dataclass(frozen=True)
class Ref:
    """How a column is picked: by ``name`` in the output of relation ``plan_id``."""

    name: str | None
    plan_id: int
    #: Its Spark type, where the plan or Spark says it (for references to nested fields).
    data_type: T.DataType | None = None

    def expression(self) -> Connect:
        """The column as Spark Connect resolves it: by name within its relation."""
        attribute = Connect.UnresolvedAttribute(unparsed_identifier=quoted(self._name()))
        attribute.plan_id = self.plan_id
        return Connect(unresolved_attribute=attribute)

    def qualified(self, qualifier: str) -> Connect:
        """The column by a qualified name (for an outer query, where plan ids do not
        resolve)."""
        identifier = f"{quoted(qualifier)}.{quoted(self._name())}"
        attribute = Connect.UnresolvedAttribute(unparsed_identifier=identifier)
        return Connect(unresolved_attribute=attribute)

    def _name(self) -> str:
        if self.name is None:
            raise SparkFlightError(
                INVALID_PLAN,
                "a field reference to a column whose name repeats in its relation (or is "
                "not known): which one is meant cannot be told",
            )
        return self.name


#: A relation's output columns, computed on first use.
Columns = Callable[[], list[Ref]]


def quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def anchored(
    names: Sequence[str | None], plan_id: int, types: Sequence[T.DataType | None] = ()
) -> list[Ref]:
    """Columns named ``names`` in relation ``plan_id``; a repeated name picks none."""
    counts = Counter(names)
    kinds = list(types) or [None] * len(names)
    return [
        Ref(n if n is not None and counts[n] == 1 else None, plan_id, t)
        for n, t in zip(names, kinds, strict=True)
    ]


def of_schema(schema: T.StructType, plan_id: int) -> list[Ref]:
    """The columns of a relation of ``schema``."""
    return anchored(schema.fieldNames(), plan_id, [f.dataType for f in schema.fields])


def known(refs: list[Ref]) -> Columns:
    return lambda: refs


def unknown(why: str) -> Columns:
    """The columns of a relation whose output is not known without Spark."""

    def refuse() -> list[Ref]:
        raise NotTranslatable(f"a field reference into {why}")

    return refuse


def fresh_name(position: int, taken: set[str]) -> str:
    """A name for the unnamed column at ``position`` that no other column takes."""
    name, suffix = f"_c{position}", 0
    while name in taken:
        suffix += 1
        name = f"_c{position}_{suffix}"
    taken.add(name)
    return name


def _nested_names(data_type: type_pb2.Type) -> int:
    """How many names a type's nested struct fields take in a depth-first name list."""
    kind = data_type.WhichOneof("kind")
    if kind == "struct":
        return sum(1 + _nested_names(t) for t in data_type.struct.types)
    if kind == "list":
        return _nested_names(data_type.list.type)
    if kind == "map":
        return _nested_names(data_type.map.key) + _nested_names(data_type.map.value)
    return 0


def top_level_names(schema: type_pb2.NamedStruct) -> list[str]:
    """The top-level column names of a ``NamedStruct`` (its names list them depth-first)."""
    names, types = list(schema.names), list(schema.struct.types)
    if not types:
        return names
    return list(_top_level(names, types))


def _top_level(names: list[str], types: list[type_pb2.Type]) -> Iterator[str]:
    position = 0
    for data_type in types:
        if position >= len(names):
            raise SparkFlightError(INVALID_PLAN, "NamedStruct has fewer names than fields")
        yield names[position]
        position += 1 + _nested_names(data_type)
    if position != len(names):
        raise SparkFlightError(INVALID_PLAN, "NamedStruct has more names than fields")


def _nested_spark_names(data_type: T.DataType) -> int:
    """How many names a Spark type's nested struct fields take in a depth-first list."""
    if isinstance(data_type, T.StructType):
        return sum(1 + _nested_spark_names(f.dataType) for f in data_type.fields)
    if isinstance(data_type, T.ArrayType):
        return _nested_spark_names(data_type.elementType)
    if isinstance(data_type, T.MapType):
        return _nested_spark_names(data_type.keyType) + _nested_spark_names(data_type.valueType)
    return 0


def top_level(names: list[str], columns: list[Ref]) -> list[str]:
    """The top-level names of a root's depth-first ``names`` of ``columns``."""
    if len(names) == len(columns):
        return names
    if any(c.data_type is None for c in columns):
        raise NotTranslatable("root names of nested fields of columns of unknown type")
    result, position = [], 0
    for column in columns:
        assert column.data_type is not None
        if position >= len(names):
            break
        result.append(names[position])
        position += 1 + _nested_spark_names(column.data_type)
    if position != len(names) or len(result) != len(columns):
        raise SparkFlightError(
            INVALID_PLAN,
            f"RelRoot names {len(names)} names, which do not name the relation's "
            f"{len(columns)} columns and their nested fields",
        )
    return result
