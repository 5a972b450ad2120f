"""TPC-H: data generated with ``tpchgen-cli``, the queries as SQL and as DataFrame code."""

from sparkflight.benchmarks.tpch.data import TABLES, generate, tables
from sparkflight.benchmarks.tpch.sql import QUERIES

__all__ = ["QUERIES", "TABLES", "generate", "tables"]
