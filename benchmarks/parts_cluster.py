"""A large result read through parts against the single-endpoint path, on one server.

On a server that computes large results into parts (on a cluster: ``--result-store`` and
a ``sparkflight worker`` beside every Spark worker; ``python -m tests.cluster.stores``
starts the standalone test cluster so), one client session reads the same result both
ways, alternating: asking for parts (each read from the machine holding it, four at a
time), and not asking (one stream from the server, which reads the parts from the
workers itself). On a server without result stores both ways are one stream, a
partition at a time through the driver: ``--paths single`` measures that. Every answer
is checked: its rows and the sum of its ids.

    python -m sparkflight.benchmarks.parts_cluster grpc://127.0.0.1:PORT --rows 20000000
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import pyarrow.compute as pc

from sparkflight.benchmarks.suites import mixed_columns

#: The two ways of reading a result, by whether the client asks for parts.
PATHS = {"parts": True, "single": False}


def read_once(spark: Any, rows: int, partitions: int, parts: bool) -> tuple[float, int, int]:
    """Seconds to read the mixed result to Arrow, asking for parts or not; its rows and
    the sum of its ids."""
    from sparkflight.client import functions as F

    spark._connection.parts = parts  # a client of protocol 12 asks for parts by default
    started = time.perf_counter()
    table = mixed_columns(spark, F, rows, partitions).toArrow()
    elapsed = time.perf_counter() - started
    return elapsed, table.num_rows, pc.sum(table.column("id")).as_py() or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the server's URL")
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--partitions", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3, help="measured runs of each path")
    parser.add_argument(
        "--paths", default=",".join(PATHS), help=f"comma-separated, of {', '.join(PATHS)}"
    )
    args = parser.parse_args()
    paths = {path: PATHS[path] for path in args.paths.split(",")}
    from sparkflight.client import SparkSession

    spark = SparkSession.builder.remote(args.url).getOrCreate()
    expected = (args.rows, args.rows * (args.rows - 1) // 2)
    times: dict[str, list[float]] = {path: [] for path in paths}
    print(f"load before: {os.getloadavg()}", flush=True)
    try:
        for run in range(args.runs + 1):  # the first round warms up
            for path, parts in paths.items():
                elapsed, *answer = read_once(spark, args.rows, args.partitions, parts)
                if tuple(answer) != expected:
                    raise SystemExit(f"{path}: {answer} rows and id sum, not {expected}")
                print(f"run {run} {path}: {elapsed:.2f} s", flush=True)
                if run:
                    times[path].append(elapsed)
    finally:
        spark.stop()
    print(f"load after: {os.getloadavg()}")
    for path, measured in times.items():
        print(
            f"{path}: median {statistics.median(measured):.2f} s "
            f"(min {min(measured):.2f}, max {max(measured):.2f}) over {len(measured)} runs"
        )


if __name__ == "__main__":
    main()
