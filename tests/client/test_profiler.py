"""``spark.profile``: perf profiles of a session's Python UDFs, shown, dumped, rendered
and cleared, and never another session's; against in-process PySpark."""

from __future__ import annotations

import pstats
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.client.errors import PySparkValueError
from tests.client.harness import printed

PROFILER = "spark.sql.pyspark.udf.profiler"


def slow_square(x: int) -> int:
    """A UDF whose profile names it."""
    return sum(x for _ in range(200))


@pytest.fixture
def profiling(server_url: str) -> Iterator[Any]:
    """A session of its own with the perf profiler on."""
    with SparkSession.builder.remote(server_url).create() as session:
        session.conf.set(PROFILER, "perf")
        yield session


def _run_udf(session: Any, functions: Any) -> None:
    square = functions.udf(slow_square, "long")
    rows = session.range(50, numPartitions=2).select(square("id").alias("s")).collect()
    assert sorted(r.s for r in rows) == [200 * x for x in range(50)]


def test_perf_profile_of_a_udf_as_pyspark_shows_it(profiling: Any, classic: Any) -> None:
    from pyspark.sql import functions as PF

    _run_udf(profiling, F)
    text = printed(profiling.profile.show)
    assert "Profile of UDF<id=" in text and "slow_square" in text
    assert "function calls" in text

    classic.conf.set(PROFILER, "perf")
    try:
        _run_udf(classic, PF)
        expected = printed(classic.profile.show)
    finally:
        classic.conf.unset(PROFILER)
        classic.profile.clear()
    # The same report, line for line, but the timings and ids.
    assert _shape(text) == _shape(expected)


def _shape(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if "slow_square" in line or "Profile of" in line]
    return [" ".join(w for w in line.split() if not any(c.isdigit() for c in w)) for line in lines]


def test_render_dump_and_clear(profiling: Any, tmp_path: Path) -> None:
    _run_udf(profiling, F)
    results = profiling.profile._results()
    assert len(results) == 1
    (udf_id,) = results
    stats = profiling.profile.render(udf_id, renderer=lambda s: s)
    assert isinstance(stats, pstats.Stats)
    assert any(name == "slow_square" for _, _, name in stats.stats)
    profiling.profile.dump(str(tmp_path))
    dumped = pstats.Stats(str(tmp_path / f"udf_{udf_id}_perf.pstats"))
    assert dumped.stats.keys() == stats.stats.keys()
    profiling.profile.clear(udf_id, type="memory")
    assert udf_id in profiling.profile._results()
    profiling.profile.clear(udf_id)
    assert profiling.profile._results() == {}
    assert printed(profiling.profile.show) == ""


def test_another_session_sees_none_of_them(profiling: Any, spark: Any) -> None:
    _run_udf(profiling, F)
    assert profiling.profile._results()
    spark.conf.set(PROFILER, "perf")
    try:
        assert spark.profile._results() == {}
        spark.profile.clear()
    finally:
        spark.conf.unset(PROFILER)
    assert profiling.profile._results()


def test_bad_type_is_refused(profiling: Any) -> None:
    with pytest.raises(PySparkValueError, match="VALUE_NOT_ALLOWED"):
        profiling.profile.show(type="cpu")
    with pytest.raises(PySparkValueError, match="VALUE_NOT_ALLOWED"):
        profiling.profile.render(1, renderer="nothing")
    assert profiling.range(2).count() == 2
