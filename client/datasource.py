"""Python data sources, as ``pyspark.sql.datasource``.

A data source subclasses :class:`DataSource`; ``spark.dataSource.register(cls)`` sends the
class to the server, where Spark's Python workers run its readers and writers for
``spark.read.format(name)`` and ``df.write.format(name)`` in the session. On the server
these base classes are PySpark's (see docs/protocol.md, "Python functions").
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sparkflight.client import udf
from sparkflight.client.errors import expected_type, not_supported
from sparkflight.client.row import Row
from sparkflight.client.types import StructType
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import COMMAND
from sparkflight.plans.protocol import PYTHON_DATA_SOURCES

if TYPE_CHECKING:
    from sparkflight.client.session import SparkSession

__all__ = [
    "DataSource",
    "DataSourceArrowWriter",
    "DataSourceReader",
    "DataSourceRegistration",
    "DataSourceStreamArrowWriter",
    "DataSourceStreamReader",
    "DataSourceStreamWriter",
    "DataSourceWriter",
    "EqualNullSafe",
    "EqualTo",
    "Filter",
    "GreaterThan",
    "GreaterThanOrEqual",
    "In",
    "InputPartition",
    "IsNotNull",
    "IsNull",
    "LessThan",
    "LessThanOrEqual",
    "Not",
    "SimpleDataSourceStreamReader",
    "StringContains",
    "StringEndsWith",
    "StringStartsWith",
    "WriterCommitMessage",
]

#: A column reference of a pushed filter: ``("a", "b")`` for ``a.b``.
ColumnPath = tuple[str, ...]


class DataSource(ABC):  # noqa: B024 - readable or writable: either part may be left out
    """A data source that Spark reads (:meth:`reader`) and/or writes (:meth:`writer`)."""

    def __init__(self, options: MutableMapping[str, str]) -> None:
        """``options``: the case-insensitive options of the read or write."""
        self.options = options

    @classmethod
    def name(cls) -> str:
        """The format name (``spark.read.format(name)``); the class name by default."""
        return cls.__name__

    def schema(self) -> StructType | str:
        """The schema when the reader gives none."""
        raise not_supported("schema")

    def reader(self, schema: StructType) -> DataSourceReader:
        raise not_supported("reader")

    def writer(self, schema: StructType, overwrite: bool) -> DataSourceWriter:
        raise not_supported("writer")

    def streamWriter(self, schema: StructType, overwrite: bool) -> DataSourceStreamWriter:
        raise not_supported("streamWriter")

    def simpleStreamReader(self, schema: StructType) -> SimpleDataSourceStreamReader:
        raise not_supported("simpleStreamReader")

    def streamReader(self, schema: StructType) -> DataSourceStreamReader:
        raise not_supported("streamReader")


@dataclass(frozen=True)
class Filter(ABC):  # noqa: B024 - the base of the pushed filters below
    """A filter Spark offers to a reader's ``pushFilters``."""


@dataclass(frozen=True)
class EqualTo(Filter):
    attribute: ColumnPath
    value: Any


@dataclass(frozen=True)
class EqualNullSafe(Filter):
    attribute: ColumnPath
    value: Any


@dataclass(frozen=True)
class GreaterThan(Filter):
    attribute: ColumnPath
    value: Any


@dataclass(frozen=True)
class GreaterThanOrEqual(Filter):
    attribute: ColumnPath
    value: Any


@dataclass(frozen=True)
class LessThan(Filter):
    attribute: ColumnPath
    value: Any


@dataclass(frozen=True)
class LessThanOrEqual(Filter):
    attribute: ColumnPath
    value: Any


@dataclass(frozen=True)
class In(Filter):
    attribute: ColumnPath
    value: tuple[Any, ...]


@dataclass(frozen=True)
class IsNull(Filter):
    attribute: ColumnPath


@dataclass(frozen=True)
class IsNotNull(Filter):
    attribute: ColumnPath


@dataclass(frozen=True)
class Not(Filter):
    child: Filter


@dataclass(frozen=True)
class StringStartsWith(Filter):
    attribute: ColumnPath
    value: str


@dataclass(frozen=True)
class StringEndsWith(Filter):
    attribute: ColumnPath
    value: str


@dataclass(frozen=True)
class StringContains(Filter):
    attribute: ColumnPath
    value: str


