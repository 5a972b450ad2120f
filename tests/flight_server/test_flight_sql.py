"""Flight SQL through real, independent clients against the test run's server.

The ADBC Flight SQL driver (directly, and through pandas and polars) and flightsql-dbapi
talk to the server; results are compared with the same SQL on in-process Spark.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import adbc_driver_flightsql
import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from flightsql import FlightSQLClient
from flightsql import connect as flightsql_connect
from pyspark.sql import SparkSession

from tests.flight_server.plan_builder import Plans, table

# Queries whose results come from expressions alone, so that in-process Spark gives the same.
QUERIES = [
    "SELECT 1 AS one, 'a' AS letter, CAST(2.5 AS DOUBLE) AS x",
    "SELECT id, id * 2 AS twice, CAST(id AS STRING) AS s FROM range(10) ORDER BY id",
    "SELECT CAST(NULL AS INT) AS n, DATE '2024-02-29' AS d, TIMESTAMP '2024-01-01 12:00:00' AS t",
    "SELECT CAST(1.25 AS DECIMAL(10, 2)) AS dec, array(1, 2) AS arr, named_struct('a', 1) AS st",
    "SELECT k, count(*) AS c FROM VALUES (1), (2), (2), (3) AS v(k) GROUP BY k ORDER BY k",
]


@pytest.fixture(scope="module")
def conn(server_url: str) -> Iterator[Any]:
    """An ADBC Flight SQL connection to the server."""
    connection = adbc.connect(server_url, autocommit=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def names(conn: Any) -> Iterator[str]:
    """A prefix for this run's table names; the tables are dropped at the end."""
    prefix = f"fsql_{uuid.uuid4().hex[:8]}"
    yield prefix
    with conn.cursor() as cur:
        cur.execute(f"SHOW TABLES LIKE '{prefix}*'")
        for _, name, temporary in cur.fetchall():
            cur.execute(f"DROP {'VIEW' if temporary else 'TABLE'} IF EXISTS `{name}`")
            cur.fetchall()


def _arrow(conn: Any, sql: str, parameters: Any = None) -> pa.Table:
    with conn.cursor() as cur:
        cur.execute(sql, parameters)
        return cur.fetch_arrow_table()


def _spark(classic: SparkSession, sql: str, args: list[Any] | None = None) -> pa.Table:
    return classic.sql(sql, args=args).toArrow()


@pytest.mark.parametrize("sql", QUERIES)
def test_execute_matches_spark(conn: Any, classic: SparkSession, sql: str) -> None:
    assert _arrow(conn, sql).equals(_spark(classic, sql))


def test_parameters(conn: Any, classic: SparkSession) -> None:
    sql = "SELECT ? + 1 AS a, upper(?) AS b, ? IS NULL AS c"
    parameters = [41, "x", None]
    assert _arrow(conn, sql, parameters).to_pylist() == _spark(classic, sql, parameters).to_pylist()


def test_prepared_statement_runs_again_with_new_parameters(conn: Any) -> None:
    with conn.cursor() as cur:
        sql = "SELECT id FROM range(10) WHERE id > ? ORDER BY id"
        cur.execute(sql, (7,))
        assert cur.fetchall() == [(8,), (9,)]
        cur.execute(sql, (8,))
        assert cur.fetchall() == [(9,)]


def test_fetchall(conn: Any, classic: SparkSession) -> None:
    sql = "SELECT id, concat('row', id) AS name FROM range(5) ORDER BY id"
    with conn.cursor() as cur:
        cur.execute(sql)
        assert cur.fetchall() == [tuple(row) for row in classic.sql(sql).collect()]
        assert [d[0] for d in cur.description] == ["id", "name"]


def test_large_result_comes_in_several_endpoints(conn: Any) -> None:
    rows = 2_000_000  # Spark estimates 32 MB: above the size that is split
    sql = f"SELECT id, id * 2.0 AS d FROM range(0, {rows}, 1, 8)"
    with conn.cursor() as cur:
        partitions, _ = cur.adbc_execute_partitions(sql)
        assert len(partitions) > 1
        ids = []
        for partition in partitions:
            cur.adbc_read_partition(partition)
            ids.extend(cur.fetch_arrow_table().column("id").to_pylist())
        assert ids == list(range(rows))
        # Executed as usual, the driver fetches the endpoints in parallel, in order.
        cur.execute(sql)
        assert cur.fetch_arrow_table().column("id").to_pylist() == ids


def test_ddl_dml_and_executemany(conn: Any, names: str) -> None:
    name = f"{names}_dml"
    with conn.cursor() as cur:
        cur.execute(f"CREATE TABLE {name} (a INT, b STRING) USING parquet")
        cur.fetchall()
        cur.executemany(f"INSERT INTO {name} VALUES (?, ?)", [(1, "a"), (2, "b"), (3, None)])
        assert cur.rowcount == 3
        cur.execute(f"SELECT * FROM {name} ORDER BY a")
        assert cur.fetchall() == [(1, "a"), (2, "b"), (3, None)]


