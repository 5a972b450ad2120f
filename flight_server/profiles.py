"""UDF profiles (``spark.profile``): what PySpark's profiler gathered for a session's own
Python functions.

With ``spark.sql.pyspark.udf.profiler`` set (``perf`` or ``memory``), Spark's Python
workers send the profile of each Python function to the server's Python process, keyed
by the function's result id, into one collector for the whole server. After each query
of a session that profiles, the server notes the result ids of the Python functions in
the query's analyzed plan; a session sees and clears the profiles of those ids only.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from pyspark.profiler import MemoryProfiler
from pyspark.sql import DataFrame

from sparkflight.flight_server.errors import INVALID_ACTION_BODY, SparkFlightError

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

PROFILER_CONF = "spark.sql.pyspark.udf.profiler"
#: The kinds of profile, as ``spark.profile``'s ``type`` names them.
KINDS = ("perf", "memory")


def _python_function_ids(node: Any, ids: set[int]) -> set[int]:
    """The result ids of the Python functions in a plan's JSON form (``TreeNode.toJSON``)."""
    if isinstance(node, dict):
        if "Python" in str(node.get("class", "")) and isinstance(node.get("resultId"), dict):
            ids.add(int(node["resultId"]["id"]))
        for value in node.values():
            _python_function_ids(value, ids)
    elif isinstance(node, list):
        for value in node:
            _python_function_ids(value, ids)
    return ids


def note_functions(session: Session, df: DataFrame) -> None:
    """Note the Python functions of ``df``'s query as the session's, when it profiles."""
    with session.lock:
        profiling = session.conf_set.get(PROFILER_CONF)
    if not profiling:  # the tasks see the session's profiler only when the client set it
        return
    plan = json.loads(df._jdf.queryExecution().analyzed().toJSON())
    ids = _python_function_ids(plan, set())
    with session.lock:
        session.profiled_ids.update(ids)


def _own(session: Session, udf_id: int | None) -> list[int]:
    with session.lock:
        ids = sorted(session.profiled_ids)
    return ids if udf_id is None else [i for i in ids if i == udf_id]


def _perf(stats: Any) -> list[Any]:
    """A ``pstats.Stats`` as JSON: its ``stats`` table, callers included."""
    rows = []
    for key, (calls, primitive, total, cumulative, callers) in stats.stats.items():
        caller_rows = [
            [list(c), list(v) if isinstance(v, tuple) else v] for c, v in callers.items()
        ]
        rows.append([list(key), [calls, primitive, total, cumulative, caller_rows]])
    return rows


def _memory_text(code_map: Any) -> str:
    out = io.StringIO()
    MemoryProfiler._show_results(code_map, stream=out)
    return out.getvalue()


def _entry(result: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if result.get("perf") is not None:
        entry["perf"] = _perf(result["perf"])
    if result.get("memory") is not None:
        entry["memory"] = result["memory"]
        entry["memory_text"] = _memory_text(result["memory"])
    return entry


def profiles(session: Session, clear: bool, udf_id: int | None, kind: str) -> str:
    """The session's profiles as JSON (docs/protocol.md, "UDF profiles"), after clearing
    those of ``udf_id`` (all without it) of ``kind`` (both without it) when ``clear``."""
    if kind and kind not in KINDS:
        raise SparkFlightError(
            INVALID_ACTION_BODY, f"unknown profile type {kind!r}: expected one of {list(KINDS)}"
        )
    collector = session.spark._profiler_collector
    own = _own(session, udf_id)
    if clear:
        for own_id in own:
            if kind in ("", "perf"):
                collector.clear_perf_profiles(own_id)
            if kind in ("", "memory"):
                collector.clear_memory_profiles(own_id)
    gathered = collector._profile_results
    entries = {str(i): _entry(gathered[i]) for i in own if gathered.get(i)}
    return json.dumps({i: e for i, e in entries.items() if e})
