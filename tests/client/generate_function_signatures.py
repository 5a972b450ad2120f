"""Generate ``client/_function_signatures.py`` from an installed pyspark.

The client builds every function of ``pyspark.sql.functions`` from a table:
the Spark SQL name it calls and, per parameter, whether the argument is a
column (a ``str`` names a column) or a literal (a ``str`` is a string value).
This script derives that table once from pyspark: parameter kinds from the
type hints of ``pyspark.sql.functions`` (``ColumnOrName`` and ``Column`` are
columns, anything else is a literal), SQL names from the first name passed to
``_invoke_function*`` in pyspark's Spark Connect implementation.

Regenerate, from the repository's root (needs pyspark, which the client itself never
imports, so the generator lives beside the tests)::

    python -m tests.client.generate_function_signatures
"""

from __future__ import annotations

import ast
import inspect
import pprint
from pathlib import Path

_OUTPUT = Path(__file__).resolve().parents[2] / "client" / "_function_signatures.py"
_INVOKERS = {
    "_invoke_function",
    "_invoke_function_over_columns",
    "_invoke_binary_math_function",
    "_invoke_higher_order_function",
}


def _sql_names(source: str) -> dict[str, str]:
    """Python function name -> the SQL name its Spark Connect body calls."""
    names: dict[str, str] = {}
    delegates: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):  # negate = negative
            for target in node.targets:
                if isinstance(target, ast.Name) and not target.id.startswith("_"):
                    delegates[target.id] = node.value.id
            continue
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        for call in ast.walk(node):
            if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
                continue
            if call.func.id in _INVOKERS and call.args:
                first = call.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names[node.name] = first.value
                    break
            elif not call.func.id.startswith("_") and node.name not in delegates:
                delegates[node.name] = call.func.id
    for name, target in delegates.items():
        if name not in names and target in names:
            names[name] = names[target]
    return names


#: What ``OMITTED`` holds for a seed PySpark draws at random when none is given.
SEED = "<random seed>"


def _is_none_test(test: ast.expr) -> str | None:
    """The parameter ``test`` checks with ``parameter is None``, or None."""
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    ):
        return test.left.id
    return None


def _omitted(source: str) -> dict[str, dict[str, object]]:
    """Per function, the argument PySpark's Spark Connect body passes for a parameter left
    out: ``lit(constant) if parameter is None else ...`` gives the constant, a seed drawn
    with ``py_random.randint`` gives :data:`SEED`."""
    table: dict[str, dict[str, object]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        found: dict[str, object] = {}
        parameters = {a.arg for a in node.args.args}
        for expression in ast.walk(node):
            if not isinstance(expression, ast.IfExp):
                continue
            parameter = _is_none_test(expression.test)
            call = expression.body
            if (
                parameter in parameters
                and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "lit"
                and len(call.args) == 1
                and isinstance(call.args[0], ast.Constant)
            ):
                found[parameter] = call.args[0].value
        if "seed" in parameters and "py_random.randint" in ast.unparse(node):
            found["seed"] = SEED
        if found:
            table[node.name] = found
    return table


def _kind(annotation: object, kind: inspect._ParameterKind) -> str:
    text = str(annotation)
    if "Callable" in text:
        kind_name = "function"
    elif "ColumnOrName" in text:
        kind_name = "column"
    else:
        kind_name = "literal"
    return kind_name + ("s" if kind is inspect.Parameter.VAR_POSITIONAL else "")


def _default(parameter: inspect.Parameter) -> object:
    if parameter.default is inspect.Parameter.empty:
        return "<required>"
    if parameter.default is None or isinstance(parameter.default, (bool, int, float, str)):
        return parameter.default
    return "<required>"


def generate() -> str:
    import pyspark
    import pyspark.sql.functions as functions

    connect_source = Path(pyspark.__file__).parent / "sql/connect/functions/builtin.py"
    sql_names = _sql_names(connect_source.read_text())
    table: dict[str, tuple[str, tuple[tuple[str, str, object], ...]]] = {}
    for name in sorted(functions.__all__):
        function = getattr(functions, name)
        if not inspect.isfunction(function):
            continue
        parameters = tuple(
            (p.name, _kind(p.annotation, p.kind), _default(p))
            for p in inspect.signature(function).parameters.values()
            if p.kind is not inspect.Parameter.VAR_KEYWORD
        )
        table[name] = (sql_names.get(name, name), parameters)
    body = pprint.pformat(table, width=100, sort_dicts=True)
    omitted = pprint.pformat(_omitted(connect_source.read_text()), width=100, sort_dicts=True)
    return (
        '"""Spark SQL name and parameter kinds of each function of pyspark.sql.functions.\n\n'
        "Generated by ``python -m tests.client.generate_function_signatures``; do not edit.\n"
        "Each entry: name -> (SQL name, ((parameter, kind, default), ...)) where kind is\n"
        "column, literal, function (a Python lambda) or their plural for *args, and\n"
        'default is ``"<required>"`` for a required parameter.\n\n'
        "OMITTED: per function, the argument PySpark passes for a parameter the caller\n"
        f'leaves out (``"{SEED}"``: a seed it draws at random).\n"""\n\n'
        "# fmt: off\n"
        f"SIGNATURES = {body}\n\n"
        f"OMITTED = {omitted}\n"
    )


if __name__ == "__main__":
    _OUTPUT.write_text(generate())
