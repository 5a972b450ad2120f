"""sparkflight.flight_server.connect: Substrait plans as Spark Connect relations (pure Python,
no JVM), and deep plans planned by Spark's Spark Connect planner on the real server."""

from __future__ import annotations

import os
import pickle
from typing import Any

import pandas as pd
import pytest
from google.protobuf import any_pb2
from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr
from substrait import algebra_pb2, plan_pb2
from substrait.extensions import extensions_pb2

from sparkflight.client import functions as F
from sparkflight.client import plan as P
from sparkflight.client.expressions import (
    SUBTREE_DEPTH,
    Call,
    ColumnRef,
    Literal,
    ScalarSubquery,
    Star,
)
from sparkflight.client.pickling import pickled
from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.connect.expressions import origin_plan_id
from sparkflight.flight_server.connect.python import udf_command
from sparkflight.flight_server.connect.relations import command_relations, plan_relation
from sparkflight.flight_server.errors import SparkFlightError
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.subtrees import SubtreeError, inlined


def _connect(relation: P.Relation) -> cr.Relation:
    return plan_relation(inlined(P.to_plan(relation)))


def _chain_of_three() -> tuple[P.Relation, P.Relation, P.Relation]:
    """A range, a column computed from its ``id`` by plan id, and a filter by name."""
    source = P.Range(start=0, end=10)
    doubled = P.WithColumns(
        child=source,
        names=["twice"],
        expressions=[Call("*", (ColumnRef("id", source.plan_id), Literal(2)))],
    )
    kept = P.Filter(child=doubled, condition=Call(">", (ColumnRef("twice"), Literal(4))))
    return source, doubled, kept


def test_a_chain_of_steps_keeps_every_plan_id_and_names_unresolved():
    source, doubled, kept = _chain_of_three()
    top = _connect(kept)

    assert top.common.plan_id == kept.plan_id
    with_columns = top.filter.input.with_columns
    assert top.filter.input.common.plan_id == doubled.plan_id
    assert with_columns.input.range.end == 10
    assert with_columns.input.common.plan_id == source.plan_id
    (alias,) = with_columns.aliases
    assert list(alias.name) == ["twice"]
    product = alias.expr.unresolved_function
    assert product.function_name == "*"
    attribute = product.arguments[0].unresolved_attribute
    assert (attribute.unparsed_identifier, attribute.plan_id) == ("id", source.plan_id)
    assert product.arguments[1].literal.integer == 2
    condition = top.filter.condition.unresolved_function
    assert condition.function_name == ">"
    assert not condition.arguments[0].unresolved_attribute.HasField("plan_id")


def test_every_expression_names_the_dataframe_it_belongs_to_in_its_origin():
    source, doubled, kept = _chain_of_three()
    top = _connect(kept)

    def named(e: ce.Expression) -> int | None:
        return origin_plan_id(e.common.origin.python_origin.call_site)

    condition = top.filter.condition
    assert named(condition) == named(condition.unresolved_function.arguments[0]) == kept.plan_id
    product = top.filter.input.with_columns.aliases[0].expr
    assert named(product) == doubled.plan_id
    assert [named(a) for a in product.unresolved_function.arguments] == [doubled.plan_id] * 2
    assert origin_plan_id("file.py:12") is None


def test_an_aggregate_names_its_measures_and_a_distinct_call_stays_distinct():
    source = P.Range(start=0, end=10)
    grouped = P.Aggregate(
        child=source,
        grouping=[Call("%", (ColumnRef("id"), Literal(3)))],
        aggregates=[
            Call("count", (ColumnRef("id"),), distinct=True),
            F.sum("id").alias("total")._expr,
        ],
    )
    aggregate = _connect(grouped).aggregate
    assert aggregate.group_type == cr.Aggregate.GROUP_TYPE_GROUPBY
    assert aggregate.grouping_expressions[0].unresolved_function.function_name == "%"
    count, total = aggregate.aggregate_expressions
    assert count.unresolved_function.function_name == "count"
    assert count.unresolved_function.is_distinct
    assert list(total.alias.name) == ["total"]
    assert total.alias.expr.unresolved_function.function_name == "sum"


def test_literals_keep_their_spark_type():
    values = [Literal(1), Literal(2**40), Literal(1.5), Literal("x"), Literal(None)]
    projected = _connect(P.Project(child=P.Range(end=1), expressions=values)).project
    kinds = [e.literal.WhichOneof("literal_type") for e in projected.expressions]
    assert kinds == ["integer", "long", "double", "string", "null"]


