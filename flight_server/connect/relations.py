"""Substrait relations as Spark Connect relations.

One rule per standard relation type (:data:`_RELATIONS`) and one per sparkflight extension
relation detail (:data:`_LEAVES`, :data:`_SINGLES`). :func:`relation` carries each
relation's plan id over, so that ``df["col"]`` resolves against the DataFrame it names, as
in Spark Connect; a relation without one gets a fresh plan id, by which the ordinal field
references of other producers pick its columns (:mod:`.columns`). Each rule returns the
relation and its output columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache, reduce
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from google.protobuf import any_pb2
from google.protobuf.message import DecodeError, Message
from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr
from pyspark.sql.connect.types import pyspark_types_to_proto_types
from pyspark.util import PythonEvalType
from substrait import algebra_pb2, plan_pb2

from sparkflight.flight_server import jvm, restrictions, sources
from sparkflight.flight_server.connect import NotTranslatable, planner, python
from sparkflight.flight_server.connect.columns import (
    Columns,
    Ref,
    anchored,
    fresh_name,
    known,
    of_schema,
    quoted,
    top_level,
    unknown,
)
from sparkflight.flight_server.connect.context import Context, Scope
from sparkflight.flight_server.connect.expressions import (
    aggregate_function,
    expression,
    expressions,
    sort_field,
    sort_order,
)
from sparkflight.flight_server.connect.literals import alias, call, literal_expression
from sparkflight.flight_server.connect.producers import (
    GROUPING_SET_INDEX_AFTER_KEYS,
    PROJECT_REPLACES_INPUT,
    quirks,
)
from sparkflight.flight_server.connect.reads import declared_read
from sparkflight.flight_server.connect.uploads import uploaded_relation_id
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    UNSUPPORTED_RELATION,
    SparkFlightError,
    attributed,
    malformed,
    unsupported_kind,
)
from sparkflight.flight_server.foreach_batch import BATCH_PREFIX
from sparkflight.flight_server.spark_types import literal_value, spark_schema
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.extensions import read_declarations
from sparkflight.plans.legacy import fetch_count_offset, groupings
from sparkflight.plans.subtrees import recursion_room

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

Rel = algebra_pb2.Rel
Relation = cr.Relation
Connect = ce.Expression
#: The type of an untyped null literal.
_NULL_TYPE = pyspark_types_to_proto_types(T.NullType())


def unpack(detail: any_pb2.Any, message_class: type[Message]) -> Any:
    message = message_class()
    try:
        detail.Unpack(message)
    except DecodeError as exc:
        raise malformed(detail.TypeName(), exc, type=detail.TypeName()) from None
    return message


def annotation(owner: Any, message_class: type[Message]) -> Any:
    """The optimization or enhancement of type ``message_class`` that ``owner`` carries."""
    extension = getattr(owner, "advanced_extension", None)
    if extension is None:
        return None
    name = message_class.DESCRIPTOR.full_name
    for detail in [*extension.optimization, extension.enhancement]:
        if detail.type_url and detail.TypeName() == name:
            return unpack(detail, message_class)
    return None


def plan_id_of(rel: Rel) -> sf.PlanId | None:
    """The ``PlanId`` annotation of ``rel``, if it has one."""
    kind = rel.WhichOneof("rel_type")
    if kind is None:
        return None
    message = getattr(rel, kind)
    for owner in (getattr(message, "common", None), message):
        plan_id = annotation(owner, sf.PlanId) if owner is not None else None
        if plan_id is not None:
            return plan_id
    return None


def find_plan_id(plan: plan_pb2.Plan, plan_id: int) -> sf.PlanId | None:
    """The ``PlanId`` annotation with id ``plan_id`` of a relation of ``plan``."""
    pending: list[Message] = [plan]
    while pending:
        message = pending.pop()
        if isinstance(message, Rel):
            found = plan_id_of(message)
            if found is not None and found.id == plan_id:
                return found
        for descriptor, value in message.ListFields():
            if descriptor.message_type is None:
                continue
            if descriptor.label == descriptor.LABEL_REPEATED:
                if not descriptor.message_type.GetOptions().map_entry:
                    pending.extend(value)
            else:
                pending.append(value)
    return None


def relation(ctx: Context, rel: Rel) -> Relation:
    """The Spark Connect relation of ``rel``."""
    return translated(ctx, rel)[0]


def translated(ctx: Context, rel: Rel) -> tuple[Relation, Columns]:
    """The Spark Connect relation of ``rel``, and its output columns."""
    kind = rel.WhichOneof("rel_type")
    rule = _RELATIONS.get(kind or "")
    if rule is None:
        raise unsupported_kind(UNSUPPORTED_RELATION, "relation type", kind, "relation")
    message = getattr(rel, kind)
    annotated = plan_id_of(rel)
    plan_id = annotated.id if annotated is not None else next(ctx.fresh_ids)
    if annotated is not None:
        ctx.enclosing.append(plan_id)
    try:
        with attributed(annotated):
            result, columns = rule(ctx, message, plan_id)
    finally:
        if annotated is not None:
            ctx.enclosing.pop()
    if annotated is not None:
        result.common.plan_id = plan_id
        ctx.plan_ids.add(plan_id)
    elif not result.common.HasField("plan_id"):  # not its input, passed through
        result.common.plan_id = plan_id
    common = message.common
    if common.WhichOneof("emit_kind") == "emit":
        chosen = _chosen(columns(), list(common.emit.output_mapping))
        result = _into("project", result, expressions=[c.expression() for c in chosen])
        columns = known(chosen)
    names = list(common.hint.output_names)
    if names and kind != "aggregate":
        result, columns = _renamed(ctx, result, columns(), names)
    if common.rel_anchor:
        ctx.anchors[common.rel_anchor] = columns
    return result, columns


def _chosen(columns: list[Ref], mapping: list[int]) -> list[Ref]:
    """``columns`` re-selected by position (a relation's ``emit``, a read's projection)."""
    if any(not 0 <= i < len(columns) for i in mapping):
        raise SparkFlightError(
            INVALID_PLAN, f"emit of column {max(mapping)} of a relation of {len(columns)} columns"
        )
    return [columns[i] for i in mapping]


def _renamed(
    ctx: Context, source: Relation, columns: list[Ref], names: list[str]
) -> tuple[Relation, Columns]:
    """The first ``len(names)`` columns renamed; an empty name keeps the column's."""
    plan_id = next(ctx.fresh_ids)
    values = [
        alias(c.expression(), names[i]) if i < len(names) and names[i] else c.expression()
        for i, c in enumerate(columns)
    ]
    result = _into("project", source, expressions=values)
    result.common.plan_id = plan_id
    kept = [names[i] if i < len(names) and names[i] else c.name for i, c in enumerate(columns)]
    return result, known(anchored(kept, plan_id))


def _into(field: str, input_relation: Relation, **fields: Any) -> Relation:
    """A relation whose ``field`` message takes ``input_relation`` as its input (copied
    in place: building a deep tree through constructors would re-parse it)."""
    result = Relation()
    message = getattr(result, field)
    message.input.CopyFrom(input_relation)
    for name, value in fields.items():
        target = getattr(message, name)
        if isinstance(value, Message):
            target.CopyFrom(value)
        elif isinstance(value, list | tuple):
            target.extend(value)
        else:
            setattr(message, name, value)
    return result


def _qualified(source: Relation, scope: Scope) -> Relation:
    """``source`` under the qualifier its columns are referenced by from a subquery."""
    if scope.qualifier is None:
        return source
    return _into("subquery_alias", source, alias=scope.qualifier)


def _with_subqueries(result: Relation, scope: Scope) -> Relation:
    """``result`` with the subqueries its expressions hold, as Spark Connect sends them."""
    if not scope.subqueries:
        return result
    wrapped = Relation()
    wrapped.with_relations.root.CopyFrom(result)
    wrapped.with_relations.references.extend(scope.subqueries)
    return wrapped


def _concatenated(*parts: Columns) -> Columns:
    return lambda: [c for part in parts for c in part()]


# --------------------------------------------------------- standard relations


def _read_named(ctx: Context, read: algebra_pb2.ReadRel, plan_id: int) -> tuple[Relation, Columns]:
    names = list(read.named_table.names)
    if not names:
        raise SparkFlightError(INVALID_PLAN, "named table without a name")
    identifier = names[0] if len(names) == 1 else ".".join(quoted(n) for n in names)
    result = Relation()
    result.read.named_table.unparsed_identifier = identifier
    if read.base_schema.names:
        return declared_read(ctx, result, read, plan_id, f"table {identifier}")
    return result, _analysed(ctx, result, plan_id)


def _analysed(
    ctx: Context, result: Relation, plan_id: int, sql: sf.SqlRelation | None = None
) -> Columns:
    """The columns of a relation whose output the plan does not say, as Spark's analysis
    of it says, on first use. SQL text is analysed only as a query nested in another, so
    that a command in it is refused rather than run."""
    session = ctx.session
    if session is None:
        return unknown("a relation whose output only Spark can say, outside a session")

    @cache
    def analyse() -> list[Ref]:
        query = result
        if sql is not None and result.WhichOneof("rel_type") == "sql":
            query = Relation()
            query.CopyFrom(result)
            query.sql.query = f"SELECT * FROM (\n{sql.query}\n)"
        return of_schema(planner.dataframe(session, query).schema, plan_id)

    return analyse


def _one_row() -> Relation:
    result = Relation()
    result.range.start, result.range.end, result.range.step = 0, 1, 1
    return result


def _read_virtual(
    ctx: Context, read: algebra_pb2.ReadRel, plan_id: int
) -> tuple[Relation, Columns]:
    """Rows of values: one row's values inlined from an array of structs."""
    schema = spark_schema(read.base_schema)
    names = schema.fieldNames()
    table = read.virtual_table
    rows = [list(row.fields) for row in table.expressions]
    result = Relation()
    if not rows:
        result.local_relation.schema = schema.json()
        return result, known(of_schema(schema, plan_id))
    structs = []
    with ctx.scope(unknown("a row of values")):
        for row in rows:
            if len(row) != len(names):
                raise SparkFlightError(
                    INVALID_PLAN,
                    f"virtual table row has {len(row)} values for {len(names)} columns",
                )
            values = expressions(ctx, row)
            named = (alias(v, n) for v, n in zip(values, names, strict=True))
            structs.append(call("struct", *named))
    result = _into("project", _one_row(), expressions=[call("inline", call("array", *structs))])
    return result, known(of_schema(schema, plan_id))


