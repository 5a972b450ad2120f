"""Large results in parts: Spark tasks compute the partitions, each writing its own into
the result store of its machine (:func:`.result_store.write_part`, applied with
``mapInArrow``: the server's own code, run even where client Python is refused) and
reporting only where it is, how many rows and bytes. Nothing of the result passes
through the driver's JVM. For ``GetFlightInfo`` one job computes every part at once, and
each is an endpoint; a stream from the server computes them a wave at a time
(:func:`.results.in_parts`).

A result is computed in parts when its size as :func:`assumed_bytes` takes it is at
least :data:`PARTS_MIN_BYTES` (in local mode also its size per partition at least
:data:`LOCAL_PARTITION_HEAP_SHARE` of the driver's heap), its rows are not bounded to few
(those take a job per wave, :func:`.results.few_rows`) and its columns are of types
Spark's Python workers take.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.flight as fl
from pyspark.sql import DataFrame
from pyspark.sql import types as T

from sparkflight.flight_server import result_store
from sparkflight.flight_server.errors import PART_NOT_FOUND, SparkFlightError
from sparkflight.flight_server.limits import check_at_most
from sparkflight.flight_server.result_store import ResultStore

#: Smallest result, by :func:`assumed_bytes`, computed in parts on a cluster with result
#: stores; smaller ones stream from the driver, where a job writing parts would only add
#: latency.
PARTS_MIN_BYTES = 64 * 1024 * 1024
#: In local mode, the smallest partition (:func:`assumed_bytes` of the result over its
#: planned partitions) of a result computed in parts, as a share of the driver's heap: on
#: one machine, Spark's Python workers writing parts cost about as much as streaming
#: partitions through the driver, and more for small results (benchmarks/RESULTS.md), so
#: only results whose partitions could crowd the heap take parts.
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


#: Bytes assumed of each string and binary value when sizing a result. Spark's estimate
#: takes 20 and 100 whatever the data, so a partition of long strings passes for small
#: and, streamed through the driver whole, exhausts its heap (in local mode the
#: server's own): five million 1,000-byte strings in two partitions fail a 1g driver.
ASSUMED_VALUE_BYTES = 256
#: Elements assumed of each array and map value (Spark's estimate takes one).
ASSUMED_ELEMENTS = 16
_FIXED_BYTES: dict[type[T.DataType], int] = {
    T.BooleanType: 1,
    T.ByteType: 1,
    T.ShortType: 2,
    T.IntegerType: 4,
    T.LongType: 8,
    T.FloatType: 4,
    T.DoubleType: 8,
    T.DecimalType: 16,
    T.DateType: 4,
    T.TimestampType: 8,
    T.TimestampNTZType: 8,
    T.NullType: 1,
}


def _assumed_width(data_type: T.DataType) -> int:
    """The bytes assumed of one value of ``data_type`` (:data:`ASSUMED_VALUE_BYTES`)."""
    if isinstance(data_type, T.StructType):
        return sum(_assumed_width(f.dataType) for f in data_type.fields)
    if isinstance(data_type, T.ArrayType):
        return ASSUMED_ELEMENTS * _assumed_width(data_type.elementType)
    if isinstance(data_type, T.MapType):
        return ASSUMED_ELEMENTS * (
            _assumed_width(data_type.keyType) + _assumed_width(data_type.valueType)
        )
    return _FIXED_BYTES.get(type(data_type), ASSUMED_VALUE_BYTES)


def assumed_bytes(df: DataFrame, schema: T.StructType) -> int:
    """The size of ``df``'s result (of ``schema``) as sizing takes it: Spark's estimate of
    its rows (its estimate of the size over its own width of a row) times the width of a
    row whose strings and binaries hold :data:`ASSUMED_VALUE_BYTES` each and whose arrays
    and maps :data:`ASSUMED_ELEMENTS` elements; never less than Spark's estimate."""
    size = estimated_bytes(df)
    if size >= UNKNOWN_BYTES:
        return size
    spark_width = 8 + df._jdf.schema().defaultSize()  # Spark's EstimationUtils.getSizePerRow
    return max(size, size * (8 + _assumed_width(schema)) // spark_width)


def chosen(df: DataFrame) -> bool:
    """Whether ``df``'s result is large enough to compute in parts (by
    :func:`assumed_bytes`), and can be. A size Spark does not know (data of an RDD,
    products of joins that overflow) is not taken for large: the partition-at-a-time path
    keeps the driver's memory bounded too, and writing parts would slow the many small
    results estimated so."""
    schema = df.schema
    size = assumed_bytes(df, schema)
    if size < _min_bytes or size >= UNKNOWN_BYTES:
        return False
    if _min_partition_bytes and size < _min_partition_bytes * planned_partitions(df):
        return False
    return _writable(schema)


def writer(df: DataFrame, schema: pa.Schema, result_id: str, store: ResultStore) -> DataFrame:
    """The DataFrame whose every partition writes that of ``df``'s result (of Arrow
    ``schema``) into a part of result ``result_id`` in ``store``, and is one row of
    :data:`.result_store.PART_ROW` saying where."""
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
    return positional.mapInArrow(write, result_store.PART_ROW)


def reported(rows: pa.RecordBatch | pa.Table) -> list[Part]:
    """The parts some of the writer's rows (:func:`writer`) report."""
    return [
        Part(r["part"], r["location"], r["name"], r["rows"], r["bytes"]) for r in rows.to_pylist()
    ]


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
    rows = writer(df, schema, result_id, store).toArrow()
    parts = sorted(reported(rows), key=lambda p: p.index)
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


def _remote(store: ResultStore, result_id: str, part: Part) -> Iterator[pa.RecordBatch]:
    ticket = store.ticket(result_id, part.index, part.name)
    with fl.connect(part.location) as client:
        reader = client.do_get(fl.Ticket(ticket))
        for chunk in reader:
            yield chunk.data


def batches(
    store: ResultStore, result_id: str, found: Iterable[Part], count: int
) -> Iterator[pa.RecordBatch]:
    """The batches of the ``count`` parts of result ``result_id``, read in order as they
    are ``found`` (each part deleted once read, the rest when the stream ends): parts of
    the server's own store from its files, others from the service holding them. A part
    found out of order, or missing at the end, fails the result rather than leave rows
    out."""
    expected = 0
    try:
        for part in found:
            if part.index != expected:
                break
            if part.location:
                yield from _remote(store, result_id, part)
            else:
                yield from store.parts(result_id, [part.name])
            expected += 1
        if expected != count:
            raise SparkFlightError(
                PART_NOT_FOUND,
                f"result {result_id}: part {expected} of {count} was not reported by its task",
            )
    finally:
        store.release(result_id)


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
