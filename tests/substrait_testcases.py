"""Substrait's official function test cases (``substrait_extensions/testcases``) as plans.

A ``.test`` file holds one case a line: ``f(1::i8, 'a'::str) [option:VALUE] = 2::i8``
for scalar functions; aggregates take columns, inline (``count((1, 2)::i16)``) or as
a table before the call (``((1.0), (2.0)) std_dev(SAMPLE::enum, col0::fp64)``).
:func:`load_cases` parses them; :func:`scalar_plan` and :func:`aggregate_plan` build
the Substrait plans that run them. Forms this reader does not take (window tests,
``DEFINE`` tables, lambdas) become cases with ``unsupported`` set.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from substrait import algebra_pb2, plan_pb2, type_pb2
from substrait.extensions import extensions_pb2

TESTCASES = Path(str(resources.files("substrait_extensions.testcases")))
Expression = algebra_pb2.Expression
Literal = Expression.Literal
_N = type_pb2.Type.NULLABILITY_NULLABLE
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Value:
    """A typed test value: ``text::type``; ``values`` for a column of an aggregate."""

    text: str
    type: str

    @property
    def base_type(self) -> str:
        return self.type.split("<", 1)[0].rstrip("?")


@dataclass
class Case:
    path: str
    line: int
    text: str
    function: str
    kind: str  # "scalar" or "aggregate"
    arguments: list[Any] = field(default_factory=list)  # Value, enum name or column index
    columns: list[tuple[list[str], str]] = field(default_factory=list)  # aggregate input
    options: dict[str, str] = field(default_factory=dict)
    result: Value | None = None  # None: an error is expected
    undefined: bool = False
    unsupported: str = ""

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"


def split_top(text: str, separator: str = ",") -> list[str]:
    """Split at ``separator`` outside brackets, parentheses and quotes."""
    parts, depth, quote, current = [], 0, False, []
    for char in text:
        if char == "'":
            quote = not quote
        elif not quote and char in "([<":
            depth += 1
        elif not quote and char in ")]>" and not (char == ">" and current and current[-1] == "-"):
            depth -= 1
        if char == separator and depth == 0 and not quote:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _value(text: str) -> Value:
    head, _, kind = text.rpartition("::")
    return Value(head.strip(), kind.strip())


def _call(text: str) -> tuple[str, str, str]:
    """``f(args) [opts]`` -> (name, args text, options text)."""
    name, _, rest = text.partition("(")
    depth, end = 1, 0
    for index, char in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            end = index
            break
    return name.strip(), rest[:end], rest[end + 1 :].strip()


def _options(text: str) -> dict[str, str]:
    text = text.strip()
    if not text.startswith("["):
        return {}
    pairs = [p.split(":", 1) for p in split_top(text[1:-1])]
    return {k.strip(): v.strip() for k, v in pairs}


def _column_values(text: str) -> list[str]:
    """``(1, 2, Null)`` -> ["1", "2", "Null"]; ``()`` -> []."""
    return split_top(text.strip()[1:-1])


def _parse_line(path: str, number: int, line: str, kind: str) -> Case:
    left, _, right = line.rpartition(" = ")
    case = Case(path, number, line, "", kind)
    right = right.strip()
    if right == "<!ERROR>":
        case.result = None
    elif right == "<!UNDEFINED>":
        case.undefined = True
    else:
        case.result = _value(right)
    table = None
    left = left.strip()
    if kind == "aggregate" and left.startswith("(("):
        depth = 0
        for index, char in enumerate(left):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                table, left = left[: index + 1], left[index + 1 :].strip()
                break
    case.function, args, options = _call(left)
    case.options = _options(options)
    if kind == "scalar":
        case.arguments = [_value(a) for a in split_top(args)]
        if any("->" in a.text for a in case.arguments):
            case.unsupported = "lambda arguments"
        return case
    if table is not None:
        rows = [_column_values(r) for r in split_top(table.strip()[1:-1])]
        rows = [r for r in rows if r]
        columns_named = {int(a.split("::")[0].strip()[3:]) for a in split_top(args) if "col" in a}
        width = len(rows[0]) if rows else max(columns_named, default=0) + 1
        columns: list[list[str]] = [[r[i] for r in rows] for i in range(width)]
        types: dict[int, str] = {}
        for arg in split_top(args):
            value = _value(arg)
            if value.type == "enum":
                case.arguments.append(value.text)
            elif value.text.startswith("col"):
                index = int(value.text[3:])
                types[index] = value.type
                case.arguments.append(index)
            else:
                case.arguments.append(value)
        case.columns = [(columns[i], types.get(i, "fp64")) for i in range(width)]
        return case
    for arg in split_top(args):
        value = _value(arg)
        if value.text.startswith("("):
            case.arguments.append(len(case.columns))
            case.columns.append((_column_values(value.text), value.type))
        elif value.type == "enum":
            case.arguments.append(value.text)
        else:
            case.arguments.append(value)
    return case


def load_cases(root: Path = TESTCASES) -> Iterator[Case]:
    """Every case of every ``.test`` file under ``root``."""
    for file in sorted(root.glob("*/*.test")):
        path = f"{file.parent.name}/{file.name}"
        kind = "scalar"
        for number, raw in enumerate(file.read_text().splitlines(), 1):
            line = raw.strip()
            if line.startswith("### SUBSTRAIT_AGGREGATE_TEST"):
                kind = "aggregate"
            elif line.startswith("### SUBSTRAIT_WINDOW_TEST"):
                kind = "window"
            if not line or line.startswith("#"):
                continue
            if kind == "window" or line.startswith("DEFINE") or " OVER " in line:
                name = line.split("(", 1)[0].split()[-1]
                yield Case(path, number, line, name, kind, unsupported="window or DEFINE tests")
                continue
            yield _parse_line(path, number, line, kind)


# ------------------------------------------------------------------ literals

_INTEGERS = {"i8", "i16", "i32", "i64"}
_SIMPLE_TYPES = {
    "i8": ("i8", type_pb2.Type.I8),
    "i16": ("i16", type_pb2.Type.I16),
    "i32": ("i32", type_pb2.Type.I32),
    "i64": ("i64", type_pb2.Type.I64),
    "fp32": ("fp32", type_pb2.Type.FP32),
    "fp64": ("fp64", type_pb2.Type.FP64),
    "bool": ("bool", type_pb2.Type.Boolean),
    "str": ("string", type_pb2.Type.String),
    "date": ("date", type_pb2.Type.Date),
}


def type_proto(kind: str) -> type_pb2.Type:
    """A nullable Substrait type for a test type (``i8``, ``dec<38,2>``, ``list<i32>``)."""
    base = kind.split("<", 1)[0].rstrip("?")
    params = kind[kind.index("<") + 1 : kind.rindex(">")] if "<" in kind else ""
    simple = _SIMPLE_TYPES.get(base)
    if simple is not None:
        name, message = simple
        return type_pb2.Type(**{name: message(nullability=_N)})
    if base == "vchar":
        return type_pb2.Type(varchar=type_pb2.Type.VarChar(length=int(params), nullability=_N))
    if base in ("dec", "decimal"):
        precision, scale = (int(p) for p in params.split(",")) if params else (38, 0)
        return type_pb2.Type(
            decimal=type_pb2.Type.Decimal(precision=precision, scale=scale, nullability=_N)
        )
    if base == "pts":
        return type_pb2.Type(
            precision_timestamp=type_pb2.Type.PrecisionTimestamp(
                precision=int(params or 6), nullability=_N
            )
        )
    if base == "list":
        return type_pb2.Type(list=type_pb2.Type.List(type=type_proto(params), nullability=_N))
    raise NotImplementedError(f"type {kind}")


def _decimal_type(text: str, kind: str) -> tuple[int, int]:
    """``dec<p,s>``; a bare ``dec`` takes the scale of the value's text."""
    if "<" in kind:
        precision, scale = kind[kind.index("<") + 1 : kind.rindex(">")].split(",")
        return int(precision), int(scale)
    return 38, len(text.partition(".")[2])


