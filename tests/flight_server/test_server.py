"""The Flight RPCs, the action table, sessions, streaming and errors of SparkFlightServer."""

from __future__ import annotations

import json
import threading

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession
from pyspark.sql.types import LongType, StringType, StructField, StructType, VarcharType
from substrait import algebra_pb2 as A

from sparkflight.flight_server.flight_sql import ACTION_DESCRIPTIONS
from sparkflight.flight_server.results import MAX_BATCH_BYTES
from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import PROTOCOL_VERSION
from tests.flight_server.plan_builder import (
    SERVER_ERRORS,
    Plans,
    client,
    details,
    field,
    leaf,
    lit,
    project,
    run,
    server,
    single,
    sql,
)

__all__ = ["client", "server"]  # fixtures

SELECT_ONE = Plans().plan(sql("select 1 as one"))


def action(
    client: fl.FlightClient, kind: str, request: object = None, session: str | None = None
) -> bytes:
    body = request.SerializeToString() if request is not None else b""
    options = (
        fl.FlightCallOptions(headers=[(wire.SESSION.encode(), session.encode())])
        if (session)
        else None
    )
    results = list(client.do_action(fl.Action(kind, body), options))
    assert len(results) == 1
    return results[0].body.to_pybytes()


def in_session(session_id: str) -> fl.FlightCallOptions:
    return fl.FlightCallOptions(headers=[(wire.SESSION.encode(), session_id.encode())])


def open_session(client: fl.FlightClient, protocol: int = PROTOCOL_VERSION, **conf: str) -> str:
    """A new session, opened by a client of ``protocol``."""
    request = sf.OpenSessionRequest(conf=conf, protocol_version=protocol)
    info = sf.SessionInfo.FromString(action(client, "session.open", request))
    assert info.session_id
    return info.session_id


def assert_still_works(client: fl.FlightClient) -> None:
    assert run(client, SELECT_ONE).to_pylist() == [{"one": 1}]


# ---------------------------------------------------------------- RPCs


def test_do_get_schema_is_sparks(client: fl.FlightClient, classic: SparkSession) -> None:
    query = (
        "select 1L l, cast(1 as tinyint) b, 'x' s, cast(null as string) n, "
        "timestamp'2024-01-02 03:04:05' ts, timestamp_ntz'2024-01-02 03:04:05' ntz, "
        "cast(1.5 as decimal(10, 2)) d, date'2024-01-02' dt, array(1, 2) a, map('k', 1) m, "
        "named_struct('f', 1.0D) st"
    )
    result = run(client, Plans().plan(sql(query)))
    assert result.schema == classic.sql(query).toArrow().schema
    assert result.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    assert result.schema.field("ntz").type == pa.timestamp("us")
    assert result.equals(classic.sql(query).toArrow())


def test_get_flight_info_and_schema(client: fl.FlightClient) -> None:
    descriptor = fl.FlightDescriptor.for_command(SELECT_ONE)
    info = client.get_flight_info(descriptor)
    assert info.schema == pa.schema([pa.field("one", pa.int32(), False)])
    assert len(info.endpoints) == 1
    assert info.endpoints[0].ticket.ticket == SELECT_ONE
    assert client.do_get(info.endpoints[0].ticket).read_all().to_pylist() == [{"one": 1}]
    assert client.get_schema(descriptor).schema == info.schema


def test_get_flight_info_does_not_run_the_query(client: fl.FlightClient) -> None:
    failing = Plans().plan(sql("select raise_error('boom') as x"))
    info = client.get_flight_info(fl.FlightDescriptor.for_command(failing))
    assert info.schema.names == ["x"]
    with pytest.raises(pa.ArrowInvalid, match="boom") as info:
        run(client, failing)
    assert details(info.value).error_class == "USER_RAISED_EXCEPTION"


def test_empty_result_has_schema(client: fl.FlightClient) -> None:
    result = run(client, Plans().plan(sql("select id, 'x' s from range(10) where id < 0")))
    assert result.num_rows == 0
    assert result.schema == pa.schema(
        [pa.field("id", pa.int64(), False), pa.field("s", pa.string(), False)]
    )


def test_streams_many_batches_in_order(client: fl.FlightClient) -> None:
    plan = Plans().plan(leaf(sf.RangeRelation(start=0, end=200_000, step=1, num_partitions=7)))
    reader = client.do_get(fl.Ticket(plan))
    batches = [chunk.data for chunk in reader]
    assert len(batches) > 7
    assert pa.Table.from_batches(batches).column("id").to_pylist() == list(range(200_000))


