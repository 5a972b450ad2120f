"""Structured Streaming through the server: sources, sinks, triggers, the query handle,
``spark.streams``, foreachBatch and the ownership of queries by their session, each
compared with in-process PySpark where the outcome is deterministic."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import functions as PF

from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.client.errors import (
    AnalysisException,
    PySparkValueError,
    SparkFlightException,
    StreamingQueryException,
)
from sparkflight.client.streaming import StreamingQuery
from sparkflight.plans import sparkflight_pb2 as sf
from tests.conftest import server_pid

EVENTS_SCHEMA = "id INT, name STRING, ts TIMESTAMP"


def _name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _write_json(directory: Path, name: str, rows: list[dict[str, Any]]) -> None:
    """A JSON lines file, renamed into place so that the file source sees it whole."""
    staging = directory.parent / f".{name}"
    staging.write_text("".join(json.dumps(r) + "\n" for r in rows))
    os.replace(staging, directory / name)


@pytest.fixture
def stopped(spark: Any) -> Iterator[list[Any]]:
    """Queries a test started, stopped at its end whatever happened."""
    queries: list[Any] = []
    yield queries
    for query in queries:
        query.stop()


def test_rate_source_aggregated_into_memory_sink(spark: Any, classic: Any, stopped: list) -> None:
    stream = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 7).load()
    assert stream.isStreaming and not spark.range(1).isStreaming
    table = _name("rates")
    counts = stream.selectExpr("value % 3 AS k", "value").groupBy("k").agg({"value": "max"})
    query = (
        counts.writeStream.format("memory")
        .queryName(table)
        .outputMode("complete")
        .trigger(availableNow=True)
        .start()
    )
    stopped.append(query)
    assert query.name == table
    assert query.awaitTermination(60)
    assert not query.isActive and query.exception() is None
    got = spark.sql(f"SELECT k, `max(value)` AS top FROM {table} ORDER BY k").collect()
    progress = query.recentProgress
    rows = sum(p.numInputRows for p in progress)
    assert rows > 0 and rows % 7 == 0
    expected = classic.range(rows).selectExpr("id % 3 AS k", "id").groupBy("k").max("id")
    assert [tuple(r) for r in got] == [tuple(r) for r in expected.orderBy("k").collect()]
    assert query.lastProgress["id"] == query.id and query.lastProgress.runId == query.runId


def test_file_source_picks_up_json_files_as_they_arrive(
    spark: Any, classic: Any, stopped: list, tmp_path: Path
) -> None:
    source = tmp_path / "in"
    source.mkdir()
    _write_json(source, "1.json", [{"id": 1, "name": "a", "ts": "2024-01-01 00:00:01"}])
    table = _name("files")
    stream = spark.readStream.schema(EVENTS_SCHEMA).json(str(source))
    query = stream.where("id > 0").writeStream.format("memory").queryName(table).start()
    stopped.append(query)
    query.processAllAvailable()
    assert [r.id for r in spark.table(table).collect()] == [1]
    _write_json(
        source,
        "2.json",
        [{"id": 2, "name": "b", "ts": "2024-01-01 00:00:02"}, {"id": -1, "name": "x"}],
    )
    query.processAllAvailable()
    got = sorted(tuple(r) for r in spark.table(table).collect())
    expected = classic.read.schema(EVENTS_SCHEMA).json(str(source)).where("id > 0")
    assert got == sorted(tuple(r) for r in expected.collect())
    assert len(got) == 2


def _events(seconds: list[int]) -> list[dict[str, Any]]:
    return [{"id": s, "name": "e", "ts": f"2024-01-01 00:00:{s:02d}"} for s in seconds]


def _watermarked_counts(session: Any, functions: Any, source: Path) -> list[tuple]:
    """A watermarked 10-second windowed count in append mode, fed file by file; the
    windows it emitted. The file at 45 s moves the watermark to 35 s, so the batch of the
    next file emits the windows that closed."""
    table = _name("windows")
    frame = (
        session.readStream.schema(EVENTS_SCHEMA)
        .json(str(source))
        .withWatermark("ts", "10 seconds")
        .groupBy(functions.window("ts", "10 seconds"))
        .count()
        .selectExpr("window.start AS start", "count")
    )
    query = frame.writeStream.format("memory").queryName(table).outputMode("append").start()
    try:
        for index, seconds in enumerate([[1, 3, 5, 12, 14], [45], [46]]):
            _write_json(source, f"{index}.json", _events(seconds))
            query.processAllAvailable()
        return sorted((str(start), count) for start, count in session.table(table).collect())
    finally:
        query.stop()


def test_watermarked_aggregation_emits_closed_windows(
    spark: Any, classic: Any, tmp_path: Path
) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    got = _watermarked_counts(spark, F, ours)
    assert got == _watermarked_counts(classic, PF, theirs)
    assert got == [("2024-01-01 00:00:00", 3), ("2024-01-01 00:00:10", 2)]


def test_foreach_batch_writes_each_batch_to_a_table(spark: Any, tmp_path: Path) -> None:
    table = _name("batches")

    def write(batch: Any, batch_id: int) -> None:
        batch.withColumn("batch", F.lit(batch_id)).write.mode("append").saveAsTable(table)

    source = tmp_path / "in"
    source.mkdir()
    _write_json(source, "1.json", [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    stream = (
        spark.readStream.schema(EVENTS_SCHEMA).option("maxFilesPerTrigger", 1).json(str(source))
    )
    _write_json(source, "2.json", [{"id": 3, "name": "c"}])
    query = stream.select("id").writeStream.foreachBatch(write).trigger(availableNow=True).start()
    assert query.awaitTermination(60)
    try:
        got = sorted(tuple(r) for r in spark.table(table).collect())
        assert got == [(1, 0), (2, 0), (3, 1)]
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {table}")


def _file_stream(spark: Any, tmp_path: Path) -> Any:
    """A stream over a directory of JSON files that holds one file of two events."""
    source = tmp_path / "in"
    source.mkdir()
    _write_json(source, "1.json", [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    return spark.readStream.schema(EVENTS_SCHEMA).json(str(source))


def test_foreach_batch_function_runs_in_a_client_process_of_its_own(
    spark: Any, tmp_path: Path
) -> None:
    table = _name("where")

    def record(batch: Any, batch_id: int) -> None:
        import os
        import sys

        batch.groupBy().count().select(
            F.lit(os.getpid()).alias("pid"),
            F.lit(type(batch).__module__).alias("kind"),
            F.lit(batch.sparkSession.sessionId).alias("session"),
            F.lit(
                any(m.startswith(("pyspark", "sparkflight.flight_server")) for m in sys.modules)
            ).alias("server_modules"),
            "count",
        ).write.mode("append").saveAsTable(table)

    query = _file_stream(spark, tmp_path).writeStream.foreachBatch(record)
    assert query.trigger(availableNow=True).start().awaitTermination(60)
    try:
        [(pid, kind, session, server_modules, count)] = spark.table(table).collect()
        assert pid not in (server_pid(), os.getpid())
        assert kind == "sparkflight.client.dataframe"
        assert session == spark.sessionId
        assert server_modules is False
        assert count == 2
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {table}")


def test_foreach_batch_failure_fails_the_query_with_its_error(spark: Any, tmp_path: Path) -> None:
    def fail(batch: Any, batch_id: int) -> None:
        raise ValueError(f"no room for batch {batch_id} of {batch.count()} rows")

    query = _file_stream(spark, tmp_path).writeStream.foreachBatch(fail).start()
    with pytest.raises(StreamingQueryException) as raised:
        query.awaitTermination(60)
    assert "ValueError: no room for batch 0 of 2 rows" in str(raised.value)
    assert not query.isActive
    spark.streams.resetTerminated()
    assert spark.range(3).count() == 3


def test_stop_ends_a_foreach_batch_function_that_hangs(spark: Any, tmp_path: Path) -> None:
    started = tmp_path / "started"

    def hang(batch: Any, batch_id: int) -> None:
        import time

        started.write_text(str(batch_id))
        time.sleep(3600)

    query = _file_stream(spark, tmp_path).writeStream.foreachBatch(hang).start()
    for _ in range(600):
        if started.exists() or not query.isActive:
            break
        time.sleep(0.1)
    assert started.read_text() == "0"
    query.stop()
    assert not query.isActive
    spark.streams.resetTerminated()
    assert spark.range(3).count() == 3


def test_handle_stop_await_and_failure(spark: Any, stopped: list) -> None:
    stream = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load()
    running = stream.writeStream.format("noop").trigger(processingTime="1 second").start()
    stopped.append(running)
    assert running.awaitTermination(0.2) is False
    assert running.id in [q.id for q in spark.streams.active]
    assert spark.streams.get(running.id).runId == running.runId
    running.stop()
    assert running.awaitTermination(5) is True and not running.isActive
    assert spark.streams.get(running.id) is None
    with pytest.raises(PySparkValueError):
        running.awaitTermination(0)

    failing = stream.selectExpr("raise_error('boom ' || value)").writeStream.format("noop")
    query = failing.start()
    with pytest.raises(StreamingQueryException) as raised:
        query.awaitTermination()
    assert "boom 0" in str(raised.value)
    failure = query.exception()
    assert isinstance(failure, StreamingQueryException) and "boom 0" in str(failure)
    assert not query.isActive
    spark.streams.resetTerminated()


def test_streaming_errors_are_pysparks(spark: Any, classic: Any) -> None:
    from pyspark.errors import AnalysisException as ClassicAnalysisException

    def conditions(session: Any, raised: type[Exception]) -> list[str | None]:
        stream = session.readStream.format("rate").load()
        counts = stream.groupBy("value").count().writeStream.format("memory")
        attempts = [
            stream.collect,
            lambda: counts.queryName(_name("bad")).outputMode("append").start(),
        ]
        found = []
        for attempt in attempts:
            with pytest.raises(raised) as error:
                attempt()
            found.append(error.value.getCondition())
        return found

    ours = conditions(spark, AnalysisException)
    assert ours == conditions(classic, ClassicAnalysisException)
    assert ours[1] == "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION"
    assert spark.streams.active == []
    with pytest.raises(PySparkValueError):
        spark.readStream.format("rate").load().writeStream.trigger(once=True, availableNow=True)


def test_another_session_cannot_see_or_stop_the_query(spark: Any, stopped: list) -> None:
    stream = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load()
    query = stream.writeStream.format("noop").trigger(processingTime="1 second").start()
    stopped.append(query)
    other = spark.newSession()
    try:
        assert other.streams.active == []
        assert other.streams.get(query.id) is None
        started = sf.StreamingQueryInfo(id=query.id, run_id=query.runId)
        foreign = StreamingQuery(other, started)
        with pytest.raises(SparkFlightException) as raised:
            foreign.stop()
        assert raised.value.getCondition() == "STREAMING_QUERY_NOT_FOUND"
        assert query.id in str(raised.value)
        assert query.isActive
    finally:
        other.stop()


def test_closing_a_session_stops_its_queries(spark: Any, tmp_path: Path) -> None:
    checkpoint = str(tmp_path / "checkpoint")
    other: SparkSession = spark.newSession()
    stream = other.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load()
    writer = stream.writeStream.format("noop").trigger(processingTime="1 second")
    started = writer.option("checkpointLocation", checkpoint).start()
    other.stop()
    # The same query (same checkpoint) can start again only once the first run ended:
    # Spark refuses a second active run instead of stopping the first.
    spark.conf.set("spark.sql.streaming.stopActiveRunOnRestart", "false")
    try:
        again = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 1).load()
        writer = again.writeStream.format("noop").trigger(processingTime="1 second")
        restarted = writer.option("checkpointLocation", checkpoint).start()
        assert restarted.id == started.id and restarted.runId != started.runId
        restarted.stop()
    finally:
        spark.conf.unset("spark.sql.streaming.stopActiveRunOnRestart")


def _drain(frame: Any) -> list[tuple]:
    """Every row a streaming DataFrame has now, through an availableNow memory query."""
    table = _name("drained")
    query = frame.writeStream.format("memory").queryName(table).trigger(availableNow=True)
    assert query.start().awaitTermination(60)
    return sorted(tuple(r) for r in frame.sparkSession.table(table).collect())


@pytest.mark.parametrize("fmt", ["csv", "text", "parquet", "orc"])
def test_file_source_shortcuts_read_what_batch_reads(
    spark: Any, classic: Any, tmp_path: Path, fmt: str
) -> None:
    path = str(tmp_path / fmt)
    data = classic.createDataFrame([(1, "a"), (2, "b")], "id INT, name STRING")
    if fmt == "text":
        data = data.selectExpr("concat(id, ':', name) AS value")
    data.write.format(fmt).save(path)
    batch = getattr(classic.read, fmt)(path, **({"schema": data.schema} if fmt == "csv" else {}))
    ddl = ", ".join(f"{f.name} {f.dataType.simpleString()}" for f in batch.schema.fields)
    reader = spark.readStream
    if fmt == "csv":
        stream = reader.csv(path, schema=ddl)
    else:
        stream = getattr(reader.schema(ddl), fmt)(path)
    assert stream.isStreaming
    assert _drain(stream) == sorted(tuple(r) for r in batch.collect())


def test_table_source_streams_the_rows_of_a_table(spark: Any) -> None:
    table = _name("source")
    spark.createDataFrame([(1,), (2,)], "id INT").write.saveAsTable(table)
    try:
        stream = spark.readStream.table(table)
        assert stream.isStreaming
        assert _drain(stream.selectExpr("id * 10 AS id")) == [(10,), (20,)]
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {table}")


def test_socket_source_reads_lines_sent_to_it(spark: Any, stopped: list) -> None:
    lines = ["alpha", "beta", "gamma"]
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []

        def serve() -> None:
            connection, _ = listener.accept()
            accepted.append(connection)
            connection.sendall("".join(f"{line}\n" for line in lines).encode())

        sender = threading.Thread(target=serve, daemon=True)
        sender.start()
        table = _name("lines")
        stream = spark.readStream.format("socket").options(host="127.0.0.1", port=port).load()
        query = stream.writeStream.format("memory").queryName(table).start()
        stopped.append(query)
        try:
            # The source reads the socket in its own thread: process until every line came.
            deadline = time.monotonic() + 60
            got: list[str] = []
            while len(got) < len(lines) and time.monotonic() < deadline:
                query.processAllAvailable()
                got = [r.value for r in spark.table(table).collect()]
            assert sorted(got) == sorted(lines)
        finally:
            query.stop()
            for connection in accepted:
                connection.close()


def test_to_table_partitioned_and_explained(
    spark: Any, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    table = _name("sink")
    stream = spark.readStream.format("rate-micro-batch").option("rowsPerBatch", 6).load()
    query = (
        stream.selectExpr("value", "value % 2 AS parity")
        .writeStream.partitionBy("parity")
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .toTable(table)
    )
    try:
        assert query.awaitTermination(60)
        rows = sorted(tuple(r) for r in spark.table(table).select("value", "parity").collect())
        assert rows == [(v, v % 2) for v in range(len(rows))] and len(rows) % 6 == 0 and rows
        assert [c.name for c in spark.catalog.listColumns(table) if c.isPartition] == ["parity"]
        capsys.readouterr()
        query.explain()
        assert "== Physical Plan ==" in capsys.readouterr().out
        assert query.status["isTriggerActive"] is False
    finally:
        spark.sql(f"DROP TABLE IF EXISTS {table}")


def _joined_and_deduplicated(session: Any, source: Path) -> dict[str, list[tuple]]:
    """A stream joined with a static table, a stream joined with another stream, and a
    stream deduplicated within its watermark, each fed the same files and drained."""
    left, right = source / "left", source / "right"
    left.mkdir(parents=True)
    right.mkdir()
    _write_json(left, "1.json", _events([1, 2, 2, 3]))
    rights = [{"id": i, "name": f"r{i}", "ts": "2024-01-01 00:00:05"} for i in (2, 3, 4)]
    _write_json(right, "1.json", rights)
    events = session.readStream.schema(EVENTS_SCHEMA).json(str(left))
    others = session.readStream.schema(EVENTS_SCHEMA).json(str(right))
    static = session.createDataFrame([(1, "one"), (3, "three")], "id INT, word STRING")
    frames = {
        "stream-static": events.join(static, "id").select("id", "word"),
        "stream-stream": events.withWatermark("ts", "1 minute")
        .join(others.withWatermark("ts", "1 minute").selectExpr("id", "name AS other"), "id")
        .select("id", "other"),
        "deduplicated": events.withWatermark("ts", "1 minute")
        .dropDuplicatesWithinWatermark(["id"])
        .select("id"),
    }
    return {name: _drain(frame) for name, frame in frames.items()}


def test_joins_and_deduplication_within_the_watermark(
    spark: Any, classic: Any, tmp_path: Path
) -> None:
    got = _joined_and_deduplicated(spark, tmp_path / "ours")
    expected = _joined_and_deduplicated(classic, tmp_path / "theirs")
    assert got == expected
    assert got == {
        "stream-static": [(1, "one"), (3, "three")],
        "stream-stream": [(2, "r2"), (2, "r2"), (3, "r3")],
        "deduplicated": [(1,), (2,), (3,)],
    }


#: The sources of the examples in PySpark's ``DataStreamReader`` docstrings, on inputs
#: written as those examples write them: ``example(session, inputs)`` is the stream.
READER_EXAMPLES: dict[str, Any] = {
    "format": lambda s, d: s.readStream.format("text").load(d["text"]),
    "load": lambda s, d: s.readStream.schema("age INT, name STRING").format("json").load(d["json"]),
    "json": lambda s, d: s.readStream.schema("age INT, name STRING").json(d["json"]),
    "csv": lambda s, d: s.readStream.schema("col0 INT, col1 STRING").format("csv").load(d["csv"]),
    "text": lambda s, d: s.readStream.text(d["text"]),
    "parquet": lambda s, d: s.readStream.schema("id LONG").parquet(d["parquet"]),
    "orc": lambda s, d: s.readStream.schema("id LONG").orc(d["orc"]),
    "xml": lambda s, d: s.readStream.schema("age INT, name STRING").xml(d["xml"], rowTag="person"),
    "option": lambda s, d: s.readStream.format("rate").option("rowsPerSecond", 10).load(),
    "options": lambda s, d: (
        s.readStream.format("rate").options(rowsPerSecond=10, numPartitions=10).load()
    ),
}


@pytest.fixture(scope="module")
def example_inputs(classic: Any, tmp_path_factory: Any) -> dict[str, str]:
    """The files PySpark's reader examples write, by format."""
    root = tmp_path_factory.mktemp("reader-examples")
    people = classic.createDataFrame([(100, "Hyukjin Kwon")], ["age", "name"])
    writes = {
        "text": classic.createDataFrame([("hello",), ("this",)]).write.format("text"),
        "json": people.write.format("json"),
        "csv": classic.createDataFrame([(1, "2")]).write.format("csv"),
        "parquet": classic.range(10).write.format("parquet"),
        "orc": classic.range(10).write.format("orc"),
        "xml": classic.createDataFrame([{"age": 100, "name": "Hyukjin Kwon"}])
        .write.option("rowTag", "person")
        .format("xml"),
    }
    paths = {}
    for fmt, writer in writes.items():
        paths[fmt] = str(root / fmt)
        writer.mode("overwrite").save(paths[fmt])
    return paths