def _decimal_bytes(text: str, scale: int) -> bytes:
    with decimal.localcontext(prec=80):
        unscaled = int(decimal.Decimal(text).scaleb(scale).to_integral_value())
    return unscaled.to_bytes(16, "little", signed=True)


def literal(text: str, kind: str) -> Expression:
    """The literal expression of a test value."""
    base = kind.split("<", 1)[0].rstrip("?")
    if text.lower() == "null":
        return Expression(literal=Literal(null=type_proto(kind), nullable=True))
    if base in _INTEGERS:
        return Expression(literal=Literal(**{base: int(text)}))
    if base in ("fp32", "fp64"):
        return Expression(literal=Literal(**{base: float(text)}))
    if base == "bool":
        return Expression(literal=Literal(boolean=text.lower() == "true"))
    if base == "str":
        return Expression(literal=Literal(string=text[1:-1]))
    if base == "vchar":
        length = int(kind[kind.index("<") + 1 : kind.rindex(">")])
        return Expression(
            literal=Literal(var_char=Literal.VarChar(value=text[1:-1], length=length))
        )
    if base in ("dec", "decimal"):
        precision, scale = _decimal_type(text, kind)
        return Expression(
            literal=Literal(
                decimal=Literal.Decimal(
                    value=_decimal_bytes(text, scale), precision=precision, scale=scale
                )
            )
        )
    if base == "date":
        days = (dt.date.fromisoformat(text) - _EPOCH.date()).days
        return Expression(literal=Literal(date=days))
    if base == "pts":
        moment = dt.datetime.fromisoformat(text)
        micros = (moment - _EPOCH) // dt.timedelta(microseconds=1)
        return Expression(
            literal=Literal(
                precision_timestamp=Literal.PrecisionTimestamp(precision=6, value=micros)
            )
        )
    if base == "list":
        inner = kind[kind.index("<") + 1 : kind.rindex(">")]
        items = split_top(text.strip()[1:-1])
        if not items:
            return Expression(literal=Literal(empty_list=type_proto(kind).list))
        return Expression(
            literal=Literal(list=Literal.List(values=[literal(i, inner).literal for i in items]))
        )
    raise NotImplementedError(f"type {kind}")


