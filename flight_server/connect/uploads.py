"""Local data uploaded by DoPut, as DataFrames that plans name.

A plan names an upload by its id; the session's Spark Connect planner keeps the upload's
DataFrame (typed by the Spark JSON schema the plan or the upload gives) in its session's
DataFrame cache, where a ``CachedRemoteRelation`` finds it, so that each upload crosses to
the JVM once however many plans read it.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

from sparkflight.flight_server.connect import planner
from sparkflight.flight_server.errors import INVALID_PLAN, SparkFlightError

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session


def _without_char_types(value: Any) -> Any:
    """A JSON schema with char and varchar as string, which Arrow conversion requires."""
    if isinstance(value, str):
        return "string" if value.startswith(("char(", "varchar(")) else value
    if isinstance(value, dict):
        return {k: _without_char_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_char_types(v) for v in value]
    return value


def local_dataframe(spark: SparkSession, table: pa.Table, schema_json: str) -> DataFrame:
    """A DataFrame of local Arrow data, typed by Spark's JSON schema when given."""
    if not schema_json:
        return spark.createDataFrame(table)
    schema = T.StructType.fromJson(json.loads(schema_json))
    if len(schema.fields) != table.num_columns:
        raise SparkFlightError(
            INVALID_PLAN,
            f"schema has {len(schema.fields)} fields for {table.num_columns} columns of data",
        )
    table = table.rename_columns(schema.names)
    arrow_schema = T.StructType.fromJson(_without_char_types(schema.jsonValue()))
    df = spark.createDataFrame(table, schema=arrow_schema)
    if arrow_schema == schema:
        return df
    return df.select(
        *(
            F.col(f"`{f.name}`").cast(f.dataType).alias(f.name, metadata=f.metadata)
            for f in schema.fields
        )
    )


def uploaded_relation_id(session: Session, upload_id: str, schema_json: str) -> str:
    """The id under which the session's planner keeps the DataFrame of an upload, read
    with ``schema_json`` (empty: the upload's own schema)."""
    upload = session.upload(upload_id)
    schema_json = schema_json or upload.schema_json
    digest = hashlib.sha256(schema_json.encode()).hexdigest()[:16]
    return planner.cached_dataframe(
        session,
        f"sparkflight-upload-{upload_id}-{digest}",
        lambda: local_dataframe(session.spark, upload.table, schema_json),
    )
