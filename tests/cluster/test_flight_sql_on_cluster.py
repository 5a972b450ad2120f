"""The Flight SQL tests (ADBC, pandas, polars and flightsql-dbapi clients), on the cluster."""

from tests.cluster.reuse import reused
from tests.flight_server import test_flight_sql, test_flight_sql_control

globals().update(reused(test_flight_sql, "conn", "names", "objects_table"))
# Of the control tests, those that need only a client (a cancelled job is seen in process).
globals().update(
    {
        name: getattr(test_flight_sql_control, name)
        for name in ("test_cancel_flight_info", "test_batches_are_at_most_8_mib")
    }
)
