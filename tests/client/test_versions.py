"""The version handshake, both ways: this client against servers reporting other protocol
versions (in-process servers over a session of their own), and clients of other
protocol versions against this server."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import metadata
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.flight as fl
import pyspark
import pytest

from sparkflight import client
from sparkflight.client import SparkSession
from sparkflight.client.errors import PySparkNotImplementedError, SparkFlightException
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.flight_server.versions import ServerVersions
from sparkflight.plans import protocol
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import PROTOCOL_VERSION


@pytest.fixture
def serve(served_spark: Any) -> Iterator[Any]:
    """Start an in-process server over ``served_spark`` reporting the given versions."""
    servers: list[SparkFlightServer] = []

    def start(versions: ServerVersions) -> tuple[SparkFlightServer, str]:
        server = SparkFlightServer(served_spark, "grpc://127.0.0.1:0", versions=versions)
        servers.append(server)
        return server, f"grpc://127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.shutdown()


def test_live_server_reports_its_versions(spark: SparkSession) -> None:
    assert spark.serverVersions == {
        "protocol": str(PROTOCOL_VERSION),
        "min_client_protocol": "1",
        "server": metadata.version("sparkflight"),
        "spark": pyspark.__version__,
    }
    assert spark.version == pyspark.__version__


def test_client_newer_than_server_keeps_working_without_progress(serve: Any) -> None:
    _, url = serve(ServerVersions(protocol=1))
    session = SparkSession.builder.remote(url).create()
    try:
        assert session.serverVersions["protocol"] == "1"
        events: list[dict[str, Any]] = []
        session.registerProgressHandler(lambda **event: events.append(event))
        assert session.range(5).count() == 5
        # A protocol 1 server has no progress action: handlers only hear the end.
        assert events == [{"stages": [], "inflight_tasks": 0, "operation_id": None, "done": True}]
    finally:
        session.stop()


def test_server_older_than_the_client_accepts_is_refused(
    serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, url = serve(ServerVersions(protocol=2))
    monkeypatch.setattr(protocol, "MIN_SERVER_PROTOCOL", 3)
    with pytest.raises(SparkFlightException) as info:
        SparkSession.builder.remote(url).create()
    message = str(info.value)
    assert info.value.getCondition() == "PROTOCOL_VERSION_MISMATCH"
    assert "speaks protocol 2" in message and "needs protocol 3 or newer" in message
    assert "upgrade the server" in message
    assert server.sessions._sessions == {}  # the session it opened was closed again


def test_client_older_than_server_accepts_is_refused(serve: Any) -> None:
    newer = PROTOCOL_VERSION + 1
    _, url = serve(ServerVersions(protocol=newer, min_client_protocol=newer))
    with pytest.raises(SparkFlightException) as info:
        SparkSession.builder.remote(url).create()
    message = str(info.value)
    assert info.value.getCondition() == "PROTOCOL_VERSION_MISMATCH"
    assert f"speaks protocol {PROTOCOL_VERSION}" in message
    assert f"protocol {newer}) needs protocol {newer} or newer: upgrade the client" in message


def test_protocol_1_client_works_with_this_server(flight_client: fl.FlightClient) -> None:
    """A client from before the handshake sends no versions and no operation ids."""
    opened = list(flight_client.do_action(fl.Action("session.open", b"")))
    info = sf.SessionInfo.FromString(opened[0].body.to_pybytes())
    assert info.protocol_version == PROTOCOL_VERSION and info.min_client_protocol_version == 1
    close = sf.CloseSessionRequest(session_id=info.session_id).SerializeToString()
    list(flight_client.do_action(fl.Action("session.close", close)))


def test_protocol_2_server_has_no_observe_or_merge(serve: Any) -> None:
    """What a protocol 2 server lacks fails on the client, naming the feature."""
    _, url = serve(ServerVersions(protocol=2))
    session = SparkSession.builder.remote(url).create()
    try:
        df = session.range(3)
        assert df.count() == 3
        count = client.functions.count(client.functions.lit(1))
        with pytest.raises(PySparkNotImplementedError, match="observe"):
            df.observe("metrics", count)
        with pytest.raises(PySparkNotImplementedError, match="mergeInto"):
            df.mergeInto("t", client.functions.lit(True))
    finally:
        session.stop()


def test_protocol_4_server_has_no_python_functions(serve: Any) -> None:
    """Python functions need protocol 5: against an older server they fail on the client."""
    _, url = serve(ServerVersions(protocol=4))
    session = SparkSession.builder.remote(url).create()
    try:
        df = session.range(3)
        attempts = {
            "mapInPandas": lambda: df.mapInPandas(lambda it: it, "id long"),
            "applyInPandas": lambda: df.groupBy("id").applyInPandas(lambda f: f, "id long"),
            "foreach": lambda: df.foreach(print),
            "Registering": lambda: session.udf.register("f", lambda x: x),
        }
        for feature, attempt in attempts.items():
            with pytest.raises(PySparkNotImplementedError, match=feature):
                attempt()
    finally:
        session.stop()


def test_protocol_4_server_refuses_a_plan_with_a_python_udf_on_the_client(serve: Any) -> None:
    """Building the DataFrame needs no server; sending its plan fails on the client, naming
    the UDF, where the server would not know the ``python_udf`` function."""
    _, url = serve(ServerVersions(protocol=4))
    session = SparkSession.builder.remote(url).create()
    try:
        F = client.functions
        df = session.range(3).select(F.udf(_plus_one, "long")("id").alias("p"))
        total = F.pandas_udf(_total, "double")
        over = session.range(3).select(total("id").over(client.Window.partitionBy()))
        for action in (df.collect, df.count, over.collect, lambda: df.write.saveAsTable("t")):
            with pytest.raises(PySparkNotImplementedError) as caught:
                action()
            message = str(caught.value)
            assert "Python UDF" in message and "protocol 4" in message
            assert "'_plus_one'" in message or "'_total'" in message
            assert "needs protocol 5" in message
        assert session.range(3).select((client.functions.col("id") + 1).alias("p")).count() == 3
    finally:
        session.stop()


def _plus_one(x: int) -> int:
    return x + 1


def _total(values: pd.Series) -> float:
    return float(values.sum())


def test_protocol_6_server_has_no_table_arguments_or_arrow_udtf(serve: Any) -> None:
    """Table arguments and arrow_udtf need protocol 7; plain UDTFs still run."""
    _, url = serve(ServerVersions(protocol=6))
    session = SparkSession.builder.remote(url).create()
    try:
        F = client.functions

        class Echo:
            def eval(self, row: Any):
                yield (row["id"],)

        class ArrowEcho:
            def eval(self, batch: pa.RecordBatch):
                yield pa.table({"id": batch.column("id")})

        echo = F.udtf(Echo, returnType="id long")

        @F.udtf(returnType="x int")
        class Plain:
            def eval(self, n: int):
                yield (n * 2,)

        assert [tuple(r) for r in Plain(F.lit(21)).collect()] == [(42,)]
        refused = {
            "table argument": echo(session.range(3).asTable().partitionBy("id")),
            "arrow_udtf 'ArrowEcho'": F.arrow_udtf(ArrowEcho, returnType="id long")(
                session.range(3).asTable()
            ),
        }
        for feature, df in refused.items():
            with pytest.raises(PySparkNotImplementedError, match=feature) as caught:
                df.collect()
            assert "protocol 6" in str(caught.value) and "needs protocol 7" in str(caught.value)
        with pytest.raises(PySparkNotImplementedError, match="arrow_udtf"):
            session.udtf.register("arrow_echo", F.arrow_udtf(ArrowEcho, returnType="id long"))
    finally:
        session.stop()


def test_protocol_7_server_has_no_streaming(serve: Any) -> None:
    """Structured Streaming needs protocol 8: against an older server it fails on the
    client, naming the feature."""
    _, url = serve(ServerVersions(protocol=7))
    session = SparkSession.builder.remote(url).create()
    try:
        with pytest.raises(PySparkNotImplementedError, match="readStream"):
            session.readStream.format("rate").load()
        with pytest.raises(PySparkNotImplementedError, match="streams"):
            session.streams.active  # noqa: B018 - the property is the call
        with pytest.raises(PySparkNotImplementedError, match="writeStream"):
            session.range(1).writeStream.format("noop").start()
    finally:
        session.stop()


def test_protocol_10_server_has_no_na_unpivot_parse_or_as_of_join(serve: Any) -> None:
    """The relations protocol 11 declares fail on the client against an older server,
    naming the feature and both versions; plans without them still run."""
    _, url = serve(ServerVersions(protocol=10))
    session = SparkSession.builder.remote(url).create()
    try:
        df = session.range(3)
        refused = {
            "na.fill": df.na.fill(0),
            "na.drop": df.na.drop(),
            "na.replace": df.na.replace(1, 2),
            "unpivot": df.unpivot("id", ["id"], "name", "value"),
            "reading a DataFrame of strings": session.read.json(df.selectExpr("'{}' AS value")),
            "_joinAsOf": df._joinAsOf(df, "id", "id"),
        }
        for feature, refused_df in refused.items():
            with pytest.raises(PySparkNotImplementedError, match=feature) as caught:
                refused_df.collect()
            message = str(caught.value)
            assert "protocol 10" in message and "needs protocol 11" in message
        assert df.count() == 3
    finally:
        session.stop()
