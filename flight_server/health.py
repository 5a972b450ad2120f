"""Whether the server's Spark lives: its JVM and its Spark context, and the probes that say so.

pyspark drives one JVM per process, usually one it launched itself
(``SparkContext._gateway.proc``). That JVM can end under the server: Spark exits it on an
``OutOfMemoryError`` in its own threads (under ``local[*]`` tasks run in it), a query can
call ``java.lang.System.exit``, the kernel or an operator can kill it. A Spark context
can also stop while its JVM runs (a cluster manager ending the application). Neither comes
back: a :class:`SparkWatch` tells that it happened and why, without running a Spark job;
the server then refuses calls and its process exits (flight_server/launch.py) for its
supervisor to restart it. A context stopped by this process's own ``SparkContext.stop()``
is a shutdown, not a failure.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from py4j.protocol import Py4JError
from pyspark import SparkContext

from sparkflight.plans import sparkflight_pb2 as sf

#: Exit status of a server whose Spark stopped under it.
EXIT_SPARK_STOPPED = 3
#: Exit status of a server whose Spark's JVM ran out of memory.
EXIT_OUT_OF_MEMORY = 4
#: Seconds between two looks of the server's watchdog at Spark.
WATCH_INTERVAL_S = 1.0
#: Longest wait, once Spark stopped or stopped answering, for its JVM to exit, whose exit
#: status tells why.
EXIT_WAIT_S = 10.0
#: Seconds a JVM that still runs after Spark stopped gets to end on SIGTERM before SIGKILL.
JVM_TERM_WAIT_S = 10.0
_POLL_S = 0.1

#: What Spark's own exit statuses of its JVM mean (``org.apache.spark.util.SparkExitCode``),
#: and the server's exit status for each; any other status is the server's
#: :data:`EXIT_SPARK_STOPPED`.
_SPARK_EXITS: dict[int, tuple[str, int]] = {
    50: ("ended on an uncaught exception in one of Spark's threads", EXIT_SPARK_STOPPED),
    51: ("ended on an uncaught exception in one of Spark's threads", EXIT_SPARK_STOPPED),
    52: ("ran out of memory (java.lang.OutOfMemoryError)", EXIT_OUT_OF_MEMORY),
}


@dataclass(frozen=True)
class SparkStopped:
    """Spark stopped under the server: why, and the status the server's process exits with."""

    reason: str
    exit_status: int = EXIT_SPARK_STOPPED

    @property
    def message(self) -> str:
        """What clients and the log are told."""
        return (
            f"Spark has stopped on this server: {self.reason}. The server takes no more "
            "calls and exits"
        )


def jvm_ended(status: int) -> SparkStopped:
    """Why Spark stopped, from its JVM's exit status (negative: the signal that killed it)."""
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = str(-status)
        return SparkStopped(f"its JVM was killed by signal {name}")
    meaning, exit_status = _SPARK_EXITS.get(status, ("exited", EXIT_SPARK_STOPPED))
    return SparkStopped(f"its JVM {meaning} with exit status {status}", exit_status)


@dataclass(frozen=True)
class Health:
    """What the probes answer: live (Spark's JVM and context run), ready (live, and the
    server takes new calls) and why not."""

    live: bool
    ready: bool
    reason: str = ""

    def response(self) -> sf.HealthResponse:
        """The answer of the ``health`` action."""
        return sf.HealthResponse(live=self.live, ready=self.ready, reason=self.reason)


