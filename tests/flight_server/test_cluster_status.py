"""Where the status action looks for a standalone master's workers, and what it says
when no master web UI answers. (The status of a real cluster: tests/cluster.)"""

from __future__ import annotations

import socket

import pytest

from sparkflight.flight_server.cluster import MASTER_WEB_URL_CONF, _add_workers, _master_web_urls
from sparkflight.plans import sparkflight_pb2 as sf


@pytest.mark.parametrize(
    ("master", "configured", "urls"),
    [
        ("spark://head:7077", None, ["http://head:8080"]),
        ("spark://a:7077,b:7078", None, ["http://a:8080", "http://b:8080"]),
        ("spark://head:7077", "http://ui.example:18080/", ["http://ui.example:18080"]),
    ],
)
def test_master_web_urls(master: str, configured: str | None, urls: list[str]) -> None:
    assert _master_web_urls(master, configured) == urls


def test_unreachable_master_web_ui_is_explained() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    status = sf.ClusterStatus()
    _add_workers(status, [url])
    assert not status.workers
    assert not status.master_web_url
    assert url in status.workers_error
    assert MASTER_WEB_URL_CONF in status.workers_error
