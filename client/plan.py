"""Relations of the client's logical plan, one class per relation.

Each DataFrame stands for one :class:`Relation`. A relation gets a process-wide
plan id when created and encodes itself into a ``substrait.algebra_pb2.Rel``
carrying that id (:class:`~plans.sparkflight_pb2.PlanId`), so that column
references tied to a DataFrame resolve against it, and the call site of the user's
code that made the DataFrame, so that errors can name it. :func:`to_plan` turns a
relation tree into the ``substrait.Plan`` sent to the server.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from google.protobuf import any_pb2
from google.protobuf.message import Message
from substrait import algebra_pb2, plan_pb2

from sparkflight.client.callsite import CallSite
from sparkflight.client.expressions import (
    Alias,
    Call,
    Expr,
    Literal,
    PlanContext,
    SortOrder,
    WindowExpr,
    sort_order,
)
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import MESSAGE_FEATURES, PYTHON_FUNCTIONS, UDTF_TABLE_ARGUMENTS
from sparkflight.plans.subtrees import recursion_room

Rel = algebra_pb2.Rel
_plan_ids = itertools.count(1)


def _any(message: Message) -> any_pb2.Any:
    detail = any_pb2.Any()
    detail.Pack(message)
    return detail


def _i64(value: int) -> algebra_pb2.Expression:
    return algebra_pb2.Expression(literal=algebra_pb2.Expression.Literal(i64=value))


def _leaf(message: Message) -> Rel:
    return Rel(extension_leaf=algebra_pb2.ExtensionLeafRel(detail=_any(message)))


def _single(input_: Rel, message: Message) -> Rel:
    return Rel(extension_single=algebra_pb2.ExtensionSingleRel(input=input_, detail=_any(message)))


def _multi(inputs: Sequence[Rel], message: Message) -> Rel:
    return Rel(extension_multi=algebra_pb2.ExtensionMultiRel(inputs=inputs, detail=_any(message)))


def _require_extension(ctx: PlanContext, rel: Rel) -> None:
    """Note the protocol an extension relation's message needs of the server, when the
    message alone tells (``MESSAGE_FEATURES``)."""
    kind = rel.WhichOneof("rel_type")
    if kind not in ("extension_leaf", "extension_single", "extension_multi"):
        return
    feature = MESSAGE_FEATURES.get(getattr(rel, kind).detail.TypeName())
    if feature is not None:
        ctx.require(feature.version, feature.name)


def _common(rel: Rel) -> algebra_pb2.RelCommon:
    return getattr(rel, rel.WhichOneof("rel_type")).common


@dataclass(eq=False, kw_only=True)
class Relation:
    """A node of the logical plan; ``plan_id`` identifies the DataFrame it stands for."""

    plan_id: int = field(default_factory=lambda: next(_plan_ids), init=False)
    call_site: CallSite | None = field(default=None, init=False)

    def to_rel(self, ctx: PlanContext) -> Rel:
        """This relation as Substrait, or a reference to it (:meth:`PlanContext.leave_relation`)."""
        ctx.enter_relation()
        rel = self._build(ctx)
        _require_extension(ctx, rel)
        plan_id = sf.PlanId(id=self.plan_id)
        if self.call_site is not None:
            plan_id.call_site.CopyFrom(self.call_site.to_proto())
        _common(rel).advanced_extension.optimization.add().Pack(plan_id)
        return ctx.leave_relation(rel)

    def _build(self, ctx: PlanContext) -> Rel:
        raise NotImplementedError


def to_plan(
    relation: Relation, ctx: PlanContext | None = None, server_protocol: int | None = None
) -> plan_pb2.Plan:
    """The Substrait plan of ``relation``: one root, names left to Spark.

    ``ctx`` declares, besides the plan's functions, those of expressions it
    serialized before (expressions that travel next to the plan). Given the protocol
    version of the server the plan goes to, a plan using what that server lacks fails
    here, naming the feature.
    """
    ctx = ctx or PlanContext()
    with recursion_room():
        rel = relation.to_rel(ctx)
    if server_protocol is not None:
        ctx.check(server_protocol)
    plan = plan_pb2.Plan(version=plan_pb2.Version(minor_number=75, producer="sparkflight"))
    for subtree in ctx.subtrees:
        plan.relations.add().rel.CopyFrom(subtree)
    plan.relations.add().root.input.CopyFrom(rel)
    ctx.anchors.declare(plan)
    return plan


def plan_bytes(relation: Relation, server_protocol: int | None = None) -> bytes:
    return to_plan(relation, server_protocol=server_protocol).SerializeToString()


# ------------------------------------------------------------------ leaves


@dataclass(eq=False, kw_only=True)
class NamedTable(Relation):
    name: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        return Rel(
            read=algebra_pb2.ReadRel(named_table=algebra_pb2.ReadRel.NamedTable(names=[self.name]))
        )


@dataclass(eq=False, kw_only=True)
class Sql(Relation):
    query: str = ""
    named_arguments: dict[str, Expr] = field(default_factory=dict)
    positional_arguments: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.SqlRelation(query=self.query)
        for name, value in self.named_arguments.items():
            message.named_arguments[name].CopyFrom(value.to_proto(ctx))
        message.positional_arguments.extend(a.to_proto(ctx) for a in self.positional_arguments)
        return _leaf(message)


@dataclass(eq=False, kw_only=True)
class TableFunction(Relation):
    name: str = ""
    arguments: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.TableFunctionRelation(
            name=self.name, arguments=[a.to_proto(ctx) for a in self.arguments]
        )
        return _leaf(message)


@dataclass(eq=False, kw_only=True)
class Range(Relation):
    start: int = 0
    end: int = 0
    step: int = 1
    num_partitions: int | None = None

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.RangeRelation(start=self.start, end=self.end, step=self.step)
        if self.num_partitions is not None:
            message.num_partitions = self.num_partitions
        return _leaf(message)


@dataclass(eq=False, kw_only=True)
class MicroBatch(Relation):
    """A streaming query's micro-batch, which the server keeps under ``relation_id`` while
    the query's ``foreachBatch`` function runs."""

    relation_id: str

    def _build(self, ctx: PlanContext) -> Rel:
        return _leaf(sf.MicroBatchRelation(relation_id=self.relation_id))


