"""sparkflight.flight_server.connect: Substrait plans as Spark Connect relations (pure Python,
no JVM), and deep plans planned by Spark's Spark Connect planner on the real server."""

from __future__ import annotations

import os
import pickle
from typing import Any

import pandas as pd
import pytest
from pyspark.sql import types as T
from pyspark.sql.connect.proto import expressions_pb2 as ce
from pyspark.sql.connect.proto import relations_pb2 as cr
from substrait import plan_pb2

from sparkflight.client import functions as F
from sparkflight.client import plan as P
from sparkflight.client.expressions import SUBTREE_DEPTH, Call, ColumnRef, Literal, Subquery
from sparkflight.client.pickling import pickled
from sparkflight.flight_server.connect import NotTranslatable
from sparkflight.flight_server.connect.python import udf_command
from sparkflight.flight_server.connect.relations import plan_relation, sql_relations
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
        pytest.param(P.DataSource(format="parquet", paths=["/tmp/x"]), id="file source"),
    ],
)
def test_forms_not_translated_yet_say_so(relation: P.Relation):
    with pytest.raises(NotTranslatable):
        _connect(relation)


def test_sql_text_is_found_anywhere_in_a_plan():
    sql = P.Sql(query="SELECT 1 AS id")
    plan = inlined(P.to_plan(P.Filter(child=sql, condition=Literal(True))))
    (found,) = sql_relations(plan.relations[0].root.input)
    assert found.extension_leaf.detail.TypeName() == "sparkflight.v1.SqlRelation"
    plain = inlined(P.to_plan(P.Filter(child=P.Range(end=1), condition=Literal(True))))
    assert sql_relations(plain.relations[0].root.input) == []


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


def test_python_functions_built_step_by_step_are_unpickled_only_in_python_workers(
    spark: Any, tmp_path: Any
) -> None:
    """``explain`` builds its plan step by step through PySpark's API; the Python functions
    on that path are Spark's JVM functions around the client's pickle too: explaining
    never unpickles them, running the same DataFrames unpickles them in workers only."""
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
