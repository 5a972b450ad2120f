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
from sparkflight.client.errors import PySparkAssertionError, PySparkTypeError, PySparkValueError
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
                raise PySparkTypeError(
                    message="[NOT_EXPECTED_TYPE] Argument `name` should be str, got "
                    f"{type(name).__name__}.",
                    errorClass="NOT_EXPECTED_TYPE",
                    messageParameters={
                        "arg_name": "name",
                        "expected_type": "str",
                        "arg_type": type(name).__name__,
                    },
                )
            if name == "":
                raise PySparkValueError(
                    message="[VALUE_NOT_NON_EMPTY_STR] Value for `name` must be a non-empty "
                    "string, got ''.",
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
                message="[REUSE_OBSERVATION] An Observation can be used with a DataFrame "
                "only once.",
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
                message="[NO_OBSERVE_BEFORE_GET] Should observe by calling `DataFrame.observe` "
                "before `get`.",
                errorClass="NO_OBSERVE_BEFORE_GET",
            )
        if self._metrics is None:
            request = sf.ObservationRequest(observation_id=self._id)
            connection = self._session._connection
            response = connection.action(OBSERVATION, request)
            if not response.available:
                raise PySparkAssertionError(
                    message="[NO_ACTION_BEFORE_GET] No action has finished running the "
                    f"DataFrame that Observation {self._name!r} observes: run one (collect(), "
                    "count(), show(), a write...) before `get`.",
                    errorClass="NO_ACTION_BEFORE_GET",
                )
            table = pa.ipc.open_stream(response.arrow_ipc).read_all()
            schema = StructType.fromJson(json.loads(response.schema_json))
            self._metrics = arrow_to_rows(table, schema)[0].asDict(recursive=False)
        return dict(self._metrics)
