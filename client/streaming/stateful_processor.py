"""Arbitrary state API v2 (``transformWithState``), as
``pyspark.sql.streaming.stateful_processor``.

Users subclass :class:`StatefulProcessor`; the server runs the processor in Spark's Python
workers, which hand it PySpark's handle, state variables and timer values (the protocols
below describe them).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, Protocol

from sparkflight.client.types import StructType

__all__ = [
    "ExpiredTimerInfo",
    "ListState",
    "MapState",
    "StatefulProcessor",
    "StatefulProcessorHandle",
    "TimerValues",
    "ValueState",
]

Schema = StructType | str


class ValueState(Protocol):
    """A single value of state per grouping key."""

    def exists(self) -> bool: ...

    def get(self) -> tuple[Any, ...] | None: ...

    def update(self, newValue: tuple[Any, ...]) -> None: ...

    def clear(self) -> None: ...


class ListState(Protocol):
    """A list of values of state per grouping key."""

    def exists(self) -> bool: ...

    def get(self) -> Iterator[tuple[Any, ...]]: ...

    def put(self, newState: list[tuple[Any, ...]]) -> None: ...

    def appendValue(self, newState: tuple[Any, ...]) -> None: ...

    def appendList(self, newState: list[tuple[Any, ...]]) -> None: ...

    def clear(self) -> None: ...


class MapState(Protocol):
    """A map of state per grouping key."""

    def exists(self) -> bool: ...

    def getValue(self, key: tuple[Any, ...]) -> tuple[Any, ...] | None: ...

    def containsKey(self, key: tuple[Any, ...]) -> bool: ...

    def updateValue(self, key: tuple[Any, ...], value: tuple[Any, ...]) -> None: ...

    def iterator(self) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]: ...

    def keys(self) -> Iterator[tuple[Any, ...]]: ...

    def values(self) -> Iterator[tuple[Any, ...]]: ...

    def removeKey(self, key: tuple[Any, ...]) -> None: ...

    def clear(self) -> None: ...


class TimerValues(Protocol):
    """The processing time and watermark of the batch being handled."""

    def getCurrentProcessingTimeInMs(self) -> int: ...

    def getCurrentWatermarkInMs(self) -> int: ...


class ExpiredTimerInfo(Protocol):
    """The timer that fired."""

    def getExpiryTimeInMs(self) -> int: ...


class StatefulProcessorHandle(Protocol):
    """What a processor's ``init`` receives: its state variables and timers."""

    def getValueState(
        self, stateName: str, schema: Schema, ttlDurationMs: int | None = None
    ) -> ValueState: ...

    def getListState(
        self, stateName: str, schema: Schema, ttlDurationMs: int | None = None
    ) -> ListState: ...

    def getMapState(
        self,
        stateName: str,
        userKeySchema: Schema,
        valueSchema: Schema,
        ttlDurationMs: int | None = None,
    ) -> MapState: ...

    def registerTimer(self, expiryTimestampMs: int) -> None: ...

    def deleteTimer(self, expiryTimestampMs: int) -> None: ...

    def listTimers(self) -> Iterator[int]: ...

    def deleteIfExists(self, stateName: str) -> None: ...


class StatefulProcessor(ABC):
    """The stateful logic of ``transformWithState`` (rows) and ``transformWithStateInPandas``
    (pandas DataFrames), called per grouping key."""

    @abstractmethod
    def init(self, handle: StatefulProcessorHandle) -> None:
        """Called first: set up the state variables with ``handle``."""

    @abstractmethod
    def handleInputRows(
        self, key: Any, rows: Iterator[Any], timerValues: TimerValues
    ) -> Iterator[Any]:
        """The output for the input rows of ``key`` (pandas DataFrames or Rows)."""

    def handleExpiredTimer(
        self, key: Any, timerValues: TimerValues, expiredTimerInfo: ExpiredTimerInfo
    ) -> Iterator[Any]:
        """The output when a timer of ``key`` fires; none unless overridden."""
        return iter([])

    def close(self) -> None:  # noqa: B027 - optional, as in PySpark
        """Called last."""

    def handleInitialState(  # noqa: B027 - optional, as in PySpark
        self, key: Any, initialState: Any, timerValues: TimerValues
    ) -> None:
        """Take ``key``'s row of the initial state; nothing unless overridden."""
