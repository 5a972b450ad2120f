"""A target's worker process: opens the target, prepares a suite, runs cases on request.

The benchmark process talks to each worker over a pipe: ``("run", case)`` answers
``("ok", seconds, outcome)`` or ``("error", message)``; ``("stop",)`` closes the target.
"""

from __future__ import annotations

import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.suites import SUITES, Options
from benchmarks.targets import TARGETS, SparkSettings


def _error(exc: BaseException) -> tuple[str, str]:
    text = "".join(traceback.format_exception_only(exc)).strip()
    return ("error", text.splitlines()[0] if text else type(exc).__name__)


def main(
    pipe: Connection, target_name: str, suite_name: str, options: Options, settings: SparkSettings
) -> None:
    """Serve run requests for ``suite_name`` on ``target_name`` until told to stop."""
    suite = SUITES[suite_name]
    try:
        target = TARGETS[target_name](settings)
    except BaseException as exc:
        pipe.send(_error(exc))
        return
    try:
        state: Any = suite.prepare(target, options)
        pipe.send(("ready", target.server_pid))
    except BaseException as exc:
        pipe.send(_error(exc))
        target.close()
        return
    try:
        while True:
            request = pipe.recv()
            if request[0] == "stop":
                return
            began = time.perf_counter()
            try:
                outcome = suite.run(target, state, request[1])
            except Exception as exc:
                pipe.send(_error(exc))
                continue
            pipe.send(("ok", time.perf_counter() - began, outcome))
    finally:
        target.close()