def test_statement_update_counts(server_url: str, names: str) -> None:
    """CommandStatementUpdate through flightsql-dbapi: Spark's count, -1 when unknown."""
    client = FlightSQLClient(
        host="127.0.0.1", port=int(server_url.rsplit(":", 1)[1]), insecure=True
    )
    try:
        name = f"{names}_upd"
        assert client.execute_update(f"CREATE TABLE {name} (a INT) USING parquet") == -1
        assert client.execute_update(f"INSERT INTO {name} VALUES (1), (2)") == 2
    finally:
        client.close()


def test_bad_sql_unknown_table_and_wrong_parameter_count(conn: Any) -> None:
    with conn.cursor() as cur:
        with pytest.raises(adbc_driver_manager.ProgrammingError, match="PARSE_SYNTAX_ERROR"):
            cur.execute("SELEC 1")
        with pytest.raises(adbc_driver_manager.ProgrammingError, match="TABLE_OR_VIEW_NOT_FOUND"):
            cur.execute("SELECT * FROM no_such_table_anywhere")
        with pytest.raises(adbc_driver_manager.ProgrammingError, match="has 1 parameter.*2 were"):
            cur.execute("SELECT ? AS a", (1, 2))
        with pytest.raises(adbc_driver_manager.ProgrammingError, match="has 2 parameter.*1 were"):
            cur.execute("SELECT ? AS a, ? AS b", (1,))
        cur.execute("SELECT 7 AS still_usable")
        assert cur.fetchall() == [(7,)]


def test_get_info(conn: Any) -> None:
    info = conn.adbc_get_info()
    assert info["vendor_name"] == "sparkflight"
    assert "Spark" in info["vendor_version"]
    assert info["vendor_arrow_version"] == pa.__version__


def test_get_table_types(conn: Any) -> None:
    assert conn.adbc_get_table_types() == ["LOCAL TEMPORARY", "TABLE", "VIEW"]


@pytest.fixture(scope="module")
def objects_table(conn: Any, names: str) -> str:
    name = f"{names}_obj"
    with conn.cursor() as cur:
        cur.execute(f"CREATE TABLE {name} (id BIGINT, label STRING) USING parquet")
        cur.fetchall()
    return name


def _catalog(objects: list[dict]) -> dict:
    (catalog,) = [c for c in objects if c["catalog_name"] == "spark_catalog"]
    return catalog


@pytest.mark.parametrize("depth", ["catalogs", "db_schemas", "tables", "columns", "all"])
def test_get_objects(conn: Any, objects_table: str, depth: str) -> None:
    objects = conn.adbc_get_objects(depth=depth).read_all().to_pylist()
    catalog = _catalog(objects)
    if depth == "catalogs":
        assert catalog["catalog_db_schemas"] is None
        return
    (schema,) = [s for s in catalog["catalog_db_schemas"] if s["db_schema_name"] == "default"]
    if depth == "db_schemas":
        assert schema["db_schema_tables"] is None
        return
    (found,) = [t for t in schema["db_schema_tables"] if t["table_name"] == objects_table]
    assert found["table_type"] == "TABLE"
    if depth == "tables":
        assert found["table_columns"] is None
        return
    columns = [(c["column_name"], c["ordinal_position"]) for c in found["table_columns"]]
    assert columns == [("id", 1), ("label", 2)]


def test_get_objects_filters(conn: Any, objects_table: str) -> None:
    objects = conn.adbc_get_objects(
        depth="tables", db_schema_filter="def%", table_name_filter=objects_table[:-1] + "_"
    ).read_all()
    (schema,) = _catalog(objects.to_pylist())["catalog_db_schemas"]
    assert [t["table_name"] for t in schema["db_schema_tables"]] == [objects_table]


def test_get_table_schema(conn: Any, objects_table: str) -> None:
    schema = conn.adbc_get_table_schema(objects_table, db_schema_filter="default")
    assert schema.names == ["id", "label"]
    assert schema.types == [pa.int64(), pa.string()]


