"""A result several times the Spark driver's memory streams through a plain Flight client.

The test server runs with ``spark.driver.memory=1536m``; this query returns about
3.5 GiB of Arrow. It is read batch by batch and checked as it arrives, so neither
side ever holds it whole.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.flight as fl
from google.protobuf import any_pb2
from substrait import plan_pb2

from sparkflight.plans import sparkflight_pb2 as sf

ROWS = 72_000_000
LABEL_WIDTH = 24
# Spark partitions of about 55 MiB of Arrow each, sized (strings taken for 256 bytes) at
# over a sixteenth of the driver's heap: computed into parts a wave at a time, they pass
# through the server's disk, not its driver.
PARTITIONS = 64
QUERY = f"""
SELECT id, id * 2 AS twice, id * 3 AS thrice,
       lpad(CAST(id AS STRING), {LABEL_WIDTH}, '0') AS label
FROM range(0, {ROWS}, 1, {PARTITIONS})
"""
MAX_BATCH_BYTES = 8 * 1024 * 1024
DRIVER_MEMORY_BYTES = 1024**3


def sql_ticket(query: str) -> fl.Ticket:
    """A ticket holding a plan that runs Spark SQL text."""
    detail = any_pb2.Any()
    detail.Pack(sf.SqlRelation(query=query))
    plan = plan_pb2.Plan()
    plan.relations.add().root.input.extension_leaf.detail.CopyFrom(detail)
    return fl.Ticket(plan.SerializeToString())


def check_batch(batch: pa.RecordBatch) -> tuple[int, int]:
    """Check one batch's values against its ids; return its row count and id sum."""
    ids = batch.column("id")
    assert pc.all(pc.equal(batch.column("twice"), pc.multiply(ids, 2))).as_py()
    assert pc.all(pc.equal(batch.column("thrice"), pc.multiply(ids, 3))).as_py()
    labels = batch.column("label")
    assert pc.all(pc.equal(pc.utf8_length(labels), LABEL_WIDTH)).as_py()
    for index in (0, batch.num_rows - 1):
        assert labels[index].as_py() == str(ids[index].as_py()).zfill(LABEL_WIDTH)
    return batch.num_rows, pc.sum(ids).as_py()


def test_result_larger_than_driver_memory_streams_in_bounded_batches(
    flight_client: fl.FlightClient,
) -> None:
    reader = flight_client.do_get(sql_ticket(QUERY))
    assert reader.schema.names == ["id", "twice", "thrice", "label"]
    assert reader.schema.types[:3] == [pa.int64()] * 3
    assert reader.schema.field("label").type == pa.string()

    rows = id_sum = total_bytes = 0
    largest_batch = 0
    for chunk in reader:
        batch = chunk.data
        batch_rows, batch_sum = check_batch(batch)
        rows += batch_rows
        id_sum += batch_sum
        total_bytes += batch.nbytes
        largest_batch = max(largest_batch, batch.nbytes)

    assert rows == ROWS
    assert id_sum == ROWS * (ROWS - 1) // 2
    assert largest_batch <= MAX_BATCH_BYTES
    assert total_bytes > 3 * DRIVER_MEMORY_BYTES

    after = flight_client.do_get(sql_ticket("SELECT count(*) AS n FROM range(1000)")).read_all()
    assert after.to_pylist() == [{"n": 1000}]
