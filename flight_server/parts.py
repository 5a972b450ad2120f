"""Large results in parts: one Spark job computes every partition at once, each task
writing its partition into the result store of its own machine
(:func:`.result_store.write_part`, applied with ``mapInArrow``: the server's own code,
run even where client Python is refused) and reporting only where it is, how many rows
and bytes. Nothing of the result passes through the driver's JVM.

A result is computed in parts when Spark's estimate of its size is at least
:data:`PARTS_MIN_BYTES` (in local mode also its estimate per partition at least
:data:`LOCAL_PARTITION_HEAP_SHARE` of the driver's heap), its rows are not bounded to few
(those take a job per wave, :func:`.execute.few_rows`) and its columns are of types
Spark's Python workers take.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.flight as fl
from pyspark.sql import DataFrame
from pyspark.sql import types as T

from sparkflight.flight_server import result_store
from sparkflight.flight_server.errors import PART_NOT_FOUND, SparkFlightError
from sparkflight.flight_server.limits import check_at_most
from sparkflight.flight_server.result_store import ResultStore

#: Smallest result, by Spark's estimate of its size (``sizeInBytes`` of its optimized
#: plan's statistics), computed in parts on a cluster with result stores; smaller ones
#: stream from the driver, where a job writing parts would only add latency. An estimate
#: too low only costs speed: the other paths keep the driver's memory bounded too.
PARTS_MIN_BYTES = 64 * 1024 * 1024
#: In local mode, the smallest partition (Spark's estimate of the result over its planned
#: partitions) of a result computed in parts, as a share of the driver's heap: on one
#: machine, Spark's Python workers writing parts cost as much as streaming partitions
#: through the driver or more (benchmarks/RESULTS.md), so only results whose partitions
#: could crowd the heap take parts. Five million mixed rows in two partitions (estimated
#: at 72 MiB, 140 MB of Arrow each) fail a 1g driver a partition at a time.
LOCAL_PARTITION_HEAP_SHARE = 1 / 16
#: Largest record batch written into a part, in bytes.
PART_BATCH_BYTES = 8 * 1024 * 1024

_ATOMIC = (
    T.BooleanType,
    T.ByteType,
    T.ShortType,
    T.IntegerType,
    T.LongType,
    T.FloatType,
    T.DoubleType,
    T.DecimalType,
    T.StringType,
    T.BinaryType,
    T.DateType,
    T.TimestampType,
    T.TimestampNTZType,
    T.NullType,
)


_store: ResultStore | None = None
_min_bytes = PARTS_MIN_BYTES
_min_partition_bytes = 0


def configure(
    store: ResultStore | None, min_bytes: int = PARTS_MIN_BYTES, min_partition_bytes: int = 0
) -> None:
    """Compute results Spark estimates at ``min_bytes`` or more, and ``min_partition_bytes``
    or more per partition, into parts in ``store`` (None: never)."""
    global _store, _min_bytes, _min_partition_bytes
    _store, _min_bytes, _min_partition_bytes = store, min_bytes, min_partition_bytes


def configured() -> ResultStore | None:
    """The result store large results are computed into, if any."""
    return _store


@dataclass(frozen=True)
class Part:
    """Where one part of a result is: ``location`` is the URL of the service holding it,
    empty for the server's own store."""

    index: int
    location: str
    name: str
    rows: int
    bytes: int


@dataclass(frozen=True)
class Parts:
    """A result computed into parts, in order."""

    result_id: str
    schema: pa.Schema
    parts: list[Part]


def _writable(data_type: T.DataType) -> bool:
    if isinstance(data_type, T.ArrayType):
        return _writable(data_type.elementType)
    if isinstance(data_type, T.MapType):
        return _writable(data_type.keyType) and _writable(data_type.valueType)
    if isinstance(data_type, T.StructType):
        return all(_writable(f.dataType) for f in data_type.fields)
    return isinstance(data_type, _ATOMIC) and not isinstance(data_type, T.UserDefinedType)


def estimated_bytes(df: DataFrame) -> int:
    """Spark's estimate of the size of ``df``'s result."""
    size = df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes()
    return size if isinstance(size, int) else int(size.toString())  # py4j converts BigInts


