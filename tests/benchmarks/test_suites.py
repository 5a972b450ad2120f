"""Every benchmark suite runs on every target at a tiny scale and answers correctly.

Timings are reported by ``sparkflight bench``, never asserted here. The sparkflight
target uses the test run's server; Spark Connect's server and classic PySpark run in
their own worker processes, shared by all suites.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sparkflight.benchmarks.runner import Measurement, Worker, run_suite, start_workers
from sparkflight.benchmarks.suites import SUITES, Options
from sparkflight.benchmarks.targets import SparkSettings
from tests.conftest import RUN_SPARK_CONF, SERVER_MASTER, SPARK_CONF

TARGETS = ["sparkflight", "spark-connect", "classic"]


@pytest.fixture(scope="module")
def options(tmp_path_factory: pytest.TempPathFactory) -> Options:
    return Options(
        rows=(1000, 20_000),
        scale_factor=0.01,
        # A join, a semi join, an outer join with two aggregations, a scalar subquery;
        # `sparkflight bench tpch` checks all 22 against DuckDB.
        queries=(3, 4, 13, 22),
        clients=2,
        memory_factors=(0.01, 0.02),
        driver_memory=SPARK_CONF["spark.driver.memory"],
        data_dir=Path(tmp_path_factory.mktemp("bench")),
    )


@pytest.fixture(scope="module")
def workers(server_url: str) -> Iterator[list[Worker]]:
    settings = SparkSettings(
        master=SERVER_MASTER,
        driver_memory=SPARK_CONF["spark.driver.memory"],
        shuffle_partitions=int(SPARK_CONF["spark.sql.shuffle.partitions"]),
        extra=RUN_SPARK_CONF,
    )
    started = start_workers(TARGETS, settings, {"sparkflight": server_url})
    yield started
    for worker in started:
        worker.stop()


@pytest.mark.parametrize("suite", list(SUITES))
def test_suite_runs_and_answers_correctly(
    suite: str, workers: list[Worker], options: Options
) -> None:
    results = run_suite(suite, TARGETS, runs=1, warmup=0, options=options, workers=workers)
    problems = {
        f"{case} on {target}": measurement.error or measurement.wrong
        for case, by_target in results.measurements.items()
        for target, measurement in by_target.items()
        if measurement.error or measurement.wrong or not measurement.seconds
    }
    assert problems == {}
    assert set(results.measurements) == set(results.cases)
    assert all(set(by_target) == set(TARGETS) for by_target in results.measurements.values())


def test_a_target_that_hangs_is_ended_and_its_case_fails() -> None:
    """A worker that never answers is ended once the answer timeout passes; the case
    fails with that error instead of hanging the benchmark."""
    context = multiprocessing.get_context("spawn")
    worker = object.__new__(Worker)
    worker.target, worker.server_pid, worker.error = "hung", 0, None
    worker.pipe, child = context.Pipe()
    worker.process = context.Process(target=time.sleep, args=(3600,), daemon=True)
    worker.process.start()
    worker._ready, worker.answer_timeout = True, 1.0
    measurement = Measurement()
    try:
        assert worker.run("latency", "any", measurement, sample_memory=False) is None
        assert measurement.error == "hung did not answer in 1 s: its worker was ended"
        assert worker.error == measurement.error
        assert not worker.process.is_alive() and worker.process.exitcode == -signal.SIGTERM
    finally:
        worker.kill()
        child.close()
