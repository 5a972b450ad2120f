"""DuckDB's answers to the TPC-H SQL over the same parquet files: the reference answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sparkflight.benchmarks.tpch.sql import QUERIES


def duckdb_answers(files: dict[str, Path], numbers: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The rows DuckDB answers to each TPC-H query in ``numbers``."""
    import duckdb

    connection = duckdb.connect()
    try:
        for table, path in files.items():
            connection.execute(
                f"create view {table} as select * from read_parquet('{path.as_posix()}')"
            )
        return {number: connection.sql(QUERIES[number]).fetchall() for number in numbers}
    finally:
        connection.close()