@pytest.mark.parametrize("temporary", [False, True], ids=["table", "temporary"])
def test_ingest_modes(conn: Any, names: str, temporary: bool) -> None:
    name = f"{names}_ing_{'tmp' if temporary else 'tbl'}"
    data = pa.table({"x": pa.array([1, 2], pa.int64()), "y": ["a", "b"]})
    more = pa.table({"x": pa.array([3], pa.int64()), "y": ["c"]})
    with conn.cursor() as cur:

        def ingest(table: pa.Table, mode: str) -> int:
            return cur.adbc_ingest(name, table, mode=mode, temporary=temporary)

        def rows() -> list[tuple]:
            cur.execute(f"SELECT x, y FROM {name} ORDER BY x")
            return cur.fetchall()

        with pytest.raises(adbc_driver_manager.ProgrammingError, match="does not exist"):
            ingest(data, "append")  # NOT_FOUND
        assert ingest(data, "create") == 2
        with pytest.raises(adbc_driver_manager.ProgrammingError, match="already exists"):
            ingest(data, "create")  # ALREADY_EXISTS, sent as INVALID_ARGUMENT
        assert ingest(more, "append") == 1
        assert rows() == [(1, "a"), (2, "b"), (3, "c")]
        assert ingest(more, "replace") == 1
        assert rows() == [(3, "c")]
        assert ingest(data, "create_append") == 2
        assert rows() == [(1, "a"), (2, "b"), (3, "c")]


def test_ingest_into_catalog_and_schema(conn: Any, names: str) -> None:
    name = f"{names}_ing_qualified"
    data = pa.table({"v": [1.5, 2.5]})
    with conn.cursor() as cur:
        assert (
            cur.adbc_ingest(name, data, catalog_name="spark_catalog", db_schema_name="default") == 2
        )
        cur.execute(f"SELECT sum(v) FROM spark_catalog.default.{name}")
        assert cur.fetchall() == [(4.0,)]


def test_substrait_plan(conn: Any, classic: SparkSession) -> None:
    sql = "SELECT id, id % 3 AS m FROM range(6)"
    view = f"fsql_substrait_{uuid.uuid4().hex[:8]}"
    with conn.cursor() as cur:
        cur.execute(f"CREATE OR REPLACE TEMPORARY VIEW {view} AS {sql}")
        cur.fetchall()
        cur.execute(Plans().plan(table(view)))
        result = cur.fetch_arrow_table()
    assert result.sort_by("id").equals(classic.sql(sql).toArrow())


def test_pandas_read_sql(conn: Any, classic: SparkSession) -> None:
    sql = QUERIES[1]
    frame = pd.read_sql(sql, conn)
    pd.testing.assert_frame_equal(frame, classic.sql(sql).toPandas(), check_dtype=False)


def test_polars_read_database_uri(server_url: str, classic: SparkSession) -> None:
    sql = QUERIES[4]
    # The driver takes flightsql:// URIs (the scheme polars picks it by) as TLS unless told.
    uri = "flightsql" + server_url[len("grpc") :] + "?transport=tcp"
    frame = pl.read_database_uri(sql, uri, engine="adbc")
    assert frame.to_arrow().to_pylist() == classic.sql(sql).toArrow().to_pylist()


def test_flightsql_dbapi_client(server_url: str, classic: SparkSession) -> None:
    host, port = server_url[len("grpc://") :].rsplit(":", 1)
    client = FlightSQLClient(host=host, port=int(port), insecure=True)
    connection = flightsql_connect(client)
    try:
        cursor = connection.cursor()
        sql = QUERIES[1]
        cursor.execute(sql)
        assert [tuple(r) for r in cursor.fetchall()] == [
            tuple(r) for r in classic.sql(sql).collect()
        ]
        cursor.execute("SELECT ? * 2 AS doubled", [21])
        assert [tuple(r) for r in cursor.fetchall()] == [(42,)]
        with pytest.raises(Exception, match="TABLE_OR_VIEW_NOT_FOUND"):
            cursor.execute("SELECT * FROM no_such_table_anywhere")
        cursor.execute("SELECT 1 AS ok")
        assert [tuple(r) for r in cursor.fetchall()] == [(1,)]
    finally:
        connection.close()


def test_session_options_with_cookies(server_url: str, names: str) -> None:
    """A client that keeps cookies gets a session of its own from SetSessionOptions."""
    options = {adbc_driver_flightsql.DatabaseOptions.WITH_COOKIE_MIDDLEWARE.value: "true"}
    with adbc.connect(server_url, db_kwargs=options, autocommit=True) as own, own.cursor() as cur:
        own.adbc_connection.set_options(
            **{"adbc.flight.sql.session.option.spark.sql.shuffle.partitions": "3"}
        )
        cur.execute("SET spark.sql.shuffle.partitions")
        assert cur.fetchall() == [("spark.sql.shuffle.partitions", "3")]
        cur.execute(f"CREATE TEMPORARY VIEW {names}_private AS SELECT 1 AS one")
        cur.fetchall()
        assert own.adbc_current_catalog == "spark_catalog"
        assert own.adbc_current_db_schema == "default"
    with adbc.connect(server_url, autocommit=True) as other, other.cursor() as cur:
        with pytest.raises(adbc_driver_manager.Error, match="TABLE_OR_VIEW_NOT_FOUND"):
            cur.execute(f"SELECT * FROM {names}_private")
