"""VariantVal: the client's decoder and builder of Spark's variant encoding against PySpark's.

The unit tests compare ``sparkflight.client.types.VariantVal`` with PySpark's ``VariantVal`` on
the same bytes; the cases collect variants Spark built (``parse_json``, casts of dates,
timestamps, decimals, binary, nested structs) through the server and in-process PySpark.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from pyspark.errors import PySparkValueError as ClassicValueError
from pyspark.sql import types as ps

from sparkflight.client import types as t
from sparkflight.client.errors import PySparkValueError
from sparkflight.client.variant import SIZE_LIMIT
from tests.client.harness import Cases, Engines, engines_for

DOCUMENTS = [
    "null",
    "true",
    "0",
    "-128",
    "128",
    "-32769",
    "2147483648",
    "-9223372036854775808",
    "9223372036854775808",
    "123456789012345678901234567890123456789",
    "1" * 400,
    "2.5",
    "-0.0",
    "0.0000000001",
    "1234567890.123456789",
    "3.14159265358979323846264338327950288",
    "3.141592653589793238462643383279502884197",
    "1e30",
    "-1.5E-7",
    "NaN",
    "-Infinity",
    '""',
    '"short"',
    json.dumps("x" * 63),
    json.dumps("y" * 64),
    '"\\u00e9t\\u00e9 \\u65e5\\u672c \\ud83d\\ude00 \\" \\\\ \\n"',
    "[]",
    "{}",
    '{"a":[1,2.5,"x",null,true]}',
    '{"b":{"c":[{"d":1},{"a":2}],"a":"\\u00e9"},"a":-129,"\\u00e9":[[],{}]}',
    '{"a":1,"a":2}',
    json.dumps(list(range(300))),
    json.dumps({f"key{i}": i for i in range(300)}),
    json.dumps(["z" * 300] * 300),
    json.dumps({"deep": [[[[{"x": [[[1]]]}]]]]}),
]


def _random_json(rnd: random.Random, depth: int = 0) -> str:
    """Random JSON text: nested objects and arrays of every scalar kind."""
    scalars = [
        lambda: "null",
        lambda: rnd.choice(["true", "false"]),
        lambda: str(rnd.choice([0, -1, 127, -129, 40000, -(2**31), 2**40, 2**70])),
        lambda: rnd.choice(["1.5", "-0.001", "1e5", "123456789.123456789", "2.0E-3"]),
        lambda: repr(rnd.uniform(-1e9, 1e9)),
        lambda: json.dumps("".join(rnd.choice('ab"\\\u00e9\n\u65e5') for _ in range(70))),
    ]
    kind = rnd.randrange(len(scalars) + (2 if depth < 4 else 0))
    if kind < len(scalars):
        return scalars[kind]()
    size = rnd.randrange(6)
    if kind == len(scalars):
        return "[" + ",".join(_random_json(rnd, depth + 1) for _ in range(size)) + "]"
    keys = [rnd.choice(["a", "b", "\u00e9", f"k{rnd.randrange(300)}"]) for _ in range(size)]
    return "{" + ",".join(f'"{k}":{_random_json(rnd, depth + 1)}' for k in keys) + "}"


def _random_documents(count: int) -> list[str]:
    rnd = random.Random(20260)
    return [_random_json(rnd) for _ in range(count)]


@pytest.mark.parametrize("text", DOCUMENTS + _random_documents(200))
def test_parse_json_builds_pyspark_bytes_and_reads_back(text: str) -> None:
    ours, theirs = t.VariantVal.parseJson(text), ps.VariantVal.parseJson(text)
    assert (ours.value, ours.metadata) == (theirs.value, theirs.metadata)
    assert repr(ours) == repr(theirs)
    assert repr(ours.toPython()) == repr(theirs.toPython())
    assert ours.toJson() == theirs.toJson() == str(ours) == str(theirs)


def test_variant_val_api() -> None:
    value = t.VariantVal(b"\x0c\x01", b"\x01\x00\x00")
    assert (value.value, value.metadata) == (b"\x0c\x01", b"\x01\x00\x00")
    assert repr(value) == "VariantVal(b'\\x0c\\x01', b'\\x01\\x00\\x00')"
    assert value.toPython() == 1 and str(value) == "1"
    # Scalars need no key dictionary, as in PySpark.
    assert t.VariantVal(b"\x0c\x01", b"").toPython() == 1
    # A short string of one byte; what follows it is not part of the value.
    assert t.VariantVal(bytearray(b"\x05hi"), bytearray(b"\x01\x00\x00")).toPython() == "h"


MALFORMED = [
    (b"", b"\x01\x00\x00"),
    (b"\x14", b"\x01\x00\x00"),  # int32 without its bytes
    (b"\x15abc", b"\x01\x00\x00"),  # short string of 5 bytes, 3 there
    (b"\x44", b"\x01\x00\x00"),  # primitive type id 17, not one PySpark reads
    (b"\x02\x01\x00\x00\x02\x0c\x01", b"\x01\x00\x00"),  # key id 0 of an empty dictionary
    (b"\x02\x01\x00\x00\x02\x0c\x01", b"\x01\x01\x00\x05a"),  # key past the metadata
    (b"\x03\x02\x00\x09\x04\x0c\x01\x0c\x02", b"\x01\x00\x00"),  # offset past the value
    (b"\x20\x00\x00\xca\x9a\x3b", b"\x01\x00\x00"),  # decimal4 of 10 digits
    (b"\x20\x0a\x01\x00\x00\x00", b"\x01\x00\x00"),  # decimal4 of scale 10
]


@pytest.mark.parametrize(("value", "metadata"), MALFORMED, ids=lambda b: b.hex())
def test_malformed_variants_fail_as_in_pyspark(value: bytes, metadata: bytes) -> None:
    with pytest.raises(ClassicValueError) as theirs:
        ps.VariantVal(value, metadata).toPython()
    with pytest.raises(PySparkValueError) as ours:
        t.VariantVal(value, metadata).toPython()
    assert ours.value.getCondition() == theirs.value.getCondition() == "MALFORMED_VARIANT"
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(PySparkValueError, match="MALFORMED_VARIANT"):
        t.VariantVal(value, metadata).toJson()


def test_metadata_of_another_version_is_malformed() -> None:
    with pytest.raises(PySparkValueError, match="MALFORMED_VARIANT"):
        t.VariantVal(b"\x02\x01\x00\x00\x02\x0c\x01", b"\x02\x01\x00\x01a").toPython()


def test_parse_json_errors() -> None:
    with pytest.raises(json.JSONDecodeError):
        t.VariantVal.parseJson("{")
    big = json.dumps("x" * SIZE_LIMIT)
    with pytest.raises(ClassicValueError) as theirs:
        ps.VariantVal.parseJson(big)
    with pytest.raises(PySparkValueError) as ours:
        t.VariantVal.parseJson(big)
    assert ours.value.getCondition() == theirs.value.getCondition() == "VARIANT_SIZE_LIMIT"
    assert str(ours.value) == str(theirs.value)


# --- through the server ----------------------------------------------------------------------

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def variants(spark: Any) -> Any:
    """Variants of every kind Spark builds, one per row, ordered by ``id``."""
    return spark.sql(
        """
        SELECT id, v FROM VALUES
          (1, parse_json('{"a":[1,2.5,"x",null,true],"b":{"z":[[],{}],"c":-1.5e300}}')),
          (2, to_variant_object(named_struct(
                'd', date'2024-02-29', 'ts', timestamp'2024-03-10 10:30:00.123456',
                'ntz', timestamp_ntz'1969-12-31 23:59:59.5', 'bin', X'DEADBEEF',
                'dec', 12345.678BD, 'd38', cast(-1.5 as decimal(38, 20)),
                'f', cast(1.1 as float), 'dbl', cast(0.1 as double),
                'i8', cast(-5 as tinyint), 'i16', cast(300 as smallint),
                'l', 9223372036854775807L, 'arr', array(1, 2), 'm', map('k', 'v')))),
          (3, parse_json('null')),
          (4, cast(null as variant)),
          (5, cast(timestamp'1900-01-01 00:00:00' as variant)),
          (6, parse_json('"\\u00e9t\\u00e9 \\u65e5\\u672c"')),
          (7, cast(array(parse_json('{"k":[1]}'), null) as variant))
        AS t(id, v)
        ORDER BY id
        """
    )


@CASES.frame(ordered=True)
def variant_column(spark, F, T, Window, Row):
    return variants(spark)


@CASES.frame(ordered=True, arrow=True)
def variant_column_to_arrow(spark, F, T, Window, Row):
    # Without the null variant: PySpark's toArrow fails on one.
    return variants(spark).where("v IS NOT NULL")


@CASES.program()
def variant_values(spark, F, T, Window, Row):
    rows = variants(spark).collect()
    return [
        None
        if row.v is None
        else (
            type(row.v).__name__,
            row.v.toPython(),
            str(row.v),
            row.v.toJson(),
            row.v.toJson("America/Los_Angeles"),
            row.v.toJson("Asia/Kolkata"),
        )
        for row in rows
    ]


@CASES.frame(ordered=True)
def variants_nested_in_arrays_structs_and_maps(spark, F, T, Window, Row):
    return variants(spark).select(
        "id",
        F.array("v", F.lit(None).cast("variant")).alias("a"),
        F.struct(F.col("v").alias("inner"), F.col("id")).alias("s"),
        F.create_map(F.lit("k"), "v").alias("m"),
    )


@CASES.program()
def variant_to_pandas(spark, F, T, Window, Row):
    frame = variants(spark).toPandas()
    return [repr(value) for value in frame["v"]]


@CASES.program()
def variant_schema(spark, F, T, Window, Row):
    df = variants(spark).select("v", F.array("v").alias("a"))
    df.printSchema()
    return df.schema.json()


@CASES.frame(ordered=True)
def variant_created_from_local_values(spark, F, T, Window, Row):
    document = '{"b":[1,2.5,"x"],"a":{"c":null}}'
    return spark.createDataFrame(
        [(1, T.VariantVal.parseJson(document)), (2, None)], "id int, v variant"
    ).select("id", "v", F.to_json("v").alias("json"), F.variant_get("v", "$.b[1]", "double"))


@CASES.frame(ordered=True)
def variant_schema_inferred_from_local_values(spark, F, T, Window, Row):
    return spark.createDataFrame([(1, T.VariantVal.parseJson("[1]"))], ["id", "v"])


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
