"""The metrics of the ``pyspark.sql.Observation`` objects of a session's plans.

A client's Observation travels in every plan that observes it, and each translation of
such a plan attaches a fresh Spark ``Observation`` (Spark lets one be used once). Spark
completes an Observation when an action runs through its own ``withAction``
(``show``, writes); results streamed partition by partition do not, so they are
completed from the query execution once the stream has ended. As in PySpark, the
metrics of the first action that finishes are the ones kept.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass, field

import pyarrow as pa
from pyspark.sql import DataFrame, Observation, SparkSession
from pyspark.sql import types as T

from sparkflight.plans import sparkflight_pb2 as sf

#: Translations of one observation whose action has not run (analysis-only calls never
#: run theirs); only the newest are kept.
MAX_PENDING = 16


@dataclass
class _Observed:
    pending: list[Observation] = field(default_factory=list)
    metrics: sf.ObservationResponse | None = None


@dataclass
class Observations:
    """The observations of one session, by the client's observation id."""

    _by_id: dict[str, _Observed] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def attach(self, observation_id: str, df: DataFrame, name: str, *metrics: object) -> DataFrame:
        """``df.observe(Observation(name), *metrics)``, kept under ``observation_id``."""
        observation = Observation(name)
        observed = df.observe(observation, *metrics)  # type: ignore[arg-type]
        with self._lock:
            entry = self._by_id.setdefault(observation_id, _Observed())
            entry.pending = [*entry.pending, observation][-MAX_PENDING:]
        return observed

    def register(self, spark: SparkSession, observation_id: str, name: str, plan_id: int) -> None:
        """Keep under ``observation_id`` the Spark ``Observation`` of the metrics that the
        relation of ``plan_id`` collects under ``name`` (the one still pending for them,
        if a translation before this one registered it and no action has run since)."""
        manager = spark._jsparkSession.observationManager()
        observation = Observation(name)
        observation._jvm = spark._jvm
        observation._jo = manager.getOrNewObservation(name, plan_id)
        with self._lock:
            entry = self._by_id.setdefault(observation_id, _Observed())
            pending = [o for o in entry.pending if not o._jo.equals(observation._jo)]
            entry.pending = [*pending, observation][-MAX_PENDING:]

    def complete(self, df: DataFrame) -> None:
        """Complete the observations in ``df``'s plan once its result has been streamed."""
        with self._lock:
            if not any(entry.pending for entry in self._by_id.values()):
                return
        manager = df.sparkSession._jsparkSession.observationManager()
        manager.tryComplete(df._jdf.queryExecution())

    def metrics(self, spark: SparkSession, observation_id: str) -> sf.ObservationResponse:
        """The metrics, once an action that observes them has finished."""
        with self._lock:
            entry = self._by_id.get(observation_id)
            if entry is None:
                return sf.ObservationResponse(available=False)
            if entry.metrics is not None:
                return entry.metrics
            done = next((o for o in entry.pending if o._jo.future().isCompleted()), None)
        if done is None:
            return sf.ObservationResponse(available=False)
        metrics = _response(spark, done)
        with self._lock:
            if entry.metrics is None:
                entry.metrics, entry.pending = metrics, []
            return entry.metrics


def _response(spark: SparkSession, observation: Observation) -> sf.ObservationResponse:
    """The metrics row of a completed Observation, typed as Spark typed it."""
    schema_json = observation._jo.getRow().schema().json()
    schema = T.StructType.fromJson(json.loads(schema_json))
    table = spark.createDataFrame([tuple(observation.get.values())], schema).toArrow()
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sf.ObservationResponse(
        available=True, arrow_ipc=sink.getvalue(), schema_json=schema_json
    )
