"""The Spark Connect server the benchmark starts: on loopback only, on the port it bound,
for clients with this run's token only."""

from __future__ import annotations

import ipaddress
import uuid
from urllib.parse import urlsplit

import grpc
import psutil
import pytest
from pyspark.sql.connect.proto import base_pb2, base_pb2_grpc

from sparkflight.benchmarks.targets import SparkSettings, start_spark_connect_server
from tests.conftest import RUN_SPARK_CONF, SERVER_MASTER, SPARK_CONF


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address, IPv4 for an IPv4-mapped IPv6 one (a dual-stack socket's)."""
    address = ipaddress.ip_address(text)
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped if mapped is not None else address


def _version(channel: grpc.Channel) -> str:
    """The Spark version the server reports (an ``AnalyzePlan`` call that runs nothing)."""
    request = base_pb2.AnalyzePlanRequest(
        session_id=str(uuid.uuid4()),
        user_context=base_pb2.UserContext(user_id="bench"),
        spark_version=base_pb2.AnalyzePlanRequest.SparkVersion(),
    )
    stub = base_pb2_grpc.SparkConnectServiceStub(channel)
    return stub.AnalyzePlan(request, timeout=60).spark_version.version


def test_spark_connect_server_listens_on_loopback_for_its_token_only() -> None:
    settings = SparkSettings(
        master=SERVER_MASTER, driver_memory=SPARK_CONF["spark.driver.memory"], extra=RUN_SPARK_CONF
    )
    server, url = start_spark_connect_server(settings)
    try:
        address, _, parameters = url.removeprefix("sc://").partition("/;")
        host_port = urlsplit(f"//{address}")
        token = dict(p.split("=", 1) for p in parameters.split(";"))["token"]
        assert host_port.hostname == "localhost" and len(token) >= 32
        tree = [psutil.Process(server.pid), *psutil.Process(server.pid).children(recursive=True)]
        listening = {
            (_address(c.laddr.ip), c.laddr.port)
            for p in tree
            for c in p.net_connections("tcp")
            if c.status == psutil.CONN_LISTEN
        }
        assert (ipaddress.ip_address("127.0.0.1"), host_port.port) in listening
        assert all(ip.is_loopback for ip, _ in listening), listening

        endpoint = f"localhost:{host_port.port}"
        credentials = grpc.composite_channel_credentials(
            grpc.local_channel_credentials(), grpc.access_token_call_credentials(token)
        )
        with grpc.secure_channel(endpoint, credentials) as channel:
            assert _version(channel)
        with grpc.insecure_channel(endpoint) as channel, pytest.raises(grpc.RpcError) as refused:
            _version(channel)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        server.stop()
