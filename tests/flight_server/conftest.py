"""Fixtures of the server tests that compare with other engines."""

from __future__ import annotations

from pathlib import Path

import pyarrow.flight as flight
import pytest

from sparkflight.plans import sparkflight_pb2 as sf
from tests import tpch


@pytest.fixture(scope="session")
def tpch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with the TPC-H tables at scale factor 0.01 as parquet files."""
    directory = tmp_path_factory.mktemp("tpch")
    tpch.generate(directory)
    return directory


@pytest.fixture(scope="module")
def tpch_views(flight_client: flight.FlightClient, tpch_dir: Path) -> None:
    """The TPC-H tables as temp views of the server's default session."""
    for table, path in tpch.tables(tpch_dir).items():
        query = f"CREATE OR REPLACE TEMP VIEW {table} USING parquet OPTIONS (path '{path}')"
        body = sf.CommandRequest(sql=sf.SqlCommand(query=query)).SerializeToString()
        results = list(flight_client.do_action(flight.Action("command", body)))
        assert len(results) == 1
        sf.CommandResponse.FromString(results[0].body.to_pybytes())
