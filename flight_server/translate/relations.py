"""Substrait relations as PySpark DataFrames.

One function per standard relation type (:data:`_RELATIONS`) and one per sparkflight
extension relation detail (:data:`_EXTENSIONS`). :func:`relation` applies what every
relation may carry: emit, output names and the plan id of the DataFrame it stands for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any

import pyarrow as pa
from google.protobuf import any_pb2
from google.protobuf.message import Message
from pyspark.sql import Column, DataFrame, DataFrameReader
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.group import GroupedData
from pyspark.sql.table_arg import TableArg
from substrait import algebra_pb2

from sparkflight.flight_server import jvm, sources
from sparkflight.flight_server.connect.relations import (
    TABLE_FUNCTIONS,
    annotation,
    plan_id_of,
    unpack,
)
from sparkflight.flight_server.connect.uploads import local_dataframe
from sparkflight.flight_server.errors import (
    INVALID_PLAN,
    UNSUPPORTED_RELATION,
    SparkFlightError,
    attributed,
)
from sparkflight.flight_server.spark_types import spark_schema
from sparkflight.flight_server.translate import logical, python
from sparkflight.flight_server.translate.expressions import (
    Context,
    Frame,
    Scope,
    aggregate_function,
    expression,
    expressions,
    plain_value,
    sort_column,
)
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.legacy import fetch_count_offset, groupings

Rel = algebra_pb2.Rel

# ------------------------------------------------------------ common handling


def _emit(frame: Frame, mapping: list[int]) -> Frame:
    columns = [frame.column(i) for i in mapping]
    return Frame(frame.df.select(*columns))


def _rename(frame: Frame, names: list[str]) -> Frame:
    """Rename the first ``len(names)`` columns; an empty name keeps Spark's."""
    if not any(names):
        return frame
    columns = frame.columns
    schema = frame.schema
    renamed = [
        c.alias(names[i]) if i < len(names) and names[i] else c for i, c in enumerate(columns)
    ]
    fields = [
        T.StructField(names[i], f.dataType, f.nullable, f.metadata)
        if i < len(names) and names[i]
        else f
        for i, f in enumerate(schema.fields)
    ]
    return Frame(jvm.select(frame.df, renamed), schema=T.StructType(fields))


def relation(ctx: Context, rel: Rel, outer: Scope | None = None) -> Frame:
    """The Frame for ``rel``; ``outer`` is the enclosing query of a subquery."""
    kind = rel.WhichOneof("rel_type")
    rule = _RELATIONS.get(kind or "")
    if rule is None:
        raise SparkFlightError(
            UNSUPPORTED_RELATION,
            f"unsupported relation type {kind or '<unset>'!r}",
            relation=kind or "",
        )
    message = getattr(rel, kind)
    plan_id = plan_id_of(rel)
    with attributed(plan_id):
        frame = rule(ctx, message, outer)
        common = message.common
        if common.WhichOneof("emit_kind") == "emit":
            frame = _emit(frame, list(common.emit.output_mapping))
        if common.hint.output_names:
            frame = _rename(frame, list(common.hint.output_names))
    if plan_id is not None:
        ctx.plan_ids[plan_id.id] = frame.df
    return frame


def _input(ctx: Context, rel: Rel, outer: Scope | None) -> tuple[Frame, Scope]:
    frame = relation(ctx, rel, outer)
    return frame, Scope(frame, outer)


# -------------------------------------------------------------------- read


def _read_named(ctx: Context, read: algebra_pb2.ReadRel) -> DataFrame:
    names = list(read.named_table.names)
    if not names:
        raise SparkFlightError(INVALID_PLAN, "named table without a name")
    if len(names) == 1:
        return ctx.spark.table(names[0])
    return ctx.spark.table(".".join("`" + n.replace("`", "``") + "`" for n in names))


def _read_virtual(ctx: Context, read: algebra_pb2.ReadRel) -> DataFrame:
    schema = spark_schema(read.base_schema)
    rows = read.virtual_table.expressions
    if not rows:
        return ctx.spark.createDataFrame([], schema)
    structs = []
    for row in rows:
        values = expressions(ctx, row.fields, None)
        if len(values) != len(schema.fields):
            raise SparkFlightError(
                INVALID_PLAN,
                f"virtual table row has {len(values)} values for {len(schema.fields)} columns",
            )
        structs.append(
            F.struct(*(v.alias(f.name) for v, f in zip(values, schema.fields, strict=True)))
        )
    return ctx.spark.range(1).select(F.inline(F.array(*structs)))


