"""Reading file sources, with the schemas Spark inferred kept for the next read.

A plan names its sources anew each time it runs, and inferring the schema of a file
source (Parquet and ORC footers, a scan of JSON or CSV data) takes longer than listing its
files. A session keeps the schema inferred for each format, options and paths it read,
with a fingerprint of the files read then (their size in all): a later read of the
same files takes the schema as given, and a read whose files changed infers it again.
Spark Connect keeps whole resolved plans of its sessions for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyspark.sql import DataFrame, DataFrameReader
from pyspark.sql import types as T

from sparkflight.flight_server.sessions import Session

#: File formats whose schema Spark infers from the files.
INFERRING_FORMATS = frozenset({"parquet", "orc", "json", "csv", "avro", "xml"})
#: How many inferred schemas a session keeps (the least recently read go first).
MOST_KEPT = 64

#: A reader of the source, with the schema given (``None``: Spark infers it).
Reader = Callable[[T.StructType | None], DataFrameReader]


@dataclass(frozen=True)
class Inferred:
    """A schema Spark inferred, and the fingerprint of the files it read."""

    schema: T.StructType
    files: int


def _files(df: DataFrame) -> int:
    """A fingerprint of the files ``df`` reads: their bytes in all, from the listing Spark
    made for it (files added, removed or rewritten change it)."""
    return int(df._jdf.queryExecution().analyzed().stats().sizeInBytes())


def load(
    session: Session,
    reader: Reader,
    file_format: str,
    options: dict[str, str],
    paths: Sequence[str],
) -> DataFrame:
    """``reader(None).load(paths)``, with the schema inferred for the same files before."""
    where = list(paths) if len(paths) > 1 else (paths[0] if paths else None)
    key: Any = (file_format.lower(), tuple(sorted(options.items())), tuple(paths))
    if key[0] not in INFERRING_FORMATS:
        return reader(None).load(where)
    with session.lock:
        kept = session.inferred_schemas.pop(key, None)
    if kept is not None:
        df = reader(kept.schema).load(where)
        if _files(df) != kept.files:
            kept = None
    if kept is None:
        df = reader(None).load(where)
        kept = Inferred(df.schema, _files(df))
    with session.lock:
        session.inferred_schemas[key] = kept  # most recently read last
        while len(session.inferred_schemas) > MOST_KEPT:
            del session.inferred_schemas[next(iter(session.inferred_schemas))]
    return df


def inferred_schema(
    session: Session, file_format: str, options: dict[str, str], paths: Sequence[str]
) -> T.StructType:
    """The schema Spark infers for a file source, kept for the same files (:func:`load`)."""

    def reader(schema: T.StructType | None) -> DataFrameReader:
        read = session.spark.read.format(file_format).options(**options)
        return read.schema(schema) if schema else read

    return load(session, reader, file_format, options, paths).schema
