"""SQL statements, prepared statements and Substrait plans, and their pending results.

A query is planned when its ``FlightInfo`` is asked for (Spark runs commands then) and its
result is cut into endpoints, each a contiguous range of the result's partitions, so that
a client can fetch them in parallel; each endpoint is served once. Parameters are Spark's
positional ``?`` markers; each bound row runs the statement once.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
from pyspark.sql import DataFrame

from sparkflight.flight_server import parts, restrictions
from sparkflight.flight_server.errors import (
    INCONSISTENT_RESULT_SCHEMA,
    RESULT_NOT_FOUND,
    STATEMENT_NOT_FOUND,
    WRONG_PARAMETER_COUNT,
    SparkFlightError,
)
from sparkflight.flight_server.operations import Cancelled, job_context, operation
from sparkflight.flight_server.results import (
    all_parts,
    arrow_batch_rdd,
    arrow_schema,
    parts_store,
)
from sparkflight.flight_server.sessions import Session
from sparkflight.flight_server.translate import translate_plan

#: Most endpoints one result is cut into.
MAX_ENDPOINTS = 4
#: Results Spark estimates smaller than this come as one endpoint (some clients, such as
#: flightsql-dbapi, read only the first endpoint of a result).
SPLIT_BYTES = 16 * 1024 * 1024
#: Most prepared statements and unfetched results kept; the oldest go first beyond that.
MAX_PREPARED = 1024
MAX_PENDING_RESULTS = 64


_POSITIONAL_PARAMETER = re.compile(r'"class":"[\w.$]*\.PosParameter"')


def parameter_count(session: Session, query: str) -> int:
    """How many ``?`` markers ``query`` has (parses it: bad SQL fails here)."""
    parser = session.spark._jsparkSession.sessionState().sqlParser()
    return len(_POSITIONAL_PARAMETER.findall(parser.parsePlan(query).toJSON()))


@dataclass
class Prepared:
    """A prepared statement: SQL text with its parameter count, or a Substrait plan."""

    handle: bytes
    #: The :attr:`Session.key` of the session that prepared it.
    session_key: str
    query: str = ""
    plan: bytes = b""
    parameter_count: int = 0
    #: The parameter rows bound by the last DoPut, if any.
    parameters: pa.Table | None = None


@dataclass(frozen=True)
class Slice:
    """One endpoint of a result: some partitions of one DataFrame's result."""

    df: DataFrame
    rdd: Any
    partitions: range


@dataclass
class PendingResult:
    """A planned result whose endpoints have not all been fetched yet."""

    session: Session
    schema: pa.Schema
    slices: dict[int, Slice]
    cancelled: threading.Event = field(default_factory=threading.Event)


def _estimated_bytes(df: DataFrame) -> int:
    """The size of ``df``'s result that Spark's statistics estimate."""
    return int(df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes())


