"""Artifacts: files a client adds to its session for its Python workers (``addArtifacts``).

An upload (DoPut with ``UploadRequest.artifact``) is written to a fresh staging
directory, its size and CRC-32 checked, and handed to the session's Spark
``ArtifactManager`` under ``pyfiles/``, ``archives/`` or ``files/``, which moves it into
the session's own artifact directory and registers it with the SparkContext for that
session only (``spark.sql.artifact.isolation.enabled``, set for every client session).

Spark gives a job its session's artifacts through a thread-local
``JobArtifactState``: Python UDF operators take the session from it when they are
planned, and a job's tasks get the session's files and archives from it when the job
is submitted. Spark's own actions set it (``SQLExecution``); :func:`scope` sets it for
what the server runs itself (planning, partition jobs), and also gives the session's
``.zip``/``.egg`` pyfiles to the Python functions built meanwhile (Spark Connect passes
``ArtifactManager.getPythonIncludes`` the same way).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import tempfile
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from py4j.clientserver import ClientServer
from pyspark.sql import SparkSession

from sparkflight.flight_server.errors import (
    INVALID_ARTIFACT,
    SparkFlightError,
    python_disabled,
)
from sparkflight.flight_server.limits import check_at_most
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session

#: The SQL conf that gives each Spark session its own artifacts.
ISOLATION_CONF = "spark.sql.artifact.isolation.enabled"
_KIND = sf.ArtifactUpload


@dataclass(frozen=True)
class Kind:
    """Where an artifact kind goes in the session's artifact directory, and the names it
    accepts (``None``: any)."""

    directory: str
    suffixes: tuple[str, ...] | None
    needs_python: bool


KINDS: dict[int, Kind] = {
    _KIND.KIND_PYFILE: Kind("pyfiles", (".py", ".zip", ".egg"), needs_python=True),
    _KIND.KIND_ARCHIVE: Kind("archives", (".zip", ".tar.gz", ".tgz", ".tar"), needs_python=True),
    _KIND.KIND_FILE: Kind("files", None, needs_python=False),
}
#: Pyfiles the Python workers put on ``sys.path`` themselves (``.py`` files need not: the
#: session's file directory is on it).
_INCLUDED_SUFFIXES = (".zip", ".egg")
_BAD_NAME = re.compile(r"[/\\\x00]")


def checked_name(name: str, what: str = "artifact name") -> str:
    """``name`` if it is a bare file name: no directory part, not ``.``/``..``."""
    if not name or name in (".", "..") or _BAD_NAME.search(name):
        raise SparkFlightError(
            INVALID_ARTIFACT,
            f"invalid {what} {name!r}: it must be a bare file name, without a directory "
            "part or '..'",
            name=name,
        )
    return name


def enable_isolation(spark: SparkSession) -> None:
    """Give ``spark`` (a new session) artifacts of its own: Spark reads the conf once, when
    the session's ArtifactManager is made, which this does at once."""
    spark.conf.set(ISOLATION_CONF, "true")
    spark._jsparkSession.artifactManager()


def _python_allowed(session: Session, kind: Kind, name: str) -> None:
    if kind.needs_python and not session.limits.python:
        raise python_disabled(
            f"it takes no {kind.directory} artifact such as {name!r}",
            artifact=name,
        )


def _checked(session: Session, request: sf.ArtifactUpload) -> tuple[Kind, str]:
    kind = KINDS.get(request.kind)
    if kind is None:
        raise SparkFlightError(INVALID_ARTIFACT, f"unknown artifact kind {request.kind}")
    name = checked_name(request.name)
    _python_allowed(session, kind, name)
    if kind.suffixes is not None and not name.endswith(kind.suffixes):
        raise SparkFlightError(
            INVALID_ARTIFACT,
            f"{name!r} is not a {kind.directory} artifact: its name must end with one of "
            f"{', '.join(kind.suffixes)}",
            name=name,
        )
    if request.fragment:
        if request.kind != _KIND.KIND_ARCHIVE:
            raise SparkFlightError(
                INVALID_ARTIFACT, f"only an archive takes an alias ('#'), not {name!r}", name=name
            )
        checked_name(request.fragment, "archive alias")
    if not session.id:
        raise SparkFlightError(
            INVALID_ARTIFACT,
            "artifacts belong to a session of their own: open one (session.open) first",
        )
    return kind, name


def _stage(chunks: Iterable[bytes], target: str, most: int | None) -> tuple[int, int]:
    """Write ``chunks`` to the new file ``target``; its size and CRC-32."""
    size, crc = 0, 0
    with open(target, "xb") as out:
        for chunk in chunks:
            size += len(chunk)
            check_at_most("upload_bytes", most, size, "the artifact")
            crc = zlib.crc32(chunk, crc)
            out.write(chunk)
    return size, crc