@dataclass(eq=False, kw_only=True)
class LocalData(Relation):
    """Local rows: an inline Arrow IPC stream or the id of an upload."""

    arrow_ipc: bytes | None = None
    upload_id: str | None = None
    schema_json: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.LocalRelation(schema_json=self.schema_json)
        if self.upload_id is not None:
            message.upload_id = self.upload_id
        else:
            message.arrow_ipc = self.arrow_ipc or b""
        return _leaf(message)


@dataclass(eq=False, kw_only=True)
class DataSource(Relation):
    format: str = ""
    paths: Sequence[str] = ()
    options: dict[str, str] = field(default_factory=dict)
    schema: str = ""
    predicates: Sequence[str] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        return _leaf(
            sf.DataSourceRelation(
                format=self.format,
                paths=list(self.paths),
                options=self.options,
                schema=self.schema,
                predicates=list(self.predicates),
            )
        )


@dataclass(eq=False, kw_only=True)
class Changes(Relation):
    table_name: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def _build(self, ctx: PlanContext) -> Rel:
        return _leaf(sf.ChangesRelation(table_name=self.table_name, options=self.options))


@dataclass(eq=False, kw_only=True)
class StreamSource(Relation):
    """``spark.readStream``: a source, a table (``table_name``) or its change feed."""

    format: str = ""
    path: str = ""
    options: dict[str, str] = field(default_factory=dict)
    schema: str = ""
    table_name: str = ""
    changes: bool = False
    source_name: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        return _leaf(
            sf.StreamSourceRelation(
                format=self.format,
                path=self.path,
                options=self.options,
                schema=self.schema,
                table_name=self.table_name,
                changes=self.changes,
                source_name=self.source_name,
            )
        )


