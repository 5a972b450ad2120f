"""Spark functions and their standard Substrait twins.

One row per function that means the same in Spark and in a standard Substrait
extension. Producers use it to send the standard name; consumers use it to
find the Spark function behind a standard name. Every other Spark function
travels by its Spark name under :data:`sparkflight.plans.extensions.SPARK_FUNCTIONS_URN`.

Spark functions deliberately *not* mapped because their semantics differ:
``/`` (Spark divides integers to a double; Substrait's ``divide`` keeps
integers), ``trim`` family (Substrait takes the characters as a second
argument in the other order), ``round`` (rounding mode), ``median``
(Substrait's takes a precision enum as its first argument). Substrait's
``least``/``greatest`` return null when any argument is null; Spark's skip
nulls like Substrait's ``least_skip_null``/``greatest_skip_null``. Spark's
``product`` is not in its SQL function registry, so it has no row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sparkflight.plans.extensions import STANDARD_URN_PREFIX


@dataclass(frozen=True)
class StandardTwin:
    spark: str
    extension: str
    substrait: str

    @property
    def urn(self) -> str:
        return STANDARD_URN_PREFIX + self.extension


_TABLE: tuple[tuple[str, str, str], ...] = (
    # Spark name, standard extension, Substrait name
    ("+", "functions_arithmetic", "add"),
    ("-", "functions_arithmetic", "subtract"),
    ("*", "functions_arithmetic", "multiply"),
    ("negative", "functions_arithmetic", "negate"),
    ("%", "functions_arithmetic", "modulus"),
    ("power", "functions_arithmetic", "power"),
    ("sqrt", "functions_arithmetic", "sqrt"),
    ("exp", "functions_arithmetic", "exp"),
    ("abs", "functions_arithmetic", "abs"),
    ("sign", "functions_arithmetic", "sign"),
    ("sin", "functions_arithmetic", "sin"),
    ("cos", "functions_arithmetic", "cos"),
    ("tan", "functions_arithmetic", "tan"),
    ("asin", "functions_arithmetic", "asin"),
    ("acos", "functions_arithmetic", "acos"),
    ("atan", "functions_arithmetic", "atan"),
    ("atan2", "functions_arithmetic", "atan2"),
    ("sinh", "functions_arithmetic", "sinh"),
    ("cosh", "functions_arithmetic", "cosh"),
    ("tanh", "functions_arithmetic", "tanh"),
    ("radians", "functions_arithmetic", "radians"),
    ("degrees", "functions_arithmetic", "degrees"),
    ("factorial", "functions_arithmetic", "factorial"),
    ("&", "functions_arithmetic", "bitwise_and"),
    ("|", "functions_arithmetic", "bitwise_or"),
    ("^", "functions_arithmetic", "bitwise_xor"),
    ("sum", "functions_arithmetic", "sum"),
    ("avg", "functions_arithmetic", "avg"),
    ("min", "functions_arithmetic", "min"),
    ("max", "functions_arithmetic", "max"),
    ("stddev_samp", "functions_arithmetic", "std_dev"),
    ("var_samp", "functions_arithmetic", "variance"),
    ("corr", "functions_arithmetic", "corr"),
    ("mode", "functions_arithmetic", "mode"),
    ("row_number", "functions_arithmetic", "row_number"),
    ("rank", "functions_arithmetic", "rank"),
    ("dense_rank", "functions_arithmetic", "dense_rank"),
    ("percent_rank", "functions_arithmetic", "percent_rank"),
    ("cume_dist", "functions_arithmetic", "cume_dist"),
    ("ntile", "functions_arithmetic", "ntile"),
    ("count", "functions_aggregate_generic", "count"),
    ("any_value", "functions_aggregate_generic", "any_value"),
    ("approx_count_distinct", "functions_aggregate_approx", "approx_count_distinct"),
    ("=", "functions_comparison", "equal"),
    ("<", "functions_comparison", "lt"),
    (">", "functions_comparison", "gt"),
    ("<=", "functions_comparison", "lte"),
    (">=", "functions_comparison", "gte"),
    ("<=>", "functions_comparison", "is_not_distinct_from"),
    ("isnull", "functions_comparison", "is_null"),
    ("isnotnull", "functions_comparison", "is_not_null"),
    ("isnan", "functions_comparison", "is_nan"),
    ("coalesce", "functions_comparison", "coalesce"),
    ("least", "functions_comparison", "least_skip_null"),
    ("greatest", "functions_comparison", "greatest_skip_null"),
    ("between", "functions_comparison", "between"),
    ("and", "functions_boolean", "and"),
    ("or", "functions_boolean", "or"),
    ("not", "functions_boolean", "not"),
    ("bool_and", "functions_boolean", "bool_and"),
    ("bool_or", "functions_boolean", "bool_or"),
    ("concat", "functions_string", "concat"),
    ("like", "functions_string", "like"),
    ("substring", "functions_string", "substring"),
    ("upper", "functions_string", "upper"),
    ("lower", "functions_string", "lower"),
    ("length", "functions_string", "char_length"),
    ("octet_length", "functions_string", "octet_length"),
    ("bit_length", "functions_string", "bit_length"),
    ("startswith", "functions_string", "starts_with"),
    ("endswith", "functions_string", "ends_with"),
    ("contains", "functions_string", "contains"),
    ("instr", "functions_string", "strpos"),
    ("replace", "functions_string", "replace"),
    ("reverse", "functions_string", "reverse"),
    ("repeat", "functions_string", "repeat"),
    ("lpad", "functions_string", "lpad"),
    ("rpad", "functions_string", "rpad"),
    ("initcap", "functions_string", "initcap"),
    ("left", "functions_string", "left"),
    ("right", "functions_string", "right"),
    ("ln", "functions_logarithmic", "ln"),
    ("log10", "functions_logarithmic", "log10"),
    ("log2", "functions_logarithmic", "log2"),
    ("ceil", "functions_rounding", "ceil"),
    ("floor", "functions_rounding", "floor"),
)

TWINS: tuple[StandardTwin, ...] = tuple(StandardTwin(*row) for row in _TABLE)
BY_SPARK_NAME: dict[str, StandardTwin] = {t.spark: t for t in TWINS}
BY_SUBSTRAIT_NAME: dict[str, StandardTwin] = {t.substrait: t for t in TWINS}

#: Names other producers use for standard functions, and their Spark twin.
PRODUCER_ALIASES: dict[str, str] = {
    "not_equal": "!=",
    "divide": "/",
    "mod": "%",
    "characters_length": "length",
    "char_length": "length",
    "substr": "substring",
    "is_not_distinct_from": "<=>",
    "count_star": "count",
    "std_dev": "stddev_samp",
    "stddev": "stddev_samp",
    # DataFusion's own names.
    "str_concat": "concat",
    "regex_match": "rlike",
    "var": "var_samp",
    "approx_distinct": "approx_count_distinct",
    "make_array": "array",
}


def standard_twin(spark_name: str) -> StandardTwin | None:
    """The standard twin of a Spark function, if it has one."""
    return BY_SPARK_NAME.get(spark_name)


def spark_name_for(substrait_name: str) -> str:
    """The Spark function behind a standard Substrait function name (bare or compound)."""
    base = substrait_name.split(":", 1)[0]
    twin = BY_SUBSTRAIT_NAME.get(base)
    if twin is not None:
        return twin.spark
    return PRODUCER_ALIASES.get(base, base)
