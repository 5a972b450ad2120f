"""Starting the Spark session the server runs queries on."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sparkflight.flight_server.java import JavaRuntime, find_java

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["ensure_java", "spark_defaults", "start_spark"]


def ensure_java() -> JavaRuntime:
    """Find Java and point ``JAVA_HOME`` at it, for the JVM that Spark launches."""
    runtime = find_java()
    if runtime.home is not None:
        os.environ["JAVA_HOME"] = str(runtime.home)
    return runtime


def spark_defaults() -> dict[str, str]:
    """Settings that suit a server and change no query's meaning."""
    return {
        "spark.ui.showConsoleProgress": "false",
        # Python workers (UDFs) run on the server's interpreter, not whatever `python3` is.
        "spark.pyspark.python": sys.executable,
        # Spark plans and analyses a plan recursively on the JVM thread that takes the
        # call: a DataFrame program of a thousand steps needs more stack than the default.
        "spark.driver.extraJavaOptions": "-Xss32m",
    }


def start_spark(
    master: str = "local[*]",
    conf: Mapping[str, str] | None = None,
    app_name: str = "sparkflight",
) -> SparkSession:
    """Start (or join) the process's Spark session; settings in ``conf`` win over defaults."""
    from pyspark.sql import SparkSession

    ensure_java()
    if master.startswith("local"):
        # A local driver needs no address but loopback (and then Spark does not warn about it).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    settings = spark_defaults() | dict(conf or {})
    # PySpark takes the Python workers' interpreter from PYSPARK_PYTHON (SparkContext's
    # pythonExec), not from spark.pyspark.python: the server's own, with its packages.
    os.environ.setdefault("PYSPARK_PYTHON", settings["spark.pyspark.python"])
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark
