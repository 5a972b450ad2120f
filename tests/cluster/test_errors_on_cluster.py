"""The client's error tests (Spark's errors, bad input), on the cluster."""

from tests.client import test_errors
from tests.cluster.reuse import tests_of

globals().update(tests_of(test_errors, "engines"))
