"""What operators see and control: request log lines, metrics, graceful shutdown."""

from __future__ import annotations

import json
import logging
import threading
import urllib.request

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from pyspark.sql import SparkSession

from sparkflight.flight_server.resume import held_results
from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf
from tests.flight_server.plan_builder import Plans, connect, details, sql
from tests.flight_server.test_chaos import SLOW, active_jobs, serving, wait_until

#: About 12 s on two cores: long enough to be running when the server drains.
FINITE_SLOW = "select id, reflect('java.lang.Thread', 'sleep', 2000L) as s from range(0, 12, 1, 12)"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [
        json.loads(r.getMessage())
        for r in caplog.records
        if r.name == "sparkflight.flight_server.requests"
    ]


@pytest.fixture(scope="module")
def served(served_spark: SparkSession):
    with serving(served_spark) as (server, url):
        client = connect(url)
        yield server, client
        client.close()


def test_one_structured_log_line_per_request(served, caplog):
    _, client = served
    caplog.set_level(logging.INFO, logger="sparkflight.flight_server.requests")
    options = fl.FlightCallOptions(headers=[(wire.OPERATION_ID.encode(), b"op-logged")])
    ticket = fl.Ticket(Plans().plan(sql("select id from range(3)")))
    assert client.do_get(ticket, options).read_all().num_rows == 3
    with pytest.raises(pa.ArrowNotImplementedError):
        list(client.do_action(fl.Action("no.such.action", b"")))

    def logged() -> list[dict[str, object]]:
        return [
            line for line in _request_lines(caplog) if line["method"] in ("DO_GET", "DO_ACTION")
        ]

    wait_until(lambda: len(logged()) >= 2, "both request lines")
    query = next(line for line in logged() if line["method"] == "DO_GET")
    assert query["operation"] == "op-logged"
    assert query["rows"] == 3 and query["bytes"] > 0
    assert query["outcome"] == "ok" and query["duration_ms"] >= 0
    assert 0 < query["plan_ms"] <= query["duration_ms"]
    assert set(query) >= {"user", "session", "action"}
    failed = next(line for line in logged() if line["method"] == "DO_ACTION")
    assert failed["action"] == "no.such.action"
    assert failed["outcome"] == "UNKNOWN_ACTION"


def test_prometheus_metrics(served):
    server, client = served
    ticket = fl.Ticket(Plans().plan(sql("select id from range(5)")))
    client.do_get(ticket).read_all()
    port = server.metrics.serve("127.0.0.1", 0)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as response:
        text = response.read().decode()
    assert 'sparkflight_requests_total{method="DO_GET",outcome="ok"}' in text
    assert "sparkflight_request_duration_seconds_bucket" in text
    assert 'sparkflight_rows_total{method="DO_GET"}' in text
    assert "sparkflight_active_sessions 0.0" in text
    assert "sparkflight_active_queries" in text
    assert "sparkflight_held_results 0.0" in text
    assert "sparkflight_held_result_bytes 0.0" in text
    server.metrics.close()


def _options(resumable: bool) -> fl.FlightCallOptions:
    return fl.FlightCallOptions(headers=[(wire.RESUMABLE.encode(), b"1")] if resumable else [])


@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
def test_shutdown_lets_running_queries_finish_and_refuses_new_ones(served_spark, resumable):
    with serving(served_spark) as (server, url):
        client = connect(url)
        results: list[object] = []
        ticket = fl.Ticket(Plans().plan(sql(FINITE_SLOW)))
        options = _options(resumable)
        query = threading.Thread(
            target=lambda: results.append(client.do_get(ticket, options).read_all())
        )
        query.start()
        wait_until(lambda: server.sessions.running(), "the query to start")
        drain = threading.Thread(target=server.drain, args=(600,))
        drain.start()
        wait_until(lambda: server._draining.is_set(), "the server to drain")
        with pytest.raises(fl.FlightUnavailableError, match="shutting down") as refused:
            client.do_get(fl.Ticket(Plans().plan(sql("select 1")))).read_all()
        assert details(refused.value).error_class == "SERVER_SHUTTING_DOWN"
        assert query.is_alive() and drain.is_alive()  # the drain waits for the query
        query.join()
        drain.join()
        assert sorted(results[0].column("id").to_pylist()) == list(range(12))
        assert held_results(server.sessions) == []
        client.close()


@pytest.mark.parametrize("resumable", [False, True], ids=["plain", "resumable"])
def test_shutdown_cancels_queries_still_running_after_the_grace_period(served_spark, resumable):
    with serving(served_spark) as (server, url):
        client = connect(url)
        errors: list[fl.FlightError] = []

        def query() -> None:
            try:
                client.do_get(fl.Ticket(Plans().plan(sql(SLOW))), _options(resumable)).read_all()
            except fl.FlightError as exc:
                errors.append(exc)

        thread = threading.Thread(target=query)
        thread.start()
        wait_until(lambda: active_jobs(served_spark), "the query to start")
        server.drain(0.5)
        thread.join()
        assert isinstance(errors[0], fl.FlightUnavailableError)
        assert "shutting down" in details(errors[0]).message
        wait_until(lambda: not active_jobs(served_spark), "the Spark job to be cancelled")
        assert held_results(server.sessions) == []
        client.close()


def test_a_client_sees_the_error_class_of_a_refused_session(served):
    _, client = served
    request = sf.CloseSessionRequest(session_id="nope")
    with pytest.raises(pa.ArrowKeyError) as excinfo:
        list(client.do_action(fl.Action("session.close", request.SerializeToString())))
    assert details(excinfo.value).error_class == "SESSION_NOT_FOUND"
