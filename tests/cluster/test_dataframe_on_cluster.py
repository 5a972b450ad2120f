"""The client's DataFrame tests, compared with in-process PySpark, on the cluster."""

from tests.client import test_dataframe
from tests.cluster.reuse import tests_of

globals().update(tests_of(test_dataframe, "engines"))
