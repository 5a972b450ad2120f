"""The process that runs a streaming query's ``foreachBatch`` function beside the server.

The server starts ``python -m sparkflight.client.streaming.foreach_batch`` for each query
with a ``foreachBatch`` function and talks to it over its stdin and stdout, as
``plans/sparkflight.proto`` (``ForeachBatchSetup``) describes: the function is unpickled
here, never in the server's process, and each micro-batch reaches it as a DataFrame of
the query's session, through a client connection to the server, as in Spark Connect.
What the function prints goes to the process's stderr (the server's log).
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from typing import IO, Any

from sparkflight.client import plan
from sparkflight.client.session import SparkSession
from sparkflight.client.transport import Connection
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.framing import read_message, write_message


def _session(setup: sf.ForeachBatchSetup) -> SparkSession:
    """The query's session, reached through the server's location on this machine."""
    connection = Connection(setup.location, token=setup.token or None)
    if setup.session.session_id:
        connection = connection.for_session(setup.session.session_id)
    session = SparkSession(connection, setup.session, owner=False)
    SparkSession._set_active(session)
    return session


def _load(function: sf.PythonFunction) -> Any:
    try:
        return pickle.loads(function.command)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which refuses the query
        raise ValueError(
            f"cannot unpickle the Python function {function.name or '<unnamed>'!r}: "
            f"{type(exc).__name__}: {exc}"
        ) from None


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """Answer the setup and then each micro-batch call of ``requests`` on ``answers``."""
    setup = read_message(requests, sf.ForeachBatchSetup)
    if setup is None:
        return
    try:
        func = _load(setup.function)
        session = _session(setup)
    except Exception as exc:  # noqa: BLE001 - the server reports it to the client
        write_message(answers, sf.ForeachBatchDone(error=str(exc)))
        return
    write_message(answers, sf.ForeachBatchDone())
    while (call := read_message(requests, sf.ForeachBatchCall)) is not None:
        if call.token:
            session._connection.token = call.token
        batch = session._df(plan.MicroBatch(relation_id=call.relation_id))
        try:
            func(batch, call.batch_id)
        except BaseException:  # noqa: BLE001 - the function's failure fails the query
            write_message(answers, sf.ForeachBatchDone(error=traceback.format_exc()))
        else:
            write_message(answers, sf.ForeachBatchDone())


def main() -> None:
    """Serve the server on stdin and stdout, with the function's own output on stderr."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main()
