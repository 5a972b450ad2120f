"""Hand-built Substrait plans for the server tests (substrait protobufs directly)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from google.protobuf import any_pb2
from google.protobuf.message import Message
from pyspark.sql import SparkSession
from substrait import algebra_pb2 as A
from substrait import plan_pb2
from substrait import type_pb2 as T

from sparkflight.client.errors import DetailsTrailers, error_details
from sparkflight.flight_server.errors import SENT_AS, Code, status_code
from sparkflight.flight_server.server import SparkFlightServer
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.extensions import (
    EXPRESSIONS_URN,
    SPARK_FUNCTIONS_URN,
    STANDARD_URN_PREFIX,
    FunctionAnchors,
)

Expression = A.Expression


def lit(value: object) -> Expression:
    """A literal of a Python bool, int (i32), float (fp64), str or None (untyped null)."""
    if value is None:
        return Expression(literal=Expression.Literal(null=T.Type()))
    if isinstance(value, bool):
        return Expression(literal=Expression.Literal(boolean=value))
    if isinstance(value, int):
        return Expression(literal=Expression.Literal(i32=value))
    if isinstance(value, float):
        return Expression(literal=Expression.Literal(fp64=value))
    return Expression(literal=Expression.Literal(string=str(value)))


def lit_of(**kind: object) -> Expression:
    """A literal of any kind: ``lit_of(i64=5)``."""
    return Expression(literal=Expression.Literal(**kind))


def field(ordinal: int, steps_out: int = 0) -> Expression:
    """An ordinal reference into the input (or an enclosing query's input)."""
    ref = Expression.FieldReference(
        direct_reference=Expression.ReferenceSegment(
            struct_field=Expression.ReferenceSegment.StructField(field=ordinal)
        )
    )
    if steps_out:
        ref.outer_reference.steps_out = steps_out
    else:
        ref.root_reference.SetInParent()
    return Expression(selection=ref)


def packed(message: Message) -> any_pb2.Any:
    detail = any_pb2.Any()
    detail.Pack(message)
    return detail


def leaf(message: Message) -> A.Rel:
    return A.Rel(extension_leaf=A.ExtensionLeafRel(detail=packed(message)))


def single(message: Message, input: A.Rel) -> A.Rel:
    return A.Rel(extension_single=A.ExtensionSingleRel(input=input, detail=packed(message)))


def sql(query: str) -> A.Rel:
    return leaf(sf.SqlRelation(query=query))


def table(name: str) -> A.Rel:
    return A.Rel(read=A.ReadRel(named_table=A.ReadRel.NamedTable(names=[name])))


def with_plan_id(rel: A.Rel, plan_id: int) -> A.Rel:
    kind = rel.WhichOneof("rel_type")
    getattr(rel, kind).common.advanced_extension.optimization.append(packed(sf.PlanId(id=plan_id)))
    return rel


def enhanced(rel: A.Rel, enhancement: Message) -> A.Rel:
    kind = rel.WhichOneof("rel_type")
    getattr(rel, kind).advanced_extension.enhancement.CopyFrom(packed(enhancement))
    return rel


class Plans:
    """Builds function calls with anchors declared once per plan."""

    def __init__(self) -> None:
        self.anchors = FunctionAnchors()

    def call(self, urn: str, name: str, *args: Expression, **fields: object) -> Expression:
        arguments = [A.FunctionArgument(value=a) for a in args]
        f = Expression.ScalarFunction(
            function_reference=self.anchors.anchor(urn, name), arguments=arguments, **fields
        )
        return Expression(scalar_function=f)

    def spark(self, name: str, *args: Expression, **fields: object) -> Expression:
        return self.call(SPARK_FUNCTIONS_URN, name, *args, **fields)

    def std(self, extension: str, name: str, *args: Expression, **fields: object) -> Expression:
        return self.call(STANDARD_URN_PREFIX + extension, name, *args, **fields)

    def expr(self, name: str, *args: Expression) -> Expression:
        return self.call(EXPRESSIONS_URN, name, *args)

    def col(self, name: str, plan_id: int | None = None) -> Expression:
        args = [lit(name)] + ([lit_of(i64=plan_id)] if plan_id is not None else [])
        return self.expr("column", *args)

    def alias(self, e: Expression, name: str) -> Expression:
        return self.expr("alias", e, lit(name))

    def aggregate(
        self, urn: str, name: str, *args: Expression, distinct: bool = False
    ) -> A.AggregateFunction:
        invocation = (
            A.AggregateFunction.AGGREGATION_INVOCATION_DISTINCT
            if distinct
            else A.AggregateFunction.AGGREGATION_INVOCATION_ALL
        )
        return A.AggregateFunction(
            function_reference=self.anchors.anchor(urn, name),
            arguments=[A.FunctionArgument(value=a) for a in args],
            invocation=invocation,
        )

    def plan(self, rel: A.Rel, names: list[str] | None = None) -> bytes:
        plan = plan_pb2.Plan()
        plan.relations.add(root=A.RelRoot(input=rel, names=names or []))
        self.anchors.declare(plan)
        return plan.SerializeToString()


def project(input: A.Rel, *exprs: Expression, only: bool = True) -> A.Rel:
    rel = A.Rel(project=A.ProjectRel(input=input, expressions=exprs))
    return enhanced(rel, sf.ProjectExpressionsOnly()) if only else rel


@pytest.fixture(scope="module")
def server(served_spark: SparkSession) -> Iterator[SparkFlightServer]:
    """A SparkFlightServer over the module's ``served_spark`` session, serving in a thread."""
    srv = SparkFlightServer(served_spark)
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    thread.join()


def connect(url: str) -> fl.FlightClient:
    """A raw Flight client that keeps the ``ErrorDetails`` trailer of a failed call, for
    :func:`details`."""
    return fl.connect(url, middleware=[DetailsTrailers()])


@pytest.fixture(scope="module")
def client(server: SparkFlightServer) -> Iterator[fl.FlightClient]:
    c = connect(f"grpc://127.0.0.1:{server.port}")
    yield c
    c.close()


def read_chunks(reader: fl.FlightStreamReader) -> list[pa.RecordBatch]:
    """A DoGet's batches, read chunk by chunk. Reads that the server may interrupt use it:
    pyarrow's ``read_all`` turns the ``CANCELLED`` of an interrupted operation into a
    ``KeyboardInterrupt`` of the main thread (its ``FlightCancelledError`` is an
    ``ArrowCancelled``, which ``read_all`` takes for Ctrl-C)."""
    batches = []
    while True:
        try:
            batches.append(reader.read_chunk().data)
        except StopIteration:
            return batches


def run(client: fl.FlightClient, plan: bytes, **options: object) -> pa.Table:
    """Run ``plan`` with DoGet."""
    call_options = fl.FlightCallOptions(**options) if options else None
    return client.do_get(fl.Ticket(plan), call_options).read_all()


#: The exception pyarrow's client raises for each status code the server sends.
PYARROW_ERRORS: dict[Code, type[Exception]] = {
    Code.INVALID_ARGUMENT: pa.ArrowInvalid,
    Code.NOT_FOUND: pa.ArrowKeyError,
    Code.UNIMPLEMENTED: pa.ArrowNotImplementedError,
    Code.CANCELLED: fl.FlightCancelledError,
    Code.DEADLINE_EXCEEDED: fl.FlightTimedOutError,
    Code.PERMISSION_DENIED: fl.FlightUnauthorizedError,
    Code.UNAUTHENTICATED: fl.FlightUnauthenticatedError,
    Code.UNAVAILABLE: fl.FlightUnavailableError,
    Code.INTERNAL: fl.FlightInternalError,
}
#: What a raw client catches: Flight errors and the Arrow errors of the codes without one.
SERVER_ERRORS = (fl.FlightError, pa.ArrowException)


def details(error: BaseException) -> sf.ErrorDetails:
    """The ``ErrorDetails`` of a server's error (read on the thread that got it, from the
    trailer a :func:`connect` client keeps, else from ``extra_info``), checked to arrive
    as the pyarrow exception of its status code by the error table."""
    found = error_details(error)
    assert found is not None, f"no ErrorDetails with {error!r}"
    code = status_code(found)
    assert type(error) is PYARROW_ERRORS[SENT_AS.get(code, code)], (code, repr(error))
    return found
