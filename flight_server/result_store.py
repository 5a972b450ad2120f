"""Result stores: the parts of a result, each written as an Arrow IPC stream file by the
Spark task that computed it, into a directory on that task's machine, and served once to
a ticket the server signed (HMAC-SHA256 under the server's result key).

:func:`write_part` runs in Spark's Python workers (the server applies it with
``mapInArrow``); it needs nothing but pyarrow and the standard library. :class:`ResultStore`
serves a store directory: the server's own in local mode, ``sparkflight worker``'s on a
machine with executors. A directory served by a ``sparkflight worker`` holds its URL in
:data:`LOCATION_FILE`, which the tasks writing there report as their parts' location.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from google.protobuf.message import DecodeError

from sparkflight.flight_server.errors import INVALID_TICKET, PART_NOT_FOUND, SparkFlightError
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans import tickets

#: The file of a store directory naming the Flight service that serves it.
LOCATION_FILE = "location"
#: Environment variable of an executor naming the store directory of its machine, over
#: the server's ``--result-store`` (for machines, or workers, with stores of their own).
STORE_ENV = "SPARKFLIGHT_RESULT_STORE"
#: The row each task reports for its part, as a Spark DDL schema.
PART_ROW = "part int, location string, name string, rows long, bytes long"
_SUFFIX = ".arrows"
_log = logging.getLogger(__name__)


def slices(batch: pa.RecordBatch, limit: int) -> Iterator[pa.RecordBatch]:
    """``batch`` split in halves until each piece holds at most ``limit`` bytes (or one row)."""
    if batch.nbytes <= limit or batch.num_rows <= 1:
        yield batch
        return
    half = batch.num_rows // 2
    yield from slices(batch.slice(0, half), limit)
    yield from slices(batch.slice(half), limit)


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` with ``schema``'s fields: Spark's Python workers get the session's time
    zone on timestamps and their own nested field names; the buffers are the same."""
    if batch.schema.equals(schema):
        return batch
    if [f.type for f in batch.schema] == [f.type for f in schema]:
        return pa.RecordBatch.from_arrays(batch.columns, schema=schema)
    return pa.ipc.read_record_batch(batch.serialize(), schema)


