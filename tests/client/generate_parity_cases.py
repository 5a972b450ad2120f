"""Generate ``tests/client/parity_cases.py``: a call of every function of
``pyspark.sql.functions`` and every method of ``Column``, from PySpark's signatures.

For each function, arguments of fitting types come from its parameters' type hints
(``ColumnOrName`` a column of :data:`~tests.client.parity.SCHEMA`, ``int``, ``str``,
``float``, ``bool`` a sample value, a ``Column`` a ``lit``, a callable a lambda), trying
the sample columns one type at a time until in-process PySpark evaluates the call; then
the call again with each optional argument given. The first call PySpark rejects is kept
too, as a case that must raise on both engines, with the error PySpark raises for it
(stored, so that the test does not ask PySpark again). A window function is called over
a window. :data:`SAMPLES` gives the calls of functions whose arguments a signature does
not describe (lambdas, a JSON path, a format).

Regenerate, from the repository's root (starts a local Spark; takes minutes)::

    python -m tests.client.generate_parity_cases [function ...]

With function names, only their calls are generated again (and PySpark's errors for
every rejected call recorded again).
"""

from __future__ import annotations

import inspect
import pprint
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tests.client.parity import build, run, sample_frame, spec_id

_OUTPUT = Path(__file__).resolve().parent / "parity_cases.py"

#: Sample columns, one of each type, in the order they are tried.
FAMILIES = ("s", "i", "d", "dt", "ts", "arr", "m", "st", "bin", "b", "dec", "l", "js", "sarr", "v")

#: Functions that make no column of a DataFrame, compared by their own tests.
NOT_COLUMNS: dict[str, str] = {
    "udf": "makes a UDF (tests/client/test_udf.py)",
    "pandas_udf": "makes a UDF (tests/client/test_udf.py)",
    "arrow_udf": "makes a UDF (tests/client/test_udf.py)",
    "udtf": "makes a UDTF (tests/client/test_udtf.py)",
    "arrow_udtf": "makes a UDTF (tests/client/test_udtf.py)",
    "broadcast": "marks a DataFrame (tests/client/test_dataframe.py)",
}