#: Substrait's file formats as Spark's data sources.
_FILE_FORMATS = {"parquet": "parquet", "orc": "orc", "dwrf": "orc", "text": "csv"}


def _read_files(ctx: Context, read: algebra_pb2.ReadRel, plan_id: int) -> tuple[Relation, Columns]:
    items = list(read.local_files.items)
    if not items:
        raise SparkFlightError(INVALID_PLAN, "local files read without any file")
    reads = []
    for item in items:
        path = getattr(item, item.WhichOneof("path_type") or "uri_file")
        kind = item.WhichOneof("file_format")
        spark_format = _FILE_FORMATS.get(kind or "")
        if spark_format is None:
            raise SparkFlightError(
                UNSUPPORTED_RELATION, f"unsupported file format {kind!r} for {path}"
            )
        if ctx.session is not None:
            restrictions.check_source(ctx.session, spark_format, [path], {})
        one = Relation()
        source = one.read.data_source
        source.format = spark_format
        source.paths.append(path.removeprefix("file://"))
        if kind == "text":
            text = item.text
            source.schema = spark_schema(read.base_schema).json()
            source.options.update(
                sep=text.field_delimiter or ",",
                quote=text.quote or '"',
                escape=text.escape or "\\",
                header=str(text.header_lines_to_skip > 0).lower(),
            )
            if text.HasField("value_treated_as_null"):
                source.options["nullValue"] = text.value_treated_as_null
        reads.append(one)

    def union(left: Relation, right: Relation) -> Relation:
        result = Relation()
        result.set_op.left_input.CopyFrom(left)
        result.set_op.right_input.CopyFrom(right)
        result.set_op.set_op_type = _SetOp.SET_OP_TYPE_UNION
        result.set_op.is_all = result.set_op.by_name = True
        return result

    result = reduce(union, reads)
    if read.base_schema.names:
        return declared_read(ctx, result, read, plan_id, f"the files of {path}")
    return result, _analysed(ctx, result, plan_id)


_READS: dict[str, Callable[[Context, algebra_pb2.ReadRel, int], tuple[Relation, Columns]]] = {
    "named_table": _read_named,
    "virtual_table": _read_virtual,
    "local_files": _read_files,
}


def _read(ctx: Context, read: algebra_pb2.ReadRel, plan_id: int) -> tuple[Relation, Columns]:
    kind = read.WhichOneof("read_type")
    rule = _READS.get(kind or "")
    if rule is None:
        raise unsupported_kind(UNSUPPORTED_RELATION, "read type", kind, "read")
    if not read.HasField("filter") and not read.HasField("projection"):
        return rule(ctx, read, plan_id)
    base_id = next(ctx.fresh_ids)
    result, columns = rule(ctx, read, base_id)
    result.common.plan_id = base_id
    if read.HasField("filter"):
        with ctx.scope(columns) as scope:
            condition = expression(ctx, read.filter)
        result = _with_subqueries(
            _into("filter", _qualified(result, scope), condition=condition), scope
        )
    if read.HasField("projection"):
        fields = [item.field for item in read.projection.select.struct_items]
        chosen = _chosen(columns(), fields)
        result = _into("project", result, expressions=[c.expression() for c in chosen])
        columns = known(chosen)
    return result, columns


def _filter(ctx: Context, rel: algebra_pb2.FilterRel, plan_id: int) -> tuple[Relation, Columns]:
    source, columns = translated(ctx, rel.input)
    with ctx.scope(columns) as scope:
        condition = expression(ctx, rel.condition)
    result = _into("filter", _qualified(source, scope), condition=condition)
    return _with_subqueries(result, scope), columns


def _plain_reference(e: algebra_pb2.Expression) -> int | None:
    """The input column ``e`` is, if it is a plain reference to one."""
    ref = e.selection
    if e.WhichOneof("rex_type") != "selection" or ref.WhichOneof("root_type") != "root_reference":
        return None
    segment = ref.direct_reference
    if segment.WhichOneof("reference_type") != "struct_field" or segment.struct_field.HasField(
        "child"
    ):
        return None
    return segment.struct_field.field


def _named_outputs(
    ctx: Context,
    values: list[Connect],
    sources: list[algebra_pb2.Expression],
    inputs: list[Ref],
    taken: set[str],
    first: int,
    plan_id: int,
) -> tuple[list[Connect], list[Ref | None]]:
    """Computed columns and how they are picked: a reference to an input column stays that
    column; another column is named here where the plan's root renames its output anyway,
    and keeps the name Spark gives it (known once Spark says it, :func:`_filled`) where
    not."""
    named: list[Connect] = []
    refs: list[Ref | None] = []
    for position, (value, source) in enumerate(zip(values, sources, strict=True), start=first):
        ordinal = _plain_reference(source)
        if ordinal is not None and 0 <= ordinal < len(inputs):
            named.append(value)
            refs.append(inputs[ordinal])
        elif ctx.renamed_output:
            name = fresh_name(position, taken)
            named.append(alias(value, name))
            refs.append(Ref(name, plan_id))
        else:
            named.append(value)
            refs.append(None)
    return named, refs


def _filled(ctx: Context, result: Relation, plan_id: int, refs: list[Ref | None]) -> Columns:
    """``refs``, the columns not known (``None``) named as Spark's analysis names them."""
    if all(r is not None for r in refs):
        return known([r for r in refs if r is not None])
    analysed = _analysed(ctx, result, plan_id)

    @cache
    def columns() -> list[Ref]:
        spark = analysed()
        if len(spark) != len(refs):
            raise SparkFlightError(
                INVALID_PLAN, f"a relation of {len(spark)} columns where the plan says {len(refs)}"
            )
        return [r if r is not None else s for r, s in zip(refs, spark, strict=True)]

    return columns


def _project(ctx: Context, rel: algebra_pb2.ProjectRel, plan_id: int) -> tuple[Relation, Columns]:
    source, columns = translated(ctx, rel.input)
    with ctx.scope(columns) as scope:
        values = expressions(ctx, rel.expressions)
    source = _qualified(source, scope)
    if annotation(rel, sf.ProjectExpressionsOnly) is not None:
        result = _with_subqueries(_into("project", source, expressions=values), scope)
        return result, _analysed(ctx, result, plan_id)
    if PROJECT_REPLACES_INPUT in ctx.quirks and rel.common.WhichOneof("emit_kind") != "emit":
        inputs = _maybe(columns)
        if inputs is None:
            result = _with_subqueries(_into("project", source, expressions=values), scope)
            return result, _analysed(ctx, result, plan_id)
        taken = {c.name for c in inputs if c.name is not None}
        named, refs = _named_outputs(ctx, values, list(rel.expressions), inputs, taken, 0, plan_id)
        result = _with_subqueries(_into("project", source, expressions=named), scope)
        return result, _filled(ctx, result, plan_id, refs)
    try:
        inputs = columns()
    except NotTranslatable:  # an input whose columns are not known: Spark names them
        star = Connect(unresolved_star=Connect.UnresolvedStar())
        result = _into("project", source, expressions=[star, *values])
        return _with_subqueries(result, scope), unknown("a projection of unknown columns")
    taken = {c.name for c in inputs if c.name is not None}
    named, refs = _named_outputs(
        ctx, values, list(rel.expressions), inputs, taken, len(inputs), plan_id
    )
    star = Connect(unresolved_star=Connect.UnresolvedStar())
    result = _with_subqueries(_into("project", source, expressions=[star, *named]), scope)
    return result, _filled(ctx, result, plan_id, [*inputs, *refs])


def _named(measure: Connect, name: str) -> Connect:
    return Connect(alias=Connect.Alias(expr=measure, name=[name])) if name else measure


def _grouping_set_index(keys: list[Connect], sets: list[list[int]]) -> Connect:
    """Substrait's grouping set index, from Spark's ``grouping_id()`` bitmask."""
    width, clauses = len(keys), []
    for position, members in enumerate(sets):
        mask = sum(1 << (width - 1 - k) for k in range(width) if k not in members)
        clauses += [call("=", call("grouping_id"), _long(mask)), _int(position)]
    return call("when", *clauses)


def _long(value: int) -> Connect:
    return Connect(literal=Connect.Literal(long=value))


def _int(value: int) -> Connect:
    return Connect(literal=Connect.Literal(integer=value))


