"""Where the user's code called the client: recorded on every plan node, cheaply.

A relation notes the first stack frame outside this package (file and line) and the
client function the user called there, written as the user would (``df.select(...)``,
``spark.range(...)``). The source line is read only when the plan is serialized.
"""

from __future__ import annotations

import linecache
import os
import sys
from dataclasses import dataclass

from sparkflight.client.environment import ipython_shell
from sparkflight.plans import sparkflight_pb2 as sf

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
#: Longest source line carried in a plan.
_MAX_CODE = 200
#: How the user usually names the object whose method made a DataFrame.
_RECEIVERS = {
    "SparkSession": "spark",
    "DataFrame": "df",
    "GroupedData": "df.groupBy(...)",
    "DataFrameReader": "spark.read",
    "DataFrameNaFunctions": "df.na",
    "DataFrameStatFunctions": "df.stat",
}


@dataclass(frozen=True)
class CallSite:
    file: str
    line: int
    operation: str

    def to_proto(self) -> sf.CallSite:
        code = linecache.getline(self.file, self.line).strip()[:_MAX_CODE]
        return sf.CallSite(file=self.file, line=self.line, operation=self.operation, code=code)


def capture() -> CallSite | None:
    """The user's frame that led here and the client function it called, if any."""
    frame = sys._getframe(1)
    operation = ""
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_PACKAGE):
            if not operation:
                return None
            return CallSite(filename, frame.f_lineno, operation)
        code = frame.f_code
        if not code.co_name.startswith("_") or not operation:
            operation = _operation(code.co_qualname)
        frame = frame.f_back
    return None


def _operation(qualname: str) -> str:
    owner, _, name = qualname.rpartition(".")
    receiver = _RECEIVERS.get(owner, owner or "F")
    return f"{receiver}.{name}(...)"


def _place(file: str, line: int) -> str:
    """``my_script.py:42``; in IPython and Jupyter a cell is named as IPython does:
    ``Cell In[3]:2``."""
    compiler = getattr(ipython_shell(), "compile", None)
    if compiler is not None and hasattr(compiler, "format_code_name"):
        named = compiler.format_code_name(file)
        if named is not None:
            return f"{named[0]} {named[1]}:{line}"
    return f"{os.path.basename(file)}:{line}"


def describe(call_site: sf.CallSite) -> str:
    """``at my_script.py:42 (df.select(...))``, followed by the source line when known."""
    text = f"at {_place(call_site.file, call_site.line)} ({call_site.operation})"
    if call_site.code:
        text += f"\n    {call_site.code}"
    return text
