"""The error table in code (``flight_server/errors.py``) against docs/protocol.md and the
server's own error classes; no server runs here (test_error_codes.py sends each row)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sparkflight.flight_server import errors
from sparkflight.flight_server.errors import (
    ERROR_CLASS,
    EXCEPTION_CLASS,
    FAILURE_REASON,
    SENT_AS,
    SQLSTATE,
    SQLSTATE_CLASS,
    STATUS_CODES,
    Code,
    status_code,
)
from sparkflight.plans import sparkflight_pb2 as sf
from tests.conftest import REPO_ROOT
from tests.flight_server.plan_builder import PYARROW_ERRORS

PROTOCOL = REPO_ROOT / "docs" / "protocol.md"
SERVER = REPO_ROOT / "flight_server"
#: The columns of the documented table after the status code, in order.
COLUMNS = (ERROR_CLASS, SQLSTATE, SQLSTATE_CLASS, (EXCEPTION_CLASS, FAILURE_REASON))


def _table(heading: str, first_column: str) -> list[list[str]]:
    """The rows (cells) of the first table under ``heading`` whose header starts with
    ``first_column``."""
    text = PROTOCOL.read_text()
    section = text[text.index(heading) :]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_column} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_the_documented_table_is_the_table_in_code() -> None:
    documented: dict[tuple[str, str], Code] = {}
    codes = []
    for cells in _table("#### Status codes", "status code"):
        code = Code[_names(cells[0])[0]]
        codes.append(code)
        for kinds, cell in zip(COLUMNS, cells[1:], strict=True):
            for name in _names(cell):
                if isinstance(kinds, tuple):  # exception classes, then job failure reasons
                    kind = kinds[0] if (EXCEPTION_CLASS, name) in STATUS_CODES else kinds[1]
                else:
                    kind = kinds
                documented[kind, name] = code
    assert documented == STATUS_CODES
    assert sorted(codes) == sorted(Code)


def test_the_documented_clients_see_the_codes_sent() -> None:
    rows = _table("#### Status codes", "status code | sent as")
    assert sorted(Code[_names(cells[0])[0]] for cells in rows) == sorted(Code)
    for cells in rows:
        code = Code[_names(cells[0])[0]]
        sent = Code[_names(cells[1])[0]] if cells[1] else code
        assert SENT_AS.get(code, code) == sent, code
        raised = _names(cells[2])[0].rsplit(".", 1)[-1]
        assert PYARROW_ERRORS[sent].__name__ == raised, code


def _error_classes_raised(path: Path) -> set[str]:
    """The error classes a server module uses: the literal first argument of each
    ``SparkFlightError(...)``, and the error class constants it names (``INVALID_PLAN``,
    the constants of flight_server/errors.py whose value is their name)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "SparkFlightError":
            if node.args and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
        elif isinstance(node, ast.Name) and getattr(errors, node.id, None) == node.id:
            found.add(node.id)
    return found


def test_every_error_class_of_the_server_has_a_row() -> None:
    raised = set()
    for path in sorted(SERVER.rglob("*.py")):
        raised |= _error_classes_raised(path)
    assert {errors.INVALID_PLAN, errors.OPERATION_TIMED_OUT, errors.LIMIT_EXCEEDED} <= raised
    assert sorted(c for c in raised if (ERROR_CLASS, c) not in STATUS_CODES) == []


@pytest.mark.parametrize(
    ("details", "code"),
    [
        (sf.ErrorDetails(error_class="SCHEMA_NOT_FOUND.SOME_SUBCLASS"), Code.NOT_FOUND),
        (sf.ErrorDetails(error_class="UNRESOLVED_COLUMN.WITH_SUGGESTION", sql_state="42703"),
         Code.INVALID_ARGUMENT),
        (sf.ErrorDetails(error_class="TABLE_OR_VIEW_NOT_FOUND", sql_state="42P01"), Code.NOT_FOUND),
        (sf.ErrorDetails(error_class="SOMETHING_NEW", sql_state="42P07"), Code.ALREADY_EXISTS),
        (sf.ErrorDetails(error_class="SOMETHING_NEW", sql_state="22012"), Code.INVALID_ARGUMENT),
        (sf.ErrorDetails(error_class="INTERNAL_ERROR_BROADCAST", sql_state="XX000"), Code.INTERNAL),
        (sf.ErrorDetails(error_class="SPARK_JOB_CANCELLED", sql_state="XXKDA"), Code.CANCELLED),
        (sf.ErrorDetails(error_class="UNABLE_TO_ACQUIRE_MEMORY", sql_state="53200"),
         Code.RESOURCE_EXHAUSTED),
        (sf.ErrorDetails(exception_class="SparkException",
                         message="Job aborted due to stage failure: Lost task 0.0 (executor 1): "
                         "ExecutorLostFailure (executor 1 exited caused by one of the running "
                         "tasks)"),
         Code.UNAVAILABLE),
        (sf.ErrorDetails(exception_class="SparkException",
                         message="java.lang.OutOfMemoryError: Java heap space"),
         Code.RESOURCE_EXHAUSTED),
        (sf.ErrorDetails(exception_class="SparkException",
                         message="ExecutorLostFailure ... java.lang.OutOfMemoryError"),
         Code.RESOURCE_EXHAUSTED),
        (sf.ErrorDetails(exception_class="PythonException", message="ZeroDivisionError"),
         Code.INVALID_ARGUMENT),
        (sf.ErrorDetails(exception_class="SparkException", message="Job aborted"), Code.INTERNAL),
    ],
    ids=[
        "error class with a subclass",
        "unresolved column",
        "error class before SQLSTATE",
        "SQLSTATE",
        "SQLSTATE class",
        "Spark's internal error",
        "Spark's cancelled job",
        "Spark out of memory",
        "lost executor",
        "exhausted memory",
        "executor lost to exhausted memory",
        "exception class",
        "nothing matches",
    ],
)  # fmt: skip
def test_lookup_order(details: sf.ErrorDetails, code: Code) -> None:
    assert status_code(details) == code


def test_errors_raised_in_many_places_have_one_message() -> None:
    cases = [
        (errors.malformed("plan", "no root"), errors.INVALID_PLAN, "malformed plan: no root", {}),
        (
            errors.malformed_action_body("config", "sparkflight.v1.ConfigRequest", "truncated"),
            errors.INVALID_ACTION_BODY,
            "body of action 'config' is not a serialized sparkflight.v1.ConfigRequest (truncated)",
            {"action": "config"},
        ),
        (
            errors.python_disabled("the plan calls 'f'", function="f"),
            errors.PYTHON_DISABLED,
            "this server does not run Python functions (it was started with --no-python); "
            "the plan calls 'f'",
            {"function": "f"},
        ),
        (
            errors.unsupported_kind(errors.UNSUPPORTED_RELATION, "read type", None, "read"),
            errors.UNSUPPORTED_RELATION,
            "unsupported read type '<unset>'",
            {"read": ""},
        ),
    ]
    for error, error_class, message, parameters in cases:
        assert (error.error_class, error.message, error.parameters) == (
            error_class,
            message,
            parameters,
        )
        assert str(error) == f"[{error_class}] {message}"
