"""The client's errors come from one registry of message templates keyed by error class.

Read from the source of every client module: each error the client raises names an error
class that has a template, gives exactly the parameters that template names, and writes
no message of its own. Then the registry itself: every template is used, and those of
PySpark's classes carry PySpark's text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pyspark.errors.error_classes import ERROR_CLASSES_MAP

from sparkflight.client import errors, udf
from sparkflight.client.error_conditions import ERROR_CONDITIONS
from sparkflight.client.errors import template_parameters
from tests.conftest import REPO_ROOT

CLIENT = REPO_ROOT / "client"
#: The argument-error helpers of client/errors.py: their error class (or the position of
#: the argument giving it) and the message parameters they give.
HELPERS: dict[str, tuple[str | int, set[str]]] = {
    "wrong_type": (0, {"arg_name", "arg_type"}),
    "expected_type": ("NOT_EXPECTED_TYPE", {"arg_name", "expected_type", "arg_type"}),
    "wrong_value": (0, {"arg_name", "arg_value"}),
    "value_not_allowed": ("VALUE_NOT_ALLOWED", {"arg_name", "allowed_values"}),
    "value_disallowed": ("VALUE_ALLOWED", {"arg_name", "disallowed_value"}),
    "cannot_be_none": ("CANNOT_BE_NONE", {"arg_name"}),
    "cannot_be_empty": ("CANNOT_BE_EMPTY", {"item"}),
}
#: Error classes given as a variable, by module: what the variable can hold.
DYNAMIC: dict[str, set[str]] = {
    # the server's error, rebuilt with the server's message
    "errors.py": set(),
    # a UDTF class PySpark refuses
    "udf.py": {error for error, _ in udf._UDTF_CHECKS},
    # spatial values
    "datatypes.py": {"ST_INVALID_SRID_VALUE", "ST_INVALID_CRS_VALUE", "ST_INVALID_ALGORITHM_VALUE"},
}


@dataclass
class Site:
    """One place that makes an error of the client's: where, its error class (a regular
    expression when it is built from a format string, None when a variable), the message
    parameters it gives (None when not a literal dict), and whether it writes a message."""

    where: str
    error_class: str | None
    pattern: bool
    parameters: set[str] | None
    message: bool


def _error_class(node: ast.expr) -> tuple[str | None, bool]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value, False
    if isinstance(node, ast.JoinedStr):
        parts = [
            re.escape(v.value) if isinstance(v, ast.Constant) else "[A-Z_]+" for v in node.values
        ]
        return "".join(parts), True
    return None, False


def _sites() -> Iterator[Site]:
    for path in sorted(CLIENT.rglob("*.py")):
        tree = ast.parse(path.read_text())
        helpers = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef) and function.name in HELPERS
            for node in ast.walk(function)
        }  # a helper's class is checked where it is called
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in helpers:
                continue
            where = f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if "errorClass" in keywords:
                error_class, pattern = _error_class(keywords["errorClass"])
                given = keywords.get("messageParameters")
                if given is None:
                    parameters: set[str] | None = set()
                elif isinstance(given, ast.Dict) and all(
                    isinstance(k, ast.Constant) for k in given.keys
                ):
                    parameters = {k.value for k in given.keys}  # type: ignore[union-attr]
                else:
                    parameters = None
                yield Site(where, error_class, pattern, parameters, "message" in keywords)
            elif name in HELPERS and path.name != "errors.py":
                fixed, parameters = HELPERS[name]
                if isinstance(fixed, str):
                    error_class, pattern = fixed, False
                else:
                    error_class, pattern = _error_class(node.args[fixed])
                yield Site(where, error_class, pattern, set(parameters), False)


SITES = list(_sites())


def _classes(site: Site) -> set[str]:
    """The registered error classes a site can raise."""
    if site.error_class is None:
        return DYNAMIC[Path(site.where.split(":")[0]).name]
    if site.pattern:
        return {c for c in ERROR_CONDITIONS if re.fullmatch(site.error_class, c)}
    return {site.error_class}


def test_sites_are_found() -> None:
    assert len(SITES) > 100


@pytest.mark.parametrize("site", SITES, ids=[s.where for s in SITES])
def test_every_error_class_has_a_template_and_its_parameters(site: Site) -> None:
    classes = _classes(site)
    if site.where.startswith("client/errors.py") and site.error_class is None:
        assert site.message  # the server's error keeps the server's message
        return
    assert classes, f"{site.where}: no template for {site.error_class}"
    for error_class in classes:
        assert error_class in ERROR_CONDITIONS, f"{site.where}: no template for {error_class}"
        if site.parameters is not None:
            assert site.parameters == template_parameters(error_class), site.where
    assert not site.message, f"{site.where} writes its message by hand"


def test_every_template_is_used() -> None:
    used = set().union(*(_classes(site) for site in SITES))
    assert sorted(set(ERROR_CONDITIONS) - used) == []


def test_helpers_fill_their_templates() -> None:
    """The helpers of a fixed class give exactly the parameters its template names."""
    made: list[Any] = [
        errors.expected_type("x", "a str", 1),
        errors.value_not_allowed("x", ["a", "b"]),
        errors.value_disallowed("x", ","),
        errors.cannot_be_none("x"),
        errors.cannot_be_empty("x"),
        errors.not_supported("x"),
        errors.needs_jvm("x"),
        errors.server_unavailable("u", "d"),
        errors.malformed("Variant"),
    ]
    for error in made:
        condition = error.getCondition()
        assert set(error.getMessageParameters()) == template_parameters(condition)
        assert str(error).startswith(f"[{condition}] ")
    assert str(errors.expected_type("col", "a str", 1)) == (
        "[NOT_EXPECTED_TYPE] Argument `col` should be a str, got int."
    )
    assert str(errors.wrong_type("NOT_COLUMN", "col", 1.5)) == (
        "[NOT_COLUMN] Argument `col` should be a Column, got float."
    )


def test_a_missing_or_extra_parameter_is_refused() -> None:
    with pytest.raises(KeyError, match="arg_name"):
        errors.error_message("CANNOT_BE_NONE", {})
    with pytest.raises(KeyError, match="extra"):
        errors.error_message("CANNOT_BE_NONE", {"arg_name": "x", "extra": "y"})
    with pytest.raises(KeyError, match="NO_SUCH_CLASS"):
        errors.error_message("NO_SUCH_CLASS", {})


@pytest.mark.parametrize(
    "error_class", sorted(c for c in ERROR_CONDITIONS if c in ERROR_CLASSES_MAP)
)
def test_pyspark_classes_have_pyspark_text(error_class: str) -> None:
    assert ERROR_CONDITIONS[error_class] == "\n".join(ERROR_CLASSES_MAP[error_class]["message"])
