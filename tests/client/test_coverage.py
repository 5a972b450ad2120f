"""Every public name of PySpark's DataFrame API exists in the client.

The walk covers the classes and modules a PySpark program touches. A name the
client lacks fails the test unless :data:`EXCLUDED` lists it with the reason it
cannot work through a sparkflight server; an excluded member still exists and
raises a clear error when used (:func:`test_excluded_members_raise`).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import pyspark.sql as ps
import pytest
from pyspark.sql import catalog as ps_catalog
from pyspark.sql import conf as ps_conf
from pyspark.sql import functions as ps_functions
from pyspark.sql import group as ps_group
from pyspark.sql import readwriter as ps_readwriter
from pyspark.sql import types as ps_types
from pyspark.sql import window as ps_window
from pyspark.sql.streaming import query as ps_query
from pyspark.sql.streaming import readwriter as ps_stream

from sparkflight import client
from sparkflight.client.errors import PySparkNotImplementedError

#: PySpark class or module, and where the client's counterpart lives ("module:attribute").
SURFACE: dict[str, tuple[Any, str]] = {
    "SparkSession": (ps.SparkSession, "sparkflight.client.session:SparkSession"),
    "SparkSession.Builder": (
        ps.SparkSession.Builder,
        "sparkflight.client.session:SparkSession.Builder",
    ),
    "DataFrame": (ps.DataFrame, "sparkflight.client.dataframe:DataFrame"),
    "Column": (ps.Column, "sparkflight.client.column:Column"),
    "GroupedData": (ps_group.GroupedData, "sparkflight.client.group:GroupedData"),
    "Window": (ps_window.Window, "sparkflight.client.window:Window"),
    "WindowSpec": (ps_window.WindowSpec, "sparkflight.client.window:WindowSpec"),
    "DataFrameNaFunctions": (
        ps.DataFrameNaFunctions,
        "sparkflight.client.dataframe:DataFrameNaFunctions",
    ),
    "DataFrameStatFunctions": (
        ps.DataFrameStatFunctions,
        "sparkflight.client.dataframe:DataFrameStatFunctions",
    ),
    "DataFrameReader": (
        ps_readwriter.DataFrameReader,
        "sparkflight.client.readwriter:DataFrameReader",
    ),
    "DataFrameWriter": (
        ps_readwriter.DataFrameWriter,
        "sparkflight.client.readwriter:DataFrameWriter",
    ),
    "DataFrameWriterV2": (
        ps_readwriter.DataFrameWriterV2,
        "sparkflight.client.readwriter:DataFrameWriterV2",
    ),
    "Catalog": (ps_catalog.Catalog, "sparkflight.client.catalog:Catalog"),
    "RuntimeConfig": (ps_conf.RuntimeConfig, "sparkflight.client.session:RuntimeConfig"),
    "Row": (ps.Row, "sparkflight.client.row:Row"),
    "Observation": (ps.Observation, "client:Observation"),
    "MergeIntoWriter": (ps.MergeIntoWriter, "client:MergeIntoWriter"),
    "MergeIntoWriter.WhenMatched": (
        ps.MergeIntoWriter.WhenMatched,
        "client:MergeIntoWriter.WhenMatched",
    ),
    "MergeIntoWriter.WhenNotMatched": (
        ps.MergeIntoWriter.WhenNotMatched,
        "client:MergeIntoWriter.WhenNotMatched",
    ),
    "MergeIntoWriter.WhenNotMatchedBySource": (
        ps.MergeIntoWriter.WhenNotMatchedBySource,
        "client:MergeIntoWriter.WhenNotMatchedBySource",
    ),
    "DataStreamReader": (
        ps_stream.DataStreamReader,
        "sparkflight.client.streaming:DataStreamReader",
    ),
    "DataStreamWriter": (
        ps_stream.DataStreamWriter,
        "sparkflight.client.streaming:DataStreamWriter",
    ),
    "StreamingQuery": (ps_query.StreamingQuery, "sparkflight.client.streaming:StreamingQuery"),
    "StreamingQueryManager": (
        ps_query.StreamingQueryManager,
        "sparkflight.client.streaming:StreamingQueryManager",
    ),
    "functions": (ps_functions, "sparkflight.client.functions"),
    "types": (ps_types, "sparkflight.client.types"),
}

JVM = "needs a JVM in the client process (JVM_ATTRIBUTE_NOT_SUPPORTED)"
CONNECT = "Spark Connect's own gRPC client machinery, which sparkflight replaces (NOT_IMPLEMENTED)"

#: Public names the client does not implement, each with the reason.
EXCLUDED: dict[str, str] = {
    "SparkSession.sparkContext": JVM,
    "DataFrame.rdd": JVM,
    "DataFrame.pandas_api": JVM,
    "SparkSession.client": CONNECT,
    "SparkSession.copyFromLocalToFs": CONNECT,
    "DataFrame.executionInfo": CONNECT,
    "DataFrame.plot": "needs pyspark's plotting backend and plotly (NOT_IMPLEMENTED)",
    "SparkSession.Builder.enableHiveSupport": "the server's Spark decides the catalog "
    "implementation (NOT_IMPLEMENTED)",
    **{
        f"functions.{name}": "a class of UDTF analysis, which needs Python UDTF analysis on "
        "the server (NOT_IMPLEMENTED)"
        for name in (
            "AnalyzeArgument",
            "AnalyzeResult",
            "OrderingColumn",
            "PartitioningColumn",
            "SelectedColumn",
            "SkipRestOfInputTableException",
        )
    },
}

#: Public names not implemented yet, each with what it needs; the test fails once one lands
#: (so that it leaves this list) or if a name is missing that is not listed. Empty: the
#: client has every name.
KNOWN_GAPS: dict[str, str] = {}


def _resolve(location: str) -> Any:
    module_name, _, attribute = location.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in filter(None, attribute.split(".")):
        target = getattr(target, part)
    return target


def public_names(reference: Any) -> list[str]:
    """The public names of a PySpark class or module."""
    names = getattr(reference, "__all__", None) if isinstance(reference, type(ps)) else None
    if names is None:
        names = dir(reference)
    return sorted(n for n in names if not n.startswith("_"))


def missing_names() -> list[str]:
    """Every qualified public name the client lacks and does not exclude."""
    missing = []
    for label, (reference, location) in SURFACE.items():
        try:
            target = _resolve(location)
        except (ImportError, AttributeError):
            target = None
        for name in public_names(reference):
            qualified = f"{label}.{name}"
            if target is not None and hasattr(target, name):
                continue
            missing.append(qualified)
    return missing


def _only_raises(member: Any) -> bool:
    """Whether ``member`` (a function, a property or a class) does nothing but raise: its
    body, past a docstring, is one ``raise`` statement."""
    if isinstance(member, property):
        member = member.fget
    elif isinstance(member, type):
        member = member.__dict__.get("__init__")
    if not inspect.isfunction(member):
        return False
    try:
        source = textwrap.dedent(inspect.getsource(inspect.unwrap(member)))
    except (OSError, TypeError):
        return False
    definition = ast.parse(source).body[0]
    if not isinstance(definition, ast.FunctionDef):
        return False
    body = definition.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def stub_names() -> list[str]:
    """Every qualified public name whose client member exists but only raises."""
    stubs = []
    for label, (reference, location) in SURFACE.items():
        target = _resolve(location)
        for name in public_names(reference):
            if isinstance(target, type):  # the raw attribute: a property is not read
                member = next(
                    (c.__dict__[name] for c in target.__mro__ if name in c.__dict__), None
                )
            else:
                member = getattr(target, name, None)
            if _only_raises(member):
                stubs.append(f"{label}.{name}")
    return stubs


def test_every_public_name_exists() -> None:
    missing = missing_names()
    assert [name for name in missing if name not in KNOWN_GAPS] == []
    assert sorted(set(KNOWN_GAPS) - set(missing)) == [], "implemented: remove from KNOWN_GAPS"


def test_exclusions_name_real_pyspark_members() -> None:
    stale = []
    for qualified in EXCLUDED:
        label, _, name = qualified.rpartition(".")
        if name not in public_names(SURFACE[label][0]):
            stale.append(qualified)
    assert stale == []


def test_members_that_only_raise_are_excluded() -> None:
    """A name that exists but only raises is not counted as implemented: it is excluded."""
    assert sorted(set(stub_names()) - set(EXCLUDED)) == []


def test_readme_states_the_coverage() -> None:
    """README's coverage figures are the ones this walk finds."""
    total = sum(len(public_names(reference)) for reference, _ in SURFACE.values())
    present = total - len(missing_names())
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Compatibility with PySpark", 1)[1].split("\n#", 1)[0]
    text = " ".join(section.split())
    assert f"{total} names" in text
    assert f"({present} of {total} present)" in text
    assert re.search(rf"\b{len(EXCLUDED)} of them are excluded members\b", text)
    assert f"so {present - len(EXCLUDED)} work" in text


