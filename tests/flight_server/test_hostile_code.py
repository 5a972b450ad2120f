"""A hostile user with a valid account against a server in restricted mode.

One server with authentication and restricted mode over the shared in-process Spark, for
the whole module. Each test makes one attempt at running code on the server or reaching
its files, asserts that it is refused with a clear ``PERMISSION_DENIED``-class error
naming what was refused, and that the server still answers the next legitimate query.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import adbc_driver_flightsql
import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import psutil
import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession as ClassicSession
from substrait import algebra_pb2 as A
from substrait import plan_pb2, type_pb2

from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client import functions as F
from sparkflight.client.errors import SparkFlightException
from sparkflight.flight_server.auth import Credentials, hash_password, server_options, token_digest
from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.restrictions import REDACTED
from sparkflight.flight_server.security import restricted_by_default
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.plans import sparkflight_pb2 as sf
from tests.conftest import serve_command

TOKEN = "token-of-mallory"
SQL_BYTES = 1024 * 1024  # the default
SECRET_KEY, SECRET = "spark.hadoop.fs.s3a.secret.key", "hunter2-not-for-users"


@pytest.fixture(scope="module")
def allowed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("allowed")


@pytest.fixture(scope="module")
def auth_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "auth.json"
    Credentials({"alice": hash_password("pw")}, {token_digest(TOKEN): "mallory"}).save(path)
    return path


@pytest.fixture(scope="module")
def url(served_spark: ClassicSession, auth_file: Path, allowed: Path) -> Iterator[str]:
    """A restricted server with authentication, its Spark conf holding a secret (as
    ``--conf`` would put it there) for the sessions it opens."""
    spark_conf = served_spark.sparkContext._jsc.sc().conf()
    spark_conf.set(SECRET_KEY, SECRET)
    limits = Limits(
        restricted=True,
        allow_paths=(str(allowed),),
        sql_bytes=SQL_BYTES,
        session_idle_seconds=None,
    )
    server = SparkFlightServer(served_spark, limits=limits, **server_options(auth_file))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield f"grpc://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()
    spark_conf.remove(SECRET_KEY)


@pytest.fixture(scope="module")
def spark(url: str) -> Iterator[Any]:
    session = RemoteSession.builder.remote(f"{url}/;token={TOKEN}").create()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def conn(url: str) -> Iterator[Any]:
    options = {adbc_driver_flightsql.DatabaseOptions.AUTHORIZATION_HEADER.value: f"Bearer {TOKEN}"}
    with adbc.connect(url, db_kwargs=options, autocommit=True) as connection:
        yield connection


def _answers(spark: Any) -> None:
    """The server answers the next legitimate query."""
    assert spark.sql("SELECT 40 + 2 AS answer").collect()[0].answer == 42


def _refused(
    spark: Any, attempt: Callable[[], Any], *named: str, condition: str = "RESTRICTED"
) -> str:
    with pytest.raises(SparkFlightException) as raised:
        attempt()
    assert raised.value.getCondition() == condition, str(raised.value)
    message = str(raised.value)
    if condition == "RESTRICTED":
        assert "restricted mode" in message
    for word in named:
        assert word in message, message
    _answers(spark)
    return message


def _sql_refused(conn: Any, query: str, *named: str) -> None:
    with conn.cursor() as cur:
        with pytest.raises(adbc_driver_manager.Error) as raised:
            cur.execute(query)
            cur.fetchall()
    message = str(raised.value)
    assert "PERMISSION_DENIED" in message or "RESTRICTED" in message, message
    for word in named:
        assert word in message, message
    with conn.cursor() as cur:
        cur.execute("SELECT 40 + 2 AS answer")
        assert cur.fetchall() == [(42,)]


# ------------------------------------------------------------------ running code


def test_transform_using_a_shell_command(spark: Any) -> None:
    _refused(
        spark,
        lambda: spark.sql("SELECT TRANSFORM('x') USING 'id; uname -a'").collect(),
        "TRANSFORM",
    )


def test_reflect_reads_the_environment(spark: Any) -> None:
    query = "SELECT reflect('java.lang.System', 'getenv', 'HOME')"
    _refused(spark, lambda: spark.sql(query).collect(), "reflect")


def test_reflect_exits_the_jvm(spark: Any) -> None:
    query = "SELECT reflect('java.lang.System', 'exit', 3)"
    _refused(spark, lambda: spark.sql(query).collect(), "reflect")


def test_java_method(spark: Any) -> None:
    query = "SELECT java_method('java.lang.System', 'getProperty', 'user.home')"
    _refused(spark, lambda: spark.sql(query).collect(), "java_method")


def test_try_reflect(spark: Any) -> None:
    query = "SELECT try_reflect('java.lang.System', 'getenv', 'HOME')"
    _refused(spark, lambda: spark.sql(query).collect(), "try_reflect")


def test_reflect_named_by_identifier_clause(spark: Any) -> None:
    query = "SELECT IDENTIFIER('reflect')('java.lang.System', 'getenv', 'HOME')"
    _refused(spark, lambda: spark.sql(query).collect(), "reflect")


def test_reflect_in_a_subquery(spark: Any) -> None:
    query = "SELECT 1 WHERE EXISTS (SELECT reflect('java.lang.System', 'getenv', 'HOME'))"
    _refused(spark, lambda: spark.sql(query).collect(), "reflect")


def test_reflect_in_a_dataframe_expression(spark: Any) -> None:
    df = spark.range(1).select(F.expr("reflect('java.lang.System', 'getenv', 'HOME')"))
    _refused(spark, df.collect, "reflect")


def test_java_method_by_call_function(spark: Any) -> None:
    args = [F.lit("java.lang.System"), F.lit("getenv"), F.lit("HOME")]
    df = spark.range(1).select(F.call_function("java_method", *args))
    _refused(spark, df.collect, "java_method")


def test_reflect_behind_a_temp_view(spark: Any) -> None:
    query = "SELECT reflect('java.lang.System', 'getenv', 'HOME') AS home"
    _refused(spark, lambda: spark.sql(query).createOrReplaceTempView("home"), "reflect")


def test_add_jar(spark: Any) -> None:
    _refused(spark, lambda: spark.sql("ADD JAR /tmp/evil.jar"), "ADD JAR")


def test_add_file(spark: Any) -> None:
    _refused(spark, lambda: spark.sql("ADD FILE /etc/passwd"), "ADD FILE")


def test_add_archive(spark: Any) -> None:
    _refused(spark, lambda: spark.sql("ADD ARCHIVE /tmp/evil.zip"), "ADD ARCHIVE")


def test_create_function_using_jar(spark: Any) -> None:
    query = "CREATE FUNCTION evil AS 'com.example.Evil' USING JAR '/tmp/evil.jar'"
    _refused(spark, lambda: spark.sql(query), "CREATE FUNCTION")


def test_create_function_of_a_java_class(spark: Any) -> None:
    name = "org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection"
    query = f"CREATE TEMPORARY FUNCTION call_java AS '{name}'"
    _refused(spark, lambda: spark.sql(query), "CREATE FUNCTION")


def test_execute_immediate_of_a_command(spark: Any) -> None:
    _refused(
        spark,
        lambda: spark.sql("EXECUTE IMMEDIATE 'ADD JAR /tmp/evil.jar'").collect(),
        "EXECUTE IMMEDIATE",
    )


def test_sql_script(spark: Any) -> None:
    script = "BEGIN SELECT reflect('java.lang.System', 'getenv', 'HOME'); END"
    _refused(spark, lambda: spark.sql(script).collect(), "scripting")


def test_python_function(spark: Any) -> None:
    df = spark.range(3).select(F.udf(lambda x: x, "long")("id"))
    _refused(spark, df.collect, condition="PYTHON_DISABLED")


def test_reflect_with_parameters(spark: Any) -> None:
    query = "SELECT reflect(:c, :m, :a)"
    args = {"c": "java.lang.System", "m": "getenv", "a": "HOME"}
    _refused(spark, lambda: spark.sql(query, args=args).collect(), "reflect")


def test_parameterized_query_is_allowed(spark: Any) -> None:
    found = spark.sql("SELECT id FROM range(10) WHERE id > ? ORDER BY id LIMIT ?", args=[6, 2])
    assert [r.id for r in found.collect()] == [7, 8]


def test_sql_function_is_allowed(spark: Any) -> None:
    spark.sql("CREATE TEMPORARY FUNCTION plus_one(x INT) RETURNS INT RETURN x + 1")
    assert spark.sql("SELECT plus_one(41) AS answer").collect()[0].answer == 42


# ------------------------------------------------------------------ files


def test_sql_on_a_file_outside(spark: Any) -> None:
    query = "SELECT * FROM text.`/etc/passwd`"
    _refused(spark, lambda: spark.sql(query).collect(), "/etc/passwd", "allowed directories")


def test_sql_reads_the_auth_file(spark: Any, auth_file: Path) -> None:
    query = f"SELECT * FROM text.`{auth_file}`"
    _refused(spark, lambda: spark.sql(query).collect(), str(auth_file))


def test_sql_on_a_file_in_a_subquery(spark: Any) -> None:
    query = "SELECT (SELECT max(value) FROM text.`/etc/hosts`) AS line"
    _refused(spark, lambda: spark.sql(query).collect(), "/etc/hosts")


def test_sql_on_a_file_named_by_a_parameter(spark: Any) -> None:
    query = "SELECT * FROM IDENTIFIER(:t)"
    attempt = lambda: spark.sql(query, args={"t": "text.`/etc/passwd`"}).collect()  # noqa: E731
    _refused(spark, attempt, "IDENTIFIER")


def test_dataframe_read_text(spark: Any) -> None:
    _refused(spark, lambda: spark.read.text("/etc/passwd").collect(), "/etc/passwd")


def test_dataframe_read_load(spark: Any) -> None:
    _refused(spark, lambda: spark.read.format("json").load("/etc").collect(), "/etc")


def test_dataframe_read_dot_dot_out_of_allowed(spark: Any, allowed: Path) -> None:
    path = f"{allowed}/../../../etc/passwd"
    _refused(spark, lambda: spark.read.text(path).collect(), "passwd")


def test_dataframe_read_jdbc(spark: Any) -> None:
    reader = spark.read.format("jdbc").option("url", "jdbc:derby:memory:x;create=true")
    _refused(spark, lambda: reader.option("dbtable", "t").load().collect(), "jdbc")


def test_dataframe_write_outside(spark: Any, tmp_path: Path) -> None:
    _refused(spark, lambda: spark.range(3).write.save(str(tmp_path / "out")), "out")
    assert not (tmp_path / "out").exists()


def test_insert_overwrite_directory(spark: Any, tmp_path: Path) -> None:
    query = f"INSERT OVERWRITE DIRECTORY '{tmp_path}/dir' USING parquet SELECT 1"
    _refused(spark, lambda: spark.sql(query), "INSERT OVERWRITE DIRECTORY")
    assert not (tmp_path / "dir").exists()


def test_insert_overwrite_local_directory(spark: Any, tmp_path: Path) -> None:
    query = f"INSERT OVERWRITE LOCAL DIRECTORY '{tmp_path}/dir' SELECT 1"
    _refused(spark, lambda: spark.sql(query), "INSERT OVERWRITE DIRECTORY")


def test_create_table_location_outside(spark: Any) -> None:
    query = "CREATE TABLE evil (value STRING) USING text LOCATION '/etc'"
    _refused(spark, lambda: spark.sql(query), "/etc")
    assert not spark.catalog.tableExists("evil")


def test_create_table_path_option(spark: Any) -> None:
    query = "CREATE TABLE evil (value STRING) USING text OPTIONS (path '/etc')"
    _refused(spark, lambda: spark.sql(query), "path")


def test_create_table_of_a_jdbc_source(spark: Any) -> None:
    query = "CREATE TABLE evil USING jdbc OPTIONS (url 'jdbc:derby:memory:x', dbtable 't')"
    _refused(spark, lambda: spark.sql(query), "jdbc")


def test_temp_view_using_a_jdbc_source(spark: Any) -> None:
    query = "CREATE TEMPORARY VIEW evil USING jdbc OPTIONS (url 'jdbc:derby:memory:x;create=true')"
    _refused(spark, lambda: spark.sql(query), "jdbc")


def test_temp_view_using_a_file_outside(spark: Any) -> None:
    query = "CREATE TEMPORARY VIEW evil USING text OPTIONS (PATH '/etc/passwd')"
    _refused(spark, lambda: spark.sql(query), "/etc/passwd")


def test_write_to_a_jdbc_table(spark: Any) -> None:
    writer = spark.range(1).writeTo("evil").using("jdbc").option("url", "jdbc:derby:memory:x")
    _refused(spark, writer.create, "jdbc")


def test_catalog_create_table_at_a_path(spark: Any) -> None:
    _refused(spark, lambda: spark.catalog.createTable("evil", path="/etc", source="text"), "/etc")


def test_load_data(spark: Any, allowed: Path) -> None:
    spark.sql(f"CREATE TABLE lines (value STRING) USING text LOCATION '{allowed}/lines'")
    try:
        query = "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE lines"
        _refused(spark, lambda: spark.sql(query), "LOAD DATA")
        assert spark.table("lines").count() == 0
    finally:
        spark.sql("DROP TABLE lines")


def test_stream_from_a_directory_outside(spark: Any) -> None:
    stream = spark.readStream.format("text").load("/etc")
    _refused(spark, lambda: stream.writeStream.format("noop").start(), "/etc")


def test_stream_checkpoint_outside(spark: Any, tmp_path: Path) -> None:
    writer = spark.readStream.format("rate").load().writeStream.format("noop")
    start = lambda: writer.option("checkpointLocation", str(tmp_path)).start()  # noqa: E731
    _refused(spark, start, str(tmp_path))
    assert spark.streams.active == []


def test_stream_of_a_rate_source_is_allowed(spark: Any) -> None:
    query = spark.readStream.format("rate").load().writeStream.format("noop").start()
    try:
        assert query.isActive
    finally:
        query.stop()


def test_substrait_read_of_local_files(url: str, spark: Any) -> None:
    """A plan of another Substrait producer reading a file of the server's."""
    schema = type_pb2.NamedStruct(
        names=["value"],
        struct=type_pb2.Type.Struct(
            types=[type_pb2.Type(string=type_pb2.Type.String(nullability=1))], nullability=2
        ),
    )
    item = A.ReadRel.LocalFiles.FileOrFiles(
        uri_file="file:///etc/passwd", parquet=A.ReadRel.LocalFiles.FileOrFiles.ParquetReadOptions()
    )
    read = A.ReadRel(base_schema=schema, local_files=A.ReadRel.LocalFiles(items=[item]))
    plan = plan_pb2.Plan(relations=[plan_pb2.PlanRel(root=A.RelRoot(input=A.Rel(read=read)))])
    client = fl.connect(url)
    options = fl.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())])
    try:
        with pytest.raises(fl.FlightError) as raised:
            client.do_get(fl.Ticket(plan.SerializeToString()), options).read_all()
        assert "restricted mode" in str(raised.value) and "/etc/passwd" in str(raised.value)
    finally:
        client.close()
    _answers(spark)


