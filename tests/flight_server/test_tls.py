"""TLS and mutual TLS, and where a server without authentication may listen."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from sparkflight.cli import app
from sparkflight.client import SparkSession as RemoteSession
from sparkflight.client.errors import SparkFlightException
from sparkflight.flight_server.launch import start_server
from sparkflight.flight_server.security import TlsFiles, check_bind_address, is_loopback
from tests.certificates import CertificateAuthority, Pem

pytest.importorskip("cryptography")


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def server_pem(authority: CertificateAuthority) -> Pem:
    return authority.issue("localhost", server=True)


@pytest.fixture(scope="module")
def client_pem(authority: CertificateAuthority) -> Pem:
    return authority.issue("alice", server=False)


def _serving(spark: SparkSession, tls: TlsFiles) -> Iterator[str]:
    server, url = start_server(spark, "127.0.0.1", 0, tls)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="module")
def tls_url(classic: SparkSession, server_pem: Pem) -> Iterator[str]:
    yield from _serving(classic, TlsFiles(server_pem.cert, server_pem.key))


@pytest.fixture(scope="module")
def mtls_url(classic: SparkSession, server_pem: Pem, authority: CertificateAuthority):
    yield from _serving(classic, TlsFiles(server_pem.cert, server_pem.key, authority.pem.cert))


def _remote(url: str, **files: Path) -> RemoteSession:
    parameters = "".join(f";{key}={path}" for key, path in files.items())
    return RemoteSession.builder.remote(url + parameters).create()


def test_the_url_of_a_tls_server_says_grpc_tls(tls_url):
    assert tls_url.startswith("grpc+tls://127.0.0.1:")


def test_a_client_trusting_the_servers_ca_runs_queries(tls_url, authority):
    with _remote(tls_url, tls_root_certs=authority.pem.cert) as spark:
        assert [r.id for r in spark.range(3).collect()] == [0, 1, 2]


def test_a_plaintext_client_against_a_tls_server_fails_cleanly(tls_url, authority):
    plaintext = tls_url.replace("grpc+tls://", "grpc://")
    with pytest.raises(SparkFlightException, match="unavailable"):
        RemoteSession.builder.remote(plaintext).create()
    with _remote(tls_url, tls_root_certs=authority.pem.cert) as spark:
        assert spark.range(2).count() == 2


def test_a_client_not_trusting_the_servers_certificate_fails(tls_url):
    client = fl.FlightClient(tls_url)
    with pytest.raises(fl.FlightUnavailableError):
        list(client.do_action(fl.Action("version", b"")))
    client.close()


def test_mutual_tls_with_a_client_certificate(mtls_url, authority, client_pem):
    files = {"tls_cert_chain": client_pem.cert, "tls_private_key": client_pem.key}
    with _remote(mtls_url, tls_root_certs=authority.pem.cert, **files) as spark:
        assert spark.sql("select 'x' as v").first().v == "x"


def test_mutual_tls_without_a_client_certificate_fails(mtls_url, authority):
    with pytest.raises(SparkFlightException, match="unavailable"):
        _remote(mtls_url, tls_root_certs=authority.pem.cert)


def test_mutual_tls_refuses_a_certificate_from_another_ca(mtls_url, authority, tmp_path):
    stranger = CertificateAuthority(tmp_path, "other CA").issue("mallory", server=False)
    files = {"tls_cert_chain": stranger.cert, "tls_private_key": stranger.key}
    with pytest.raises(SparkFlightException, match="unavailable"):
        _remote(mtls_url, tls_root_certs=authority.pem.cert, **files)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("::", False)],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_without_authentication_only_loopback_unless_insecure():
    check_bind_address("127.0.0.1", authenticated=False, insecure=False)
    check_bind_address("0.0.0.0", authenticated=False, insecure=True)
    with pytest.raises(ValueError, match="--insecure-allow-unauthenticated"):
        check_bind_address("0.0.0.0", authenticated=False, insecure=False)


def test_serve_refuses_a_public_address_without_authentication():
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--insecure-allow-unauthenticated" in result.output


def test_serve_needs_the_tls_key_with_the_certificate(server_pem):
    result = CliRunner().invoke(app, ["serve", "--tls-cert", str(server_pem.cert)])
    assert result.exit_code == 2
    assert "go together" in result.output


def test_foreach_batch_reaches_a_mutual_tls_server(mtls_url, authority, client_pem, tmp_path):
    """The process that runs a foreachBatch function is a client of the server: under
    mutual TLS it presents a certificate the server made and trusts."""
    files = {"tls_cert_chain": client_pem.cert, "tls_private_key": client_pem.key}
    source = tmp_path / "in"
    source.mkdir()
    (source / "1.json").write_text('{"id": 1}\n{"id": 2}\n')
    table = "foreach_batch_over_mtls"
    with _remote(mtls_url, tls_root_certs=authority.pem.cert, **files) as spark:

        def write(batch, batch_id):
            batch.write.mode("append").saveAsTable(table)

        stream = spark.readStream.schema("id INT").json(str(source))
        query = stream.writeStream.foreachBatch(write).trigger(availableNow=True).start()
        try:
            assert query.awaitTermination(60)
            assert sorted(r.id for r in spark.table(table).collect()) == [1, 2]
        finally:
            spark.sql(f"DROP TABLE IF EXISTS {table}")
