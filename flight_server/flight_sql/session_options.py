"""Flight session options: the current catalog and schema, and Spark SQL conf.

``catalog`` and ``schema`` set the session's current catalog and namespace; any other name
is a Spark SQL conf key. A valueless option unsets a conf key.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyspark.sql import SparkSession

from sparkflight.flight_server import restrictions
from sparkflight.plans import flight_pb2 as flight

CATALOG = "catalog"
SCHEMA = "schema"

_Result = flight.SetSessionOptionsResult
_SETTERS = {
    CATALOG: lambda spark, value: spark.catalog.setCurrentCatalog(value),
    SCHEMA: lambda spark, value: spark.catalog.setCurrentDatabase(value),
}


def _text(value: flight.SessionOptionValue) -> str | None:
    kind = value.WhichOneof("option_value")
    if kind is None:
        return None
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    if kind == "string_list_value":
        raise ValueError("list values are not Spark settings")
    return str(getattr(value, kind))


def set_options(
    spark: SparkSession, request: flight.SetSessionOptionsRequest, restricted: bool = False
) -> tuple[_Result, list[str]]:
    """Apply the options; the result (with an error per option not set) and the conf keys
    set. In ``restricted`` mode a conf key restricted mode refuses fails them all."""
    confs = [name for name in request.session_options if name not in _SETTERS]
    refused = [name for name in confs if restricted and not restrictions.conf_allowed(name)]
    if refused:
        raise restrictions.refused(f"setting {refused[0]!r}", "see the server's security model")
    result = _Result()
    conf_keys = []
    for name, value in sorted(request.session_options.items()):
        try:
            text = _text(value)
        except ValueError:
            result.errors[name].value = _Result.INVALID_VALUE
            continue
        setter = _SETTERS.get(name)
        try:
            if setter is not None:
                if text is None:
                    result.errors[name].value = _Result.INVALID_VALUE
                    continue
                setter(spark, text)
            elif text is None:
                spark.conf.unset(name)
            else:
                spark.conf.set(name, text)
                conf_keys.append(name)
        except Exception:  # noqa: BLE001 - Spark refused the value; the answer says so
            result.errors[name].value = _Result.ERROR
    return result, conf_keys


def get_options(spark: SparkSession, conf_keys: Iterable[str]) -> flight.GetSessionOptionsResult:
    """The current catalog and schema and the conf keys set through session options."""
    result = flight.GetSessionOptionsResult()
    result.session_options[CATALOG].string_value = spark.catalog.currentCatalog()
    result.session_options[SCHEMA].string_value = spark.catalog.currentDatabase()
    values = [(key, spark.conf.get(key, None)) for key in conf_keys]
    for key, value in restrictions.redacted(spark, values):
        if value is not None:
            result.session_options[key].string_value = value
    return result
