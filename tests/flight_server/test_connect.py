"""sparkflight.flight_server.connect: Substrait plans as Spark Connect relations (pure Python,
no JVM), and deep plans planned by Spark's Spark Connect planner on the real server."""

from __future__ import annotations

import os
import pickle

import pytest
from google.protobuf import any_pb2
from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr
from substrait import algebra_pb2, plan_pb2

from sparkflight.client import functions as F
from sparkflight.client import plan as P
from sparkflight.client.expressions import (
    SUBTREE_DEPTH,
    Call,
    ColumnRef,
    Literal,
    Star,
    Subquery,
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


def test_a_chain_of_steps_keeps_every_plan_id_and_names_unresolved():
    source = P.Range(start=0, end=10)
    doubled = P.WithColumns(
        child=source,
        names=["twice"],
        expressions=[Call("*", (ColumnRef("id", source.plan_id), Literal(2)))],
    )
    kept = P.Filter(child=doubled, condition=Call(">", (ColumnRef("twice"), Literal(4))))
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
    source = P.Range(start=0, end=10)
    doubled = P.WithColumns(
        child=source,
        names=["twice"],
        expressions=[Call("*", (ColumnRef("id", source.plan_id), Literal(2)))],
    )
    kept = P.Filter(child=doubled, condition=Call(">", (ColumnRef("twice"), Literal(4))))
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


@pytest.mark.parametrize(
    "relation",
    [
        pytest.param(
            P.Project(
                child=P.Range(end=1),
                expressions=[Subquery("scalar", P.Range(end=1))],
            ),
            id="subquery",
        ),
    ],
)
def test_forms_not_translated_yet_say_so(relation: P.Relation):
    with pytest.raises(NotTranslatable):
        _connect(relation)


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
    }


def test_the_clients_common_programs_are_planned_in_one_call(spark):
    """Each program goes through the Spark Connect translation, none step by step (UDFs,
    which need the session, are shown to by the test of where they are unpickled)."""
    for name, df in _programs(spark).items():
        parsed = plan_pb2.Plan()
        parsed.ParseFromString(df._plan())
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
