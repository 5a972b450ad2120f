"""sparkflight's client: PySpark's DataFrame API over Arrow Flight, without a JVM.

Change ``from pyspark.sql import SparkSession`` to ``from sparkflight.client import SparkSession``
and connect with ``SparkSession.builder.remote("grpc://host:port").getOrCreate()``.
"""

from sparkflight.client import functions, types
from sparkflight.client.catalog import Catalog
from sparkflight.client.column import Column
from sparkflight.client.dataframe import DataFrame
from sparkflight.client.errors import (
    AnalysisException,
    ArithmeticException,
    DateTimeException,
    IllegalArgumentException,
    NumberFormatException,
    ParseException,
    PySparkAssertionError,
    PySparkException,
    PySparkNotImplementedError,
    PySparkTypeError,
    PySparkValueError,
    PythonException,
    QueryExecutionException,
    SparkFlightException,
    SparkNoSuchElementException,
    SparkRuntimeException,
    SparkUpgradeException,
    StreamingQueryException,
    TempTableAlreadyExistsException,
    UnsupportedOperationException,
)
from sparkflight.client.group import GroupedData, PandasCogroupedOps
from sparkflight.client.merge import MergeIntoWriter
from sparkflight.client.observation import Observation
from sparkflight.client.readwriter import DataFrameReader, DataFrameWriter, DataFrameWriterV2
from sparkflight.client.row import Row
from sparkflight.client.session import RuntimeConfig, SparkSession
from sparkflight.client.storagelevel import StorageLevel
from sparkflight.client.udf import UDFRegistration, UDTFRegistration
from sparkflight.client.window import Window, WindowSpec

__all__ = [
    "AnalysisException",
    "ArithmeticException",
    "Catalog",
    "Column",
    "DataFrame",
    "DataFrameReader",
    "DataFrameWriter",
    "DataFrameWriterV2",
    "DateTimeException",
    "GroupedData",
    "IllegalArgumentException",
    "MergeIntoWriter",
    "NumberFormatException",
    "Observation",
    "PandasCogroupedOps",
    "ParseException",
    "PySparkAssertionError",
    "PySparkException",
    "PySparkNotImplementedError",
    "PySparkTypeError",
    "PySparkValueError",
    "PythonException",
    "QueryExecutionException",
    "Row",
    "RuntimeConfig",
    "SparkFlightException",
    "SparkNoSuchElementException",
    "SparkRuntimeException",
    "SparkSession",
    "SparkUpgradeException",
    "StorageLevel",
    "StreamingQueryException",
    "TempTableAlreadyExistsException",
    "UDFRegistration",
    "UDTFRegistration",
    "UnsupportedOperationException",
    "Window",
    "WindowSpec",
    "functions",
    "types",
]
