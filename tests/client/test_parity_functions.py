"""Every function of ``pyspark.sql.functions``: the client against in-process PySpark.

The calls are generated from PySpark's signatures (``tests/client/parity_cases.py``,
see ``tests/client/parity.py``); each is compared by column name, type, nullability and
values, or by the error both must raise. Many calls share one query. Every difference
found is in :data:`DIFFERENCES`, exactly: a listed call that starts matching, or a call
that differs and is not listed, fails the test.
"""

from __future__ import annotations

import inspect
from typing import Any

import pyspark.sql.functions as ps_functions
import pytest

from tests.client.generate_parity_cases import NOT_COLUMNS
from tests.client.harness import Engines, engines_for
from tests.client.parity import compare, spec_id
from tests.client.parity_cases import FUNCTION_SPECS

#: Functions (or calls, by spec id) whose values differ from run to run or from one
#: partitioning of the input to another (their names, types and errors are still
#: compared), with the reason.
MERGE_ORDER = (
    "a sketch's bytes depend on the order partial sketches are merged in: classic PySpark "
    "reads the sample rows as an RDD of two partitions, Spark Connect as one local relation"
)
UNCOMPARED: dict[str, str] = {
    "rand": "random",
    "randn": "random",
    "randstr": "random",
    "uniform": "random",
    "shuffle": "random",
    "count_min_sketch": "a seed PySpark draws at random when none is given",
    "aes_encrypt": "a random initialization vector",
    "current_timestamp": "the time of the query",
    "now": "the time of the query",
    "localtimestamp": "the time of the query",
    "current_time": "the time of the query",
    "current_date": "the date of the query (differs at midnight)",
    "curdate": "the date of the query (differs at midnight)",
    "monotonically_increasing_id": "depends on how the input is partitioned",
    "spark_partition_id": "depends on how the input is partitioned",
    "input_file_name": "depends on the files read",
    "unix_timestamp()": "the time of the query",
    "unix_timestamp(format='yyyy-MM-dd')": "the time of the query",
    "kll_sketch_agg_bigint(i)": MERGE_ORDER,
    "kll_sketch_agg_double(d)": MERGE_ORDER,
    "current_user": "the user of the server's session",
    "user": "the user of the server's session",
    "session_user": "the user of the server's session",
}

#: Every call whose outcome differs from PySpark's: spec id -> (what differs, why).
ARROW_DUPLICATES = (
    "results travel as Arrow, which refuses a struct with two fields of one name "
    "(DUPLICATED_FIELD_NAME_IN_ARROW_STRUCT), as Spark Connect does; classic PySpark does not "
    "use Arrow to collect"
)
DIFFERENCES: dict[str, tuple[str, str]] = {
    "arrays_zip(arr, arr)": ("error", ARROW_DUPLICATES),
    "struct(s, s)": ("error", ARROW_DUPLICATES),
    "try_make_timestamp_ltz(d, d, d, d, d, d, timezone=d)": (
        "error",
        "a time zone '2.5' raises INVALID_TIMEZONE where PySpark returns NULL; not explained yet",
    ),
}

#: One query per this many calls.
BATCH = {"scalar": 40, "aggregate": 40, "generator": 1, "error": 1}


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def _functions() -> set[str]:
    return {n for n in ps_functions.__all__ if inspect.isfunction(getattr(ps_functions, n))}


def test_every_function_is_called() -> None:
    called = {spec[0] for spec in FUNCTION_SPECS}
    assert sorted(_functions() - called - set(NOT_COLUMNS)) == []
    assert sorted(called - _functions()) == []
    ids = {spec_id(spec) for spec in FUNCTION_SPECS}
    assert sorted(set(UNCOMPARED) - called - ids) == []


def test_differences_name_generated_calls() -> None:
    ids = {spec_id(spec) for spec in FUNCTION_SPECS}
    assert sorted(set(DIFFERENCES) - ids) == []


@pytest.mark.parametrize("shape", sorted(BATCH))
def test_functions_match_pyspark(engines: Engines, shape: str) -> None:
    specs = [spec for spec in FUNCTION_SPECS if spec[4] == shape]
    found = compare(engines, specs, BATCH[shape], UNCOMPARED)
    ids = {spec_id(spec) for spec in specs}
    expected = {key: what for key, (what, _) in DIFFERENCES.items() if key in ids}
    assert {key: what for key, (what, _, _) in found.items()} == expected, found
