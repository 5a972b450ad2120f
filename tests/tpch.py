"""TPC-H data and queries for tests that compare sparkflight with another engine.

The tables and the SQL text live in :mod:`sparkflight.benchmarks.tpch`; this module adds
DataFusion, whose Substrait producer writes foreign plans for the server tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import datafusion
from datafusion.substrait import Serde
from substrait import plan_pb2

from sparkflight.benchmarks.tpch import QUERIES, TABLES, generate, tables

__all__ = ["QUERIES", "TABLES", "datafusion_context", "datafusion_plan", "generate", "tables"]


def datafusion_context(tables: dict[str, Path]) -> datafusion.SessionContext:
    """A DataFusion session with each table registered from its parquet file."""
    context = datafusion.SessionContext()
    for table, path in tables.items():
        context.register_parquet(table, str(path))
    return context


def datafusion_plan(context: datafusion.SessionContext, sql: str) -> plan_pb2.Plan:
    """The Substrait plan DataFusion's producer writes for ``sql``."""
    return plan_pb2.Plan.FromString(Serde.serialize_bytes(sql, context))


def dump_plans(directory: Path) -> None:
    """Write DataFusion's plan of each query to ``directory`` in protobuf text format."""
    from google.protobuf import text_format

    directory.mkdir(parents=True, exist_ok=True)
    context = datafusion_context(generate(directory / "data"))
    for number, sql in QUERIES.items():
        plan = datafusion_plan(context, sql)
        text = text_format.MessageToString(plan, print_unknown_fields=True)
        comment = "".join(f"# {line}\n" for line in sql.strip().splitlines())
        (directory / f"q{number:02d}.txt").write_text(f"# TPC-H Q{number}\n{comment}{text}")
        (directory / f"q{number:02d}.bin").write_bytes(plan.SerializeToString())


if __name__ == "__main__":
    dump_plans(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/tpch_plans"))
