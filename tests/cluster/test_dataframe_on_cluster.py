"""The client's DataFrame cases, compared with in-process PySpark, on the cluster.

A representative share of them: those whose tasks move data between executors
(aggregations, joins, sorts, set operations, repartitioning), uploads of local data,
temp views, and each way of bringing a result back.
"""

from typing import Any

import pytest

from tests.client import test_dataframe
from tests.client.harness import Engines

CLUSTER_CASES = {
    "group_by_agg",
    "rollup",
    "cube",
    "pivot_with_values",
    "join_on_name",
    "join_on_column_condition",
    "self_join_with_aliases",
    "cross_join",
    "order_by_column_methods_nulls",
    "offset_then_limit",
    "distinct",
    "drop_duplicates_subset",
    "union_then_distinct",
    "union_by_name_allow_missing_columns",
    "intersect_all",
    "except_all",
    "repartition_and_coalesce",
    "broadcast_hint",
    "temp_view_then_sql",
    "chain_of_transformations",
    "to_arrow",
    "to_pandas",
    "show_default",
    "head_n",
    "count",
    "nested_rows",
}

engines = test_dataframe.engines


@pytest.mark.parametrize(
    "case", [param for param in test_dataframe.CASES.params() if param.id in CLUSTER_CASES]
)
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)


def test_every_chosen_case_exists() -> None:
    assert CLUSTER_CASES <= {param.id for param in test_dataframe.CASES.params()}
