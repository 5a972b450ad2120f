"""``spark.profile``: the profiles of this session's Python UDFs, as PySpark's ``Profile``.

Set ``spark.sql.pyspark.udf.profiler`` to ``perf`` (cProfile) or ``memory`` (the
``memory_profiler`` package, on the server) and run queries with Python UDFs; Spark's
Python workers gather each UDF's profile on the server, which keeps them for the session
(docs/protocol.md, "UDF profiles"). Perf profiles arrive as ``pstats.Stats``.
"""

from __future__ import annotations

import json
import os
import pstats
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sparkflight.client.errors import PySparkValueError, not_supported, value_not_allowed
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import PROFILE
from sparkflight.plans.protocol import PROFILES

if TYPE_CHECKING:
    from sparkflight.client.session import SparkSession

KINDS = ("perf", "memory")


def _type_not_allowed() -> PySparkValueError:
    return value_not_allowed("type", list(KINDS))


def _kinds(type: str | None) -> tuple[str, ...]:
    """The profile kinds ``type`` names: both when None (perf first)."""
    if type is None:
        return KINDS
    if type not in KINDS:
        raise _type_not_allowed()
    return (type,)


class _Table:
    """A pstats table received from the server, in the form ``pstats.Stats`` loads."""

    def __init__(self, rows: list[Any]) -> None:
        self.stats = {
            tuple(function): (
                calls,
                primitive,
                total,
                cumulative,
                {tuple(c): tuple(v) if isinstance(v, list) else v for c, v in callers},
            )
            for function, (calls, primitive, total, cumulative, callers) in rows
        }

    def create_stats(self) -> None:
        """Nothing to do: the table is made (``pstats.Stats`` calls this)."""


def _code_map(value: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        file: [(line, tuple(usage) if usage else None, text) for line, usage, text in lines]
        for file, lines in value.items()
    }


def _render_flameprof(stats: pstats.Stats) -> Any:
    try:
        from flameprof import render  # type: ignore[import-not-found]
    except ImportError:
        raise PySparkValueError(
            errorClass="PACKAGE_NOT_INSTALLED",
            messageParameters={"package_name": "flameprof", "minimum_version": "0.4"},
        ) from None
    svg = render(stats.stats)
    try:
        from IPython.display import HTML  # type: ignore[import-not-found]

        return HTML(svg)
    except ImportError:
        return svg


#: The named renderers of ``render``, by (type, name).
_RENDERERS: dict[tuple[str, str | None], Callable[[Any], Any]] = {
    ("perf", None): _render_flameprof,
    ("perf", "flameprof"): _render_flameprof,
}


class Profile:
    """``spark.profile``: show, dump, render and clear this session's UDF profiles."""

    def __init__(self, session: SparkSession) -> None:
        self._session = session

    def _results(self, clear: bool = False, id: int | None = None, type: str = "") -> dict:
        session = self._session
        if session._server_protocol < PROFILES.version:
            raise not_supported(
                f"spark.profile with a server of protocol older than {PROFILES.version}"
            )
        request = sf.ProfileRequest(clear=clear, type=type)
        if id is not None:
            request.id = id
        response = session._connection.action(PROFILE, request)
        return {int(k): v for k, v in json.loads(response.results_json or "{}").items()}

    @staticmethod
    def _ids(results: dict[int, Any], id: int | None) -> list[int]:
        return [id] if id is not None else sorted(results)

    @staticmethod
    def _perf(entry: dict[str, Any]) -> pstats.Stats | None:
        rows = entry.get("perf")
        return pstats.Stats(_Table(rows)) if rows else None  # type: ignore[arg-type]

    def show(self, id: int | None = None, *, type: str | None = None) -> None:
        """Print the profiles (of UDF ``id``; perf and memory unless ``type`` says which)."""
        kinds = _kinds(type)
        results = self._results()
        for kind in kinds:
            for udf_id in self._ids(results, id):
                entry = results.get(udf_id, {})
                stats = self._perf(entry) if kind == "perf" else None
                text = entry.get("memory_text") if kind == "memory" else None
                if stats is None and text is None:
                    continue
                print("=" * 60)
                print(f"Profile of UDF<id={udf_id}>")
                print("=" * 60)
                if stats is not None:
                    stats.sort_stats("time", "cumulative").print_stats()
                else:
                    print(text, end="")

    def dump(self, path: str, id: int | None = None, *, type: str | None = None) -> None:
        """Write the profiles to directory ``path`` on the client: ``udf_<id>_perf.pstats``
        (for ``pstats``/snakeviz) and ``udf_<id>_memory.txt``."""
        kinds = _kinds(type)
        results = self._results()
        for udf_id in self._ids(results, id):
            entry = results.get(udf_id, {})
            stats = self._perf(entry)
            if "perf" in kinds and stats is not None:
                os.makedirs(path, exist_ok=True)
                stats.dump_stats(os.path.join(path, f"udf_{udf_id}_perf.pstats"))
            if "memory" in kinds and entry.get("memory_text") is not None:
                os.makedirs(path, exist_ok=True)
                target = os.path.join(path, f"udf_{udf_id}_memory.txt")
                with open(target, "w", encoding="utf-8") as out:
                    out.write(entry["memory_text"])

    def render(
        self,
        id: int,
        *,
        type: str | None = None,
        renderer: str | Callable[[Any], Any] | None = None,
    ) -> Any:
        """Render UDF ``id``'s profile: ``renderer`` gets the ``pstats.Stats`` (perf, by
        default drawn with flameprof) or the code map (memory)."""
        kind = type or "perf"
        if kind not in KINDS:
            raise _type_not_allowed()
        render = renderer if callable(renderer) else _RENDERERS.get((kind, renderer))
        if render is None:
            raise value_not_allowed("(type, renderer)", list(_RENDERERS))
        entry = self._results(id=id).get(id, {})
        result = self._perf(entry) if kind == "perf" else entry.get("memory")
        if result is None:
            return None
        return render(result if kind == "perf" else _code_map(result))

    def clear(self, id: int | None = None, *, type: str | None = None) -> None:
        """Forget the profiles (of UDF ``id``; of both types unless ``type`` says which)."""
        kinds = _kinds(type)
        self._results(clear=True, id=id, type="" if len(kinds) == 2 else kinds[0])
