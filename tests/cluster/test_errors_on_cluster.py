"""The client's error tests (Spark's errors, bad input), on the cluster."""

from tests.client import test_errors
from tests.cluster.reuse import reused

globals().update(reused(test_errors, "engines"))
