"""Fixtures of the server tests that compare with other engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import tpch


@pytest.fixture(scope="session")
def tpch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with the TPC-H tables at scale factor 0.01 as parquet files."""
    directory = tmp_path_factory.mktemp("tpch")
    tpch.generate(directory)
    return directory
