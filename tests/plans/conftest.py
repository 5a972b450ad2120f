"""Fixtures of the plan tests: real plans from another Substrait producer."""

from __future__ import annotations

import pytest
from substrait import plan_pb2

from tests import tpch


@pytest.fixture(scope="session")
def datafusion_tpch_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[int, plan_pb2.Plan]:
    """DataFusion's Substrait plan of each TPC-H query, by query number."""
    tables = tpch.generate(tmp_path_factory.mktemp("tpch"))
    context = tpch.datafusion_context(tables)
    return {number: tpch.datafusion_plan(context, sql) for number, sql in tpch.QUERIES.items()}