def _aggregate(
    ctx: Context, rel: algebra_pb2.AggregateRel, plan_id: int
) -> tuple[Relation, Columns]:
    try:
        sets = groupings(rel)
    except ValueError as exc:
        raise SparkFlightError(INVALID_PLAN, str(exc)) from None
    # The output: each distinct grouping expression once, in order of appearance, then
    # the measures, then (of several grouping sets) the grouping set's index.
    keys: list[algebra_pb2.Expression] = []
    members: list[list[int]] = []
    for grouping in sets:
        indexes = []
        for e in grouping:
            if e not in keys:
                keys.append(e)
            indexes.append(keys.index(e))
        members.append(indexes)
    names = list(rel.common.hint.output_names)
    if any(names[: len(keys)]) and len(sets) > 1:
        raise NotTranslatable("output names on the grouping keys of grouping sets")
    source, columns = translated(ctx, rel.input)
    with ctx.scope(columns) as scope:
        key_columns = expressions(ctx, keys)
        measures = [
            aggregate_function(ctx, m.measure, m.filter if m.HasField("filter") else None)
            for m in rel.measures
        ]
    source = _qualified(source, scope)
    inputs = _maybe(columns)
    taken = {c.name for c in inputs or [] if c.name is not None}
    key_refs: list[Ref | None] = [None] * len(keys)
    if inputs is not None:
        key_columns, key_refs = _named_keys(
            ctx, keys, key_columns, inputs, taken, plan_id, len(sets)
        )
    for position, name in enumerate(names[: len(keys)]):
        if name:
            key_columns[position] = alias(key_columns[position], name)
            key_refs[position] = Ref(name, plan_id)
    first = len(keys)
    measure_names = names[first:] + [""] * len(measures)
    refs: list[Ref | None] = []
    for position, (measure, name) in enumerate(zip(measures, measure_names, strict=False)):
        if not name and ctx.renamed_output:
            name = fresh_name(first + position, taken)
        refs.append(Ref(name, plan_id) if name else None)
        measures[position] = _named(measure, name)
    if len(sets) > 1:
        index = _grouping_set_index(key_columns, members)
        index_ref = None
        if ctx.renamed_output:
            name = fresh_name(first + len(measures), taken)
            index, index_ref = alias(index, name), Ref(name, plan_id)
        if GROUPING_SET_INDEX_AFTER_KEYS in ctx.quirks:
            measures, refs = [index, *measures], [index_ref, *refs]
        else:
            measures, refs = [*measures, index], [*refs, index_ref]
        result = _into(
            "aggregate",
            source,
            group_type=cr.Aggregate.GROUP_TYPE_GROUPING_SETS,
            grouping_expressions=key_columns,
            aggregate_expressions=measures,
        )
        for m in members:
            result.aggregate.grouping_sets.add(grouping_set=[key_columns[i] for i in m])
    elif not measures:
        projected = _into("project", source, expressions=key_columns)
        result = _into("deduplicate", projected, all_columns_as_keys=True)
    else:
        result = _into(
            "aggregate",
            source,
            group_type=cr.Aggregate.GROUP_TYPE_GROUPBY,
            grouping_expressions=key_columns,
            aggregate_expressions=measures,
        )
    result = _with_subqueries(result, scope)
    return result, _filled(ctx, result, plan_id, [*key_refs, *refs])


def _maybe(columns: Columns) -> list[Ref] | None:
    """``columns``, or ``None`` where they are not known without Spark."""
    try:
        return columns()
    except NotTranslatable:
        return None


def _named_keys(
    ctx: Context,
    keys: list[algebra_pb2.Expression],
    values: list[Connect],
    inputs: list[Ref],
    taken: set[str],
    plan_id: int,
    set_count: int,
) -> tuple[list[Connect], list[Ref | None]]:
    """Grouping keys and how the aggregate's output picks them: a key that is an input
    column stays that column (of several grouping sets, a column of the aggregate, which
    Spark makes anew); other keys are named."""
    if set_count <= 1:
        return _named_outputs(ctx, values, keys, inputs, taken, 0, plan_id)
    names = []
    for key in keys:
        ordinal = _plain_reference(key)
        if ordinal is None or not 0 <= ordinal < len(inputs):
            raise NotTranslatable("a grouping set of a computed expression")
        names.append(inputs[ordinal].name)
    return values, list(anchored(names, plan_id))


def _sort(ctx: Context, rel: algebra_pb2.SortRel, plan_id: int) -> tuple[Relation, Columns]:
    source, columns = translated(ctx, rel.input)
    with ctx.scope(columns) as scope:
        order = [sort_field(ctx, s) for s in rel.sorts]
    within = annotation(rel, sf.SortWithinPartitions) is not None
    result = _into("sort", _qualified(source, scope), order=order, is_global=not within)
    return _with_subqueries(result, scope), columns


def _evaluated(ctx: Context, e: algebra_pb2.Expression, what: str) -> int | None:
    """A FetchRel's count or offset given as an expression (of no column): Spark evaluates
    it once, as the number its limit or offset takes."""
    if ctx.session is None:
        raise NotTranslatable(f"a FetchRel {what} computed by an expression, outside a session")
    with ctx.scope(unknown("a FetchRel's count or offset")):
        value = expression(ctx, e)
    number = planner.dataframe(ctx.session, _into("project", _one_row(), expressions=[value]))
    found = number.collect()[0][0]
    if found is not None and (type(found) is not int or found < 0):
        raise SparkFlightError(
            INVALID_PLAN, f"FetchRel {what} must be a number of rows, not {found!r}"
        )
    return found


def _fetch(ctx: Context, rel: algebra_pb2.FetchRel, plan_id: int) -> tuple[Relation, Columns]:
    computed = {
        name: getattr(rel, f"{name}_expr")
        for name in ("count", "offset")
        if rel.HasField(f"{name}_expr")
        and getattr(rel, f"{name}_expr").WhichOneof("rex_type") != "literal"
    }
    literal = rel
    if computed:
        literal = algebra_pb2.FetchRel()
        literal.CopyFrom(rel)
        for name in computed:
            literal.ClearField(f"{name}_expr")
    try:
        count, offset = fetch_count_offset(literal)
    except ValueError as exc:
        raise SparkFlightError(INVALID_PLAN, str(exc)) from None
    if "count" in computed:
        count = _evaluated(ctx, computed["count"], "count")
    if "offset" in computed:
        offset = _evaluated(ctx, computed["offset"], "offset") or 0
    result, columns = translated(ctx, rel.input)
    if offset:
        result = _into("offset", result, offset=offset)
    if count is not None:
        result = _into("limit", result, limit=count)
    return result, columns


_JoinType = cr.Join.JoinType
_JOIN_TYPES: dict[int, tuple[int, bool]] = {
    # Substrait join type: (Spark Connect join type, whether the sides swap)
    algebra_pb2.JoinRel.JOIN_TYPE_INNER: (_JoinType.JOIN_TYPE_INNER, False),
    algebra_pb2.JoinRel.JOIN_TYPE_OUTER: (_JoinType.JOIN_TYPE_FULL_OUTER, False),
    algebra_pb2.JoinRel.JOIN_TYPE_LEFT: (_JoinType.JOIN_TYPE_LEFT_OUTER, False),
    algebra_pb2.JoinRel.JOIN_TYPE_RIGHT: (_JoinType.JOIN_TYPE_RIGHT_OUTER, False),
    algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SEMI: (_JoinType.JOIN_TYPE_LEFT_SEMI, False),
    algebra_pb2.JoinRel.JOIN_TYPE_LEFT_ANTI: (_JoinType.JOIN_TYPE_LEFT_ANTI, False),
    algebra_pb2.JoinRel.JOIN_TYPE_RIGHT_SEMI: (_JoinType.JOIN_TYPE_LEFT_SEMI, True),
    algebra_pb2.JoinRel.JOIN_TYPE_RIGHT_ANTI: (_JoinType.JOIN_TYPE_LEFT_ANTI, True),
}

#: The join types Spark has no twin for, and why.
_REFUSED_JOINS: dict[int, str] = {
    **dict.fromkeys(
        (algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SINGLE, algebra_pb2.JoinRel.JOIN_TYPE_RIGHT_SINGLE),
        "Spark has no join that fails when a row finds a second match",
    ),
    **dict.fromkeys(
        (algebra_pb2.JoinRel.JOIN_TYPE_LEFT_MARK, algebra_pb2.JoinRel.JOIN_TYPE_RIGHT_MARK),
        "Spark has no mark join (a match flag that is null where the condition is unknown)",
    ),
}

#: The join types whose output is one side's columns only.
_ONE_SIDED = frozenset({_JoinType.JOIN_TYPE_LEFT_SEMI, _JoinType.JOIN_TYPE_LEFT_ANTI})

#: The join types of a lateral join.
_LATERAL_TYPES = frozenset({_JoinType.JOIN_TYPE_INNER, _JoinType.JOIN_TYPE_LEFT_OUTER})


def _join(ctx: Context, rel: algebra_pb2.JoinRel, plan_id: int) -> tuple[Relation, Columns]:
    spec = _JOIN_TYPES.get(rel.type)
    if spec is None:
        name = algebra_pb2.JoinRel.JoinType.Name(rel.type)
        why = _REFUSED_JOINS.get(rel.type)
        raise SparkFlightError(
            UNSUPPORTED_RELATION, f"unsupported join type {name}" + (f": {why}" if why else "")
        )
    join_type, swapped = spec
    if annotation(rel, sf.LateralJoin) is not None:
        return _lateral_join(ctx, rel, join_type, swapped)
    (left, left_columns), (right, right_columns) = (
        translated(ctx, rel.left),
        translated(ctx, rel.right),
    )
    both = _concatenated(left_columns, right_columns)
    result = Relation()
    join = result.join
    using = annotation(rel, sf.JoinUsingColumns)
    scope = Scope(both)
    if using is not None:
        join.using_columns.extend(using.column_names)
    elif rel.HasField("expression"):
        with ctx.scope(both) as scope:
            join.join_condition.CopyFrom(expression(ctx, rel.expression))
        if scope.qualifier is not None:
            raise NotTranslatable("an outer reference from a subquery in a join condition")
    join.left.CopyFrom(right if swapped else left)
    join.right.CopyFrom(left if swapped else right)
    join.join_type = join_type
    result = _with_subqueries(result, scope)
    if using is not None:  # Spark merges the key columns: its analysis says the output
        filtered = rel.HasField("post_join_filter")
        result.common.plan_id = join_id = next(ctx.fresh_ids) if filtered else plan_id
        output = _analysed(ctx, result, join_id)
    elif join_type in _ONE_SIDED:
        output = right_columns if swapped else left_columns
    else:
        output = both
    if rel.HasField("post_join_filter"):
        with ctx.scope(output) as after:
            condition = expression(ctx, rel.post_join_filter)
        filtered = _into("filter", _qualified(result, after), condition=condition)
        result = _with_subqueries(filtered, after)
    return result, output


