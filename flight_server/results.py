"""Results of DataFrames: Arrow schemas and result streams.

Large results never gather on the driver: they are computed into parts a wave of
partitions at a time (:func:`in_parts`), or ``Dataset.toArrowBatchRdd`` is served to
Python one partition at a time (``PythonRDD.toLocalIteratorAndServe``); a result whose
plan bounds it to few rows is computed by one job per wave of partitions (as many as
Spark runs at once). Each Arrow batch is passed on as it arrives, sliced to at most
:data:`MAX_BATCH_BYTES`. Every result starts with :func:`start_result`.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.flight as fl
from pyspark.serializers import NoOpSerializer
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.util import _load_from_socket, _local_iterator_from_socket

from sparkflight.flight_server import jvm, parts, profiles, workers
from sparkflight.flight_server.errors import guarded
from sparkflight.flight_server.limits import check_at_most
from sparkflight.flight_server.operations import (
    Cancelled,
    check_running,
    interrupt,
    job_context,
    operation,
)
from sparkflight.flight_server.result_store import ResultStore, slices
from sparkflight.flight_server.result_types import (
    refuse_user_defined_types,
    with_unique_struct_names,
)
from sparkflight.flight_server.sessions import CallHeaders, CallLifetime, Operation, Session
from sparkflight.plans import sparkflight_pb2 as sf

#: Largest record batch sent to a client, in bytes (a single larger row goes alone).
MAX_BATCH_BYTES = 8 * 1024 * 1024

_LARGE_VAR_TYPES = "spark.sql.execution.arrow.useLargeVarTypes"


def _large_types(df: DataFrame) -> bool:
    return df.sparkSession.conf.get(_LARGE_VAR_TYPES, "false") == "true"


def arrow_schema(df: DataFrame) -> pa.Schema:
    """The Arrow schema of ``df``'s result, as PySpark's ``toArrow`` gives it; a struct
    may have two fields of one name (``struct(a, a)``), which Arrow holds."""
    return to_arrow_schema(
        df.schema,
        error_on_duplicated_field_names_in_struct=False,
        timezone="UTC",
        prefers_large_types=_large_types(df),
    )


def arrow_batch_rdd(df: DataFrame) -> Any:
    """The JVM RDD of ``df``'s result as serialized Arrow batches (plans, may run shuffles).

    Spark prepares the physical plan here outside the session's own scope, reading the
    conf of the thread's active session (Python data sources do): ``df``'s is made active.
    """
    with jvm.active(df.sparkSession):
        return with_unique_struct_names(df)._jdf.toArrowBatchRdd()


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


def _waves(df: DataFrame, rdd: Any, few: bool) -> list[list[int]] | None:
    """The jobs computing ``df``'s result (``rdd``) a wave at a time, when its rows are
    ``few`` (:func:`few_rows`): one job for as many partitions as Spark runs tasks at once
    (``defaultParallelism``), so that each job takes about as long as one partition and the
    first batch comes as soon as a job per partition would bring it, in fewer jobs. None
    for a result computed a partition at a time (one partition is one job anyway)."""
    count = rdd.getNumPartitions()
    if count <= 1 or not few:
        return None
    return _wave_jobs(df.sparkSession, count)


def _slots(spark: SparkSession) -> int:
    """How many tasks Spark runs at once (``defaultParallelism``)."""
    return max(1, spark.sparkContext.defaultParallelism)


def _wave_jobs(spark: SparkSession, count: int) -> list[list[int]]:
    """``count`` partitions in waves: a job for each :func:`_slots` of them, in order."""
    slots = _slots(spark)
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
        False,
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

    A large result is computed into parts (:func:`in_parts`), a result of few rows a wave
    of partitions at a time (:func:`_waves`). Otherwise a session with
    artifacts runs a job per partition from the thread pulling the batches, which carries
    the session's artifacts (the serving thread of ``toLocalIteratorAndServe`` would not).
    """
    few: bool | None = None  # asked of Spark once, where it decides
    if rdd is None:
        held = _driver_rows(df)
        if held is not None:
            return _driver_batches(df, held, schema)
        few = few_rows(df)
        store = parts_store(df, few)
        if store is not None:
            check_running(running)
            return in_parts(session, running.id, df, schema, store)
        rdd = arrow_batch_rdd(df)
    # A barrier stage (mapInPandas(barrier=True)) runs all its tasks at once: Spark
    # refuses a job over some of its partitions, so one job computes them all.
    barrier = bool(rdd.isBarrier())
    jobs: Iterable[list[int]] | None = None
    if partitions is not None:
        jobs = [list(partitions)] if barrier else ([p] for p in partitions)
    elif barrier:
        jobs = [list(range(rdd.getNumPartitions()))]
    elif (waves := _waves(df, rdd, few_rows(df) if few is None else few)) is not None:
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