_FILE_FORMATS = {"parquet": "parquet", "orc": "orc", "dwrf": "orc", "text": "csv", "arrow": None}


def _read_local_files(ctx: Context, read: algebra_pb2.ReadRel) -> DataFrame:
    frames = []
    for item in read.local_files.items:
        path = getattr(item, item.WhichOneof("path_type") or "uri_file")
        kind = item.WhichOneof("file_format")
        spark_format = _FILE_FORMATS.get(kind or "")
        if spark_format is None:
            raise SparkFlightError(
                UNSUPPORTED_RELATION, f"unsupported file format {kind!r} for {path}"
            )
        reader = ctx.spark.read.format(spark_format)
        if kind == "text":
            text = item.text
            reader = reader.schema(spark_schema(read.base_schema)).options(
                sep=text.field_delimiter or ",",
                quote=text.quote or '"',
                escape=text.escape or "\\",
                header=str(text.header_lines_to_skip > 0).lower(),
            )
            if text.HasField("value_treated_as_null"):
                reader = reader.option("nullValue", text.value_treated_as_null)
        frames.append(reader.load(path.removeprefix("file://")))
    if not frames:
        raise SparkFlightError(INVALID_PLAN, "local files read without any file")
    return reduce(DataFrame.unionByName, frames)


_READS: dict[str, Callable[[Context, algebra_pb2.ReadRel], DataFrame]] = {
    "named_table": _read_named,
    "virtual_table": _read_virtual,
    "local_files": _read_local_files,
}


def _read(ctx: Context, read: algebra_pb2.ReadRel, outer: Scope | None) -> Frame:
    kind = read.WhichOneof("read_type")
    rule = _READS.get(kind or "")
    if rule is None:
        raise SparkFlightError(
            UNSUPPORTED_RELATION, f"unsupported read type {kind or '<unset>'!r}", read=kind or ""
        )
    frame = Frame(rule(ctx, read))
    if read.HasField("filter"):
        frame = Frame(
            frame.df.filter(expression(ctx, read.filter, Scope(frame, outer))), frame.columns
        )
    if read.HasField("projection"):
        fields = [item.field for item in read.projection.select.struct_items]
        frame = _emit(frame, fields)
    return frame


# -------------------------------------------------------- standard relations


def _filter(ctx: Context, rel: algebra_pb2.FilterRel, outer: Scope | None) -> Frame:
    frame, scope = _input(ctx, rel.input, outer)
    condition = expression(ctx, rel.condition, scope)
    return Frame(frame.df.filter(condition), frame.columns, frame.schema)


def _project(ctx: Context, rel: algebra_pb2.ProjectRel, outer: Scope | None) -> Frame:
    frame, scope = _input(ctx, rel.input, outer)
    columns = expressions(ctx, rel.expressions, scope)
    if annotation(rel, sf.ProjectExpressionsOnly) is None:
        columns = frame.columns + columns
    return Frame(jvm.select(frame.df, columns))


def _measures(ctx: Context, rel: algebra_pb2.AggregateRel, scope: Scope) -> list[Column]:
    return [
        aggregate_function(ctx, m.measure, scope, m.filter if m.HasField("filter") else None)
        for m in rel.measures
    ]


def _grouping_set_index(keys: list[Column], sets: list[list[int]]) -> Column:
    """Substrait's grouping set index, from Spark's ``grouping_id()`` bitmask."""
    width = len(keys)
    index: Column | None = None
    for position, members in enumerate(sets):
        mask = sum(1 << (width - 1 - k) for k in range(width) if k not in members)
        condition = F.grouping_id() == F.lit(mask)
        index = F.when(condition, position) if index is None else index.when(condition, position)
    assert index is not None
    return index.cast(T.IntegerType())