def _lateral_join(
    ctx: Context, rel: algebra_pb2.JoinRel, join_type: int, swapped: bool
) -> tuple[Relation, Columns]:
    """The right side is a subquery of the left: its outer references pick left's columns."""
    if swapped or join_type not in _LATERAL_TYPES:
        name = algebra_pb2.JoinRel.JoinType.Name(rel.type)
        raise SparkFlightError(INVALID_PLAN, f"a lateral join cannot be {name}")
    left, left_columns = translated(ctx, rel.left)
    with ctx.scope(left_columns) as outer:
        right, right_columns = translated(ctx, rel.right)
    both = _concatenated(left_columns, right_columns)
    result = Relation()
    lateral = result.lateral_join
    if rel.HasField("expression"):
        with ctx.scope(both) as scope:
            lateral.join_condition.CopyFrom(expression(ctx, rel.expression))
        if scope.qualifier is not None or scope.subqueries:
            raise NotTranslatable("a subquery in the condition of a lateral join")
    lateral.left.CopyFrom(_qualified(left, outer))
    lateral.right.CopyFrom(right)
    lateral.join_type = join_type
    if outer.subqueries:
        raise NotTranslatable("a subquery of a lateral join's left side")
    return result, both


def _cross(ctx: Context, rel: algebra_pb2.CrossRel, plan_id: int) -> tuple[Relation, Columns]:
    (left, left_columns), (right, right_columns) = (
        translated(ctx, rel.left),
        translated(ctx, rel.right),
    )
    result = Relation()
    result.join.left.CopyFrom(left)
    result.join.right.CopyFrom(right)
    result.join.join_type = _JoinType.JOIN_TYPE_CROSS
    return result, _concatenated(left_columns, right_columns)


_SetOp = cr.SetOperation.SetOpType
_SET_OPS: dict[int, tuple[int, bool]] = {
    # Substrait set operation: (Spark Connect set operation, is_all)
    algebra_pb2.SetRel.SET_OP_UNION_ALL: (_SetOp.SET_OP_TYPE_UNION, True),
    algebra_pb2.SetRel.SET_OP_UNION_DISTINCT: (_SetOp.SET_OP_TYPE_UNION, True),
    algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY: (_SetOp.SET_OP_TYPE_EXCEPT, False),
    algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY_ALL: (_SetOp.SET_OP_TYPE_EXCEPT, True),
    algebra_pb2.SetRel.SET_OP_INTERSECTION_PRIMARY: (_SetOp.SET_OP_TYPE_INTERSECT, False),
    algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET: (_SetOp.SET_OP_TYPE_INTERSECT, False),
    algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET_ALL: (_SetOp.SET_OP_TYPE_INTERSECT, True),
}


def _union_all(left: Relation, right: Relation) -> Relation:
    result = Relation()
    result.set_op.left_input.CopyFrom(left)
    result.set_op.right_input.CopyFrom(right)
    result.set_op.set_op_type = _SetOp.SET_OP_TYPE_UNION
    result.set_op.is_all = True
    return result


def _set(ctx: Context, rel: algebra_pb2.SetRel, plan_id: int) -> tuple[Relation, Columns]:
    spec = _SET_OPS.get(rel.op)
    if spec is None:
        name = algebra_pb2.SetRel.SetOp.Name(rel.op)
        raise SparkFlightError(UNSUPPORTED_RELATION, f"unsupported set operation {name}")
    if len(rel.inputs) < 2:
        raise SparkFlightError(INVALID_PLAN, "a set operation needs at least two inputs")
    op, is_all = spec
    by_name = annotation(rel, sf.UnionByName) if op == _SetOp.SET_OP_TYPE_UNION else None

    def combine(left: Relation, right: Relation) -> Relation:
        result = Relation()
        set_op = result.set_op
        set_op.left_input.CopyFrom(left)
        set_op.right_input.CopyFrom(right)
        set_op.set_op_type = op
        set_op.is_all = is_all
        if by_name is not None:
            set_op.by_name = True
            set_op.allow_missing_columns = by_name.allow_missing_columns
        return result

    inputs = [translated(ctx, r) for r in rel.inputs]
    if rel.op == algebra_pb2.SetRel.SET_OP_INTERSECTION_PRIMARY:
        # The primary input's distinct rows found in any secondary input.
        secondary = reduce(_union_all, (r for r, _ in inputs[1:]))
        result = combine(inputs[0][0], secondary)
    else:
        result = reduce(combine, (r for r, _ in inputs))
    if rel.op == algebra_pb2.SetRel.SET_OP_UNION_DISTINCT:
        result = _into("deduplicate", result, all_columns_as_keys=True)
    first = inputs[0][1]
    return result, lambda: anchored([c.name or "" for c in first()], plan_id)


# ------------------------------------------------------- extension relations


def _sql(ctx: Context, m: sf.SqlRelation) -> Relation:
    """``spark.sql``: checked before Spark's planner parses it (and runs it if it is a
    command, see :func:`.restrictions.check_sql`)."""
    if ctx.session is not None:
        restrictions.check_sql(ctx.session, m.query)
    result = Relation()
    result.sql.query = m.query
    for name, value in m.named_arguments.items():
        result.sql.named_arguments[name].CopyFrom(expression(ctx, value))
    result.sql.pos_arguments.extend(expressions(ctx, m.positional_arguments))
    return result


def _range(ctx: Context, m: sf.RangeRelation) -> Relation:
    result = Relation()
    result.range.start = m.start
    result.range.end = m.end
    result.range.step = m.step or 1
    if m.HasField("num_partitions"):
        result.range.num_partitions = m.num_partitions
    return result


def _local(ctx: Context, m: sf.LocalRelation) -> Relation:
    """Local data: inline Arrow IPC data, or data uploaded by DoPut, which the session
    keeps as a DataFrame that the plan names (Spark Connect's cached remote relation)."""
    kind = m.WhichOneof("data")
    result = Relation()
    if kind == "upload_id":
        if ctx.session is None:
            raise SparkFlightError(INVALID_PLAN, "uploaded data needs a session")
        relation_id = uploaded_relation_id(ctx.session, m.upload_id, m.schema_json)
        result.cached_remote_relation.relation_id = relation_id
        return result
    if kind != "arrow_ipc":
        raise SparkFlightError(INVALID_PLAN, "LocalRelation without data")
    result.local_relation.data = m.arrow_ipc
    if m.schema_json:
        result.local_relation.data = _declared_non_null(m.arrow_ipc, m.schema_json)
        result.local_relation.schema = m.schema_json
    return result


def _micro_batch(ctx: Context, m: sf.MicroBatchRelation) -> Relation:
    """A micro-batch the session's planner keeps while a foreachBatch function runs."""
    if (
        ctx.session is None
        or not m.relation_id.startswith(BATCH_PREFIX)
        or not planner.holds(ctx.session, m.relation_id)
    ):
        raise SparkFlightError(
            INVALID_PLAN,
            f"no micro-batch {m.relation_id!r} in this session: a micro-batch exists only "
            "while the foreachBatch call it was handed to runs",
        )
    result = Relation()
    result.cached_remote_relation.relation_id = m.relation_id
    return result


def _declared_non_null(data: bytes, schema_json: str) -> bytes:
    """Arrow IPC ``data`` whose top-level columns the Spark schema declares non-nullable
    are marked so when they hold no null (Spark's planner refuses a nullable column for a
    non-nullable field; one that holds nulls stays nullable, for Spark to refuse)."""
    try:
        declared = json.loads(schema_json).get("fields", [])
        table = pa.ipc.open_stream(data).read_all()
    except (ValueError, AttributeError, pa.ArrowInvalid) as exc:
        raise malformed("local data or schema", exc) from None
    fields = list(table.schema)
    changed = False
    for i, (field, spark_field) in enumerate(zip(fields, declared, strict=False)):
        required = isinstance(spark_field, dict) and spark_field.get("nullable") is False
        if required and field.nullable and table.column(i).null_count == 0:
            fields[i] = field.with_nullable(False)
            changed = True
    if not changed:
        return data
    table = table.cast(pa.schema(fields, metadata=table.schema.metadata))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _data_source(ctx: Context, m: sf.DataSourceRelation) -> Relation:
    """``spark.read``; a file source whose schema Spark infers is read with the schema the
    session keeps for its files (:mod:`sparkflight.flight_server.sources`)."""
    if ctx.session is not None:
        restrictions.check_source(ctx.session, m.format, m.paths, m.options)
    schema = m.schema
    inferring = m.format.lower() in sources.INFERRING_FORMATS and not m.predicates
    if not schema and inferring and ctx.session is not None:
        schema = sources.inferred_schema(
            ctx.session, m.format, dict(m.options), list(m.paths)
        ).json()
    result = Relation()
    source = result.read.data_source
    if m.format:
        source.format = m.format
    if schema:
        source.schema = schema
    source.options.update(m.options)
    source.paths.extend(m.paths)
    source.predicates.extend(m.predicates)
    return result


def _changes(ctx: Context, m: sf.ChangesRelation) -> Relation:
    result = Relation()
    result.relation_changes.unparsed_identifier = m.table_name
    result.relation_changes.options.update(m.options)
    return result


def _stream_source(ctx: Context, m: sf.StreamSourceRelation) -> Relation:
    """``spark.readStream``: a streaming read of a source, of a table or of its changes."""
    result = Relation()
    if m.table_name:
        if m.format or m.path or m.schema:
            raise SparkFlightError(INVALID_PLAN, "a streaming table source has no format or path")
        if m.changes:
            changes = result.relation_changes
            changes.unparsed_identifier = m.table_name
            changes.options.update(m.options)
            changes.is_streaming = True
            if m.source_name:
                raise SparkFlightError(INVALID_PLAN, "the changes of a table have no source name")
            return result
        result.read.named_table.unparsed_identifier = m.table_name
        result.read.named_table.options.update(m.options)
    else:
        if ctx.session is not None:
            paths = [m.path] if m.path else []
            restrictions.check_source(ctx.session, m.format, paths, m.options)
        source = result.read.data_source
        if m.format:
            source.format = m.format
        if m.schema:
            source.schema = m.schema
        source.options.update(m.options)
        if m.path:
            source.paths.append(m.path)
    if m.source_name:
        if m.table_name:
            raise SparkFlightError(INVALID_PLAN, "a streaming table source has no source name")
        result.read.data_source.source_name = m.source_name
    result.read.is_streaming = True
    return result


