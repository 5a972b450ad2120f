"""Errors name the user's line: call sites recorded in the plan, attributed by the server."""

from __future__ import annotations

import inspect

import pytest

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.client.errors import AnalysisException, PySparkException


def _line_of(marker: str) -> int:
    """The line of this file that holds ``marker`` (a comment next to the call)."""
    lines = inspect.getsource(inspect.getmodule(_line_of)).splitlines()  # type: ignore[arg-type]
    return next(i for i, text in enumerate(lines, 1) if marker in text and "_line_of" not in text)


def test_bad_column_three_operations_deep_names_its_line(spark: SparkSession) -> None:
    people = spark.createDataFrame([(1, "Ada"), (2, "Grace")], ["id", "name"])
    picked = people.select("id", "nmae")  # the mistake
    later = picked.filter(F.col("id") > 0).withColumn("one", F.lit(1)).orderBy("id")
    with pytest.raises(AnalysisException) as info:
        later.collect()
    error = info.value
    line = _line_of("# the mistake")

    message = str(error)
    assert message.startswith("[UNRESOLVED_COLUMN.WITH_SUGGESTION]")
    assert f"at test_error_context.py:{line} (df.select(...))" in message
    assert 'people.select("id", "nmae")' in message
    assert "SQLSTATE: 42703" in message
    assert error.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert error.getSqlState() == "42703"
    assert error.getMessageParameters()["objectName"] == "`nmae`"

    [context] = error.getQueryContext()
    assert context.callSite().endswith(f"test_error_context.py:{line}")
    assert context.fragment() == "df.select(...)"
    assert context.plan_id == picked._plan_id

    # The server's stack trace is not in the message, but can be fetched.
    assert "at org.apache" not in message
    trace = error.getStackTrace()
    assert trace is not None and "org.apache.spark.sql.AnalysisException" in trace


def test_bad_column_of_one_side_of_a_join_names_that_sides_line(spark: SparkSession) -> None:
    left = spark.range(3).withColumn("a", F.col("id") * 2)
    right = spark.range(3).select("id", (F.col("idd") + 1).alias("b"))  # the right side
    joined = left.join(right, "id").filter(F.col("a") > 0)
    with pytest.raises(AnalysisException) as info:
        joined.collect()
    assert info.value.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    [context] = info.value.getQueryContext()
    assert context.callSite().endswith(f"test_error_context.py:{_line_of('# the right side')}")
    assert context.plan_id == right._plan_id


def test_runtime_error_is_attributed_to_the_dataframe_the_action_ran_on(
    spark: SparkSession,
) -> None:
    ratios = spark.range(3).selectExpr("1 DIV (id - id) AS x")
    rows = ratios.filter("x IS NOT NULL")  # the action's DataFrame
    with pytest.raises(PySparkException) as info:
        rows.collect()
    assert info.value.getCondition() == "DIVIDE_BY_ZERO"
    [context] = info.value.getQueryContext()
    line = _line_of("# the action's DataFrame")
    assert context.callSite().endswith(f"test_error_context.py:{line}")
    assert context.fragment() == "df.filter(...)"


def test_session_errors_carry_no_call_site(spark: SparkSession) -> None:
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT * FROM no_such_table_here").collect()
    assert info.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"
    [context] = info.value.getQueryContext()
    assert context.fragment() == "spark.sql(...)"


def test_unknown_error_id_is_named(spark: SparkSession) -> None:
    with pytest.raises(PySparkException) as info:
        spark._connection.stack_trace("no-such-error")
    assert info.value.getCondition() == "ERROR_NOT_FOUND"