def test_allowed_path_works(spark: Any, allowed: Path) -> None:
    target = str(allowed / "numbers")
    spark.range(5).write.mode("overwrite").parquet(target)
    assert sorted(r.id for r in spark.read.parquet(target).collect()) == list(range(5))
    rows = spark.sql(f"SELECT count(*) AS n FROM parquet.`{target}`").collect()
    assert rows[0].n == 5
    spark.sql(f"CREATE TABLE numbers USING parquet LOCATION '{target}'")
    try:
        assert spark.table("numbers").count() == 5
    finally:
        spark.sql("DROP TABLE numbers")


# ------------------------------------------------------------------ settings


def test_sql_set_of_the_warehouse_dir(spark: Any) -> None:
    _refused(spark, lambda: spark.sql("SET spark.sql.warehouse.dir=/tmp/evil"), "warehouse")


def test_sql_set_of_a_hadoop_file_system_class(spark: Any) -> None:
    _refused(spark, lambda: spark.sql("SET fs.file.impl=com.example.Evil"), "fs.file.impl")


def test_conf_set_of_a_catalog_plugin(spark: Any) -> None:
    attempt = lambda: spark.conf.set("spark.sql.catalog.evil", "com.example.Evil")  # noqa: E731
    _refused(spark, attempt, "spark.sql.catalog.evil")


