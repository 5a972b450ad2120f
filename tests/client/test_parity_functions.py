"""Every function of ``pyspark.sql.functions``: the client against in-process PySpark.

The calls are generated from PySpark's signatures (``tests/client/parity_cases.py``,
see ``tests/client/parity.py``); each is compared by column name, type, nullability and
values, or by the error both must raise (PySpark's error for a call it rejects is
recorded when the calls are generated, not asked for again). Many calls share one query.
Every difference found is in :data:`DIFFERENCES`, exactly: a listed call that starts
matching, or a call that differs and is not listed, fails the test.
"""

from __future__ import annotations

import inspect
from typing import Any

import pyspark.sql.functions as ps_functions
import pytest

from tests.client.generate_parity_cases import NOT_COLUMNS
from tests.client.harness import Engines, engines_for
from tests.client.parity import compare, spec_id
from tests.client.parity_cases import FUNCTION_ERRORS, FUNCTION_SPECS

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
DIFFERENCES: dict[str, tuple[str, str]] = {
    "try_make_timestamp_ltz(d, d, d, d, d, d, timezone=d)": (
        "error",
        "Spark itself answers a time zone '2.5' two ways: its generated code resolves the "
        "zone inside the try that makes a try_ function NULL, its interpreted evaluation "
        "outside it (INVALID_TIMEZONE). Spark Connect's plans, as ours, send the sample "
        "rows as a local relation, which Spark's optimizer evaluates interpreted on the "
        "driver (ConvertToLocalRelation): INVALID_TIMEZONE; classic PySpark reads them as "
        "an RDD through generated code: NULL. Over spark.range both give NULL, and classic "
        "PySpark raises too with spark.sql.codegen.factoryMode=NO_CODEGEN",
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


def test_every_rejected_call_has_pysparks_error() -> None:
    rejected = {spec_id(spec) for spec in FUNCTION_SPECS if spec[4] == "error"}
    assert sorted(rejected ^ set(FUNCTION_ERRORS)) == []


def test_differences_name_generated_calls() -> None:
    ids = {spec_id(spec) for spec in FUNCTION_SPECS}
    assert sorted(set(DIFFERENCES) - ids) == []


@pytest.mark.parametrize("shape", sorted(BATCH))
def test_functions_match_pyspark(engines: Engines, shape: str) -> None:
    specs = [spec for spec in FUNCTION_SPECS if spec[4] == shape]
    found = compare(engines, specs, BATCH[shape], UNCOMPARED, FUNCTION_ERRORS)
    ids = {spec_id(spec) for spec in specs}
    expected = {key: what for key, (what, _) in DIFFERENCES.items() if key in ids}
    assert {key: what for key, (what, _, _) in found.items()} == expected, found


def test_unwrap_udt_of_a_stored_vector_matches_pyspark(
    spark: Any, classic: Any, tmp_path: Any
) -> None:
    """PySpark's example of ``unwrap_udt`` needs ``pyspark.ml`` vectors, which the client
    cannot make; a table written with them (Parquet keeps the type) is read with their
    ``VectorUDT`` on the server, and ``unwrap_udt`` gives the struct Spark stores."""
    from pyspark.ml.linalg import Vectors
    from pyspark.sql import functions as PF

    from sparkflight.client import functions as F
    from sparkflight.client.errors import SparkFlightException

    path = str(tmp_path / "vectors")
    vectors = [(1, Vectors.dense([1.0, 2.0])), (2, Vectors.sparse(3, [1], [5.0]))]
    classic.createDataFrame(vectors, ["id", "v"]).write.parquet(path)
    found = []
    for session, functions in ((spark, F), (classic, PF)):
        unwrapped = session.read.parquet(path).select("id", functions.unwrap_udt("v"))
        rows = sorted(tuple(row) for row in unwrapped.collect())
        found.append((unwrapped.schema.simpleString(), rows))
    assert found[0] == found[1]
    assert found[0][1][1][1].size == 3
    # The vectors themselves would be Rows of their stored struct, not PySpark's vectors.
    with pytest.raises(SparkFlightException) as raised:
        spark.read.parquet(path).collect()
    assert raised.value.getCondition() == "USER_DEFINED_TYPE_RESULT"
    with pytest.raises(ValueError, match="user-defined type pyspark.ml.linalg.VectorUDT"):
        _ = spark.read.parquet(path).schema


def test_structs_with_repeated_field_names_match_pyspark(spark: Any, classic: Any) -> None:
    """A struct with two fields of one name, nested too, computed by a Spark job (not the
    sample's local rows): the same rows as PySpark; ``toArrow`` refuses it as PySpark's."""
    from pyspark.errors import UnsupportedOperationException as ClassicUnsupported
    from pyspark.sql import functions as PF

    from sparkflight.client import functions as F
    from sparkflight.client.errors import UnsupportedOperationException

    found = []
    for session, functions in ((spark, F), (classic, PF)):
        df = session.range(3).selectExpr("id", "cast(id AS string) AS s", "array(id) AS a")
        result = df.select(
            "id",
            functions.struct("s", "s").alias("pair"),
            functions.arrays_zip("a", "a").alias("zipped"),
            functions.array(functions.struct("id", "id")).alias("nested"),
            functions.create_map("s", functions.struct("s", "id", "s")).alias("m"),
        )
        rows = [repr(row) for row in result.orderBy("id").collect()]
        found.append((result.schema.simpleString(), rows))
    assert found[0] == found[1]
    assert "Row(s='1', s='1')" in found[0][1][1]
    errors = []
    for session, raised in ((spark, UnsupportedOperationException), (classic, ClassicUnsupported)):
        with pytest.raises(raised) as error:
            session.range(1).selectExpr("struct(id, id) AS pair").toArrow()
        errors.append(error.value.getCondition())
    assert errors == ["DUPLICATED_FIELD_NAME_IN_ARROW_STRUCT"] * 2