def parts_store(df: DataFrame, few: bool | None = None) -> ResultStore | None:
    """The result store ``df``'s result is computed into parts of, if it is: a store is
    configured, the plan does not bound the result to few rows (:func:`few_rows`, or
    ``few`` when already asked) and it is large (:func:`.parts.chosen`). Else None."""
    store = parts.configured()
    if store is None or (few_rows(df) if few is None else few) or not parts.chosen(df):
        return None
    return store


def all_parts(session: Session, df: DataFrame, store: ResultStore) -> parts.Parts:
    """``df``'s result computed into parts of ``store`` by one job (the endpoints of
    ``GetFlightInfo``), within the session's ``result_bytes`` limit."""
    most = session.limits.result_bytes
    return parts.compute(df, arrow_schema(df), uuid.uuid4().hex, store, most)


def in_parts(
    session: Session, operation_id: str, df: DataFrame, schema: pa.Schema, store: ResultStore
) -> Iterator[pa.RecordBatch]:
    """The batches of ``df``'s result computed into parts of ``store`` a wave at a time: one
    job for as many partitions as Spark runs at once, the next wave computing while one
    is read, so at most about two waves of parts wait on disk and the first batch comes
    after the first wave."""
    result_id = uuid.uuid4().hex
    writer = parts.writer(df, schema, result_id, store)
    rdd, reports = arrow_batch_rdd(writer), arrow_schema(writer)
    count = rdd.getNumPartitions()
    # A barrier stage runs all its tasks at once (see _start): one job writes every part.
    waves = [list(range(count))] if rdd.isBarrier() else _wave_jobs(session.spark, count)

    def found() -> Iterator[parts.Part]:
        for message in _partition_messages(session, operation_id, rdd, waves):
            yield from parts.reported(pa.ipc.read_record_batch(pa.py_buffer(message), reports))

    ahead = workers.ahead(found(), _slots(session.spark))
    return parts.batches(store, result_id, ahead, count)


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

    def flight_stream(
        self, origin: sf.PlanId | None = None, call: CallLifetime | None = None
    ) -> fl.GeneratorStream:
        """The result as a Flight stream, sent to ``call``'s client.

        Failures while the result runs are attributed to ``origin``, the plan's root. An
        empty result still carries the schema. The operation ends with ``call`` at the
        latest (a stream the call drops unstarted runs no code).
        """
        if call is not None:
            call.at_end(lambda: self.abandon("was abandoned by its client"))
        errors = call.errors if call is not None else None
        return workers.stream(self.schema, guarded(self.batches, origin, errors))


def start_result(
    session: Session,
    build: Callable[[], DataFrame],
    headers: CallHeaders | None = None,
    sent: Callable[[pa.RecordBatch], None] | None = None,
    cancelled: Cancelled | None = None,
    *,
    schema: pa.Schema | None = None,
    rdd: Any = None,
    partitions: range | None = None,
) -> StartedResult:
    """Start the operation of the result of the DataFrame ``build`` makes.

    ``build`` runs within the operation, under its job tag: translating a plan may run
    Spark jobs (``show`` renders its rows then), which are then reported and interrupted
    with the operation. ``sent`` is called with each batch as it is made. The operation
    is interrupted as soon as ``cancelled`` answers true (its client went away).

    ``schema`` is the result's Arrow schema when the caller has it (else
    :func:`arrow_schema`), ``rdd`` the DataFrame's :func:`arrow_batch_rdd` when already
    planned; ``partitions`` (which needs ``rdd``) limits the result to those partitions
    of it. Once a whole result has been streamed, the observations in its plan complete
    and its Python functions are noted for profiling.
    """
    with contextlib.ExitStack() as stack:
        running = stack.enter_context(operation(session, headers, cancelled))
        with job_context(session, running.id):
            df = build()
        refuse_user_defined_types(df)
        result_schema = arrow_schema(df) if schema is None else schema
        ending = stack.pop_all()

    finish = _once(ending.__exit__)

    def batches() -> Generator[pa.RecordBatch, None, None]:
        try:
            yield from _batches(
                session, df, result_schema, MAX_BATCH_BYTES, running, sent, rdd, partitions
            )
            if partitions is None:
                session.observations.complete(df)
                profiles.note_functions(session, df)
        except BaseException as exc:
            if not finish(type(exc), exc, exc.__traceback__):
                raise
        else:
            finish(None, None, None)

    return StartedResult(session, running, result_schema, batches(), finish)


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


def result_parts(
    session: Session, build: Callable[[], DataFrame], headers: CallHeaders | None = None
) -> tuple[parts.Parts | None, DataFrame]:
    """Compute the result of the DataFrame ``build`` makes into parts by one job, as an
    operation of ``session``; the parts (None, and nothing run, when it is not a result
    computed in parts: :func:`parts_store`) and the DataFrame."""
    with operation(session, headers) as running, job_context(session, running.id):
        df = build()
        store = parts_store(df)
        return (None if store is None else all_parts(session, df, store)), df
