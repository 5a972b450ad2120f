"""A target's worker process: opens the target, prepares suites, runs cases on request.

The benchmark process talks to each worker over a pipe. After ``("ready", server_pid)``
(or ``("error", message)``) the worker answers ``("prepare", suite, options)`` with
``("ok",)``, ``("run", suite, case)`` with ``("ok", seconds, outcome)``, each failure with
``("error", message)``, and ``("stop",)`` by closing the target and exiting.
"""

from __future__ import annotations

import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from sparkflight.benchmarks.suites import SUITES
from sparkflight.benchmarks.targets import TARGETS, SparkSettings, terminate_with_parent


def _error(exc: BaseException) -> tuple[str, str]:
    text = "".join(traceback.format_exception_only(exc)).strip()
    return ("error", text.splitlines()[0] if text else type(exc).__name__)


def main(pipe: Connection, target_name: str, settings: SparkSettings, url: str | None) -> None:
    """Serve requests on ``target_name`` until told to stop (or the benchmark ends)."""
    terminate_with_parent()
    try:
        target = TARGETS[target_name](settings, url)
    except BaseException as exc:
        pipe.send(_error(exc))
        return
    states: dict[str, Any] = {}
    try:
        pipe.send(("ready", target.server_pid))
        while True:
            request = pipe.recv()
            kind, suite = request[0], SUITES.get(request[1]) if len(request) > 1 else None
            if kind == "stop" or suite is None:
                return
            began = time.perf_counter()
            try:
                if kind == "prepare":
                    states[suite.name] = suite.prepare(target, request[2])
                    pipe.send(("ok",))
                else:
                    outcome = suite.run(target, states.get(suite.name), request[2])
                    pipe.send(("ok", time.perf_counter() - began, outcome))
            except Exception as exc:
                pipe.send(_error(exc))
    finally:
        target.close()