class SparkWatch:
    """Tells whether the Spark of one ``SparkContext`` stopped under this process, and why.

    Looking costs a ``waitpid`` on the JVM pyspark launched and one py4j call
    (``SparkContext.isStopped``): no Spark job. Once Spark is found stopped the verdict is
    kept.
    """

    def __init__(self, context: SparkContext) -> None:
        self._context = context
        #: The JVM process pyspark launched (None when it joined a running gateway).
        self._jvm: subprocess.Popen[bytes] | None = getattr(context._gateway, "proc", None)
        self._stopped: SparkStopped | None = None
        self._lock = threading.Lock()

    @property
    def stopped(self) -> SparkStopped | None:
        """Why Spark stopped, as last seen (None while it runs)."""
        return self._stopped

    def check(self) -> SparkStopped | None:
        """Look now: why Spark stopped, or None while it runs."""
        if self._stopped is None:
            verdict = self._look()
            if verdict is not None:
                with self._lock:
                    self._stopped = self._stopped or verdict
        return self._stopped

    def _exit_status(self) -> int | None:
        return self._jvm.poll() if self._jvm is not None else None

    def _stopped_here(self) -> bool:
        """Whether this process stopped the context (pyspark drops its handle when done)."""
        return self._context._jsc is None

    def _look(self) -> SparkStopped | None:
        jsc = self._context._jsc
        if jsc is None:
            return None
        status = self._exit_status()
        if status is not None:
            return jvm_ended(status)
        why = self._why_not_running(jsc)
        return None if why is None else self._after_exit(jsc, why)

    @staticmethod
    def _why_not_running(jsc: Any) -> str | None:
        """None while the Spark context runs, else why not."""
        try:
            return "its Spark context was stopped" if jsc.sc().isStopped() else None
        except (Py4JError, OSError) as exc:
            return f"its JVM does not answer ({exc!r})"

    def _after_exit(self, jsc: Any, why: str) -> SparkStopped | None:
        """Why Spark stopped, from its JVM's exit if it exits within :data:`EXIT_WAIT_S`
        (a JVM that exits stops its context first), else why it still does not run; None
        when this process stopped the context meanwhile, or the JVM answers again."""
        deadline = time.monotonic() + EXIT_WAIT_S
        while True:
            if self._stopped_here():
                return None
            status = self._exit_status()
            if status is not None:
                return jvm_ended(status)
            if time.monotonic() >= deadline:
                break
            time.sleep(_POLL_S)
        why = self._why_not_running(jsc)
        return None if why is None else SparkStopped(why)

    def end_jvm(self) -> None:
        """End the JVM pyspark launched if it still runs: SIGTERM, then SIGKILL."""
        if self._jvm is None or self._jvm.poll() is not None:
            return
        self._jvm.terminate()
        try:
            self._jvm.wait(JVM_TERM_WAIT_S)
        except subprocess.TimeoutExpired:
            self._jvm.kill()
            self._jvm.wait()


_watches: weakref.WeakKeyDictionary[SparkContext, SparkWatch] = weakref.WeakKeyDictionary()
_watches_lock = threading.Lock()


def watch_of(context: SparkContext) -> SparkWatch:
    """The one :class:`SparkWatch` of ``context``."""
    with _watches_lock:
        watch = _watches.get(context)
        if watch is None:
            watch = _watches[context] = SparkWatch(context)
        return watch


def spark_stopped() -> SparkStopped | None:
    """Why the Spark of this process stopped under it, looking now; None while it runs or
    when the process has none."""
    context = SparkContext._active_spark_context
    return watch_of(context).check() if context is not None else None


#: The HTTP probes: path, and what of :class:`Health` each one answers.
PROBES: dict[str, Callable[[Health], bool]] = {
    "/healthz": lambda health: health.live,
    "/readyz": lambda health: health.ready,
}

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def with_probes(app: Wsgi, health: Callable[[], Health]) -> Wsgi:
    """``app`` with :data:`PROBES` in front: ``200 ok``, or ``503`` and why not."""

    def probed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        probe = PROBES.get(environ.get("PATH_INFO", ""))
        if probe is None:
            return app(environ, start_response)
        now = health()
        good = probe(now)
        body = ("ok" if good else now.reason).encode() + b"\n"
        status = "200 OK" if good else "503 Service Unavailable"
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ]
        start_response(status, headers)
        return [body]

    return probed
