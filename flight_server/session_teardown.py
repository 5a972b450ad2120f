"""Session teardown: freeing what a closed or expired session holds."""

from __future__ import annotations

from sparkflight.flight_server import artifacts, foreach_batch, stream_events
from sparkflight.flight_server.connect import planner
from sparkflight.flight_server.operations import interrupt
from sparkflight.flight_server.sessions import Session


def free_session(session: Session) -> None:
    """Free what a closed session holds: its streaming queries, held results, running
    operations, Spark Connect planner, artifacts, Python workers, temp views (and the data
    cached under them) and uploads."""
    with session.lock:
        held = list(session.results.values())
        running = list(session.operations)
        queries = list(session.streams.values())
        session.uploads.clear()
    for query in queries if not session.limits.keep_streams else ():
        foreach_batch.RUNNERS.end(query.id)
        if query.isActive:
            query.stop()
    stream_events.unsubscribe(session)
    for result in held:
        result.drop("was released with its session")
    interrupt(session, running)
    planner.close(session)
    if session.artifacts:
        session.spark._jsparkSession.artifactManager().close()  # its files and directory
    artifacts.stop_python_workers(session)
    # The session catalog's own list: Catalog.listTables would also list every table.
    names = session.spark._jsparkSession.sessionState().catalog().getTempViewNames()
    for index in range(names.size()):
        session.spark.catalog.dropTempView(names.apply(index))  # uncaches it too