def test_batches_are_at_most_8_mib(client: fl.FlightClient) -> None:
    # 10,000 rows of 2 KiB strings: Spark's Arrow batches of 10,000 rows are 20 MiB each.
    query = "select id, repeat('x', 2048) s from range(0, 30000, 1, 2)"
    reader = client.do_get(fl.Ticket(Plans().plan(sql(query))))
    batches = [chunk.data for chunk in reader]
    assert sum(b.num_rows for b in batches) == 30_000
    assert max(b.nbytes for b in batches) <= MAX_BATCH_BYTES
    assert len(batches) >= 8


def test_do_put_upload_read_by_local_relation(client: fl.FlightClient) -> None:
    data = pa.table({"a": pa.array([1, 2, 3], pa.int64()), "b": ["x", "y", None]})
    schema = StructType(
        [
            StructField("a", LongType(), False),
            StructField("b", VarcharType(3), metadata={"origin": "upload"}),
        ]
    ).json()
    descriptor = fl.FlightDescriptor.for_command(
        sf.UploadRequest(schema_json=schema).SerializeToString()
    )
    writer, metadata = client.do_put(descriptor, data.schema)
    writer.write_table(data)
    writer.done_writing()
    response = sf.UploadResponse.FromString(metadata.read().to_pybytes())
    writer.close()
    assert response.rows == 3 and response.upload_id
    plan = Plans().plan(leaf(sf.LocalRelation(upload_id=response.upload_id)))
    result = run(client, plan)
    assert result.to_pylist() == data.to_pylist()
    assert result.schema.field("a").nullable is False
    analyzed = sf.AnalyzeResponse.FromString(
        action(client, "analyze", sf.AnalyzeRequest(mode=sf.AnalyzeRequest.MODE_SCHEMA, plan=plan))
    )
    # Spark keeps no varchar in a DataFrame's schema (spark.sql.preserveCharVarcharTypeInfo is
    # off): the column is a string, its metadata kept.
    b = StructType.fromJson(json.loads(analyzed.schema_json))["b"]
    assert (b.dataType, b.metadata["origin"]) == (StringType(), "upload")


# ---------------------------------------------------------------- actions


def test_list_actions(client: fl.FlightClient) -> None:
    actions = {a.type: a.description for a in client.list_actions()}
    assert set(actions) == {
        "session.open",
        "session.close",
        "config",
        "analyze",
        "command",
        "interrupt",
        "progress",
        "profile",
        "error.stacktrace",
        "observation",
        "result.release",
        "stream.start",
        "stream.query",
        "stream.manager",
        "stream.events",
        "version",
        "status",
        "health",
        "logout",
    } | set(ACTION_DESCRIPTIONS)
    assert all(actions.values())


def test_version(client: fl.FlightClient) -> None:
    import pyspark

    info = sf.SessionInfo.FromString(action(client, "version"))
    assert info.spark_version == pyspark.__version__
    assert info.server_version


def test_config(client: fl.FlightClient) -> None:
    session = open_session(client)
    key = "spark.sql.shuffle.partitions"
    set_request = sf.ConfigRequest(
        operation=sf.ConfigRequest.OPERATION_SET, keys=[key], values=[sf.OptionalString(value="7")]
    )
    action(client, "config", set_request, session)
    get = sf.ConfigRequest(operation=sf.ConfigRequest.OPERATION_GET, keys=[key])
    response = sf.ConfigResponse.FromString(action(client, "config", get, session))
    assert response.values[0].value == "7"
    default = sf.ConfigResponse.FromString(action(client, "config", get))
    assert default.values[0].value != "7"
    with_default = sf.ConfigRequest(
        operation=sf.ConfigRequest.OPERATION_GET,
        keys=["spark.sparkflight.nothing"],
        values=[sf.OptionalString(value="fallback")],
    )
    assert (
        sf.ConfigResponse.FromString(action(client, "config", with_default)).values[0].value
        == "fallback"
    )
    get_all = sf.ConfigRequest(
        operation=sf.ConfigRequest.OPERATION_GET_ALL, keys=["spark.sql.shuffle"]
    )
    response = sf.ConfigResponse.FromString(action(client, "config", get_all, session))
    assert dict(zip(response.keys, (v.value for v in response.values), strict=True))[key] == "7"
    modifiable = sf.ConfigRequest(operation=sf.ConfigRequest.OPERATION_IS_MODIFIABLE, keys=[key])
    assert (
        sf.ConfigResponse.FromString(action(client, "config", modifiable)).values[0].value == "true"
    )
    unset = sf.ConfigRequest(operation=sf.ConfigRequest.OPERATION_UNSET, keys=[key])
    action(client, "config", unset, session)
    assert (
        sf.ConfigResponse.FromString(action(client, "config", get, session)).values[0].value != "7"
    )


