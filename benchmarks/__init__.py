"""Benchmarks of sparkflight against Apache Spark Connect and in-process PySpark.

``sparkflight bench SUITE`` (:mod:`sparkflight.bench`) runs a suite (:mod:`.suites`) on each
target (:mod:`.targets`), each target in its own worker process (:mod:`.worker`) driven by
:mod:`.runner`, and reports medians, spread and ratios (:mod:`.report`). TPC-H data, SQL
and DataFrame code live in :mod:`.tpch`.
"""
