"""Running DataFrames: Arrow schemas and result streams.

Large results never gather on the driver: they are computed into parts by one job
(:mod:`.parts`), or ``Dataset.toArrowBatchRdd`` is served to Python one partition at a
time (``PythonRDD.toLocalIteratorAndServe``); a result whose plan bounds it to few rows is
computed by one job per wave of partitions (as many as Spark runs at once). Each Arrow
batch is passed on as it arrives, sliced to at most :data:`MAX_BATCH_BYTES`.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
from py4j.protocol import Py4JError
from pyspark import SparkContext
from pyspark.serializers import NoOpSerializer
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.util import _load_from_socket, _local_iterator_from_socket

from sparkflight.flight_server import (
    artifacts,
    foreach_batch,
    health,
    jvm,
    parts,
    profiles,
    stream_events,
    workers,
)
from sparkflight.flight_server.connect import planner
from sparkflight.flight_server.errors import (
    OPERATION_ALREADY_EXISTS,
    OPERATION_INTERRUPTED,
    OPERATION_TIMED_OUT,
    SparkFlightError,
    guarded,
)
from sparkflight.flight_server.limits import check_at_most
from sparkflight.flight_server.result_store import slices
from sparkflight.flight_server.sessions import CallHeaders, CallLifetime, Operation, Session
from sparkflight.plans import sparkflight_pb2 as sf

#: Largest record batch sent to a client, in bytes (a single larger row goes alone).
MAX_BATCH_BYTES = 8 * 1024 * 1024

_LARGE_VAR_TYPES = "spark.sql.execution.arrow.useLargeVarTypes"
#: How often the jobs of an interrupted operation are cancelled again until it ends.
_CANCEL_INTERVAL_S = 0.2
#: How often a running operation asks whether its call was cancelled.
_POLL_INTERVAL_S = 0.2

#: Whether the call an operation serves was cancelled (``ServerCallContext.is_cancelled``).
Cancelled = Callable[[], bool]


def _large_types(df: DataFrame) -> bool:
    return df.sparkSession.conf.get(_LARGE_VAR_TYPES, "false") == "true"


def arrow_schema(df: DataFrame) -> pa.Schema:
    """The Arrow schema of ``df``'s result, as PySpark's ``toArrow`` gives it."""
    return to_arrow_schema(
        df.schema,
        error_on_duplicated_field_names_in_struct=True,
        timezone="UTC",
        prefers_large_types=_large_types(df),
    )


def operation_tag(session: Session, operation_id: str) -> str:
    """The Spark job tag of the jobs of one operation of ``session``: it names the
    session, so that another session's operation of the same id has other jobs."""
    return f"sparkflight-operation-{session.key}-{operation_id}"


@contextlib.contextmanager
def job_context(session: Session, operation_id: str) -> Iterator[None]:
    """Run the block with what the Spark jobs of an operation carry, on this thread (and
    threads it starts): the session as the active one (what Spark looks up in the active
    session, Python data sources among it, is the session's), the operation's job tag,
    the Spark confs the client set in the session (as Spark's own actions give their
    tasks the session's conf), and the session's artifacts (:func:`artifacts.scope`)."""
    sc = session.spark.sparkContext
    tag = operation_tag(session, operation_id)
    with session.lock:
        confs = [(k, v) for k, v in session.conf_set.items() if k.startswith("spark.")]
    before = [(key, sc.getLocalProperty(key)) for key, _ in confs]
    for key, value in confs:
        sc.setLocalProperty(key, value)
    sc.addJobTag(tag)
    try:
        with jvm.active(session.spark), artifacts.scope(session):
            yield
    finally:
        sc.removeJobTag(tag)
        for key, value in before:
            sc.setLocalProperty(key, value)