#: Calls of functions whose arguments a signature does not describe: name -> calls.
SAMPLES: dict[str, list[tuple[tuple, tuple]]] = {
    "transform": [
        ((("col", "arr"), ("fn", "x + 1")), ()),
        ((("col", "arr"), ("fn", "x, i: x + i")), ()),
    ],
    "filter": [
        ((("col", "arr"), ("fn", "x > 1")), ()),
        ((("col", "arr"), ("fn", "x, i: x + i")), ()),
    ],
    "exists": [((("col", "arr"), ("fn", "x > 1")), ())],
    "forall": [((("col", "arr"), ("fn", "x > 1")), ())],
    "aggregate": [
        ((("col", "arr"), ("lit", 0), ("fn", "acc, x: acc + x")), ()),
        ((("col", "arr"), ("lit", 0), ("fn", "acc, x: acc + x"), ("fn", "acc: acc * 10")), ()),
    ],
    "reduce": [
        ((("col", "arr"), ("lit", 0), ("fn", "acc, x: acc + x")), ()),
        ((("col", "arr"), ("lit", 0), ("fn", "acc, x: acc + x"), ("fn", "acc: acc * 10")), ()),
    ],
    "zip_with": [((("col", "arr"), ("col", "arr"), ("fn", "x, y: x + y")), ())],
    "array_sort": [((("col", "arr"),), ()), ((("col", "arr"), ("fn", "x, y: y - x")), ())],
    "map_filter": [((("col", "m"), ("fn", "k, v: v > 1")), ())],
    "transform_keys": [((("col", "m"), ("fn", "k, v: concat(k, k)")), ())],
    "transform_values": [((("col", "m"), ("fn", "k, v: v + 1")), ())],
    "map_zip_with": [((("col", "m"), ("col", "m"), ("fn", "k, v1, v2: coalesce(v1, v2)")), ())],
    "get_json_object": [((("col", "js"), ("val", "$.a")), ())],
    "json_tuple": [((("col", "js"), ("val", "a"), ("val", "b")), ())],
    "from_json": [
        ((("col", "js"), ("val", "a INT, b STRING")), ()),
        (
            (("col", "js"), ("val", "a INT, b STRING")),
            (("options", ("val", {"mode": "PERMISSIVE"})),),
        ),
    ],
    "date_format": [((("col", "ts"), ("val", "yyyy-MM-dd HH:mm")), ())],
    "to_date": [((("col", "s"),), ()), ((("col", "dt"), ("val", "yyyy-MM-dd")), ())],
    "to_timestamp": [((("col", "ts"),), ()), ((("col", "dt"), ("val", "yyyy-MM-dd")), ())],
    "trim": [((("col", "s"),), ()), ((("col", "s"), ("lit", "A")), ())],
    "ltrim": [((("col", "s"),), ()), ((("col", "s"), ("lit", "A")), ())],
    "rtrim": [((("col", "s"),), ()), ((("col", "s"), ("lit", "d")), ())],
    "array_append": [((("col", "arr"), ("val", 4)), ()), ((("col", "arr"), ("val", None)), ())],
    "array_prepend": [((("col", "arr"), ("val", 4)), ()), ((("col", "arr"), ("val", None)), ())],
    "when": [((("c", "b"), ("val", 1)), ())],
    "make_date": [((("lit", 2024), ("lit", 2), ("lit", 29)), ())],
    "make_interval": [
        ((("col", "i"),), ()),
        ((), (("hours", ("col", "i")),)),
        ((), (("secs", ("col", "d")),)),
    ],
    "try_make_interval": [((("col", "i"),), ()), ((), (("secs", ("col", "d")),))],
    "make_ym_interval": [((("col", "i"),), ()), ((("col", "i"), ("col", "i")), ())],
    "make_timestamp": [
        ((("lit", 2024), ("lit", 2), ("lit", 29), ("lit", 13), ("lit", 45), ("lit", 7.5)), ()),
        (
            (
                ("lit", 2024),
                ("lit", 2),
                ("lit", 29),
                ("lit", 13),
                ("lit", 45),
                ("lit", 7.5),
                ("lit", "Europe/Paris"),
            ),
            (),
        ),
    ],
    "make_timestamp_ltz": [
        ((("lit", 2024), ("lit", 2), ("lit", 29), ("lit", 13), ("lit", 45), ("lit", 7.5)), ()),
    ],
    "make_timestamp_ntz": [
        ((("lit", 2024), ("lit", 2), ("lit", 29), ("lit", 13), ("lit", 45), ("lit", 7.5)), ()),
    ],
    "try_make_timestamp": [
        ((("lit", 2024), ("lit", 2), ("lit", 30), ("lit", 13), ("lit", 45), ("lit", 7.5)), ()),
    ],
    "try_make_timestamp_ntz": [
        ((("lit", 2024), ("lit", 2), ("lit", 29), ("lit", 13), ("lit", 45), ("lit", 7.5)), ()),
    ],
    "make_time": [((("lit", 13), ("lit", 45), ("lit", 7.5)), ())],
    "timestamp_add": [((("val", "HOUR"), ("col", "i"), ("col", "ts")), ())],
    "timestamp_diff": [((("val", "HOUR"), ("col", "ts"), ("sql", "ts + INTERVAL 1 DAY")), ())],
    "to_time": [((("lit", "13:45:07"),), ()), ((("lit", "13-45"), ("lit", "HH-mm")), ())],
    "try_to_time": [((("lit", "13:45:07"),), ()), ((("lit", "nope"),), ())],
    "time_to_seconds": [((("sql", "TIME'13:45:07.5'"),), ())],
    "time_to_millis": [((("sql", "TIME'13:45:07.5'"),), ())],
    "time_to_micros": [((("sql", "TIME'13:45:07.5'"),), ())],
    "time_from_seconds": [((("col", "d"),), ())],
    "time_from_millis": [((("col", "l"),), ())],
    "time_from_micros": [((("col", "l"),), ())],
    "time_trunc": [((("lit", "HOUR"), ("sql", "TIME'13:45:07.5'")), ())],
    "time_diff": [((("lit", "MINUTE"), ("sql", "TIME'13:45:07'"), ("sql", "TIME'15:00:00'")), ())],
    "flatten": [((("sql", "array(array(1, 2), array(3))"),), ())],
    "map_concat": [((("col", "m"), ("sql", "map('z', 9)")), ())],
    "map_from_arrays": [((("sql", "array('x', 'y')"), ("sql", "array(1, 2)")), ())],
    "map_from_entries": [((("sql", "array(struct('a', 1), struct('b', 2))"),), ())],
    "map_contains_key": [((("col", "m"), ("val", "a")), ())],
    "named_struct": [((("lit", "x"), ("col", "i"), ("lit", "y"), ("col", "s")), ())],
    "sha2": [((("col", "s"), ("val", 256)), ())],
    "stack": [((("lit", 2), ("col", "i"), ("col", "l")), ())],
    "inline": [((("sql", "array(struct(1 AS a, 'x' AS b), struct(2, 'y'))"),), ())],
    "inline_outer": [((("sql", "array(struct(1 AS a, 'x' AS b), struct(2, 'y'))"),), ())],
    "elt": [((("lit", 1), ("col", "s"), ("col", "js")), ())],
    "encode": [((("col", "s"), ("val", "UTF-8")), ())],
    "decode": [((("col", "bin"), ("val", "UTF-8")), ())],
    "parse_url": [
        ((("lit", "https://spark.apache.org/path?q=1"), ("lit", "QUERY")), ()),
        ((("lit", "https://spark.apache.org/path?q=1"), ("lit", "QUERY"), ("lit", "q")), ()),
    ],
    "regexp_extract_all": [
        ((("col", "s"), ("lit", "(\\w)")), ()),
        ((("col", "s"), ("lit", "(\\w)(\\w)"), ("lit", 2)), ()),
    ],
    "to_number": [((("lit", "12.50"), ("lit", "99.99")), ())],
    "try_to_number": [((("col", "s"), ("lit", "99.99")), ())],
    "try_element_at": [((("col", "arr"), ("lit", 2)), ()), ((("col", "m"), ("lit", "a")), ())],
    "schema_of_json": [((("lit", '{"a": 1}'),), ())],
    "variant_get": [((("col", "v"), ("val", "$.a"), ("val", "int")), ())],
    "try_variant_get": [((("col", "v"), ("val", "$.b"), ("val", "int")), ())],
    "from_unixtime": [((("col", "l"),), ()), ((("col", "l"), ("val", "yyyy-MM-dd")), ())],
    "convert_timezone": [
        ((("lit", "UTC"), ("lit", "Europe/Paris"), ("col", "ts")), ()),
        ((("val", None), ("lit", "Europe/Paris"), ("col", "ts")), ()),
    ],
    "histogram_numeric": [((("col", "i"), ("lit", 3)), ())],
    "call_function": [((("val", "abs"), ("col", "i")), ())],
    "reflect": [((("lit", "java.lang.Math"), ("lit", "abs"), ("col", "i")), ())],
    "java_method": [((("lit", "java.lang.Math"), ("lit", "abs"), ("col", "i")), ())],
    "try_reflect": [((("lit", "java.lang.Math"), ("lit", "abs"), ("col", "s")), ())],
    "aes_decrypt": [
        (
            (
                (
                    "sql",
                    "unbase64('83F16B2AA704794132802D248E6BFD4E380078182D1544813898AC97E709B28A94')",
                ),
                ("lit", "0000111122223333"),
            ),
            (),
        ),
    ],
    "aes_encrypt": [((("col", "s"), ("lit", "0000111122223333")), ())],
    "unix_nanos": [((("col", "ts"),), ())],
    **{
        name: [((("lit", "<a><b>1</b><b>2</b></a>"), ("lit", "a/b")), ())]
        for name in (
            "xpath",
            "xpath_boolean",
            "xpath_double",
            "xpath_float",
            "xpath_int",
            "xpath_long",
            "xpath_number",
            "xpath_short",
            "xpath_string",
        )
    },
}