def receive(
    session: Session, request: sf.ArtifactUpload, chunks: Iterable[bytes], most: int | None
) -> int:
    """Add the artifact ``request`` announces, its bytes read from ``chunks``, to the
    session; the number of bytes received."""
    kind, name = _checked(session, request)
    relative = f"{kind.directory}/{name}"
    staging = tempfile.mkdtemp(prefix="sparkflight-artifact-")
    try:
        staged = os.path.join(staging, name)
        size, crc = _stage(chunks, staged, most)
        if size != request.size or crc != request.crc32:
            raise SparkFlightError(
                INVALID_ARTIFACT,
                f"artifact {name!r} arrived damaged: {size} bytes with CRC-32 {crc:08x}, "
                f"announced {request.size} bytes with CRC-32 {request.crc32:08x}",
                name=name,
            )
        _add(session, relative, staged, request.fragment or None)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with session.lock:
        if relative not in session.artifacts:  # Spark takes the same file again as a no-op
            session.artifacts.append(relative)
            if request.kind == _KIND.KIND_PYFILE and name.endswith(_INCLUDED_SUFFIXES):
                session.python_includes.append(name)
    return size


def _add(session: Session, relative: str, staged: str, fragment: str | None) -> None:
    """``ArtifactManager.addArtifact``: Spark moves the staged file into the session's
    artifact directory (refusing a path that leaves it) and registers it."""
    spark = session.spark
    jvm = spark._jvm
    option = jvm.scala.Option.apply(fragment)
    spark._jsparkSession.artifactManager().addArtifact(
        jvm.java.io.File(relative).toPath(), jvm.java.io.File(staged).toPath(), option, True
    )


# ------------------------------------------------------------------ running with them

_current = threading.local()
_install_lock = threading.Lock()


class _SessionIncludes(list):
    """``SparkContext._python_includes``: the application's pyfiles, then those of the
    session the current thread works for (read when PySpark builds a Python function)."""

    def __iter__(self) -> Iterator[str]:
        yield from super().__iter__()
        yield from getattr(_current, "includes", ())


def _install_includes(spark: SparkSession) -> None:
    sc = spark.sparkContext
    with _install_lock:
        if not isinstance(sc._python_includes, _SessionIncludes):
            sc._python_includes = _SessionIncludes(sc._python_includes or [])


@functools.cache
def _job_state_holder(gateway: Any) -> Any:
    """Spark's thread-local ``JobArtifactState`` (``JobArtifactSet.currentClientSessionState``),
    which Spark only sets around a Scala closure; ``None`` unless py4j pins each Python
    thread to a JVM thread of its own (PySpark's default), as a thread-local needs."""
    if not isinstance(gateway, ClientServer):
        return None
    field = gateway.jvm.java.lang.Class.forName(
        "org.apache.spark.JobArtifactSet$"
    ).getDeclaredField("currentClientSessionState")
    field.setAccessible(True)
    return field.get(None)


def _job_state(session: Session) -> Any:
    """The session's ``Some(JobArtifactState)``, made once per session."""
    with session.lock:
        state = session.artifact_state
    if state is None:
        spark = session.spark
        state = spark._jvm.scala.Option.apply(spark._jsparkSession.artifactManager().state())
        with session.lock:
            session.artifact_state = state
    return state


@contextlib.contextmanager
def scope(session: Session) -> Iterator[None]:
    """Run the block (on this thread) with the session's artifacts: its Spark
    ``JobArtifactState`` and its ``.zip``/``.egg`` pyfiles.

    Every client session gets its state, with or without artifacts: its Python UDFs then
    run in Python workers of its own, which see its artifacts and no other session's.
    The default session keeps Spark's shared state. Server threads carry no state of
    their own, so the block ends with none (two JVM calls in all).
    """
    if not session.id:
        yield
        return
    with session.lock:
        includes = list(session.python_includes)
    spark = session.spark
    _install_includes(spark)
    previous_includes = getattr(_current, "includes", ())
    _current.includes = includes
    holder = _job_state_holder(spark.sparkContext._gateway)
    if holder is not None:
        holder.set(_job_state(session))
    try:
        yield
    finally:
        _current.includes = previous_includes
        if holder is not None:
            holder.remove()


#: What the Python daemon of a session's workers has in its command line and environment.
_DAEMON = b"pyspark.daemon"
_UUID_VARIABLE = b"SPARK_JOB_ARTIFACT_UUID="


def _daemons_of(uuid: str) -> list[int]:
    """The process ids of the Python daemons on this machine that serve artifact UUID
    ``uuid`` (none where ``/proc`` is not there)."""
    wanted = _UUID_VARIABLE + uuid.encode()
    found = []
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                if _DAEMON not in cmdline.read():
                    continue
            with open(f"/proc/{entry.name}/environ", "rb") as environ:
                if wanted in environ.read().split(b"\0"):
                    found.append(int(entry.name))
        except OSError:  # gone meanwhile, or another user's
            continue
    return found


def stop_python_workers(session: Session) -> int:
    """Stop the Python daemon that Spark started for the session's own workers, and with
    it their workers (Spark keeps them until the application ends); the number stopped.

    Spark 4 has no call for it, so the server ends the daemon's processes on this machine
    (the driver's, which is every worker in local mode); executors elsewhere keep theirs.
    """
    with session.lock:
        state = session.artifact_state
    if state is None:
        return 0
    daemons = _daemons_of(str(state.get().uuid()))
    for pid in daemons:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)  # the daemon ends its workers' process group
    return len(daemons)
