"""Results the driver already holds (literal rows, command results) or computes at once
(constant rows) become Arrow without a job."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from sparkflight.flight_server.results import _driver_batches, _driver_rows, arrow_schema

VALUES = """
VALUES (1, 'a', TIMESTAMP'2020-01-01 10:00:00', DATE'2020-01-02', 1.5BD, array(1, 2),
        map('k', 1.0D), named_struct('x', 1, 'y', array('z')), CAST(NULL AS INT), X'0102',
        INTERVAL 3 DAYS),
       (2, NULL, NULL, NULL, NULL, NULL, NULL, named_struct('x', 2, 'y', array()), 7, NULL,
        NULL)
"""


def _driver_table(df: Any) -> pa.Table:
    rows = _driver_rows(df)
    assert rows is not None, "the driver holds these rows"
    schema = arrow_schema(df)
    return pa.Table.from_batches(list(_driver_batches(df, rows, schema)), schema)


CONSTANT = """
SELECT 1, 'a' AS letter, NULL, 1.5BD, CAST(2 AS DECIMAL(10, 2)) AS amount, 1 + 2 AS three,
       upper('b'), TIMESTAMP'2020-01-01 10:00:00', DATE'2020-01-02', array(1, 2),
       map('k', 1.0D), named_struct('x', 1, 'y', array('z')), X'0102', INTERVAL 3 DAYS,
       CAST(NULL AS STRING) AS nothing
"""


@pytest.mark.parametrize(
    "query",
    [
        VALUES,
        "SHOW DATABASES",
        "SELECT * FROM VALUES (1), (2) AS t(a) WHERE false",
        "SELECT 1",
        CONSTANT,
    ],
)
def test_driver_rows_match_toArrow(classic: Any, query: str) -> None:
    df = classic.sql(query)
    assert _driver_table(df).to_pylist() == df.toArrow().to_pylist()


COMPUTED = [
    "SELECT rand(1)",
    "SELECT raise_error('no constant')",
    "SELECT * FROM range(3)",
    "SELECT a, count(*) FROM VALUES (1) t(a) GROUP BY a",
]


@pytest.mark.parametrize("query", COMPUTED)
def test_computed_results_are_left_to_jobs(classic: Any, query: str) -> None:
    assert _driver_rows(classic.sql(query)) is None


def test_literal_rows_through_the_client(spark: Any, classic: Any) -> None:
    assert spark.sql(VALUES).collect() == classic.sql(VALUES).collect()
    assert spark.sql(VALUES).toArrow().to_pylist() == classic.sql(VALUES).toArrow().to_pylist()


def test_constant_rows_through_the_client(spark: Any, classic: Any) -> None:
    assert spark.sql(CONSTANT).collect() == classic.sql(CONSTANT).collect()
    assert spark.sql(CONSTANT).toArrow() == classic.sql(CONSTANT).toArrow()
    assert (
        spark.sql("SELECT rand(7) AS r").collect() == classic.sql("SELECT rand(7) AS r").collect()
    )
