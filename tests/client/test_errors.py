"""Errors: the client raises what PySpark raises, and the raw protocol names bad input.

Every bad call is followed by a good one on the same session or connection, since
a client's mistake must not change the server's state.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from google.protobuf import any_pb2
from substrait import algebra_pb2, plan_pb2

from sparkflight.plans import sparkflight_pb2 as sf
from tests.client.harness import Engine, Engines, engines_for
from tests.flight_server.plan_builder import SERVER_ERRORS
from tests.flight_server.plan_builder import details as server_details

SESSION_HEADER = b"x-sparkflight-session"
#: PySpark exception classes whose presence among an error's bases is compared.
ERROR_CLASS_NAMES = {
    "PySparkException",
    "AnalysisException",
    "ParseException",
    "ArithmeticException",
    "IllegalArgumentException",
    "NumberFormatException",
    "SparkRuntimeException",
}


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


# ------------------------------------------------------------ DataFrame API


def bad_column(spark, F, T, Window, Row):
    return spark.range(3).select("id", "nope").collect()


def bad_column_in_filter(spark, F, T, Window, Row):
    return spark.range(3).filter(F.col("nope") > 1).collect()


def unknown_function(spark, F, T, Window, Row):
    return spark.range(1).select(F.call_function("no_such_function", "id")).collect()


def unknown_function_in_expr(spark, F, T, Window, Row):
    return spark.range(1).select(F.expr("no_such_function(id)")).collect()


def unknown_table(spark, F, T, Window, Row):
    return spark.table("no_such_table").collect()


def syntax_error(spark, F, T, Window, Row):
    return spark.sql("SELEC 1 FROM").collect()


def syntax_error_in_expr(spark, F, T, Window, Row):
    return spark.range(1).selectExpr("id +* 2").collect()


def divide_by_zero(spark, F, T, Window, Row):
    return spark.sql("SELECT 1 / 0 AS q").collect()


def divide_by_zero_in_dataframe(spark, F, T, Window, Row):
    return spark.range(3).select(F.col("id") / F.lit(0)).collect()


def invalid_cast(spark, F, T, Window, Row):
    return spark.sql("SELECT CAST('abc' AS INT)").collect()


# (case, exception class, error class, SQLSTATE), as PySpark raises them.
BAD_CALLS = [
    (bad_column, "AnalysisException", "UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703"),
    (bad_column_in_filter, "AnalysisException", "UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703"),
    (unknown_function, "AnalysisException", "UNRESOLVED_ROUTINE", "42883"),
    (unknown_function_in_expr, "AnalysisException", "UNRESOLVED_ROUTINE", "42883"),
    (unknown_table, "AnalysisException", "TABLE_OR_VIEW_NOT_FOUND", "42P01"),
    (syntax_error, "ParseException", "PARSE_SYNTAX_ERROR", "42601"),
    (syntax_error_in_expr, "ParseException", "PARSE_SYNTAX_ERROR", "42601"),
    (divide_by_zero, "ArithmeticException", "DIVIDE_BY_ZERO", "22012"),
    (divide_by_zero_in_dataframe, "ArithmeticException", "DIVIDE_BY_ZERO", "22012"),
    (invalid_cast, "NumberFormatException", "CAST_INVALID_INPUT", "22018"),
]


def raised(engine: Engine, build: Callable[..., Any]) -> Exception:
    """The exception ``build`` raises on ``engine``."""
    with pytest.raises(Exception) as info:
        engine.run(build)
    return info.value


def describe(exc: Exception) -> dict[str, Any]:
    """What must be the same about an error on both engines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        error_class = exc.getErrorClass()
    return {
        "class": type(exc).__name__,
        "bases": sorted(ERROR_CLASS_NAMES & {cls.__name__ for cls in type(exc).__mro__}),
        "condition": exc.getCondition(),
        "error_class": error_class,
        "sql_state": exc.getSqlState(),
        "parameters": exc.getMessageParameters(),
    }


@pytest.mark.parametrize(
    ("build", "exception_class", "error_class", "sql_state"),
    BAD_CALLS,
    ids=[call[0].__name__ for call in BAD_CALLS],
)
def test_client_raises_what_pyspark_raises(
    engines: Engines, build: Any, exception_class: str, error_class: str, sql_state: str
) -> None:
    expected = raised(engines.classic, build)
    assert describe(expected)["class"] == exception_class
    assert expected.getCondition() == error_class
    assert expected.getSqlState() == sql_state

    got = raised(engines.client, build)
    assert describe(got) == describe(expected)
    assert f"[{error_class}]" in str(got)
    assert engines.client.spark.range(3).count() == 3


def test_session_works_after_every_kind_of_error(engines: Engines) -> None:
    for build, *_ in BAD_CALLS:
        raised(engines.client, build)
    df = engines.client.spark.sql("SELECT 40 + 2 AS answer")
    assert [tuple(row) for row in df.collect()] == [(42,)]