def _aggregate(ctx: Context, rel: algebra_pb2.AggregateRel, outer: Scope | None) -> Frame:
    frame, scope = _input(ctx, rel.input, outer)
    sets = groupings(rel)
    measures = _measures(ctx, rel, scope)
    # Output: each distinct grouping expression once, in order of appearance, then measures.
    keys: list[algebra_pb2.Expression] = []
    members: list[list[int]] = []
    for grouping in sets:
        indexes = []
        for e in grouping:
            if e not in keys:
                keys.append(e)
            indexes.append(keys.index(e))
        members.append(indexes)
    key_columns = expressions(ctx, keys, scope)
    df = frame.df
    if len(sets) > 1:
        grouped = df.groupingSets([[key_columns[i] for i in m] for m in members], *key_columns)
        index = _grouping_set_index(key_columns, members)
        if ctx.from_datafusion:
            # DataFusion's references assume its own layout: keys, grouping id, measures.
            return Frame(grouped.agg(index, *measures))
        return Frame(grouped.agg(*measures, index))
    if not measures:
        return Frame(jvm.select(df, key_columns).distinct())
    return Frame(jvm.aggregate(df, key_columns, measures))


def _sort(ctx: Context, rel: algebra_pb2.SortRel, outer: Scope | None) -> Frame:
    frame, scope = _input(ctx, rel.input, outer)
    order = [sort_column(ctx, s, scope) for s in rel.sorts]
    if annotation(rel, sf.SortWithinPartitions) is not None:
        return Frame(frame.df.sortWithinPartitions(*order), frame.columns, frame.schema)
    return Frame(frame.df.orderBy(*order), frame.columns, frame.schema)


def _fetch(ctx: Context, rel: algebra_pb2.FetchRel, outer: Scope | None) -> Frame:
    frame, _ = _input(ctx, rel.input, outer)
    try:
        count, offset = fetch_count_offset(rel)
    except ValueError as exc:
        raise SparkFlightError(INVALID_PLAN, str(exc)) from None
    df = frame.df
    if offset:
        df = df.offset(offset)
    if count is not None:
        df = df.limit(count)
    return Frame(df, frame.columns, frame.schema)


_JOIN_TYPES: dict[int, tuple[str, bool]] = {
    # Substrait join type: (Spark join type, whether the sides swap)
    algebra_pb2.JoinRel.JOIN_TYPE_INNER: ("inner", False),
    algebra_pb2.JoinRel.JOIN_TYPE_OUTER: ("full_outer", False),
    algebra_pb2.JoinRel.JOIN_TYPE_LEFT: ("left_outer", False),
    algebra_pb2.JoinRel.JOIN_TYPE_RIGHT: ("right_outer", False),
    algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SEMI: ("left_semi", False),
    algebra_pb2.JoinRel.JOIN_TYPE_LEFT_ANTI: ("left_anti", False),
    algebra_pb2.JoinRel.JOIN_TYPE_RIGHT_SEMI: ("left_semi", True),
    algebra_pb2.JoinRel.JOIN_TYPE_RIGHT_ANTI: ("left_anti", True),
}


def _expr_ids(frame: Frame) -> set[int]:
    output = frame.df._jdf.queryExecution().analyzed().output()
    return {output.apply(i).exprId().id() for i in range(output.size())}


def _distinct_from(left: Frame, right: Frame) -> Frame:
    """``right``, its columns re-aliased when they share attributes with ``left`` (self-join)."""
    if not _expr_ids(left) & _expr_ids(right):
        return right
    names = right.df.columns
    return Frame(right.df.select(*(c.alias(n) for c, n in zip(right.columns, names, strict=True))))