#: Wrappers tried, in order, when PySpark's error mentions the clue: a window function
#: over a window, an interval (which Python cannot collect) as a string.
WRAP_CLUES = (("over", "window"), ("string", "interval"))

#: Column hints by parameter name: what a parameter so named is tried with first.
COLUMN_HINTS = {"timestamp": "ts", "date": "dt", "start": "dt", "end": "dt", "json": "js"}
INT_HINTS = {"fromBase": 10, "toBase": 2, "numBucket": 3, "seed": 42, "accuracy": 100, "k": 2}
STR_HINTS = {
    "format": "yyyy-MM-dd",
    "fmt": "yyyy-MM-dd",
    "sep": ",",
    "delimiter": ",",
    "pattern": "b",
    "regexp": "b",
    "replacement": "X",
    "tz": "UTC",
    "collation": "UTF8_LCASE",
    "col": "s",
    "str": "i + 1",
    "funcName": "abs",
    "pad": "*",
    "substr": "b",
    "windowDuration": "1 hour",
    "slideDuration": "30 minutes",
    "startTime": "0 seconds",
    "gapDuration": "1 hour",
    "dayOfWeek": "Mon",
    "schema": "a INT, b STRING",
    "field": "YEAR",
    "unit": "HOUR",
    "path": "$.a",
    "paths": "$.a",
}
FLOAT_HINTS = {"rsd": 0.05, "eps": 0.1, "confidence": 0.9, "percentage": 0.5}


