"""Feature-focused SQL over the TPC-H tables, in the dialect DuckDB, DataFusion and Spark
share: each producer plans what it can of these and of the 22 TPC-H queries.

Plain data (no imports): the plan generator loads this file in any Python environment.
Every query orders its result completely, so that answers compare row by row.
"""

FEATURES: dict[str, str] = {
    "declared-subset": """
        select l_returnflag, sum(l_quantity) as quantity, max(l_orderkey) as last_order
        from lineitem group by l_returnflag order by l_returnflag""",
    "correlated-scalar": """
        select n_name,
            (select count(*) from supplier where s_nationkey = n_nationkey) as suppliers
        from nation order by n_name""",
    "correlated-exists": """
        select c_custkey from customer
        where exists (
            select * from orders where o_custkey = c_custkey and o_orderkey < 200)
        order by c_custkey""",
    "not-exists": """
        select r_name from region
        where not exists (select * from nation where n_regionkey = r_regionkey and n_name like 'A%')
        order by r_name""",
    "in-subquery": """
        select n_name from nation
        where n_regionkey in (select r_regionkey from region where r_name like 'A%')
        order by n_name""",
    "window-rank": """
        select n_regionkey, n_name,
            row_number() over (partition by n_regionkey order by n_name) as rn,
            sum(n_nationkey) over (partition by n_regionkey) as total
        from nation order by n_regionkey, n_name""",
    "window-running": """
        select o_orderkey, sum(o_totalprice) over (order by o_orderkey
            rows between unbounded preceding and current row) as running
        from orders where o_orderkey < 100 order by o_orderkey""",
    "union": """
        select n_name as name from nation where n_regionkey = 1
        union select r_name from region order by name""",
    "union-all": """
        select n_regionkey as k from nation union all select r_regionkey from region order by k""",
    "intersect": """
        select n_regionkey as k from nation intersect select r_regionkey from region order by k""",
    "except": """
        select n_nationkey as k from nation except select r_regionkey from region order by k""",
    "nulls": """
        select n_nationkey,
            case when n_nationkey % 3 = 0 then null else n_name end as maybe,
            coalesce(nullif(n_regionkey, 1), -1) as region
        from nation order by n_nationkey""",
    "is-null": """
        select count(*) as n from (
            select case when n_nationkey % 4 = 0 then null else n_nationkey end as k
            from nation) t
        where k is null""",
    "decimals": """
        select l_orderkey, l_linenumber, l_extendedprice * (1 - l_discount) as price,
            l_quantity + l_tax as q, -l_discount as negated
        from lineitem where l_orderkey < 8 order by l_orderkey, l_linenumber""",
    "decimal-aggregates": """
        select l_returnflag, sum(l_extendedprice) as total, min(l_discount) as lo,
            max(l_tax) as hi
        from lineitem group by l_returnflag order by l_returnflag""",
    "dates": """
        select o_orderkey, o_orderdate, extract(year from o_orderdate) as y,
            extract(month from o_orderdate) as m
        from orders where o_orderdate between date '1995-01-01' and date '1995-01-10'
        order by o_orderkey""",
    "date-intervals": """
        select o_orderkey, cast(o_orderdate + interval '1' month as date) as next_month,
            cast(o_orderdate - interval '3' day as date) as before
        from orders where o_orderkey < 40 order by o_orderkey""",
    "strings": """
        select n_name, upper(n_name) as u, lower(n_name) as l, substring(n_name, 2, 3) as s,
            length(n_name) as len, n_name like '%AN%' as has_an
        from nation order by n_name""",
    "string-concat": """
        select n_name || ', ' || r_name as place
        from nation join region on n_regionkey = r_regionkey order by place""",
    "having": """
        select c_nationkey, count(*) as customers from customer
        group by c_nationkey having count(*) > 60 order by c_nationkey""",
    "count-distinct": """
        select o_orderstatus, count(distinct o_custkey) as customers
        from orders group by o_orderstatus order by o_orderstatus""",
    "left-join": """
        select r_name, n_name from region left join nation
            on r_regionkey = n_regionkey and n_name like 'I%'
        order by r_name, n_name""",
    "limit-offset": "select n_name from nation order by n_nationkey limit 5 offset 3",
    "in-list": "select n_name from nation where n_nationkey in (2, 4, 8, 16) order by n_name",
    "case-between": """
        select n_nationkey, case when n_nationkey between 5 and 10 then 'mid'
            when n_nationkey < 5 then 'low' else 'high' end as band
        from nation order by n_nationkey""",
}
