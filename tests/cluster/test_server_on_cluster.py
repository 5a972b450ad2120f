"""The Flight RPC, action, session and error tests of the server, on the cluster."""

from tests.cluster.reuse import reused
from tests.flight_server import test_server

globals().update(reused(test_server))
