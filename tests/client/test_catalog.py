"""``spark.catalog``: the client against in-process PySpark.

Each case gets a name ``n`` unique to the test, so that tables, views and databases
never meet those of another case or an earlier run; each case drops what it creates,
since both engines share the ``spark-warehouse`` directory.
"""

from __future__ import annotations

import uuid
import warnings
from typing import Any

import pytest
from pyspark import StorageLevel

from tests.client.harness import Cases, Engines, engines_for

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def error(action: Any) -> tuple[str, str | None]:
    """The exception class and condition ``action()`` raises."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - the comparison is of any error
        return type(exc).__name__, exc.getCondition()
    raise AssertionError("no error raised")


def fresh(directory: str) -> str:
    """A new path under ``directory``, so that each engine writes its own files."""
    return f"{directory}/{uuid.uuid4().hex}"


def sample_table(spark: Any, name: str, **write: Any) -> None:
    df = spark.createDataFrame(
        [(1, "a", 2.5), (2, "b", None), (3, "a", 1.0)], "id long, part string, x double"
    )
    writer = df.write
    for method, argument in write.items():
        writer = getattr(writer, method)(*argument)
    writer.saveAsTable(name)


# ---------------------------------------------------------------- catalogs


@CASES.program()
def current_catalog_and_database(spark, F, T, Window, Row, n):
    return spark.catalog.currentCatalog(), spark.catalog.currentDatabase()


@CASES.program()
def catalogs(spark, F, T, Window, Row, n):
    spark.catalog.setCurrentCatalog("spark_catalog")
    return (
        spark.catalog.listCatalogs(),
        spark.catalog.listCatalogs("spark*"),
        spark.catalog.listCatalogs("nothing*"),
    )


# --------------------------------------------------------------- databases


@CASES.program()
def databases(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    db = f"db_{n}"
    catalog.createDatabase(db, properties={"owner_note": "tests"})
    try:
        catalog.createDatabase(db, ifNotExists=True)
        again = error(lambda: catalog.createDatabase(db))
        found = [d.name for d in catalog.listDatabases() if d.name == db]
        return (
            catalog.databaseExists(db),
            catalog.getDatabase(db),
            catalog.listDatabases(f"db_{n}*"),
            found,
            again,
        )
    finally:
        catalog.dropDatabase(db)
        catalog.dropDatabase(db, ifExists=True)


@CASES.program()
def current_database(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    db = f"db_{n}"
    catalog.createDatabase(db)
    try:
        catalog.setCurrentDatabase(db)
        sample_table(spark, "t")
        # The session's temporary views (other tests' too) are listed in every database.
        tables = [t for t in catalog.listTables() if not t.isTemporary]
        inside = (catalog.currentDatabase(), tables, catalog.tableExists("t"))
    finally:
        catalog.setCurrentDatabase("default")
    outside = catalog.tableExists("t"), catalog.tableExists(f"{db}.t")
    catalog.dropDatabase(db, cascade=True)
    return inside, outside, catalog.databaseExists(db)


@CASES.program()
def missing_database(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    return (
        catalog.databaseExists(f"nothing_{n}"),
        error(lambda: catalog.getDatabase(f"nothing_{n}")),
        error(lambda: catalog.setCurrentDatabase(f"nothing_{n}")),
        error(lambda: catalog.dropDatabase(f"nothing_{n}")),
    )


# ------------------------------------------------------------------ tables


@CASES.program()
def tables_and_columns(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    name = f"t_{n}"
    sample_table(spark, name, partitionBy=["part"])
    try:
        table = catalog.getTable(name)
        return (
            table,
            table.database,
            [t for t in catalog.listTables() if t.name == name],
            catalog.listTables("default", f"t_{n}*"),
            catalog.tableExists(name),
            catalog.tableExists(name, "default"),
            catalog.tableExists(f"default.{name}"),
            catalog.listColumns(name),
            catalog.listColumns(f"default.{name}"),
            catalog.listPartitions(name),
            catalog.getCreateTableString(name),
        )
    finally:
        catalog.dropTable(name)


@CASES.program()
def bucketed_table_columns(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    sample_table(spark, name, bucketBy=[2, "id"], sortBy=["x"])
    try:
        return spark.catalog.listColumns(name)
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def missing_table(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    name = f"nothing_{n}"
    catalog.dropTable(name, ifExists=True)
    return (
        catalog.tableExists(name),
        error(lambda: catalog.getTable(name)),
        error(lambda: catalog.listColumns(name)),
        error(lambda: catalog.dropTable(name)),
        error(lambda: catalog.refreshTable(name)),
    )


@CASES.program()
def create_table(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    name = f"t_{n}"
    schema = T.StructType([T.StructField("k", T.IntegerType()), T.StructField("v", T.StringType())])
    df = catalog.createTable(name, source="parquet", schema=schema, description="made by a test")
    try:
        spark.createDataFrame([(1, "x")], schema).write.insertInto(name)
        return (
            df.schema,
            df.collect(),
            catalog.getTable(name).description,
            catalog.listColumns(name),
        )
    finally:
        catalog.dropTable(name)


@CASES.program()
def create_external_table(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    catalog = spark.catalog
    name = f"t_{n}"
    spark.createDataFrame([(1, "x"), (2, "y")], "k int, v string").write.json(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = catalog.createExternalTable(name, path=path, source="json")
    try:
        return (
            [str(w.message) for w in caught],
            catalog.getTable(name).tableType,
            sorted(df.collect()),
        )
    finally:
        catalog.dropTable(name)


@CASES.program()
def table_properties(spark, F, T, Window, Row, n):
    name = f"t_{n}"
    spark.sql(f"CREATE TABLE {name} (a INT) USING parquet TBLPROPERTIES ('k1' = 'v1', 'k2' = 'v2')")
    try:
        return spark.catalog.getTableProperties(name)
    finally:
        spark.catalog.dropTable(name)


@CASES.program()
def truncate_analyze_and_refresh(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    name = f"t_{n}"
    sample_table(spark, name)
    try:
        catalog.analyzeTable(name)
        catalog.analyzeTable(name, noScan=True)
        catalog.refreshTable(name)
        before = spark.table(name).count()
        catalog.truncateTable(name)
        return before, spark.table(name).count()
    finally:
        catalog.dropTable(name, ifExists=True, purge=True)


@CASES.program()
def recover_partitions(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    catalog = spark.catalog
    name = f"t_{n}"
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id long, part string")
    df.write.partitionBy("part").parquet(path)
    spark.sql(
        f"CREATE TABLE {name} (id LONG, part STRING) USING parquet "
        f"PARTITIONED BY (part) LOCATION '{path}'"
    )
    try:
        before = catalog.listPartitions(name)
        catalog.recoverPartitions(name)
        return before, catalog.listPartitions(name), sorted(spark.table(name).collect())
    finally:
        catalog.dropTable(name)


@CASES.program()
def refresh_by_path(spark, F, T, Window, Row, n, path):
    path = fresh(path)
    spark.range(3).write.parquet(path)
    df = spark.read.parquet(path)
    first = df.count()
    spark.range(5).write.mode("overwrite").parquet(path)
    spark.catalog.refreshByPath(path)
    return first, spark.read.parquet(path).count()


# ------------------------------------------------------------------- views


@CASES.program()
def temp_views(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    name = f"v_{n}"
    spark.range(3).createTempView(name)
    listed = [t for t in catalog.listTables() if t.name == name]
    views = [t for t in catalog.listViews() if t.name == name]
    found = catalog.getTable(name), catalog.tableExists(name), catalog.listColumns(name)
    return listed, views, found, catalog.dropTempView(name), catalog.dropTempView(name)


@CASES.program()
def global_temp_views(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    name = f"g_{n}"
    spark.range(2).createGlobalTempView(name)
    listed = catalog.listTables("global_temp", f"g_{n}")
    exists = catalog.tableExists(f"global_temp.{name}"), catalog.tableExists(name, "global_temp")
    return listed, exists, catalog.dropGlobalTempView(name), catalog.dropGlobalTempView(name)


@CASES.program()
def drop_view(spark, F, T, Window, Row, n):
    name = f"pv_{n}"
    spark.sql(f"CREATE VIEW {name} AS SELECT 1 AS one")
    listed = [t for t in spark.catalog.listViews() if t.name == name]
    spark.catalog.dropView(name)
    spark.catalog.dropView(name, ifExists=True)
    return listed, spark.catalog.tableExists(name), error(lambda: spark.catalog.dropView(name))


# --------------------------------------------------------------- functions


@CASES.program()
def functions(spark, F, T, Window, Row, n):
    catalog = spark.catalog
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        exists_in_db = catalog.functionExists("abs", "default")
    return (
        catalog.functionExists("abs"),
        catalog.functionExists(f"no_function_{n}"),
        exists_in_db,
        catalog.getFunction("abs"),
        catalog.listFunctions(pattern="array_*"),
        len(catalog.listFunctions()) > 300,
        error(lambda: catalog.getFunction(f"no_function_{n}")),
    )


@CASES.program()
def sql_functions(spark, F, T, Window, Row, n):
    name = f"f_{n}"
    spark.sql(f"CREATE TEMPORARY FUNCTION {name}(x INT) RETURNS INT RETURN x + 1")
    try:
        return (
            spark.catalog.functionExists(name),
            # The description holds the creation time, which differs.
            [f._replace(description=None) for f in spark.catalog.listFunctions() if f.name == name],
        )
    finally:
        spark.sql(f"DROP TEMPORARY FUNCTION {name}")


# ----------------------------------------------------------------- caching


@CASES.program()
def caching(spark, F, T, Window, Row, n, level):
    catalog = spark.catalog
    name = f"c_{n}"
    spark.range(4).createOrReplaceTempView(name)
    try:
        states = [catalog.isCached(name)]
        catalog.cacheTable(name)
        states.append(catalog.isCached(name))
        catalog.uncacheTable(name)
        states.append(catalog.isCached(name))
        catalog.cacheTable(name, level)
        states.append(catalog.isCached(name))
        catalog.clearCache()
        states.append(catalog.isCached(name))
        return states, error(lambda: catalog.isCached(f"nothing_{n}"))
    finally:
        catalog.dropTempView(name)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any, tmp_path: Any) -> None:
    inputs: dict[str, Any] = {"n": uuid.uuid4().hex[:12]}
    if "path" in case.build.__code__.co_varnames:
        inputs["path"] = str(tmp_path)
    if "level" in case.build.__code__.co_varnames:
        inputs["level"] = StorageLevel.DISK_ONLY
    case.check(engines, **inputs)


def test_register_function_registers_a_python_udf(spark: Any) -> None:
    with pytest.warns(FutureWarning):
        spark.catalog.registerFunction("plus_one", lambda x: x + 1, "int")
    assert spark.catalog.functionExists("plus_one")
    assert spark.sql("SELECT plus_one(41) AS v").collect()[0].v == 42


def test_create_table_refuses_a_schema_that_is_not_a_struct(spark: Any) -> None:
    with pytest.raises(TypeError, match="NOT_EXPECTED_TYPE"):
        spark.catalog.createTable("never_made", schema="a int")