def token(parameter: inspect.Parameter, family: str) -> tuple[str, Any]:
    """A sample argument for ``parameter`` whose column arguments are of ``family``."""
    text, name = str(parameter.annotation), parameter.name
    if "Callable" in text:
        return ("fn", "x")
    if "Mapping" in text:
        return ("val", {"mode": "PERMISSIVE"})
    if "ColumnOrName" in text:
        if "int" in text.replace("Column", ""):
            return ("val", INT_HINTS.get(name, 1))
        return ("col", COLUMN_HINTS.get(name, family))
    plain_column = ("<class 'pyspark.sql.column.Column'>", "Column")
    if text in plain_column or "Optional[ForwardRef('Column')]" in text:
        return ("lit", STR_HINTS.get(name, 1))
    if "str" in text:
        return ("val", STR_HINTS.get(name, "a"))
    if "bool" in text:
        return ("val", True)
    if "float" in text:
        return ("val", FLOAT_HINTS.get(name, 0.5))
    if "int" in text:
        return ("val", INT_HINTS.get(name, 2))
    return ("val", 1)


def attempts(function: Any) -> Iterator[tuple[tuple, tuple]]:
    """Calls of ``function`` with its required arguments, one family of columns at a time."""
    parameters = list(inspect.signature(function).parameters.values())
    required = [p for p in parameters if p.default is p.empty and p.kind is not p.VAR_KEYWORD]
    seen = set()
    for family in FAMILIES:
        args: list[tuple[str, Any]] = []
        for p in required:
            args += [token(p, family)] * (2 if p.kind is p.VAR_POSITIONAL else 1)
        call = (tuple(args), ())
        if repr(call) not in seen:
            seen.add(repr(call))
            yield call


def optionals(function: Any, family: str) -> list[tuple[str, tuple[str, Any]]]:
    """Each optional argument of ``function`` with a sample value."""
    return [
        (p.name, token(p, family))
        for p in inspect.signature(function).parameters.values()
        if p.default is not p.empty
    ]


def shape(df: Any) -> str:
    """How Spark evaluates a one-column select: aggregate, generator or scalar."""
    tree = df._jdf.queryExecution().analyzed().treeString()
    nodes = {line.lstrip(" :+-").split(" ", 1)[0] for line in tree.splitlines()}
    if "Aggregate" in nodes:
        return "aggregate"
    return "generator" if "Generate" in nodes else "scalar"