def _copied(source: Message, target: Message) -> None:
    """Copy the fields ``source`` sets into the fields of the same names of ``target``."""
    for field, value in source.ListFields():
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            getattr(target, field.name).update(value)
        elif field.message_type is not None:
            _copied(value, getattr(target, field.name))
        else:
            setattr(target, field.name, value)


def _default_collation(data_type: Message) -> Message:
    """``data_type`` with the strings of the default collation left plain (``string``, not
    ``string collate UTF8_BINARY``, as a schema given to PySpark names them)."""
    for field, value in data_type.ListFields():
        if field.message_type is None:
            continue
        for item in value if field.is_repeated else [value]:
            _default_collation(item)
    if data_type.DESCRIPTOR.name == "String" and data_type.collation == "UTF8_BINARY":
        data_type.ClearField("collation")
    return data_type


_CATALOG_OPERATIONS = frozenset(Relation().catalog.DESCRIPTOR.fields_by_name)


def _catalog(ctx: Context, m: sf.CatalogRelation) -> Relation:
    """A ``spark.catalog`` operation: Spark Connect's planner runs it when it plans it."""
    kind = m.WhichOneof("operation")
    if kind is None or kind not in _CATALOG_OPERATIONS:
        raise SparkFlightError(INVALID_PLAN, "CatalogRelation without a known operation")
    if kind == "create_table" and ctx.session is not None:
        table = m.create_table
        options = {"path": table.path, **table.options}
        restrictions.check_table(ctx.session, table.source or None, options)
    if kind == "create_database" and ctx.session is not None:
        restrictions.check_table(ctx.session, None, dict(m.create_database.properties))
    result = Relation()
    operation, target = getattr(m, kind), getattr(result.catalog, kind)
    target.SetInParent()
    if kind == "create_table" and operation.HasField("schema"):
        schema = T.StructType.fromJson(json.loads(operation.schema))
        target.schema.CopyFrom(_default_collation(pyspark_types_to_proto_types(schema)))
        operation = type(operation)()
        operation.CopyFrom(getattr(m, kind))
        operation.ClearField("schema")
    _copied(operation, target)
    return result


#: The table-valued functions of ``spark.tvf`` a TableFunctionRelation may name.
TABLE_FUNCTIONS = frozenset(
    "explode explode_outer inline inline_outer json_tuple posexplode posexplode_outer stack "
    "collations sql_keywords variant_explode variant_explode_outer python_worker_logs".split()
)


def _table_function(ctx: Context, m: sf.TableFunctionRelation) -> Relation:
    if m.name not in TABLE_FUNCTIONS:
        raise SparkFlightError(
            UNSUPPORTED_RELATION, f"unknown table-valued function {m.name!r}", detail=m.name
        )
    result = Relation()
    function = result.unresolved_table_valued_function
    function.function_name = m.name
    function.arguments.extend(expressions(ctx, m.arguments))
    return result


def _subquery_alias(ctx: Context, m: sf.SubqueryAliasRelation, child: Relation) -> Relation:
    return _into("subquery_alias", child, alias=m.alias)


def _column_alias(name: str, value: Connect) -> Connect.Alias:
    """``value`` named ``name``; the metadata of an alias it already is stays with it."""
    if value.WhichOneof("expr_type") == "alias" and value.alias.HasField("metadata"):
        return Connect.Alias(expr=value, name=[name], metadata=value.alias.metadata)
    return Connect.Alias(expr=value, name=[name])


def _with_columns(ctx: Context, m: sf.WithColumnsRelation, child: Relation) -> Relation:
    if len(m.names) != len(m.expressions):
        raise SparkFlightError(INVALID_PLAN, "WithColumnsRelation names and expressions differ")
    aliases = [
        _column_alias(n, e) for n, e in zip(m.names, expressions(ctx, m.expressions), strict=True)
    ]
    return _into("with_columns", child, aliases=aliases)


def _rename(ctx: Context, m: sf.RenameRelation, child: Relation) -> Relation:
    order = list(m.order) or sorted(m.renames)
    renames = [cr.WithColumnsRenamed.Rename(col_name=o, new_col_name=m.renames[o]) for o in order]
    return _into("with_columns_renamed", child, renames=renames)


def _drop(ctx: Context, m: sf.DropRelation, child: Relation) -> Relation:
    return _into(
        "drop", child, columns=expressions(ctx, m.columns), column_names=list(m.column_names)
    )


def _to_df(ctx: Context, m: sf.ToDFRelation, child: Relation) -> Relation:
    return _into("to_df", child, column_names=list(m.names))


def _deduplicate(ctx: Context, m: sf.DeduplicateRelation, child: Relation) -> Relation:
    """``distinct()``, ``dropDuplicates(subset)``: an empty subset keeps one row, as in
    Spark."""
    subset = [] if m.all_columns else list(m.column_names)
    return _into(
        "deduplicate",
        child,
        column_names=subset,
        all_columns_as_keys=m.all_columns,
        within_watermark=m.within_watermark,
    )


def _sample(ctx: Context, m: sf.SampleRelation, child: Relation) -> Relation:
    """``df.sample``, or one split of ``df.randomSplit`` as Spark builds it (each partition
    sorted, so that the splits of one seed are disjoint)."""
    if not 0 <= m.lower_bound <= m.upper_bound:
        raise SparkFlightError(
            INVALID_PLAN, f"sample bounds {m.lower_bound} and {m.upper_bound} are not ordered"
        )
    weights, index = list(m.split_weights), m.split_index
    if not weights and m.lower_bound == 0:
        result = _into(
            "sample",
            child,
            lower_bound=0.0,
            upper_bound=m.upper_bound,
            with_replacement=m.with_replacement,
        )
    else:
        if not weights:  # the middle split of (lower, upper - lower, 1 - upper)
            weights, index = [m.lower_bound, m.upper_bound - m.lower_bound, 1 - m.upper_bound], 1
        if not 0 <= index < len(weights):
            raise SparkFlightError(INVALID_PLAN, f"split index {index} of {len(weights)} splits")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise SparkFlightError(
                INVALID_PLAN, f"split weights {weights} must be non-negative with a positive sum"
            )
        bounds = [0.0, *accumulate(w / sum(weights) for w in weights)]
        result = _into(
            "sample",
            child,
            lower_bound=bounds[index],
            upper_bound=bounds[index + 1],
            with_replacement=False,
            deterministic_order=True,
        )
    if m.HasField("seed"):
        result.sample.seed = m.seed
    return result


#: Substrait's ``SORT_DIRECTION_ASC_NULLS_FIRST``, Spark's default sort order.
_ASCENDING_NULLS_FIRST = algebra_pb2.SortField.SORT_DIRECTION_ASC_NULLS_FIRST


def _ascending(column: Connect) -> Connect:
    """``column`` as a sort order, ascending unless it is one already (repartitionByRange)."""
    if column.WhichOneof("expr_type") == "sort_order":
        return column
    return Connect(sort_order=sort_order(column, _ASCENDING_NULLS_FIRST))


def _repartition(ctx: Context, m: sf.RepartitionRelation, child: Relation) -> Relation:
    columns = expressions(ctx, m.partition_expressions)
    if m.by_id:
        if not m.HasField("num_partitions") or len(columns) != 1:
            raise SparkFlightError(
                INVALID_PLAN, "repartitionById needs a number of partitions and one expression"
            )
        partition = Connect.DirectShufflePartitionID(child=columns[0])
        columns = [Connect(direct_shuffle_partition_id=partition)]
    elif m.by_range:
        if not columns:
            raise SparkFlightError(INVALID_PLAN, "repartitionByRange needs partition expressions")
        columns = [_ascending(c) for c in columns]
    if columns:
        result = _into("repartition_by_expression", child, partition_exprs=columns)
        if m.HasField("num_partitions"):
            result.repartition_by_expression.num_partitions = m.num_partitions
        return result
    if not m.HasField("num_partitions"):
        raise SparkFlightError(INVALID_PLAN, "coalesce without a number of partitions")
    return _into("repartition", child, num_partitions=m.num_partitions, shuffle=m.shuffle)


_GroupType = cr.Aggregate.GroupType
_GROUP_TYPES: dict[int, int] = {
    sf.AggregateRelation.GROUP_TYPE_GROUPBY: _GroupType.GROUP_TYPE_GROUPBY,
    sf.AggregateRelation.GROUP_TYPE_ROLLUP: _GroupType.GROUP_TYPE_ROLLUP,
    sf.AggregateRelation.GROUP_TYPE_CUBE: _GroupType.GROUP_TYPE_CUBE,
    sf.AggregateRelation.GROUP_TYPE_GROUPING_SETS: _GroupType.GROUP_TYPE_GROUPING_SETS,
    sf.AggregateRelation.GROUP_TYPE_PIVOT: _GroupType.GROUP_TYPE_PIVOT,
}


#: The function names ``agg({column: function})`` reads as another function
#: (``RelationalGroupedDataset.strToExpr``), in lower case.
_BY_NAME_FUNCTIONS = {"average": "avg", "mean": "avg", "std": "stddev", "size": "count"}


def _by_name_order(ctx: Context, entries: list[sf.AggregateRelation.ByName]) -> list[Any]:
    """The entries of ``agg(dict)`` in the order Spark reads PySpark's dict: a
    ``java.util.HashMap`` of them, made a Scala ``Map`` (Spark's own conversion, asked of
    the JVM); without a session (translation alone), the dict's order."""
    if ctx.session is None:
        return entries
    spark = ctx.session.spark
    java_map = jvm.java_class(spark, "java.util.HashMap")()
    for entry in entries:
        java_map.put(entry.column, entry.function)
    keys = (
        jvm.static(spark, "org.apache.spark.api.python.PythonUtils", "toScalaMap")(java_map)
        .keys()
        .iterator()
    )
    by_column = {entry.column: entry for entry in entries}
    ordered = []
    while keys.hasNext():
        ordered.append(by_column[keys.next()])
    return ordered


