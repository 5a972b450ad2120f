"""Function anchors, extension declarations and the legacy extension URIs."""

from __future__ import annotations

from google.protobuf.message import Message
from substrait import algebra_pb2, plan_pb2
from substrait.extensions import extensions_pb2

from sparkflight.plans.extensions import (
    EXPRESSIONS_URN,
    SPARK_FUNCTIONS_URN,
    FunctionAnchors,
    FunctionRef,
    read_declarations,
)
from tests.plans.unknown_fields import field, with_fields

ARITHMETIC = "extension:io.substrait:functions_arithmetic"
LEGACY_ARITHMETIC = (
    "https://github.com/substrait-io/substrait/blob/main/extensions/functions_arithmetic.yaml"
)
LEGACY_COMPARISON = "/functions_comparison.yaml"

Function = extensions_pb2.SimpleExtensionDeclaration.ExtensionFunction
FUNCTION_CALLS = (
    algebra_pb2.Expression.ScalarFunction,
    algebra_pb2.AggregateFunction,
    algebra_pb2.Expression.WindowFunction,
)


def test_anchors_are_stable_and_distinct() -> None:
    anchors = FunctionAnchors()
    add = anchors.anchor(ARITHMETIC, "add")
    upper = anchors.anchor(SPARK_FUNCTIONS_URN, "upper")
    column = anchors.anchor(EXPRESSIONS_URN, "column")
    assert len({add, upper, column}) == 3
    assert anchors.anchor(ARITHMETIC, "add") == add
    assert anchors.anchor(SPARK_FUNCTIONS_URN, "add") not in {add, upper, column}


def test_declare_and_read_back() -> None:
    anchors = FunctionAnchors()
    expected = {
        anchors.anchor(ARITHMETIC, "add:i64_i64"): FunctionRef(ARITHMETIC, "add:i64_i64"),
        anchors.anchor(SPARK_FUNCTIONS_URN, "upper"): FunctionRef(SPARK_FUNCTIONS_URN, "upper"),
        anchors.anchor(EXPRESSIONS_URN, "column"): FunctionRef(EXPRESSIONS_URN, "column"),
        anchors.anchor(SPARK_FUNCTIONS_URN, "+"): FunctionRef(SPARK_FUNCTIONS_URN, "+"),
    }
    plan = plan_pb2.Plan()
    anchors.declare(plan)
    assert [u.urn for u in plan.extension_urns] == [
        ARITHMETIC,
        SPARK_FUNCTIONS_URN,
        EXPRESSIONS_URN,
    ]
    assert len(plan.extensions) == 4
    assert read_declarations(plan_pb2.Plan.FromString(plan.SerializeToString())) == expected


def test_function_ref() -> None:
    add = FunctionRef(ARITHMETIC, "add:i64_i64")
    assert add.base_name == "add"
    assert add.is_standard
    assert FunctionRef("", "equal").is_standard
    assert not FunctionRef(SPARK_FUNCTIONS_URN, "upper").is_standard
    assert not FunctionRef(EXPRESSIONS_URN, "column").is_standard


def _legacy_uri(anchor: int, uri: str) -> bytes:
    # SimpleExtensionURI {extension_uri_anchor = 1, uri = 2} in Plan.extension_uris (1).
    message = (field(1, anchor) if anchor else b"") + field(2, uri.encode())
    return field(1, message)


def _legacy_function(uri_reference: int, anchor: int, name: str) -> Function:
    function = Function(function_anchor=anchor, name=name)
    return with_fields(function, field(1, uri_reference)) if uri_reference else function


def test_legacy_uris_are_recovered() -> None:
    """The form DuckDB and ibis send: URIs and uri references, no URNs."""
    plan = plan_pb2.Plan()
    plan.extensions.add(extension_function=_legacy_function(1, 1, "add:i64_i64"))
    plan.extensions.add(extension_function=_legacy_function(2, 2, "equal:any_any"))
    plan.extensions.add(extension_function=_legacy_function(0, 3, "lt:any_any"))
    plan = with_fields(
        plan,
        _legacy_uri(1, LEGACY_ARITHMETIC),
        _legacy_uri(2, LEGACY_COMPARISON),
        _legacy_uri(0, "/functions_boolean.yaml"),
    )
    declarations = read_declarations(plan)
    assert declarations == {
        1: FunctionRef(LEGACY_ARITHMETIC, "add:i64_i64"),
        2: FunctionRef(LEGACY_COMPARISON, "equal:any_any"),
        3: FunctionRef("/functions_boolean.yaml", "lt:any_any"),
    }
    assert all(ref.is_standard for ref in declarations.values())
    assert not FunctionRef("/functions_arithmetic.yaml.bak", "add").is_standard


def test_urns_win_over_legacy_uris_when_both_are_sent() -> None:
    plan = plan_pb2.Plan()
    plan.extension_urns.add(extension_urn_anchor=1, urn=ARITHMETIC)
    function = with_fields(
        Function(extension_urn_reference=1, function_anchor=4, name="add"), field(1, 1)
    )
    plan.extensions.add(extension_function=function)
    plan = with_fields(plan, _legacy_uri(1, LEGACY_ARITHMETIC))
    assert read_declarations(plan) == {4: FunctionRef(ARITHMETIC, "add")}


def test_urn_anchor_zero() -> None:
    plan = plan_pb2.Plan()
    plan.extension_urns.add(extension_urn_anchor=0, urn=ARITHMETIC)
    plan.extensions.add(extension_function=Function(function_anchor=1, name="add"))
    assert read_declarations(plan) == {1: FunctionRef(ARITHMETIC, "add")}


def test_undeclared_urn_as_datafusion_sends_it() -> None:
    """DataFusion declares no URNs and references URN anchor 2**32 - 1."""
    plan = plan_pb2.Plan()
    for anchor, name in ((0, "equal"), (1, "sum")):
        plan.extensions.add(
            extension_function=Function(
                extension_urn_reference=2**32 - 1, function_anchor=anchor, name=name
            )
        )
    assert read_declarations(plan) == {0: FunctionRef("", "equal"), 1: FunctionRef("", "sum")}


def test_other_declarations_are_skipped() -> None:
    plan = plan_pb2.Plan()
    plan.extensions.add(
        extension_type=extensions_pb2.SimpleExtensionDeclaration.ExtensionType(
            type_anchor=1, name="point"
        )
    )
    assert read_declarations(plan) == {}


def _function_references(message: Message) -> set[int]:
    found = set()
    for descriptor, value in message.ListFields():
        if descriptor.message_type is None:
            continue
        for item in value if descriptor.is_repeated else [value]:
            if isinstance(item, FUNCTION_CALLS):
                found.add(item.function_reference)
            found |= _function_references(item)
    return found


def test_datafusion_tpch_declarations(datafusion_tpch_plans: dict[int, plan_pb2.Plan]) -> None:
    """DataFusion declares bare standard names and no URNs or URIs at all."""
    for plan in datafusion_tpch_plans.values():
        declarations = read_declarations(plan)
        assert _function_references(plan) <= declarations.keys()
        assert {ref.urn for ref in declarations.values()} == {""}
        assert all(ref.is_standard and ref.base_name == ref.name for ref in declarations.values())
