"""Authentication: an in-process server over the ``classic`` session with an auth file."""

from __future__ import annotations

import base64
import logging
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import adbc_driver_flightsql
import adbc_driver_flightsql.dbapi as adbc
import adbc_driver_manager
import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from sparkflight.cli import app
from sparkflight.client import SparkSession as RemoteSession
from sparkflight.flight_server.auth import Credentials, hash_password, server_options, token_digest
from sparkflight.flight_server.server import SparkFlightServer

USER, PASSWORD = "alice", "correct horse battery staple"
TOKEN = "static-api-token-for-tests"
OTHER_TOKEN = "token-of-another-user"


@pytest.fixture(scope="module")
def auth_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "auth.json"
    tokens = {token_digest(TOKEN): USER, token_digest(OTHER_TOKEN): "bob"}
    Credentials({USER: hash_password(PASSWORD)}, tokens).save(path)
    return path


@pytest.fixture(scope="module")
def url(classic: SparkSession, auth_file: Path) -> Iterator[str]:
    """A server with authentication over the in-process session, serving in a thread."""
    server = SparkFlightServer(classic, **server_options(auth_file))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield f"grpc://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()


def _query(connection: Any) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute("SELECT 40 + 2 AS answer")
        return cur.fetchall()


def test_adbc_username_and_password(url: str) -> None:
    options = {"username": USER, "password": PASSWORD}
    with adbc.connect(url, db_kwargs=options, autocommit=True) as connection:
        assert _query(connection) == [(42,)]


def test_adbc_bearer_token(url: str) -> None:
    options = {adbc_driver_flightsql.DatabaseOptions.AUTHORIZATION_HEADER.value: f"Bearer {TOKEN}"}
    with adbc.connect(url, db_kwargs=options, autocommit=True) as connection:
        assert _query(connection) == [(42,)]


@pytest.mark.parametrize(
    "options",
    [{}, {"username": USER, "password": "wrong"}, {"username": "mallory", "password": PASSWORD}],
    ids=["none", "wrong-password", "unknown-user"],
)
def test_adbc_refused(url: str, options: dict[str, str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="sparkflight.flight_server.auth")
    with pytest.raises(adbc_driver_manager.Error, match="UNAUTHENTICATED"):
        with adbc.connect(url, db_kwargs=options, autocommit=True) as connection:
            _query(connection)
    assert any("refused" in record.message for record in caplog.records)
    assert all(PASSWORD not in record.message for record in caplog.records)


def test_dataframe_client_token_in_url(url: str) -> None:
    session = RemoteSession.builder.remote(f"{url}/;token={TOKEN}").create()
    try:
        assert session.range(3).count() == 3
    finally:
        session.stop()


def test_foreach_batch_runs_as_the_sessions_user(url: str, tmp_path: Path) -> None:
    """The process that runs a foreachBatch function reaches the server as the user
    whose session runs the query, in that session."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "1.json").write_text('{"id": 1}\n{"id": 2}\n')
    session = RemoteSession.builder.remote(f"{url}/;token={TOKEN}").create()

    def view(batch: Any, batch_id: int) -> None:
        batch.createOrReplaceTempView("seen_by_foreach_batch")

    try:
        stream = session.readStream.schema("id INT").json(str(source))
        query = stream.writeStream.foreachBatch(view).trigger(availableNow=True).start()
        assert query.awaitTermination(60)
        assert session.sql("SELECT sum(id) FROM seen_by_foreach_batch").first()[0] == 3
    finally:
        session.stop()


def test_sessions_belong_to_their_user(url: str) -> None:
    session = RemoteSession.builder.remote(f"{url}/;token={TOKEN}").create()
    client = fl.connect(url)
    try:
        headers = [
            (b"authorization", f"Bearer {OTHER_TOKEN}".encode()),
            (b"x-sparkflight-session", session.sessionId.encode()),
        ]
        with pytest.raises(pa.ArrowKeyError, match="unknown session"):  # NOT_FOUND
            list(client.do_action(fl.Action("version", b""), fl.FlightCallOptions(headers=headers)))
    finally:
        client.close()
        session.stop()


def test_dataframe_path_needs_credentials(url: str) -> None:
    client = fl.connect(url)
    try:
        with pytest.raises(fl.FlightUnauthenticatedError) as error:
            list(client.do_action(fl.Action("version", b"")))
        assert "unauthenticated" in str(error.value)
        assert PASSWORD not in str(error.value)
    finally:
        client.close()


def test_basic_credentials_without_padding(url: str) -> None:
    """Go clients send Basic credentials as base64 without padding."""
    encoded = base64.b64encode(f"{USER}:{PASSWORD}x".encode()).decode().rstrip("=")
    assert len(f"{USER}:{PASSWORD}x") % 3, "the credentials must need padding"
    client = fl.connect(url)
    try:
        options = fl.FlightCallOptions(headers=[(b"authorization", f"Basic {encoded}".encode())])
        with pytest.raises(fl.FlightUnauthenticatedError):
            list(client.do_action(fl.Action("version", b""), options))
        good = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode().rstrip("=")
        options = fl.FlightCallOptions(headers=[(b"authorization", f"Basic {good}".encode())])
        assert list(client.do_action(fl.Action("version", b""), options))
    finally:
        client.close()


def test_pyarrow_basic_handshake(url: str) -> None:
    client = fl.connect(url)
    try:
        header, value = client.authenticate_basic_token(USER, PASSWORD)
        assert value.startswith(b"Bearer ")
        options = fl.FlightCallOptions(headers=[(header, value)])
        assert list(client.do_action(fl.Action("version", b""), options))
    finally:
        client.close()


def test_cli_writes_hashes_only(tmp_path: Path) -> None:
    path = tmp_path / "auth.json"
    runner = CliRunner()
    added = runner.invoke(app, ["auth", "add-user", str(path), "bob"], input="s3cret\ns3cret\n")
    assert added.exit_code == 0, added.output
    issued = runner.invoke(app, ["auth", "add-token", str(path), "bob"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    text = path.read_text()
    assert "s3cret" not in text and token not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    credentials = Credentials.load(path)
    assert credentials.check_password("bob", "s3cret")
    assert not credentials.check_password("bob", "wrong")
    assert credentials.token_user(token) == "bob"