def _join(ctx: Context, rel: algebra_pb2.JoinRel, outer: Scope | None) -> Frame:
    spec = _JOIN_TYPES.get(rel.type)
    if spec is None:
        name = algebra_pb2.JoinRel.JoinType.Name(rel.type)
        raise SparkFlightError(UNSUPPORTED_RELATION, f"unsupported join type {name}")
    how, swapped = spec
    left = relation(ctx, rel.left, outer)
    if annotation(rel, sf.LateralJoin) is not None:
        return _lateral_join(ctx, rel, how, left, outer)
    right = _distinct_from(left, relation(ctx, rel.right, outer))
    first, second = (right, left) if swapped else (left, right)
    using = annotation(rel, sf.JoinUsingColumns)
    if using is not None:
        joined = first.df.join(second.df, list(using.column_names), how)
    elif rel.HasField("expression"):
        both = Frame(
            left.df,
            left.columns + right.columns,
            T.StructType(left.schema.fields + right.schema.fields),
        )
        condition = expression(ctx, rel.expression, Scope(both, outer))
        joined = first.df.join(second.df, condition, how)
    else:
        joined = first.df.join(second.df, how=how)
    frame = Frame(joined)
    if rel.HasField("post_join_filter"):
        condition = expression(ctx, rel.post_join_filter, Scope(frame, outer))
        frame = Frame(frame.df.filter(condition), frame.columns, frame.schema)
    return frame


def _lateral_join(
    ctx: Context, rel: algebra_pb2.JoinRel, how: str, left: Frame, outer: Scope | None
) -> Frame:
    """``left.lateralJoin(right, on, how)``; the right side's outer references bind to left."""
    right = relation(ctx, rel.right, outer)
    if how not in ("inner", "left_outer"):
        raise SparkFlightError(INVALID_PLAN, f"a lateral join cannot be {how}")
    condition = None
    if rel.HasField("expression"):
        condition = expression(ctx, rel.expression, Scope(left, outer))
    return Frame(left.df.lateralJoin(right.df, condition, how))


def _cross(ctx: Context, rel: algebra_pb2.CrossRel, outer: Scope | None) -> Frame:
    left = relation(ctx, rel.left, outer)
    right = _distinct_from(left, relation(ctx, rel.right, outer))
    return Frame(left.df.crossJoin(right.df))


_SetRule = Callable[[DataFrame, DataFrame], DataFrame]

_SET_OPS: dict[int, _SetRule] = {
    algebra_pb2.SetRel.SET_OP_UNION_ALL: DataFrame.union,
    algebra_pb2.SetRel.SET_OP_UNION_DISTINCT: DataFrame.union,
    algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY: DataFrame.subtract,
    algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY_ALL: DataFrame.exceptAll,
    algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET: DataFrame.intersect,
    algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET_ALL: DataFrame.intersectAll,
}

_UNIONS = (algebra_pb2.SetRel.SET_OP_UNION_ALL, algebra_pb2.SetRel.SET_OP_UNION_DISTINCT)


def _set(ctx: Context, rel: algebra_pb2.SetRel, outer: Scope | None) -> Frame:
    combine = _SET_OPS.get(rel.op)
    if combine is None:
        name = algebra_pb2.SetRel.SetOp.Name(rel.op)
        raise SparkFlightError(UNSUPPORTED_RELATION, f"unsupported set operation {name}")
    if len(rel.inputs) < 2:
        raise SparkFlightError(INVALID_PLAN, "a set operation needs at least two inputs")
    frames = [relation(ctx, r, outer).df for r in rel.inputs]
    by_name = annotation(rel, sf.UnionByName)
    if by_name is not None and rel.op in _UNIONS:
        allow = by_name.allow_missing_columns
        df = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=allow), frames)
    else:
        df = reduce(combine, frames)
    if rel.op == algebra_pb2.SetRel.SET_OP_UNION_DISTINCT:
        df = df.distinct()
    return Frame(df)


# ------------------------------------------------------- extension relations


def _sql(ctx: Context, m: sf.SqlRelation, outer: Scope | None) -> DataFrame:
    args: dict[str, Column] | list[Column] | None = None
    if m.named_arguments:
        args = {k: expression(ctx, v, None) for k, v in m.named_arguments.items()}
    elif m.positional_arguments:
        args = expressions(ctx, m.positional_arguments, None)
    return ctx.spark.sql(m.query, args)


def _table_function(ctx: Context, m: sf.TableFunctionRelation, outer: Scope | None) -> DataFrame:
    if m.name not in TABLE_FUNCTIONS:
        raise SparkFlightError(
            UNSUPPORTED_RELATION, f"unknown table-valued function {m.name!r}", detail=m.name
        )
    return getattr(ctx.spark.tvf, m.name)(*expressions(ctx, m.arguments, outer))


