"""The Spark <-> standard Substrait function twin table against the standard extensions."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pytest
import yaml

from sparkflight.plans.functions import (
    BY_SPARK_NAME,
    BY_SUBSTRAIT_NAME,
    PRODUCER_ALIASES,
    TWINS,
    StandardTwin,
    spark_name_for,
    standard_twin,
)

_KINDS = ("scalar_functions", "aggregate_functions", "window_functions")


@cache
def _extension(name: str) -> dict:
    path = resources.files("substrait_extensions") / "extensions" / f"{name}.yaml"
    return yaml.safe_load(path.read_text())


def _functions(name: str) -> set[str]:
    extension = _extension(name)
    return {function["name"] for kind in _KINDS for function in extension.get(kind) or ()}


@pytest.mark.parametrize("twin", TWINS, ids=lambda twin: twin.spark)
def test_twin_is_declared_by_its_extension(twin: StandardTwin) -> None:
    assert _extension(twin.extension)["urn"] == twin.urn
    assert twin.substrait in _functions(twin.extension)


def test_names_are_unique() -> None:
    assert len(BY_SPARK_NAME) == len(TWINS)
    assert len(BY_SUBSTRAIT_NAME) == len(TWINS)


@pytest.mark.parametrize("twin", TWINS, ids=lambda twin: twin.spark)
def test_round_trip(twin: StandardTwin) -> None:
    assert standard_twin(twin.spark) == twin
    assert spark_name_for(twin.substrait) == twin.spark
    assert spark_name_for(f"{twin.substrait}:any_any") == twin.spark


def test_aliases_agree_with_twins() -> None:
    for alias, spark in PRODUCER_ALIASES.items():
        if alias in BY_SUBSTRAIT_NAME:
            assert BY_SUBSTRAIT_NAME[alias].spark == spark


@pytest.mark.parametrize(
    ("substrait", "spark"),
    [
        # Bare names as DataFusion writes them in its TPC-H plans.
        ("add", "+"),
        ("subtract", "-"),
        ("multiply", "*"),
        ("divide", "/"),
        ("equal", "="),
        ("not_equal", "!="),
        ("lt", "<"),
        ("lte", "<="),
        ("gt", ">"),
        ("gte", ">="),
        ("and", "and"),
        ("or", "or"),
        ("not", "not"),
        ("like", "like"),
        ("substring", "substring"),
        ("date_part", "date_part"),
        ("sum", "sum"),
        ("avg", "avg"),
        ("min", "min"),
        ("max", "max"),
        ("count", "count"),
        # Compound names and other producers' spellings.
        ("add:i64_i64", "+"),
        ("and:bool?", "and"),
        ("least_skip_null:any", "least"),
        ("char_length:str", "length"),
        ("count_star", "count"),
        ("initcap:str", "initcap"),
        ("strpos:str_str", "instr"),
        # DataFusion's own names.
        ("str_concat", "concat"),
        ("regex_match", "rlike"),
        ("var", "var_samp"),
        ("approx_distinct", "approx_count_distinct"),
        ("make_array", "array"),
    ],
)
def test_foreign_names(substrait: str, spark: str) -> None:
    assert spark_name_for(substrait) == spark


def test_standard_twins_of_spark_functions() -> None:
    assert standard_twin("/") is None
    assert standard_twin("upper") == StandardTwin("upper", "functions_string", "upper")
