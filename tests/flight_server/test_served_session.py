"""The in-process server of the tests (``plan_builder``) serves a Spark session of its own,
not ``classic``, the reference the tests compare with (not reused on the cluster, whose
server is another process)."""

from __future__ import annotations

import pyarrow.flight as fl
from pyspark.sql import SparkSession

from sparkflight.plans import sparkflight_pb2 as sf
from tests.flight_server.plan_builder import Plans, client, server, sql
from tests.flight_server.test_server import action

__all__ = ["client", "server"]  # fixtures

SELECT_ONE = Plans().plan(sql("select 1 as one"))


def test_the_default_session_is_not_the_reference(
    client: fl.FlightClient, classic: SparkSession, served_spark: SparkSession
) -> None:
    """A view and a conf set through the in-process server stay out of ``classic``, the
    reference the tests compare with."""
    view = sf.CommandRequest(
        create_view=sf.CreateViewCommand(plan=SELECT_ONE, name="served_only", replace=True)
    )
    action(client, "command", view, "")
    conf = sf.CommandRequest(sql=sf.SqlCommand(query="SET spark.sql.ansi.enabled=false"))
    action(client, "command", conf, "")
    try:
        assert served_spark.catalog.tableExists("served_only")
        assert not classic.catalog.tableExists("served_only")
        assert classic.conf.get("spark.sql.ansi.enabled") == "true"
    finally:
        served_spark.catalog.dropTempView("served_only")
        served_spark.conf.unset("spark.sql.ansi.enabled")
