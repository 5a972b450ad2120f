"""Structured Streaming, as ``pyspark.sql.streaming``."""

from sparkflight.client.streaming.listener import StreamingQueryListener
from sparkflight.client.streaming.query import (
    StreamingQuery,
    StreamingQueryManager,
    StreamingQueryProgress,
)
from sparkflight.client.streaming.readwriter import DataStreamReader, DataStreamWriter
from sparkflight.client.streaming.stateful_processor import (
    StatefulProcessor,
    StatefulProcessorHandle,
)

__all__ = [
    "DataStreamReader",
    "DataStreamWriter",
    "StatefulProcessor",
    "StatefulProcessorHandle",
    "StreamingQuery",
    "StreamingQueryListener",
    "StreamingQueryManager",
    "StreamingQueryProgress",
]