def test_a_subquery_travels_beside_the_relation_whose_expression_holds_it():
    inner = P.Range(end=1)
    top = _connect(P.Project(child=P.Range(end=1), expressions=[ScalarSubquery(inner)]))
    (reference,) = top.with_relations.references
    assert reference.common.plan_id == inner.plan_id and reference.range.end == 1
    (value,) = top.with_relations.root.project.expressions
    assert value.subquery_expression.plan_id == inner.plan_id
    assert value.subquery_expression.subquery_type == ce.SubqueryExpression.SUBQUERY_TYPE_SCALAR


def test_sql_text_and_catalog_calls_are_found_anywhere_in_a_plan():
    sql = P.Sql(query="SELECT 1 AS id")
    plan = inlined(P.to_plan(P.Filter(child=sql, condition=Literal(True))))
    (found,) = command_relations(plan.relations[0].root.input)
    assert found.extension_leaf.detail.TypeName() == "sparkflight.v1.SqlRelation"
    detail = any_pb2.Any()
    detail.Pack(sf.CatalogRelation(current_database=sf.CatalogRelation.CurrentDatabase()))
    catalog = algebra_pb2.Rel(extension_leaf=algebra_pb2.ExtensionLeafRel(detail=detail))
    listed = algebra_pb2.Rel(filter=algebra_pb2.FilterRel(input=catalog))
    (found,) = command_relations(listed)
    assert found.extension_leaf.detail.TypeName() == "sparkflight.v1.CatalogRelation"
    plain = inlined(P.to_plan(P.Filter(child=P.Range(end=1), condition=Literal(True))))
    assert command_relations(plain.relations[0].root.input) == []


def test_a_file_source_outside_a_session_leaves_its_schema_to_spark():
    source = _connect(P.DataSource(format="parquet", paths=["/tmp/x"])).read.data_source
    assert (source.format, list(source.paths), source.schema) == ("parquet", ["/tmp/x"], "")


def _chain(steps: int) -> P.Relation:
    relation: P.Relation = P.Range(end=5)
    for i in range(steps):
        relation = P.WithColumns(
            child=relation,
            names=[f"c{i}"],
            expressions=[Call("+", (ColumnRef("id", relation.plan_id), Literal(i)))],
        )
    return relation


def test_a_deep_plan_travels_as_shallow_subtrees_and_is_put_back_together():
    steps = 1000
    plan = P.to_plan(_chain(steps))
    assert len(plan.relations) > steps // SUBTREE_DEPTH
    assert plan.relations[-1].WhichOneof("rel_type") == "root"
    parsed = plan_pb2.Plan()
    parsed.ParseFromString(plan.SerializeToString())  # protobuf parses 100 levels at most
    whole = inlined(parsed)
    assert len(whole.relations) == 1
    relation, depth = _connect_top(whole), 0
    while relation.WhichOneof("rel_type") == "with_columns":
        relation, depth = relation.with_columns.input, depth + 1
    assert depth == steps and relation.range.end == 5


def _connect_top(plan: plan_pb2.Plan) -> cr.Relation:
    return plan_relation(plan)


@pytest.mark.parametrize(
    ("ordinals", "message"),
    [
        ([5], "lacks"),
        ([0], "refers to itself"),
        ([], "not referenced"),
    ],
)
def test_broken_subtree_references_are_refused(ordinals: list[int], message: str):
    plan = plan_pb2.Plan()
    subtree = plan.relations.add().rel
    if ordinals == [0]:
        subtree.filter.input.reference.subtree_ordinal = 0
    else:
        subtree.read.named_table.names.append("t")
    root = plan.relations.add().root.input
    if ordinals:
        root.filter.input.reference.subtree_ordinal = ordinals[0]
    else:
        root.read.named_table.names.append("u")
    with pytest.raises(SubtreeError, match=message):
        inlined(plan)


def test_a_thousand_step_program_runs_on_the_server(spark):
    """withColumn steps that each reference the previous DataFrame, filters, joins and
    projections: planned in one call whatever the depth."""
    df = spark.range(3)
    for i in range(1000):
        kind = i % 4
        if kind == 0:
            df = df.withColumn("v", df["id"] + i)
        elif kind == 1:
            df = df.filter(df["v"] >= 0)
        elif kind == 2:
            df = df.join(spark.range(3).withColumnRenamed("id", "k"), df["id"] == F.col("k"))
            df = df.drop("k")
        else:
            df = df.select(df["id"], (df["v"] + 0).alias("v"))
    rows = sorted(tuple(r) for r in df.collect())
    assert rows == [(i, i + 996) for i in range(3)]


