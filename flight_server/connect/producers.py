"""Where a Substrait producer's plans deviate from the specification, and how they are read.

Every plan is read by the specification's semantics, except for the deviations listed in
:data:`QUIRKS`, keyed by ``Plan.version.producer`` (compared case-insensitively): each
entry names the producer, the versions it was seen in and the deviation it corrects, and
applies to the producer's plans of Substrait versions before the one that fixed it (all of
them while no fix is known).
"""

from __future__ import annotations

from dataclasses import dataclass

from substrait import plan_pb2


@dataclass(frozen=True)
class Quirk:
    """One producer's deviation from the specification."""

    producer: str
    #: The producer's versions (and the Substrait version its plans declare) it was seen in.
    seen_in: str
    #: What the producer's plans mean, against what the specification says.
    deviation: str
    #: The Substrait version (major, minor, patch) of the producer's first plans without it.
    fixed_in: tuple[int, int, int] | None = None
    #: The standard names of the producer's own function names, by name and argument count.
    function_names: tuple[tuple[str, int, str], ...] = ()


PROJECT_REPLACES_INPUT = Quirk(
    producer="DuckDB",
    seen_in="the substrait extension of DuckDB 1.1.3 (plans of Substrait 0.53)",
    deviation=(
        "a ProjectRel without emit outputs its expressions only, where the specification "
        "appends them to the input's columns"
    ),
)

GROUPING_SET_INDEX_AFTER_KEYS = Quirk(
    producer="DataFusion",
    seen_in="DataFusion 55 (plans of Substrait 0.85)",
    deviation=(
        "an AggregateRel of several grouping sets outputs the grouping set index right after "
        "the grouping keys, where the specification puts it after the measures"
    ),
)

DUCKDB_FUNCTION_NAMES = Quirk(
    producer="DuckDB",
    seen_in="the substrait extension of DuckDB 1.1.3 (plans of Substrait 0.53)",
    deviation=(
        "names functions outside Substrait's standard extensions: '||' for concat, and "
        "subtract of one argument for negate"
    ),
    function_names=(("||", 2, "concat"), ("subtract", 1, "negate")),
)

#: Each producer's deviations, by ``Plan.version.producer`` in lower case.
QUIRKS: dict[str, tuple[Quirk, ...]] = {
    "duckdb": (PROJECT_REPLACES_INPUT, DUCKDB_FUNCTION_NAMES),
    "datafusion": (GROUPING_SET_INDEX_AFTER_KEYS,),
}


def quirks(version: plan_pb2.Version) -> frozenset[Quirk]:
    """The deviations of the producer of a plan of ``version``."""
    declared = (version.major_number, version.minor_number, version.patch_number)
    return frozenset(
        quirk
        for quirk in QUIRKS.get(version.producer.strip().lower(), ())
        if quirk.fixed_in is None or declared < quirk.fixed_in
    )


def standard_name(found: frozenset[Quirk], name: str, arguments: int) -> str:
    """The standard name of function ``name`` called with ``arguments`` arguments, in the
    plan of a producer with the deviations ``found``."""
    base = name.split(":", 1)[0]
    for quirk in found:
        for producer_name, arity, standard in quirk.function_names:
            if producer_name == base and arity == arguments:
                return standard
    return name
