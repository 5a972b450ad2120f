"""How results are computed: a result of few rows over several partitions by one Spark
job per wave of partitions (as many as the test server's local[2] runs at once: two), in
the partitions' order; any other a partition at a time."""

from __future__ import annotations

from typing import Any

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from tests.flight_server.stages import final_stages


def test_a_bounded_result_of_many_partitions_is_a_job_per_wave(
    spark: SparkSession, classic: Any
) -> None:
    df = spark.range(0, 1000, 1, 8).select("id", (F.col("id") * 2).alias("twice"))
    expected = classic.range(0, 1000, 1, 8).selectExpr("id", "id * 2 AS twice").collect()
    rows: list[Any] = []
    stages = final_stages(spark, lambda: rows.extend(df.collect()))
    assert rows == expected
    assert [s.num_tasks for s in stages] == [2, 2, 2, 2]


def test_an_unbounded_result_runs_a_job_per_partition(spark: SparkSession, classic: Any) -> None:
    df = spark.range(0, 1000, 1, 3).select(F.explode(F.array("id", F.lit(0))).alias("v"))
    expected = classic.range(0, 1000, 1, 3).selectExpr("explode(array(id, 0)) AS v").toArrow()
    tables: list[Any] = []
    stages = final_stages(spark, lambda: tables.append(df.toArrow()))
    assert tables[0] == expected
    assert [s.num_tasks for s in stages] == [1, 1, 1]