@contextlib.contextmanager
def operation(
    session: Session, headers: CallHeaders | None = None, cancelled: Cancelled | None = None
) -> Iterator[Operation]:
    """A running operation of ``session``, with the id and tags its call's headers name.

    It is interrupted once it runs longer than the session's ``query_seconds`` limit, and
    with ``cancelled``, as soon as that answers true (its client went away).
    """
    headers = headers or CallHeaders()
    running = Operation(headers.operation_id or uuid.uuid4().hex, headers.tags)
    with session.lock:
        if running.id in session.operations:
            raise SparkFlightError(
                OPERATION_ALREADY_EXISTS,
                f"operation {running.id} is already running in this session",
                operation_id=running.id,
            )
        check_at_most(
            "queries_per_session",
            session.limits.queries_per_session,
            len(session.operations) + 1,
            "running another query in this session",
        )
        session.operations[running.id] = running
    timeout = session.limits.query_seconds
    timer = None
    if timeout is not None:
        reason = f"ran longer than the server's limit query_seconds={timeout:g}"
        timer = threading.Timer(
            timeout, interrupt, (session, [running.id], reason, OPERATION_TIMED_OUT)
        )
        timer.daemon = True
        timer.start()
    progress = session.progress.start(running.id, operation_tag(session, running.id))
    done = threading.Event()
    if cancelled is not None:
        threading.Thread(
            target=_watch,
            args=(session, running.id, cancelled, done),
            name="sparkflight-cancel-watch",
            daemon=True,
        ).start()
    try:
        yield running
    except Exception:
        check_running(running)  # Spark's job-cancelled error, told as the interruption
        raise
    finally:
        done.set()
        if timer is not None:
            timer.cancel()
        session.progress.finish(progress)
        with session.lock:
            session.operations.pop(running.id, None)
        session.touch()


def _watch(
    session: Session,
    operation_id: str,
    cancelled: Cancelled,
    done: threading.Event,
) -> None:
    while not done.wait(_POLL_INTERVAL_S):
        if cancelled():
            interrupt(session, [operation_id], "was cancelled by its client")
            return


def tagged(session: Session, tag: str) -> list[str]:
    """The ids of the running operations of ``session`` that carry ``tag``."""
    with session.lock:
        return [o.id for o in session.operations.values() if tag in o.tags]


def interrupt(
    session: Session,
    operation_ids: list[str],
    reason: str = "was interrupted",
    error_class: str = OPERATION_INTERRUPTED,
) -> list[str]:
    """Interrupt running operations of ``session``; the ids of those that were running.
    They fail with ``error_class``, saying they ``reason``.

    Cancelling a job tag only reaches jobs already submitted, so the jobs of an
    interrupted operation are cancelled again until the operation ends.
    """
    with session.lock:
        running = {i: session.operations[i] for i in operation_ids if i in session.operations}
    sc = session.spark.sparkContext
    for operation_id, target in running.items():
        target.reason, target.error_class = reason, error_class
        target.interrupted.set()
        _cancel_jobs(sc, operation_tag(session, operation_id))

    def keep_cancelling() -> None:
        while True:
            with session.lock:
                pending = [i for i in running if i in session.operations]
            if not pending:
                return
            for operation_id in pending:
                _cancel_jobs(sc, operation_tag(session, operation_id))
            time.sleep(_CANCEL_INTERVAL_S)

    if running:
        threading.Thread(target=keep_cancelling, name="sparkflight-interrupt", daemon=True).start()
    return sorted(running)


def _cancel_jobs(sc: SparkContext, tag: str) -> None:
    """Cancel the Spark jobs of an operation (by its tag); once Spark has stopped there
    are none."""
    try:
        sc.cancelJobsWithTag(tag)
    except (Py4JError, OSError):
        if health.spark_stopped() is None:
            raise


def release(session: Session) -> None:
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


def check_running(running: Operation) -> None:
    """Raise ``OPERATION_INTERRUPTED`` (or the error class its interruption gave) once
    ``running`` is interrupted."""
    if running.interrupted.is_set():
        raise SparkFlightError(
            running.error_class,
            f"operation {running.id} {running.reason}",
            operation_id=running.id,
        )


def arrow_batch_rdd(df: DataFrame) -> Any:
    """The JVM RDD of ``df``'s result as serialized Arrow batches (plans, may run shuffles).

    Spark prepares the physical plan here outside the session's own scope, reading the
    conf of the thread's active session (Python data sources do): ``df``'s is made active.
    """
    with jvm.active(df.sparkSession):
        return df._jdf.toArrowBatchRdd()


_PYTHON_RDD = "org.apache.spark.api.python.PythonRDD"