def _by_name(entry: sf.AggregateRelation.ByName) -> Connect:
    """``{column: function}`` as Spark reads it: a count of ``*`` counts rows."""
    name = entry.function.lower()
    name = _BY_NAME_FUNCTIONS.get(name, name)
    if entry.column == "*":
        argument = Connect(unresolved_star=Connect.UnresolvedStar())
        if name == "count":
            argument = Connect(literal=Connect.Literal(integer=1))
    else:
        argument = Connect(
            unresolved_attribute=Connect.UnresolvedAttribute(unparsed_identifier=entry.column)
        )
    return call(name, argument)


def _group_aggregate(ctx: Context, m: sf.AggregateRelation, child: Relation) -> Relation:
    group_type = _GROUP_TYPES.get(m.group_type)
    if group_type is None:
        raise SparkFlightError(INVALID_PLAN, f"unknown aggregate group type {m.group_type}")
    if not m.aggregate_expressions and not m.by_name:
        raise SparkFlightError(INVALID_PLAN, "AggregateRelation without aggregate expressions")
    keys = expressions(ctx, m.grouping_expressions)
    aggregates = expressions(ctx, m.aggregate_expressions)
    aggregates += [_by_name(entry) for entry in _by_name_order(ctx, list(m.by_name))]
    result = _into(
        "aggregate",
        child,
        group_type=group_type,
        grouping_expressions=keys,
        aggregate_expressions=aggregates,
    )
    aggregate = result.aggregate
    for grouping_set in m.grouping_sets:
        aggregate.grouping_sets.add(grouping_set=[keys[i] for i in grouping_set.indexes])
    if m.group_type == sf.AggregateRelation.GROUP_TYPE_PIVOT:
        aggregate.pivot.col.CopyFrom(expression(ctx, m.pivot_column))
        for value in m.pivot_values:
            aggregate.pivot.values.append(_literal_value(expression(ctx, value)))
    return result


def _hint(ctx: Context, m: sf.HintRelation, child: Relation) -> Relation:
    return _into("hint", child, name=m.name, parameters=expressions(ctx, m.parameters))


def _observe(ctx: Context, m: sf.ObserveRelation, child: Relation) -> Relation:
    """``df.observe``; with an Observation, the session keeps the metrics Spark collects
    under the name and the plan id of this relation (:func:`plan_relation` registers it
    once the relation has its plan id)."""
    if not m.metrics:
        raise SparkFlightError(INVALID_PLAN, "observe needs at least one metric")
    result = _into("collect_metrics", child, name=m.name, metrics=expressions(ctx, m.metrics))
    if m.observation_id:
        if ctx.session is None:
            raise SparkFlightError(INVALID_PLAN, "an Observation needs a session")
        ctx.observed.append((m.observation_id, result))
    return result


def _show_string(ctx: Context, m: sf.ShowStringRelation, child: Relation) -> Relation:
    """``df.show()`` text (a ``show_string`` column) or ``_repr_html_`` (``html_string``)."""
    if m.html:
        return _into("html_string", child, num_rows=m.num_rows, truncate=m.truncate)
    return _into(
        "show_string", child, num_rows=m.num_rows, truncate=m.truncate, vertical=m.vertical
    )


def _stat_summary(ctx: Context, m: sf.StatSummaryRelation, child: Relation) -> Relation:
    if m.describe:
        return _into("describe", child, cols=list(m.columns))
    return _into("summary", child, statistics=list(m.statistics))


def _crosstab(ctx: Context, m: sf.StatCrosstabRelation, child: Relation) -> Relation:
    return _into("crosstab", child, col1=m.col1, col2=m.col2)


def _freq_items(ctx: Context, m: sf.StatFreqItemsRelation, child: Relation) -> Relation:
    result = _into("freq_items", child, cols=list(m.columns))
    if m.HasField("support"):
        result.freq_items.support = m.support
    return result


def _approx_quantile(ctx: Context, m: sf.StatApproxQuantileRelation, child: Relation) -> Relation:
    return _into(
        "approx_quantile",
        child,
        cols=list(m.columns),
        probabilities=list(m.probabilities),
        relative_error=m.relative_error,
    )


def _sample_by(ctx: Context, m: sf.StatSampleByRelation, child: Relation) -> Relation:
    if len(m.strata) != len(m.fractions):
        raise SparkFlightError(INVALID_PLAN, "StatSampleByRelation strata and fractions differ")
    fractions = [
        cr.StatSampleBy.Fraction(stratum=_literal_value(literal_expression(s)), fraction=f)
        for s, f in zip(m.strata, m.fractions, strict=True)
    ]
    return _into(
        "sample_by", child, col=expression(ctx, m.column), fractions=fractions, seed=m.seed
    )


def _zip_with_index(ctx: Context, m: sf.ZipWithIndexRelation, child: Relation) -> Relation:
    """``df.zipWithIndex``: every column, and the row's position (Spark's
    ``distributed_sequence_id``)."""
    index = Connect(
        alias=Connect.Alias(expr=call("distributed_sequence_id"), name=[m.index_column])
    )
    star = Connect(unresolved_star=Connect.UnresolvedStar())
    return _into("project", child, expressions=[star, index])


def _literal_value(value: Connect) -> ce.Expression.Literal:
    """The literal that ``value`` is: a plain literal, or an array, map or struct of
    literals (which translate as calls of ``array``, ``map`` and ``struct``)."""
    kind = value.WhichOneof("expr_type")
    if kind == "literal":
        return value.literal
    if kind == "alias":
        return _literal_value(value.alias.expr)
    if kind == "cast":  # a whole-day interval; Spark casts the value where it is used
        return _literal_value(value.cast.expr)
    function = value.unresolved_function if kind == "unresolved_function" else None
    items = [_literal_value(a) for a in function.arguments] if function is not None else []
    name = function.function_name if function is not None else ""
    Literal = ce.Expression.Literal
    if name == "array" and items:
        return Literal(array=Literal.Array(elements=items))
    if name == "map" and items:
        return Literal(map=Literal.Map(keys=items[0::2], values=items[1::2]))
    if name == "struct" and items:
        return Literal(struct=Literal.Struct(elements=items))
    raise SparkFlightError(INVALID_PLAN, "a value that must be a literal is not one")


def _transpose(ctx: Context, m: sf.TransposeRelation, child: Relation) -> Relation:
    index = [expression(ctx, m.index_column)] if m.HasField("index_column") else []
    return _into("transpose", child, index_columns=index)


_PARSE_FORMATS = {
    "csv": cr.Parse.PARSE_FORMAT_CSV,
    "json": cr.Parse.PARSE_FORMAT_JSON,
    "xml": cr.Parse.PARSE_FORMAT_XML,
}


def _parse(ctx: Context, m: sf.ParseRelation, child: Relation) -> Relation:
    """``spark.read.json(df)`` (csv, xml): Spark parses the input's string column."""
    parse_format = _PARSE_FORMATS.get(m.format.lower())
    if parse_format is None:
        raise SparkFlightError(INVALID_PLAN, f"no parser for the format {m.format!r}")
    result = _into("parse", child, format=parse_format)
    if m.schema:
        result.parse.schema.CopyFrom(pyspark_types_to_proto_types(python.parsed_type(m.schema)))
    result.parse.options.update(m.options)
    return result


def _plain_literal(literal: algebra_pb2.Expression.Literal) -> ce.Expression.Literal:
    """A literal of ``na.fill`` or ``na.replace`` as PySpark's Connect client sends it:
    integers as longs, floating point as doubles, null as a null of no type."""
    value = literal_value(literal)
    if value is None:
        return ce.Expression.Literal(null=_NULL_TYPE)
    if isinstance(value, bool):
        return ce.Expression.Literal(boolean=value)
    if isinstance(value, int):
        return ce.Expression.Literal(long=value)
    if isinstance(value, float):
        return ce.Expression.Literal(double=value)
    if isinstance(value, str):
        return ce.Expression.Literal(string=value)
    raise SparkFlightError(INVALID_PLAN, f"not a boolean, number or string: {value!r}")


def _fill_na(ctx: Context, m: sf.FillNaRelation, child: Relation) -> Relation:
    """``df.na.fill``: Spark fills the columns of each value's type, or (a dict) each
    column with its value (an empty dict fills nothing). Spark Connect's planner reads
    one value as the former, so the one entry of a dict goes twice, which Spark's map of
    columns to values keeps once."""
    entries = list(zip(m.columns, m.values, strict=False)) if m.by_column else []
    if m.by_column and not entries:
        return _into(
            "project", child, expressions=[Connect(unresolved_star=Connect.UnresolvedStar())]
        )
    if m.by_column:
        entries = _last_of_each_column(ctx, entries)
        columns, values = [c for c, _ in entries], [_plain_literal(v) for _, v in entries]
        if len(values) == 1:
            columns, values = columns * 2, values * 2
    else:
        columns, values = list(m.columns), [_plain_literal(v) for v in m.values]
    return _into("fill_na", child, cols=columns, values=values)


