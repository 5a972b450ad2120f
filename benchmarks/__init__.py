"""Benchmarks of sparkflight against Apache Spark Connect and in-process PySpark.

``sparkflight bench SUITE`` (:mod:`benchmarks.cli`) runs a suite (:mod:`benchmarks.suites`)
on each target (:mod:`benchmarks.targets`), each target in its own worker process
(:mod:`benchmarks.worker`) driven by :mod:`benchmarks.runner`, and reports medians, spread
and ratios (:mod:`benchmarks.report`). TPC-H data, SQL and DataFrame code live in
:mod:`benchmarks.tpch`.
"""
