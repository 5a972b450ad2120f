"""Each relation and expression translator, run through DoGet and compared with PySpark."""

from __future__ import annotations

import datetime
import decimal
import math

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType
from substrait import algebra_pb2 as A
from substrait import type_pb2 as T

from sparkflight.flight_server.results import arrow_schema
from sparkflight.plans import sparkflight_pb2 as sf
from tests.flight_server.plan_builder import (
    Plans,
    client,
    details,
    enhanced,
    field,
    leaf,
    lit,
    lit_of,
    project,
    run,
    server,
    single,
    sql,
    table,
    with_plan_id,
)

__all__ = ["client", "server"]  # fixtures

Expression = A.Expression
PEOPLE = [
    (1, "ann", 34, "eng"),
    (2, "bob", None, "eng"),
    (3, "cid", 27, "ops"),
    (4, "dee", 45, "ops"),
    (5, "eve", 31, None),
]


@pytest.fixture(scope="module", autouse=True)
def people(classic: SparkSession, served_spark: SparkSession) -> DataFrame:
    """The ``people`` view, in the served session and in the reference ``classic``."""
    for session in (served_spark, classic):
        df = session.createDataFrame(PEOPLE, "id int not null, name string, age int, dept string")
        df.createOrReplaceTempView("people")
    return classic.table("people")


def expect(result: pa.Table, expected: DataFrame, ordered: bool = True) -> None:
    """The result equals ``expected``'s, schema (names, types, nullability) included."""
    assert result.schema == arrow_schema(expected)
    want = expected.toArrow().to_pylist()
    got = result.to_pylist()
    if ordered:
        assert got == want
    else:
        key = repr
        assert sorted(got, key=key) == sorted(want, key=key)


def rows_of(result: pa.Table) -> list[tuple]:
    """Rows as tuples (column names may repeat)."""
    return list(zip(*(c.to_pylist() for c in result.columns), strict=True))


# ------------------------------------------------------------------ reads


def test_named_table(client: fl.FlightClient, people: DataFrame) -> None:
    expect(run(client, Plans().plan(table("people"))), people)


def test_named_table_multi_part(client: fl.FlightClient, classic: SparkSession) -> None:
    rel = A.Rel(read=A.ReadRel(named_table=A.ReadRel.NamedTable(names=["default", "nope"])))
    with pytest.raises(pa.ArrowKeyError) as info:
        run(client, Plans().plan(rel))
    assert details(info.value).exception_class == "AnalysisException"
    assert "nope" in details(info.value).message


def test_virtual_table(client: fl.FlightClient, classic: SparkSession) -> None:
    schema = T.NamedStruct(
        names=["a", "b"],
        struct=T.Type.Struct(types=[T.Type(i32=T.Type.I32()), T.Type(string=T.Type.String())]),
    )
    rows = [
        Expression.Nested.Struct(fields=[lit(1), lit("x")]),
        Expression.Nested.Struct(fields=[lit(2), lit("y")]),
    ]
    read = A.ReadRel(base_schema=schema, virtual_table=A.ReadRel.VirtualTable(expressions=rows))
    result = run(client, Plans().plan(A.Rel(read=read)))
    assert result.column_names == ["a", "b"]
    assert result.to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]


def test_local_files(client: fl.FlightClient, classic: SparkSession, tmp_path) -> None:
    path = str(tmp_path / "people.parquet")
    classic.table("people").write.parquet(path)
    item = A.ReadRel.LocalFiles.FileOrFiles(
        uri_folder=path, parquet=A.ReadRel.LocalFiles.FileOrFiles.ParquetReadOptions()
    )
    read = A.ReadRel(local_files=A.ReadRel.LocalFiles(items=[item]))
    expect(run(client, Plans().plan(A.Rel(read=read))), classic.read.parquet(path), False)


