"""Structured Streaming, as ``pyspark.sql.streaming``."""

from client.streaming.stateful_processor import StatefulProcessor, StatefulProcessorHandle

__all__ = ["StatefulProcessor", "StatefulProcessorHandle"]
