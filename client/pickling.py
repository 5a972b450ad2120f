"""How a Python function travels to Spark's Python workers: pickled with cloudpickle, with
the client's classes and modules written as their PySpark twins.

A function may capture a client ``StructType``, a ``Row``, the module
``sparkflight.client.types`` itself or subclass a client ``StatefulProcessor`` or
``DataSource``. Spark's Python workers know PySpark's classes, not ours, so the pickle names
PySpark's: the bytes load with plain ``pickle.loads`` wherever pyspark is installed,
and nothing on the server needs to know the client's module names.
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import sysconfig
from types import FunctionType, ModuleType
from typing import Any

import cloudpickle

#: Client modules whose classes, functions and selves stand for PySpark's twins.
PYSPARK_TWINS = {
    "sparkflight.client.types": "pyspark.sql.types",
    "sparkflight.client.types.datatypes": "pyspark.sql.types",
    "sparkflight.client.types.json_form": "pyspark.sql.types",
    "sparkflight.client.types.ddl": "pyspark.sql.types",
    "sparkflight.client.types.arrow": "pyspark.sql.types",
    "sparkflight.client.row": "pyspark.sql.types",
    "sparkflight.client.streaming.state": "pyspark.sql.streaming.state",
    "sparkflight.client.streaming.stateful_processor": "pyspark.sql.streaming.stateful_processor",
    "sparkflight.client.datasource": "pyspark.sql.datasource",
}

#: Where the standard library and installed packages live.
_INSTALLED = tuple(
    os.path.join(os.path.abspath(sysconfig.get_paths()[key]), "")
    for key in ("stdlib", "platstdlib", "purelib", "platlib")
)


class _ModuleNamed:
    """Pickles as the module of that name, imported where the pickle is loaded."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return importlib.import_module, (self.name,)


class _TwinPickler(cloudpickle.Pickler):
    """cloudpickle's pickler, writing a client module, or a class or function defined at the
    top of one, as its PySpark twin (:data:`PYSPARK_TWINS`)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, ModuleType):
            twin = PYSPARK_TWINS.get(obj.__name__)
            if twin is not None:
                return importlib.import_module, (twin,)
        elif isinstance(obj, type | FunctionType):
            twin = PYSPARK_TWINS.get(getattr(obj, "__module__", None) or "")
            name = getattr(obj, "__qualname__", None)
            if twin is not None and isinstance(name, str) and "." not in name:
                return getattr, (_ModuleNamed(twin), name)
        return super().reducer_override(obj)


def _is_users_module(module: ModuleType) -> bool:
    """A module of the user's own code: a file outside the installed packages."""
    file = getattr(module, "__file__", None)
    if module.__name__ == "__main__" or not file:
        return False
    return not os.path.abspath(file).startswith(_INSTALLED)


def _dumps(obj: Any, twins: bool) -> bytes:
    with io.BytesIO() as buffer:
        (_TwinPickler if twins else cloudpickle.Pickler)(buffer).dump(obj)
        return buffer.getvalue()


def pickled(f: Any, twins: bool = True) -> bytes:
    """``f`` pickled for Spark's Python workers. A function or class defined at the top of
    the user's own module travels by value, with the module's helpers it uses, so that the
    server needs no copy of that module; installed packages travel by reference.

    Without ``twins``, client classes stay client classes: for a function that runs in a
    client process beside the server (``foreachBatch``), not in a Python worker."""
    module = sys.modules.get(getattr(f, "__module__", None) or "")
    if (
        module is None
        or not _is_users_module(module)
        or module.__name__ in cloudpickle.list_registry_pickle_by_value()
    ):
        return _dumps(f, twins)
    cloudpickle.register_pickle_by_value(module)
    try:
        return _dumps(f, twins)
    finally:
        cloudpickle.unregister_pickle_by_value(module)