def test_read_projection_and_filter(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    read = A.ReadRel(named_table=A.ReadRel.NamedTable(names=["people"]))
    read.filter.CopyFrom(p.std("functions_comparison", "gt", field(0), lit(2)))
    read.projection.select.struct_items.add(field=1)
    expect(run(client, p.plan(A.Rel(read=read))), people.filter("id > 2").select("name"))


# ---------------------------------------------------------- standard relations


def test_filter_and_standard_functions(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    condition = p.std(
        "functions_boolean",
        "and",
        p.std("functions_comparison", "gte:i32_i32", field(2), lit(30)),
        p.std("functions_comparison", "is_not_null", field(3)),
    )
    rel = A.Rel(filter=A.FilterRel(input=table("people"), condition=condition))
    expect(run(client, p.plan(rel)), people.filter("age >= 30 and dept is not null"))


def test_project_appends_and_emit_selects(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    rel = project(table("people"), p.spark("+", field(0), lit(1)), only=False)
    rel.project.common.emit.output_mapping.extend([4, 1])
    expect(run(client, p.plan(rel)), people.select(F.col("id") + 1, "name"))


def test_project_expressions_only_names_like_spark(
    client: fl.FlightClient, people: DataFrame
) -> None:
    p = Plans()
    rel = project(table("people"), p.spark("upper", field(1)), p.spark("+", field(0), lit(1)))
    expected = people.select(F.upper("name"), F.col("id") + 1)
    result = run(client, p.plan(rel))
    assert result.column_names == ["upper(name)", "(id + 1)"]
    expect(result, expected)


def test_output_names_hint_and_root_names(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    rel = project(table("people"), field(0), field(1))
    rel.project.common.hint.output_names.extend(["", "who"])
    assert run(client, p.plan(rel)).column_names == ["id", "who"]
    assert run(client, p.plan(rel, names=["x", "y"])).column_names == ["x", "y"]


def test_aggregate_grouping_and_measures(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    agg = A.AggregateRel(input=table("people"))
    agg.grouping_expressions.append(field(3))
    agg.groupings.add(expression_references=[0])
    std = "extension:io.substrait:functions_aggregate_generic"
    agg.measures.add(measure=p.aggregate(std, "count"))
    agg.measures.add(
        measure=p.aggregate("extension:io.substrait:functions_arithmetic", "sum", field(2))
    )
    agg.measures.add(measure=p.aggregate(std, "count", field(1), distinct=True))
    expected = people.groupBy("dept").agg(F.count(F.lit(1)), F.sum("age"), F.count_distinct("name"))
    result = run(client, p.plan(A.Rel(aggregate=agg)))
    assert result.column_names == ["dept", "count(1)", "sum(age)", "count(DISTINCT name)"]
    expect(result, expected, ordered=False)


def test_aggregate_measure_filter(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    agg = A.AggregateRel(input=table("people"))
    agg.groupings.add()
    std = "extension:io.substrait:functions_aggregate_generic"
    agg.measures.add(
        measure=p.aggregate(std, "count"),
        filter=p.std("functions_comparison", "gt", field(0), lit(2)),
    )
    assert run(client, p.plan(A.Rel(aggregate=agg))).column(0).to_pylist() == [3]


def test_aggregate_grouping_sets(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    agg = A.AggregateRel(input=table("people"))
    agg.grouping_expressions.extend([field(3)])
    agg.groupings.add(expression_references=[0])
    agg.groupings.add()
    agg.measures.add(
        measure=p.aggregate("extension:io.substrait:functions_arithmetic", "max", field(2))
    )
    rows = run(client, p.plan(A.Rel(aggregate=agg))).to_pylist()
    by_set = {(r["dept"], list(r.values())[2]): r["max(age)"] for r in rows}
    assert by_set == {("eng", 0): 34, ("ops", 0): 45, (None, 0): 31, (None, 1): 45}


def test_sort_and_fetch(client: fl.FlightClient, people: DataFrame) -> None:
    desc = A.SortField.SORT_DIRECTION_DESC_NULLS_LAST
    sort = A.Rel(
        sort=A.SortRel(input=table("people"), sorts=[A.SortField(expr=field(2), direction=desc)])
    )
    fetch = A.Rel(fetch=A.FetchRel(input=sort, offset_expr=lit_of(i64=1), count_expr=lit_of(i64=2)))
    expected = people.orderBy(F.col("age").desc_nulls_last()).offset(1).limit(2)
    expect(run(client, Plans().plan(fetch)), expected)


@pytest.mark.parametrize(
    ("join_type", "how"),
    [
        (A.JoinRel.JOIN_TYPE_INNER, "inner"),
        (A.JoinRel.JOIN_TYPE_OUTER, "full_outer"),
        (A.JoinRel.JOIN_TYPE_LEFT, "left"),
        (A.JoinRel.JOIN_TYPE_RIGHT, "right"),
        (A.JoinRel.JOIN_TYPE_LEFT_SEMI, "left_semi"),
        (A.JoinRel.JOIN_TYPE_LEFT_ANTI, "left_anti"),
    ],
)
def test_join_types(
    client: fl.FlightClient, classic: SparkSession, people: DataFrame, join_type: int, how: str
) -> None:
    p = Plans()
    depts = sql("select * from values ('eng', 'Engineering'), ('hr', 'People') as d(code, title)")
    condition = p.std("functions_comparison", "equal", field(3), field(4))
    rel = A.Rel(
        join=A.JoinRel(left=table("people"), right=depts, expression=condition, type=join_type)
    )
    d = classic.sql(
        "select * from values ('eng', 'Engineering'), ('hr', 'People') as d(code, title)"
    )
    expect(run(client, p.plan(rel)), people.join(d, people["dept"] == d["code"], how), False)


def test_self_join_by_ordinals(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    condition = p.std(
        "functions_comparison",
        "equal",
        field(0),
        p.std("functions_arithmetic", "add", field(4), lit(1)),
    )
    join = A.Rel(
        join=A.JoinRel(
            left=table("people"),
            right=table("people"),
            expression=condition,
            type=A.JoinRel.JOIN_TYPE_INNER,
        )
    )
    # Both sides have a column `name`: the ordinals pick the left one, then the right one.
    rel = project(join, field(1), field(5))
    assert sorted(rows_of(run(client, p.plan(rel)))) == [
        ("bob", "ann"),
        ("cid", "bob"),
        ("dee", "cid"),
        ("eve", "dee"),
    ]


def test_join_using_columns_and_plan_ids(client: fl.FlightClient, classic: SparkSession) -> None:
    p = Plans()
    left = with_plan_id(sql("select 1 k, 'a' v union all select 2, 'b'"), 10)
    right = with_plan_id(sql("select 1 k, 'x' v"), 11)
    using = enhanced(
        A.Rel(join=A.JoinRel(left=left, right=right, type=A.JoinRel.JOIN_TYPE_LEFT)),
        sf.JoinUsingColumns(column_names=["k"]),
    )
    rel = project(using, p.col("k"), p.col("v", 10), p.col("v", 11))
    assert rows_of(run(client, p.plan(rel))) == [(1, "a", "x"), (2, "b", None)]


def test_join_using_columns_then_ordinals(client: fl.FlightClient) -> None:
    """Columns of a join on named columns (whose keys Spark merges) by ordinal, in its
    post-join filter and above it: Spark's analysis of the join says them."""
    p = Plans()
    left = sql("select 1 k, 'a' v union all select 2, 'b' union all select 3, 'c'")
    right = sql("select 1 k, 'x' w union all select 3, 'z'")
    join = A.JoinRel(left=left, right=right, type=A.JoinRel.JOIN_TYPE_INNER)
    join.post_join_filter.CopyFrom(p.std("functions_comparison", "gt", field(0), lit(1)))
    using = enhanced(A.Rel(join=join), sf.JoinUsingColumns(column_names=["k"]))
    rel = project(using, field(2), field(1))
    assert rows_of(run(client, p.plan(rel))) == [("z", "c")]


def test_cross(client: fl.FlightClient, people: DataFrame) -> None:
    rel = A.Rel(cross=A.CrossRel(left=table("people"), right=sql("select 1 one")))
    expect(
        run(client, Plans().plan(rel)), people.crossJoin(people.sparkSession.sql("select 1 one"))
    )


@pytest.mark.parametrize(
    ("op", "combine"),
    [
        (A.SetRel.SET_OP_UNION_ALL, DataFrame.union),
        (A.SetRel.SET_OP_UNION_DISTINCT, lambda a, b: a.union(b).distinct()),
        (A.SetRel.SET_OP_MINUS_PRIMARY, DataFrame.subtract),
        (A.SetRel.SET_OP_MINUS_PRIMARY_ALL, DataFrame.exceptAll),
        (A.SetRel.SET_OP_INTERSECTION_MULTISET, DataFrame.intersect),
        (A.SetRel.SET_OP_INTERSECTION_MULTISET_ALL, DataFrame.intersectAll),
    ],
)
def test_set_operations(client: fl.FlightClient, classic: SparkSession, op: int, combine) -> None:
    a, b = "select explode(array(1, 1, 2, 3)) x", "select explode(array(1, 3, 4)) x"
    rel = A.Rel(set=A.SetRel(inputs=[sql(a), sql(b)], op=op))
    expect(run(client, Plans().plan(rel)), combine(classic.sql(a), classic.sql(b)), False)


def test_union_by_name(client: fl.FlightClient, classic: SparkSession) -> None:
    a, b = "select 1 x, 2 y", "select 3 y"
    rel = enhanced(
        A.Rel(set=A.SetRel(inputs=[sql(a), sql(b)], op=A.SetRel.SET_OP_UNION_ALL)),
        sf.UnionByName(allow_missing_columns=True),
    )
    expected = classic.sql(a).unionByName(classic.sql(b), allowMissingColumns=True)
    expect(run(client, Plans().plan(rel)), expected)


# ------------------------------------------------------- extension relations


def test_sql_with_arguments(client: fl.FlightClient) -> None:
    named = leaf(sf.SqlRelation(query="select :x + 1 as y", named_arguments={"x": lit(41)}))
    assert run(client, Plans().plan(named)).to_pylist() == [{"y": 42}]
    positional = leaf(sf.SqlRelation(query="select ? || 'b' as s", positional_arguments=[lit("a")]))
    assert run(client, Plans().plan(positional)).to_pylist() == [{"s": "ab"}]


def test_range(client: fl.FlightClient, classic: SparkSession) -> None:
    rel = leaf(sf.RangeRelation(start=5, end=50, step=5, num_partitions=3))
    expect(run(client, Plans().plan(rel)), classic.range(5, 50, 5, 3))


def test_local_relation_inline_with_spark_schema(client: fl.FlightClient) -> None:
    data = pa.table({"a": [1, 2], "b": ["x", None]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    schema = StructType(
        [StructField("n", IntegerType(), False), StructField("s", StringType())]
    ).json()
    rel = leaf(sf.LocalRelation(arrow_ipc=sink.getvalue().to_pybytes(), schema_json=schema))
    result = run(client, Plans().plan(rel))
    assert result.schema == pa.schema(
        [pa.field("n", pa.int32(), False), pa.field("s", pa.string())]
    )
    assert result.to_pylist() == [{"n": 1, "s": "x"}, {"n": 2, "s": None}]


def test_data_source(client: fl.FlightClient, classic: SparkSession, tmp_path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    rel = leaf(
        sf.DataSourceRelation(
            format="csv", paths=[str(path)], options={"header": "true"}, schema="a INT, b STRING"
        )
    )
    expected = (
        classic.read.format("csv").options(header="true").schema("a INT, b STRING").load(str(path))
    )
    expect(run(client, Plans().plan(rel)), expected)


def test_single_extensions(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    rel = single(sf.SubqueryAliasRelation(alias="p"), table("people"))
    rel = single(
        sf.WithColumnsRelation(
            names=["older", "name"],
            expressions=[p.spark("+", p.col("p.age"), lit(1)), p.spark("upper", p.col("name"))],
        ),
        rel,
    )
    rel = single(sf.RenameRelation(renames={"older": "next_age"}, order=["older"]), rel)
    rel = single(sf.DropRelation(column_names=["dept"], columns=[p.col("age")]), rel)
    rel = single(sf.ToDFRelation(names=["i", "n", "a"]), rel)
    expected = (
        people.alias("p")
        .withColumns({"older": F.col("p.age") + 1, "name": F.upper("name")})
        .withColumnsRenamed({"older": "next_age"})
        .drop(F.col("age"))
        .drop("dept")
        .toDF("i", "n", "a")
    )
    expect(run(client, p.plan(rel)), expected)


def test_deduplicate_sample_repartition_hint(
    client: fl.FlightClient, classic: SparkSession
) -> None:
    base = "select id % 3 k, id from range(100)"
    dedup = single(sf.DeduplicateRelation(column_names=["k"]), sql(base))
    assert sorted(r["k"] for r in run(client, Plans().plan(dedup)).to_pylist()) == [0, 1, 2]
    distinct = single(
        sf.DeduplicateRelation(all_columns=True), sql("select id % 3 k from range(9)")
    )
    assert run(client, Plans().plan(distinct)).num_rows == 3
    sample = single(sf.SampleRelation(upper_bound=0.5, seed=7), sql(base))
    expected = classic.sql(base).sample(False, 0.5, 7)
    expect(run(client, Plans().plan(sample)), expected, ordered=False)
    for m in (
        sf.RepartitionRelation(num_partitions=3, shuffle=True),
        sf.RepartitionRelation(num_partitions=1),
        sf.RepartitionRelation(num_partitions=2, partition_expressions=[field(0)], by_range=True),
    ):
        assert run(client, Plans().plan(single(m, sql(base)))).num_rows == 100
    hinted = single(sf.HintRelation(name="broadcast"), sql(base))
    assert run(client, Plans().plan(hinted)).num_rows == 100


def test_aggregate_relation(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    total = p.spark("+", p.spark("sum", p.col("age")), lit(1))
    for group_type, expected in [
        (sf.AggregateRelation.GROUP_TYPE_GROUPBY, people.groupBy("dept")),
        (sf.AggregateRelation.GROUP_TYPE_ROLLUP, people.rollup("dept")),
        (sf.AggregateRelation.GROUP_TYPE_CUBE, people.cube("dept")),
    ]:
        m = sf.AggregateRelation(
            group_type=group_type,
            grouping_expressions=[p.col("dept")],
            aggregate_expressions=[total],
        )
        result = run(client, p.plan(single(m, table("people"))))
        expect(result, expected.agg(F.sum("age") + 1), ordered=False)
    sets = sf.AggregateRelation(
        group_type=sf.AggregateRelation.GROUP_TYPE_GROUPING_SETS,
        grouping_expressions=[p.col("dept"), p.col("name")],
        aggregate_expressions=[p.spark("count", lit(1))],
        grouping_sets=[
            sf.AggregateRelation.GroupingSet(indexes=[0]),
            sf.AggregateRelation.GroupingSet(),
        ],
    )
    expected = people.groupingSets([["dept"], []], "dept", "name").agg(F.count(F.lit(1)))
    expect(run(client, p.plan(single(sets, table("people")))), expected, ordered=False)
    pivot = sf.AggregateRelation(
        group_type=sf.AggregateRelation.GROUP_TYPE_PIVOT,
        grouping_expressions=[p.col("dept")],
        aggregate_expressions=[p.spark("max", p.col("age"))],
        pivot_column=p.col("name"),
        pivot_values=[lit("ann"), lit("dee")],
    )
    expected = people.groupBy("dept").pivot("name", ["ann", "dee"]).agg(F.max("age"))
    expect(run(client, p.plan(single(pivot, table("people")))), expected, ordered=False)


def test_show_string(client: fl.FlightClient, people: DataFrame) -> None:
    rel = single(sf.ShowStringRelation(num_rows=2, truncate=20), table("people"))
    result = run(client, Plans().plan(rel))
    assert result.column_names == ["show_string"]
    assert result.column(0).to_pylist() == [people._jdf.showString(2, 20, False)]


# ---------------------------------------------------------------- expressions


LITERALS = [
    (lit_of(i8=-5), "TINYINT", -5),
    (lit_of(i16=300), "SMALLINT", 300),
    (lit_of(i32=7), "INT", 7),
    (lit_of(i64=5), "BIGINT", 5),
    (lit_of(fp32=1.5), "FLOAT", 1.5),
    (lit_of(fp64=2.25), "DOUBLE", 2.25),
    (lit_of(boolean=True), "BOOLEAN", True),
    (lit_of(string="hé"), "STRING", "hé"),
    (lit_of(binary=b"\x00\x01"), "BINARY", b"\x00\x01"),
    (lit_of(date=19000), "DATE", datetime.date(2022, 1, 8)),
    (
        lit_of(precision_timestamp=Expression.Literal.PrecisionTimestamp(precision=6, value=1)),
        "TIMESTAMP_NTZ",
        datetime.datetime(1970, 1, 1, 0, 0, 0, 1),
    ),
    (
        lit_of(
            precision_timestamp_tz=Expression.Literal.PrecisionTimestamp(precision=3, value=1500)
        ),
        "TIMESTAMP",
        datetime.datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=datetime.UTC),
    ),
    (
        lit_of(
            decimal=Expression.Literal.Decimal(
                value=(-12345).to_bytes(16, "little", signed=True), precision=10, scale=2
            )
        ),
        "DECIMAL(10,2)",
        decimal.Decimal("-123.45"),
    ),
    (
        lit_of(
            interval_day_to_second=Expression.Literal.IntervalDayToSecond(
                days=1, seconds=2, precision=6, subseconds=3
            )
        ),
        "INTERVAL DAY TO SECOND",
        datetime.timedelta(days=1, seconds=2, microseconds=3),
    ),
    (
        lit_of(interval_day_to_second=Expression.Literal.IntervalDayToSecond(days=3)),
        "INTERVAL DAY",
        datetime.timedelta(days=3),
    ),
    (
        lit_of(
            interval_compound=Expression.Literal.IntervalCompound(
                interval_day_to_second=Expression.Literal.IntervalDayToSecond(days=1, seconds=5)
            )
        ),
        "INTERVAL DAY TO SECOND",
        datetime.timedelta(days=1, seconds=5),
    ),
    (lit_of(null=T.Type(i64=T.Type.I64())), "BIGINT", None),
    (lit(None), "VOID", None),
    (
        lit_of(list=Expression.Literal.List(values=[lit(1).literal, lit(2).literal])),
        "ARRAY<INT>",
        [1, 2],
    ),
    (
        lit_of(
            map=Expression.Literal.Map(
                key_values=[
                    Expression.Literal.Map.KeyValue(key=lit("k").literal, value=lit(1).literal)
                ]
            )
        ),
        "MAP<STRING,INT>",
        [("k", 1)],
    ),
]


@pytest.mark.parametrize(("literal", "type_name", "value"), LITERALS)
def test_literals(
    client: fl.FlightClient, literal: Expression, type_name: str, value: object
) -> None:
    p = Plans()
    rel = project(sql("select 1"), p.alias(literal, "v"), p.spark("typeof", literal))
    row = run(client, p.plan(rel)).to_pylist()[0]
    assert row["v"] == value
    assert list(row.values())[1].upper() == type_name


def test_literal_names_are_sparks(client: fl.FlightClient) -> None:
    rel = project(sql("select 1"), lit_of(i64=5), lit_of(i8=3), lit("x"))
    assert run(client, Plans().plan(rel)).column_names == ["5", "3", "x"]


def test_functions_by_spark_name_and_distinct(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    distinct = A.FunctionOption(name="distinct", preference=["true"])
    rel = project(
        table("people"),
        p.spark("count", p.col("dept"), options=[distinct]),
        p.spark("max", p.col("age")),
    )
    result = run(client, p.plan(rel))
    expect(result, people.select(F.count_distinct("dept"), F.max("age")))


def test_standard_special_functions(client: fl.FlightClient, classic: SparkSession) -> None:
    p = Plans()
    integer = T.Type(i64=T.Type.I64())
    extract = p.std("functions_datetime", "extract", lit_of(date=19000))
    extract.scalar_function.arguments.insert(0, A.FunctionArgument(enum="YEAR"))
    rel = project(
        sql("select 7L a, 2L b"),
        p.alias(
            p.std("functions_arithmetic", "divide", field(0), field(1), output_type=integer), "idiv"
        ),
        p.alias(p.std("functions_arithmetic", "divide", field(0), field(1)), "fdiv"),
        p.alias(p.std("functions_comparison", "not_equal", field(0), field(1)), "ne"),
        p.alias(extract, "year"),
        p.alias(p.std("functions_string", "substring", lit("spark"), lit(2), lit(3)), "sub"),
    )
    assert run(client, p.plan(rel)).to_pylist() == [
        {"idiv": 3, "fdiv": 3.5, "ne": True, "year": 2022, "sub": "par"}
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ceil", [3.0, -2.0, 1e20, -math.inf]), ("floor", [2.0, -3.0, 1e20, -math.inf])],
)
def test_ceil_and_floor_of_a_double_are_doubles(
    client: fl.FlightClient, name: str, expected: list[float]
) -> None:
    """Not Spark's BIGINT, which makes NaN 0 and clamps infinities and large values."""
    p = Plans()
    fp64 = T.Type(fp64=T.Type.FP64())
    values = "2.5d, -2.5d, 1e20d, double('-Infinity'), double('NaN')"
    rel = project(
        sql(f"select explode(array({values})) as x"),
        p.alias(p.std("functions_rounding", name, field(0), output_type=fp64), "r"),
    )
    result = run(client, p.plan(rel))
    assert result.schema.field("r").type == pa.float64()
    rounded = result.column("r").to_pylist()
    assert rounded[:4] == expected and math.isnan(rounded[4])


def test_pseudo_functions(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    rel = project(
        with_plan_id(table("people"), 1),
        p.expr("star"),
        p.alias(p.expr("sql_expression", lit("age * 2")), "twice"),
        p.expr("cast", p.col("id"), lit("string")),
        p.expr("try_cast", p.col("name"), lit("int")),
        p.expr("extract_value", p.spark("array", p.col("id", 1)), lit(0)),
    )
    expected = people.select(
        "*",
        F.expr("age * 2").alias("twice"),
        F.col("id").cast("string"),
        F.col("name").try_cast("int"),
        F.array(people["id"])[0],
    )
    expect(run(client, p.plan(rel)), expected)


def test_conditionals_and_cast(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    if_then = Expression(
        if_then=Expression.IfThen(
            ifs=[
                Expression.IfThen.IfClause(
                    **{"if": p.spark(">", field(2), lit(30)), "then": lit("old")}
                )
            ],
            **{"else": lit("young")},
        )
    )
    switch = Expression(
        switch_expression=Expression.SwitchExpression(
            match=field(3),
            ifs=[
                Expression.SwitchExpression.IfValue(
                    **{"if": Expression.Literal(string="eng"), "then": lit(1)}
                )
            ],
            **{"else": lit(0)},
        )
    )
    in_list = Expression(
        singular_or_list=Expression.SingularOrList(value=field(0), options=[lit(1), lit(3)])
    )
    cast = Expression(cast=Expression.Cast(type=T.Type(string=T.Type.String()), input=field(0)))
    try_cast = Expression(
        cast=Expression.Cast(
            type=T.Type(i32=T.Type.I32()),
            input=field(1),
            failure_behavior=Expression.Cast.FAILURE_BEHAVIOR_RETURN_NULL,
        )
    )
    rel = project(
        table("people"),
        p.alias(if_then, "a"),
        p.alias(switch, "b"),
        p.alias(in_list, "c"),
        p.alias(cast, "d"),
        p.alias(try_cast, "e"),
    )
    expected = people.select(
        F.when(F.col("age") > 30, "old").otherwise("young").alias("a"),
        F.when(F.col("dept") == "eng", 1).otherwise(0).alias("b"),
        F.col("id").isin(1, 3).alias("c"),
        F.col("id").cast("string").alias("d"),
        F.col("name").try_cast("int").alias("e"),
    )
    expect(run(client, p.plan(rel)), expected)


def test_if_then_clause_without_result_is_invalid(client: fl.FlightClient) -> None:
    p = Plans()
    if_then = Expression(
        if_then=Expression.IfThen(
            ifs=[Expression.IfThen.IfClause(**{"if": p.spark(">", field(2), lit(30))})]
        )
    )
    with pytest.raises(pa.ArrowInvalid) as info:
        run(client, p.plan(project(table("people"), if_then)))
    assert details(info.value).error_class == "INVALID_PLAN"
    assert "IfThen clause 0 lacks its condition or its result" in details(info.value).message


def test_window_functions(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    asc = A.SortField.SORT_DIRECTION_ASC_NULLS_FIRST
    rank = Expression(
        window_function=Expression.WindowFunction(
            function_reference=p.anchors.anchor(
                "extension:io.substrait:functions_arithmetic", "rank"
            ),
            partitions=[field(3)],
            sorts=[A.SortField(expr=field(0), direction=asc)],
        )
    )
    bound = Expression.WindowFunction.Bound
    running = Expression(
        window_function=Expression.WindowFunction(
            function_reference=p.anchors.anchor(
                "extension:io.substrait:functions_arithmetic", "sum"
            ),
            arguments=[A.FunctionArgument(value=field(0))],
            sorts=[A.SortField(expr=field(0), direction=asc)],
            bounds_type=Expression.WindowFunction.BOUNDS_TYPE_ROWS,
            lower_bound=bound(preceding=bound.Preceding(offset=1)),
            upper_bound=bound(current_row=bound.CurrentRow()),
        )
    )
    rel = project(table("people"), field(0), p.alias(rank, "r"), p.alias(running, "s"))
    by_dept = Window.partitionBy("dept").orderBy(F.col("id").asc_nulls_first())
    rows = Window.orderBy(F.col("id").asc_nulls_first()).rowsBetween(-1, 0)
    expected = people.select(
        "id", F.rank().over(by_dept).alias("r"), F.sum("id").over(rows).alias("s")
    )
    expect(run(client, p.plan(rel)), expected.orderBy("id"), ordered=False)


def test_subqueries(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    scalar = Expression(
        subquery=Expression.Subquery(
            scalar=Expression.Subquery.Scalar(input=sql("select max(id) from people"))
        )
    )
    correlated = A.Rel(
        filter=A.FilterRel(
            input=sql("select id from range(10)"),
            condition=p.std("functions_comparison", "equal", field(0), field(0, steps_out=1)),
        )
    )
    exists = Expression(
        subquery=Expression.Subquery(
            set_predicate=Expression.Subquery.SetPredicate(
                predicate_op=Expression.Subquery.SetPredicate.PREDICATE_OP_EXISTS, tuples=correlated
            )
        )
    )
    in_sub = Expression(
        subquery=Expression.Subquery(
            in_predicate=Expression.Subquery.InPredicate(
                needles=[field(0)], haystack=sql("select 2 union select 4")
            )
        )
    )
    rel = project(
        table("people"), field(0), p.alias(scalar, "m"), p.alias(exists, "e"), p.alias(in_sub, "i")
    )
    rows = run(client, p.plan(rel)).to_pylist()
    assert rows == [{"id": i, "m": 5, "e": True, "i": i in (2, 4)} for i in range(1, 6)]


def test_nested_field_reference(client: fl.FlightClient) -> None:
    ref = field(0)
    ref.selection.direct_reference.struct_field.child.struct_field.field = 1
    rel = project(sql("select named_struct('a', 1, 'b', 'x') s"), ref)
    assert run(client, Plans().plan(rel)).column(0).to_pylist() == ["x"]


def test_like_with_null_escape(client: fl.FlightClient, people: DataFrame) -> None:
    p = Plans()
    like = p.std("functions_string", "like", field(1), lit("%e%"), lit(None))
    rel = A.Rel(filter=A.FilterRel(input=table("people"), condition=like))
    expect(run(client, p.plan(rel)), people.filter(F.col("name").like("%e%")))
