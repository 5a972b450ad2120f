"""``Observation``: named metrics of a DataFrame, read after an action ran it, as in PySpark.

The metrics travel with the plan (an ``ObserveRelation``); the server computes them with
Spark's own ``Observation`` while an action runs the plan and keeps those of the first
action, which :attr:`Observation.get` fetches with the ``observation`` action.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from sparkflight.client.conversion import arrow_to_rows
from sparkflight.client.errors import (
    PySparkAssertionError,
    PySparkValueError,
    expected_type,
)
from sparkflight.client.types import StructType
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import OBSERVATION

if TYPE_CHECKING:
    from sparkflight.client.column import Column
    from sparkflight.client.dataframe import DataFrame
    from sparkflight.client.session import SparkSession


class Observation:
    """Observes metrics (aggregates or literals) of a DataFrame during its first action."""

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            if not isinstance(name, str):
                raise expected_type("name", "str", name)
            if name == "":
                raise PySparkValueError(
                    errorClass="VALUE_NOT_NON_EMPTY_STR",
                    messageParameters={"arg_name": "name", "arg_value": name},
                )
        self._name = name if name is not None else str(uuid.uuid4())
        self._id = uuid.uuid4().hex
        self._session: SparkSession | None = None
        self._metrics: dict[str, Any] | None = None

    def _on(self, df: DataFrame, *exprs: Column) -> DataFrame:
        """``df`` observed by this Observation (which observes one DataFrame only)."""
        if self._session is not None:
            raise PySparkAssertionError(
                messageParameters={},
                errorClass="REUSE_OBSERVATION",
            )
        observed = df._observe(self._name, exprs, self._id)
        self._session = df.sparkSession
        return observed

    @property
    def get(self) -> dict[str, Any]:
        """The metrics of the first action that ran the observed DataFrame."""
        if self._session is None:
            raise PySparkAssertionError(
                messageParameters={},
                errorClass="NO_OBSERVE_BEFORE_GET",
            )
        if self._metrics is None:
            request = sf.ObservationRequest(observation_id=self._id)
            connection = self._session._connection
            response = connection.action(OBSERVATION, request)
            if not response.available:
                raise PySparkAssertionError(
                    errorClass="NO_ACTION_BEFORE_GET", messageParameters={"name": repr(self._name)}
                )
            table = pa.ipc.open_stream(response.arrow_ipc).read_all()
            schema = StructType.fromJson(json.loads(response.schema_json))
            self._metrics = arrow_to_rows(table, schema)[0].asDict(recursive=False)
        return dict(self._metrics)
