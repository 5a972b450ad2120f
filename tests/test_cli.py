"""The ``sparkflight`` command: version, serve (as a real process) and demo."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from importlib.metadata import version

import pyarrow as pa
import pyarrow.flight as flight
import pytest
from typer.testing import CliRunner

from sparkflight.cli import app
from tests.conftest import REPO_ROOT, SERVER_START_TIMEOUT_S, ServerProcess, serve_command

runner = CliRunner()


def test_version_names_sparkflight_pyspark_and_pyarrow():
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"sparkflight {version('sparkflight')}",
        f"pyspark {version('pyspark')}",
        f"pyarrow {pa.__version__}",
    ]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_server_commands_without_pyspark_say_what_to_install(command, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)
    result = runner.invoke(app, [command])
    assert result.exit_code == 1
    assert "pip install 'sparkflight[server]'" in result.stderr


def test_serve_rejects_a_conf_without_value():
    result = runner.invoke(app, ["serve", "--conf", "spark.sql.shuffle.partitions"])
    assert result.exit_code == 2
    assert "expected key=value" in result.output


def test_serve_help_names_its_exit_statuses():
    from sparkflight.flight_server.health import EXIT_OUT_OF_MEMORY, EXIT_SPARK_STOPPED

    result = runner.invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert f"{EXIT_SPARK_STOPPED} when Spark stopped under the server" in text
    assert f"{EXIT_OUT_OF_MEMORY} when Spark's JVM ran out of memory" in text


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_serve_prints_its_url_serves_and_stops_cleanly(stop_signal):
    with tempfile.NamedTemporaryFile(suffix=".log") as log:
        server = ServerProcess(serve_command(), log)
        try:
            url = server.read_url(SERVER_START_TIMEOUT_S)
            match = re.fullmatch(r"grpc://127\.0\.0\.1:(\d+)", url)
            assert match and int(match.group(1)) > 0
            client = flight.connect(url)
            actions = {action.type for action in client.list_actions()}
            client.close()
            assert {"session.open", "session.close", "config", "analyze"} <= actions
            server.process.send_signal(stop_signal)
            assert server.process.wait() == 0, server.log_tail()
            assert server.process.stdout is not None
            assert server.process.stdout.read() == ""
        finally:
            server.stop()


def table_rows(text: str) -> list[tuple[str, ...]]:
    """The cells of every row of the rich tables in ``text``."""
    return [
        tuple(cell.strip() for cell in line.strip().strip("│").split("│"))
        for line in text.splitlines()
        if line.startswith("│")
    ]


def test_demo_runs_queries_through_a_server():
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    ran = subprocess.run(
        [sys.executable, "-m", "sparkflight", "demo"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert ran.returncode == 0, ran.stderr
    assert '"method"' not in ran.stdout + ran.stderr  # no request records amid the tables
    rows = table_rows(ran.stdout)
    even_squares = [("2", "4"), ("4", "16"), ("6", "36"), ("8", "64"), ("10", "100")]
    buckets = [("0", "34", "1683"), ("1", "33", "1617"), ("2", "33", "1650")]
    orders = [("Linus", "Helsinki", "2", "24.25"), ("Ada", "London", "2", "20.0")]
    sql = [("Grace", "5", "GRACE"), ("Linus", "5", "LINUS"), ("Ada", "3", "ADA")]
    for expected in (even_squares, buckets, orders, sql):
        start = rows.index(expected[0])
        assert rows[start : start + len(expected)] == expected


def _status(server_url: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "sparkflight", "status", server_url],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_status_of_a_server_on_local_spark(server_url):
    ran = _status(server_url)
    assert ran.returncode == 0, ran.stderr
    rows = table_rows(ran.stdout)
    assert ("master", "local[2]") in rows
    assert ("executors", "0 active, 0 lost") in rows
    assert "Workers" not in ran.stdout
    driver = next(row for row in rows if row[0] == "driver")
    assert driver[2] == "active"


def test_status_shows_the_running_streaming_queries(server_url, spark, tmp_path):
    (tmp_path / "1.json").write_text("".join(f'{{"id": {i}}}\n' for i in range(5)))
    stream = spark.readStream.schema("id INT").json(str(tmp_path))
    name = f"status_{os.getpid()}"
    writer = stream.writeStream.format("memory").queryName(name)
    query = writer.trigger(processingTime="100 milliseconds").start()
    try:
        query.processAllAvailable()
        ran = _status(server_url)
        last = query.lastProgress
    finally:
        query.stop()
    assert ran.returncode == 0, ran.stderr
    assert "Streaming queries" in ran.stdout
    row = next(row for row in table_rows(ran.stdout) if row[0] == query.id)
    assert row[1:4] == (name, spark._info.session_id, "0")
    assert float(row[4]) >= 0 and float(row[5]) >= 0
    assert row[6] <= last.timestamp  # ISO 8601 timestamps of the same form
    assert query.id not in _status(server_url).stdout


#: ``sparkflight`` as a client-only install runs it: neither pyspark nor pandas importable.
CLIENT_ONLY = (
    "import sys\n"
    "sys.modules['pyspark'] = sys.modules['pandas'] = None\n"
    "from sparkflight.cli import app\n"
    "app(prog_name='sparkflight')\n"
)


@pytest.mark.parametrize("command", ["version", "status"])
def test_a_client_only_install_runs_version_and_status(command, server_url):
    args = [server_url] if command == "status" else []
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "COLUMNS": "250"}
    ran = subprocess.run(
        [sys.executable, "-c", CLIENT_ONLY, command, *args],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert ran.returncode == 0, ran.stderr
    if command == "status":
        assert ("master", "local[2]") in table_rows(ran.stdout)
    else:
        assert f"sparkflight {version('sparkflight')}" in ran.stdout.splitlines()


def test_status_of_no_server_says_so():
    result = runner.invoke(app, ["status", "grpc://127.0.0.1:1"])
    assert result.exit_code == 1
    assert "Cannot get the status of grpc://127.0.0.1:1" in result.stderr


@pytest.mark.parametrize(("flags", "python"), [([], True), (["--no-python"], False)])
def test_serve_no_python_makes_the_server_refuse_python_functions(flags, python, monkeypatch):
    import sparkflight.flight_server.launch as launch
    import sparkflight.flight_server.runtime as runtime

    seen = {}

    class Stopped(Exception):
        pass

    class FakeSpark:
        def stop(self):
            seen["stopped"] = True

    def fake_start_server(spark, host, port, tls, limits, auth_options, result_store=None):
        seen["python"] = limits.python
        raise Stopped

    monkeypatch.setattr(runtime, "start_spark", lambda master, conf: FakeSpark())
    monkeypatch.setattr(launch, "start_server", fake_start_server)
    result = runner.invoke(app, ["serve", *flags])
    assert isinstance(result.exception, Stopped)
    assert seen == {"python": python, "stopped": True}


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_a_bad_auth_file_is_refused_before_anything_starts(command, tmp_path, monkeypatch):
    import sparkflight.flight_server.runtime as runtime

    def no_spark(*args, **kwargs):
        raise AssertionError("Spark was started")

    monkeypatch.setattr(runtime, "start_spark", no_spark)
    auth_file = tmp_path / "auth.json"
    auth_file.write_text("{not json")
    key_file = tmp_path / "key"
    key_file.write_bytes(b"k" * 32)
    extra = ["--store", str(tmp_path / "store"), "--key-file", str(key_file)]
    args = [command, "--auth-file", str(auth_file), *(extra if command == "worker" else [])]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    said = " ".join(line.strip(" │") for line in result.output.splitlines())
    assert "Invalid value for --auth-file: cannot read auth file" in said
