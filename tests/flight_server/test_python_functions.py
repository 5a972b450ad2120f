"""Python functions and the server's policy: ``--no-python`` refuses them, and a client of
another Python version is refused before anything runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from pyspark.sql import SparkSession as ClassicSession

import client.udf
from client import SparkSession
from client import functions as F
from client.errors import SparkFlightException
from flight_server.cli import start_server
from flight_server.limits import Limits
from flight_server.translate.python import server_python_version


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

    monkeypatch.setattr(client.udf, "python_version", lambda: "3.0")
    message = _refused(
        lambda: with_python.range(2).select(F.udf(touch, "long")("id")).collect(),
        "PYTHON_VERSION_MISMATCH",
    )
    assert "Python 3.0" in message and f"Python {server_python_version()}" in message
    assert not marker.exists()
    monkeypatch.undo()
    assert with_python.range(2).select(F.udf(touch, "long")("id")).collect()[1][0] == 1
    assert marker.exists()