def _last_of_each_column(ctx: Context, entries: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A dict's entries less those a later entry for the same column overrides, later in
    the order Spark reads PySpark's dict (a ``java.util.HashMap``): Spark Connect's planner
    reads them in another order. Names equal but for case are one column unless Spark is
    case sensitive."""
    if ctx.session is None or len(entries) < 2:
        return entries
    spark = ctx.session.spark
    java_map = jvm.java_class(spark, "java.util.HashMap")()
    for position, (column, _) in enumerate(entries):
        java_map.put(column, position)
    keys = java_map.keySet().iterator()
    order = []
    while keys.hasNext():
        order.append(keys.next())
    sensitive = spark.conf.get("spark.sql.caseSensitive", "false").lower() == "true"
    last = {(c if sensitive else c.lower()): c for c in order}
    kept = set(last.values())
    return [(c, v) for c, v in entries if c in kept]


def _drop_na(ctx: Context, m: sf.DropNaRelation, child: Relation) -> Relation:
    result = _into("drop_na", child, cols=list(m.columns))
    if m.HasField("min_non_nulls"):
        result.drop_na.min_non_nulls = m.min_non_nulls
    return result


def _replace(ctx: Context, m: sf.ReplaceRelation, child: Relation) -> Relation:
    result = _into("replace", child, cols=list(m.columns))
    for r in m.replacements:
        result.replace.replacements.add(
            old_value=_plain_literal(r.old_value), new_value=_plain_literal(r.new_value)
        )
    return result


def _unpivot(ctx: Context, m: sf.UnpivotRelation, child: Relation) -> Relation:
    """``df.unpivot``: Spark's Unpivot, which widens the values to their common type."""
    result = _into(
        "unpivot",
        child,
        ids=expressions(ctx, m.ids),
        variable_column_name=m.variable_column_name,
        value_column_name=m.value_column_name,
    )
    if m.values_given:
        result.unpivot.values.values.extend(expressions(ctx, m.values))
    return result


def _tail(ctx: Context, m: sf.TailRelation, child: Relation) -> Relation:
    if m.limit < 0:
        raise SparkFlightError(INVALID_PLAN, f"tail limit {m.limit} is negative")
    return _into("tail", child, limit=m.limit)


def _watermark(ctx: Context, m: sf.WatermarkRelation, child: Relation) -> Relation:
    return _into(
        "with_watermark", child, event_time=m.event_time, delay_threshold=m.delay_threshold
    )


def _to_schema(ctx: Context, m: sf.ToSchemaRelation, child: Relation) -> Relation:
    schema = T.StructType.fromJson(json.loads(m.schema_json))
    return _into("to_schema", child, schema=pyspark_types_to_proto_types(schema))


# ---------------------------------------------------------- Python functions


def _session(ctx: Context, function: sf.PythonFunction) -> Session:
    return python.check_session(ctx.session, function)


def input_columns(session: Session, child: Relation) -> list[Connect]:
    """The columns of ``child``, which Spark hands a relation's Python function (planned
    here, as PySpark's Connect client asks for them: the session's plan cache keeps the
    planned ``child`` for the plan around it)."""
    names = planner.dataframe(session, child).columns
    return [
        Connect(unresolved_attribute=Connect.UnresolvedAttribute(unparsed_identifier=quoted(n)))
        for n in names
    ]


def _columns(ctx: Context, child: Relation) -> list[Connect]:
    assert ctx.session is not None  # checked with the function
    return input_columns(ctx.session, child)


def _map_partitions(ctx: Context, m: sf.MapPartitionsRelation, child: Relation) -> Relation:
    _session(ctx, m.function)
    func = python.relation_function(
        m.function, python.MAP_PARTITIONS, "mapInPandas/mapInArrow", _columns(ctx, child)
    )
    return _into("map_partitions", child, func=func, is_barrier=m.barrier)


def _group_map(ctx: Context, m: sf.GroupMapRelation, child: Relation) -> Relation:
    _session(ctx, m.function)
    func = python.relation_function(
        m.function, python.GROUP_MAP, "applyInPandas/applyInArrow", _columns(ctx, child)
    )
    keys = expressions(ctx, m.grouping_expressions)
    return _into("group_map", child, func=func, grouping_expressions=keys)


def _apply_in_pandas_with_state(
    ctx: Context, m: sf.StatefulGroupMapRelation, child: Relation
) -> Relation:
    function = m.function
    if not m.state_schema:
        raise SparkFlightError(INVALID_PLAN, "applyInPandasWithState needs a state schema")
    python.parsed_type(m.state_schema)  # refused here when it is no type
    schema = python.function_type(function)
    func = python.inline_function(function, function.eval_type, schema, _columns(ctx, child))
    return _into(
        "apply_in_pandas_with_state",
        child,
        func=func,
        grouping_expressions=expressions(ctx, m.grouping_expressions),
        output_schema=function.return_type,
        state_schema=m.state_schema,
        output_mode=m.output_mode,
        timeout_conf=m.timeout_conf,
    )


def _transform_with_state(
    ctx: Context,
    m: sf.StatefulGroupMapRelation,
    child: Relation,
    initial: Relation | None = None,
) -> Relation:
    """``transformWithState(InPandas)``: the client's StatefulProcessor, wrapped (in the
    pickle) as PySpark wraps it for Spark's workers."""
    function = m.function
    plain, with_initial_state = python.TRANSFORM_WITH_STATE[function.eval_type]
    schema = python.function_type(function)
    command = python.transform_with_state_command(
        function.command, m.time_mode, initial is not None, schema
    )
    eval_type = plain if initial is None else with_initial_state
    func = python.inline_function(function, eval_type, schema, _columns(ctx, child), command)
    info = cr.TransformWithStateInfo(
        time_mode=m.time_mode,
        event_time_column_name=m.event_time_column,
        output_schema=pyspark_types_to_proto_types(schema),
    )
    result = _into(
        "group_map",
        child,
        func=func,
        grouping_expressions=expressions(ctx, m.grouping_expressions),
        output_mode=m.output_mode,
        transform_with_state_info=info,
    )
    if initial is not None:
        result.group_map.initial_input.CopyFrom(initial)
        keys = expressions(ctx, m.initial_state_grouping_expressions)
        result.group_map.initial_grouping_expressions.extend(keys)
    return result


def _stateful_group_map(ctx: Context, m: sf.StatefulGroupMapRelation, child: Relation) -> Relation:
    _session(ctx, m.function)
    if m.function.eval_type == PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE:
        return _apply_in_pandas_with_state(ctx, m, child)
    if m.function.eval_type in python.TRANSFORM_WITH_STATE:
        return _transform_with_state(ctx, m, child)
    raise SparkFlightError(
        INVALID_PLAN, f"eval type {m.function.eval_type} does not fit a stateful relation"
    )


def _stateful_group_map_with_initial_state(
    ctx: Context, m: sf.StatefulGroupMapRelation, inputs: list[Relation]
) -> Relation:
    _session(ctx, m.function)
    if m.function.eval_type not in python.TRANSFORM_WITH_STATE:
        raise SparkFlightError(
            INVALID_PLAN,
            f"eval type {m.function.eval_type} takes no initial state: only "
            "transformWithState(InPandas) does",
        )
    child, initial = inputs
    return _transform_with_state(ctx, m, child, initial)


def _cogroup_map(ctx: Context, m: sf.CoGroupMapRelation, inputs: list[Relation]) -> Relation:
    _session(ctx, m.function)
    func = python.relation_function(
        m.function, python.COGROUP_MAP, "cogroup().applyInPandas/applyInArrow"
    )
    result = Relation()
    cogroup = result.co_group_map
    cogroup.input.CopyFrom(inputs[0])
    cogroup.other.CopyFrom(inputs[1])
    cogroup.input_grouping_expressions.extend(expressions(ctx, m.left_grouping_expressions))
    cogroup.other_grouping_expressions.extend(expressions(ctx, m.right_grouping_expressions))
    cogroup.func.CopyFrom(func)
    return result


def _table_argument(ctx: Context, m: sf.TableArgument, table_id: int) -> Connect:
    """``df.asTable()`` shaped by the argument's fields: a table-argument subquery of the
    relation whose plan id is ``table_id``."""
    if m.partition_by and m.with_single_partition:
        raise SparkFlightError(
            INVALID_PLAN, "a table argument takes partition_by or with_single_partition, not both"
        )
    if m.order_by and not (m.partition_by or m.with_single_partition):
        raise SparkFlightError(
            INVALID_PLAN,
            "a table argument's order_by needs partition_by or with_single_partition",
        )
    options = ce.SubqueryExpression.TableArgOptions(
        partition_spec=expressions(ctx, m.partition_by),
        order_spec=[sort_field(ctx, o) for o in m.order_by],
    )
    if m.with_single_partition:
        options.with_single_partition = True
    return Connect(
        subquery_expression=ce.SubqueryExpression(
            plan_id=table_id,
            subquery_type=ce.SubqueryExpression.SUBQUERY_TYPE_TABLE_ARG,
            table_arg_options=options,
        )
    )


def _python_table_function(ctx: Context, m: sf.PythonTableFunctionRelation) -> Relation:
    """A UDTF call; its table arguments are relations the call references by plan id."""
    _session(ctx, m.function)
    slots: list[Connect | None] = [None] * (len(m.arguments) + len(m.table_arguments))
    tables = []
    for argument in m.table_arguments:
        position = argument.position
        if not 0 <= position < len(slots) or slots[position] is not None:
            raise SparkFlightError(
                INVALID_PLAN,
                f"table argument position {position} is out of range or taken: the call has "
                f"{len(slots)} arguments",
            )
        table = relation(ctx, argument.input)
        if not table.common.HasField("plan_id"):
            table.common.plan_id = min(ctx.plan_ids | {0}) - 1
            ctx.plan_ids.add(table.common.plan_id)
        tables.append(table)
        slots[position] = _table_argument(ctx, argument, table.common.plan_id)
    scalars = iter(expressions(ctx, m.arguments))
    arguments = [slot if slot is not None else next(scalars) for slot in slots]
    result = Relation(common_inline_user_defined_table_function=python.udtf(m.function, arguments))
    if not tables:
        return result
    return Relation(with_relations=cr.WithRelations(root=result, references=tables))


_Leaf = Callable[[Context, Any], Relation]
_Single = Callable[[Context, Any, Relation], Relation]

#: Extension leaves by detail message.
_LEAVES: dict[str, tuple[type[Message], _Leaf]] = {
    message.DESCRIPTOR.full_name: (message, rule)
    for message, rule in (
        (sf.SqlRelation, _sql),
        (sf.RangeRelation, _range),
        (sf.LocalRelation, _local),
        (sf.MicroBatchRelation, _micro_batch),
        (sf.DataSourceRelation, _data_source),
        (sf.TableFunctionRelation, _table_function),
        (sf.ChangesRelation, _changes),
        (sf.StreamSourceRelation, _stream_source),
        (sf.CatalogRelation, _catalog),
        (sf.PythonTableFunctionRelation, _python_table_function),
    )
}

#: Extension relations of one input by detail message.
_SINGLES: dict[str, tuple[type[Message], _Single]] = {
    message.DESCRIPTOR.full_name: (message, rule)
    for message, rule in (
        (sf.SubqueryAliasRelation, _subquery_alias),
        (sf.WithColumnsRelation, _with_columns),
        (sf.RenameRelation, _rename),
        (sf.DropRelation, _drop),
        (sf.ToDFRelation, _to_df),
        (sf.ParseRelation, _parse),
        (sf.FillNaRelation, _fill_na),
        (sf.DropNaRelation, _drop_na),
        (sf.ReplaceRelation, _replace),
        (sf.UnpivotRelation, _unpivot),
        (sf.DeduplicateRelation, _deduplicate),
        (sf.SampleRelation, _sample),
        (sf.RepartitionRelation, _repartition),
        (sf.AggregateRelation, _group_aggregate),
        (sf.HintRelation, _hint),
        (sf.ObserveRelation, _observe),
        (sf.TransposeRelation, _transpose),
        (sf.TailRelation, _tail),
        (sf.WatermarkRelation, _watermark),
        (sf.ToSchemaRelation, _to_schema),
        (sf.ShowStringRelation, _show_string),
        (sf.StatSummaryRelation, _stat_summary),
        (sf.StatCrosstabRelation, _crosstab),
        (sf.StatFreqItemsRelation, _freq_items),
        (sf.StatApproxQuantileRelation, _approx_quantile),
        (sf.StatSampleByRelation, _sample_by),
        (sf.ZipWithIndexRelation, _zip_with_index),
        (sf.MapPartitionsRelation, _map_partitions),
        (sf.GroupMapRelation, _group_map),
        (sf.StatefulGroupMapRelation, _stateful_group_map),
    )
}


def _zip(ctx: Context, m: sf.ZipRelation, inputs: list[Relation]) -> Relation:
    left, right = inputs
    result = Relation()
    result.zip.left.CopyFrom(left)
    result.zip.right.CopyFrom(right)
    return result


def _nearest_by_join(ctx: Context, m: sf.NearestByJoinRelation, inputs: list[Relation]) -> Relation:
    left, right = inputs
    result = Relation()
    join = result.nearest_by_join
    join.left.CopyFrom(left)
    join.right.CopyFrom(right)
    join.ranking_expression.CopyFrom(expression(ctx, m.ranking_expression))
    join.num_results = m.num_results
    join.join_type = m.join_type or "inner"
    join.mode = m.mode
    join.direction = m.direction
    return result


def _as_of_join(ctx: Context, m: sf.AsOfJoinRelation, inputs: list[Relation]) -> Relation:
    left, right = inputs
    result = Relation()
    join = result.as_of_join
    join.left.CopyFrom(left)
    join.right.CopyFrom(right)
    join.left_as_of.CopyFrom(expression(ctx, m.left_as_of))
    join.right_as_of.CopyFrom(expression(ctx, m.right_as_of))
    if m.HasField("join_expression"):
        join.join_expr.CopyFrom(expression(ctx, m.join_expression))
    join.using_columns.extend(m.using_columns)
    join.join_type = m.join_type or "inner"
    if m.HasField("tolerance"):
        join.tolerance.CopyFrom(expression(ctx, m.tolerance))
    join.allow_exact_matches = m.allow_exact_matches
    join.direction = m.direction or "backward"
    return result


_Multi = Callable[[Context, Any, list[Relation]], Relation]

#: Extension relations of two inputs (ExtensionMultiRel) by detail message.
_MULTIS: dict[str, tuple[type[Message], _Multi]] = {
    message.DESCRIPTOR.full_name: (message, rule)
    for message, rule in (
        (sf.ZipRelation, _zip),
        (sf.NearestByJoinRelation, _nearest_by_join),
        (sf.AsOfJoinRelation, _as_of_join),
        (sf.CoGroupMapRelation, _cogroup_map),
        (sf.StatefulGroupMapRelation, _stateful_group_map_with_initial_state),
    )
}


def _detail(table: dict[str, tuple[type[Message], Any]], detail: any_pb2.Any) -> tuple[Any, Any]:
    name = detail.TypeName() if detail.type_url else "<empty>"
    known = table.get(name)
    if known is None:
        raise NotTranslatable(f"extension relation {name!r}")
    message_class, rule = known
    return unpack(detail, message_class), rule


def _extension_leaf(
    ctx: Context, rel: algebra_pb2.ExtensionLeafRel, plan_id: int
) -> tuple[Relation, Columns]:
    message, rule = _detail(_LEAVES, rel.detail)
    with ctx.scope(unknown("a relation without input")) as scope:
        result = _with_subqueries(rule(ctx, message), scope)
    if isinstance(message, sf.CatalogRelation):
        return result, unknown("a catalog call")
    sql = message if isinstance(message, sf.SqlRelation) else None
    return result, _analysed(ctx, result, plan_id, sql)


def _extension_single(
    ctx: Context, rel: algebra_pb2.ExtensionSingleRel, plan_id: int
) -> tuple[Relation, Columns]:
    message, rule = _detail(_SINGLES, rel.detail)
    child, columns = translated(ctx, rel.input)
    with ctx.scope(columns) as scope:
        result = rule(ctx, message, child)
    if scope.qualifier is not None:
        raise NotTranslatable("an outer reference by ordinal into an extension relation")
    result = _with_subqueries(result, scope)
    if _holds_command(ctx, rel.input):
        return result, unknown("a relation over SQL text or a catalog call")
    return result, _analysed(ctx, result, plan_id)


def _extension_multi(
    ctx: Context, rel: algebra_pb2.ExtensionMultiRel, plan_id: int
) -> tuple[Relation, Columns]:
    message, rule = _detail(_MULTIS, rel.detail)
    if len(rel.inputs) != 2:
        name = rel.detail.TypeName()
        raise SparkFlightError(INVALID_PLAN, f"{name} needs two inputs, got {len(rel.inputs)}")
    result = rule(ctx, message, [relation(ctx, r) for r in rel.inputs])
    if any(_holds_command(ctx, i) for i in rel.inputs):
        return result, unknown("a relation over SQL text or a catalog call")
    return result, _analysed(ctx, result, plan_id)


_RELATIONS: dict[str, Callable[[Context, Any, int], tuple[Relation, Columns]]] = {
    "read": _read,
    "filter": _filter,
    "project": _project,
    "aggregate": _aggregate,
    "sort": _sort,
    "fetch": _fetch,
    "join": _join,
    "cross": _cross,
    "set": _set,
    "extension_leaf": _extension_leaf,
    "extension_single": _extension_single,
    "extension_multi": _extension_multi,
}


def plan_relation(plan: plan_pb2.Plan, session: Session | None = None) -> Relation:
    """The Spark Connect relation of a Substrait plan's one root (checked and parsed), to run
    in ``session``."""
    root = plan.relations[0]
    ctx = Context(read_declarations(plan), session, quirks=quirks(plan.version))
    ctx.relation = relation
    ctx.renamed_output = root.WhichOneof("rel_type") == "root" and bool(root.root.names)
    with recursion_room():
        if root.WhichOneof("rel_type") == "rel":
            result = relation(ctx, root.rel)
        else:
            result, columns = translated(ctx, root.root.input)
            names = list(root.root.names)
            if names:
                renamed = Relation()
                renamed.to_df.input.CopyFrom(result)
                renamed.to_df.column_names.extend(top_level(names, columns()))
                result = renamed
    for observation_id, observed in ctx.observed:
        metrics = observed.collect_metrics
        assert session is not None  # _observe refuses an Observation without a session
        session.observations.register(
            session.spark, observation_id, metrics.name, observed.common.plan_id
        )
    return result


def _inputs(rel: Rel) -> list[Rel]:
    """The relations directly under ``rel``."""
    kind = rel.WhichOneof("rel_type")
    if kind is None:
        return []
    inputs: list[Rel] = []
    for field, value in getattr(rel, kind).ListFields():
        if field.message_type is not None and field.message_type.full_name == "substrait.Rel":
            inputs.extend(value if field.is_repeated else [value])
    return inputs


def _relations(rel: Rel) -> Iterator[Rel]:
    """``rel`` and every relation under it."""
    pending = [rel]
    while pending:
        current = pending.pop()
        if current.WhichOneof("rel_type") is None:
            continue
        yield current
        pending.extend(_inputs(current))


#: The extension relations that may run a command when planned: SQL text, catalog calls.
_COMMANDS = frozenset(m.DESCRIPTOR.full_name for m in (sf.SqlRelation, sf.CatalogRelation))


def _is_command(rel: Rel) -> bool:
    return (
        rel.WhichOneof("rel_type") == "extension_leaf"
        and rel.extension_leaf.detail.TypeName() in _COMMANDS
    )


def _holds_command(ctx: Context, rel: Rel) -> bool:
    """Whether ``rel`` or a relation under it may run a command when planned, each
    relation of the plan looked at once (``ctx.holds_command``), not once per step above it."""
    known = ctx.holds_command
    pending: list[tuple[Rel, list[Rel] | None]] = [(rel, None)]
    while pending:
        current, inputs = pending.pop()
        if id(current) in known:
            continue
        if inputs is None:
            inputs = _inputs(current)
            pending.append((current, inputs))
            pending.extend((i, None) for i in inputs if id(i) not in known)
        else:
            holds = _is_command(current) or any(known[id(i)][1] for i in inputs)
            known[id(current)] = (current, holds)
    return known[id(rel)][1]


def command_relations(rel: Rel) -> list[Rel]:
    """The relations in ``rel`` that may run a command when planned (SQL text, catalog
    operations): a plan that holds one is never planned twice."""
    return [r for r in _relations(rel) if _is_command(r)]


def expression_context(plan: plan_pb2.Plan, session: Session | None = None) -> Context:
    """What expressions that travel next to ``plan`` translate in: the functions the plan
    declares, and the plan ids of all its relations (which their columns may name)."""
    ctx = Context(read_declarations(plan), session)
    root = plan.relations[0]
    top = root.rel if root.WhichOneof("rel_type") == "rel" else root.root.input
    for rel in _relations(top):
        plan_id = plan_id_of(rel)
        if plan_id is not None:
            ctx.plan_ids.add(plan_id.id)
    return ctx