def _example_rows(frame: Any) -> list[tuple]:
    """What a reader example's stream gives: a file source drained, or a rate source's
    rows once a batch with rows has run (their values, as its times are the clock's)."""
    if "value" not in frame.columns or "timestamp" not in frame.columns:
        return _drain(frame)
    table = _name("rates")
    query = frame.writeStream.format("memory").queryName(table).start()
    try:
        for _ in range(240):  # at most two minutes
            if any(p.numInputRows for p in query.recentProgress):
                break
            assert query.exception() is None
            query.awaitTermination(0.5)
    finally:
        query.stop()
    values = sorted(r.value for r in frame.sparkSession.table(table).collect())
    return [(values == list(range(len(values))),)]


@pytest.mark.parametrize("example", sorted(READER_EXAMPLES))
def test_reader_examples_match_pyspark(
    spark: Any, classic: Any, example_inputs: dict[str, str], example: str
) -> None:
    found = []
    for session in (spark, classic):
        stream = READER_EXAMPLES[example](session, example_inputs)
        assert stream.isStreaming
        found.append((stream.schema.simpleString(), _example_rows(stream)))
    assert found[0] == found[1]
    assert found[0][1]


def test_reader_schema_example_prints_pysparks_schema(spark: Any, classic: Any) -> None:
    import contextlib
    import io
    import tempfile

    from pyspark.sql import types as classic_types

    from sparkflight.client import types as client_types

    printed = []
    for session, T in ((spark, client_types), (classic, classic_types)):
        reader = session.readStream
        data = T.StructType([T.StructField("data", T.StringType(), True)])
        assert reader.schema(data) is reader
        assert session.readStream.options(**{"k1": "v1", "k2": "v2"}) is not None
        out = io.StringIO()
        with tempfile.TemporaryDirectory(prefix="schema") as d, contextlib.redirect_stdout(out):
            session.readStream.schema("col0 INT, col1 STRING").format("csv").load(d).printSchema()
        printed.append(out.getvalue())
    assert printed[0] == printed[1]
    assert "col0: integer" in printed[0]


def test_reader_table_example_streams_a_table_a_stream_wrote(
    spark: Any, classic: Any, example_inputs: dict[str, str], tmp_path: Path
) -> None:
    found = []
    for session in (spark, classic):
        table = _name("my_table")
        checkpoint = str(tmp_path / table)
        source = session.readStream.schema("id LONG").parquet(example_inputs["parquet"])
        writer = source.writeStream.trigger(availableNow=True)
        writer.toTable(table, checkpointLocation=checkpoint).awaitTermination(60)
        try:
            found.append(_drain(session.readStream.table(table)))
        finally:
            session.sql(f"DROP TABLE IF EXISTS {table}")
    assert found[0] == found[1] == [(i,) for i in range(10)]
