"""Plans built with substrait-python's DataFrame API, by the name of the corpus query
(``queries.py``) each answers. Reads declare only the columns they use, in their own order,
and correlated subqueries reference the outer query by relation anchor, as this producer
writes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import substrait.dataframe as sub
from substrait import plan_pb2

_DECIMAL = sub.decimal(scale=2, precision=15)


def _lineitem() -> sub.DataFrame:
    columns = {"l_quantity": _DECIMAL, "l_returnflag": sub.string, "l_orderkey": sub.i64}
    return sub.read_named_table("lineitem", columns)


def _declared_subset(data: Path) -> plan_pb2.Plan:
    return (
        _lineitem()
        .group_by("l_returnflag")
        .agg(sub.f.sum(sub.col("l_quantity")), sub.f.max(sub.col("l_orderkey")))
        .sort("l_returnflag")
        .to_plan()
    )


def _correlated_scalar(data: Path) -> plan_pb2.Plan:
    nation = sub.read_named_table("nation", {"n_name": sub.string, "n_nationkey": sub.i64})
    supplier = sub.read_named_table("supplier", {"s_suppkey": sub.i64, "s_nationkey": sub.i64})
    suppliers = supplier.filter(sub.col("s_nationkey") == sub.outer("n_nationkey")).aggregate(
        (), sub.f.count(sub.col("s_suppkey"))
    )
    return (
        nation.select("n_name", sub.scalar_subquery(suppliers, alias="suppliers"))
        .sort("n_name")
        .to_plan()
    )


def _correlated_exists(data: Path) -> plan_pb2.Plan:
    customer = sub.read_named_table("customer", {"c_custkey": sub.i64})
    orders = sub.read_named_table("orders", {"o_orderkey": sub.i64, "o_custkey": sub.i64}).filter(
        (sub.col("o_custkey") == sub.outer("c_custkey")) & (sub.col("o_orderkey") < sub.lit(200))
    )
    return customer.filter(sub.exists(orders)).sort("c_custkey").to_plan()


def _in_subquery(data: Path) -> plan_pb2.Plan:
    nation = sub.read_named_table("nation", {"n_regionkey": sub.i64, "n_name": sub.string})
    region = sub.read_named_table("region", {"r_name": sub.string, "r_regionkey": sub.i64})
    keys = region.filter(sub.f.starts_with(sub.col("r_name"), sub.lit("A"))).select("r_regionkey")
    return (
        nation.filter(sub.col("n_regionkey").in_subquery(keys))
        .select("n_name")
        .sort("n_name")
        .to_plan()
    )


PLANS: dict[str, Callable[[Path], plan_pb2.Plan]] = {
    "declared-subset": _declared_subset,
    "correlated-scalar": _correlated_scalar,
    "correlated-exists": _correlated_exists,
    "in-subquery": _in_subquery,
}