def _range(ctx: Context, m: sf.RangeRelation, outer: Scope | None) -> DataFrame:
    partitions = m.num_partitions if m.HasField("num_partitions") else None
    return ctx.spark.range(m.start, m.end, m.step or 1, partitions)


def _local(ctx: Context, m: sf.LocalRelation, outer: Scope | None) -> DataFrame:
    kind = m.WhichOneof("data")
    schema_json = m.schema_json
    if kind == "upload_id":
        upload = ctx.session.upload(m.upload_id)
        table, schema_json = upload.table, schema_json or upload.schema_json
    elif kind == "arrow_ipc":
        try:
            table = pa.ipc.open_stream(m.arrow_ipc).read_all()
        except pa.ArrowInvalid as exc:
            raise SparkFlightError(INVALID_PLAN, f"malformed Arrow IPC data: {exc}") from None
    else:
        raise SparkFlightError(INVALID_PLAN, "LocalRelation without data")
    return local_dataframe(ctx.spark, table, schema_json)


def _data_source(ctx: Context, m: sf.DataSourceRelation, outer: Scope | None) -> DataFrame:
    if m.predicates:
        return _jdbc_predicates(ctx, m)

    def reader(schema: T.StructType | str | None) -> DataFrameReader:
        read = ctx.spark.read
        if m.format:
            read = read.format(m.format)
        if m.options:
            read = read.options(**dict(m.options))
        return read.schema(schema) if schema else read

    if m.schema:
        paths = list(m.paths)
        return reader(_schema_text(m.schema)).load(
            paths if len(paths) > 1 else (paths[0] if paths else None)
        )
    return sources.load(ctx.session, reader, m.format, dict(m.options), list(m.paths))


def _jdbc_predicates(ctx: Context, m: sf.DataSourceRelation) -> DataFrame:
    """``spark.read.jdbc(url, table, predicates=...)``: one partition per predicate."""
    options = dict(m.options)
    url, table = options.pop("url", None), options.pop("dbtable", None)
    if m.format != "jdbc" or url is None or table is None:
        raise SparkFlightError(
            INVALID_PLAN, "predicates need the jdbc format and the url and dbtable options"
        )
    return ctx.spark.read.jdbc(url, table, predicates=list(m.predicates), properties=options)


def _schema_text(text: str) -> T.StructType | str:
    if text.lstrip().startswith("{"):
        return T.StructType.fromJson(json.loads(text))
    return text


_Leaf = Callable[[Context, Any, Scope | None], DataFrame]
_Single = Callable[[Context, Any, Frame, Scope], DataFrame]


def _subquery_alias(ctx: Context, m: sf.SubqueryAliasRelation, f: Frame, s: Scope) -> DataFrame:
    return f.df.alias(m.alias)


def _with_columns(ctx: Context, m: sf.WithColumnsRelation, f: Frame, s: Scope) -> DataFrame:
    if len(m.names) != len(m.expressions):
        raise SparkFlightError(INVALID_PLAN, "WithColumnsRelation names and expressions differ")
    return f.df.withColumns(dict(zip(m.names, expressions(ctx, m.expressions, s), strict=True)))


def _rename_columns(ctx: Context, m: sf.RenameRelation, f: Frame, s: Scope) -> DataFrame:
    order = list(m.order) or sorted(m.renames)
    return f.df.withColumnsRenamed({old: m.renames[old] for old in order})


def _drop(ctx: Context, m: sf.DropRelation, f: Frame, s: Scope) -> DataFrame:
    df = f.df
    columns = expressions(ctx, m.columns, s)
    if columns:
        df = df.drop(*columns)
    if m.column_names:
        df = df.drop(*m.column_names)
    return df


def _to_df(ctx: Context, m: sf.ToDFRelation, f: Frame, s: Scope) -> DataFrame:
    return f.df.toDF(*m.names)


def _deduplicate(ctx: Context, m: sf.DeduplicateRelation, f: Frame, s: Scope) -> DataFrame:
    subset = [] if m.all_columns else list(m.column_names)
    if m.within_watermark:
        return f.df.dropDuplicatesWithinWatermark(subset or None)
    return f.df.dropDuplicates(subset or None)


