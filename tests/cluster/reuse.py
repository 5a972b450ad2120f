"""Running tests written for the local server against the server on the cluster."""

from __future__ import annotations

from types import ModuleType


def reused(module: ModuleType, *fixtures: str) -> dict[str, object]:
    """The test functions of ``module`` and the module fixtures named ``fixtures``.

    Put into a test module's globals, they are collected there, so they use this
    package's fixtures (the server on the cluster) for everything else.
    """
    names = [name for name in vars(module) if name.startswith("test_")] + list(fixtures)
    return {name: getattr(module, name) for name in names}