def test_analyze(client: fl.FlightClient, classic: SparkSession) -> None:
    plan = Plans().plan(sql("select id, cast('a' as varchar(5)) v from range(3)"))
    schema = sf.AnalyzeResponse.FromString(
        action(client, "analyze", sf.AnalyzeRequest(mode=sf.AnalyzeRequest.MODE_SCHEMA, plan=plan))
    )
    assert (
        schema.schema_json
        == classic.sql("select id, cast('a' as varchar(5)) v from range(3)").schema.json()
    )
    explain = sf.AnalyzeResponse.FromString(
        action(
            client,
            "analyze",
            sf.AnalyzeRequest(
                mode=sf.AnalyzeRequest.MODE_EXPLAIN, plan=plan, explain_mode="extended"
            ),
        )
    )
    assert "== Physical Plan ==" in explain.text and "== Analyzed Logical Plan ==" in explain.text
    local = sf.AnalyzeResponse.FromString(
        action(
            client, "analyze", sf.AnalyzeRequest(mode=sf.AnalyzeRequest.MODE_IS_LOCAL, plan=plan)
        )
    )
    assert local.flag is False


def test_command_create_view_write_sql(
    client: fl.FlightClient, classic: SparkSession, tmp_path
) -> None:
    session = open_session(client)
    view = sf.CommandRequest(
        create_view=sf.CreateViewCommand(plan=SELECT_ONE, name="one_view", replace=True)
    )
    action(client, "command", view, session)
    assert run(
        client,
        Plans().plan(sql("select * from one_view")),
        headers=[(wire.SESSION.encode(), session.encode())],
    ).to_pylist() == [{"one": 1}]
    # Temp views belong to their session.
    with pytest.raises(pa.ArrowKeyError) as info:
        run(client, Plans().plan(sql("select * from one_view")))
    assert details(info.value).error_class == "TABLE_OR_VIEW_NOT_FOUND"
    path = str(tmp_path / "out")
    write = sf.CommandRequest(
        write=sf.WriteCommand(plan=SELECT_ONE, format="parquet", path=path, mode="overwrite")
    )
    action(client, "command", write, session)
    assert classic.read.parquet(path).collect()[0]["one"] == 1
    action(
        client,
        "command",
        sf.CommandRequest(sql=sf.SqlCommand(query="create temp view v2 as select 2 two")),
        session,
    )
    result = run(
        client,
        Plans().plan(sql("select * from v2")),
        headers=[(wire.SESSION.encode(), session.encode())],
    )
    assert result.to_pylist() == [{"two": 2}]


def test_interrupt_running_query(client: fl.FlightClient, server) -> None:
    session = open_session(client)
    slow = Plans().plan(sql("select max(id * 2) from range(0, 100000000000, 1, 2)"))
    errors: list[BaseException] = []

    def query() -> None:
        options = fl.FlightCallOptions(headers=[(wire.SESSION.encode(), session.encode())])
        # Chunk by chunk: pyarrow's read_all turns CANCELLED into a KeyboardInterrupt.
        reader = client.do_get(fl.Ticket(slow), options)
        try:
            while True:
                reader.read_chunk()
        except StopIteration:
            pass
        except fl.FlightError as exc:
            errors.append(exc)
            details(exc)

    thread = threading.Thread(target=query)
    thread.start()
    interrupted: list[str] = []
    while thread.is_alive() and not interrupted:
        response = sf.InterruptResponse.FromString(
            action(client, "interrupt", sf.InterruptRequest(), session)
        )
        interrupted = list(response.interrupted_ids)
        thread.join(0.2)
    thread.join()
    assert interrupted
    assert errors and isinstance(errors[0], fl.FlightCancelledError)
    message = str(errors[0]).lower()
    assert "cancelled" in message or "interrupted" in message
    assert_still_works(client)


# ----------------------------------------------------------------- sessions


def test_sessions_are_isolated_and_closed(client: fl.FlightClient) -> None:
    first, second = (
        open_session(client),
        open_session(client, **{"spark.sql.ansi.enabled": "false"}),
    )
    action(
        client,
        "command",
        sf.CommandRequest(sql=sf.SqlCommand(query="create temp view mine as select 1 x")),
        first,
    )
    assert (
        run(
            client,
            Plans().plan(sql("select * from mine")),
            headers=[(wire.SESSION.encode(), first.encode())],
        ).num_rows
        == 1
    )
    with pytest.raises(pa.ArrowKeyError):
        run(
            client,
            Plans().plan(sql("select * from mine")),
            headers=[(wire.SESSION.encode(), second.encode())],
        )
    lenient = run(
        client,
        Plans().plan(sql("select 1 / 0 as q")),
        headers=[(wire.SESSION.encode(), second.encode())],
    )
    assert lenient.to_pylist() == [{"q": None}]
    action(client, "session.close", sf.CloseSessionRequest(session_id=first))
    with pytest.raises(pa.ArrowKeyError) as info:
        run(client, SELECT_ONE, headers=[(wire.SESSION.encode(), first.encode())])
    assert details(info.value).error_class == "SESSION_NOT_FOUND"