def _sample(ctx: Context, m: sf.SampleRelation, f: Frame, s: Scope) -> DataFrame:
    """``df.sample``, or one split of ``df.randomSplit``, as Spark builds them."""
    if not 0 <= m.lower_bound <= m.upper_bound:
        raise SparkFlightError(
            INVALID_PLAN, f"sample bounds {m.lower_bound} and {m.upper_bound} are not ordered"
        )
    seed = m.seed if m.HasField("seed") else None
    weights, index = list(m.split_weights), m.split_index
    if not weights:
        if m.lower_bound == 0:
            return f.df.sample(m.with_replacement, m.upper_bound, seed)
        weights = [m.lower_bound, m.upper_bound - m.lower_bound, 1.0 - m.upper_bound]
        index = 1
    if not 0 <= index < len(weights):
        raise SparkFlightError(INVALID_PLAN, f"split index {index} of {len(weights)} splits")
    return f.df.randomSplit(weights, seed)[index]


def _repartition(ctx: Context, m: sf.RepartitionRelation, f: Frame, s: Scope) -> DataFrame:
    columns = expressions(ctx, m.partition_expressions, s)
    count = [m.num_partitions] if m.HasField("num_partitions") else []
    if m.by_id:
        if not count or len(columns) != 1:
            raise SparkFlightError(
                INVALID_PLAN, "repartitionById needs a number of partitions and one expression"
            )
        return f.df.repartitionById(count[0], columns[0])
    if m.by_range:
        return f.df.repartitionByRange(*count, *columns)
    if columns or m.shuffle:
        return f.df.repartition(*count, *columns)
    if not count:
        raise SparkFlightError(INVALID_PLAN, "coalesce without a number of partitions")
    return f.df.coalesce(count[0])


def _grouping_sets(
    ctx: Context, m: sf.AggregateRelation, f: Frame, keys: list[Column], s: Scope
) -> GroupedData:
    sets = [[keys[i] for i in g.indexes] for g in m.grouping_sets]
    return f.df.groupingSets(sets, *keys)


def _pivot(
    ctx: Context, m: sf.AggregateRelation, f: Frame, keys: list[Column], s: Scope
) -> GroupedData:
    """``groupBy(keys).pivot(column, values)`` with a pivot column that is any expression."""
    pivot = expression(ctx, m.pivot_column, s)
    jgd = f.df.groupBy(*keys)._jgd
    if m.pivot_values:
        values = [plain_value(v) for v in m.pivot_values]
        jgd = jgd.pivot(pivot._jc, ctx.spark._jvm.PythonUtils.toList(values))
    else:
        jgd = jgd.pivot(pivot._jc)
    return GroupedData(jgd, f.df)


_Grouping = Callable[[Context, sf.AggregateRelation, Frame, list[Column], Scope], GroupedData]

_GROUPINGS: dict[int, _Grouping] = {
    sf.AggregateRelation.GROUP_TYPE_GROUPBY: lambda c, m, f, k, s: f.df.groupBy(*k),
    sf.AggregateRelation.GROUP_TYPE_ROLLUP: lambda c, m, f, k, s: f.df.rollup(*k),
    sf.AggregateRelation.GROUP_TYPE_CUBE: lambda c, m, f, k, s: f.df.cube(*k),
    sf.AggregateRelation.GROUP_TYPE_GROUPING_SETS: _grouping_sets,
    sf.AggregateRelation.GROUP_TYPE_PIVOT: _pivot,
}


def _group_aggregate(ctx: Context, m: sf.AggregateRelation, f: Frame, s: Scope) -> DataFrame:
    grouping = _GROUPINGS.get(m.group_type)
    if grouping is None:
        raise SparkFlightError(INVALID_PLAN, f"unknown aggregate group type {m.group_type}")
    if not m.aggregate_expressions:
        raise SparkFlightError(INVALID_PLAN, "AggregateRelation without aggregate expressions")
    keys = expressions(ctx, m.grouping_expressions, s)
    return grouping(ctx, m, f, keys, s).agg(*expressions(ctx, m.aggregate_expressions, s))


