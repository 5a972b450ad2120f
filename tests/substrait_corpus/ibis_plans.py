"""Plans compiled by ibis-substrait from ibis expressions, by the name of the corpus query
each answers. Tables declare only the columns the expressions use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import ibis
from ibis_substrait.compiler.core import SubstraitCompiler

_MONEY = "decimal(15,2)"


def _lineitem() -> Any:
    columns = {
        "l_returnflag": "string",
        "l_linestatus": "string",
        "l_quantity": _MONEY,
        "l_extendedprice": _MONEY,
        "l_discount": _MONEY,
        "l_tax": _MONEY,
        "l_shipdate": "date",
        "l_orderkey": "int64",
    }
    return ibis.table(columns, name="lineitem")


def _nation() -> Any:
    return ibis.table(
        {"n_name": "string", "n_nationkey": "int64", "n_regionkey": "int64"}, name="nation"
    )


def _declared_subset() -> Any:
    t = _lineitem()
    return (
        t.group_by("l_returnflag")
        .aggregate(quantity=t.l_quantity.sum(), last_order=t.l_orderkey.max())
        .order_by("l_returnflag")
    )


def _q06() -> Any:
    t = _lineitem()
    rows = t.filter(
        t.l_shipdate >= date(1994, 1, 1),
        t.l_shipdate < date(1995, 1, 1),
        t.l_discount.between(0.05, 0.07),
        t.l_quantity < 24,
    )
    return rows.aggregate(revenue=(rows.l_extendedprice * rows.l_discount).sum())


def _having() -> Any:
    t = ibis.table({"c_custkey": "int64", "c_nationkey": "int64"}, name="customer")
    counted = t.group_by("c_nationkey").aggregate(customers=t.count())
    return counted.filter(counted.customers > 60).order_by("c_nationkey")


def _count_distinct() -> Any:
    t = ibis.table({"o_orderstatus": "string", "o_custkey": "int64"}, name="orders")
    return (
        t.group_by("o_orderstatus")
        .aggregate(customers=t.o_custkey.nunique())
        .order_by("o_orderstatus")
    )


def _in_list() -> Any:
    t = _nation()
    return t.filter(t.n_nationkey.isin([2, 4, 8, 16])).select("n_name").order_by("n_name")


def _limit_offset() -> Any:
    t = _nation()
    return t.order_by("n_nationkey").select("n_name").limit(5, offset=3)


def _union_all() -> Any:
    n = _nation()
    r = ibis.table({"r_regionkey": "int64", "r_name": "string"}, name="region")
    both = n.select(k=n.n_regionkey).union(r.select(k=r.r_regionkey), distinct=False)
    return both.order_by("k")


EXPRESSIONS: dict[str, Callable[[], Any]] = {
    "declared-subset": _declared_subset,
    "tpch-q06": _q06,
    "having": _having,
    "count-distinct": _count_distinct,
    "in-list": _in_list,
    "limit-offset": _limit_offset,
    "union-all": _union_all,
}


def plans() -> dict[str, Callable[[], bytes]]:
    """Each expression's plan, compiled on call."""
    return {
        name: lambda build=build: SubstraitCompiler().compile(build()).SerializeToString()
        for name, build in EXPRESSIONS.items()
    }
