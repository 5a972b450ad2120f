"""Regenerate the stored Substrait plans of other producers (``plans/<producer>/<name>.bin``).

Each producer plans the 22 TPC-H queries and the feature queries of ``queries.py`` that
it can, over the TPC-H tables at scale factor 0.01; a query it cannot plan is left out
(and printed). The tests read the stored plans and need none of the producers.

    # DuckDB's substrait extension pins duckdb 1.1.3: a virtual environment of its own
    python -m venv /tmp/duckvenv
    /tmp/duckvenv/bin/pip install duckdb==1.1.3 duckdb-extension-substrait
    /tmp/duckvenv/bin/python tests/substrait_corpus/generate.py duckdb DATA_DIR
    # ibis-substrait needs substrait 0.19: a virtual environment of its own
    python -m venv /tmp/ibisvenv
    /tmp/ibisvenv/bin/pip install ibis-substrait 'substrait==0.19.*'
    /tmp/ibisvenv/bin/python tests/substrait_corpus/generate.py ibis DATA_DIR
    # DataFusion and substrait-python: the project's own environment
    .venv/bin/python tests/substrait_corpus/generate.py datafusion DATA_DIR
    .venv/bin/python tests/substrait_corpus/generate.py substrait-python DATA_DIR

``DATA_DIR`` holds the TPC-H parquet files (``tpchgen-cli parquet -s 0.01``). This script
imports nothing of the project's, so that it runs in any of these environments.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
TABLES = ("customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier")


def queries() -> dict[str, str]:
    """Every query of the corpus by plan name: ``tpch-qNN`` and the feature queries."""
    tpch = runpy.run_path(str(REPOSITORY / "benchmarks" / "tpch" / "sql.py"))["QUERIES"]
    features = runpy.run_path(str(HERE / "queries.py"))["FEATURES"]
    return {f"tpch-q{n:02d}": sql for n, sql in tpch.items()} | features


def _duckdb(data: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    import duckdb
    import duckdb_extension_substrait

    extension = next(Path(duckdb_extension_substrait.__path__[0]).rglob("*.duckdb_extension"))
    connection = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    connection.execute(f"load '{extension}'")
    for table in TABLES:
        path = data / f"{table}.parquet"
        connection.execute(f"create table {table} as select * from read_parquet('{path}')")
    for name, sql in queries().items():
        yield name, lambda sql=sql: connection.get_substrait(sql).fetchone()[0]


def _datafusion(data: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    import datafusion
    from datafusion.substrait import Serde

    context = datafusion.SessionContext()
    for table in TABLES:
        context.register_parquet(table, str(data / f"{table}.parquet"))
    for name, sql in queries().items():
        yield name, lambda sql=sql: Serde.serialize_bytes(sql, context)


def _substrait_python(data: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Plans built with substrait-python's DataFrame API, for the queries of the same name."""
    from substrait_python_plans import PLANS

    for name, build in PLANS.items():
        yield name, lambda build=build: build(data).SerializeToString()


def _ibis(data: Path) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Plans compiled by ibis-substrait, for the queries of the same name."""
    from ibis_plans import plans

    yield from plans().items()


PRODUCERS = {
    "duckdb": _duckdb,
    "datafusion": _datafusion,
    "substrait-python": _substrait_python,
    "ibis": _ibis,
}


def main(producer: str, data: Path) -> None:
    sys.path.insert(0, str(HERE))
    directory = HERE / "plans" / producer
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.bin"):
        stale.unlink()
    written = 0
    for name, plan in PRODUCERS[producer](data):
        try:
            serialized = plan()
        except Exception as exc:  # noqa: BLE001 - a query the producer cannot plan
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
            print(f"{producer}: {name}: not planned: {reason}")
            continue
        (directory / f"{name}.bin").write_bytes(serialized)
        written += 1
    print(f"{producer}: {written} plans in {directory}")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