def expected_value(value: Value) -> Any:
    """The Python value a result should equal."""
    text, base = value.text, value.base_type
    if text.lower() == "null":
        return None
    if base in _INTEGERS:
        return int(text)
    if base in ("fp32", "fp64"):
        return float(text.replace("inf", "Infinity")) if "inf" in text else float(text)
    if base == "bool":
        return text.lower() == "true"
    if base in ("str", "vchar"):
        return text[1:-1]
    if base in ("dec", "decimal"):
        return decimal.Decimal(text)
    if base == "date":
        return dt.date.fromisoformat(text)
    if base == "pts":
        return dt.datetime.fromisoformat(text)
    if base == "list":
        inner = value.type[value.type.index("<") + 1 : value.type.rindex(">")]
        return [expected_value(Value(i, inner)) for i in split_top(text.strip()[1:-1])]
    raise NotImplementedError(f"type {value.type}")


def same_value(got: Any, expected: Any, kind: str) -> bool:
    """Equal, floats to the precision of their test type (fp32 cases give 7 digits)."""
    if expected is None or got is None:
        return got is expected
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(same_value(g, e, kind) for g, e in zip(got, expected, strict=True))
        )
    if isinstance(expected, float):
        if math.isnan(expected):
            return isinstance(got, float) and math.isnan(got)
        relative = 1e-6 if "fp32" in kind else 1e-12
        return math.isclose(float(got), expected, rel_tol=relative, abs_tol=1e-300)
    if isinstance(expected, decimal.Decimal):
        return decimal.Decimal(str(got)) == expected
    if isinstance(expected, dt.datetime) and isinstance(got, dt.datetime):
        return got.replace(tzinfo=None) == expected
    return type(got) is type(expected) and got == expected


# --------------------------------------------------------------------- plans


class Functions:
    """The function declarations of one plan."""

    def __init__(self, urn: str) -> None:
        self.urn = urn
        self.anchors: dict[str, int] = {}

    def anchor(self, name: str) -> int:
        return self.anchors.setdefault(name, len(self.anchors) + 1)

    def plan(self, rel: algebra_pb2.Rel) -> plan_pb2.Plan:
        plan = plan_pb2.Plan(
            version=plan_pb2.Version(minor_number=75, producer="substrait-testcases"),
            relations=[plan_pb2.PlanRel(root=algebra_pb2.RelRoot(input=rel))],
        )
        plan.extension_urns.add(extension_urn_anchor=1, urn=self.urn)
        for name, anchor in self.anchors.items():
            plan.extensions.add(
                extension_function=extensions_pb2.SimpleExtensionDeclaration.ExtensionFunction(
                    extension_urn_reference=1, function_anchor=anchor, name=name
                )
            )
        return plan


def _field(index: int) -> Expression:
    return Expression(
        selection=Expression.FieldReference(
            direct_reference=Expression.ReferenceSegment(
                struct_field=Expression.ReferenceSegment.StructField(field=index)
            ),
            root_reference=Expression.FieldReference.RootReference(),
        )
    )


