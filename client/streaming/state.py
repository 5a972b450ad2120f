"""The state of ``GroupedData.applyInPandasWithState``, as ``pyspark.sql.streaming.state``."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["GroupState", "GroupStateTimeout"]


class GroupStateTimeout:
    """The timeouts of ``applyInPandasWithState``."""

    NoTimeout: str = "NoTimeout"
    ProcessingTimeTimeout: str = "ProcessingTimeTimeout"
    EventTimeTimeout: str = "EventTimeTimeout"


#: Every ``GroupStateTimeout`` value.
TIMEOUTS = (
    GroupStateTimeout.NoTimeout,
    GroupStateTimeout.ProcessingTimeTimeout,
    GroupStateTimeout.EventTimeTimeout,
)


class GroupState(Protocol):
    """The per-group state a function of ``applyInPandasWithState`` receives: Spark's
    Python worker makes it (``pyspark.sql.streaming.state.GroupState``)."""

    NO_TIMESTAMP: int

    @property
    def exists(self) -> bool: ...

    @property
    def get(self) -> tuple[Any, ...]: ...

    @property
    def getOption(self) -> tuple[Any, ...] | None: ...

    @property
    def hasTimedOut(self) -> bool: ...

    def update(self, newValue: tuple[Any, ...]) -> None: ...

    def remove(self) -> None: ...

    def setTimeoutDuration(self, durationMs: int) -> None: ...

    def setTimeoutTimestamp(self, timestampMs: int) -> None: ...

    def getCurrentWatermarkMs(self) -> int: ...

    def getCurrentProcessingTimeMs(self) -> int: ...
