"""Python functions and the server's policy: ``--no-python`` refuses them, and a client of
another Python version is refused before anything runs."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pyspark.sql import SparkSession as ClassicSession

import sparkflight.client.udf as client_udf
from sparkflight.client import SparkSession
from sparkflight.client import functions as F
from sparkflight.client.errors import SparkFlightException
from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.limits import Limits
from sparkflight.flight_server.python_functions import server_python_version


def _session(classic: ClassicSession, limits: Limits) -> Iterator[Any]:
    server, url = start_server(classic, "127.0.0.1", 0, limits=limits)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    session = SparkSession.builder.remote(url).create()
    try:
        yield session
    finally:
        session.stop()
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def no_python(classic: ClassicSession) -> Iterator[Any]:
    yield from _session(classic, Limits(python=False, session_idle_seconds=None))


@pytest.fixture(scope="module")
def with_python(classic: ClassicSession) -> Iterator[Any]:
    yield from _session(classic, Limits(session_idle_seconds=None))


def _refused(action: Any, error_class: str) -> str:
    with pytest.raises(SparkFlightException) as raised:
        action()
    assert raised.value.getCondition() == error_class
    return str(raised.value)


@pytest.mark.parametrize(
    "action",
    [
        lambda s: s.range(3).select(F.udf(lambda x: x, "long")("id")).collect(),
        lambda s: s.range(3).mapInPandas(lambda it: it, "id long").collect(),
        lambda s: s.range(3).groupBy("id").applyInPandas(lambda f: f, "id long").collect(),
        lambda s: s.range(3).foreach(print),
        lambda s: s.udf.register("echo", lambda x: x),
        lambda s: s.readStream.format("rate").load().writeStream.foreachBatch(print).start(),
        lambda s: s.readStream.format("rate").load().writeStream.foreach(print).start(),
    ],
    ids=[
        "udf",
        "mapInPandas",
        "applyInPandas",
        "foreach",
        "register",
        "foreachBatch",
        "streaming foreach",
    ],
)
def test_no_python_refuses_python_functions(no_python: Any, action: Any) -> None:
    message = _refused(lambda: action(no_python), "PYTHON_DISABLED")
    assert "--no-python" in message
    assert no_python.range(3).count() == 3
    assert no_python.streams.active == []


def test_other_python_version_is_refused_naming_both(
    with_python: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    marker = tmp_path / "ran"

    def touch(x: int) -> int:
        marker.write_text("ran")
        return x

    monkeypatch.setattr(client_udf, "python_version", lambda: "3.0")
    message = _refused(
        lambda: with_python.range(2).select(F.udf(touch, "long")("id")).collect(),
        "PYTHON_VERSION_MISMATCH",
    )
    assert "Python 3.0" in message and f"Python {server_python_version()}" in message
    assert not marker.exists()
    monkeypatch.undo()
    assert with_python.range(2).select(F.udf(touch, "long")("id")).collect()[1][0] == 1
    assert marker.exists()


@pytest.mark.parametrize(
    ("name", "flags"),
    [("helper.py", {"pyfile": True}), ("bundle.tar", {"archive": True})],
    ids=["pyfile", "archive"],
)
def test_no_python_refuses_python_artifacts(
    no_python: Any, tmp_path: Any, name: str, flags: dict[str, bool]
) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    message = _refused(lambda: no_python.addArtifact(str(path), **flags), "PYTHON_DISABLED")
    assert "--no-python" in message and name in message
    assert no_python.range(3).count() == 3


def _table_call(session: Any, argument: Any, position: int | None = None) -> bytes:
    """The plan of a UDTF call with one table argument, its position possibly wrong."""
    from sparkflight.client import plan
    from sparkflight.plans import sparkflight_pb2 as sf

    class Rows:  # local: pickled by value, as the in-process server's workers need
        def eval(self, row: Any):
            yield (row["id"],)

    function = client_udf.UserDefinedTableFunction(Rows, "id long")._message()
    built = plan.to_plan(plan.PythonTableFunction(function=function, arguments=[argument]))
    if position is not None:
        detail = built.relations[0].root.input.extension_leaf.detail
        message = sf.PythonTableFunctionRelation()
        detail.Unpack(message)
        message.table_arguments[0].position = position
        detail.Pack(message)
    return built.SerializeToString()


def test_malformed_table_arguments_are_refused_naming_the_problem(with_python: Any) -> None:
    from dataclasses import replace

    from sparkflight.client.expressions import ColumnRef, SortOrder

    table = with_python.range(4).asTable()._argument
    both = replace(table, partition_by=(ColumnRef("id"),), with_single_partition=True)
    cases = {
        "not both": (both, None),
        "order_by needs": (replace(table, order_by=(SortOrder(ColumnRef("id")),)), None),
        "position 3 is out of range": (table, 3),
    }
    for words, (argument, position) in cases.items():
        plan = _table_call(with_python, argument, position)
        message = _refused(lambda p=plan: with_python._connection.execute(p), "INVALID_PLAN")
        assert words in message
    good = _table_call(with_python, replace(table, with_single_partition=True))
    assert sorted(with_python._connection.execute(good).column(0).to_pylist()) == [0, 1, 2, 3]


def _processes_serving(uuid: str) -> list[int]:
    """The Python daemon and workers on this machine of the session with artifact UUID
    ``uuid``."""
    wanted = f"SPARK_JOB_ARTIFACT_UUID={uuid}".encode()
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if b"pyspark" not in cmdline.read():
                    continue
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if wanted in environ.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads processes from /proc")
def test_closing_a_session_stops_its_python_workers(classic: ClassicSession) -> None:
    server, url = start_server(classic, "127.0.0.1", 0, limits=Limits(session_idle_seconds=None))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        session = SparkSession.builder.remote(url).create()
        plus = session.range(4).select(F.udf(lambda x: x + 1, "long")("id").alias("p"))
        assert sorted(r.p for r in plus.collect()) == [1, 2, 3, 4]
        state = server.sessions.get(session._connection.session_id, "").artifact_state
        uuid = str(state.get().uuid())
        assert _processes_serving(uuid), "the session's UDF ran in a daemon of its own"
        session.stop()
        deadline = time.monotonic() + 30
        while _processes_serving(uuid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_serving(uuid) == []
    finally:
        server.shutdown()
        thread.join()