def test_a_literal_reaches_connect_as_a_typed_literal():
    expression = _connect(P.Project(child=P.Range(end=1), expressions=[Literal(True)]))
    assert isinstance(expression.project.expressions[0], ce.Expression)
    assert expression.project.expressions[0].literal.boolean is True


def test_a_udf_command_is_the_pickle_spark_workers_read():
    offset = 3

    def shifted(x: int) -> int:
        return x + offset

    schema = T.StructType([T.StructField("a", T.LongType()), T.StructField("b", T.LongType())])
    for data_type in (T.LongType(), schema):
        func, returned = pickle.loads(udf_command(pickled(shifted), data_type))
        assert func(1) == 4 and returned == data_type


def _record_pid(path: str) -> str:
    """Unpickled in place of a captured marker: notes which process unpickled it."""
    with open(path, "a") as marks:
        marks.write(f"{os.getpid()}\n")
    return path


class _Marker:
    """Captured by a UDF; unpickling it runs :func:`_record_pid` in that process."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return _record_pid, (self.path,)


def test_a_python_udf_is_unpickled_only_in_python_workers(spark, tmp_path):
    from tests.conftest import server_pid

    marks = tmp_path / "unpickled-in"
    marker = _Marker(str(marks))

    @F.udf(returnType="long")
    def plus_one(x: int) -> int:
        assert marker is not None
        return x + 1

    rows = spark.range(4).select(plus_one("id").alias("y")).collect()
    assert sorted(r.y for r in rows) == [1, 2, 3, 4]
    pids = {int(line) for line in marks.read_text().split()}
    assert pids and server_pid() not in pids


def _programs(spark):  # noqa: ANN001, ANN202 - the client's session, its DataFrames
    from sparkflight.client import Window

    people = spark.createDataFrame(
        [(1, "Ada", 36.5), (2, "Grace", None)], "id int, name string, score double"
    )
    numbers = spark.range(10)
    window = Window.partitionBy("name").orderBy(F.col("id").desc()).rowsBetween(-1, 0)
    return {
        "select with expressions": people.select(
            F.when(F.col("score") > 30, "high").otherwise("low").alias("band"),
            F.col("id").cast("long"),
            F.col("name").isin("Ada", "Linus"),
            F.upper("name"),
            F.coalesce("score", F.lit(0.0)),
        ),
        "filter, sort, limit, offset": numbers.filter(F.col("id") % 2 == 0)
        .orderBy(F.col("id").desc_nulls_last())
        .offset(1)
        .limit(3),
        "aggregates": people.groupBy("name").agg(
            F.count("*").alias("n"), F.countDistinct("id"), F.avg("score")
        ),
        "rollup and pivot": people.rollup("name").count(),
        "windows": people.select(F.sum("score").over(window), F.row_number().over(window)),
        "joins": people.join(numbers, people["id"] == numbers["id"], "left").join(
            numbers.alias("n2"), "id"
        ),
        "set operations": numbers.union(numbers).intersect(numbers).exceptAll(numbers),
        "column steps": people.withColumn("x", F.lit(1))
        .withColumnRenamed("x", "y")
        .drop("y")
        .dropDuplicates(["name"])
        .toDF("a", "b", "c"),
        "sql": spark.sql("SELECT 1 AS one").filter("one > 0"),
        "higher-order functions": spark.range(1).select(
            F.transform(F.array(F.lit(1), F.lit(2)), lambda x: x * 2)
        ),
        "sample and repartition": numbers.sample(0.5, seed=1).repartition(3, "id"),
        "subqueries": people.alias("p")
        .where(F.col("id") == numbers.select(F.max("id")).scalar())
        .where(numbers.where(F.col("id") == F.col("p.id").outer()).exists())
        .where(F.col("id").isin(numbers.select("id"))),
        "lateral join": people.lateralJoin(
            spark.range(2).select((F.col("id") + F.col("score").outer()).alias("s")), how="left"
        ),
    }


def test_the_clients_common_programs_are_planned_in_one_call(spark):
    """Each program goes through the Spark Connect translation, none refused (UDFs, which
    need the session, are shown to by the test of where they are unpickled)."""
    for name, df in _programs(spark).items():
        parsed = plan_pb2.Plan()
        parsed.ParseFromString(df._plan_bytes())
        try:
            plan_relation(inlined(parsed))
        except NotTranslatable as exc:
            pytest.fail(f"{name}: {exc}")


def test_a_sample_between_two_bounds_is_the_middle_split_of_one_seed():
    sample = _connect(P.Sample(child=P.Range(end=10), lower_bound=0.2, fraction=0.5, seed=3))
    assert (sample.sample.lower_bound, sample.sample.upper_bound) == pytest.approx((0.2, 0.5))
    assert sample.sample.deterministic_order
    assert sample.sample.seed == 3
    with pytest.raises(SparkFlightError, match="split weights"):
        _connect(P.Sample(child=P.Range(end=10), split_weights=[-1.0, 2.0], seed=1))


def test_range_repartitioning_sorts_ascending_unless_told():
    by_range = P.Repartition(
        child=P.Range(end=10),
        num_partitions=2,
        expressions=[ColumnRef("id"), F.desc("id")._expr],
        by_range=True,
    )
    first, second = _connect(by_range).repartition_by_expression.partition_exprs
    assert first.sort_order.direction == ce.Expression.SortOrder.SORT_DIRECTION_ASCENDING
    assert first.sort_order.null_ordering == ce.Expression.SortOrder.SORT_NULLS_FIRST
    assert second.sort_order.direction == ce.Expression.SortOrder.SORT_DIRECTION_DESCENDING
    by_id = P.Repartition(
        child=P.Range(end=10), num_partitions=3, expressions=[ColumnRef("id")], by_id=True
    )
    (partition,) = _connect(by_id).repartition_by_expression.partition_exprs
    assert (
        partition.direct_shuffle_partition_id.child.unresolved_attribute.unparsed_identifier == "id"
    )


def test_sample_by_strata_and_pivot_values_are_literals_even_when_nested():
    sampled = _connect(
        P.SampleBy(child=P.Range(end=10), column=ColumnRef("id"), fractions=[(1, 0.5), (2, 1.0)])
    ).sample_by
    assert [f.stratum.integer for f in sampled.fractions] == [1, 2]
    values = [Literal([1, 2]), Literal(5)]
    pivoted = P.Aggregate(
        child=P.Range(end=10),
        group_type="pivot",
        grouping=[ColumnRef("id")],
        aggregates=[F.count("id")._expr],
        pivot_column=ColumnRef("id"),
        pivot_values=values,
    )
    first, second = _connect(pivoted).aggregate.pivot.values
    assert [e.integer for e in first.array.elements] == [1, 2]
    assert second.integer == 5


def test_a_star_of_a_dataframe_with_a_target_is_that_column_as_classic_names_it():
    source = P.Range(end=1)
    top = _connect(P.Project(child=source, expressions=[Star(target="s", plan_id=source.plan_id)]))
    (column,) = [
        e for e in top.project.expressions if e.WhichOneof("expr_type") != "unresolved_star"
    ]
    assert column.unresolved_attribute.unparsed_identifier == "s.*"
    assert column.unresolved_attribute.plan_id == source.plan_id


# ------------------------------------------------- ordinal references (other producers)


def _field(ordinal: int, steps_out: int = 0) -> algebra_pb2.Expression:
    e = algebra_pb2.Expression()
    e.selection.direct_reference.struct_field.field = ordinal
    if steps_out:
        e.selection.outer_reference.steps_out = steps_out
    else:
        e.selection.root_reference.SetInParent()
    return e


def _table(name: str, *columns: str) -> algebra_pb2.Rel:
    rel = algebra_pb2.Rel()
    rel.read.named_table.names.append(name)
    rel.read.base_schema.names.extend(columns)
    for _ in columns:
        rel.read.base_schema.struct.types.add().i64.SetInParent()
    return rel


def _standard_plan(
    rel: algebra_pb2.Rel, *names: str, functions: tuple[str, ...] = ()
) -> plan_pb2.Plan:
    plan = plan_pb2.Plan()
    plan.extension_urns.add(
        extension_urn_anchor=1, urn="extension:io.substrait:functions_comparison"
    )
    for anchor, function in enumerate(functions, start=1):
        plan.extensions.add().extension_function.CopyFrom(
            extensions_pb2.SimpleExtensionDeclaration.ExtensionFunction(
                extension_urn_reference=1, function_anchor=anchor, name=function
            )
        )
    root = plan.relations.add().root
    root.input.CopyFrom(rel)
    root.names.extend(names)
    return plan


def _call(anchor: int, *args: algebra_pb2.Expression) -> algebra_pb2.Expression:
    e = algebra_pb2.Expression()
    e.scalar_function.function_reference = anchor
    for a in args:
        e.scalar_function.arguments.add().value.CopyFrom(a)
    return e


def _attribute(e: ce.Expression) -> tuple[str, int | None]:
    a = e.unresolved_attribute
    return a.unparsed_identifier, a.plan_id if a.HasField("plan_id") else None


def test_a_self_join_references_each_side_by_the_plan_id_of_its_read():
    join = algebra_pb2.Rel()
    join.join.type = algebra_pb2.JoinRel.JOIN_TYPE_INNER
    join.join.left.CopyFrom(_table("t", "k", "v"))
    join.join.right.CopyFrom(_table("t", "k", "v"))
    join.join.expression.CopyFrom(_call(1, _field(0), _field(2)))
    join.join.common.emit.output_mapping.extend([3, 0])
    top = plan_relation(_standard_plan(join, "right_v", "left_k", functions=("equal:i64_i64",)))

    assert list(top.to_df.column_names) == ["right_v", "left_k"]
    emitted = top.to_df.input.project
    joined = emitted.input.join
    left_id, right_id = joined.left.common.plan_id, joined.right.common.plan_id
    assert left_id != right_id
    condition = joined.join_condition.unresolved_function
    assert [_attribute(a) for a in condition.arguments] == [("`k`", left_id), ("`k`", right_id)]
    assert [_attribute(e) for e in emitted.expressions] == [("`v`", right_id), ("`k`", left_id)]


def test_a_computed_column_is_named_and_picked_by_the_projection_that_makes_it():
    """Where the root renames the output anyway (else it keeps the name Spark gives it)."""
    project = algebra_pb2.Rel()
    project.project.input.CopyFrom(_table("t", "k", "_c2"))
    project.project.expressions.extend([_call(1, _field(0), _field(1)), _field(0)])
    kept = algebra_pb2.Rel()
    kept.filter.input.CopyFrom(project)
    kept.filter.condition.CopyFrom(_call(1, _field(2), _field(3)))
    names = ("k", "c", "sum", "k2")
    top = plan_relation(_standard_plan(kept, *names, functions=("equal:i64_i64",))).to_df.input

    made = top.filter.input
    star, computed, reference = made.project.expressions
    assert star.WhichOneof("expr_type") == "unresolved_star"
    assert list(computed.alias.name) == ["_c2_1"]  # not the input's _c2
    read_id = made.project.input.common.plan_id
    assert _attribute(reference) == ("`k`", read_id)
    condition = top.filter.condition.unresolved_function
    picked = [_attribute(a) for a in condition.arguments]
    assert picked == [("`_c2_1`", made.common.plan_id), ("`k`", read_id)]


def test_an_aggregate_keeps_its_keys_and_names_its_measures():
    aggregate = algebra_pb2.Rel()
    aggregate.aggregate.input.CopyFrom(_table("t", "k", "v"))
    aggregate.aggregate.grouping_expressions.append(_field(1))
    aggregate.aggregate.groupings.add().expression_references.append(0)
    measure = aggregate.aggregate.measures.add().measure
    measure.function_reference = 1
    measure.arguments.add().value.CopyFrom(_field(0))
    sort = algebra_pb2.Rel()
    sort.sort.input.CopyFrom(aggregate)
    sort.sort.sorts.add(expr=_field(1), direction=1)
    top = plan_relation(_standard_plan(sort, "v", "total", functions=("sum:i64",)))

    ordered = top.to_df.input.sort
    grouped = ordered.input.aggregate
    (total,) = grouped.aggregate_expressions
    assert list(total.alias.name) == ["_c1"]
    assert _attribute(grouped.grouping_expressions[0]) == ("`v`", grouped.input.common.plan_id)
    assert _attribute(ordered.order[0].child) == ("`_c1`", ordered.input.common.plan_id)


def test_a_reference_to_a_repeated_name_is_refused():
    project = algebra_pb2.Rel()
    project.project.input.CopyFrom(_table("t", "k", "k"))
    project.project.expressions.append(_field(1))
    with pytest.raises(SparkFlightError, match="repeats"):
        plan_relation(_standard_plan(project))


def test_an_outer_reference_qualifies_the_enclosing_input():
    inner = algebra_pb2.Rel()
    inner.filter.input.CopyFrom(_table("u", "k"))
    inner.filter.condition.CopyFrom(_call(1, _field(0), _field(1, steps_out=1)))
    outer = algebra_pb2.Rel()
    outer.filter.input.CopyFrom(_table("t", "k", "v"))
    outer.filter.condition.subquery.set_predicate.predicate_op = (
        algebra_pb2.Expression.Subquery.SetPredicate.PREDICATE_OP_EXISTS
    )
    outer.filter.condition.subquery.set_predicate.tuples.CopyFrom(inner)
    top = plan_relation(_standard_plan(outer, functions=("equal:i64_i64",)))

    with_relations = top.with_relations
    (subquery,) = with_relations.references
    found = with_relations.root.filter.condition.subquery_expression
    assert found.plan_id == subquery.common.plan_id
    assert found.subquery_type == ce.SubqueryExpression.SUBQUERY_TYPE_EXISTS
    qualifier = with_relations.root.filter.input.subquery_alias.alias
    inner_condition = subquery.filter.condition.unresolved_function
    assert _attribute(inner_condition.arguments[1]) == (f"`{qualifier}`.`v`", None)
    assert _attribute(inner_condition.arguments[0]) == ("`k`", subquery.filter.input.common.plan_id)


def test_a_lateral_join_is_sparks_lateral_join_and_its_outer_columns_stay_names():
    left = P.Range(end=3)
    right = P.Project(
        child=P.Range(end=2),
        expressions=[(F.col("id").outer() + F.col("id"))._expr],
    )
    top = _connect(P.Join(left=left, right=right, how="left", lateral=True))
    lateral = top.lateral_join
    assert lateral.join_type == cr.Join.JOIN_TYPE_LEFT_OUTER
    assert lateral.left.common.plan_id == left.plan_id
    (value,) = lateral.right.project.expressions
    outer, inner = value.unresolved_function.arguments
    assert _attribute(outer) == ("id", None) and _attribute(inner) == ("id", None)


def test_an_ordered_aggregate_is_sql_text_over_input_columns():
    aggregate = algebra_pb2.Rel()
    aggregate.aggregate.input.CopyFrom(_table("t", "k", "v"))
    measure = aggregate.aggregate.measures.add().measure
    measure.function_reference = 1
    measure.arguments.add().value.CopyFrom(_field(1))
    measure.arguments.add().value.literal.string = "it's"
    measure.sorts.add(expr=_field(0), direction=3)
    top = plan_relation(_standard_plan(aggregate, functions=("string_agg:str_str",)))
    (measure_value,) = top.aggregate.aggregate_expressions
    text = measure_value.expression_string.expression
    assert text == "`string_agg`(`v`, 'it\\'s') WITHIN GROUP (ORDER BY `k` DESC NULLS FIRST)"


def test_root_names_skip_the_names_of_nested_fields():
    read = _table("t", "k")
    struct = read.read.base_schema.struct.types.add().struct
    struct.types.add().string.SetInParent()
    read.read.base_schema.names.extend(["s", "inner"])
    top = plan_relation(_standard_plan(read, "key", "record", "field"))
    assert list(top.to_df.column_names) == ["key", "record"]
    with pytest.raises(SparkFlightError, match="RelRoot names"):
        plan_relation(_standard_plan(read, "key", "record", "field", "extra"))


def test_output_names_on_grouping_keys_name_them():
    aggregate = algebra_pb2.Rel()
    aggregate.aggregate.input.CopyFrom(_table("t", "k", "v"))
    aggregate.aggregate.grouping_expressions.append(_field(1))
    aggregate.aggregate.groupings.add().expression_references.append(0)
    aggregate.aggregate.common.hint.output_names.append("group")
    top = plan_relation(_standard_plan(aggregate))
    (key,) = top.deduplicate.input.project.expressions
    assert list(key.alias.name) == ["group"]


# ------------------------------------------- every Python function, never unpickled here


def _data_source_base(engine: Any) -> tuple[type, type]:
    if engine.name == "client":
        from sparkflight.client.datasource import DataSource, DataSourceReader
    else:
        from pyspark.sql.datasource import DataSource, DataSourceReader
    return DataSource, DataSourceReader


def _processor_base(engine: Any) -> type:
    if engine.name == "client":
        from sparkflight.client.streaming import StatefulProcessor
    else:
        from pyspark.sql.streaming import StatefulProcessor
    return StatefulProcessor


def _sorted(df: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in df.collect())


def _grouped_aggregate(engine: Any, marker: _Marker) -> Any:
    @engine.F.pandas_udf("double")
    def mean(v: pd.Series) -> float:
        assert marker is not None
        return float(v.mean())

    df = engine.spark.range(6).selectExpr("id % 2 as k", "cast(id as double) as v")
    return _sorted(df.groupBy("k").agg(mean("v").alias("m")))


def _map_in_pandas(engine: Any, marker: _Marker) -> Any:
    def double(frames: Any) -> Any:
        assert marker is not None
        for frame in frames:
            yield frame.assign(id=frame.id * 2)

    return _sorted(engine.spark.range(4).mapInPandas(double, "id long"))


def _map_in_arrow(engine: Any, marker: _Marker) -> Any:
    def keep(batches: Any) -> Any:
        assert marker is not None
        yield from batches

    return _sorted(engine.spark.range(4).mapInArrow(keep, "id long"))


def _apply_in_pandas(engine: Any, marker: _Marker) -> Any:
    def total(frame: Any) -> Any:
        assert marker is not None
        return frame.groupby("k", as_index=False).v.sum()

    df = engine.spark.range(6).selectExpr("id % 3 as k", "id as v")
    return _sorted(df.groupBy("k").applyInPandas(total, "k long, v long"))


def _apply_in_arrow(engine: Any, marker: _Marker) -> Any:
    def first(table: Any) -> Any:
        assert marker is not None
        return table.slice(0, 1)

    df = engine.spark.range(6).selectExpr("id % 3 as k", "id as v")
    return _sorted(df.groupBy("k").applyInArrow(first, "k long, v long"))


def _cogroup(engine: Any, marker: _Marker) -> Any:
    def merged(left: Any, right: Any) -> Any:
        assert marker is not None
        return pd.DataFrame({"k": left.k[:1], "n": [len(left) + len(right)]})

    left = engine.spark.range(6).selectExpr("id % 2 as k")
    right = engine.spark.range(3).selectExpr("id % 2 as k")
    cogrouped = left.groupBy("k").cogroup(right.groupBy("k"))
    return _sorted(cogrouped.applyInPandas(merged, "k long, n long"))


def _udtf_class(engine: Any, marker: _Marker) -> type:
    class Repeat:
        def eval(self, n: int) -> Any:
            assert marker is not None
            for i in range(n):
                yield (i,)

    return engine.F.udtf(Repeat, returnType="i int")


def _udtf(engine: Any, marker: _Marker) -> Any:
    return _sorted(_udtf_class(engine, marker)(engine.F.lit(3)))


def _udtf_of_a_table(engine: Any, marker: _Marker) -> Any:
    @engine.F.udtf(returnType="id long")
    class Evens:
        def eval(self, row: Any) -> Any:
            assert marker is not None
            if row.id % 2 == 0:
                yield (row.id,)

    return _sorted(Evens(engine.spark.range(5).asTable()))


def _registered_udf(engine: Any, marker: _Marker) -> Any:
    def plus_one(x: int) -> int:
        assert marker is not None
        return x + 1

    engine.spark.udf.register("plus_one_marked", plus_one, "long")
    return _sorted(engine.spark.sql("select plus_one_marked(id) from range(3)"))


def _registered_udtf(engine: Any, marker: _Marker) -> Any:
    engine.spark.udtf.register("repeat_marked", _udtf_class(engine, marker))
    return _sorted(engine.spark.sql("select * from repeat_marked(2)"))


def _data_source(engine: Any, marker: _Marker) -> Any:
    base, reader_base = _data_source_base(engine)

    class Reader(reader_base):  # type: ignore[misc, valid-type]
        def read(self, partition: Any) -> Any:
            assert marker is not None
            yield (1, "a")
            yield (2, "b")

    class Source(base):  # type: ignore[misc, valid-type]
        @classmethod
        def name(cls) -> str:
            return "marked_source"

        def schema(self) -> str:
            return "n int, s string"

        def reader(self, schema: Any) -> Any:
            return Reader()

    engine.spark.dataSource.register(Source)
    return _sorted(engine.spark.read.format("marked_source").load())


def _foreach(engine: Any, marker: _Marker) -> Any:
    def seen(row: Any) -> None:
        assert marker is not None and row.id >= 0

    def seen_all(rows: Any) -> None:
        assert marker is not None and all(row.id >= 0 for row in rows)

    engine.spark.range(3).foreach(seen)
    engine.spark.range(3).foreachPartition(seen_all)
    return None


def _transform_with_state(engine: Any, marker: _Marker) -> Any:
    T, Row = engine.T, engine.Row

    class Counter(_processor_base(engine)):  # type: ignore[misc]
        def init(self, handle: Any) -> None:
            schema = T.StructType([T.StructField("c", T.LongType())])
            self.count = handle.getValueState("count", schema)

        def handleInputRows(self, key: Any, rows: Any, timerValues: Any) -> Any:
            assert marker is not None
            total = (self.count.get()[0] if self.count.exists() else 0) + len(list(rows))
            self.count.update((total,))
            yield Row(k=key[0], n=total)

    grouped = engine.spark.range(10).selectExpr("id % 3 as k", "id as v").groupBy("k")
    return _sorted(grouped.transformWithState(Counter(), "k long, n long", "Append", "None"))


_KINDS = {
    "grouped aggregate pandas_udf": _grouped_aggregate,
    "mapInPandas": _map_in_pandas,
    "mapInArrow": _map_in_arrow,
    "applyInPandas": _apply_in_pandas,
    "applyInArrow": _apply_in_arrow,
    "cogroup applyInPandas": _cogroup,
    "udtf": _udtf,
    "udtf of a table": _udtf_of_a_table,
    "registered udf": _registered_udf,
    "registered udtf": _registered_udtf,
    "python data source": _data_source,
    "foreach and foreachPartition": _foreach,
    "transformWithState": _transform_with_state,
}


@pytest.mark.parametrize("kind", list(_KINDS))
def test_every_python_function_is_unpickled_only_in_python_workers(
    spark: Any, classic: Any, tmp_path: Any, kind: str
) -> None:
    from tests.client.harness import engines_for
    from tests.conftest import server_pid

    engines = engines_for(spark, classic)
    if kind == "transformWithState":
        state_store = "spark.sql.streaming.stateStore.providerClass"
        rocksdb = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
        for session in (spark, classic):
            session.conf.set(state_store, rocksdb)
    marks = tmp_path / "unpickled-in"
    got = _KINDS[kind](engines.client, _Marker(str(marks)))
    pids = {int(line) for line in marks.read_text().split()}
    assert pids and server_pid() not in pids
    expected = _KINDS[kind](engines.classic, _Marker(str(tmp_path / "classic")))
    assert got == expected


def test_a_streaming_foreach_is_unpickled_only_in_python_workers(spark: Any, tmp_path: Any):
    from tests.conftest import server_pid

    marks = tmp_path / "unpickled-in"
    marker = _Marker(str(marks))
    rows = tmp_path / "rows"

    def write(row: Any) -> None:
        assert marker is not None
        with open(rows, "a") as out:
            out.write(f"{row.id}\n")

    source = tmp_path / "source"
    spark.range(4).write.parquet(str(source))
    stream = spark.readStream.schema("id long").parquet(str(source))
    query = stream.writeStream.foreach(write).trigger(availableNow=True).start()
    query.awaitTermination(60)
    assert sorted(int(line) for line in rows.read_text().split()) == [0, 1, 2, 3]
    pids = {int(line) for line in marks.read_text().split()}
    assert pids and server_pid() not in pids


def test_explaining_python_functions_never_unpickles_them(spark: Any, tmp_path: Any) -> None:
    """``explain`` plans the root over its analysed inputs: explaining never unpickles the
    Python functions, running the same DataFrames unpickles them in workers only."""
    from tests.client.harness import engines_for
    from tests.conftest import server_pid

    engine = engines_for(spark, None).client
    marks = tmp_path / "unpickled-in"
    marker = _Marker(str(marks))

    def double(frames: Any) -> Any:
        assert marker is not None
        for frame in frames:
            yield frame.assign(id=frame.id * 2)

    frames = [
        spark.range(4).mapInPandas(double, "id long"),
        spark.range(6)
        .selectExpr("id % 3 as k", "id as v")
        .groupBy("k")
        .applyInPandas(lambda frame: frame.head(1) if marker else frame, "k long, v long"),
        _udtf_class(engine, marker)(F.lit(2)),
        spark.range(3).select(F.udf(lambda x: x if marker else x, "long")("id")),
    ]
    for df in frames:
        df.explain()
    assert not marks.exists()
    for df in frames:
        df.collect()
    pids = {int(line) for line in marks.read_text().split()}
    assert pids and server_pid() not in pids


def test_relations_without_a_plan_id_never_share_one_across_plans():
    """Spark Connect's plan cache keys on plan ids: a catalog call given the same id twice
    would be answered from the cache instead of being run again."""
    detail = any_pb2.Any()
    detail.Pack(sf.CatalogRelation(current_database=sf.CatalogRelation.CurrentDatabase()))
    plan = plan_pb2.Plan()
    plan.relations.add().rel.extension_leaf.detail.CopyFrom(detail)
    first, second = plan_relation(plan), plan_relation(plan)
    assert first.common.plan_id != second.common.plan_id
