"""sparkflight's client: PySpark's DataFrame API over Arrow Flight, without a JVM.

Change ``from pyspark.sql import SparkSession`` to ``from client import SparkSession``
and connect with ``SparkSession.builder.remote("grpc://host:port").getOrCreate()``.
"""

from client import functions, types
from client.catalog import Catalog
from client.column import Column
from client.dataframe import DataFrame
from client.errors import (
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
from client.group import GroupedData, PandasCogroupedOps
from client.merge import MergeIntoWriter
from client.observation import Observation
from client.readwriter import DataFrameReader, DataFrameWriter, DataFrameWriterV2
from client.row import Row
from client.session import RuntimeConfig, SparkSession
from client.storagelevel import StorageLevel
from client.udf import UDFRegistration, UDTFRegistration
from client.window import Window, WindowSpec

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