# ------------------------------------------------------------------- errors


def _error(call) -> sf.ErrorDetails:
    """The details of the error ``call`` fails with (with the status code they say)."""
    with pytest.raises(SERVER_ERRORS) as info:
        call()
    return details(info.value)


def test_malformed_ticket(client: fl.FlightClient) -> None:
    d = _error(lambda: run(client, b"\xff\xfe not a plan"))
    assert (d.exception_class, d.error_class) == ("SparkFlightException", "INVALID_PLAN")
    assert "substrait.Plan" in d.message
    assert_still_works(client)


def test_plan_without_relation(client: fl.FlightClient) -> None:
    d = _error(lambda: run(client, b""))
    assert d.error_class == "INVALID_PLAN"
    assert_still_works(client)


def test_unknown_function_anchor(client: fl.FlightClient) -> None:
    p = Plans()
    e = p.spark("upper", lit("x"))
    e.scalar_function.function_reference = 99
    d = _error(lambda: run(client, p.plan(project(sql("select 1"), e))))
    assert (d.error_class, "99" in d.message) == ("UNKNOWN_FUNCTION", True)
    assert_still_works(client)


def test_unknown_spark_function_names_it(client: fl.FlightClient) -> None:
    p = Plans()
    d = _error(lambda: run(client, p.plan(project(sql("select 1"), p.spark("no_such_fn", lit(1))))))
    assert d.exception_class == "AnalysisException"
    assert d.error_class == "UNRESOLVED_ROUTINE"
    assert "no_such_fn" in d.message
    assert_still_works(client)


def test_unknown_relation_and_extension(client: fl.FlightClient) -> None:
    d = _error(
        lambda: run(client, Plans().plan(A.Rel(reference=A.ReferenceRel(subtree_ordinal=0))))
    )
    assert d.error_class == "INVALID_PLAN" and "subtree 0, which the plan lacks" in d.message
    d = _error(lambda: run(client, Plans().plan(leaf(sf.ToDFRelation(names=["x"])))))
    assert d.error_class == "UNSUPPORTED_RELATION" and "ToDFRelation" in d.message
    assert_still_works(client)


def test_bad_column_is_named(client: fl.FlightClient) -> None:
    p = Plans()
    d = _error(lambda: run(client, p.plan(project(sql("select 1 a"), p.col("nope")))))
    assert (d.exception_class, d.sql_state) == ("AnalysisException", "42703")
    assert "nope" in d.message and d.message_parameters["objectName"] == "`nope`"
    d = _error(lambda: run(client, p.plan(project(sql("select 1 a"), field(3)))))
    assert d.error_class == "INVALID_PLAN" and "3" in d.message
    assert_still_works(client)


def test_runtime_errors_keep_spark_class(client: fl.FlightClient) -> None:
    d = _error(lambda: run(client, Plans().plan(sql("select 1 / 0"))))
    assert (d.exception_class, d.error_class) == ("ArithmeticException", "DIVIDE_BY_ZERO")
    d = _error(lambda: run(client, Plans().plan(sql("select cast('x' as int) from range(3)"))))
    assert d.exception_class == "NumberFormatException"
    d = _error(lambda: run(client, Plans().plan(sql("selec 1"))))
    assert d.exception_class == "ParseException"
    assert_still_works(client)


def test_unknown_plan_id(client: fl.FlightClient) -> None:
    p = Plans()
    d = _error(lambda: run(client, p.plan(project(sql("select 1 a"), p.col("a", 42)))))
    assert d.error_class == "PLAN_ID_NOT_FOUND" and "42" in d.message
    assert_still_works(client)


def test_bad_actions(client: fl.FlightClient) -> None:
    d = _error(lambda: action(client, "no.such.action"))
    assert d.error_class == "UNKNOWN_ACTION" and "no.such.action" in d.message
    d = _error(lambda: list(client.do_action(fl.Action("config", b"\xff\xff\xff"))))
    assert d.error_class == "INVALID_ACTION_BODY"
    assert_still_works(client)


def test_unknown_session(client: fl.FlightClient) -> None:
    d = _error(lambda: run(client, SELECT_ONE, headers=[(wire.SESSION.encode(), b"nope")]))
    assert d.error_class == "SESSION_NOT_FOUND" and "nope" in d.message
    d = _error(lambda: action(client, "version", session="nope"))
    assert d.error_class == "SESSION_NOT_FOUND"
    assert_still_works(client)


def test_single_extension_used_as_leaf_fails_cleanly(client: fl.FlightClient) -> None:
    d = _error(lambda: run(client, Plans().plan(single(sf.RangeRelation(end=3), sql("select 1")))))
    assert d.error_class == "UNSUPPORTED_RELATION"
    assert_still_works(client)