# ------------------------------------------------------------------ single input


@dataclass(eq=False, kw_only=True)
class Project(Relation):
    child: Relation
    expressions: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        project = algebra_pb2.ProjectRel(
            input=self.child.to_rel(ctx), expressions=[e.to_proto(ctx) for e in self.expressions]
        )
        project.advanced_extension.enhancement.Pack(sf.ProjectExpressionsOnly())
        return Rel(project=project)


@dataclass(eq=False, kw_only=True)
class Filter(Relation):
    child: Relation
    condition: Expr

    def _build(self, ctx: PlanContext) -> Rel:
        return Rel(
            filter=algebra_pb2.FilterRel(
                input=self.child.to_rel(ctx), condition=self.condition.to_proto(ctx)
            )
        )


@dataclass(eq=False, kw_only=True)
class WithColumns(Relation):
    child: Relation
    names: Sequence[str] = ()
    expressions: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.WithColumnsRelation(
            names=list(self.names), expressions=[e.to_proto(ctx) for e in self.expressions]
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Rename(Relation):
    child: Relation
    renames: dict[str, str] = field(default_factory=dict)

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.RenameRelation(renames=self.renames, order=list(self.renames))
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Drop(Relation):
    child: Relation
    column_names: Sequence[str] = ()
    columns: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.DropRelation(
            column_names=list(self.column_names), columns=[c.to_proto(ctx) for c in self.columns]
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class SubqueryAlias(Relation):
    child: Relation
    alias: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        return _single(self.child.to_rel(ctx), sf.SubqueryAliasRelation(alias=self.alias))


@dataclass(eq=False, kw_only=True)
class ToDF(Relation):
    child: Relation
    names: Sequence[str] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        return _single(self.child.to_rel(ctx), sf.ToDFRelation(names=list(self.names)))


@dataclass(eq=False, kw_only=True)
class Deduplicate(Relation):
    child: Relation
    column_names: Sequence[str] | None = None
    within_watermark: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.DeduplicateRelation(
            column_names=list(self.column_names or ()),
            all_columns=self.column_names is None,
            within_watermark=self.within_watermark,
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Sample(Relation):
    child: Relation
    fraction: float = 0.0
    lower_bound: float = 0.0
    with_replacement: bool = False
    seed: int | None = None
    split_weights: Sequence[float] = ()
    split_index: int = 0

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.SampleRelation(
            lower_bound=self.lower_bound,
            upper_bound=self.fraction,
            with_replacement=self.with_replacement,
            split_weights=list(self.split_weights),
            split_index=self.split_index,
        )
        if self.seed is not None:
            message.seed = self.seed
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Repartition(Relation):
    child: Relation
    num_partitions: int | None = None
    expressions: Sequence[Expr] = ()
    shuffle: bool = True
    by_range: bool = False
    by_id: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.RepartitionRelation(
            partition_expressions=[e.to_proto(ctx) for e in self.expressions],
            shuffle=self.shuffle,
            by_range=self.by_range,
            by_id=self.by_id,
        )
        if self.num_partitions is not None:
            message.num_partitions = self.num_partitions
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Hint(Relation):
    child: Relation
    name: str = ""
    parameters: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.HintRelation(
            name=self.name, parameters=[p.to_proto(ctx) for p in self.parameters]
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Observe(Relation):
    child: Relation
    name: str = ""
    metrics: Sequence[Expr] = ()
    observation_id: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.ObserveRelation(
            name=self.name,
            metrics=[m.to_proto(ctx) for m in self.metrics],
            observation_id=self.observation_id,
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class ShowString(Relation):
    child: Relation
    num_rows: int = 20
    truncate: int = 20
    vertical: bool = False
    html: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.ShowStringRelation(
            num_rows=self.num_rows, truncate=self.truncate, vertical=self.vertical, html=self.html
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Unpivot(Relation):
    """``df.unpivot``: value columns to rows of (variable, value); without
    ``values_given``, every column but the ids is a value."""

    child: Relation
    ids: Sequence[Expr] = ()
    values: Sequence[Expr] = ()
    values_given: bool = True
    variable_column_name: str = ""
    value_column_name: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.UnpivotRelation(
            ids=[e.to_proto(ctx) for e in self.ids],
            values=[e.to_proto(ctx) for e in self.values],
            values_given=self.values_given,
            variable_column_name=self.variable_column_name,
            value_column_name=self.value_column_name,
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class ZipWithIndex(Relation):
    child: Relation
    index_column: str = "index"

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.ZipWithIndexRelation(index_column=self.index_column)
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class DropNa(Relation):
    """``df.na.drop``: rows with fewer than ``min_non_nulls`` non-null values among
    ``columns`` (all when empty) are dropped; without it, rows with any null."""

    child: Relation
    columns: Sequence[str] = ()
    min_non_nulls: int | None = None

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.DropNaRelation(columns=list(self.columns))
        if self.min_non_nulls is not None:
            message.min_non_nulls = self.min_non_nulls
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class FillNa(Relation):
    """``df.na.fill``: one value fills the columns of its type (among ``columns``, when
    given); with ``by_column``, each value fills its column."""

    child: Relation
    columns: Sequence[str] = ()
    values: Sequence[object] = ()
    by_column: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.FillNaRelation(
            columns=list(self.columns),
            values=[Literal(v).to_proto(ctx).literal for v in self.values],
            by_column=self.by_column,
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Replace(Relation):
    """``df.na.replace``: in ``columns`` (all when empty), each old value becomes its new one."""

    child: Relation
    columns: Sequence[str] = ()
    replacements: Sequence[tuple[object, object]] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.ReplaceRelation(columns=list(self.columns))
        for old, new in self.replacements:
            message.replacements.add(
                old_value=Literal(old).to_proto(ctx).literal,
                new_value=Literal(new).to_proto(ctx).literal,
            )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Watermark(Relation):
    child: Relation
    event_time: str = ""
    delay_threshold: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.WatermarkRelation(
            event_time=self.event_time, delay_threshold=self.delay_threshold
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class ToSchema(Relation):
    """``df.to(schema)``: the schema in Spark's JSON form."""

    child: Relation
    schema_json: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        return _single(self.child.to_rel(ctx), sf.ToSchemaRelation(schema_json=self.schema_json))


@dataclass(eq=False, kw_only=True)
class Tail(Relation):
    child: Relation
    limit: int = 0

    def _build(self, ctx: PlanContext) -> Rel:
        return _single(self.child.to_rel(ctx), sf.TailRelation(limit=self.limit))


@dataclass(eq=False, kw_only=True)
class Describe(Relation):
    """``df.describe``: count, mean, stddev, min and max of ``columns`` (all when empty)."""

    child: Relation
    columns: Sequence[str] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatSummaryRelation(describe=True, columns=list(self.columns))
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Summary(Relation):
    """``df.summary``: ``statistics`` (Spark's default ones when empty)."""

    child: Relation
    statistics: Sequence[str] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatSummaryRelation(statistics=list(self.statistics))
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Crosstab(Relation):
    child: Relation
    col1: str = ""
    col2: str = ""

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatCrosstabRelation(col1=self.col1, col2=self.col2)
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class FreqItems(Relation):
    child: Relation
    columns: Sequence[str] = ()
    support: float | None = None

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatFreqItemsRelation(columns=list(self.columns))
        if self.support is not None:
            message.support = self.support
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class ApproxQuantile(Relation):
    """``df.approxQuantile``: one row holding one array of quantiles per column."""

    child: Relation
    columns: Sequence[str] = ()
    probabilities: Sequence[float] = ()
    relative_error: float = 0.0

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatApproxQuantileRelation(
            columns=list(self.columns),
            probabilities=list(self.probabilities),
            relative_error=self.relative_error,
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Parse(Relation):
    """``spark.read.json(df)`` (csv, xml): the rows parsed from ``child``'s one string column."""

    child: Relation
    format: str = ""
    schema: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.ParseRelation(format=self.format, schema=self.schema, options=self.options)
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class SampleBy(Relation):
    child: Relation
    column: Expr
    fractions: Sequence[tuple[object, float]] = ()
    seed: int = 0

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatSampleByRelation(
            column=self.column.to_proto(ctx),
            strata=[Literal(stratum).to_proto(ctx).literal for stratum, _ in self.fractions],
            fractions=[fraction for _, fraction in self.fractions],
            seed=self.seed,
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Transpose(Relation):
    child: Relation
    index_column: Expr | None = None

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.TransposeRelation()
        if self.index_column is not None:
            message.index_column.CopyFrom(self.index_column.to_proto(ctx))
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class Sort(Relation):
    child: Relation
    orders: Sequence[Expr] = ()
    within_partitions: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        sort = algebra_pb2.SortRel(
            input=self.child.to_rel(ctx),
            sorts=[sort_order(o).to_sort_field(ctx) for o in self.orders],
        )
        if self.within_partitions:
            sort.advanced_extension.enhancement.Pack(sf.SortWithinPartitions())
        return Rel(sort=sort)


@dataclass(eq=False, kw_only=True)
class Fetch(Relation):
    child: Relation
    limit: int | None = None
    offset: int | None = None

    def _build(self, ctx: PlanContext) -> Rel:
        fetch = algebra_pb2.FetchRel(input=self.child.to_rel(ctx))
        if self.limit is not None:
            fetch.count_expr.CopyFrom(_i64(self.limit))
        if self.offset is not None:
            fetch.offset_expr.CopyFrom(_i64(self.offset))
        return Rel(fetch=fetch)


_GROUP_TYPES = {
    "groupby": sf.AggregateRelation.GROUP_TYPE_GROUPBY,
    "rollup": sf.AggregateRelation.GROUP_TYPE_ROLLUP,
    "cube": sf.AggregateRelation.GROUP_TYPE_CUBE,
    "pivot": sf.AggregateRelation.GROUP_TYPE_PIVOT,
    "grouping_sets": sf.AggregateRelation.GROUP_TYPE_GROUPING_SETS,
}


def _measure(expr: Expr) -> tuple[Call, str] | None:
    """``expr`` as (aggregate call, output name) if a standard measure can carry it."""
    name = ""
    if isinstance(expr, Alias) and len(expr.names) == 1:
        name, expr = expr.names[0], expr.child
    if not isinstance(expr, Call) or not expr.is_aggregate:
        return None
    for argument in expr.args:
        if any(
            isinstance(n, WindowExpr) or (isinstance(n, Call) and n.is_aggregate)
            for n in argument.walk()
        ):
            return None
    return expr, name


@dataclass(eq=False, kw_only=True)
class Aggregate(Relation):
    """groupBy/rollup/cube/groupingSets/pivot followed by agg."""

    child: Relation
    group_type: str = "groupby"
    grouping: Sequence[Expr] = ()
    aggregates: Sequence[Expr] = ()
    pivot_column: Expr | None = None
    pivot_values: Sequence[Expr] = ()
    grouping_sets: Sequence[Sequence[int]] = ()
    #: ``agg({column: function})``: the dict's entries, which Spark reads in its own order.
    by_name: Sequence[tuple[str, str]] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        measures = [m for m in map(_measure, self.aggregates) if m is not None]
        standard = len(measures) == len(self.aggregates) and not self.by_name
        if self.group_type == "groupby" and standard:
            return self._standard(ctx, measures)
        message = sf.AggregateRelation(
            group_type=_GROUP_TYPES[self.group_type],
            grouping_expressions=[g.to_proto(ctx) for g in self.grouping],
            aggregate_expressions=[a.to_proto(ctx) for a in self.aggregates],
            pivot_values=[v.to_proto(ctx) for v in self.pivot_values],
            grouping_sets=[
                sf.AggregateRelation.GroupingSet(indexes=list(s)) for s in self.grouping_sets
            ],
            by_name=[sf.AggregateRelation.ByName(column=c, function=f) for c, f in self.by_name],
        )
        if self.pivot_column is not None:
            message.pivot_column.CopyFrom(self.pivot_column.to_proto(ctx))
        return _single(self.child.to_rel(ctx), message)

    def _standard(self, ctx: PlanContext, measures: list[tuple[Call, str]]) -> Rel:
        aggregate = algebra_pb2.AggregateRel(
            input=self.child.to_rel(ctx),
            grouping_expressions=[g.to_proto(ctx) for g in self.grouping],
            measures=[
                algebra_pb2.AggregateRel.Measure(measure=call.to_aggregate(ctx))
                for call, _ in measures
            ],
        )
        if self.grouping:
            aggregate.groupings.add(expression_references=range(len(self.grouping)))
        names = [""] * len(self.grouping) + [name for _, name in measures]
        if any(names):
            aggregate.common.hint.output_names.extend(names)
        return Rel(aggregate=aggregate)


# ------------------------------------------------------------------ two inputs

_JOIN_TYPES = {
    "inner": algebra_pb2.JoinRel.JOIN_TYPE_INNER,
    "cross": algebra_pb2.JoinRel.JOIN_TYPE_INNER,
    "outer": algebra_pb2.JoinRel.JOIN_TYPE_OUTER,
    "full": algebra_pb2.JoinRel.JOIN_TYPE_OUTER,
    "fullouter": algebra_pb2.JoinRel.JOIN_TYPE_OUTER,
    "full_outer": algebra_pb2.JoinRel.JOIN_TYPE_OUTER,
    "left": algebra_pb2.JoinRel.JOIN_TYPE_LEFT,
    "leftouter": algebra_pb2.JoinRel.JOIN_TYPE_LEFT,
    "left_outer": algebra_pb2.JoinRel.JOIN_TYPE_LEFT,
    "right": algebra_pb2.JoinRel.JOIN_TYPE_RIGHT,
    "rightouter": algebra_pb2.JoinRel.JOIN_TYPE_RIGHT,
    "right_outer": algebra_pb2.JoinRel.JOIN_TYPE_RIGHT,
    "semi": algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SEMI,
    "leftsemi": algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SEMI,
    "left_semi": algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SEMI,
    "anti": algebra_pb2.JoinRel.JOIN_TYPE_LEFT_ANTI,
    "leftanti": algebra_pb2.JoinRel.JOIN_TYPE_LEFT_ANTI,
    "left_anti": algebra_pb2.JoinRel.JOIN_TYPE_LEFT_ANTI,
}
JOIN_TYPES = frozenset(_JOIN_TYPES)


@dataclass(eq=False, kw_only=True)
class Join(Relation):
    left: Relation
    right: Relation
    how: str = "inner"
    condition: Expr | None = None
    using: Sequence[str] | None = None
    lateral: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        join = algebra_pb2.JoinRel(
            left=self.left.to_rel(ctx), right=self.right.to_rel(ctx), type=_JOIN_TYPES[self.how]
        )
        if self.condition is not None:
            join.expression.CopyFrom(self.condition.to_proto(ctx))
        if self.using is not None:
            join.advanced_extension.enhancement.Pack(
                sf.JoinUsingColumns(column_names=list(self.using))
            )
        if self.lateral:
            join.advanced_extension.enhancement.Pack(sf.LateralJoin())
        return Rel(join=join)


@dataclass(eq=False, kw_only=True)
class Zip(Relation):
    """``df.zip(other)``: both DataFrames' columns side by side."""

    left: Relation
    right: Relation

    def _build(self, ctx: PlanContext) -> Rel:
        return _multi([self.left.to_rel(ctx), self.right.to_rel(ctx)], sf.ZipRelation())


@dataclass(eq=False, kw_only=True)
class NearestByJoin(Relation):
    """``left.nearestByJoin(right, ...)``: for each left row, the ``num_results`` right rows
    ranked first by ``ranking_expression``."""

    left: Relation
    right: Relation
    ranking_expression: Expr
    num_results: int = 1
    mode: str = ""
    direction: str = ""
    join_type: str = "inner"

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.NearestByJoinRelation(
            num_results=self.num_results,
            mode=self.mode,
            direction=self.direction,
            join_type=self.join_type,
        )
        message.ranking_expression.CopyFrom(self.ranking_expression.to_proto(ctx))
        return _multi([self.left.to_rel(ctx), self.right.to_rel(ctx)], message)


@dataclass(eq=False, kw_only=True)
class AsOfJoin(Relation):
    """``left._joinAsOf(right, ...)``: for each left row, the right row nearest in the
    as-of columns, joined on ``using_columns`` or ``join_expression``."""

    left: Relation
    right: Relation
    left_as_of: Expr
    right_as_of: Expr
    join_expression: Expr | None = None
    using_columns: Sequence[str] = ()
    join_type: str = "inner"
    tolerance: Expr | None = None
    allow_exact_matches: bool = True
    direction: str = "backward"

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.AsOfJoinRelation(
            using_columns=list(self.using_columns),
            join_type=self.join_type,
            allow_exact_matches=self.allow_exact_matches,
            direction=self.direction,
        )
        message.left_as_of.CopyFrom(self.left_as_of.to_proto(ctx))
        message.right_as_of.CopyFrom(self.right_as_of.to_proto(ctx))
        if self.join_expression is not None:
            message.join_expression.CopyFrom(self.join_expression.to_proto(ctx))
        if self.tolerance is not None:
            message.tolerance.CopyFrom(self.tolerance.to_proto(ctx))
        return _multi([self.left.to_rel(ctx), self.right.to_rel(ctx)], message)


@dataclass(eq=False, kw_only=True)
class Cross(Relation):
    left: Relation
    right: Relation

    def _build(self, ctx: PlanContext) -> Rel:
        return Rel(
            cross=algebra_pb2.CrossRel(left=self.left.to_rel(ctx), right=self.right.to_rel(ctx))
        )


_SET_OPS = {
    "union": algebra_pb2.SetRel.SET_OP_UNION_ALL,
    "intersect": algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET,
    "intersect_all": algebra_pb2.SetRel.SET_OP_INTERSECTION_MULTISET_ALL,
    "except": algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY,
    "except_all": algebra_pb2.SetRel.SET_OP_MINUS_PRIMARY_ALL,
}


@dataclass(eq=False, kw_only=True)
class SetOperation(Relation):
    left: Relation
    right: Relation
    op: str = "union"
    by_name: bool = False
    allow_missing_columns: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        set_rel = algebra_pb2.SetRel(
            inputs=[self.left.to_rel(ctx), self.right.to_rel(ctx)], op=_SET_OPS[self.op]
        )
        if self.by_name:
            set_rel.advanced_extension.enhancement.Pack(
                sf.UnionByName(allow_missing_columns=self.allow_missing_columns)
            )
        return Rel(set=set_rel)


def count_rows(relation: Relation) -> Aggregate:
    """The relation counting the rows of ``relation`` (``df.count()``)."""
    return Aggregate(child=relation, aggregates=[Alias(Call("count", (Literal(1),)), ("count",))])


# ------------------------------------------------------------------ Python functions


@dataclass(eq=False, kw_only=True)
class MapPartitions(Relation):
    """``mapInPandas`` / ``mapInArrow``: ``function`` over each partition."""

    child: Relation
    function: sf.PythonFunction
    barrier: bool = False

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.MapPartitionsRelation(function=self.function, barrier=self.barrier)
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class GroupMap(Relation):
    """``groupBy(...).applyInPandas`` / ``applyInArrow``."""

    child: Relation
    function: sf.PythonFunction
    grouping: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.GroupMapRelation(
            function=self.function, grouping_expressions=[g.to_proto(ctx) for g in self.grouping]
        )
        return _single(self.child.to_rel(ctx), message)


@dataclass(eq=False, kw_only=True)
class CoGroupMap(Relation):
    """``left.groupBy(...).cogroup(right.groupBy(...)).applyInPandas`` / ``applyInArrow``."""

    left: Relation
    right: Relation
    function: sf.PythonFunction
    left_grouping: Sequence[Expr] = ()
    right_grouping: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.CoGroupMapRelation(
            function=self.function,
            left_grouping_expressions=[g.to_proto(ctx) for g in self.left_grouping],
            right_grouping_expressions=[g.to_proto(ctx) for g in self.right_grouping],
        )
        return _multi([self.left.to_rel(ctx), self.right.to_rel(ctx)], message)


#: PySpark's eval type of arrow_udtf.
ARROW_UDTF_EVAL_TYPE = 302


@dataclass(frozen=True, eq=False, kw_only=True)
class TableArgument:
    """A DataFrame as a table argument of a UDTF call, partitioned and ordered."""

    relation: Relation
    partition_by: tuple[Expr, ...] = ()
    order_by: tuple[SortOrder, ...] = ()
    with_single_partition: bool = False

    def to_proto(self, ctx: PlanContext, position: int) -> sf.TableArgument:
        ctx.require(UDTF_TABLE_ARGUMENTS.version, "A table argument of a Python UDTF")
        return sf.TableArgument(
            input=self.relation.to_rel(ctx),
            partition_by=[p.to_proto(ctx) for p in self.partition_by],
            order_by=[o.to_sort_field(ctx) for o in self.order_by],
            with_single_partition=self.with_single_partition,
            position=position,
        )


@dataclass(eq=False, kw_only=True)
class StatefulGroupMap(Relation):
    """``groupBy(...).applyInPandasWithState`` / ``transformWithState(InPandas)``: the
    initial state, when given, is a second input."""

    child: Relation
    function: sf.PythonFunction
    grouping: Sequence[Expr] = ()
    output_mode: str
    state_schema: str = ""
    timeout_conf: str = ""
    time_mode: str = ""
    event_time_column: str = ""
    initial_state: Relation | None = None
    initial_state_grouping: Sequence[Expr] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        message = sf.StatefulGroupMapRelation(
            function=self.function,
            grouping_expressions=[g.to_proto(ctx) for g in self.grouping],
            output_mode=self.output_mode,
            state_schema=self.state_schema,
            timeout_conf=self.timeout_conf,
            time_mode=self.time_mode,
            event_time_column=self.event_time_column,
            initial_state_grouping_expressions=[
                g.to_proto(ctx) for g in self.initial_state_grouping
            ],
        )
        if self.initial_state is None:
            return _single(self.child.to_rel(ctx), message)
        inputs = [self.child.to_rel(ctx), self.initial_state.to_rel(ctx)]
        return _multi(inputs, message)


@dataclass(eq=False, kw_only=True)
class PythonTableFunction(Relation):
    """The rows of a Python UDTF called with ``arguments`` (columns and tables)."""

    function: sf.PythonFunction
    arguments: Sequence[Expr | TableArgument] = ()

    def _build(self, ctx: PlanContext) -> Rel:
        ctx.require(PYTHON_FUNCTIONS.version, f"The Python UDTF {self.function.name!r}")
        if self.function.eval_type == ARROW_UDTF_EVAL_TYPE:
            ctx.require(UDTF_TABLE_ARGUMENTS.version, f"The arrow_udtf {self.function.name!r}")
        message = sf.PythonTableFunctionRelation(function=self.function)
        for position, argument in enumerate(self.arguments):
            if isinstance(argument, TableArgument):
                message.table_arguments.append(argument.to_proto(ctx, position))
            else:
                message.arguments.append(argument.to_proto(ctx))
        return _leaf(message)
