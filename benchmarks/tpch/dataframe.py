"""The 22 TPC-H queries written once with the DataFrame API.

Each query takes the eight tables as DataFrames and a ``functions`` module (PySpark's
or sparkflight's client's), so the same code runs on classic PySpark, the Spark Connect
client and the sparkflight client. Columns are referred to by unique names only, and
each query's columns come out in the order of its SQL text in :mod:`.sql`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from types import ModuleType
from typing import Any

Tables = dict[str, Any]
Query = Callable[[Tables, ModuleType], Any]


def _revenue(F: ModuleType) -> Any:
    return F.col("l_extendedprice") * (1 - F.col("l_discount"))


def _between_dates(F: ModuleType, column: str, start: date, end: date) -> Any:
    """``start <= column < end``."""
    return (F.col(column) >= F.lit(start)) & (F.col(column) < F.lit(end))


def _renamed(df: Any, F: ModuleType, **names: str) -> Any:
    """``df`` reduced to the columns named by the values of ``names``, renamed to the keys."""
    return df.select(*(F.col(old).alias(new) for new, old in names.items()))


def q1(t: Tables, F: ModuleType) -> Any:
    disc_price = _revenue(F)
    return (
        t["lineitem"]
        .filter(F.col("l_shipdate") <= F.lit(date(1998, 9, 2)))
        .groupBy("l_returnflag", "l_linestatus")
        .agg(
            F.sum("l_quantity").alias("sum_qty"),
            F.sum("l_extendedprice").alias("sum_base_price"),
            F.sum(disc_price).alias("sum_disc_price"),
            F.sum(disc_price * (1 + F.col("l_tax"))).alias("sum_charge"),
            F.avg("l_quantity").alias("avg_qty"),
            F.avg("l_extendedprice").alias("avg_price"),
            F.avg("l_discount").alias("avg_disc"),
            F.count(F.lit(1)).alias("count_order"),
        )
        .orderBy("l_returnflag", "l_linestatus")
    )


def q2(t: Tables, F: ModuleType) -> Any:
    europe = (
        t["region"]
        .filter(F.col("r_name") == "EUROPE")
        .join(t["nation"], F.col("r_regionkey") == F.col("n_regionkey"))
        .join(t["supplier"], F.col("n_nationkey") == F.col("s_nationkey"))
        .join(t["partsupp"], F.col("s_suppkey") == F.col("ps_suppkey"))
    )
    cheapest = europe.groupBy("ps_partkey").agg(F.min("ps_supplycost").alias("min_cost"))
    cheapest = _renamed(cheapest, F, min_partkey="ps_partkey", min_cost="min_cost")
    brass = t["part"].filter((F.col("p_size") == 15) & F.col("p_type").endswith("BRASS"))
    return (
        brass.join(europe, F.col("p_partkey") == F.col("ps_partkey"))
        .join(
            cheapest,
            (F.col("ps_partkey") == F.col("min_partkey"))
            & (F.col("ps_supplycost") == F.col("min_cost")),
        )
        .select(
            "s_acctbal",
            "s_name",
            "n_name",
            "p_partkey",
            "p_mfgr",
            "s_address",
            "s_phone",
            "s_comment",
        )
        .orderBy(F.col("s_acctbal").desc(), "n_name", "s_name", "p_partkey")
        .limit(100)
    )


def q3(t: Tables, F: ModuleType) -> Any:
    day = F.lit(date(1995, 3, 15))
    return (
        t["customer"]
        .filter(F.col("c_mktsegment") == "BUILDING")
        .join(
            t["orders"].filter(F.col("o_orderdate") < day), F.col("c_custkey") == F.col("o_custkey")
        )
        .join(
            t["lineitem"].filter(F.col("l_shipdate") > day),
            F.col("l_orderkey") == F.col("o_orderkey"),
        )
        .groupBy("l_orderkey", "o_orderdate", "o_shippriority")
        .agg(F.sum(_revenue(F)).alias("revenue"))
        .select("l_orderkey", "revenue", "o_orderdate", "o_shippriority")
        .orderBy(F.col("revenue").desc(), "o_orderdate")
        .limit(10)
    )


def q4(t: Tables, F: ModuleType) -> Any:
    late = t["lineitem"].filter(F.col("l_commitdate") < F.col("l_receiptdate"))
    return (
        t["orders"]
        .filter(_between_dates(F, "o_orderdate", date(1993, 7, 1), date(1993, 10, 1)))
        .join(late, F.col("o_orderkey") == F.col("l_orderkey"), "left_semi")
        .groupBy("o_orderpriority")
        .agg(F.count(F.lit(1)).alias("order_count"))
        .orderBy("o_orderpriority")
    )


def q5(t: Tables, F: ModuleType) -> Any:
    return (
        t["region"]
        .filter(F.col("r_name") == "ASIA")
        .join(t["nation"], F.col("r_regionkey") == F.col("n_regionkey"))
        .join(t["supplier"], F.col("n_nationkey") == F.col("s_nationkey"))
        .join(t["lineitem"], F.col("s_suppkey") == F.col("l_suppkey"))
        .join(
            t["orders"].filter(
                _between_dates(F, "o_orderdate", date(1994, 1, 1), date(1995, 1, 1))
            ),
            F.col("l_orderkey") == F.col("o_orderkey"),
        )
        .join(
            t["customer"],
            (F.col("o_custkey") == F.col("c_custkey"))
            & (F.col("c_nationkey") == F.col("s_nationkey")),
        )
        .groupBy("n_name")
        .agg(F.sum(_revenue(F)).alias("revenue"))
        .orderBy(F.col("revenue").desc())
    )


def q6(t: Tables, F: ModuleType) -> Any:
    return (
        t["lineitem"]
        .filter(
            _between_dates(F, "l_shipdate", date(1994, 1, 1), date(1995, 1, 1))
            & F.col("l_discount").between(F.lit(Decimal("0.05")), F.lit(Decimal("0.07")))
            & (F.col("l_quantity") < 24)
        )
        .agg(F.sum(F.col("l_extendedprice") * F.col("l_discount")).alias("revenue"))
    )


def q7(t: Tables, F: ModuleType) -> Any:
    supp_nation = _renamed(t["nation"], F, supp_nationkey="n_nationkey", supp_nation="n_name")
    cust_nation = _renamed(t["nation"], F, cust_nationkey="n_nationkey", cust_nation="n_name")
    shipped = t["lineitem"].filter(
        F.col("l_shipdate").between(F.lit(date(1995, 1, 1)), F.lit(date(1996, 12, 31)))
    )
    pair = ((F.col("supp_nation") == "FRANCE") & (F.col("cust_nation") == "GERMANY")) | (
        (F.col("supp_nation") == "GERMANY") & (F.col("cust_nation") == "FRANCE")
    )
    return (
        t["supplier"]
        .join(shipped, F.col("s_suppkey") == F.col("l_suppkey"))
        .join(t["orders"], F.col("o_orderkey") == F.col("l_orderkey"))
        .join(t["customer"], F.col("c_custkey") == F.col("o_custkey"))
        .join(supp_nation, F.col("s_nationkey") == F.col("supp_nationkey"))
        .join(cust_nation, F.col("c_nationkey") == F.col("cust_nationkey"))
        .filter(pair)
        .select(
            "supp_nation",
            "cust_nation",
            F.year("l_shipdate").alias("l_year"),
            _revenue(F).alias("volume"),
        )
        .groupBy("supp_nation", "cust_nation", "l_year")
        .agg(F.sum("volume").alias("revenue"))
        .orderBy("supp_nation", "cust_nation", "l_year")
    )


def q8(t: Tables, F: ModuleType) -> Any:
    customer_nation = _renamed(
        t["nation"], F, cust_nationkey="n_nationkey", cust_regionkey="n_regionkey"
    )
    supp_nation = _renamed(t["nation"], F, supp_nationkey="n_nationkey", nation="n_name")
    america = t["region"].filter(F.col("r_name") == "AMERICA")
    orders = t["orders"].filter(
        F.col("o_orderdate").between(F.lit(date(1995, 1, 1)), F.lit(date(1996, 12, 31)))
    )
    brazil = F.when(F.col("nation") == "BRAZIL", F.col("volume")).otherwise(0)
    return (
        t["part"]
        .filter(F.col("p_type") == "ECONOMY ANODIZED STEEL")
        .join(t["lineitem"], F.col("p_partkey") == F.col("l_partkey"))
        .join(t["supplier"], F.col("s_suppkey") == F.col("l_suppkey"))
        .join(orders, F.col("l_orderkey") == F.col("o_orderkey"))
        .join(t["customer"], F.col("o_custkey") == F.col("c_custkey"))
        .join(customer_nation, F.col("c_nationkey") == F.col("cust_nationkey"))
        .join(america, F.col("cust_regionkey") == F.col("r_regionkey"))
        .join(supp_nation, F.col("s_nationkey") == F.col("supp_nationkey"))
        .select(F.year("o_orderdate").alias("o_year"), _revenue(F).alias("volume"), "nation")
        .groupBy("o_year")
        .agg((F.sum(brazil) / F.sum("volume")).alias("mkt_share"))
        .orderBy("o_year")
    )


def q9(t: Tables, F: ModuleType) -> Any:
    amount = _revenue(F) - F.col("ps_supplycost") * F.col("l_quantity")
    return (
        t["part"]
        .filter(F.col("p_name").contains("green"))
        .join(t["lineitem"], F.col("p_partkey") == F.col("l_partkey"))
        .join(t["supplier"], F.col("s_suppkey") == F.col("l_suppkey"))
        .join(
            t["partsupp"],
            (F.col("ps_suppkey") == F.col("l_suppkey"))
            & (F.col("ps_partkey") == F.col("l_partkey")),
        )
        .join(t["orders"], F.col("o_orderkey") == F.col("l_orderkey"))
        .join(t["nation"], F.col("s_nationkey") == F.col("n_nationkey"))
        .select(
            F.col("n_name").alias("nation"),
            F.year("o_orderdate").alias("o_year"),
            amount.alias("amount"),
        )
        .groupBy("nation", "o_year")
        .agg(F.sum("amount").alias("sum_profit"))
        .orderBy("nation", F.col("o_year").desc())
    )


def q10(t: Tables, F: ModuleType) -> Any:
    return (
        t["customer"]
        .join(
            t["orders"].filter(
                _between_dates(F, "o_orderdate", date(1993, 10, 1), date(1994, 1, 1))
            ),
            F.col("c_custkey") == F.col("o_custkey"),
        )
        .join(
            t["lineitem"].filter(F.col("l_returnflag") == "R"),
            F.col("l_orderkey") == F.col("o_orderkey"),
        )
        .join(t["nation"], F.col("c_nationkey") == F.col("n_nationkey"))
        .groupBy("c_custkey", "c_name", "c_acctbal", "c_phone", "n_name", "c_address", "c_comment")
        .agg(F.sum(_revenue(F)).alias("revenue"))
        .select(
            "c_custkey",
            "c_name",
            "revenue",
            "c_acctbal",
            "n_name",
            "c_address",
            "c_phone",
            "c_comment",
        )
        .orderBy(F.col("revenue").desc())
        .limit(20)
    )


def q11(t: Tables, F: ModuleType) -> Any:
    german = (
        t["nation"]
        .filter(F.col("n_name") == "GERMANY")
        .join(t["supplier"], F.col("n_nationkey") == F.col("s_nationkey"))
        .join(t["partsupp"], F.col("s_suppkey") == F.col("ps_suppkey"))
        .select("ps_partkey", (F.col("ps_supplycost") * F.col("ps_availqty")).alias("stock"))
    )
    threshold = german.agg((F.sum("stock") * F.lit(Decimal("0.0001"))).alias("threshold"))
    return (
        german.groupBy("ps_partkey")
        .agg(F.sum("stock").alias("value"))
        .crossJoin(threshold)
        .filter(F.col("value") > F.col("threshold"))
        .select("ps_partkey", "value")
        .orderBy(F.col("value").desc())
    )


def q12(t: Tables, F: ModuleType) -> Any:
    urgent = F.col("o_orderpriority").isin("1-URGENT", "2-HIGH")
    lines = t["lineitem"].filter(
        F.col("l_shipmode").isin("MAIL", "SHIP")
        & (F.col("l_commitdate") < F.col("l_receiptdate"))
        & (F.col("l_shipdate") < F.col("l_commitdate"))
        & _between_dates(F, "l_receiptdate", date(1994, 1, 1), date(1995, 1, 1))
    )
    return (
        t["orders"]
        .join(lines, F.col("o_orderkey") == F.col("l_orderkey"))
        .groupBy("l_shipmode")
        .agg(
            F.sum(F.when(urgent, 1).otherwise(0)).alias("high_line_count"),
            F.sum(F.when(~urgent, 1).otherwise(0)).alias("low_line_count"),
        )
        .orderBy("l_shipmode")
    )


def q13(t: Tables, F: ModuleType) -> Any:
    orders = t["orders"].filter(~F.col("o_comment").like("%special%requests%"))
    return (
        t["customer"]
        .join(orders, F.col("c_custkey") == F.col("o_custkey"), "left")
        .groupBy("c_custkey")
        .agg(F.count("o_orderkey").alias("c_count"))
        .groupBy("c_count")
        .agg(F.count(F.lit(1)).alias("custdist"))
        .orderBy(F.col("custdist").desc(), F.col("c_count").desc())
    )


def q14(t: Tables, F: ModuleType) -> Any:
    promo = F.when(F.col("p_type").startswith("PROMO"), _revenue(F)).otherwise(0)
    return (
        t["lineitem"]
        .filter(_between_dates(F, "l_shipdate", date(1995, 9, 1), date(1995, 10, 1)))
        .join(t["part"], F.col("l_partkey") == F.col("p_partkey"))
        .agg((F.lit(Decimal("100.00")) * F.sum(promo) / F.sum(_revenue(F))).alias("promo_revenue"))
    )


def q15(t: Tables, F: ModuleType) -> Any:
    revenue = (
        t["lineitem"]
        .filter(_between_dates(F, "l_shipdate", date(1996, 1, 1), date(1996, 4, 1)))
        .groupBy("l_suppkey")
        .agg(F.sum(_revenue(F)).alias("total_revenue"))
    )
    top = revenue.agg(F.max("total_revenue").alias("max_revenue"))
    return (
        t["supplier"]
        .join(revenue, F.col("s_suppkey") == F.col("l_suppkey"))
        .join(top, F.col("total_revenue") == F.col("max_revenue"))
        .select("s_suppkey", "s_name", "s_address", "s_phone", "total_revenue")
        .orderBy("s_suppkey")
    )


def q16(t: Tables, F: ModuleType) -> Any:
    complaints = _renamed(
        t["supplier"].filter(F.col("s_comment").like("%Customer%Complaints%")),
        F,
        bad_suppkey="s_suppkey",
    )
    parts = t["part"].filter(
        (F.col("p_brand") != "Brand#45")
        & ~F.col("p_type").startswith("MEDIUM POLISHED")
        & F.col("p_size").isin(49, 14, 23, 45, 19, 3, 36, 9)
    )
    return (
        t["partsupp"]
        .join(parts, F.col("ps_partkey") == F.col("p_partkey"))
        .join(complaints, F.col("ps_suppkey") == F.col("bad_suppkey"), "left_anti")
        .groupBy("p_brand", "p_type", "p_size")
        .agg(F.countDistinct("ps_suppkey").alias("supplier_cnt"))
        .orderBy(F.col("supplier_cnt").desc(), "p_brand", "p_type", "p_size")
    )


def q17(t: Tables, F: ModuleType) -> Any:
    parts = t["part"].filter((F.col("p_brand") == "Brand#23") & (F.col("p_container") == "MED BOX"))
    small = (
        t["lineitem"]
        .groupBy("l_partkey")
        .agg((F.lit(Decimal("0.2")) * F.avg("l_quantity")).alias("small_quantity"))
    )
    small = _renamed(small, F, small_partkey="l_partkey", small_quantity="small_quantity")
    return (
        t["lineitem"]
        .join(parts, F.col("l_partkey") == F.col("p_partkey"))
        .join(small, F.col("p_partkey") == F.col("small_partkey"))
        .filter(F.col("l_quantity") < F.col("small_quantity"))
        .agg((F.sum("l_extendedprice") / F.lit(Decimal("7.0"))).alias("avg_yearly"))
    )


def q18(t: Tables, F: ModuleType) -> Any:
    large = (
        t["lineitem"]
        .groupBy("l_orderkey")
        .agg(F.sum("l_quantity").alias("order_quantity"))
        .filter(F.col("order_quantity") > 300)
    )
    large = _renamed(large, F, large_orderkey="l_orderkey")
    return (
        t["customer"]
        .join(t["orders"], F.col("c_custkey") == F.col("o_custkey"))
        .join(large, F.col("o_orderkey") == F.col("large_orderkey"), "left_semi")
        .join(t["lineitem"], F.col("o_orderkey") == F.col("l_orderkey"))
        .groupBy("c_name", "c_custkey", "o_orderkey", "o_orderdate", "o_totalprice")
        .agg(F.sum("l_quantity").alias("sum_quantity"))
        .orderBy(F.col("o_totalprice").desc(), "o_orderdate")
        .limit(100)
    )


def q19(t: Tables, F: ModuleType) -> Any:
    def kind(brand: str, containers: tuple[str, ...], low: int, size: int) -> Any:
        return (
            (F.col("p_brand") == brand)
            & F.col("p_container").isin(*containers)
            & F.col("l_quantity").between(low, low + 10)
            & F.col("p_size").between(1, size)
        )

    return (
        t["lineitem"]
        .filter(
            F.col("l_shipmode").isin("AIR", "AIR REG")
            & (F.col("l_shipinstruct") == "DELIVER IN PERSON")
        )
        .join(t["part"], F.col("l_partkey") == F.col("p_partkey"))
        .filter(
            kind("Brand#12", ("SM CASE", "SM BOX", "SM PACK", "SM PKG"), 1, 5)
            | kind("Brand#23", ("MED BAG", "MED BOX", "MED PKG", "MED PACK"), 10, 10)
            | kind("Brand#34", ("LG CASE", "LG BOX", "LG PACK", "LG PKG"), 20, 15)
        )
        .agg(F.sum(_revenue(F)).alias("revenue"))
    )


def q20(t: Tables, F: ModuleType) -> Any:
    forest = t["part"].filter(F.col("p_name").startswith("forest"))
    shipped = (
        t["lineitem"]
        .filter(_between_dates(F, "l_shipdate", date(1994, 1, 1), date(1995, 1, 1)))
        .groupBy("l_partkey", "l_suppkey")
        .agg((F.lit(Decimal("0.5")) * F.sum("l_quantity")).alias("half_quantity"))
    )
    shipped = _renamed(
        shipped, F, q_partkey="l_partkey", q_suppkey="l_suppkey", half_quantity="half_quantity"
    )
    candidates = (
        t["partsupp"]
        .join(forest, F.col("ps_partkey") == F.col("p_partkey"), "left_semi")
        .join(
            shipped,
            (F.col("ps_partkey") == F.col("q_partkey"))
            & (F.col("ps_suppkey") == F.col("q_suppkey")),
        )
        .filter(F.col("ps_availqty") > F.col("half_quantity"))
    )
    return (
        t["supplier"]
        .join(
            t["nation"].filter(F.col("n_name") == "CANADA"),
            F.col("s_nationkey") == F.col("n_nationkey"),
        )
        .join(candidates, F.col("s_suppkey") == F.col("ps_suppkey"), "left_semi")
        .select("s_name", "s_address")
        .orderBy("s_name")
    )


def q21(t: Tables, F: ModuleType) -> Any:
    late = F.col("l_receiptdate") > F.col("l_commitdate")
    others = _renamed(t["lineitem"], F, l2_orderkey="l_orderkey", l2_suppkey="l_suppkey")
    late_others = _renamed(
        t["lineitem"].filter(late), F, l3_orderkey="l_orderkey", l3_suppkey="l_suppkey"
    )
    return (
        t["supplier"]
        .join(
            t["nation"].filter(F.col("n_name") == "SAUDI ARABIA"),
            F.col("s_nationkey") == F.col("n_nationkey"),
        )
        .join(t["lineitem"].filter(late), F.col("s_suppkey") == F.col("l_suppkey"))
        .join(
            t["orders"].filter(F.col("o_orderstatus") == "F"),
            F.col("o_orderkey") == F.col("l_orderkey"),
        )
        .join(
            others,
            (F.col("l2_orderkey") == F.col("l_orderkey"))
            & (F.col("l2_suppkey") != F.col("l_suppkey")),
            "left_semi",
        )
        .join(
            late_others,
            (F.col("l3_orderkey") == F.col("l_orderkey"))
            & (F.col("l3_suppkey") != F.col("l_suppkey")),
            "left_anti",
        )
        .groupBy("s_name")
        .agg(F.count(F.lit(1)).alias("numwait"))
        .orderBy(F.col("numwait").desc(), "s_name")
        .limit(100)
    )


def q22(t: Tables, F: ModuleType) -> Any:
    codes = ("13", "31", "23", "29", "30", "18", "17")
    customers = (
        t["customer"]
        .select(F.substring("c_phone", 1, 2).alias("cntrycode"), "c_acctbal", "c_custkey")
        .filter(F.col("cntrycode").isin(*codes))
    )
    average = customers.filter(F.col("c_acctbal") > F.lit(Decimal("0.00"))).agg(
        F.avg("c_acctbal").alias("avg_acctbal")
    )
    return (
        customers.crossJoin(average)
        .filter(F.col("c_acctbal") > F.col("avg_acctbal"))
        .join(t["orders"], F.col("c_custkey") == F.col("o_custkey"), "left_anti")
        .groupBy("cntrycode")
        .agg(F.count(F.lit(1)).alias("numcust"), F.sum("c_acctbal").alias("totacctbal"))
        .orderBy("cntrycode")
    )


QUERIES: dict[int, Query] = {
    number: query
    for number, query in enumerate(
        (
            q1,
            q2,
            q3,
            q4,
            q5,
            q6,
            q7,
            q8,
            q9,
            q10,
            q11,
            q12,
            q13,
            q14,
            q15,
            q16,
            q17,
            q18,
            q19,
            q20,
            q21,
            q22,
        ),
        start=1,
    )
}
