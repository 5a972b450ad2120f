"""SparkSession entry points: SQL, range, tables, readers, createDataFrame, conf, version."""

from __future__ import annotations

import datetime
import decimal
import os
import tempfile
import uuid
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from tests.client.harness import Cases, Engines, engines_for

CASES = Cases()
READ_CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


@pytest.fixture(scope="module")
def files(classic: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The same small table written by PySpark as parquet, csv, json and orc.

    Both engines run on this machine, so both read these files.
    """
    base = tmp_path_factory.mktemp("sources")
    df = classic.createDataFrame(
        [
            (1, "alpha", 1.5, datetime.date(2024, 1, 1)),
            (2, "beta", None, datetime.date(2024, 2, 29)),
            (3, None, -3.25, None),
            (4, "delta, with comma", 0.0, datetime.date(1999, 12, 31)),
        ],
        "id long, name string, score double, day date",
    ).repartition(2)
    paths = {}
    for fmt in ("parquet", "csv", "json", "orc"):
        path = str(base / fmt)
        df.write.format(fmt).option("header", "true").save(path)
        paths[fmt] = path
    return paths


# ------------------------------------------------------------------------ SQL


@CASES.frame()
def sql_values(spark, F, T, Window, Row):
    return spark.sql("SELECT * FROM VALUES (1, 'a', 2.5), (2, NULL, NULL) AS t(id, name, score)")


@CASES.frame()
def sql_named_arguments(spark, F, T, Window, Row):
    return spark.sql(
        "SELECT :x + 1 AS y, :s AS s, :d AS d, :day AS day",
        args={"x": 41, "s": "hi", "d": decimal.Decimal("1.25"), "day": datetime.date(2024, 5, 6)},
    )


@CASES.frame()
def sql_positional_arguments(spark, F, T, Window, Row):
    return spark.sql("SELECT ? * 2 AS twice, ? AS label, ? AS flag", args=[21, "b", True])


@CASES.frame()
def sql_arguments_in_filter(spark, F, T, Window, Row):
    return spark.sql(
        "SELECT id FROM range(10) WHERE id > :low AND id < :high", args={"low": 3, "high": 7}
    )


@CASES.frame()
def sql_with_dataframe_and_value_substitution(spark, F, T, Window, Row):
    df = spark.range(6)
    return spark.sql("SELECT id * 10 AS tens FROM {df} WHERE id > {low}", df=df, low=2)


@CASES.frame()
def sql_over_temp_view(spark, F, T, Window, Row):
    spark.range(10).createOrReplaceTempView("numbers")
    return spark.sql("SELECT id % 3 AS r, sum(id) AS total FROM numbers GROUP BY id % 3")


@CASES.frame()
def sql_command_result(spark, F, T, Window, Row):
    return spark.sql("SHOW FUNCTIONS LIKE 'upp*'")


# ---------------------------------------------------------------------- range


@CASES.frame(ordered=True, arrow=True, pandas=True)
def range_end(spark, F, T, Window, Row):
    return spark.range(4)


@CASES.frame(ordered=True)
def range_start_end(spark, F, T, Window, Row):
    return spark.range(1, 4)


@CASES.frame(ordered=True)
def range_step(spark, F, T, Window, Row):
    return spark.range(0, 10, 3)


@CASES.frame(ordered=True)
def range_negative_step(spark, F, T, Window, Row):
    return spark.range(10, 0, -4)


@CASES.frame(ordered=True)
def range_num_partitions(spark, F, T, Window, Row):
    return spark.range(0, 20, 2, 3)


@CASES.frame()
def table_of_temp_view(spark, F, T, Window, Row):
    spark.createDataFrame([(1, "x")], "k int, v string").createOrReplaceTempView("kv")
    return spark.table("kv")


# ---------------------------------------------------------------- createDataFrame


@CASES.frame()
def create_from_tuples(spark, F, T, Window, Row):
    return spark.createDataFrame([(1, "a", 2.5), (2, None, None)])


@CASES.frame()
def create_from_tuples_with_names(spark, F, T, Window, Row):
    return spark.createDataFrame([(1, "a"), (2, "b")], ["id", "name"])


@CASES.frame()
def create_from_tuples_with_ddl(spark, F, T, Window, Row):
    return spark.createDataFrame([(1, "a"), (2, None)], "id int, name string")


@CASES.frame()
def create_from_tuples_with_struct_type(spark, F, T, Window, Row):
    schema = T.StructType(
        [
            T.StructField("id", T.IntegerType(), False),
            T.StructField("name", T.StringType(), True),
            T.StructField("tags", T.ArrayType(T.StringType(), False), True),
        ]
    )
    return spark.createDataFrame([(1, "a", ["x", "y"]), (2, None, [])], schema)


@CASES.frame()
def create_from_rows(spark, F, T, Window, Row):
    return spark.createDataFrame([Row(id=1, name="a"), Row(id=2, name="b")])


@CASES.frame()
def create_from_row_factory(spark, F, T, Window, Row):
    point = Row("x", "y")
    return spark.createDataFrame([point(1, 2.0), point(3, None)])


@CASES.frame()
def create_from_dicts(spark, F, T, Window, Row):
    return spark.createDataFrame([{"id": 1, "name": "a"}, {"id": 2, "name": None}])


@CASES.frame()
def create_with_nested_values(spark, F, T, Window, Row):
    return spark.createDataFrame(
        [(1, [1, 2], {"k": 1}, Row(x=1, y="s")), (2, None, {}, None)],
        "id int, xs array<int>, m map<string,int>, s struct<x:int,y:string>",
    )


@CASES.frame()
def create_with_inferred_temporal_and_decimal(spark, F, T, Window, Row):
    return spark.createDataFrame(
        [
            (
                datetime.date(2024, 1, 2),
                datetime.datetime(2024, 1, 2, 3, 4, 5),
                decimal.Decimal("1.50"),
            ),
            (None, None, None),
        ],
        ["day", "moment", "price"],
    )


@CASES.frame(empty=True)
def create_empty_with_schema(spark, F, T, Window, Row):
    return spark.createDataFrame([], "id long, name string")


@CASES.frame()
def create_from_pandas(spark, F, T, Window, Row):
    pdf = pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"], "c": [1.5, None, 2.0]})
    return spark.createDataFrame(pdf)


@CASES.frame()
def create_from_pandas_with_schema(spark, F, T, Window, Row):
    pdf = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    return spark.createDataFrame(pdf, "a long, b string")


@CASES.frame()
def create_from_pandas_with_timestamps(spark, F, T, Window, Row):
    pdf = pd.DataFrame(
        {"ts": pd.to_datetime(["2024-01-01 10:00:00", "2024-06-30 23:59:59"]), "n": [1, 2]}
    )
    return spark.createDataFrame(pdf)


@CASES.frame()
def create_from_arrow(spark, F, T, Window, Row):
    table = pa.table(
        {
            "a": pa.array([1, 2, None], pa.int32()),
            "b": pa.array(["x", None, "z"]),
            "c": pa.array([[1], [], None], pa.list_(pa.int64())),
        }
    )
    return spark.createDataFrame(table)


@CASES.frame()
def create_from_arrow_with_schema(spark, F, T, Window, Row):
    table = pa.table({"a": pa.array([1, 2], pa.int64()), "b": pa.array(["x", "y"])})
    return spark.createDataFrame(table, "a long, b string")


# --------------------------------------------------------------- conf and version


@CASES.program()
def conf_set_get_unset(spark, F, T, Window, Row):
    key = "spark.sparkflight.test.option"
    spark.conf.set(key, "value-1")
    after_set = spark.conf.get(key)
    spark.conf.set(key, "value-2")
    after_reset = spark.conf.get(key)
    spark.conf.unset(key)
    return after_set, after_reset, spark.conf.get(key, "fallback")


@CASES.program()
def conf_changes_query_behaviour(spark, F, T, Window, Row):
    spark.conf.set("spark.sql.ansi.enabled", "false")
    try:
        lenient = spark.sql("SELECT 1 / 0 AS q").collect()
    finally:
        spark.conf.unset("spark.sql.ansi.enabled")
    return lenient, spark.conf.get("spark.sql.ansi.enabled")


@CASES.program()
def conf_session_time_zone(spark, F, T, Window, Row):
    return spark.conf.get("spark.sql.session.timeZone"), spark.conf.isModifiable(
        "spark.sql.ansi.enabled"
    )


@CASES.program()
def version(spark, F, T, Window, Row):
    return spark.version


@CASES.program()
def write_then_read_parquet(spark, F, T, Window, Row):
    path = os.path.join(tempfile.gettempdir(), f"sparkflight-write-{uuid.uuid4().hex}")
    spark.range(5).withColumn("sq", F.col("id") * F.col("id")).write.mode("overwrite").parquet(path)
    return sorted(spark.read.parquet(path).collect())


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)


# -------------------------------------------------------------------- readers


@READ_CASES.frame()
def read_parquet(spark, F, T, Window, Row, paths):
    return spark.read.parquet(paths["parquet"])


@READ_CASES.frame()
def read_csv_with_header_and_inference(spark, F, T, Window, Row, paths):
    return spark.read.csv(paths["csv"], header=True, inferSchema=True)


@READ_CASES.frame()
def read_csv_all_strings(spark, F, T, Window, Row, paths):
    return spark.read.option("header", True).csv(paths["csv"])


@READ_CASES.frame()
def read_json(spark, F, T, Window, Row, paths):
    return spark.read.json(paths["json"])


@READ_CASES.frame()
def read_orc(spark, F, T, Window, Row, paths):
    return spark.read.orc(paths["orc"])


@READ_CASES.frame()
def read_format_option_schema_load(spark, F, T, Window, Row, paths):
    return (
        spark.read.format("csv")
        .option("header", "true")
        .schema("id long, name string, score double, day date")
        .load(paths["csv"])
    )


@READ_CASES.frame()
def read_with_struct_type_schema(spark, F, T, Window, Row, paths):
    schema = T.StructType(
        [T.StructField("id", T.LongType()), T.StructField("name", T.StringType())]
    )
    return spark.read.schema(schema).json(paths["json"])


@READ_CASES.frame()
def read_load_with_format_argument(spark, F, T, Window, Row, paths):
    return spark.read.load(paths["parquet"], format="parquet").filter("id > 1").select("name")


@READ_CASES.frame()
def read_options_mapping(spark, F, T, Window, Row, paths):
    return spark.read.options(header="true", inferSchema="true").format("csv").load(paths["csv"])


@pytest.mark.parametrize("case", READ_CASES.params())
def test_read(engines: Engines, files: dict[str, str], case: Any) -> None:
    case.check(engines, paths=files)