def _partition_messages(
    session: Session, operation_id: str, rdd: Any, jobs: Iterable[list[int]]
) -> Iterator[bytes]:
    """The Arrow messages of some partitions of ``rdd``, in order: one Spark job per list
    of partitions in ``jobs`` (each job's task results gather on the driver)."""
    spark = session.spark
    run_job = jvm.static(spark, _PYTHON_RDD, "runJob")
    context, java_rdd = spark.sparkContext._jsc.sc(), rdd.toJavaRDD()
    for partitions in jobs:
        with job_context(session, operation_id):
            served = run_job(context, java_rdd, partitions)
        with _load_from_socket(served, NoOpSerializer()) as stream:
            yield from stream


#: Most rows of a result computed a wave at a time (:func:`_waves`), whose task results
#: gather on the driver a wave at a time: only results whose optimized plan bounds their
#: rows (``LogicalPlan.maxRows``: limits, global aggregates, ranges, local data) to at most
#: this many. Other results are computed a partition at a time, which keeps the driver's
#: memory flat whatever their size.
ONE_JOB_MAX_ROWS = 100_000


def bounded_rows(df: DataFrame) -> int | None:
    """The most rows ``df``'s result can have, as its optimized plan bounds them; None
    when unbounded."""
    most = df._jdf.queryExecution().optimizedPlan().maxRows()
    return most.get() if most.isDefined() else None


def few_rows(df: DataFrame) -> bool:
    """Whether ``df``'s plan bounds its result to at most :data:`ONE_JOB_MAX_ROWS` rows."""
    most = bounded_rows(df)
    return most is not None and most <= ONE_JOB_MAX_ROWS


def _waves(df: DataFrame, rdd: Any) -> list[list[int]] | None:
    """The jobs computing ``df``'s result (``rdd``) a wave at a time, when its rows are
    few: one job for as many partitions as Spark runs tasks at once
    (``defaultParallelism``), so that each job takes about as long as one partition and the
    first batch comes as soon as a job per partition would bring it, in fewer jobs. None
    for a result computed a partition at a time (one partition is one job anyway)."""
    count = rdd.getNumPartitions()
    if count <= 1 or not few_rows(df):
        return None
    slots = max(1, df.sparkSession.sparkContext.defaultParallelism)
    return [list(range(start, min(start + slots, count))) for start in range(0, count, slots)]


#: Physical plans whose rows the driver already holds: literal rows and command results.
_DRIVER_PLANS = frozenset({"LocalTableScanExec", "CommandResultExec"})
#: The only expressions of a constant row: ``SELECT 1 AS one, 'a'`` once optimized.
_CONSTANT_EXPRESSIONS = frozenset(
    f"org.apache.spark.sql.catalyst.expressions.{name}" for name in ("Alias", "Literal")
)


def _driver_rows(df: DataFrame) -> Any:
    """A JVM iterator over the rows of ``df``'s result if the driver holds them or they
    are constants (``None`` if a job computes them)."""
    execution = df._jdf.queryExecution()
    constant = _constant_row(df.sparkSession, execution.optimizedPlan())
    if constant is not None:
        return jvm.scala_seq(df.sparkSession, [constant]).iterator()
    plan = execution.executedPlan()
    if plan.getClass().getSimpleName() in _DRIVER_PLANS:
        return plan.rows().iterator()
    return None


def _constant_row(spark: SparkSession, plan: Any) -> Any:
    """The one row of an optimized plan that projects literals over no input (what
    constant folding leaves of ``SELECT 1``), computed on the driver; else ``None``.

    Spark would plan and run a job for it, which takes longer than everything else.
    """
    if plan.nodeName() != "Project" or plan.child().nodeName() != "OneRowRelation":
        return None
    nodes = json.loads(plan.toJSON())[0]["projectList"]
    if not all(node["class"] in _CONSTANT_EXPRESSIONS for tree in nodes for node in tree):
        return None
    create = jvm.static(spark, _INTERPRETED_PROJECTION, "createProjection")
    empty = jvm.static(spark, "org.apache.spark.sql.catalyst.InternalRow", "empty")()
    return create(plan.projectList()).apply(empty)


_INTERPRETED_PROJECTION = "org.apache.spark.sql.catalyst.expressions.InterpretedUnsafeProjection"