def planned_partitions(df: DataFrame) -> int:
    """How many partitions Spark plans for ``df``'s result (at least one): its physical
    plan's, or under adaptive execution its initial plan's (which running may change)."""
    plan = df._jdf.queryExecution().executedPlan()
    if plan.getClass().getSimpleName() == "AdaptiveSparkPlanExec":
        plan = plan.inputPlan()
    return max(1, plan.outputPartitioning().numPartitions())


#: Spark's estimate of a size it does not know (``spark.sql.defaultSizeInBytes``, by
#: default ``Long.MaxValue``, also the cap of products that overflow).
UNKNOWN_BYTES = 2**63 - 1


def chosen(df: DataFrame) -> bool:
    """Whether ``df``'s result is large enough to compute in parts, and can be. A size
    Spark does not know (data of an RDD, products of joins that overflow) is not taken
    for large: the partition-at-a-time path keeps the driver's memory bounded too, and
    writing parts would slow the many small results estimated so."""
    size = estimated_bytes(df)
    if size < _min_bytes or size >= UNKNOWN_BYTES:
        return False
    if _min_partition_bytes and size < _min_partition_bytes * planned_partitions(df):
        return False
    return _writable(df.schema)


def compute(
    df: DataFrame,
    schema: pa.Schema,
    result_id: str,
    store: ResultStore,
    most_bytes: int | None = None,
) -> Parts:
    """Run the one job writing ``df``'s result into parts (on the calling thread, under
    the operation's job context); the parts, in order. A part missing from the tasks'
    reports fails the result rather than leave rows out; parts of more than
    ``most_bytes`` in all fail it with ``LIMIT_EXCEEDED`` (the ``result_bytes`` limit)."""
    write = functools.partial(
        result_store.write_part,
        str(store.directory),
        result_id,
        schema.serialize().to_pybytes(),
        PART_BATCH_BYTES,
    )
    # mapInArrow passes the columns to the writer by their names, which may repeat or
    # name a struct's field (`a.b`): renamed by position first, each column is itself.
    positional = df.toDF(*(f"_{i}" for i in range(len(df.columns))))
    rows = positional.mapInArrow(write, result_store.PART_ROW).collect()
    parts = sorted(
        (Part(r.part, r.location, r.name, r.rows, r.bytes) for r in rows), key=lambda p: p.index
    )
    try:
        check_at_most("result_bytes", most_bytes, sum(p.bytes for p in parts), "the result")
    except SparkFlightError:
        store.release(result_id)
        raise
    if [p.index for p in parts] != list(range(len(parts))):
        store.release(result_id)
        raise SparkFlightError(
            PART_NOT_FOUND,
            f"result {result_id}: the tasks reported parts {[p.index for p in parts]}, "
            f"not every part from 0 to {len(parts) - 1}",
        )
    return Parts(result_id, schema, parts)


def _remote(store: ResultStore, found: Parts, part: Part) -> Iterator[pa.RecordBatch]:
    ticket = store.ticket(found.result_id, part.index, part.name)
    with fl.connect(part.location) as client:
        reader = client.do_get(fl.Ticket(ticket))
        for chunk in reader:
            yield chunk.data


def batches(store: ResultStore, found: Parts) -> Iterator[pa.RecordBatch]:
    """The batches of every part, in order (each part deleted once read, the rest when
    the stream ends): parts of the server's own store read from its files, others from
    the service holding them."""
    try:
        for part in found.parts:
            if part.location:
                yield from _remote(store, found, part)
            else:
                yield from store.parts(found.result_id, [part.name])
    finally:
        store.release(found.result_id)


def endpoints(store: ResultStore, found: Parts) -> list[fl.FlightEndpoint]:
    """One endpoint per part, in order: a signed ticket and the location holding it (none
    for the server's own store: the client reads it from the server)."""
    return [
        fl.FlightEndpoint(
            store.ticket(found.result_id, part.index, part.name),
            [part.location] if part.location else [],
        )
        for part in found.parts
    ]


def flight_info(store: ResultStore, found: Parts, descriptor: fl.FlightDescriptor) -> fl.FlightInfo:
    """The FlightInfo of a result computed in parts: its endpoints, in order, its rows and
    its bytes."""
    rows = sum(part.rows for part in found.parts)
    size = sum(part.bytes for part in found.parts)
    return fl.FlightInfo(
        found.schema, descriptor, endpoints(store, found), rows, size, ordered=True
    )
