"""Benchmarks of sparkflight against Apache Spark Connect and in-process PySpark.

The benchmark CLI (``sparkflight bench``) is not built yet; this package is its home.
"""