def test_conf_set_of_the_redaction_pattern(spark: Any) -> None:
    attempt = lambda: spark.conf.set("spark.sql.redaction.options.regex", "x")  # noqa: E731
    _refused(spark, attempt, "redaction")


def test_harmless_settings_work(spark: Any) -> None:
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    spark.sql("SET spark.sql.ansi.enabled=true")
    assert spark.conf.get("spark.sql.shuffle.partitions") == "7"


def test_config_get_all_redacts_secrets(spark: Any) -> None:
    everything = spark.conf.getAll
    assert everything[SECRET_KEY] == REDACTED
    assert spark.conf.get(SECRET_KEY) == REDACTED
    assert SECRET not in repr(everything)
    assert everything["spark.sql.shuffle.partitions"] == "7"


def test_flight_sql_session_options_refuse_a_class(url: str) -> None:
    options = {
        adbc_driver_flightsql.DatabaseOptions.AUTHORIZATION_HEADER.value: f"Bearer {TOKEN}",
        adbc_driver_flightsql.DatabaseOptions.WITH_COOKIE_MIDDLEWARE.value: "true",
    }
    with adbc.connect(url, db_kwargs=options, autocommit=True) as connection:
        with pytest.raises(adbc_driver_manager.Error, match="restricted mode"):
            connection.adbc_connection.set_options(
                **{"adbc.flight.sql.session.option.fs.file.impl": "com.example.Evil"}
            )
        with connection.cursor() as cur:
            cur.execute("SELECT 42 AS answer")
            assert cur.fetchall() == [(42,)]


