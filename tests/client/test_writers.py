"""Writing: ``df.write`` and ``df.writeTo``, the client against in-process PySpark.

Each case writes, reads back what it wrote and returns what must be the same on both
engines: rows, schemas, the files' layout, table metadata or the error Spark raises.
Paths are fresh per engine; table names carry ``n``, unique to the test, and each case
drops its tables, since both engines share the ``spark-warehouse`` directory.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import pytest

from tests.client.harness import Cases, Engines, engines_for

CASES = Cases()
_PART_FILE = re.compile(r"part-\d+-[0-9a-f-]+(\.c\d+)?")


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def fresh(directory: str) -> str:
    """A new path under ``directory``, so that each engine writes its own files."""
    return f"{directory}/{uuid.uuid4().hex}"


def layout(path: str) -> list[str]:
    """The files under ``path``, part files by their suffix (their count may differ)."""
    found = set()
    for root, _, names in os.walk(path):
        for name in names:
            relative = os.path.relpath(os.path.join(root, name), path)
            found.add(_PART_FILE.sub("part", relative))
    return sorted(found)


def error(action: Any) -> str:
    """The error condition ``action()`` raises.

    Classic PySpark leaves some JVM errors unconverted (``Py4JJavaError``), so the
    condition is taken from the message when the exception does not carry one.
    """
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the comparison is of any error
        condition = getattr(exc, "getCondition", lambda: None)()
        if condition is None:
            found = re.search(r"\[([A-Z_.]+)\]", str(exc))
            condition = found.group(1) if found else type(exc).__name__
        return condition
    raise AssertionError("no error raised")


def people(spark: Any) -> Any:
    return spark.createDataFrame(
        [(1, "Alice", "eng", 4200.5), (2, "Bob", "ops", None), (3, "Cara", "eng", 3900.0)],
        "id long, name string, dept string, salary double",
    )


def read_back(df: Any) -> tuple[Any, list[Any]]:
    return df.schema, sorted(df.collect(), key=repr)


# ------------------------------------------------------------------ formats


@CASES.program()
def parquet_round_trip(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).write.parquet(path, compression="gzip")
    return read_back(spark.read.parquet(path)), layout(path)


@CASES.program()
def orc_round_trip(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).write.orc(path, compression="zlib")
    return read_back(spark.read.orc(path)), layout(path)


@CASES.program()
def json_round_trip(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).write.json(path, ignoreNullFields=False, compression="gzip")
    return read_back(spark.read.json(path)), layout(path)


@CASES.program()
def csv_round_trip(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).write.csv(path, header=True, sep=";", nullValue="NA")
    back = spark.read.csv(path, header=True, sep=";", nullValue="NA", inferSchema=True)
    return read_back(back), layout(path)


@CASES.program()
def text_round_trip(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).select("name").write.text(path, lineSep="|")
    return read_back(spark.read.text(path, lineSep="|")), layout(path)


@CASES.program()
def text_needs_one_string_column(spark, F, T, Window, Row, n, path):
    return error(lambda: people(spark).write.text(fresh(path)))


@CASES.program()
def xml_round_trip(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).write.xml(path, rowTag="person", rootTag="people")
    return read_back(spark.read.xml(path, rowTag="person")), layout(path)


@CASES.program()
def save_with_format_and_options(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    writer = people(spark).write.format("csv").option("header", True).options(sep="\t")
    writer.save(path)
    back = (
        spark.read.format("csv")
        .options(header=True, sep="\t")
        .schema("id long, name string, dept string, salary double")
    )
    return read_back(back.load(path)), layout(path)


@CASES.program()
def save_defaults_to_parquet(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    people(spark).write.save(path)
    return read_back(spark.read.load(path)), layout(path)


@CASES.program()
def unknown_format(spark, F, T, Window, Row, n, path):
    return error(lambda: people(spark).write.format("no_such_format").save(fresh(path)))


# -------------------------------------------------------------------- modes


@CASES.program()
def save_modes(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    df = people(spark)
    df.write.parquet(path)
    counts = {"first": spark.read.parquet(path).count()}
    for mode in ("error", "errorifexists", "default"):
        counts[mode] = error(lambda mode=mode: df.write.mode(mode).parquet(path))
    df.write.mode("append").parquet(path)
    counts["append"] = spark.read.parquet(path).count()
    df.limit(1).write.mode("ignore").parquet(path)
    counts["ignore"] = spark.read.parquet(path).count()
    df.limit(1).write.parquet(path, mode="overwrite")
    counts["overwrite"] = spark.read.parquet(path).count()
    counts["bad"] = error(lambda: df.write.mode("sideways").parquet(path))
    return counts


# ---------------------------------------------------------------- layouts


@CASES.program()
def partition_by(spark, F, T, Window, Row, n, path):
    path, other = fresh(path), fresh(path)
    people(spark).write.partitionBy("dept").parquet(path)
    people(spark).write.save(other, format="json", partitionBy=["dept", "id"])
    return (
        layout(path),
        read_back(spark.read.parquet(path)),
        layout(other),
        read_back(spark.read.json(other)),
    )


@CASES.program()
def partition_by_unknown_column(spark, F, T, Window, Row, n, path):
    return error(lambda: people(spark).write.partitionBy("nope").parquet(fresh(path)))


# ------------------------------------------------------------------- tables


@CASES.program()
def save_as_table(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    df = people(spark)
    df.write.saveAsTable(name, format="json", partitionBy="dept")
    try:
        again = error(lambda: df.write.saveAsTable(name))
        df.write.mode("append").format("json").partitionBy("dept").saveAsTable(name)
        mismatch = error(lambda: df.write.mode("append").saveAsTable(name))
        appended = spark.table(name).count()
        df.limit(1).write.saveAsTable(name, mode="overwrite", format="json")
        return (
            again,
            mismatch,
            appended,
            read_back(spark.table(name)),
            spark.catalog.listColumns(name),
            spark.catalog.getCreateTableString(name),
        )
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def bucketed_and_sorted_table(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    people(spark).write.bucketBy(2, "id").sortBy("salary").saveAsTable(name)
    try:
        return (
            spark.catalog.listColumns(name),
            read_back(spark.table(name)),
            spark.catalog.getCreateTableString(name),
        )
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def bucketing_needs_a_table(spark, F, T, Window, Row, n, path):
    return error(lambda: people(spark).write.bucketBy(2, ["id"]).parquet(fresh(path)))


@CASES.program()
def clustered_table(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    people(spark).write.clusterBy("dept", "id").saveAsTable(name)
    try:
        return spark.catalog.listColumns(name), spark.catalog.getCreateTableString(name)
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def insert_into(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    df = people(spark)
    df.limit(0).write.saveAsTable(name)
    try:
        df.write.insertInto(name)
        df.write.insertInto(name)
        twice = spark.table(name).count()
        df.limit(1).write.insertInto(name, overwrite=True)
        once = read_back(spark.table(name))
        df.write.mode("overwrite").insertInto(name)
        return twice, once, spark.table(name).count()
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def insert_into_errors(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    people(spark).limit(0).write.saveAsTable(name)
    try:
        return (
            error(lambda: spark.range(2).write.insertInto(name)),
            error(lambda: spark.range(2).write.insertInto(f"nothing_{n}")),
        )
    finally:
        spark.catalog.dropTable(name)


# --------------------------------------------------------------------- JDBC


@CASES.program()
def jdbc_round_trip(spark, F, T, Window, Row, n):
    url = f"jdbc:derby:memory:db_{n};create=true"
    people(spark).write.jdbc(
        url, "PEOPLE", properties={"createTableColumnTypes": "name VARCHAR(20)"}
    )
    people(spark).write.jdbc(url, "PEOPLE", mode="append")
    reader = spark.read
    return (
        read_back(reader.jdbc(url, "PEOPLE")),
        read_back(
            spark.read.jdbc(url, "PEOPLE", column="id", lowerBound=1, upperBound=3, numPartitions=2)
        ),
        read_back(spark.read.jdbc(url, "PEOPLE", predicates=['"id" = 1', '"id" > 1'])),
        error(lambda: people(spark).write.jdbc(url, "PEOPLE")),
    )


# ---------------------------------------------------------------------- V2


@CASES.program()
def write_to_create(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    df = people(spark)
    (
        df.writeTo(name)
        .using("parquet")
        .option("compression", "snappy")
        .options(mergeSchema="false")
        .tableProperty("owner_note", "tests")
        .partitionedBy("dept")
        .create()
    )
    try:
        return (
            read_back(spark.table(name)),
            spark.catalog.listColumns(name),
            spark.catalog.getTableProperties(name).get("owner_note"),
            error(lambda: df.writeTo(name).using("parquet").create()),
        )
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def write_to_what_the_session_catalog_refuses(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    df = people(spark)
    df.writeTo(name).create()
    try:
        writer = df.writeTo(name)
        return (
            error(writer.append),
            error(lambda: writer.overwrite(F.col("id") == 1)),
            error(writer.overwritePartitions),
            error(lambda: df.writeTo(name).using("parquet").replace()),
            error(lambda: df.writeTo(name).using("parquet").createOrReplace()),
            error(lambda: df.writeTo(f"nothing_{n}").append()),
        )
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def write_to_partition_transforms(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    df = people(spark).withColumn("ts", F.to_timestamp(F.lit("2024-05-06 07:08:09")))
    df.writeTo(name).using("parquet").partitionedBy(F.bucket(2, "id")).create()
    try:
        return (
            spark.catalog.listColumns(name),
            error(
                lambda: df.writeTo(f"y_{n}").using("parquet").partitionedBy(F.years("ts")).create()
            ),
            error(lambda: df.writeTo(f"m_{n}").partitionedBy(F.upper("name")).create()),
        )
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def write_to_cluster_by(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    people(spark).writeTo(name).using("parquet").clusterBy("dept").create()
    try:
        return spark.catalog.listColumns(name), read_back(spark.table(name))
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def read_changes_of_a_session_table(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    people(spark).write.saveAsTable(name)
    try:
        return error(lambda: spark.read.option("startingVersion", 0).changes(name).collect())
    finally:
        spark.catalog.dropTable(name)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any, tmp_path: Any) -> None:
    case.check(engines, n=uuid.uuid4().hex[:12], **_paths(case, tmp_path))


def _paths(case: Any, tmp_path: Any) -> dict[str, str]:
    return {"path": str(tmp_path)} if "path" in case.build.__code__.co_varnames else {}


def test_jdbc_column_needs_its_bounds(spark: Any) -> None:
    with pytest.raises(ValueError, match="CANNOT_BE_NONE"):
        spark.read.jdbc("jdbc:derby:memory:x", "T", column="id", lowerBound=1)
