"""How the client encodes DataFrames and Columns as Substrait plans (no server)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from substrait import algebra_pb2, plan_pb2

from sparkflight.client import Column, DataFrame, PySparkNotImplementedError, Window
from sparkflight.client import functions as F
from sparkflight.client.errors import AnalysisException, ParseException, from_error_details
from sparkflight.client.expressions import PlanContext
from sparkflight.client.session import SparkSession
from sparkflight.client.types import IntegerType, StringType, StructField, StructType
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.extensions import EXPRESSIONS_URN, SPARK_FUNCTIONS_URN, read_declarations
from sparkflight.plans.protocol import PROTOCOL_VERSION

Expression = algebra_pb2.Expression


class _NoServer:
    """A connection that fails the test if anything reaches the server."""

    url = "grpc://nowhere"

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the plan builder called the server ({name})")


@pytest.fixture
def spark() -> SparkSession:
    info = sf.SessionInfo(session_id="s", protocol_version=PROTOCOL_VERSION)
    return SparkSession(_NoServer(), info, owner=False)  # type: ignore[arg-type]


def _plan(df: DataFrame) -> plan_pb2.Plan:
    plan = plan_pb2.Plan()
    plan.ParseFromString(df._plan_bytes())
    return plan


def _root(df: DataFrame) -> algebra_pb2.Rel:
    plan = _plan(df)
    assert len(plan.relations) == 1
    assert list(plan.relations[0].root.names) == []
    return plan.relations[0].root.input


def _detail(rel: algebra_pb2.Rel, message: Any) -> Any:
    kind = rel.WhichOneof("rel_type")
    assert kind in ("extension_leaf", "extension_single", "extension_multi")
    assert getattr(rel, kind).detail.Unpack(message)
    return message


def _functions(df: DataFrame) -> dict[int, tuple[str, str]]:
    return {a: (f.urn, f.name) for a, f in read_declarations(_plan(df)).items()}


def _call(expr: Expression, functions: dict[int, tuple[str, str]]) -> Any:
    """An expression as nested tuples: (function name, *arguments) or a literal value."""
    kind = expr.WhichOneof("rex_type")
    if kind == "literal":
        literal = expr.literal
        return getattr(literal, literal.WhichOneof("literal_type"))
    if kind == "scalar_function":
        name = functions[expr.scalar_function.function_reference][1]
        return (name, *(_call(a.value, functions) for a in expr.scalar_function.arguments))
    return kind


def _plan_id(rel: algebra_pb2.Rel) -> int:
    common = getattr(rel, rel.WhichOneof("rel_type")).common
    plan_id = sf.PlanId()
    assert common.advanced_extension.optimization[0].Unpack(plan_id)
    return plan_id.id


def test_range_is_a_leaf_extension_with_the_dataframe_plan_id(spark: SparkSession) -> None:
    df = spark.range(2, 10, 3, numPartitions=4)
    rel = _root(df)
    detail = _detail(rel, sf.RangeRelation())
    assert (detail.start, detail.end, detail.step, detail.num_partitions) == (2, 10, 3, 4)
    assert _plan_id(rel) == df._plan_id
    assert spark.range(5)._plan_id != df._plan_id


def test_select_is_a_project_of_the_expressions_only(spark: SparkSession) -> None:
    df = spark.range(3)
    out = df.select("id", (df["id"] + 1).alias("next"), F.upper(F.lit("a")))
    rel = _root(out)
    assert rel.project.advanced_extension.enhancement.Is(sf.ProjectExpressionsOnly.DESCRIPTOR)
    functions = _functions(out)
    exprs = [_call(e, functions) for e in rel.project.expressions]
    assert exprs == [
        ("column", "id"),
        ("alias", ("add", ("column", "id", df._plan_id), 1), "next"),
        ("upper", "a"),
    ]
    urns = {urn for urn, _ in functions.values()}
    assert EXPRESSIONS_URN in urns
    assert "extension:io.substrait:functions_arithmetic" in urns
    assert "extension:io.substrait:functions_string" in urns


def test_spark_functions_without_a_standard_twin_use_the_spark_urn(spark: SparkSession) -> None:
    df = spark.range(1).select(F.date_format(F.col("d"), "yyyy"), F.col("a") / 2)
    assert set(_functions(df).values()) >= {
        (SPARK_FUNCTIONS_URN, "date_format"),
        (SPARK_FUNCTIONS_URN, "/"),
    }


def test_column_operators_use_spark_names(spark: SparkSession) -> None:
    a, b = F.col("a"), F.col("b")
    df = spark.range(1).select(
        a != b,
        ~a,
        -a,
        a.isNull(),
        a.between(1, 3),
        a.eqNullSafe(b),
        a % 2,
        a.like("x%"),
        a.substr(1, 2),
    )
    functions = _functions(df)
    exprs = [_call(e, functions) for e in _root(df).project.expressions]
    assert exprs == [
        ("not", ("equal", ("column", "a"), ("column", "b"))),
        ("not", ("column", "a")),
        ("negate", ("column", "a")),
        ("is_null", ("column", "a")),
        ("and", ("gte", ("column", "a"), 1), ("lte", ("column", "a"), 3)),
        ("is_not_distinct_from", ("column", "a"), ("column", "b")),
        ("modulus", ("column", "a"), 2),
        ("like", ("column", "a"), "x%"),
        ("substr", ("column", "a"), 1, 2),
    ]


def test_filter_with_sql_text_and_column(spark: SparkSession) -> None:
    df = spark.range(3).filter("id > 1").where(F.col("id") < 3)
    rel = _root(df)
    functions = _functions(df)
    assert _call(rel.filter.condition, functions) == ("lt", ("column", "id"), 3)
    inner = rel.filter.input
    assert _call(inner.filter.condition, functions) == ("sql_expression", "id > 1")


def test_isin_when_and_cast(spark: SparkSession) -> None:
    df = spark.range(1).select(
        F.col("a").isin([1, 2]),
        F.when(F.col("a") > 1, "big").otherwise("small"),
        F.col("a").cast(IntegerType()),
        F.col("a").cast("int"),
        F.col("a").try_cast(StringType()),
        F.col("s").cast(StructType([StructField("x", IntegerType())])),
    )
    exprs = _root(df).project.expressions
    assert exprs[0].singular_or_list.options[1].literal.i32 == 2
    assert exprs[1].if_then.ifs[0].then.literal.string == "big"
    assert getattr(exprs[1].if_then, "else").literal.string == "small"
    assert exprs[2].cast.type.HasField("i32")
    functions = _functions(df)
    assert _call(exprs[3], functions) == ("cast", ("column", "a"), "int")
    assert exprs[4].cast.failure_behavior == Expression.Cast.FAILURE_BEHAVIOR_RETURN_NULL
    assert _call(exprs[5], functions) == ("cast", ("column", "s"), "struct<x:int>")


def test_star_and_extract_value(spark: SparkSession) -> None:
    df = spark.range(1)
    out = df.select("*", F.col("t.*"), df["*"], F.col("m")["k"], F.col("s").getField("f"))
    functions = _functions(out)
    exprs = [_call(e, functions) for e in _root(out).project.expressions]
    assert exprs == [
        ("star",),
        ("star", "t"),
        ("star", "", df._plan_id),
        ("extract_value", ("column", "m"), "k"),
        ("extract_value", ("column", "s"), "f"),
    ]


def test_group_by_agg_is_a_standard_aggregate(spark: SparkSession) -> None:
    df = (
        spark.range(5)
        .groupBy("id")
        .agg(F.count("*"), F.countDistinct("x").alias("n"), F.sum(F.col("x") + 1))
    )
    rel = _root(df)
    aggregate = rel.aggregate
    assert len(aggregate.grouping_expressions) == 1
    assert list(aggregate.groupings[0].expression_references) == [0]
    assert list(aggregate.common.hint.output_names) == ["", "", "n", ""]
    functions = _functions(df)
    names = [functions[m.measure.function_reference][1] for m in aggregate.measures]
    assert names == ["count", "count", "sum"]
    assert aggregate.measures[0].measure.arguments[0].value.literal.i32 == 1
    invocation = algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
    assert aggregate.measures[1].measure.invocation == invocation


def test_complex_aggregates_and_rollup_use_the_extension(spark: SparkSession) -> None:
    df = spark.range(5)
    complex_ = df.groupBy("id").agg((F.sum("x") + 1).alias("y"))
    detail = _detail(_root(complex_), sf.AggregateRelation())
    assert detail.group_type == sf.AggregateRelation.GROUP_TYPE_GROUPBY
    assert len(detail.aggregate_expressions) == 1
    rollup = df.rollup("a", "b").count()
    assert _detail(_root(rollup), sf.AggregateRelation()).group_type == (
        sf.AggregateRelation.GROUP_TYPE_ROLLUP
    )
    pivot = df.groupBy("a").pivot("b", [1, 2]).sum("c")
    detail = _detail(_root(pivot), sf.AggregateRelation())
    assert detail.group_type == sf.AggregateRelation.GROUP_TYPE_PIVOT
    assert [v.literal.i32 for v in detail.pivot_values] == [1, 2]


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("inner", algebra_pb2.JoinRel.JOIN_TYPE_INNER),
        ("full_outer", algebra_pb2.JoinRel.JOIN_TYPE_OUTER),
        ("fullouter", algebra_pb2.JoinRel.JOIN_TYPE_OUTER),
        ("leftouter", algebra_pb2.JoinRel.JOIN_TYPE_LEFT),
        ("right_outer", algebra_pb2.JoinRel.JOIN_TYPE_RIGHT),
        ("semi", algebra_pb2.JoinRel.JOIN_TYPE_LEFT_SEMI),
        ("left_anti", algebra_pb2.JoinRel.JOIN_TYPE_LEFT_ANTI),
    ],
)
def test_join_types(spark: SparkSession, how: str, expected: int) -> None:
    left, right = spark.range(3), spark.range(3)
    joined = left.join(right, left["id"] == right["id"], how)
    rel = _root(joined)
    assert rel.join.type == expected
    functions = _functions(joined)
    assert _call(rel.join.expression, functions) == (
        "equal",
        ("column", "id", left._plan_id),
        ("column", "id", right._plan_id),
    )
    assert _plan_id(rel.join.left) == left._plan_id
    assert _plan_id(rel.join.right) == right._plan_id


def test_join_using_columns_and_cross_join(spark: SparkSession) -> None:
    left, right = spark.range(3), spark.range(3)
    rel = _root(left.join(right, "id", "left"))
    using = sf.JoinUsingColumns()
    assert rel.join.advanced_extension.enhancement.Unpack(using)
    assert list(using.column_names) == ["id"]
    assert not rel.join.HasField("expression")
    assert _root(left.crossJoin(right)).HasField("cross")
    assert _root(left.join(right)).HasField("cross")


def test_sort_limit_offset(spark: SparkSession) -> None:
    df = spark.range(9).orderBy("id", F.col("x").desc_nulls_first(), ascending=[False, True])
    rel = _root(df.offset(2).limit(3))
    assert rel.fetch.count_expr.literal.i64 == 3
    inner = rel.fetch.input
    assert inner.fetch.offset_expr.literal.i64 == 2
    sorts = inner.fetch.input.sort.sorts
    direction = algebra_pb2.SortField.SortDirection
    assert [s.direction for s in sorts] == [
        direction.SORT_DIRECTION_DESC_NULLS_LAST,
        direction.SORT_DIRECTION_DESC_NULLS_FIRST,
    ]


def test_set_operations(spark: SparkSession) -> None:
    a, b = spark.range(3), spark.range(2)
    ops = algebra_pb2.SetRel
    assert _root(a.union(b)).set.op == ops.SET_OP_UNION_ALL
    assert _root(a.intersect(b)).set.op == ops.SET_OP_INTERSECTION_MULTISET
    assert _root(a.intersectAll(b)).set.op == ops.SET_OP_INTERSECTION_MULTISET_ALL
    assert _root(a.subtract(b)).set.op == ops.SET_OP_MINUS_PRIMARY
    assert _root(a.exceptAll(b)).set.op == ops.SET_OP_MINUS_PRIMARY_ALL
    by_name = _root(a.unionByName(b, allowMissingColumns=True)).set
    enhancement = sf.UnionByName()
    assert by_name.advanced_extension.enhancement.Unpack(enhancement)
    assert enhancement.allow_missing_columns


def test_single_input_extensions(spark: SparkSession) -> None:
    df = spark.range(3)
    columns = _detail(_root(df.withColumn("x", F.lit(1))), sf.WithColumnsRelation())
    assert list(columns.names) == ["x"]
    rename = _detail(_root(df.withColumnsRenamed({"id": "a"})), sf.RenameRelation())
    assert dict(rename.renames) == {"id": "a"} and list(rename.order) == ["id"]
    drop = _detail(_root(df.drop("id", F.col("x"))), sf.DropRelation())
    assert list(drop.column_names) == ["id"] and len(drop.columns) == 1
    assert _detail(_root(df.alias("t")), sf.SubqueryAliasRelation()).alias == "t"
    assert list(_detail(_root(df.toDF("a")), sf.ToDFRelation()).names) == ["a"]
    assert _detail(_root(df.distinct()), sf.DeduplicateRelation()).all_columns
    dedup = _detail(_root(df.dropDuplicates(["id"])), sf.DeduplicateRelation())
    assert list(dedup.column_names) == ["id"] and not dedup.all_columns
    sample = _detail(_root(df.sample(fraction=0.5, seed=3)), sf.SampleRelation())
    assert (sample.upper_bound, sample.seed, sample.with_replacement) == (0.5, 3, False)
    assert not _detail(_root(df.coalesce(1)), sf.RepartitionRelation()).shuffle
    assert _detail(_root(F.broadcast(df)), sf.HintRelation()).name == "broadcast"


def test_window_function(spark: SparkSession) -> None:
    window = Window.partitionBy("k").orderBy(F.desc("t")).rowsBetween(Window.unboundedPreceding, 2)
    df = spark.range(1).select(F.row_number().over(window), F.sum("x").over(Window.orderBy("t")))
    first, second = _root(df).project.expressions
    w = first.window_function
    assert w.bounds_type == Expression.WindowFunction.BOUNDS_TYPE_ROWS
    assert w.lower_bound.HasField("unbounded")
    assert w.upper_bound.following.offset == 2
    assert len(w.partitions) == 1
    assert w.sorts[0].direction == algebra_pb2.SortField.SORT_DIRECTION_DESC_NULLS_LAST
    assert not second.window_function.HasField("lower_bound")


def test_sql_with_arguments(spark: SparkSession) -> None:
    named = _detail(_root(spark.sql("SELECT :x", {"x": 5})), sf.SqlRelation())
    assert named.named_arguments["x"].literal.i32 == 5
    positional = _detail(_root(spark.sql("SELECT ?", [True])), sf.SqlRelation())
    assert positional.positional_arguments[0].literal.boolean


def test_table_and_read(spark: SparkSession) -> None:
    assert list(_root(spark.table("db.t")).read.named_table.names) == ["db.t"]
    df = spark.read.format("csv").option("header", True).schema("a INT").load("/tmp/x")
    source = _detail(_root(df), sf.DataSourceRelation())
    assert (source.format, list(source.paths), source.schema) == ("csv", ["/tmp/x"], "a INT")
    assert dict(source.options) == {"header": "true"}


def test_create_dataframe_inline(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "a")], ["n", "s"])
    local = _detail(_root(df), sf.LocalRelation())
    assert local.WhichOneof("data") == "arrow_ipc"
    assert StructType.fromJson(__import__("json").loads(local.schema_json)).fieldNames() == [
        "n",
        "s",
    ]


def test_column_repr_and_guards() -> None:
    assert repr((F.col("a") + 1).alias("b")) == "Column<'+(a, 1) AS b'>"
    with pytest.raises(ValueError):
        bool(F.col("a"))
    with pytest.raises(TypeError, match="INVALID_UDTF_HANDLER_TYPE"):
        F.arrow_udtf(lambda x: x)
    assert repr(F.udf(lambda x: x)("a")) == "Column<'<lambda>(a)'>"
    assert repr(F.transform("a", lambda x: x + 1)) == ("Column<'transform(a, x -> +(x, 1))'>")


def test_python_udf_travels_pickled_with_its_types_and_python_version() -> None:
    import cloudpickle

    offset = 5
    plus = F.udf(lambda x: x + offset, IntegerType()).asNondeterministic()
    ctx = PlanContext()
    call = plus("a").over(Window.partitionBy("b"))._expr.to_proto(ctx)
    window = call.window_function
    plan = plan_pb2.Plan()
    ctx.anchors.declare(plan)
    ref = read_declarations(plan)[window.function_reference]
    assert (ref.urn, ref.name) == (EXPRESSIONS_URN, "python_udf")
    function = sf.PythonFunction.FromString(window.arguments[0].value.literal.binary)
    assert function.python_version == f"{sys.version_info.major}.{sys.version_info.minor}"
    # 0: no useArrow given, so the server's session decides, as PySpark's udf() does.
    assert (function.eval_type, function.name, function.deterministic) == (0, "<lambda>", False)
    assert function.return_type == IntegerType().json()
    assert cloudpickle.loads(function.command)(1) == 6
    assert len(window.arguments) == 2 and len(window.partitions) == 1


def test_generic_functions_bind_columns_and_literals() -> None:
    ctx = PlanContext()
    split = F.split("s", ",", 2)._expr.to_proto(ctx)
    args = split.scalar_function.arguments
    assert args[1].value.literal.string == ","
    assert args[2].value.literal.i32 == 2
    assert args[0].value.scalar_function.arguments[0].value.literal.string == "s"
    assert F.lag("x")._expr.args[1].value == 1  # type: ignore[attr-defined]
    assert len(F.to_date("x")._expr.args) == 1  # type: ignore[attr-defined]
    assert F.log("x")._expr.name == "ln"  # type: ignore[attr-defined]
    assert F.create_map("a", "b")._expr.name == "map"  # type: ignore[attr-defined]
    assert len(F.struct(["a", "b"])._expr.args) == 2  # type: ignore[attr-defined]


def test_every_pyspark_function_exists() -> None:
    functions = pytest.importorskip("pyspark.sql.functions")
    missing = [name for name in functions.__all__ if not hasattr(F, name)]
    assert missing == []


def test_signature_table_matches_installed_pyspark() -> None:
    pytest.importorskip("pyspark")
    from tests.client.generate_function_signatures import _OUTPUT, generate

    assert _OUTPUT.read_text() == generate()


def test_error_details_become_pyspark_exceptions() -> None:
    details = sf.ErrorDetails(
        exception_class="ParseException",
        error_class="PARSE_SYNTAX_ERROR",
        sql_state="42601",
        message="[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'.",
        message_parameters={"error": "'x'"},
    )
    error = from_error_details(details)
    assert isinstance(error, ParseException) and isinstance(error, AnalysisException)
    assert error.getCondition() == "PARSE_SYNTAX_ERROR"
    assert error.getSqlState() == "42601"
    assert error.getMessageParameters() == {"error": "'x'"}
    assert str(error) == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'."


def test_column_is_a_column() -> None:
    assert isinstance(F.col("a") + 1, Column)


def test_agg_dict_travels_as_its_entries_for_spark_to_order(spark: SparkSession) -> None:
    df = spark.range(1).groupBy("id").agg({"salary": "max", "*": "count", "age": "mean"})
    aggregate = _detail(_root(df), sf.AggregateRelation())
    entries = [(e.column, e.function) for e in aggregate.by_name]
    assert entries == [("salary", "max"), ("*", "count"), ("age", "mean")]
    assert not aggregate.aggregate_expressions


def test_fillna_and_dropna_travel_as_the_operations(spark: SparkSession) -> None:
    df = spark.range(1)  # no schema is asked for: Spark applies its rules on the server
    fill = _detail(_root(df.fillna(0, subset="n")), sf.FillNaRelation())
    assert list(fill.columns) == ["n"] and fill.values[0].fp64 == 0.0 and not fill.by_column
    by_column = _detail(_root(df.na.fill({"s": "x", "d": 1.5})), sf.FillNaRelation())
    assert list(by_column.columns) == ["s", "d"] and by_column.by_column
    assert [v.WhichOneof("literal_type") for v in by_column.values] == ["string", "fp64"]
    drop = _detail(_root(df.dropna(subset=["s"])), sf.DropNaRelation())
    assert list(drop.columns) == ["s"] and not drop.HasField("min_non_nulls")
    assert _detail(_root(df.na.drop("all")), sf.DropNaRelation()).min_non_nulls == 1
    assert _detail(_root(df.na.drop(thresh=2)), sf.DropNaRelation()).min_non_nulls == 2


def test_dataframes_as_subquery_expressions(spark: SparkSession) -> None:
    df, other = spark.range(5), spark.range(3)
    out = df.select(other.scalar()).filter(other.exists()).filter(df["id"].isin(other))
    rel = _root(out)
    assert rel.filter.condition.subquery.in_predicate.haystack.HasField("extension_leaf")
    inner = rel.filter.input
    predicate = inner.filter.condition.subquery.set_predicate
    assert predicate.predicate_op == Expression.Subquery.SetPredicate.PREDICATE_OP_EXISTS
    scalar = inner.filter.input.project.expressions[0].subquery.scalar
    assert _plan_id(scalar.input) == other._plan_id


def test_replace_travels_as_the_operation(spark: SparkSession) -> None:
    df = spark.range(1)
    replace = _detail(_root(df.replace({"a": "b", "c": None})), sf.ReplaceRelation())
    assert list(replace.columns) == []
    pairs = [
        (r.old_value.string, r.new_value.WhichOneof("literal_type")) for r in replace.replacements
    ]
    assert pairs == [("a", "string"), ("c", "null")]
    numbers = _detail(_root(df.replace(1, 2, subset="n")), sf.ReplaceRelation())
    assert numbers.replacements[0].old_value.fp64 == 1.0 and list(numbers.columns) == ["n"]
    with pytest.raises(ValueError):
        df.replace([1, "a"], [2, "b"])


def test_unpivot_travels_as_the_operation(spark: SparkSession) -> None:
    df = spark.range(1).unpivot("id", ["a", "b"], "var", "val")
    unpivot = _detail(_root(df), sf.UnpivotRelation())
    assert unpivot.values_given and len(unpivot.ids) == 1 and len(unpivot.values) == 2
    assert (unpivot.variable_column_name, unpivot.value_column_name) == ("var", "val")
    every = _detail(_root(spark.range(1).melt(["id"], None, "v", "x")), sf.UnpivotRelation())
    assert not every.values_given and not every.values


def test_udtf_table_argument_travels_at_its_position_and_needs_protocol_7(
    spark: SparkSession,
) -> None:
    from sparkflight.client import plan
    from sparkflight.client.udf import UserDefinedTableFunction

    class Echo:
        def eval(self, row: Any, n: int):
            yield (row["id"],)

    df = spark.range(3)
    table = df.asTable().partitionBy(df["id"] % 2).orderBy(F.col("id").desc())
    function = UserDefinedTableFunction(Echo, "id long")._message()
    relation = plan.PythonTableFunction(
        function=function, arguments=[table._argument, F.lit(7)._expr]
    )
    message = _detail(
        plan.to_plan(relation, server_protocol=7).relations[0].root.input,
        sf.PythonTableFunctionRelation(),
    )
    assert len(message.arguments) == 1 and message.arguments[0].literal.i32 == 7
    (argument,) = message.table_arguments
    assert argument.position == 0 and not argument.with_single_partition
    assert argument.input.WhichOneof("rel_type") == "extension_leaf"
    assert len(argument.partition_by) == 1
    assert argument.order_by[0].direction == algebra_pb2.SortField.SORT_DIRECTION_DESC_NULLS_LAST
    with pytest.raises(PySparkNotImplementedError, match="table argument .* protocol 6"):
        plan.to_plan(relation, server_protocol=6)
