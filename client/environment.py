"""Where the client runs: in IPython (a terminal REPL or a Jupyter kernel) or not."""

from __future__ import annotations

import sys
from typing import Any


def ipython_shell() -> Any | None:
    """The running IPython shell, if any (IPython is never imported here)."""
    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


def in_notebook() -> bool:
    """Whether the code runs in a Jupyter kernel."""
    shell = ipython_shell()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})
