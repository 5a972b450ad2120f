"""Structured Streaming, as ``pyspark.sql.streaming``."""

from client.streaming.listener import StreamingQueryListener
from client.streaming.query import StreamingQuery, StreamingQueryManager, StreamingQueryProgress
from client.streaming.readwriter import DataStreamReader, DataStreamWriter
from client.streaming.stateful_processor import StatefulProcessor, StatefulProcessorHandle

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
