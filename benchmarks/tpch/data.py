"""TPC-H tables as parquet files, written by ``tpchgen-cli``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

TABLES = ("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier")


def tables(directory: Path) -> dict[str, Path]:
    """The parquet file of each TPC-H table in ``directory``."""
    return {table: directory / f"{table}.parquet" for table in TABLES}


def _tpchgen() -> str:
    beside_python = Path(sys.executable).with_name("tpchgen-cli")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("tpchgen-cli")
    if found is None:
        raise RuntimeError("tpchgen-cli is not installed: pip install tpchgen-cli")
    return found


def generate(directory: Path, scale_factor: float = 0.01) -> dict[str, Path]:
    """Write the TPC-H tables as parquet files into ``directory`` (unless already there)."""
    files = tables(directory)
    if not all(path.exists() for path in files.values()):
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [_tpchgen(), "parquet", "-s", str(scale_factor), f"--output-dir={directory}"],
            check=True,
            capture_output=True,
        )
    return files
