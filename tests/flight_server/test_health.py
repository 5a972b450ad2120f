"""Health: the probes a supervisor reads."""

from __future__ import annotations

import urllib.error
import urllib.request

import pyarrow.flight as fl

from sparkflight.plans import sparkflight_pb2 as sf
from tests.flight_server.test_chaos import serving

OK = (200, "ok\n")


def probe(port: int, path: str) -> tuple[int, str]:
    """The status and body of an HTTP probe of the metrics port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def flight_health(client: fl.FlightClient) -> sf.HealthResponse:
    [result] = client.do_action(fl.Action("health", b""))
    return sf.HealthResponse.FromString(result.body.to_pybytes())


def test_probes_say_live_and_ready_until_the_server_drains(classic):
    with serving(classic) as (server, url):
        port = server.metrics.serve("127.0.0.1", 0)
        client = fl.connect(url)
        assert probe(port, "/healthz") == OK and probe(port, "/readyz") == OK
        assert flight_health(client) == sf.HealthResponse(live=True, ready=True)
        status, metrics = probe(port, "/metrics")
        assert status == 200 and "sparkflight_calls_in_flight" in metrics
        server.drain(0)
        assert probe(port, "/healthz") == OK
        assert probe(port, "/readyz") == (503, "the server is shutting down\n")
        assert flight_health(client) == sf.HealthResponse(
            live=True, ready=False, reason="the server is shutting down"
        )
        server.metrics.close()
        client.close()