class InputPartition:
    """A partition of a read: one task reads it."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        attributes = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{self.__class__.__name__}({attributes})"


class DataSourceReader(ABC):
    """Reads a data source in partitions."""

    def pushFilters(self, filters: list[Filter]) -> Iterable[Filter]:
        """The filters the reader does not apply itself (all of them by default)."""
        return filters

    def partitions(self) -> Sequence[InputPartition]:
        return [InputPartition(None)]

    @abstractmethod
    def read(self, partition: InputPartition) -> Iterator[Any]:
        """The rows (tuples or Rows) or pyarrow RecordBatches of ``partition``."""


class DataSourceStreamReader(ABC):
    """Reads a streaming data source by offsets."""

    def initialOffset(self) -> dict[str, Any]:
        raise not_supported("initialOffset")

    def latestOffset(self, start: dict[str, Any], limit: Any) -> dict[str, Any]:
        raise not_supported("latestOffset")

    def partitions(self, start: dict[str, Any], end: dict[str, Any]) -> Sequence[InputPartition]:
        raise not_supported("partitions")

    @abstractmethod
    def read(self, partition: InputPartition) -> Iterator[Any]:
        """The rows or pyarrow RecordBatches of ``partition``."""

    def commit(self, end: dict[str, Any]) -> None:  # noqa: B027 - optional, as in PySpark
        """Everything up to ``end`` was processed."""

    def stop(self) -> None:  # noqa: B027 - optional, as in PySpark
        """The query stops."""


class SimpleDataSourceStreamReader(ABC):  # noqa: B024 - every method has a default
    """Reads a streaming data source on the driver, without partitions."""

    def initialOffset(self) -> dict[str, Any]:
        raise not_supported("initialOffset")

    def read(self, start: dict[str, Any]) -> tuple[Iterator[tuple[Any, ...]], dict[str, Any]]:
        raise not_supported("read")

    def readBetweenOffsets(
        self, start: dict[str, Any], end: dict[str, Any]
    ) -> Iterator[tuple[Any, ...]]:
        raise not_supported("readBetweenOffsets")

    def commit(self, end: dict[str, Any]) -> None:  # noqa: B027 - optional, as in PySpark
        """Everything up to ``end`` was processed."""


class WriterCommitMessage:
    """What a writer's ``write`` returns to the driver's ``commit`` or ``abort``."""


class DataSourceWriter(ABC):
    """Writes a DataFrame to a data source, one ``write`` per partition."""

    @abstractmethod
    def write(self, iterator: Iterator[Row]) -> WriterCommitMessage:
        """Write a partition's rows."""

    def commit(self, messages: list[WriterCommitMessage | None]) -> None:  # noqa: B027
        """Every partition was written (optional, as in PySpark)."""

    def abort(self, messages: list[WriterCommitMessage | None]) -> None:  # noqa: B027
        """A partition failed (optional, as in PySpark)."""


class DataSourceArrowWriter(DataSourceWriter):
    """A writer given pyarrow RecordBatches."""

    @abstractmethod
    def write(self, iterator: Iterator[Any]) -> WriterCommitMessage:
        """Write a partition's record batches."""


class DataSourceStreamWriter(ABC):
    """Writes each micro-batch of a stream."""

    @abstractmethod
    def write(self, iterator: Iterator[Row]) -> WriterCommitMessage:
        """Write a partition's rows."""

    def commit(  # noqa: B027 - optional, as in PySpark
        self, messages: list[WriterCommitMessage | None], batchId: int
    ) -> None:
        """Micro-batch ``batchId`` was written."""

    def abort(  # noqa: B027 - optional, as in PySpark
        self, messages: list[WriterCommitMessage | None], batchId: int
    ) -> None:
        """Micro-batch ``batchId`` failed."""


class DataSourceStreamArrowWriter(DataSourceStreamWriter):
    """A stream writer given pyarrow RecordBatches."""

    @abstractmethod
    def write(self, iterator: Iterator[Any]) -> WriterCommitMessage:
        """Write a partition's record batches."""


class DataSourceRegistration:
    """``spark.dataSource``: Python data sources of the session."""

    def __init__(self, sparkSession: SparkSession) -> None:
        self.sparkSession = sparkSession

    def register(self, dataSource: type[DataSource]) -> None:
        """Register ``dataSource`` under its ``name()`` in the session on the server."""
        if not (isinstance(dataSource, type) and issubclass(dataSource, DataSource)):
            raise expected_type("dataSource", "a subclass of DataSource", dataSource)
        session = self.sparkSession
        udf.check_protocol(session, "A Python data source", PYTHON_DATA_SOURCES.version)
        function = udf.python_function(dataSource, 0, None, name=dataSource.name())
        command = sf.CommandRequest(
            register_data_source=sf.RegisterDataSourceCommand(data_source=function)
        )
        session._connection.action(COMMAND, command)
