"""Python functions run by the server's Spark Python workers: UDFs, pandas UDFs, UDTFs,
mapInPandas, applyInPandas, cogroup and foreach, against in-process PySpark."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from sparkflight.client.errors import PythonException
from tests.client.harness import Cases, Engines, engines_for, printed

CASES = Cases()
OFFSET = 100


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def people(spark: Any) -> Any:
    return spark.createDataFrame(
        [(1, "ann", 3.0, "a"), (2, "bob", None, "b"), (3, "cy", 5.5, "a"), (4, None, 1.0, "b")],
        "id int, name string, score double, team string",
    )


def shout(text: str | None) -> str | None:
    """A helper of this module that the UDFs below call: it travels with them."""
    return None if text is None else text.upper() + "!"


@CASES.frame(ordered=True)
def udf_closure_helper_and_types(spark, F, T, Window, Row):
    bonus = 7
    plus = F.udf(lambda x: x + bonus + OFFSET, "int")
    loud = F.udf(shout)
    twice = F.udf(lambda s: None if s is None else s * 2, T.DoubleType())
    df = people(spark)
    return df.select("id", plus("id"), loud(df.name).alias("loud"), twice("score")).orderBy("id")


@CASES.frame(ordered=True)
def udf_decorator_nondeterministic_and_arrow(spark, F, T, Window, Row):
    @F.udf(returnType="array<string>")
    def letters(name):
        return list(name or "")

    @F.udf("long", useArrow=True)
    def square(x):
        return x * x

    same = F.udf(lambda x: x, "int").asNondeterministic()
    df = people(spark)
    return df.select("id", letters("name").alias("l"), square("id"), same("id")).orderBy("id")


@CASES.frame(ordered=True)
def udf_struct_result_in_filter(spark, F, T, Window, Row):
    pair = F.udf(lambda i, n: (i, n or "?"), "struct<i:int,n:string>")
    df = people(spark)
    return (
        df.where(F.udf(lambda i: i % 2 == 1, "boolean")("id"))
        .select("id", pair("id", "name").alias("p"))
        .orderBy("id")
    )


@CASES.frame(ordered=True)
def pandas_udf_scalar_and_iterator(spark, F, T, Window, Row):
    @F.pandas_udf("double")
    def scaled(s: pd.Series) -> pd.Series:
        return s * 10

    @F.pandas_udf("long")
    def plus_one(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for batch in batches:
            yield batch + 1

    legacy = F.pandas_udf(lambda a, b: a + b, "long", F.PandasUDFType.SCALAR)
    df = people(spark)
    return df.select("id", scaled("score"), plus_one("id"), legacy("id", "id").alias("s"))


@CASES.frame(ordered=True)
def arrow_udf_scalar_iterator_and_aggregate(spark, F, T, Window, Row):
    import pyarrow.compute as pc

    @F.arrow_udf("long")
    def plus_one(a: pa.Array) -> pa.Array:
        return pc.add(a, 1)

    @F.arrow_udf("long")
    def doubled(batches: Iterator[pa.Array]) -> Iterator[pa.Array]:
        for batch in batches:
            yield pc.multiply(batch, 2)

    @F.arrow_udf("long")
    def biggest(a: pa.Array) -> int:
        return pc.max(a).as_py()

    df = people(spark)
    mapped = df.select("team", plus_one("id").alias("p"), doubled("id").alias("d"))
    return mapped.groupBy("team").agg(biggest("p").alias("b")).orderBy("team")


@CASES.frame(ordered=True)
def pandas_udf_grouped_aggregate(spark, F, T, Window, Row):
    @F.pandas_udf("double")
    def mean(s: pd.Series) -> float:
        return float(s.mean())

    @F.pandas_udf("long")
    def size(s: pd.Series) -> int:
        return len(s)

    df = people(spark)
    return df.groupBy("team").agg(mean("id").alias("m"), size("name")).orderBy("team")


@CASES.frame(ordered=True)
def pandas_udf_aggregate_over_window(spark, F, T, Window, Row):
    @F.pandas_udf("double")
    def total(s: pd.Series) -> float:
        return float(s.sum())

    df = people(spark)
    return df.select("id", total("id").over(Window.partitionBy("team")).alias("t")).orderBy("id")


@CASES.program()
def udf_register_call_udf_and_sql(spark, F, T, Window, Row):
    name = "triple_" + uuid.uuid4().hex[:8]
    registered = spark.udf.register(name, lambda x: x * 3, "int")
    people(spark).createOrReplaceTempView("people_udf")
    df = people(spark)
    via_call = df.select(F.call_udf(name, "id").alias("t")).orderBy("t").collect()
    via_sql = spark.sql(f"SELECT {name}(id) AS t FROM people_udf ORDER BY t").collect()
    via_object = df.select(registered("id").alias("t")).orderBy("t").collect()
    wrapped = spark.udf.register(name + "_u", F.udf(lambda s: f"<{s}>"))
    tagged = spark.sql(f"SELECT {name}_u(name) AS t FROM people_udf ORDER BY id").collect()
    return via_call, via_sql, via_object, tagged, str(wrapped.returnType)


@CASES.frame(ordered=True)
def map_in_pandas_and_arrow(spark, F, T, Window, Row):
    factor = 3

    def tripled(frames):
        for frame in frames:
            yield frame.assign(id=frame.id * factor)[["id", "name"]]

    def only_ids(batches):
        for batch in batches:
            yield pa.RecordBatch.from_arrays([batch.column("id")], names=["id"])

    df = people(spark)
    mapped = df.mapInPandas(tripled, "id long, name string")
    schema = T.StructType([T.StructField("id", T.IntegerType())])
    arrow = df.mapInArrow(only_ids, schema).withColumnRenamed("id", "x")
    return mapped.join(arrow, mapped.id == arrow.x * 3).orderBy("id")


@CASES.frame(ordered=True)
def apply_in_pandas_and_arrow(spark, F, T, Window, Row):
    def centered(frame):
        return frame.assign(score=frame.score - frame.score.mean())[["team", "id", "score"]]

    def with_key(key, frame):
        return pd.DataFrame({"team": [key[0]], "n": [len(frame)]})

    def counted(table):
        return pa.table({"team": table.column("team").slice(0, 1), "n": [table.num_rows]})

    df = people(spark)
    a = df.groupBy("team").applyInPandas(centered, "team string, id int, score double")
    b = df.groupBy(df.team).applyInPandas(with_key, "team string, n long")
    c = df.groupBy("team").applyInArrow(counted, "team string, n long")
    return a.join(b, "team").join(c.withColumnRenamed("n", "m"), "team").orderBy("id")


@CASES.frame(ordered=True)
def grouped_map_pandas_udf_with_apply(spark, F, T, Window, Row):
    sizes = F.pandas_udf(
        lambda frame: pd.DataFrame({"team": [frame.team.iloc[0]], "n": [len(frame)]}),
        "team string, n long",
        F.PandasUDFType.GROUPED_MAP,
    )
    return people(spark).groupBy("team").apply(sizes).orderBy("team")


@CASES.frame(ordered=True)
def cogroup_apply_in_pandas(spark, F, T, Window, Row):
    def merged(left, right):
        return pd.DataFrame(
            {"team": [left.team.iloc[0]], "people": [len(left)], "scores": [len(right)]}
        )

    df = people(spark)
    scores = spark.createDataFrame([("a", 1), ("a", 2), ("b", 3)], "team string, v int")
    grouped = df.groupBy("team").cogroup(scores.groupBy("team"))
    return grouped.applyInPandas(merged, "team string, people long, scores long").orderBy("team")


class Echo:
    def eval(self, n: int, word: str):
        for i in range(n):
            yield i, f"{word}{i}"


@CASES.frame(ordered=True)
def udtf_from_the_dataframe_api(spark, F, T, Window, Row):
    echo = F.udtf(Echo, returnType="i int, w string")
    return echo(F.lit(3), F.lit("x")).orderBy("i")


@CASES.program()
def udtf_registered_for_sql(spark, F, T, Window, Row):
    @F.udtf(returnType="k int, square int")
    class Squares:
        def eval(self, start: int, end: int):
            for k in range(start, end):
                yield k, k * k

    name = "squares_" + uuid.uuid4().hex[:8]
    spark.udtf.register(name, Squares)
    return spark.sql(f"SELECT * FROM {name}(2, 5) ORDER BY k").collect()


def _written(directory: Path) -> list[str]:
    return sorted(line for f in directory.iterdir() for line in f.read_text().splitlines())


def test_udf_without_use_arrow_follows_the_session_conf_as_in_pyspark(engines: Engines) -> None:
    def plan_node(engine: Any, arrow: str) -> str:
        engine.spark.conf.set("spark.sql.execution.pythonUDF.arrow.enabled", arrow)
        try:
            df = engine.spark.range(2).select(engine.F.udf(lambda x: x, "long")("id"))
            text = printed(df.explain)
        finally:
            engine.spark.conf.unset("spark.sql.execution.pythonUDF.arrow.enabled")
        return "ArrowEvalPython" if "ArrowEvalPython" in text else "BatchEvalPython"

    for arrow in ("true", "false"):
        assert plan_node(engines.client, arrow) == plan_node(engines.classic, arrow)
    assert plan_node(engines.client, "true") == "ArrowEvalPython"
    assert plan_node(engines.client, "false") == "BatchEvalPython"


def test_foreach_and_foreach_partition(engines: Engines, tmp_path: Path) -> None:
    def run(spark: Any, directory: Path) -> list[str]:
        rows_dir, parts_dir = directory / "rows", directory / "parts"
        rows_dir.mkdir(parents=True)
        parts_dir.mkdir()

        def write_row(row: Any) -> None:
            (rows_dir / f"{row.id}").write_text(f"{row.id}:{row.name}:{row['team']}\n")

        def write_partition(rows: Any) -> None:
            ids = [str(r.id) for r in rows]
            if ids:
                (parts_dir / uuid.uuid4().hex).write_text("\n".join(ids) + "\n")

        df = people(spark)
        assert df.foreach(write_row) is None
        df.repartition(3).foreachPartition(write_partition)
        return _written(rows_dir) + ["--"] + _written(parts_dir)

    got = run(engines.client.spark, tmp_path / "client")
    expected = run(engines.classic.spark, tmp_path / "classic")
    assert got == expected
    assert got[:2] == ["1:ann:a", "2:bob:b"]


def test_udf_that_raises_gives_python_exception_with_traceback(spark: Any) -> None:
    from sparkflight.client import functions as F

    def risky(x: int) -> float:
        return 1 / (x - x)

    with pytest.raises(PythonException) as caught:
        spark.range(3).select(F.udf(risky, "double")("id")).collect()
    message = str(caught.value)
    assert "ZeroDivisionError" in message
    assert "return 1 / (x - x)" in message or "risky" in message
    assert spark.range(3).select(F.udf(lambda x: x + 1, "long")("id")).collect()[2][0] == 3


def test_udf_that_exits_fails_only_its_query(spark: Any) -> None:
    from sparkflight.client import functions as F
    from sparkflight.client.errors import PySparkException

    with pytest.raises(PySparkException) as caught:
        spark.range(2).select(F.udf(lambda x: os._exit(3), "int")("id")).collect()
    assert "exit" in str(caught.value).lower() or "crash" in str(caught.value).lower()
    assert spark.range(4).select(F.udf(lambda x: -x, "long")("id")).collect()[3][0] == -3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_udf_that_runs_out_of_memory_fails_only_its_query(spark: Any) -> None:
    """The worker's address space is capped just above what it uses, as Spark's
    ``spark.executor.pyspark.memory`` caps it, and the UDF asks for a gigabyte more."""
    from sparkflight.client import functions as F

    def hog(x: int) -> int:
        import resource

        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * resource.getpagesize()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (used + 256 * 1024**2, hard))
        return len(bytearray(1024**3))

    with pytest.raises(PythonException, match="MemoryError"):
        spark.range(2).select(F.udf(hog, "long")("id")).collect()
    assert spark.range(4).select(F.udf(lambda x: x * 2, "long")("id")).collect()[3][0] == 6


def test_function_of_a_module_the_workers_lack_fails_naming_the_module(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The function is unpickled where it runs, in a Python worker (never in the server
    process), which fails as PySpark's do: a PythonException naming the missing module."""
    import types

    from sparkflight.client import functions as F
    from sparkflight.client.errors import PythonException

    module = types.ModuleType("only_on_the_client")
    exec("def double(x):\n    return 2 * x\n", module.__dict__)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(PythonException) as caught:
        spark.range(2).select(F.udf(module.double, "long")("id")).collect()
    assert "ModuleNotFoundError: No module named 'only_on_the_client'" in str(caught.value)


@CASES.program()
def pandas_udf_registered_for_sql(spark, F, T, Window, Row):
    @F.pandas_udf("long")
    def doubled(s: pd.Series) -> pd.Series:
        return s * 2

    name = "doubled_" + uuid.uuid4().hex[:8]
    spark.udf.register(name, doubled)
    return spark.sql(f"SELECT {name}(id) AS d FROM range(4) ORDER BY d").collect()


def test_pandas_udf_without_hints_or_type_is_refused(spark: Any) -> None:
    from sparkflight.client import functions as F
    from sparkflight.client.errors import PySparkValueError

    with pytest.raises(PySparkValueError, match="INVALID_PANDAS_UDF"):
        F.pandas_udf(lambda s: s, "long")
    with pytest.raises(PySparkValueError, match="CANNOT_BE_NONE"):
        F.pandas_udf(lambda s: s)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
