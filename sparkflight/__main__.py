"""``python -m sparkflight``: the ``sparkflight`` command."""

from sparkflight.cli import app

app(prog_name="sparkflight")