def evaluate(spec: tuple, F: Any, Window: Any, df: Any) -> tuple[str | None, str]:
    """The shape of ``spec`` in classic PySpark, or None and the error it raises."""
    try:
        selected = df.select(build(spec, F, Window, df))
        selected.collect()
        return shape(selected), ""
    except Exception as exc:
        return None, str(exc)


def specs_of(name: str, function: Any, F: Any, Window: Any, df: Any) -> list[tuple]:
    """The generated specs of one function: a working call (over a window if needed),
    its optional arguments each given, and the first call PySpark rejects."""
    specs: list[tuple] = []
    failed: tuple | None = None
    calls = SAMPLES.get(name)
    for args, kwargs in calls if calls is not None else attempts(function):
        spec: tuple = (name, args, kwargs, "", "")
        found, message = evaluate(spec, F, Window, df)
        for wrap, clue in WRAP_CLUES:
            if found is None and clue in message.lower():
                spec = (name, args, kwargs, wrap, "")
                found, message = evaluate(spec, F, Window, df)
        if found is None:
            failed = failed or (name, args, kwargs, "", "error")
            continue
        specs.append(spec[:4] + (found,))
        if calls is not None:
            continue
        family = next((v for k, v in args if k == "col"), "s")
        for option in optionals(function, family):
            variant = (name, args, (option,), spec[3], "")
            found, _ = evaluate(variant, F, Window, df)
            specs.append(variant[:4] + (found or "error",))
        break
    if failed is not None:
        specs.append(failed)
    return specs


def generate(only: Sequence[str] = ()) -> str:
    """The module's text; with ``only``, those functions' specs generated again and the
    others' kept."""
    import pyspark.sql.functions as F
    from pyspark.sql import Window

    from sparkflight.flight_server.runtime import start_spark
    from tests.conftest import SERVER_MASTER, SPARK_CONF

    spark = start_spark(SERVER_MASTER, SPARK_CONF, app_name="parity-cases")
    df = sample_frame(spark, F)
    specs: list[tuple] = []
    if only:
        from tests.client.parity_cases import FUNCTION_SPECS

        specs = [spec for spec in FUNCTION_SPECS if spec[0] not in only]
    for name in sorted(only or F.__all__):
        function = getattr(F, name)
        if inspect.isfunction(function) and name not in NOT_COLUMNS:
            specs += specs_of(name, function, F, Window, df)
    specs.sort(key=lambda spec: spec[0])
    errors = rejections(specs, spark, F, Window)
    spark.stop()
    return (
        '"""Generated calls of every function of pyspark.sql.functions (see\n'
        "``tests/client/parity.py`` for the spec format), and the error in-process PySpark\n"
        "raises for each call it rejects: spec id -> (exception class, error condition).\n\n"
        'Generated by ``python -m tests.client.generate_parity_cases``; do not edit.\n"""\n\n'
        "# fmt: off\n"
        "# ruff: noqa: E501\n"
        f"FUNCTION_SPECS = {pprint.pformat(specs, width=100)}\n\n"
        f"FUNCTION_ERRORS = {pprint.pformat(errors, width=100)}\n"
    )


def rejections(
    specs: Sequence[tuple], spark: Any, F: Any, Window: Any
) -> dict[str, tuple[str, str | None]]:
    """What PySpark raises for each spec of shape ``error``, evaluated as the test would:
    spec id -> (exception class, condition)."""
    failing = [spec for spec in specs if spec[4] == "error"]
    engine = SimpleNamespace(spark=spark, F=F, Window=Window)
    errors = {}
    for spec, outcome in zip(failing, run(engine, failing, 1), strict=True):
        if outcome.error is None:
            raise AssertionError(f"PySpark no longer rejects {spec_id(spec)}")
        errors[spec_id(spec)] = (outcome.error.split(":", 1)[0], outcome.condition)
    return errors


if __name__ == "__main__":
    _OUTPUT.write_text(generate(sys.argv[1:]))
