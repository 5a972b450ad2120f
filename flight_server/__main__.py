"""``python -m flight_server``: the ``sparkflight`` command."""

from flight_server.cli import app

app(prog_name="sparkflight")