# ------------------------------------------------------------------ Flight SQL


def test_flight_sql_transform(conn: Any) -> None:
    _sql_refused(conn, "SELECT TRANSFORM('x') USING 'id'", "TRANSFORM")


def test_flight_sql_reflect(conn: Any) -> None:
    _sql_refused(conn, "SELECT reflect('java.lang.System', 'exit', 3)", "reflect")


def test_flight_sql_read_of_a_file(conn: Any) -> None:
    _sql_refused(conn, "SELECT * FROM text.`/etc/passwd`", "/etc/passwd")


def test_flight_sql_add_jar(conn: Any) -> None:
    _sql_refused(conn, "ADD JAR /tmp/evil.jar", "ADD JAR")


def test_flight_sql_prepared_identifier_parameter(conn: Any) -> None:
    with conn.cursor() as cur:
        with pytest.raises(adbc_driver_manager.Error, match="IDENTIFIER"):
            cur.execute("SELECT * FROM IDENTIFIER(?)", ("text.`/etc/passwd`",))
            cur.fetchall()
        cur.execute("SELECT ? + 2 AS answer", (40,))
        assert cur.fetchall() == [(42,)]


# ------------------------------------------------------------------ SQL text


def test_sql_over_the_size_limit(spark: Any) -> None:
    query = "SELECT '" + "x" * SQL_BYTES + "' AS big"
    _refused(spark, lambda: spark.sql(query).collect(), "sql_bytes", condition="LIMIT_EXCEEDED")


