"""TPC-H: data generated with ``tpchgen-cli``, the queries as SQL and as DataFrame code."""

from benchmarks.tpch.data import TABLES, generate, tables
from benchmarks.tpch.sql import QUERIES

__all__ = ["QUERIES", "TABLES", "generate", "tables"]
