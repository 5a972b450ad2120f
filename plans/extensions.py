"""Extension URNs and the function anchors of a plan.

A producer collects the functions a plan calls with :class:`FunctionAnchors`
and writes them into the plan's extension declarations; a consumer reads them
back with :func:`read_declarations`, which also understands the legacy
``extension_uris`` fields that current producers still send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from google.protobuf.unknown_fields import UnknownFieldSet
from substrait import plan_pb2
from substrait.extensions import extensions_pb2

#: Any function of Spark's function registry, by its SQL name.
SPARK_FUNCTIONS_URN = "extension:dev.sparkflight:spark_functions"
#: Unresolved forms Substrait lacks (:mod:`plans.pseudo`): column, star, alias, ...
EXPRESSIONS_URN = "extension:dev.sparkflight:expressions"
#: Prefix of Substrait's standard function extensions.
STANDARD_URN_PREFIX = "extension:io.substrait:"

# Field numbers of the legacy (pre-URN) fields, which the current protobufs
# no longer declare: Plan.extension_uris (1) holding SimpleExtensionURI
# {extension_uri_anchor = 1, uri = 2}; ExtensionFunction.extension_uri_reference (1).
# plans.legacy.LEGACY_FIELDS lists them among the legacy fields a plan may carry.
_PLAN_EXTENSION_URIS = 1
_LEGACY_FUNCTION_URI_REFERENCE = 1
_LEGACY_STANDARD_URI = re.compile(r"(^|/)functions_\w+\.yaml$")


@dataclass(frozen=True)
class FunctionRef:
    """A declared function: the URN (or legacy URI) and the name it was declared with."""

    urn: str
    name: str

    @property
    def base_name(self) -> str:
        """The name without a signature suffix (``add:i64_i64`` -> ``add``)."""
        return self.name.split(":", 1)[0]

    @property
    def is_standard(self) -> bool:
        """Whether the function comes from a standard extension or has no URN at all.

        Legacy URIs name the standard extension's YAML file, as a URL or a bare
        path (``/functions_arithmetic.yaml``).
        """
        return (
            self.urn == ""
            or self.urn.startswith(STANDARD_URN_PREFIX)
            or _LEGACY_STANDARD_URI.search(self.urn) is not None
            or ("substrait" in self.urn and "sparkflight" not in self.urn)
        )


class FunctionAnchors:
    """Assigns anchors to the functions a plan calls, one per (URN, name)."""

    def __init__(self) -> None:
        self._urns: dict[str, int] = {}
        self._functions: dict[tuple[str, str], int] = {}

    def anchor(self, urn: str, name: str) -> int:
        """The anchor of function ``name`` of extension ``urn``, declared on first use."""
        key = (urn, name)
        if key not in self._functions:
            self._urns.setdefault(urn, len(self._urns) + 1)
            self._functions[key] = len(self._functions) + 1
        return self._functions[key]

    def declare(self, plan: plan_pb2.Plan) -> None:
        """Write the URNs and functions used so far into ``plan``'s declarations."""
        for urn, anchor in self._urns.items():
            plan.extension_urns.add(extension_urn_anchor=anchor, urn=urn)
        for (urn, name), anchor in self._functions.items():
            plan.extensions.add(
                extension_function=extensions_pb2.SimpleExtensionDeclaration.ExtensionFunction(
                    extension_urn_reference=self._urns[urn], function_anchor=anchor, name=name
                )
            )


def _legacy_uris(plan: plan_pb2.Plan) -> dict[int, str]:
    uris: dict[int, str] = {}
    for field in UnknownFieldSet(plan):
        if field.field_number != _PLAN_EXTENSION_URIS or field.wire_type != 2:
            continue
        message = extensions_pb2.SimpleExtensionURN()
        # SimpleExtensionURI has the same wire layout as SimpleExtensionURN.
        message.ParseFromString(field.data)
        uris[message.extension_urn_anchor] = message.urn
    return uris


def _legacy_uri_reference(declaration: extensions_pb2.SimpleExtensionDeclaration) -> int | None:
    function = declaration.extension_function
    for field in UnknownFieldSet(function):
        if field.field_number == _LEGACY_FUNCTION_URI_REFERENCE and field.wire_type == 0:
            return field.data
    return None


def read_declarations(plan: plan_pb2.Plan) -> dict[int, FunctionRef]:
    """Map each function anchor of ``plan`` to the function it declares."""
    urns = {u.extension_urn_anchor: u.urn for u in plan.extension_urns}
    legacy = _legacy_uris(plan)
    functions: dict[int, FunctionRef] = {}
    for declaration in plan.extensions:
        if declaration.WhichOneof("mapping_type") != "extension_function":
            continue
        function = declaration.extension_function
        reference = _legacy_uri_reference(declaration)
        if function.extension_urn_reference in urns and (
            function.extension_urn_reference or reference is None
        ):
            urn = urns[function.extension_urn_reference]
        else:
            # Anchor 0 is a valid anchor; proto3 does not write it, so an absent
            # reference means anchor 0.
            urn = legacy.get(reference or 0, "")
        functions[function.function_anchor] = FunctionRef(urn, function.name)
    return functions
