"""sparkflight: Spark's DataFrame API served remotely over Apache Arrow Flight.

- :mod:`sparkflight.client`: the DataFrame client (``from sparkflight.client import
  SparkSession``); needs neither pyspark nor Java.
- :mod:`sparkflight.plans`: the wire format, Substrait plans and sparkflight's extensions.
- :mod:`sparkflight.flight_server`: the Arrow Flight and Flight SQL server over Spark.
- :mod:`sparkflight.benchmarks`: ``sparkflight bench``, against Spark Connect and PySpark.

This package itself holds the ``sparkflight`` command and imports none of them.
"""