def _driver_batches(df: DataFrame, rows: Any, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Rows the driver holds (a JVM iterator) as Arrow batches made on the driver,
    without a Spark job (as Spark Connect answers them)."""
    spark = df.sparkSession
    converters = jvm.java_class(spark, "org.apache.spark.sql.execution.arrow.ArrowConverters$")
    streams = getattr(converters, "MODULE$").toBatchWithSchemaIterator(
        rows,
        df._jdf.schema(),
        -1,
        MAX_BATCH_BYTES,
        "UTC",
        True,
        _large_types(df),
    )
    while streams.hasNext():
        # Each is an IPC stream: its schema message, then batches read with ``schema`` as
        # the partitions' messages are (Spark's nested field names may differ from it).
        for message in pa.ipc.MessageReader.open_stream(streams.next()):
            if message.type == "record batch":
                yield pa.ipc.read_record_batch(message, schema)


def _start(
    session: Session,
    df: DataFrame,
    schema: pa.Schema,
    running: Operation,
    rdd: Any,
    partitions: range | None,
) -> Iterator[pa.RecordBatch]:
    """Start computing ``df``'s result, all partitions or those of ``partitions``; its
    batches, made on the driver when it holds the rows, else by Spark jobs.

    A large result is computed into parts by one job (:mod:`.parts`), a result of few
    rows a wave of partitions at a time (:func:`_waves`). Otherwise a session with
    artifacts runs a job per partition from the thread pulling the batches, which carries
    the session's artifacts (the serving thread of ``toLocalIteratorAndServe`` would not).
    """
    if rdd is None:
        held = _driver_rows(df)
        if held is not None:
            return _driver_batches(df, held, schema)
        store = parts.configured()
        if store is not None and not few_rows(df) and parts.chosen(df):
            check_running(running)
            found = parts.compute(df, schema, uuid.uuid4().hex, store)
            return parts.batches(store, found)
        rdd = arrow_batch_rdd(df)
    # A barrier stage (mapInPandas(barrier=True)) runs all its tasks at once: Spark
    # refuses a job over some of its partitions, so one job computes them all.
    barrier = bool(rdd.isBarrier())
    jobs: Iterable[list[int]] | None = None
    if partitions is not None:
        jobs = [list(partitions)] if barrier else ([p] for p in partitions)
    elif barrier:
        jobs = [list(range(rdd.getNumPartitions()))]
    elif (waves := _waves(df, rdd)) is not None:
        jobs = waves
    elif session.artifacts:
        jobs = ([partition] for partition in range(rdd.getNumPartitions()))
    if jobs is None:
        check_running(running)
        # The serving thread starts here and inherits this thread's job tags.
        served = jvm.static(session.spark, _PYTHON_RDD, "toLocalIteratorAndServe")(rdd, True)
        messages = _local_iterator_from_socket(served, NoOpSerializer())
    else:
        messages = _partition_messages(session, running.id, rdd, jobs)
    return (pa.ipc.read_record_batch(pa.py_buffer(m), schema) for m in messages)


def _batches(
    session: Session,
    df: DataFrame,
    schema: pa.Schema,
    limit: int,
    running: Operation,
    sent: Callable[[pa.RecordBatch], None] | None,
    rdd: Any = None,
    partitions: range | None = None,
) -> Iterator[pa.RecordBatch]:
    progress = session.progress.get(running.id)
    # Planning may run jobs (shuffles) and plans Python UDFs for the session's artifacts.
    with job_context(session, running.id):
        batches = _start(session, df, schema, running, rdd, partitions)
    size, most = 0, session.limits.result_bytes
    for batch in batches:
        check_running(running)
        size += batch.nbytes
        check_at_most("result_bytes", most, size, "the result")
        for piece in slices(batch, limit):
            if progress is not None:
                progress.sent(piece.num_rows, piece.nbytes)
            if sent is not None:
                sent(piece)
            yield piece


def record_batches(
    session: Session,
    df: DataFrame,
    schema: pa.Schema,
    limit: int = MAX_BATCH_BYTES,
    headers: CallHeaders | None = None,
    sent: Callable[[pa.RecordBatch], None] | None = None,
    *,
    rdd: Any = None,
    partitions: range | None = None,
    cancelled: Cancelled | None = None,
) -> Iterator[pa.RecordBatch]:
    """``df``'s result, one Spark partition at a time, in batches of at most ``limit`` bytes.

    ``rdd`` is ``df``'s :func:`arrow_batch_rdd` when already planned; ``partitions``
    (which needs ``rdd``) limits the result to those partitions of it.
    """
    with operation(session, headers, cancelled) as running:
        yield from _batches(session, df, schema, limit, running, sent, rdd, partitions)


@dataclass(frozen=True)
class StartedResult:
    """A result whose operation runs: its batches, pulled one at a time, end the operation
    when they end; ``finish`` ends it earlier (once; a result never pulled runs no code)."""

    session: Session
    running: Operation
    schema: pa.Schema
    batches: Generator[pa.RecordBatch, None, None]
    finish: Callable[..., bool]

    def abandon(self, reason: str) -> None:
        """Interrupt the operation if it still runs, and end it."""
        interrupt(self.session, [self.running.id], reason)
        self.finish(None, None, None)


def start_result(
    session: Session,
    build: Callable[[], DataFrame],
    headers: CallHeaders | None = None,
    sent: Callable[[pa.RecordBatch], None] | None = None,
    cancelled: Cancelled | None = None,
) -> StartedResult:
    """Start the operation of the result of the DataFrame ``build`` makes.

    ``build`` runs within the operation, under its job tag: translating a plan may run
    Spark jobs (``show`` renders its rows then), which are then reported and interrupted
    with the operation. ``sent`` is called with each batch as it is made.
    """
    context = operation(session, headers, cancelled)
    running = context.__enter__()
    try:
        with job_context(session, running.id):
            df = build()
        schema = arrow_schema(df)
    except BaseException:
        context.__exit__(*sys.exc_info())
        raise

    finish = _once(context.__exit__)

    def batches() -> Generator[pa.RecordBatch, None, None]:
        try:
            yield from _batches(session, df, schema, MAX_BATCH_BYTES, running, sent)
            session.observations.complete(df)
            profiles.note_functions(session, df)
        except BaseException as exc:
            if not finish(type(exc), exc, exc.__traceback__):
                raise
        else:
            finish(None, None, None)

    return StartedResult(session, running, schema, batches(), finish)


def stream_of(
    session: Session,
    build: Callable[[], DataFrame],
    headers: CallHeaders | None = None,
    sent: Callable[[pa.RecordBatch], None] | None = None,
    origin: sf.PlanId | None = None,
    call: CallLifetime | None = None,
) -> fl.GeneratorStream:
    """A Flight stream of the result of the DataFrame ``build`` makes (see
    :func:`start_result`).

    Failures while the result runs are attributed to ``origin``, the plan's root. An
    empty result still carries the schema. The operation is interrupted when ``call``'s
    client cancels, and ends with ``call`` at the latest (a stream the call drops
    unstarted runs no code).
    """
    cancelled = call.cancelled if call is not None else None
    started = start_result(session, build, headers, sent, cancelled)
    if call is not None:
        call.at_end(lambda: started.abandon("was abandoned by its client"))
    errors = call.errors if call is not None else None
    return workers.stream(started.schema, guarded(started.batches, origin, errors))


def _once(function: Callable[..., bool]) -> Callable[..., bool]:
    """``function``, called at most once; later calls answer False."""
    lock = threading.Lock()
    called = False

    def call(*args: Any) -> bool:
        nonlocal called
        with lock:
            if called:
                return False
            called = True
        return function(*args)

    return call


def result_stream(
    session: Session,
    df: DataFrame,
    headers: CallHeaders | None = None,
    sent: Callable[[pa.RecordBatch], None] | None = None,
    origin: sf.PlanId | None = None,
) -> fl.GeneratorStream:
    """A Flight stream of ``df``'s result (see :func:`stream_of`)."""
    return stream_of(session, lambda: df, headers, sent, origin)


def result_parts(
    session: Session,
    build: Callable[[], DataFrame],
    store: parts.ResultStore,
    headers: CallHeaders | None = None,
) -> tuple[parts.Parts | None, DataFrame]:
    """Compute the result of the DataFrame ``build`` makes into parts of ``store``, as an
    operation of ``session``; the parts (None, and nothing run, when it is not a result
    computed in parts: :func:`.parts.chosen`) and the DataFrame."""
    with operation(session, headers) as running, job_context(session, running.id):
        df = build()
        if few_rows(df) or not parts.chosen(df):
            return None, df
        most = session.limits.result_bytes
        return parts.compute(df, arrow_schema(df), uuid.uuid4().hex, store, most), df
