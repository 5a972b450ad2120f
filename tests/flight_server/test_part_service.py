"""``sparkflight worker``'s service: parts a task wrote into its store, served once to
tickets signed with the server's key; others refused. No Spark runs here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.flight as fl
import pytest

from sparkflight.flight_server.errors import SparkFlightError
from sparkflight.flight_server.part_service import PartService
from sparkflight.flight_server.result_store import LOCATION_FILE, ResultStore, write_part
from tests.flight_server.plan_builder import connect

KEY = b"k" * 32
TABLE = pa.table({"id": pa.array(range(1000), pa.int64()), "s": [f"r{i}" for i in range(1000)]})


@pytest.fixture
def service(tmp_path: Path) -> Iterator[PartService]:
    srv = PartService(ResultStore(tmp_path / "store", KEY), "grpc://127.0.0.1:0")
    yield srv
    srv.shutdown()


def _write(store: ResultStore, result_id: str) -> tuple[str, str]:
    """Write TABLE as a task would; the reported location and file name."""
    rows = list(
        write_part(
            str(store.directory),
            result_id,
            TABLE.schema.serialize().to_pybytes(),
            2048,
            iter(TABLE.to_batches()),
        )
    )
    row = rows[0].to_pylist()[0]
    assert row["rows"] == 1000 and row["part"] == 0
    return row["location"], row["name"]


def test_a_worker_serves_a_part_once(service: PartService) -> None:
    location, name = _write(service.store, "r1")
    assert location == service.url == (service.store.directory / LOCATION_FILE).read_text().strip()
    client = connect(location)
    ticket = fl.Ticket(service.store.ticket("r1", 0, name))
    batches = list(client.do_get(ticket))
    assert all(b.data.nbytes <= 2048 for b in batches)  # batches of at most the size given
    assert pa.Table.from_batches([b.data for b in batches]).equals(TABLE)
    with pytest.raises(pa.ArrowKeyError) as again:
        client.do_get(ticket).read_all()
    assert "already read" in str(again.value)


def test_a_worker_refuses_tickets_of_another_key(service: PartService) -> None:
    _, name = _write(service.store, "r2")
    other = ResultStore(service.store.directory, b"x" * 32)
    client = connect(service.url)
    with pytest.raises(fl.FlightUnauthorizedError, match="INVALID_TICKET"):
        client.do_get(fl.Ticket(other.ticket("r2", 0, name))).read_all()
    with pytest.raises(fl.FlightUnauthorizedError, match="only part tickets"):
        client.do_get(fl.Ticket(b"SELECT 1")).read_all()


def test_a_lost_part_is_named(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "store", KEY)
    _, name = _write(store, "r3")
    (store.directory / "r3" / name).unlink()  # as when its machine's disk lost it
    with pytest.raises(SparkFlightError, match=f"part {name} of result r3 .* lost"):
        list(store.parts("r3", [name]))