def _partition_ranges(count: int, estimated_bytes: int) -> list[range]:
    parts = min(count, MAX_ENDPOINTS) if estimated_bytes >= SPLIT_BYTES else min(count, 1)
    if parts == 0:
        return [range(0)]
    bounds = [count * i // parts for i in range(parts + 1)]
    return [range(bounds[i], bounds[i + 1]) for i in range(parts)]


def parameter_rows(table: pa.Table | None, expected: int) -> list[list[Any]]:
    """The bound parameter rows as Python values; one empty row when nothing is bound."""
    if table is None or (table.num_columns == 0 and expected == 0):
        if expected:
            raise SparkFlightError(
                WRONG_PARAMETER_COUNT,
                f"the statement has {expected} parameter(s) but none were bound",
            )
        return [[]]
    if table.num_columns != expected:
        raise SparkFlightError(
            WRONG_PARAMETER_COUNT,
            f"the statement has {expected} parameter(s) but {table.num_columns} were bound",
        )
    columns = [column.to_pylist() for column in table.columns]
    return [[column[i] for column in columns] for i in range(table.num_rows)]


class Statements:
    """The prepared statements and pending results of the server's Flight SQL clients."""

    def __init__(self) -> None:
        self._prepared: dict[bytes, Prepared] = {}
        self._results: dict[str, PendingResult] = {}
        self._lock = threading.Lock()

    # Prepared statements.

    def prepare(self, session: Session, query: str = "", plan: bytes = b"") -> Prepared:
        if query:
            restrictions.check_sql(session, query)
        count = parameter_count(session, query) if query else 0
        if plan:
            translate_plan(session, plan)  # a bad plan fails now, not at execution
        prepared = Prepared(uuid.uuid4().bytes, session.key, query, plan, count)
        with self._lock:
            self._prepared[prepared.handle] = prepared
            while len(self._prepared) > MAX_PREPARED:
                del self._prepared[next(iter(self._prepared))]
        return prepared

    def prepared(self, session: Session, handle: bytes) -> Prepared:
        with self._lock:
            prepared = self._prepared.get(handle)
        if prepared is None or prepared.session_key != session.key:
            raise SparkFlightError(
                STATEMENT_NOT_FOUND, "no such prepared statement in this session (closed?)"
            )
        return prepared

    def close(self, session: Session, handle: bytes) -> None:
        prepared = self.prepared(session, handle)
        with self._lock:
            self._prepared.pop(prepared.handle, None)

    # Running statements.

    def frames(
        self, session: Session, prepared: Prepared, parameters: pa.Table | None = None
    ) -> Iterator[DataFrame]:
        """The DataFrames of ``prepared``, one per parameter row (commands run now).

        ``parameters`` default to the rows bound to ``prepared``.
        """
        if prepared.plan:
            yield translate_plan(session, prepared.plan)
            return
        rows = parameter_rows(
            prepared.parameters if parameters is None else parameters, prepared.parameter_count
        )
        restrictions.check_sql(session, prepared.query)
        for row in rows:
            df = session.spark.sql(prepared.query, args=row or None)
            restrictions.check_dataframe(session, df._jdf)
            yield df

    def plan(
        self, session: Session, prepared: Prepared, cancelled: Cancelled | None = None
    ) -> tuple[str, PendingResult] | parts.Parts:
        """Plan ``prepared`` (running it if it is a command): the pending result and its id,
        or, for one large result and a server with a result store, the result computed into
        parts (:mod:`..parts`)."""
        slices: list[Slice] = []
        schema: pa.Schema | None = None
        with operation(session, cancelled=cancelled) as running, job_context(session, running.id):
            frames = list(self.frames(session, prepared))
            store = parts_store(frames[0]) if len(frames) == 1 else None
            if store is not None:
                return all_parts(session, frames[0], store)
            for df in frames:
                df_schema = arrow_schema(df)
                if schema is None:
                    schema = df_schema
                elif not df_schema.equals(schema):
                    raise SparkFlightError(
                        INCONSISTENT_RESULT_SCHEMA,
                        "the bound parameter rows give results of different types",
                    )
                rdd = arrow_batch_rdd(df)
                ranges = _partition_ranges(rdd.getNumPartitions(), _estimated_bytes(df))
                for partitions in ranges:
                    slices.append(Slice(df, rdd, partitions))
        if schema is None:
            raise SparkFlightError(WRONG_PARAMETER_COUNT, "no parameter rows were bound")
        result = PendingResult(session, schema, dict(enumerate(slices)))
        result_id = uuid.uuid4().hex
        with self._lock:
            self._results[result_id] = result
            while len(self._results) > MAX_PENDING_RESULTS:
                self._results.pop(next(iter(self._results))).cancelled.set()
        return result_id, result

    def take_slice(self, user: str, result_id: str, index: int) -> tuple[PendingResult, Slice]:
        """Remove and return one endpoint of a pending result of ``user`` (each is served
        once); another user's is answered as unknown."""
        with self._lock:
            result = self._results.get(result_id)
            if result is not None and result.session.user != user:
                result = None
            piece = result.slices.pop(index, None) if result is not None else None
            if result is not None and not result.slices:
                self._results.pop(result_id, None)
        if result is None or piece is None:
            raise SparkFlightError(
                RESULT_NOT_FOUND, "this result was already fetched, cancelled or never existed"
            )
        return result, piece

    def cancel(self, user: str, result_ids: list[str]) -> bool:
        """Forget results of ``user`` and stop their running endpoints; whether any was
        known (another user's are not)."""
        with self._lock:
            mine = [i for i in result_ids if i in self._results]
            mine = [i for i in mine if self._results[i].session.user == user]
            results = [self._results.pop(i) for i in mine]
        for result in results:
            result.cancelled.set()
        return bool(results)

    def forget_session(self, session: Session) -> None:
        """Drop the prepared statements and results of a closed session."""
        key = session.key
        with self._lock:
            for handle in [h for h, p in self._prepared.items() if p.session_key == key]:
                del self._prepared[handle]
            for result_id in [i for i, r in self._results.items() if r.session.key == key]:
                self._results.pop(result_id).cancelled.set()


def update_count(df: DataFrame) -> int:
    """Rows a command wrote, when Spark's write metrics tell (-1 otherwise)."""
    plan = df._jdf.queryExecution().executedPlan()
    if plan.getClass().getSimpleName() != "CommandResultExec":
        return -1
    metric = plan.commandPhysicalPlan().metrics().get("numOutputRows")
    return int(metric.get().value()) if metric.isDefined() else -1
