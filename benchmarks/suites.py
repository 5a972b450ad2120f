"""The benchmark suites: what each runs on a target and what its right answers are.

A suite prepares its data once per target (in the target's worker process), then runs
each of its cases many times; a case's run returns its answer (checked against a
reference, or across targets) and optional metrics beside the elapsed time.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sparkflight.benchmarks.answers import plain_rows
from sparkflight.benchmarks.targets import SparkSettings, Target

Answer = Any


@dataclass(frozen=True)
class Options:
    """What the command line chooses; each suite reads the fields it uses."""

    rows: tuple[int, ...] = (100_000, 1_000_000, 5_000_000)
    scale_factor: float = 1.0
    #: TPC-H query numbers to run (all 22 when empty).
    queries: tuple[int, ...] = ()
    clients: int = 4
    #: memory: result sizes, as multiples of the driver memory (one case each).
    memory_factors: tuple[float, ...] = (5.0, 10.0, 20.0)
    #: memory: the bytes of each partition of the result, as files would hold.
    partition_bytes: int = 16 << 20
    driver_memory: str | None = None
    data_dir: Path = Path.home() / ".cache" / "sparkflight-bench"


@dataclass
class Outcome:
    """A case's answer and what it measured besides its elapsed time."""

    answer: Answer
    metrics: dict[str, float] = field(default_factory=dict)


class Suite:
    """A named set of cases; subclasses fill in the hooks."""

    name: ClassVar[str]
    description: ClassVar[str]
    default_runs: ClassVar[int] = 5
    default_warmup: ClassVar[int] = 1
    #: Whether the runner samples the target server's memory during each run.
    samples_memory: ClassVar[bool] = False

    def settings(self, options: Options) -> SparkSettings:
        return SparkSettings(driver_memory=options.driver_memory or "1g")

    def cases(self, options: Options) -> list[str]:
        raise NotImplementedError

    def before(self, options: Options) -> None:
        """Work done once in the benchmark process before the targets start."""

    def reference(self, options: Options) -> dict[str, Answer] | None:
        """Known right answers per case; None compares the targets with each other."""
        return None

    def prepare(self, target: Target, options: Options) -> Any:
        """Per-target state the cases use, made once in the target's worker."""
        return None

    def run(self, target: Target, state: Any, case: str) -> Outcome:
        raise NotImplementedError


# Latency: many small queries, as interactive work makes them.

_SMALL_VIEW = "sparkflight_bench_small"
_SMALL_ROWS = 100_000


def _prepare_small_table(spark: Any, F: Any) -> None:
    """A cached, materialised 100k-row table as a temporary view of ``spark``."""
    df = spark.range(_SMALL_ROWS).select(
        F.col("id"), (F.col("id") % 10).alias("k"), (F.col("id") * 1.5).alias("v")
    )
    df.cache()
    df.count()
    df.createOrReplaceTempView(_SMALL_VIEW)


def _select_one(spark: Any, F: Any) -> Answer:
    return plain_rows(spark.sql("select 1").collect())


def _filter_aggregate(spark: Any, F: Any) -> Answer:
    df = (
        spark.table(_SMALL_VIEW)
        .filter(F.col("k") < 5)
        .groupBy("k")
        .agg(F.sum("v").alias("total"), F.count(F.lit(1)).alias("n"))
    )
    return plain_rows(df.collect())


def _schema_20_columns(spark: Any, F: Any) -> Answer:
    df = spark.range(10).select(*((F.col("id") + i).alias(f"c{i}") for i in range(20)))
    return [(f.name, f.dataType.simpleString()) for f in df.schema.fields]


_LOCAL_ROWS = [(i, f"name {i}", i * 0.25) for i in range(1000)]


def _create_dataframe(spark: Any, F: Any) -> Answer:
    df = spark.createDataFrame(_LOCAL_ROWS, "id long, name string, score double")
    return df.count()


def _conf_get(spark: Any, F: Any) -> Answer:
    return spark.conf.get("spark.sql.shuffle.partitions")


_LOOP_STEPS = 40
_CHAIN_STEPS = 200


def _with_column_loop(spark: Any, F: Any) -> Answer:
    """A DataFrame built step by step, each step naming a column of the one before
    (``df.id`` checks the name against the schema, as PySpark does)."""
    df = spark.range(10)
    for i in range(_LOOP_STEPS):
        df = df.withColumn(f"c{i}", df.id + i)
    return plain_rows(df.limit(5).collect())


def _schema_of_chain(spark: Any, F: Any) -> Answer:
    df = spark.range(10)
    for i in range(_CHAIN_STEPS):
        df = df.withColumn("v", df["id"] + i)
    return [(f.name, f.dataType.simpleString()) for f in df.schema.fields]