def test_flight_sql_over_the_size_limit(conn: Any) -> None:
    with conn.cursor() as cur:
        with pytest.raises(adbc_driver_manager.Error, match="sql_bytes"):
            cur.execute("SELECT '" + "x" * SQL_BYTES + "' AS big")
        cur.execute("SELECT 42 AS answer")
        assert cur.fetchall() == [(42,)]


def test_expression_string_over_the_size_limit(spark: Any) -> None:
    df = spark.range(1).selectExpr("'" + "x" * SQL_BYTES + "' AS big")
    _refused(spark, df.collect, "sql_bytes", condition="LIMIT_EXCEEDED")


def test_sql_nested_2000_deep(spark: Any) -> None:
    """Spark's parser takes minutes over a few thousand nested parentheses: refused at once."""
    query = "SELECT " + "(" * 2000 + "1" + ")" * 2000 + " AS deep"
    _refused(spark, lambda: spark.sql(query).collect(), "sql_depth", condition="LIMIT_EXCEEDED")


def test_expression_nested_2000_deep(spark: Any) -> None:
    df = spark.range(1).select(F.expr("(" * 2000 + "1" + ")" * 2000))
    _refused(spark, df.collect, "sql_depth", condition="LIMIT_EXCEEDED")


def test_flight_sql_nested_2000_deep(conn: Any) -> None:
    with conn.cursor() as cur:
        with pytest.raises(adbc_driver_manager.Error, match="sql_depth"):
            cur.execute("SELECT " + "(" * 2000 + "1" + ")" * 2000)
        cur.execute("SELECT 42 AS answer")
        assert cur.fetchall() == [(42,)]


