"""A session belongs to the user who opened it: another user naming it gets an error."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client.errors import SparkFlightException
from sparkflight.client.transport import Connection
from sparkflight.flight_server.auth import Credentials, server_options, token_digest
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import CONFIG, SESSION_CLOSE

TOKENS = {"alice": "alice-token-0123456789", "bob": "bob-token-0123456789"}


@pytest.fixture(scope="module")
def url(classic: SparkSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    auth_file = tmp_path_factory.mktemp("auth") / "auth.json"
    Credentials({}, {token_digest(t): user for user, t in TOKENS.items()}).save(auth_file)
    server = SparkFlightServer(classic, **server_options(auth_file))
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield f"grpc://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()


def _as(url: str, user: str, session_id: str) -> Connection:
    return Connection(url, token=TOKENS[user]).for_session(session_id)


def test_another_user_cannot_use_or_close_a_session(url: str) -> None:
    with RemoteSession.builder.remote(f"{url};token={TOKENS['alice']}").create() as alice:
        alice.sql("select 'secret' as s").createOrReplaceTempView("private")
        mallory = _as(url, "bob", alice.sessionId)
        with pytest.raises(SparkFlightException, match="another user's") as excinfo:
            mallory.execute(alice.table("private")._plan_bytes())
        assert excinfo.value.getCondition() == "SESSION_NOT_FOUND"
        with pytest.raises(SparkFlightException, match="another user's"):
            mallory.action(CONFIG, sf.ConfigRequest(operation=sf.ConfigRequest.OPERATION_GET_ALL))
        with pytest.raises(SparkFlightException, match="another user's"):
            mallory.action(SESSION_CLOSE, sf.CloseSessionRequest(session_id=alice.sessionId))
        assert [r.s for r in alice.table("private").collect()] == ["secret"]
