"""The benchmark's report: Markdown and charts of a suite's results, failures included."""

from __future__ import annotations

from pathlib import Path

import pytest

from sparkflight.benchmarks.report import markdown, write_chart
from sparkflight.benchmarks.runner import Measurement, Results

_GIB = 1 << 30


def _memory_results() -> Results:
    results = Results(
        suite="memory",
        targets=["sparkflight", "spark-connect"],
        cases=["stream 5x driver memory", "stream 20x driver memory"],
        runs=1,
        warmup=0,
        settings={"master": "local[2]"},
        options={},
        machine={
            "cpu": "test CPU",
            "cores": 2,
            "memory GiB": 8,
            "load average": [0.1, 0.1, 0.1],
            "pyspark": "4",
            "pyarrow": "26",
            "python": "3.11",
        },
    )
    for case in results.cases:
        results.measurements[case] = {
            "sparkflight": Measurement(seconds=[30.0], peak_rss=[_GIB], base_rss=[_GIB // 2]),
            "spark-connect": Measurement(
                peak_rss=[_GIB], base_rss=[_GIB // 2], error="SparkException: maxResultSize"
            ),
        }
    return results


def test_a_failed_target_is_reported_as_failed(tmp_path: Path) -> None:
    results = _memory_results()
    text = markdown(results)
    assert text.count("failed: SparkException: maxResultSize") == 2
    assert text.count("peak 1.00 GiB (from 0.50 GiB)") == 2


def test_the_memory_chart_draws_no_peak_for_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.axes

    bars: list[list[float]] = []
    labels: list[str] = []
    monkeypatch.setattr(
        matplotlib.axes.Axes, "bar", lambda self, x, height, *a, **k: bars.append(list(height))
    )
    monkeypatch.setattr(
        matplotlib.axes.Axes, "text", lambda self, x, y, text, **k: labels.append(text)
    )
    write_chart(_memory_results(), tmp_path / "memory.png")
    assert bars == [[1.0, 1.0], [0.0, 0.0]]
    assert labels == ["failed", "failed"]