LATENCY_CASES: dict[str, Callable[[Any, Any], Answer]] = {
    "select 1": _select_one,
    "filter+agg on cached table": _filter_aggregate,
    "schema of 20-col projection": _schema_20_columns,
    "createDataFrame 1000 rows": _create_dataframe,
    "conf.get": _conf_get,
    f"{_LOOP_STEPS} withColumn steps": _with_column_loop,
    f"schema of a {_CHAIN_STEPS}-step chain": _schema_of_chain,
}


class Latency(Suite):
    name = "latency"
    description = "small queries: select 1, filter+aggregate, schema, createDataFrame, conf"
    default_runs = 30

    def cases(self, options: Options) -> list[str]:
        return list(LATENCY_CASES)

    def reference(self, options: Options) -> dict[str, Answer]:
        return {
            "select 1": [(1,)],
            "filter+agg on cached table": [
                (k, sum(i * 1.5 for i in range(k, _SMALL_ROWS, 10)), _SMALL_ROWS // 10)
                for k in range(5)
            ],
            "schema of 20-col projection": [(f"c{i}", "bigint") for i in range(20)],
            "createDataFrame 1000 rows": 1000,
            "conf.get": "4",
            f"{_LOOP_STEPS} withColumn steps": [
                (i, *(i + j for j in range(_LOOP_STEPS))) for i in range(5)
            ],
            f"schema of a {_CHAIN_STEPS}-step chain": [("id", "bigint"), ("v", "bigint")],
        }

    def prepare(self, target: Target, options: Options) -> Any:
        _prepare_small_table(target.spark, target.functions)

    def run(self, target: Target, state: Any, case: str) -> Outcome:
        return Outcome(LATENCY_CASES[case](target.spark, target.functions))


# Throughput: large results to Arrow and pandas.


def _three_columns(spark: Any, F: Any, rows: int) -> Any:
    """``id``, ``id * 2`` and ``id`` as a string: the classic large-result case."""
    return spark.range(rows).select(
        F.col("id"), (F.col("id") * 2).alias("twice"), F.col("id").cast("string").alias("text")
    )


def mixed_columns(spark: Any, F: Any, rows: int, partitions: int | None = None) -> Any:
    """Integers, doubles, strings, timestamps and decimals (over ``partitions``
    partitions, Spark's default without)."""
    return spark.range(0, rows, 1, partitions).select(
        F.col("id"),
        (F.col("id") * 0.5).alias("half"),
        F.concat(F.lit("row "), F.col("id").cast("string")).alias("label"),
        F.timestamp_seconds(F.col("id")).alias("at"),
        (F.col("id") / 100).cast("decimal(18,2)").alias("amount"),
    )


_SHAPES = {"3 cols": _three_columns, "mixed": mixed_columns}
_SINKS = ("arrow", "pandas")


def _throughput_case(shape: str, sink: str, rows: int) -> str:
    return f"{shape} {sink} {rows:,}"


class Throughput(Suite):
    name = "throughput"
    description = "N rows to Arrow and to pandas: 3 columns, and mixed column types"
    default_runs = 5

    def cases(self, options: Options) -> list[str]:
        cases = []
        for rows in options.rows:
            cases += [_throughput_case("mixed", sink, rows) for sink in _SINKS]
        cases.append(_throughput_case("3 cols", "arrow", max(options.rows)))
        return cases

    def reference(self, options: Options) -> dict[str, Answer]:
        expected = {}
        for case in self.cases(options):
            rows = int(case.rsplit(" ", 1)[1].replace(",", ""))
            expected[case] = (rows, rows * (rows - 1) // 2)
        return expected

    def run(self, target: Target, state: Any, case: str) -> Outcome:
        label, count = case.rsplit(" ", 1)
        shape, sink = label.rsplit(" ", 1)
        df = _SHAPES[shape](target.spark, target.functions, int(count.replace(",", "")))
        if sink == "arrow":
            table = df.toArrow()
            answer = (table.num_rows, _sum_ids(table))
        else:
            frame = df.toPandas()
            answer = (len(frame), int(frame["id"].sum()))
        return Outcome(answer)


def _sum_ids(table: Any) -> int:
    import pyarrow.compute as pc

    return pc.sum(table.column("id")).as_py() or 0


# TPC-H: the 22 queries with the DataFrame API, answers checked against DuckDB.


class TPCH(Suite):
    name = "tpch"
    description = "the 22 TPC-H queries written with the DataFrame API, checked against DuckDB"
    default_runs = 1

    def _files(self, options: Options) -> dict[str, Path]:
        from sparkflight.benchmarks import tpch

        return tpch.tables(options.data_dir / f"tpch-sf{options.scale_factor:g}")

    def cases(self, options: Options) -> list[str]:
        from sparkflight.benchmarks.tpch.dataframe import QUERIES

        return [f"q{number}" for number in options.queries or QUERIES]

    def before(self, options: Options) -> None:
        from sparkflight.benchmarks import tpch

        tpch.generate(options.data_dir / f"tpch-sf{options.scale_factor:g}", options.scale_factor)

    def reference(self, options: Options) -> dict[str, Answer]:
        from sparkflight.benchmarks.tpch.answers import duckdb_answers

        files = self._files(options)
        answers = duckdb_answers(files, [int(case[1:]) for case in self.cases(options)])
        return {f"q{number}": plain_rows(rows) for number, rows in answers.items()}

    def prepare(self, target: Target, options: Options) -> Any:
        return {
            table: target.spark.read.parquet(str(path))
            for table, path in self._files(options).items()
        }

    def run(self, target: Target, state: Any, case: str) -> Outcome:
        from sparkflight.benchmarks.tpch.dataframe import QUERIES

        query = QUERIES[int(case[1:])]
        return Outcome(plain_rows(query(state, target.functions).collect()))


# Concurrency: several clients issuing the latency mix at once.

_MIX = ("select 1", "filter+agg on cached table", "schema of 20-col projection", "conf.get")


class Concurrency(Suite):
    name = "concurrency"
    description = "N clients issuing the latency mix at once: throughput and tail latency"
    default_runs = 10

    def cases(self, options: Options) -> list[str]:
        return [f"{options.clients} clients x latency mix"]

    def reference(self, options: Options) -> dict[str, Answer]:
        return {case: options.clients * len(_MIX) for case in self.cases(options)}

    def prepare(self, target: Target, options: Options) -> Any:
        sessions = [target.new_session() for _ in range(options.clients)]
        for session in sessions:
            _prepare_small_table(session, target.functions)
        return sessions

    def run(self, target: Target, state: Any, case: str) -> Outcome:
        latencies: list[float] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        start = threading.Barrier(len(state))

        def client(session: Any) -> None:
            start.wait()
            for name in _MIX:
                began = time.perf_counter()
                try:
                    LATENCY_CASES[name](session, target.functions)
                except BaseException as error:  # reported to the runner below
                    with lock:
                        errors.append(error)
                    return
                with lock:
                    latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        threads = [threading.Thread(target=client, args=(s,)) for s in state]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        if errors:
            raise errors[0]
        latencies.sort()
        return Outcome(
            len(latencies),
            {
                "queries/s": len(latencies) / elapsed,
                "p50 ms": statistics.median(latencies) * 1000,
                "p99 ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            },
        )


# Memory: a result many times the driver's memory, streamed.

_PAYLOAD_BYTES = 1000


def _memory_bytes(text: str) -> int:
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    text = text.strip().lower().removesuffix("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


class Memory(Suite):
    name = "memory"
    description = "the server's peak memory while streaming a result far larger than the driver"
    default_runs = 1
    default_warmup = 0
    samples_memory = True

    def settings(self, options: Options) -> SparkSettings:
        return SparkSettings(driver_memory=options.driver_memory or "512m")

    def _rows(self, options: Options) -> dict[str, int]:
        """The rows of each case's result."""
        driver = _memory_bytes(self.settings(options).driver_memory)
        return {
            f"stream {factor:g}x driver memory": max(1, int(factor * driver / _PAYLOAD_BYTES))
            for factor in options.memory_factors
        }

    def cases(self, options: Options) -> list[str]:
        return list(self._rows(options))

    def reference(self, options: Options) -> dict[str, Answer]:
        return {case: (rows, rows * (rows - 1) // 2) for case, rows in self._rows(options).items()}

    def prepare(self, target: Target, options: Options) -> Any:
        return self._rows(options), options.partition_bytes

    def run(self, target: Target, state: Any, case: str) -> Outcome:
        F = target.functions
        cases, partition_bytes = state
        rows = cases[case]
        partitions = max(1, -(-rows * _PAYLOAD_BYTES // partition_bytes))
        df = target.spark.range(0, rows, 1, partitions).select(
            F.col("id"), F.rpad(F.col("id").cast("string"), _PAYLOAD_BYTES, "x").alias("payload")
        )
        count = total = 0
        for row in df.toLocalIterator():
            count += 1
            total += row[0]
        return Outcome((count, total), {"result GiB": rows * _PAYLOAD_BYTES / (1 << 30)})


SUITES: dict[str, Suite] = {
    suite.name: suite for suite in (Latency(), Throughput(), TPCH(), Concurrency(), Memory())
}