def _hint(ctx: Context, m: sf.HintRelation, f: Frame, s: Scope) -> DataFrame:
    return f.df.hint(m.name, *(plain_value(p) for p in m.parameters))


def _transpose(ctx: Context, m: sf.TransposeRelation, f: Frame, s: Scope) -> DataFrame:
    if m.HasField("index_column"):
        return f.df.transpose(expression(ctx, m.index_column, s))
    return f.df.transpose()


def _tail(ctx: Context, m: sf.TailRelation, f: Frame, s: Scope) -> DataFrame:
    if m.limit < 0:
        raise SparkFlightError(INVALID_PLAN, f"tail limit {m.limit} is negative")
    return logical.tail(f.df, m.limit)


def _watermark(ctx: Context, m: sf.WatermarkRelation, f: Frame, s: Scope) -> DataFrame:
    return f.df.withWatermark(m.event_time, m.delay_threshold)


def _to_schema(ctx: Context, m: sf.ToSchemaRelation, f: Frame, s: Scope) -> DataFrame:
    return f.df.to(T.StructType.fromJson(json.loads(m.schema_json)))


def _observe(ctx: Context, m: sf.ObserveRelation, f: Frame, s: Scope) -> DataFrame:
    if not m.metrics:
        raise SparkFlightError(INVALID_PLAN, "observe needs at least one metric")
    metrics = [expression(ctx, e, s) for e in m.metrics]
    if m.observation_id:
        return ctx.session.observations.attach(m.observation_id, f.df, m.name, *metrics)
    return f.df.observe(m.name, *metrics)


def _map_partitions(ctx: Context, m: sf.MapPartitionsRelation, f: Frame, s: Scope) -> DataFrame:
    return python.map_partitions(ctx.session, m.function, f.df, m.barrier)


def _group_map(ctx: Context, m: sf.GroupMapRelation, f: Frame, s: Scope) -> DataFrame:
    grouped = f.df.groupBy(*expressions(ctx, m.grouping_expressions, s))
    return python.group_map(ctx.session, m.function, grouped)


def _stateful_group_map(
    ctx: Context, m: sf.StatefulGroupMapRelation, f: Frame, s: Scope
) -> DataFrame:
    grouped = f.df.groupBy(*expressions(ctx, m.grouping_expressions, s))
    return python.stateful(ctx.session, m, grouped)


def _stateful_group_map_with_initial_state(
    ctx: Context, m: sf.StatefulGroupMapRelation, f: Frame, initial: Frame
) -> DataFrame:
    grouped = f.df.groupBy(*expressions(ctx, m.grouping_expressions, Scope(f)))
    keys = expressions(ctx, m.initial_state_grouping_expressions, Scope(initial))
    return python.stateful(ctx.session, m, grouped, initial.df.groupBy(*keys))


def _table_argument(ctx: Context, m: sf.TableArgument, outer: Scope | None) -> tuple[int, TableArg]:
    frame, scope = _input(ctx, m.input, outer)
    shape: dict[str, list[Column] | bool] = {
        "partition_by": expressions(ctx, m.partition_by, scope),
        "order_by": [sort_column(ctx, o, scope) for o in m.order_by],
        "with_single_partition": m.with_single_partition,
    }
    return m.position, python.table_argument(frame.df, shape)


def _python_table_function(
    ctx: Context, m: sf.PythonTableFunctionRelation, outer: Scope | None
) -> DataFrame:
    tables = [_table_argument(ctx, t, outer) for t in m.table_arguments]
    arguments = expressions(ctx, m.arguments, outer)
    return python.udtf_dataframe(ctx.session, m.function, arguments, tables)


@dataclass(frozen=True)
class _Extension:
    message: type[Message]
    leaf: _Leaf | None = None
    single: _Single | None = None