def test_sql_nested_within_the_limit(spark: Any) -> None:
    query = "SELECT " + "(" * 400 + "1" + ")" * 400 + " AS deep, '((((((' AS text"
    assert spark.sql(query).collect()[0].deep == 1


def test_sql_too_complex_to_check(spark: Any) -> None:
    """A statement whose tree overflows the JVM's stack fails alone, clearly."""
    query = "SELECT " + "NOT " * 200_000 + "true"
    _refused(spark, lambda: spark.sql(query).collect(), "too deeply", condition="SQL_TOO_COMPLEX")


# ------------------------------------------------------------------ loopback


def test_restricted_by_default_beyond_loopback_with_authentication() -> None:
    assert restricted_by_default("0.0.0.0", authenticated=True)
    assert restricted_by_default("10.1.2.3", authenticated=True)
    assert not restricted_by_default("127.0.0.1", authenticated=True)
    assert not restricted_by_default("0.0.0.0", authenticated=False)
    assert Limits(restricted=True).python is False


def _listening(process: psutil.Process) -> list[Any]:
    try:
        return [c for c in process.net_connections("inet") if c.status == psutil.CONN_LISTEN]
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return []


def test_servers_listen_on_loopback_only(url: str) -> None:
    """This process (the Flight server the tests start in it) and its children (Spark's
    JVM: its UI, block manager and py4j gateway) listen on loopback only, and the shared
    server subprocess is started on loopback."""
    me = psutil.Process(os.getpid())
    sockets = [c for p in [me, *me.children(recursive=True)] for c in _listening(p)]
    assert any(c.laddr.port == int(url.rsplit(":", 1)[1]) for c in sockets)
    addresses = [ipaddress.ip_address(c.laddr.ip) for c in sockets]
    outside = [a for a in addresses if not (getattr(a, "ipv4_mapped", None) or a).is_loopback]
    assert outside == []
    command = serve_command()
    assert command[command.index("--host") + 1] == "127.0.0.1"


def test_command_action_add_file(url: str, spark: Any) -> None:
    """The ``command`` action with SQL, as any Flight client may send it."""
    client = fl.connect(url)
    options = fl.FlightCallOptions(headers=[(b"authorization", f"Bearer {TOKEN}".encode())])
    request = sf.CommandRequest(sql=sf.SqlCommand(query="ADD FILE /etc/shadow"))
    try:
        with pytest.raises(fl.FlightError, match="restricted mode"):
            list(client.do_action(fl.Action("command", request.SerializeToString()), options))
    finally:
        client.close()
    _answers(spark)


def test_upload_stays_allowed(spark: Any) -> None:
    assert spark.createDataFrame(pa.table({"x": [1, 2, 3]})).count() == 3
