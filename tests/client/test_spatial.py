"""GeometryType, GeographyType, Geometry and Geography against PySpark's.

The unit tests compare the classes with ``pyspark.sql.types``; the cases build spatial
values with Spark's ``st_*`` functions and with ``createDataFrame`` on the server and on
in-process PySpark.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pyspark.errors import IllegalArgumentException as ClassicIllegalArgument
from pyspark.sql import types as ps
from pyspark.sql.types import _parse_datatype_json_value

from sparkflight.client import types as t
from sparkflight.client.errors import IllegalArgumentException
from tests.client.harness import Cases, Engines, engines_for

POINT = bytes.fromhex("0101000000000000000000f03f0000000000000040")  # POINT(1 2)

SPATIAL_TYPES = [
    ("GeometryType", 0),
    ("GeometryType", 3857),
    ("GeometryType", 4326),
    ("GeometryType", "ANY"),
    ("GeographyType", 4326),
    ("GeographyType", "ANY"),
]


@pytest.mark.parametrize(("name", "srid"), SPATIAL_TYPES)
def test_spatial_types_match_pyspark(name: str, srid: int | str) -> None:
    ours, theirs = getattr(t, name)(srid), getattr(ps, name)(srid)
    assert repr(ours) == repr(theirs)
    assert ours.simpleString() == theirs.simpleString()
    assert ours.typeName() == theirs.typeName()
    assert ours.jsonValue() == theirs.jsonValue()
    assert ours.json() == theirs.json()
    assert ours.srid == theirs.srid
    assert vars(ours) == vars(theirs)
    assert hash(ours) == hash(theirs)
    assert ours == getattr(t, name)(srid)
    for constant in ("MIXED_SRID", "MIXED_CRS", "DEFAULT_CRS", "DEFAULT_SRID"):
        assert getattr(ours, constant) == getattr(theirs, constant)


def test_geometry_and_geography_types_differ() -> None:
    assert t.GeometryType(4326) != t.GeographyType(4326)
    assert t.GeometryType(0) != t.GeometryType(3857)
    assert t.GeographyType.DEFAULT_ALG == ps.GeographyType.DEFAULT_ALG == "SPHERICAL"
    for spatial in (t.GeometryType(0), t.GeographyType("ANY")):
        assert isinstance(spatial, t.SpatialType) and isinstance(spatial, t.AtomicType)


@pytest.mark.parametrize(
    ("name", "srid"),
    [
        ("GeometryType", 5),
        ("GeometryType", "any"),
        ("GeometryType", "4326"),
        ("GeometryType", None),
        ("GeographyType", 0),
        ("GeographyType", 3857),
    ],
)
def test_invalid_srids_fail_as_in_pyspark(name: str, srid: Any) -> None:
    with pytest.raises(ClassicIllegalArgument) as theirs:
        getattr(ps, name)(srid)
    with pytest.raises(IllegalArgumentException) as ours:
        getattr(t, name)(srid)
    assert ours.value.getCondition() == theirs.value.getCondition() == "ST_INVALID_SRID_VALUE"
    assert str(ours.value) == str(theirs.value)
    assert ours.value.getSqlState() == "22023"


JSON_FORMS = [
    "geometry",
    "geometry(SRID:0)",
    "geometry(EPSG:3857)",
    "geometry(OGC:CRS84)",
    "geometry(srid:any)",
    "geometry( SRID:0 )",
    "geography",
    "geography(OGC:CRS84)",
    "geography(SPHERICAL)",
    "geography(OGC:CRS84, SPHERICAL)",
    "geography(SRID:ANY, SPHERICAL)",
]


@pytest.mark.parametrize("form", JSON_FORMS)
def test_json_forms_parse_as_in_pyspark(form: str) -> None:
    ours, theirs = t.parse_json_type(form), _parse_datatype_json_value(form)
    assert repr(ours) == repr(theirs)
    assert vars(ours) == vars(theirs)
    assert ours.json() == theirs.json()
    field = {"name": "g", "type": form, "nullable": True, "metadata": {}}
    schema = {"type": "struct", "fields": [field]}
    assert t.StructType.fromJson(schema).json() == ps.StructType.fromJson(schema).json()


@pytest.mark.parametrize(
    ("form", "condition"),
    [
        ("geometry(EPSG:4326)", "ST_INVALID_CRS_VALUE"),
        ("geography(EPSG:3857)", "ST_INVALID_CRS_VALUE"),
        ("geography(OGC:CRS84, KARNEY)", "ST_INVALID_ALGORITHM_VALUE"),
    ],
)
def test_invalid_json_forms_fail_as_in_pyspark(form: str, condition: str) -> None:
    with pytest.raises(ClassicIllegalArgument) as theirs:
        _parse_datatype_json_value(form)
    with pytest.raises(IllegalArgumentException) as ours:
        t.parse_json_type(form)
    assert ours.value.getCondition() == theirs.value.getCondition() == condition
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("name", ["Geometry", "Geography"])
def test_values_match_pyspark(name: str) -> None:
    ours, theirs = getattr(t, name), getattr(ps, name)
    value, twin = ours.fromWKB(POINT, 4326), theirs.fromWKB(POINT, 4326)
    assert repr(value) == repr(twin) and str(value) == str(twin)
    assert value.getBytes() == twin.getBytes() == POINT
    assert value.getSrid() == twin.getSrid() == 4326
    assert value == ours(bytearray(POINT), 4326)
    assert value != ours(POINT, 0)
    assert value != ours(POINT[:-1], 4326)
    other = t.Geography if name == "Geometry" else t.Geometry
    assert value != other(POINT, 4326)
    with pytest.raises(TypeError):
        hash(value)
    with pytest.raises(TypeError):
        hash(twin)


def test_arrow_form_matches_pyspark() -> None:
    from pyspark.sql.pandas import types as ps_arrow

    schema = t.StructType(
        [
            t.StructField("g", t.GeometryType("ANY")),
            t.StructField("h", t.ArrayType(t.GeographyType(4326))),
        ]
    )
    twin = ps.StructType.fromJson(json.loads(schema.json()))
    arrow = t.to_arrow_schema(schema)
    assert arrow.equals(ps_arrow.to_arrow_schema(twin), check_metadata=True)
    assert t.from_arrow_schema(arrow) == schema


# --- through the server ----------------------------------------------------------------------

CASES = Cases()


@pytest.fixture
def engines(spark: Any, classic: Any) -> Engines:
    return engines_for(spark, classic)


def shapes(spark: Any) -> Any:
    """Geometries and geographies Spark builds from WKB, with a null row, ordered by ``id``."""
    return spark.sql(
        """
        SELECT id,
               st_geomfromwkb(wkb) AS plain,
               st_geomfromwkb(wkb, 3857) AS mercator,
               st_geogfromwkb(wkb) AS earth
        FROM VALUES
          (1, X'0101000000000000000000F03F0000000000000040'),
          (2, unhex('010200000002000000' || '00000000000000000000000000000000'
                    || '00000000000008400000000000001040')),
          (3, CAST(NULL AS BINARY))
        AS t(id, wkb)
        ORDER BY id
        """
    )


@CASES.frame(ordered=True)
def spatial_columns(spark, F, T, Window, Row):
    return shapes(spark)


@CASES.program()
def spatial_values(spark, F, T, Window, Row):
    return [
        [None if v is None else (type(v).__name__, bytes(v.getBytes()), v.getSrid()) for v in row]
        for row in shapes(spark).drop("id").collect()
    ]


@CASES.frame(ordered=True)
def spatial_functions_and_casts(spark, F, T, Window, Row):
    return shapes(spark).select(
        "id",
        F.st_srid("mercator").alias("srid"),
        F.st_asbinary("earth").alias("wkb"),
        F.st_setsrid("plain", 4326).alias("moved"),
        F.col("mercator").cast(T.GeometryType("ANY")).alias("mixed"),
        F.array("earth").alias("earths"),
        F.struct("plain").alias("wrapped"),
    )


@CASES.program()
def spatial_schema(spark, F, T, Window, Row):
    df = shapes(spark).select("plain", F.col("mercator").cast("geometry(any)"), "earth")
    df.printSchema()
    return (df.dtypes, df.schema.json())


@CASES.program()
def spatial_to_pandas(spark, F, T, Window, Row):
    # Without the null row: PySpark's toPandas fails on a null geometry.
    frame = shapes(spark).where("id < 3").toPandas()
    return [[repr(v) for v in frame[name]] for name in ("plain", "mercator", "earth")]


@CASES.frame(ordered=True)
def spatial_values_created_locally(spark, F, T, Window, Row):
    point = bytes.fromhex("0101000000000000000000f03f0000000000000040")
    rows = [
        (1, T.Geometry.fromWKB(point, 0), T.Geography.fromWKB(point, 4326)),
        (2, T.Geometry.fromWKB(point, 3857), None),
    ]
    return spark.createDataFrame(rows, ["id", "g", "h"]).select(
        "id", "g", "h", F.st_srid("g").alias("srid"), F.st_asbinary("h").alias("wkb")
    )


@CASES.frame(ordered=True)
def spatial_values_created_with_a_schema(spark, F, T, Window, Row):
    point = bytes.fromhex("0101000000000000000000f03f0000000000000040")
    schema = T.StructType(
        [
            T.StructField("id", T.IntegerType()),
            T.StructField("g", T.GeometryType(3857)),
            T.StructField("h", T.GeographyType("ANY")),
        ]
    )
    rows = [(1, T.Geometry.fromWKB(point, 3857), T.Geography.fromWKB(point, 4326))]
    return spark.createDataFrame(rows, schema)


@pytest.mark.parametrize("case", CASES.params())
def test_case(engines: Engines, case: Any) -> None:
    case.check(engines)
