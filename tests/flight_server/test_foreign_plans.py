"""Plans written by another Substrait producer (DataFusion), sent by a plain Flight client.

DataFusion plans the TPC-H queries and runs them itself; sparkflight runs
DataFusion's Substrait plans against the same parquet files, registered as temp
views of the server's default session, and must give the same answers.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from pathlib import Path

import datafusion
import pyarrow as pa
import pyarrow.flight as flight
import pytest
from google.protobuf.message import Message
from substrait import algebra_pb2, plan_pb2

from tests import tpch
from tests.flight_server.plan_builder import details as error_details
from tests.plans.unknown_fields import field, with_fields

# DataFusion and Spark round decimal averages and quotients differently in the last digit.
ABSOLUTE_TOLERANCE = 1e-4
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def datafusion_context(tpch_dir: Path) -> datafusion.SessionContext:
    return tpch.datafusion_context(tpch.tables(tpch_dir))


#: Arrow types that are one SQL type in different layouts (DataFusion's views, Spark's
#: plain buffers): the same type for the comparison.
_SAME_TYPE = {pa.large_string(): pa.string(), pa.string_view(): pa.string()}
_SAME_TYPE |= {pa.large_binary(): pa.binary(), pa.binary_view(): pa.binary()}
_RANKING = (pa.int32(), pa.uint64())
#: Column types that differ by each engine's own typing rule, by column: (Spark's type,
#: DataFusion's type). Spark's decimal division keeps 6 fractional digits where a result
#: needs all 38 digits of precision, DataFusion 8. DataFusion's plans declare no type for
#: ranking functions: Spark's are INT, DataFusion's own UINT64 (which Substrait has not).
_KNOWN_TYPE_DIFFERENCES = {
    "mkt_share": (pa.decimal128(38, 6), pa.decimal128(38, 8)),
    **dict.fromkeys(("rn", "r", "d", "t"), _RANKING),
}


def _sql_type(arrow_type: pa.DataType) -> pa.DataType:
    return _SAME_TYPE.get(arrow_type, arrow_type)


def _types(table: pa.Table, engine: int) -> list[pa.DataType]:
    """The Substrait types of ``table``'s columns, a known difference taken as ``engine``'s
    side of it (0: Spark, 1: DataFusion) has it."""
    types = []
    for name, arrow_type in zip(table.column_names, table.schema.types, strict=True):
        known = _KNOWN_TYPE_DIFFERENCES.get(name)
        types.append(known[0] if known is not None and known[engine] == arrow_type else arrow_type)
    return [_sql_type(t) for t in types]


def _same(left: object, right: object) -> bool:
    """Equal values of one type: floats and decimals within the rounding tolerances."""
    if type(left) is not type(right):
        return False
    if isinstance(left, float) and isinstance(right, float):
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE)
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        difference = abs(left - right)
        return difference <= Decimal(str(ABSOLUTE_TOLERANCE)) or difference <= Decimal(
            str(RELATIVE_TOLERANCE)
        ) * max(abs(left), abs(right))
    return left == right


def assert_same_rows(actual: pa.Table, expected: pa.Table) -> None:
    """The same column types (exactly, but for :data:`_SAME_TYPE` and
    :data:`_KNOWN_TYPE_DIFFERENCES`) and the same rows."""
    actual_types, expected_types = _types(actual, 0), _types(expected, 1)
    assert actual_types == expected_types, f"{actual.schema}\n!=\n{expected.schema}"
    actual_rows = [tuple(row.values()) for row in actual.to_pylist()]
    expected_rows = [tuple(row.values()) for row in expected.to_pylist()]
    assert len(actual_rows) == len(expected_rows)
    for index, (got, want) in enumerate(zip(actual_rows, expected_rows, strict=True)):
        assert len(got) == len(want)
        assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (
            f"row {index}: {got} != {want}"
        )


def _run(client: flight.FlightClient, plan: plan_pb2.Plan) -> pa.Table:
    return client.do_get(flight.Ticket(plan.SerializeToString())).read_all()


# Other SQL features, each planned by DataFusion over the TPC-H tables.
FEATURES: dict[str, str] = {
    "values": "select * from (values (1, 'a'), (2, 'b')) t(x, y) order by x",
    "limit-offset": "select n_name from nation order by n_nationkey limit 3 offset 2",
    "in-list": "select n_nationkey, n_name from nation where n_nationkey in (1, 3, 5) order by 1",
    "between": """
        select n_nationkey between 3 and 7 as a, n_nationkey not between 3 and 7 as b
        from nation order by n_nationkey""",
    "strings": """
        select upper(n_name) as u, lower(n_name) as l, length(n_name) as len,
            substr(n_name, 2, 3) as s, character_length(n_name) as c,
            octet_length(n_name) as o, left(n_name, 2) as lf, reverse(n_name) as r,
            concat(n_name, '-', n_comment) as cc, strpos(n_name, 'A') as p
        from nation order by n_nationkey""",
    "concat-operator": """
        select n_name || '-' || r_name as nr
        from nation join region on n_regionkey = r_regionkey order by n_nationkey""",
    "regexp-like": "select regexp_like(n_name, '^A.*') as a from nation order by n_nationkey",
    "count-distinct": """
        select n_regionkey, count(distinct n_name) as c from nation group by n_regionkey
        order by 1""",
    "count-filter": "select count(*) filter (where n_regionkey = 1) as c from nation",
    "window-rows-frame": """
        select n_name,
            sum(n_nationkey) over (order by n_nationkey rows between 1 preceding and current row)
                as s
        from nation order by n_nationkey""",
    "case": """
        select case when n_nationkey < 5 then 'low' when n_nationkey < 10 then 'mid'
            else 'high' end as b, count(*) as c
        from nation group by 1 order by 1""",
    "union-all": """
        select n_nationkey from nation union all select r_regionkey from region order by 1""",
    "union": "select n_regionkey from nation union select r_regionkey from region order by 1",
    "intersect": """
        select n_regionkey from nation intersect select r_regionkey from region order by 1""",
    "except": "select n_nationkey from nation except select r_regionkey from region order by 1",
    "arithmetic": """
        select cast(n_nationkey as double) / 3 as d, n_nationkey / 3 as i, n_nationkey % 3 as m,
            abs(-n_nationkey) as a, round(n_nationkey / 7.0, 2) as r, sqrt(n_nationkey) as s,
            power(n_nationkey, 2) as p, ln(n_nationkey + 1) as ln, log10(n_nationkey + 1) as lg,
            ceil(n_nationkey / 2.0) as c, floor(n_nationkey / 2.0) as f
        from nation order by n_nationkey""",
    "coalesce-nullif": """
        select coalesce(nullif(n_nationkey, 0), -1) as c from nation order by n_nationkey""",
    "greatest-least": """
        select greatest(n_nationkey, n_regionkey) as g, least(n_nationkey, n_regionkey) as l
        from nation order by n_nationkey""",
    "extract": """
        select extract(month from o_orderdate) as m, count(*) as c from orders
        group by 1 order by 1""",
    "casts": """
        select cast(o_orderdate as varchar) as s, cast('2020-01-01' as date) as d,
            cast(o_totalprice as bigint) as i
        from orders order by o_orderkey limit 2""",
    "aggregates": """
        select max(o_totalprice) as mx, min(o_orderdate) as mn, avg(o_totalprice) as av,
            stddev(o_totalprice) as sd, var_samp(o_totalprice) as v,
            stddev_pop(o_totalprice) as sp, corr(o_totalprice, o_custkey) as c,
            sum(case when o_orderstatus = 'F' then 1 end) as f, count(o_comment) as n,
            bool_and(o_totalprice >= 0) as b
        from orders""",
    "scalar-subquery": """
        select n_name, n_regionkey from nation
        where n_regionkey = (select max(r_regionkey) from region) order by 1""",
    "left-join-condition": """
        select count(*) as c from nation
        left join region on n_regionkey = r_regionkey and r_name = 'ASIA'""",
    "full-join": """
        select n_name, r_name from nation full outer join region
        on n_regionkey = r_regionkey + 10 order by 1, 2""",
    "cross-join": """
        select n_name, r_name from nation cross join region where n_nationkey = 0 order by 2""",
    "distinct": "select distinct n_regionkey from nation order by 1",
    "ranking-windows": """
        select n_name,
            row_number() over (partition by n_regionkey order by n_name) as rn,
            rank() over (order by n_regionkey) as r, dense_rank() over (order by n_regionkey) as d,
            ntile(3) over (order by n_nationkey) as t,
            percent_rank() over (order by n_nationkey) as p,
            cume_dist() over (order by n_regionkey) as c
        from nation order by n_name""",
    "offset-windows": """
        select n_nationkey, lag(n_nationkey) over (order by n_nationkey) as lg,
            lead(n_nationkey, 2) over (partition by n_regionkey order by n_nationkey) as ld
        from nation order by n_nationkey""",
    "interval-literals": """
        select o_orderdate + interval '1' day as d, o_orderdate - interval '3' month as m,
            o_orderdate + interval '1 month 2 days' as md
        from orders order by o_orderkey limit 3""",
    "distinct-from": """
        select nullif(n_regionkey, 1) is distinct from 2 as a,
            nullif(n_regionkey, 1) is not distinct from 2 as b
        from nation order by n_nationkey""",
    "truth-tests": """
        select nullif(n_nationkey, 5) > 3 is true as t, nullif(n_nationkey, 5) > 3 is false as f,
            nullif(n_nationkey, 5) > 3 is not true as nt,
            nullif(n_nationkey, 5) > 3 is not false as nf
        from nation order by n_nationkey""",
    "trims": """
        select ltrim(n_name, 'AE') as l, rtrim(n_name, 'AE') as r, btrim(n_name, 'AE') as b,
            trim(both 'A' from n_name) as t
        from nation order by n_nationkey""",
    "trunc": """
        select trunc(o_totalprice) as t, trunc(-o_totalprice) as n,
            trunc(cast(o_totalprice as double) * -1.5) as d
        from orders order by o_orderkey limit 5""",
    "simple-case": """
        select case n_regionkey when 1 then 'one' when 2 then 'two' else 'other' end as c,
            case n_regionkey when 3 then 'three' end as t
        from nation order by n_nationkey""",
    "ordered-string-agg": """
        select n_regionkey, string_agg(n_name, ',' order by n_name desc) as s
        from nation group by n_regionkey order by 1""",
    "rollup": """
        select n_regionkey, count(*) as c, sum(n_nationkey) as s from nation
        group by rollup(n_regionkey) order by 1 nulls last""",
    "self-join": """
        select a.n_name, b.n_name as other from nation a join nation b
        on a.n_nationkey = b.n_regionkey where a.n_nationkey < 3 order by 1, 2""",
    "correlated-exists": """
        select n_name from nation n where exists (
            select 1 from region r where r.r_regionkey = n.n_regionkey and r.r_name like 'A%')
        order by 1""",
    "correlated-scalar": """
        select n_name, (select count(*) from nation m where m.n_regionkey = n.n_regionkey) as c
        from nation n order by 1""",
    "duplicate-names": """
        select n_nationkey + 1 as k, n_nationkey + 1 as k2, n_nationkey as k3
        from nation where n_nationkey < 4 order by 1""",
    "grouping-sets": """
        select n_regionkey, n_name, count(*) as c from nation
        group by grouping sets ((n_regionkey), (n_name), ()) order by 1 nulls last, 2 nulls last""",
}


@pytest.mark.parametrize(
    "number",
    sorted(tpch.QUERIES),
    ids=lambda n: f"q{n:02d}",
)
def test_tpch_query(
    number: int,
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    sql = tpch.QUERIES[number]
    plan = tpch.datafusion_plan(datafusion_context, sql)
    expected = datafusion_context.sql(sql).to_arrow_table()
    assert expected.num_rows > 0

    actual = _run(flight_client, plan)

    assert actual.column_names == list(plan.relations[0].root.names)
    assert actual.column_names == expected.column_names
    assert_same_rows(actual, expected)


@pytest.mark.parametrize("sql", FEATURES.values(), ids=FEATURES.keys())
def test_sql_feature(
    sql: str,
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    plan = tpch.datafusion_plan(datafusion_context, sql)
    actual = _run(flight_client, plan)
    assert actual.column_names == list(plan.relations[0].root.names)
    assert_same_rows(actual, datafusion_context.sql(sql).to_arrow_table())


def test_flight_info_and_schema(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    plan = tpch.datafusion_plan(datafusion_context, tpch.QUERIES[1])
    descriptor = flight.FlightDescriptor.for_command(plan.SerializeToString())

    schema = flight_client.get_schema(descriptor).schema
    info = flight_client.get_flight_info(descriptor)
    assert info.schema == schema
    assert schema.names == list(plan.relations[0].root.names)
    assert schema.field("l_returnflag").type == pa.string()
    assert schema.field("count_order").type == pa.int64()
    assert pa.types.is_decimal(schema.field("sum_qty").type)

    assert len(info.endpoints) == 1
    table = flight_client.do_get(info.endpoints[0].ticket).read_all()
    assert table.schema == schema
    assert_same_rows(table, datafusion_context.sql(tpch.QUERIES[1]).to_arrow_table())


def test_datafusion_reads_dates_as_spark_does(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    """A date column survives the round trip as a date, not a timestamp or string."""
    sql = "select o_orderdate from orders order by o_orderkey limit 3"
    actual = _run(flight_client, tpch.datafusion_plan(datafusion_context, sql))
    assert actual.schema.field(0).type == pa.date32()
    assert all(isinstance(v, datetime.date) for v in actual.column(0).to_pylist())
    assert_same_rows(actual, datafusion_context.sql(sql).to_arrow_table())


def test_aggregate_without_ordering_refuses_sorts(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    """An aggregate that cannot be ordered is refused rather than answered unordered."""
    sql = "select array_agg(n_name order by n_name) as s from nation"
    with pytest.raises(pa.ArrowInvalid) as raised:
        _run(flight_client, tpch.datafusion_plan(datafusion_context, sql))
    details = error_details(raised.value)
    assert details.exception_class == "AnalysisException"
    assert "WITHIN GROUP" in details.message


def _messages(message: Message, kind: type[Message]) -> list[Message]:
    """Every message of type ``kind`` inside ``message``, as references to modify in place."""
    found = []
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        for item in value if descriptor.is_repeated else [value]:
            if isinstance(item, kind):
                found.append(item)
            found.extend(_messages(item, kind))
    return found


def _with_legacy_encodings(plan: plan_pb2.Plan) -> plan_pb2.Plan:
    """``plan`` rewritten with the pre-URN fields older producers send instead of current ones."""
    legacy = plan_pb2.Plan()
    legacy.CopyFrom(plan)
    for fetch in _messages(legacy, algebra_pb2.FetchRel):
        count = fetch.count_expr.literal.i64
        fetch.ClearField("count_expr")
        fetch.CopyFrom(with_fields(fetch, field(4, count)))
    for aggregate in _messages(legacy, algebra_pb2.AggregateRel):
        # DataFusion also sends each grouping's expressions in the legacy field.
        for grouping in aggregate.groupings:
            grouping.ClearField("expression_references")
        aggregate.ClearField("grouping_expressions")
    for declaration in legacy.extensions:
        function = declaration.extension_function
        function.ClearField("extension_urn_reference")
        function.CopyFrom(with_fields(function, field(1, 7)))
    uri = field(1, field(1, 7) + field(2, b"/functions_arithmetic.yaml"))
    return with_fields(legacy, uri)


def test_legacy_encodings(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    """Legacy fetch counts, per-grouping expressions and extension URIs give the same answer."""
    plan = _with_legacy_encodings(tpch.datafusion_plan(datafusion_context, tpch.QUERIES[3]))
    assert not _messages(plan, algebra_pb2.FetchRel)[0].HasField("count_expr")
    actual = _run(flight_client, plan)
    assert_same_rows(actual, datafusion_context.sql(tpch.QUERIES[3]).to_arrow_table())


def test_unknown_field_is_refused(
    flight_client: flight.FlightClient,
    datafusion_context: datafusion.SessionContext,
    tpch_views: None,
) -> None:
    plan = tpch.datafusion_plan(datafusion_context, tpch.QUERIES[3])
    fetch = _messages(plan, algebra_pb2.FetchRel)[0]
    fetch.CopyFrom(with_fields(fetch, field(9, 1)))
    with pytest.raises(pa.ArrowInvalid) as raised:
        _run(flight_client, plan)
    details = error_details(raised.value)
    assert details.error_class == "INVALID_PLAN"
    assert "substrait.FetchRel has unknown field 9" in details.message
