"""The installed layout: one ``sparkflight`` namespace, and the import rules between its
packages, read from the import statements of every module."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

#: Each folder of the repository and the package it is installed as.
PACKAGES = {
    "sparkflight": "sparkflight",
    "client": "sparkflight.client",
    "plans": "sparkflight.plans",
    "flight_server": "sparkflight.flight_server",
    "benchmarks": "sparkflight.benchmarks",
}
COMMAND = "sparkflight"

#: What each package may import of the others (itself always).
MAY_IMPORT = {
    "sparkflight.client": {"sparkflight.plans"},
    "sparkflight.plans": set(),
    "sparkflight.flight_server": {"sparkflight.plans"},
    "sparkflight.benchmarks": {
        "sparkflight.client",
        "sparkflight.plans",
        "sparkflight.flight_server",
    },
    COMMAND: {
        "sparkflight.client",
        "sparkflight.plans",
        "sparkflight.flight_server",
        "sparkflight.benchmarks",
    },
}
#: Third-party packages a package must not import.
MUST_NOT_IMPORT = {
    "sparkflight.client": {"pyspark"},
    "sparkflight.plans": {"pyspark"},
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports: a module, or the package a name was imported from
    line: int
    #: Run when the module is imported: not in a function nor under ``if TYPE_CHECKING``.
    module_level: bool


def _modules() -> dict[str, Path]:
    modules = {}
    for folder, package in PACKAGES.items():
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            parts = list(path.relative_to(REPO_ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[Import]:
    is_package = path.name == "__init__.py"

    def absolute(node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = module.split(".")[: len(module.split(".")) - node.level + is_package]
        return ".".join(base + ([node.module] if node.module else []))

    def visit(node: ast.AST, module_level: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            not_run = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(module, alias.name, child.lineno, module_level)
            elif isinstance(child, ast.ImportFrom):
                source = absolute(child)
                for alias in child.names:
                    submodule = f"{source}.{alias.name}"
                    target = submodule if submodule in MODULES else source
                    yield Import(module, target, child.lineno, module_level)
            else:
                yield from visit(child, module_level and not not_run)

    yield from visit(ast.parse(path.read_text(), str(path)), True)


IMPORTS = [found for module, path in MODULES.items() for found in _imports(module, path)]


def _package_of(name: str) -> str | None:
    """The package of ours that ``name`` belongs to: the command package for
    ``sparkflight`` and its own modules."""
    for package in sorted(MAY_IMPORT, key=len, reverse=True):
        if package != COMMAND and (name == package or name.startswith(package + ".")):
            return package
    return COMMAND if name == COMMAND or name.startswith(COMMAND + ".") else None


def _where(found: Import) -> str:
    return f"{MODULES[found.module].relative_to(REPO_ROOT)}:{found.line} imports {found.target}"


def test_every_folder_is_read():
    assert {_package_of(module) for module in MODULES} == set(MAY_IMPORT)
    assert len(IMPORTS) > 1000


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_only_what_its_rules_allow(package: str):
    allowed = MAY_IMPORT[package] | {package}
    broken = [
        _where(found)
        for found in IMPORTS
        if _package_of(found.module) == package
        and (target := _package_of(found.target)) is not None
        and target not in allowed
    ]
    assert broken == []


@pytest.mark.parametrize("package", sorted(MUST_NOT_IMPORT))
def test_client_and_plans_import_no_pyspark(package: str):
    forbidden = MUST_NOT_IMPORT[package]
    broken = [
        _where(found)
        for found in IMPORTS
        if _package_of(found.module) == package and found.target.split(".")[0] in forbidden
    ]
    assert broken == []


def test_no_module_imports_a_folder_by_its_repository_name():
    bare = set(PACKAGES) - {COMMAND}
    broken = [_where(found) for found in IMPORTS if found.target.split(".")[0] in bare]
    assert broken == []


def test_no_import_cycle_among_the_imports_a_module_runs_when_imported():
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for found in IMPORTS:
        if found.module_level and found.target in MODULES and found.target != found.module:
            graph[found.module].add(found.target)
    cycles = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert cycles == []


def _imported_by(statement: str) -> set[str]:
    """The modules that ``statement`` imports, run in a fresh interpreter."""
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True
    )
    return set(ran.stdout.split())


def test_the_client_imports_neither_pyspark_nor_pandas():
    loaded = _imported_by("import sparkflight.client")
    assert "sparkflight.client.dataframe" in loaded
    assert {name.split(".")[0] for name in loaded} & {"pyspark", "pandas", "py4j"} == set()
    assert not any(name.startswith("sparkflight.flight_server") for name in loaded)


def test_the_command_imports_client_server_and_benchmarks_only_when_a_command_runs():
    loaded = _imported_by("import sparkflight.cli")
    assert "typer" in loaded
    assert {name.split(".")[0] for name in loaded} & {"pyspark", "pandas", "py4j"} == set()
    heavy = ("sparkflight.client", "sparkflight.benchmarks", "sparkflight.flight_server.server")
    assert sorted(name for name in loaded if name.startswith(heavy)) == []


def test_the_wheel_installs_one_top_level_package_with_every_module(tmp_path: Path):
    source = tmp_path / "source"
    shutil.copytree(
        REPO_ROOT,
        source,
        ignore=shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "tests"),
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(tmp_path), str(source)],
        capture_output=True,
        check=True,
    )
    (wheel,) = tmp_path.glob("sparkflight-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    assert {name.split("/")[0] for name in names} == {
        "sparkflight",
        wheel.name.split("-py3")[0] + ".dist-info",
    }
    installed = {name for name in names if name.endswith(".py")}
    expected = {
        "/".join(["sparkflight", *path.relative_to(REPO_ROOT / folder).parts])
        if folder == COMMAND
        else "/".join(["sparkflight", folder, *path.relative_to(REPO_ROOT / folder).parts])
        for folder in PACKAGES
        for path in (REPO_ROOT / folder).rglob("*.py")
    }
    assert installed == expected
    assert "sparkflight = sparkflight.cli:app" in scripts