def _arguments(case: Case) -> list[algebra_pb2.FunctionArgument]:
    arguments = []
    for argument in case.arguments:
        if isinstance(argument, Value):
            arguments.append(
                algebra_pb2.FunctionArgument(value=literal(argument.text, argument.type))
            )
        elif isinstance(argument, int):
            arguments.append(algebra_pb2.FunctionArgument(value=_field(argument)))
        else:
            arguments.append(algebra_pb2.FunctionArgument(enum=argument))
    return arguments


def _function_options(case: Case) -> list[algebra_pb2.FunctionOption]:
    return [algebra_pb2.FunctionOption(name=k, preference=[v]) for k, v in case.options.items()]


def _one_row() -> algebra_pb2.Rel:
    schema = type_pb2.NamedStruct(
        names=["one"],
        struct=type_pb2.Type.Struct(
            types=[type_proto("i32")], nullability=type_pb2.Type.NULLABILITY_REQUIRED
        ),
    )
    row = Literal.Struct(fields=[Literal(i32=1)])
    return algebra_pb2.Rel(
        read=algebra_pb2.ReadRel(
            base_schema=schema,
            virtual_table=algebra_pb2.ReadRel.VirtualTable(
                expressions=[
                    Expression.Nested.Struct(fields=[Expression(literal=f) for f in row.fields])
                ]
            ),
        )
    )


def scalar_plan(urn: str, cases: list[Case]) -> plan_pb2.Plan:
    """One row, one column per case: ``SELECT f1(...), f2(...), ...``."""
    functions = Functions(urn)
    expressions = [
        Expression(
            scalar_function=Expression.ScalarFunction(
                function_reference=functions.anchor(case.function),
                arguments=_arguments(case),
                options=_function_options(case),
                output_type=type_proto(case.result.type if case.result else "i32"),
            )
        )
        for case in cases
    ]
    project = algebra_pb2.ProjectRel(input=_one_row(), expressions=expressions)
    project.common.emit.output_mapping.extend(range(1, len(cases) + 1))
    return functions.plan(algebra_pb2.Rel(project=project))


def _table(case: Case) -> algebra_pb2.Rel:
    columns = case.columns
    names = [f"col{i}" for i in range(len(columns))]
    schema = type_pb2.NamedStruct(
        names=names,
        struct=type_pb2.Type.Struct(
            types=[type_proto(kind) for _, kind in columns],
            nullability=type_pb2.Type.NULLABILITY_REQUIRED,
        ),
    )
    count = len(columns[0][0]) if columns else 0
    rows = [
        Expression.Nested.Struct(fields=[literal(values[r], kind) for values, kind in columns])
        for r in range(count)
    ]
    return algebra_pb2.Rel(
        read=algebra_pb2.ReadRel(
            base_schema=schema, virtual_table=algebra_pb2.ReadRel.VirtualTable(expressions=rows)
        )
    )


def aggregate_plan(urn: str, cases: list[Case]) -> plan_pb2.Plan:
    """One row, one column per case: the cross join of ``SELECT f(col0, ...) FROM (VALUES
    ...)`` of each case."""
    functions = Functions(urn)
    rels = [_aggregate(functions, case) for case in cases]
    rel = rels[0]
    for other in rels[1:]:
        rel = algebra_pb2.Rel(cross=algebra_pb2.CrossRel(left=rel, right=other))
    return functions.plan(rel)


def _aggregate(functions: Functions, case: Case) -> algebra_pb2.Rel:
    measure = algebra_pb2.AggregateRel.Measure(
        measure=algebra_pb2.AggregateFunction(
            function_reference=functions.anchor(case.function),
            arguments=_arguments(case),
            options=_function_options(case),
            output_type=type_proto(case.result.type if case.result else "i64"),
            phase=algebra_pb2.AGGREGATION_PHASE_INITIAL_TO_RESULT,
            invocation=algebra_pb2.AggregateFunction.AGGREGATION_INVOCATION_ALL,
        )
    )
    aggregate = algebra_pb2.AggregateRel(input=_table(case), measures=[measure])
    return algebra_pb2.Rel(aggregate=aggregate)


def file_urn(path: Path) -> str:
    """The extension URN a test file includes."""
    for line in path.read_text().splitlines():
        if line.startswith("### SUBSTRAIT_INCLUDE:"):
            return line.split(":", 1)[1].strip()
    raise ValueError(f"{path} includes no extension")