# ------------------------------------------------------------ raw protocol


def leaf_plan(detail_type_url: str, detail: bytes) -> plan_pb2.Plan:
    """A plan whose one relation is an extension leaf with the given detail."""
    plan = plan_pb2.Plan()
    root = plan.relations.add().root
    root.input.extension_leaf.detail.CopyFrom(any_pb2.Any(type_url=detail_type_url, value=detail))
    return plan


def sql_plan(query: str) -> plan_pb2.Plan:
    """A plan running Spark SQL text."""
    detail = any_pb2.Any()
    detail.Pack(sf.SqlRelation(query=query))
    return leaf_plan(detail.type_url, detail.value)


def undeclared_function_plan() -> plan_pb2.Plan:
    """``SELECT f(1) FROM (SELECT 1)`` where function anchor 99 is declared nowhere."""
    plan = sql_plan("SELECT 1 AS one")
    root = plan.relations[0].root
    project = algebra_pb2.ProjectRel()
    project.input.CopyFrom(root.input)
    call = project.expressions.add().scalar_function
    call.function_reference = 99
    call.arguments.add().value.literal.i64 = 1
    root.input.Clear()
    root.input.project.CopyFrom(project)
    return plan


def ticket(plan: plan_pb2.Plan) -> fl.Ticket:
    return fl.Ticket(plan.SerializeToString())


def good_query_works(flight_client: fl.FlightClient) -> None:
    table = flight_client.do_get(ticket(sql_plan("SELECT 1 AS one, 'x' AS s"))).read_all()
    assert table.to_pylist() == [{"one": 1, "s": "x"}]


def do_get(plan_bytes: bytes) -> Callable[[fl.FlightClient], Any]:
    return lambda client: client.do_get(fl.Ticket(plan_bytes)).read_all()


def get_flight_info(plan_bytes: bytes) -> Callable[[fl.FlightClient], Any]:
    return lambda client: client.get_flight_info(fl.FlightDescriptor.for_command(plan_bytes))


def action(action_type: str, body: bytes) -> Callable[[fl.FlightClient], Any]:
    return lambda client: list(client.do_action(fl.Action(action_type, body)))


def with_session(session_id: bytes) -> Callable[[fl.FlightClient], Any]:
    options = fl.FlightCallOptions(headers=[(SESSION_HEADER, session_id)])
    plan = sql_plan("SELECT 1").SerializeToString()
    return lambda client: client.do_get(fl.Ticket(plan), options).read_all()


UNKNOWN_DETAIL = "type.googleapis.com/sparkflight.v1.NoSuchRelation"

# (call, error class, text the message must contain)
RAW_BAD_CALLS = {
    "malformed_ticket": (do_get(b"not a plan"), "INVALID_PLAN", "plan"),
    "malformed_descriptor": (get_flight_info(b"not a plan"), "INVALID_PLAN", "plan"),
    "plan_without_relations": (do_get(plan_pb2.Plan().SerializeToString()), "INVALID_PLAN", "plan"),
    "unknown_relation_detail": (
        do_get(leaf_plan(UNKNOWN_DETAIL, b"").SerializeToString()),
        "UNSUPPORTED_RELATION",
        "NoSuchRelation",
    ),
    "undeclared_function_anchor": (
        do_get(undeclared_function_plan().SerializeToString()),
        "UNKNOWN_FUNCTION",
        "99",
    ),
    "unknown_action": (action("no.such.action", b""), "UNKNOWN_ACTION", "no.such.action"),
    "garbage_action_body": (action("config", b"\xff\xff\xff\xff"), "INVALID_ACTION_BODY", "config"),
    "unknown_session": (with_session(b"nope"), "SESSION_NOT_FOUND", "nope"),
}


@pytest.mark.parametrize("name", list(RAW_BAD_CALLS))
def test_raw_bad_input_is_named(flight_client: fl.FlightClient, name: str) -> None:
    call, error_class, detail = RAW_BAD_CALLS[name]
    with pytest.raises(SERVER_ERRORS) as info:
        call(flight_client)
    error = info.value
    assert detail.lower() in str(error).lower(), str(error)
    details = server_details(error)  # with the status code of its error class
    assert details.exception_class == "SparkFlightException"
    assert details.error_class == error_class
    assert details.message
    good_query_works(flight_client)


def test_raw_spark_error_carries_error_details(flight_client: fl.FlightClient) -> None:
    with pytest.raises(pa.ArrowInvalid) as info:
        flight_client.do_get(ticket(sql_plan("SELECT nope FROM range(1)"))).read_all()
    details = server_details(info.value)
    assert details.exception_class == "AnalysisException"
    assert details.error_class == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert details.sql_state == "42703"
    assert details.message_parameters["objectName"] == "`nope`"
    good_query_works(flight_client)
