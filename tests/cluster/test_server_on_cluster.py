"""The Flight RPC, action, session and error tests of the server, on the cluster."""

from tests.cluster.reuse import tests_of
from tests.flight_server import test_server

globals().update(tests_of(test_server))
