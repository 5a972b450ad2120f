"""The stages of the last Spark job an action ran, as the client's progress reports them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sparkflight.client import SparkSession


def final_stages(spark: SparkSession, run: Callable[[], Any]) -> list[Any]:
    """The stages of the last progress report while ``run`` runs (the last job's)."""
    events: list[dict[str, Any]] = []
    spark.registerProgressHandler(lambda **event: events.append(event))
    try:
        run()
    finally:
        spark.clearProgressHandlers()
    return list(events[-1]["stages"])