def write_part(
    directory: str,
    result_id: str,
    schema_bytes: bytes,
    max_batch_bytes: int,
    batches: Iterator[pa.RecordBatch],
) -> Iterator[pa.RecordBatch]:
    """Write one Spark task's partition (``batches``) into the store at ``directory`` as
    the part of result ``result_id``; yield one row of :data:`PART_ROW` describing it.

    Runs in a Spark Python worker, once per task attempt: each attempt writes a file of
    its own, and only the reported one is ever served (the others expire). An executor
    whose environment has :data:`STORE_ENV` writes into that directory instead.
    """
    directory = os.environ.get(STORE_ENV) or directory
    from pyspark import TaskContext

    task = TaskContext.get()
    index = task.partitionId() if task is not None else 0
    attempt = task.taskAttemptId() if task is not None else 0
    schema = pa.ipc.read_schema(pa.py_buffer(schema_bytes))
    folder = Path(directory) / result_id
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{index}-{attempt}{_SUFFIX}"
    partial = folder / f".{name}.partial"
    rows = 0
    with open(partial, "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
        for batch in batches:
            rows += batch.num_rows
            for piece in slices(_conform(batch, schema), max_batch_bytes):
                writer.write_batch(piece)
    os.replace(partial, folder / name)
    location_file = Path(directory) / LOCATION_FILE
    location = location_file.read_text().strip() if location_file.exists() else ""
    columns = [
        pa.array([index], pa.int32()),
        pa.array([location], pa.string()),
        pa.array([name], pa.string()),
        pa.array([rows], pa.int64()),
        pa.array([(folder / name).stat().st_size], pa.int64()),
    ]
    yield pa.RecordBatch.from_arrays(columns, names=["part", "location", "name", "rows", "bytes"])


def part_ref(body: bytes) -> tuple[sf.PartTicket, sf.PartRef]:
    """The signed ticket and the part named by the body of a part ticket."""
    signed, ref = sf.PartTicket(), sf.PartRef()
    try:
        signed.ParseFromString(body)
        ref.ParseFromString(signed.part)
    except DecodeError:
        raise SparkFlightError(INVALID_TICKET, "the part ticket is malformed") from None
    return signed, ref


class ResultStore:
    """A store directory and the key that signs and checks its parts' tickets.

    A part is served once: its file is deleted when a DoGet read it to the end, when its
    result is released, or ``part_seconds`` after it was written (:meth:`sweep`).
    """

    def __init__(self, directory: Path, key: bytes, part_seconds: float = 600.0) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.key = key
        self.part_seconds = part_seconds
        self._lock = threading.Lock()
        #: Parts served to the end (result id, index), to say so to a second read.
        self._read: dict[tuple[str, int], float] = {}

    def _signature(self, part: bytes) -> bytes:
        return hmac.new(self.key, part, hashlib.sha256).digest()

    def ticket(self, result_id: str, index: int, name: str) -> bytes:
        """The signed DoGet ticket of one part, valid for ``part_seconds``."""
        expires = int((time.time() + self.part_seconds) * 1000)
        ref = sf.PartRef(result_id=result_id, index=index, name=name, expires_ms=expires)
        part = ref.SerializeToString()
        signed = sf.PartTicket(part=part, signature=self._signature(part))
        return tickets.tagged(tickets.PART, signed.SerializeToString())

    def check(self, signed: sf.PartTicket, ref: sf.PartRef) -> Path:
        """The file of a part ticket's part, once its signature and expiry are checked."""
        if not hmac.compare_digest(self._signature(signed.part), signed.signature):
            raise SparkFlightError(
                INVALID_TICKET, "the part ticket was not issued by this server (bad signature)"
            )
        what = f"part {ref.index} of result {ref.result_id}"
        if ref.expires_ms < time.time() * 1000:
            raise SparkFlightError(PART_NOT_FOUND, f"the ticket of {what} has expired")
        path = self.directory / ref.result_id / ref.name
        if path.parent.parent != self.directory or not ref.name.endswith(_SUFFIX):
            raise SparkFlightError(INVALID_TICKET, f"the ticket of {what} names no part file")
        with self._lock:
            if (ref.result_id, ref.index) in self._read:
                raise SparkFlightError(PART_NOT_FOUND, f"{what} was already read")
        if not path.is_file():
            raise SparkFlightError(
                PART_NOT_FOUND, f"{what} is not in this store: released, expired or lost"
            )
        return path

    def serve(self, body: bytes) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
        """The schema and batches of the part a part ticket's ``body`` names (deleted once
        read to the end)."""
        signed, ref = part_ref(body)
        path = self.check(signed, ref)
        # Read a batch at a time into memory freed once sent: the pages of a mapped file
        # would count in the process's resident memory until the file is closed.
        source = pa.OSFile(str(path))
        reader = pa.ipc.open_stream(source)

        def batches() -> Iterator[pa.RecordBatch]:
            try:
                yield from reader
            finally:
                source.close()
            with self._lock:
                self._read[(ref.result_id, ref.index)] = time.monotonic()
            path.unlink(missing_ok=True)

        return reader.schema, batches()

    def parts(self, result_id: str, names: list[str]) -> Iterator[pa.RecordBatch]:
        """The batches of a result's parts held here, in order, each deleted once read."""
        for name in names:
            path = self.directory / result_id / name
            if not path.is_file():
                raise SparkFlightError(
                    PART_NOT_FOUND,
                    f"part {name} of result {result_id} is not in this store: released, "
                    "expired or lost",
                )
            with pa.OSFile(str(path)) as source:
                yield from pa.ipc.open_stream(source)
            path.unlink(missing_ok=True)

    def release(self, result_id: str) -> None:
        """Delete what the store holds of a result."""
        if result_id and "/" not in result_id and result_id not in (".", ".."):
            shutil.rmtree(self.directory / result_id, ignore_errors=True)

    def sweep(self) -> None:
        """Delete the results written more than ``part_seconds`` ago."""
        now = time.time()
        for folder in self.directory.iterdir():
            try:
                if folder.is_dir() and now - folder.stat().st_mtime > self.part_seconds:
                    shutil.rmtree(folder, ignore_errors=True)
            except OSError:
                continue  # removed meanwhile
        horizon = time.monotonic() - self.part_seconds
        with self._lock:
            self._read = {k: t for k, t in self._read.items() if t > horizon}


def new_key() -> bytes:
    """A fresh random result key."""
    return os.urandom(32)
