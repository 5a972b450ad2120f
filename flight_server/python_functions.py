"""Whether the server runs a client's Python function, and the type it returns.

The translation of plans asks this before a ``PythonFunction`` reaches Spark, without
the function itself.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from pyspark.sql import types as T

from sparkflight.flight_server.errors import (
    PYTHON_VERSION_MISMATCH,
    SparkFlightError,
    python_disabled,
)
from sparkflight.plans import sparkflight_pb2 as sf

if TYPE_CHECKING:
    from sparkflight.flight_server.sessions import Session


def server_python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def check_runnable(session: Session, message: sf.PythonFunction) -> None:
    """Refuse ``message`` when the server runs no client code (``--no-python``) or when the
    client's Python version differs from the server's (pickled code is tied to it)."""
    name = message.name or "<unnamed>"
    if not session.limits.python:
        raise python_disabled(f"the plan calls {name!r}", function=name)
    server = server_python_version()
    if message.python_version != server:
        raise SparkFlightError(
            PYTHON_VERSION_MISMATCH,
            f"the Python function {name!r} comes from a client running Python "
            f"{message.python_version or 'unknown'}, but the server runs Python {server}: "
            "pickled Python code only runs on the same Python version; use Python "
            f"{server} on the client",
            client_version=message.python_version,
            server_version=server,
        )


def return_type(message: sf.PythonFunction) -> T.DataType | str | None:
    """The return type: Spark's JSON form parsed, a DDL string as is (PySpark parses it)."""
    text = message.return_type
    if not text:
        return None
    if text.lstrip()[:1] in ("{", '"'):
        return T._parse_datatype_json_string(text)
    return text