def _instance(label: str, spark: Any) -> Any:
    df = spark.range(1)
    instances = {
        "SparkSession": spark,
        "SparkSession.Builder": client.SparkSession.builder,
        "DataFrame": df,
        "GroupedData": df.groupBy("id"),
        "functions": client.functions,
        "StreamingQueryManager": spark.streams,
    }
    return instances[label]


@pytest.mark.parametrize("qualified", sorted(EXCLUDED))
def test_excluded_members_raise(spark: Any, qualified: str) -> None:
    """Using an excluded member raises PySparkNotImplementedError naming why."""
    label, _, name = qualified.rpartition(".")
    instance = _instance(label, spark)
    with pytest.raises(PySparkNotImplementedError) as raised:
        member = getattr(instance, name)
        member()
    expected = "JVM_ATTRIBUTE_NOT_SUPPORTED" if EXCLUDED[qualified] == JVM else "NOT_IMPLEMENTED"
    assert raised.value.getCondition() == expected
    assert name in str(raised.value)


@pytest.mark.parametrize(
    "name",
    ["Observation", "MergeIntoWriter", "UDFRegistration", "UDTFRegistration", "PandasCogroupedOps"],
)
def test_exported_where_pyspark_exports_it(name: str) -> None:
    assert name in ps.__all__ and name in client.__all__
