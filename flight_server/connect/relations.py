"""Substrait relations as Spark Connect relations.

One rule per standard relation type (:data:`_RELATIONS`) and one per sparkflight extension
relation detail (:data:`_LEAVES`, :data:`_SINGLES`). :func:`relation` carries each
relation's plan id over, so that ``df["col"]`` resolves against the DataFrame it names, as
in Spark Connect.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import reduce
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from google.protobuf import any_pb2
from google.protobuf.message import DecodeError, Message
from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr
from pyspark.sql.connect.types import pyspark_types_to_proto_types
from pyspark.util import PythonEvalType
from substrait import algebra_pb2, plan_pb2

from sparkflight.flight_server import sources
from sparkflight.flight_server.connect import NotTranslatable, planner, python
from sparkflight.flight_server.connect.expressions import (
    Context,
    aggregate_function,
    expression,
    expressions,
    sort_field,
)
from sparkflight.flight_server.errors import INVALID_PLAN, UNSUPPORTED_RELATION, SparkFlightError
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.extensions import read_declarations
from sparkflight.plans.legacy import fetch_count_offset, groupings
from sparkflight.plans.subtrees import recursion_room

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

Rel = algebra_pb2.Rel
Relation = cr.Relation
Connect = ce.Expression


def unpack(detail: any_pb2.Any, message_class: type[Message]) -> Any:
    message = message_class()
    try:
        detail.Unpack(message)
    except DecodeError as exc:
        raise SparkFlightError(
            INVALID_PLAN, f"malformed {detail.TypeName()}: {exc}", type=detail.TypeName()
        ) from None
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


def relation(ctx: Context, rel: Rel) -> Relation:
    """The Spark Connect relation of ``rel``."""
    kind = rel.WhichOneof("rel_type")
    rule = _RELATIONS.get(kind or "")
    if rule is None:
        raise SparkFlightError(
            UNSUPPORTED_RELATION,
            f"unsupported relation type {kind or '<unset>'!r}",
            relation=kind or "",
        )
    message = getattr(rel, kind)
    common = message.common
    if common.WhichOneof("emit_kind") == "emit":
        raise NotTranslatable("a relation with emit")
    if common.hint.output_names and kind != "aggregate":
        raise NotTranslatable("output names on a relation")
    result = rule(ctx, message)
    plan_id = plan_id_of(rel)
    if plan_id is not None:
        result.common.plan_id = plan_id.id
        ctx.plan_ids.add(plan_id.id)
    return result


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


# --------------------------------------------------------- standard relations


def _read(ctx: Context, read: algebra_pb2.ReadRel) -> Relation:
    if read.WhichOneof("read_type") != "named_table" or read.HasField("filter"):
        raise NotTranslatable("a read other than a plain named table")
    if read.HasField("projection"):
        raise NotTranslatable("a read with a projection")
    names = list(read.named_table.names)
    if not names:
        raise SparkFlightError(INVALID_PLAN, "named table without a name")
    identifier = names[0] if len(names) == 1 else ".".join(_quoted(n) for n in names)
    result = Relation()
    result.read.named_table.unparsed_identifier = identifier
    return result


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _filter(ctx: Context, rel: algebra_pb2.FilterRel) -> Relation:
    return _into("filter", relation(ctx, rel.input), condition=expression(ctx, rel.condition))


def _project(ctx: Context, rel: algebra_pb2.ProjectRel) -> Relation:
    source = relation(ctx, rel.input)
    columns = expressions(ctx, rel.expressions)
    if annotation(rel, sf.ProjectExpressionsOnly) is None:
        columns = [Connect(unresolved_star=Connect.UnresolvedStar()), *columns]
    return _into("project", source, expressions=columns)


def _named(measure: Connect, name: str) -> Connect:
    return Connect(alias=Connect.Alias(expr=measure, name=[name])) if name else measure


def _aggregate(ctx: Context, rel: algebra_pb2.AggregateRel) -> Relation:
    sets = groupings(rel)
    if len(sets) > 1:
        raise NotTranslatable("grouping sets of a standard aggregate")
    keys = list(sets[0]) if sets else []
    if len({k.SerializeToString() for k in keys}) != len(keys):
        raise NotTranslatable("a grouping expression given twice")
    names = list(rel.common.hint.output_names)
    if any(names[: len(keys)]):
        raise NotTranslatable("output names on grouping keys")
    source = relation(ctx, rel.input)
    measures = [
        aggregate_function(ctx, m.measure, m.filter if m.HasField("filter") else None)
        for m in rel.measures
    ]
    measure_names = names[len(keys) :] + [""] * len(measures)
    measures = [_named(m, n) for m, n in zip(measures, measure_names, strict=False)]
    key_columns = expressions(ctx, keys)
    if not measures:
        projected = _into("project", source, expressions=key_columns)
        return _into("deduplicate", projected, all_columns_as_keys=True)
    return _into(
        "aggregate",
        source,
        group_type=cr.Aggregate.GROUP_TYPE_GROUPBY,
        grouping_expressions=key_columns,
        aggregate_expressions=measures,
    )


def _sort(ctx: Context, rel: algebra_pb2.SortRel) -> Relation:
    source = relation(ctx, rel.input)
    order = [sort_field(ctx, s) for s in rel.sorts]
    within = annotation(rel, sf.SortWithinPartitions) is not None
    return _into("sort", source, order=order, is_global=not within)


def _fetch(ctx: Context, rel: algebra_pb2.FetchRel) -> Relation:
    try:
        count, offset = fetch_count_offset(rel)
    except ValueError as exc:
        raise SparkFlightError(INVALID_PLAN, str(exc)) from None
    result = relation(ctx, rel.input)
    if offset:
        result = _into("offset", result, offset=offset)
    if count is not None:
        result = _into("limit", result, limit=count)
    return result


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


def _join(ctx: Context, rel: algebra_pb2.JoinRel) -> Relation:
    spec = _JOIN_TYPES.get(rel.type)
    if spec is None:
        name = algebra_pb2.JoinRel.JoinType.Name(rel.type)
        raise SparkFlightError(UNSUPPORTED_RELATION, f"unsupported join type {name}")
    if annotation(rel, sf.LateralJoin) is not None:
        raise NotTranslatable("a lateral join")
    join_type, swapped = spec
    left, right = relation(ctx, rel.left), relation(ctx, rel.right)
    result = Relation()
    join = result.join
    join.left.CopyFrom(right if swapped else left)
    join.right.CopyFrom(left if swapped else right)
    join.join_type = join_type
    using = annotation(rel, sf.JoinUsingColumns)
    if using is not None:
        join.using_columns.extend(using.column_names)
    elif rel.HasField("expression"):
        join.join_condition.CopyFrom(expression(ctx, rel.expression))
    if rel.HasField("post_join_filter"):
        result = _into("filter", result, condition=expression(ctx, rel.post_join_filter))
    return result


def _cross(ctx: Context, rel: algebra_pb2.CrossRel) -> Relation:
    result = Relation()
    result.join.left.CopyFrom(relation(ctx, rel.left))
    result.join.right.CopyFrom(relation(ctx, rel.right))
    result.join.join_type = _JoinType.JOIN_TYPE_CROSS
    return result


_SetOp = cr.SetOperation.SetOpType
_SET_OPS: dict[int, tuple[int, bool]] = {
    # Substrait set operation: (Spark Connect set operation, is_all)
    algebra_pb2.SetRel.SET_OP_UNION_ALL: (_SetOp.SET_OP_TYPE_UNION, True),
    algebra_pb2.SetRel.SET_OP_UNION_DISTINCT: (_SetOp.SET_OP_TYPE_UNION, True),
    algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY: (_SetOp.SET_OP_TYPE_EXCEPT, False),
    algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY_ALL: (_SetOp.SET_OP_TYPE_EXCEPT, True),
    algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET: (_SetOp.SET_OP_TYPE_INTERSECT, False),
    algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET_ALL: (_SetOp.SET_OP_TYPE_INTERSECT, True),
}


def _set(ctx: Context, rel: algebra_pb2.SetRel) -> Relation:
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

    result = reduce(combine, (relation(ctx, r) for r in rel.inputs))
    if rel.op == algebra_pb2.SetRel.SET_OP_UNION_DISTINCT:
        result = _into("deduplicate", result, all_columns_as_keys=True)
    return result


# ------------------------------------------------------- extension relations


def _sql(ctx: Context, m: sf.SqlRelation) -> Relation:
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
    if m.WhichOneof("data") != "arrow_ipc" or not m.schema_json:
        raise NotTranslatable("local data without Arrow IPC data and its schema")
    result = Relation()
    result.local_relation.data = m.arrow_ipc
    result.local_relation.schema = m.schema_json
    return result


def _data_source(ctx: Context, m: sf.DataSourceRelation) -> Relation:
    """``spark.read``; a file source whose schema Spark infers is read with the schema the
    session keeps for its files (:mod:`sparkflight.flight_server.sources`)."""
    schema = m.schema
    if not schema and m.format.lower() in sources.INFERRING_FORMATS:
        if ctx.session is None or m.predicates:
            raise NotTranslatable("a source whose schema Spark infers, outside a session")
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


def _stream_source(ctx: Context, m: sf.StreamSourceRelation) -> Relation:
    """``spark.readStream``: a streaming read of a source or a table."""
    if m.changes:
        raise NotTranslatable("a streaming read of a table's changes")
    result = Relation()
    result.read.is_streaming = True
    if m.table_name:
        if m.format or m.path or m.schema:
            raise SparkFlightError(INVALID_PLAN, "a streaming table source has no format or path")
        if m.source_name:
            raise NotTranslatable("a named streaming table source")
        result.read.named_table.unparsed_identifier = m.table_name
        result.read.named_table.options.update(m.options)
        return result
    source = result.read.data_source
    if m.format:
        source.format = m.format
    if m.schema:
        source.schema = m.schema
    if m.source_name:
        source.source_name = m.source_name
    source.options.update(m.options)
    if m.path:
        source.paths.append(m.path)
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
    subset = [] if m.all_columns else list(m.column_names)
    return _into(
        "deduplicate",
        child,
        column_names=subset,
        all_columns_as_keys=not subset,
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
    if not weights:
        if m.lower_bound != 0:
            raise NotTranslatable("a sample between two bounds")
        result = _into(
            "sample",
            child,
            lower_bound=0.0,
            upper_bound=m.upper_bound,
            with_replacement=m.with_replacement,
        )
    else:
        if not m.HasField("seed"):
            raise NotTranslatable("a random split without a seed")
        if not 0 <= index < len(weights):
            raise SparkFlightError(INVALID_PLAN, f"split index {index} of {len(weights)} splits")
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            raise NotTranslatable("split weights that are not positive")
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


def _repartition(ctx: Context, m: sf.RepartitionRelation, child: Relation) -> Relation:
    if m.by_id or m.by_range:
        raise NotTranslatable("repartitioning by id or by range")
    columns = expressions(ctx, m.partition_expressions)
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


def _group_aggregate(ctx: Context, m: sf.AggregateRelation, child: Relation) -> Relation:
    group_type = _GROUP_TYPES.get(m.group_type)
    if group_type is None:
        raise SparkFlightError(INVALID_PLAN, f"unknown aggregate group type {m.group_type}")
    if not m.aggregate_expressions:
        raise SparkFlightError(INVALID_PLAN, "AggregateRelation without aggregate expressions")
    keys = expressions(ctx, m.grouping_expressions)
    result = _into(
        "aggregate",
        child,
        group_type=group_type,
        grouping_expressions=keys,
        aggregate_expressions=expressions(ctx, m.aggregate_expressions),
    )
    aggregate = result.aggregate
    for grouping_set in m.grouping_sets:
        aggregate.grouping_sets.add(grouping_set=[keys[i] for i in grouping_set.indexes])
    if m.group_type == sf.AggregateRelation.GROUP_TYPE_PIVOT:
        aggregate.pivot.col.CopyFrom(expression(ctx, m.pivot_column))
        for value in m.pivot_values:
            literal = expression(ctx, value)
            if literal.WhichOneof("expr_type") != "literal":
                raise NotTranslatable("a pivot value that is not a plain literal")
            aggregate.pivot.values.append(literal.literal)
    return result


def _hint(ctx: Context, m: sf.HintRelation, child: Relation) -> Relation:
    return _into("hint", child, name=m.name, parameters=expressions(ctx, m.parameters))


def _observe(ctx: Context, m: sf.ObserveRelation, child: Relation) -> Relation:
    if m.observation_id:
        raise NotTranslatable("an Observation")
    if not m.metrics:
        raise SparkFlightError(INVALID_PLAN, "observe needs at least one metric")
    return _into("collect_metrics", child, name=m.name, metrics=expressions(ctx, m.metrics))


def _transpose(ctx: Context, m: sf.TransposeRelation, child: Relation) -> Relation:
    index = [expression(ctx, m.index_column)] if m.HasField("index_column") else []
    return _into("transpose", child, index_columns=index)


def _tail(ctx: Context, m: sf.TailRelation, child: Relation) -> Relation:
    if m.limit < 0:
        raise SparkFlightError(INVALID_PLAN, f"tail limit {m.limit} is negative")
    return _into("tail", child, limit=m.limit)


def _watermark(ctx: Context, m: sf.WatermarkRelation, child: Relation) -> Relation:
    return _into(
        "with_watermark", child, event_time=m.event_time, delay_threshold=m.delay_threshold
    )


def _show_string(ctx: Context, m: sf.ShowStringRelation, child: Relation) -> Relation:
    if m.html:
        return _into("html_string", child, num_rows=m.num_rows, truncate=m.truncate)
    return _into(
        "show_string", child, num_rows=m.num_rows, truncate=m.truncate, vertical=m.vertical
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
        Connect(unresolved_attribute=Connect.UnresolvedAttribute(unparsed_identifier=_quoted(n)))
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
        (sf.DataSourceRelation, _data_source),
        (sf.TableFunctionRelation, _table_function),
        (sf.PythonTableFunctionRelation, _python_table_function),
        (sf.StreamSourceRelation, _stream_source),
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
        (sf.MapPartitionsRelation, _map_partitions),
        (sf.GroupMapRelation, _group_map),
        (sf.StatefulGroupMapRelation, _stateful_group_map),
    )
}


_Multi = Callable[[Context, Any, list[Relation]], Relation]

#: Extension relations of two inputs (ExtensionMultiRel) by detail message.
_MULTIS: dict[str, tuple[type[Message], _Multi]] = {
    message.DESCRIPTOR.full_name: (message, rule)
    for message, rule in (
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


def _extension_leaf(ctx: Context, rel: algebra_pb2.ExtensionLeafRel) -> Relation:
    message, rule = _detail(_LEAVES, rel.detail)
    return rule(ctx, message)


def _extension_single(ctx: Context, rel: algebra_pb2.ExtensionSingleRel) -> Relation:
    message, rule = _detail(_SINGLES, rel.detail)
    return rule(ctx, message, relation(ctx, rel.input))


def _extension_multi(ctx: Context, rel: algebra_pb2.ExtensionMultiRel) -> Relation:
    message, rule = _detail(_MULTIS, rel.detail)
    if len(rel.inputs) != 2:
        name = rel.detail.TypeName()
        raise SparkFlightError(INVALID_PLAN, f"{name} needs two inputs, got {len(rel.inputs)}")
    return rule(ctx, message, [relation(ctx, r) for r in rel.inputs])


_RELATIONS: dict[str, Callable[[Context, Any], Relation]] = {
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
    ctx = Context(read_declarations(plan), session)
    if root.WhichOneof("rel_type") == "root" and root.root.names:
        raise NotTranslatable("a root with names")
    with recursion_room():
        return relation(ctx, root.rel if root.WhichOneof("rel_type") == "rel" else root.root.input)


def sql_relations(rel: Rel) -> list[Rel]:
    """The relations of SQL text in ``rel`` (SQL text may run a command when planned)."""
    found, pending = [], [rel]
    sql = sf.SqlRelation.DESCRIPTOR.full_name
    while pending:
        current = pending.pop()
        kind = current.WhichOneof("rel_type")
        if kind is None:
            continue
        message = getattr(current, kind)
        if kind == "extension_leaf" and message.detail.TypeName() == sql:
            found.append(current)
        for field, value in message.ListFields():
            if field.message_type is not None and field.message_type.full_name == "substrait.Rel":
                pending.extend(value if field.is_repeated else [value])
    return found