_EXTENSIONS: dict[str, _Extension] = {
    e.message.DESCRIPTOR.full_name: e
    for e in (
        _Extension(sf.SqlRelation, leaf=_sql),
        _Extension(sf.RangeRelation, leaf=_range),
        _Extension(sf.TableFunctionRelation, leaf=_table_function),
        _Extension(sf.LocalRelation, leaf=_local),
        _Extension(sf.DataSourceRelation, leaf=_data_source),
        _Extension(sf.PythonTableFunctionRelation, leaf=_python_table_function),
        _Extension(sf.MapPartitionsRelation, single=_map_partitions),
        _Extension(sf.GroupMapRelation, single=_group_map),
        _Extension(sf.StatefulGroupMapRelation, single=_stateful_group_map),
        _Extension(sf.SubqueryAliasRelation, single=_subquery_alias),
        _Extension(sf.WithColumnsRelation, single=_with_columns),
        _Extension(sf.RenameRelation, single=_rename_columns),
        _Extension(sf.DropRelation, single=_drop),
        _Extension(sf.ToDFRelation, single=_to_df),
        _Extension(sf.DeduplicateRelation, single=_deduplicate),
        _Extension(sf.SampleRelation, single=_sample),
        _Extension(sf.RepartitionRelation, single=_repartition),
        _Extension(sf.AggregateRelation, single=_group_aggregate),
        _Extension(sf.HintRelation, single=_hint),
        _Extension(sf.ObserveRelation, single=_observe),
        _Extension(sf.TransposeRelation, single=_transpose),
        _Extension(sf.TailRelation, single=_tail),
        _Extension(sf.WatermarkRelation, single=_watermark),
        _Extension(sf.ToSchemaRelation, single=_to_schema),
    )
}


def _extension(detail: any_pb2.Any, kind: str) -> tuple[_Extension, Message]:
    name = detail.TypeName() if detail.type_url else "<empty>"
    extension = _EXTENSIONS.get(name)
    if extension is None or getattr(extension, kind) is None:
        raise SparkFlightError(
            UNSUPPORTED_RELATION,
            f"unsupported {kind} extension relation detail {name!r}",
            detail=name,
        )
    return extension, unpack(detail, extension.message)


def _extension_leaf(ctx: Context, rel: algebra_pb2.ExtensionLeafRel, outer: Scope | None) -> Frame:
    extension, message = _extension(rel.detail, "leaf")
    assert extension.leaf is not None
    return Frame(extension.leaf(ctx, message, outer))


def _extension_single(
    ctx: Context, rel: algebra_pb2.ExtensionSingleRel, outer: Scope | None
) -> Frame:
    extension, message = _extension(rel.detail, "single")
    assert extension.single is not None
    frame, scope = _input(ctx, rel.input, outer)
    return Frame(extension.single(ctx, message, frame, scope))


def _cogroup_map(ctx: Context, m: sf.CoGroupMapRelation, left: Frame, right: Frame) -> DataFrame:
    left_keys = expressions(ctx, m.left_grouping_expressions, Scope(left))
    right_keys = expressions(ctx, m.right_grouping_expressions, Scope(right))
    grouped = left.df.groupBy(*left_keys), right.df.groupBy(*right_keys)
    return python.cogroup_map(ctx.session, m.function, *grouped)


_Binary = Callable[[Context, Any, Frame, Frame], DataFrame]

#: Extension relations of two inputs (ExtensionMultiRel) by detail message.
_BINARY: dict[str, tuple[type[Message], _Binary]] = {
    message.DESCRIPTOR.full_name: (message, rule)
    for message, rule in (
        (sf.CoGroupMapRelation, _cogroup_map),
        (sf.StatefulGroupMapRelation, _stateful_group_map_with_initial_state),
    )
}


def _extension_multi(
    ctx: Context, rel: algebra_pb2.ExtensionMultiRel, outer: Scope | None
) -> Frame:
    name = rel.detail.TypeName() if rel.detail.type_url else "<empty>"
    known = _BINARY.get(name)
    if known is None:
        raise SparkFlightError(
            UNSUPPORTED_RELATION,
            f"unsupported multi extension relation detail {name!r}",
            detail=name,
        )
    if len(rel.inputs) != 2:
        raise SparkFlightError(INVALID_PLAN, f"{name} needs two inputs, got {len(rel.inputs)}")
    message_class, rule = known
    message = unpack(rel.detail, message_class)
    left = relation(ctx, rel.inputs[0], outer)
    right = relation(ctx, rel.inputs[1], outer)
    return Frame(rule(ctx, message, left, right))


_RELATIONS: dict[str, Callable[[Context, Any, Scope | None], Frame]] = {
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
