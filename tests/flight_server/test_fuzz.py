"""Fuzzing the server with hypothesis: random tickets, nonsense plans, action bodies and
uploads. The server answers each with a result or a clear error, never crashes or hangs,
and a good query succeeds after every batch of bad ones."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.flight as fl
import pytest
from google.protobuf import any_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from substrait import algebra_pb2 as A
from substrait import plan_pb2
from substrait.extensions import extensions_pb2

from sparkflight.flight_server.actions import ACTIONS
from sparkflight.flight_server.errors import Code, status_code
from sparkflight.plans import headers as wire
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.protocol import PROTOCOL_VERSION
from tests.flight_server.plan_builder import SERVER_ERRORS, Plans, details, sql

# A guard against a hanging server, not a performance expectation.
HANG_GUARD_S = 120
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
GOOD = Plans().plan(sql("select 42 as answer"))
OUR_MESSAGES = [m for m in sf.DESCRIPTOR.message_types_by_name.values()]


@pytest.fixture(scope="module")
def fuzz_session(flight_client) -> fl.FlightCallOptions:
    """A session of its own, so that whatever a random call changes stays there."""
    opening = sf.OpenSessionRequest(protocol_version=PROTOCOL_VERSION).SerializeToString()
    results = list(flight_client.do_action(fl.Action("session.open", opening)))
    session_id = sf.SessionInfo.FromString(results[0].body.to_pybytes()).session_id
    yield fl.FlightCallOptions(
        headers=[(wire.SESSION.encode(), session_id.encode())], timeout=HANG_GUARD_S
    )
    request = sf.CloseSessionRequest(session_id=session_id).SerializeToString()
    list(flight_client.do_action(fl.Action("session.close", request)))


class Checked:
    """Runs calls that must answer or fail cleanly; a good query every few of them."""

    EVERY = 10

    def __init__(self, client: fl.FlightClient, options: fl.FlightCallOptions) -> None:
        self.client, self.options, self.calls = client, options, 0

    def __call__(self, call) -> None:
        try:
            call()
        except fl.FlightTimedOutError:
            raise AssertionError("the server hung") from None
        except SERVER_ERRORS as error:
            answer = details(error)  # with the status code of its error class
            assert answer.message, error
            assert status_code(answer) != Code.INTERNAL, answer.message
        self.calls += 1
        if self.calls % self.EVERY == 0:
            self.good_query_succeeds()

    def good_query_succeeds(self) -> None:
        table = self.client.do_get(fl.Ticket(GOOD), self.options).read_all()
        assert table.to_pylist() == [{"answer": 42}]


@pytest.fixture(scope="module")
def checked(flight_client, fuzz_session) -> Checked:
    checker = Checked(flight_client, fuzz_session)
    yield checker
    checker.good_query_succeeds()


names = st.text(max_size=12)
literals = st.one_of(
    st.builds(lambda v: A.Expression(literal=A.Expression.Literal(boolean=v)), st.booleans()),
    st.builds(
        lambda v: A.Expression(literal=A.Expression.Literal(i64=v)),
        st.integers(-(2**63), 2**63 - 1),
    ),
    st.builds(lambda v: A.Expression(literal=A.Expression.Literal(string=v)), names),
    st.builds(lambda v: A.Expression(literal=A.Expression.Literal(fp64=v)), st.floats()),
)


def _field(ordinal: int) -> A.Expression:
    expression = A.Expression()
    expression.selection.direct_reference.struct_field.field = ordinal
    expression.selection.root_reference.SetInParent()
    return expression


def _call(anchor: int, args: list[A.Expression]) -> A.Expression:
    return A.Expression(
        scalar_function=A.Expression.ScalarFunction(
            function_reference=anchor,
            arguments=[A.FunctionArgument(value=a) for a in args],
        )
    )


expressions = st.recursive(
    st.one_of(literals, st.builds(_field, st.integers(-3, 50))),
    lambda inner: st.builds(_call, st.integers(0, 8), st.lists(inner, max_size=3)),
    max_leaves=8,
)


def _leaf(kind: int, text: str, value: bytes, type_name: str) -> A.Rel:
    if kind == 0:
        return A.Rel(read=A.ReadRel(named_table=A.ReadRel.NamedTable(names=[text])))
    detail = any_pb2.Any(type_url="type.googleapis.com/" + type_name, value=value)
    return A.Rel(extension_leaf=A.ExtensionLeafRel(detail=detail))


leaves = st.builds(
    _leaf,
    st.integers(0, 1),
    st.sampled_from(["select 1", "select * from range(3)", "nope", ""]) | names,
    st.binary(max_size=48),
    st.sampled_from([m.full_name for m in OUR_MESSAGES] + ["no.such.Type"]),
)


def _filter(rel: A.Rel, condition: A.Expression) -> A.Rel:
    return A.Rel(filter=A.FilterRel(input=rel, condition=condition))


def _project(rel: A.Rel, exprs: list[A.Expression]) -> A.Rel:
    return A.Rel(project=A.ProjectRel(input=rel, expressions=exprs))


def _fetch(rel: A.Rel, offset: A.Expression, count: A.Expression) -> A.Rel:
    return A.Rel(fetch=A.FetchRel(input=rel, offset_expr=offset, count_expr=count))


def _join(left: A.Rel, right: A.Rel, kind: int, on: A.Expression) -> A.Rel:
    return A.Rel(join=A.JoinRel(left=left, right=right, type=kind, expression=on))


def _sort(rel: A.Rel, by: A.Expression, direction: int) -> A.Rel:
    field = A.SortField(expr=by, direction=direction)
    return A.Rel(sort=A.SortRel(input=rel, sorts=[field]))


relations = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(_filter, inner, expressions),
        st.builds(_project, inner, st.lists(expressions, max_size=3)),
        st.builds(_fetch, inner, expressions, expressions),
        st.builds(_join, inner, inner, st.integers(0, 12), expressions),
        st.builds(_sort, inner, expressions, st.integers(0, 6)),
    ),
    max_leaves=5,
)


def _plan(rel: A.Rel, names: list[str], functions: list[tuple[int, str]]) -> bytes:
    plan = plan_pb2.Plan(relations=[plan_pb2.PlanRel(root=A.RelRoot(input=rel, names=names))])
    plan.extension_urns.add(
        extension_urn_anchor=1, urn="extension:io.substrait:functions_arithmetic"
    )
    for anchor, name in functions:
        plan.extensions.add(
            extension_function=extensions_pb2.SimpleExtensionDeclaration.ExtensionFunction(
                extension_urn_reference=1, function_anchor=anchor, name=name
            )
        )
    return plan.SerializeToString()


plans = st.builds(
    _plan,
    relations,
    st.lists(names, max_size=3),
    st.lists(
        st.tuples(st.integers(0, 8), st.sampled_from(["add:i64_i64", "negate:i64", "nope", ""])),
        max_size=3,
    ),
)


@FUZZ
@given(ticket=st.binary(max_size=256))
def test_random_tickets(checked, ticket):
    checked(lambda: checked.client.do_get(fl.Ticket(ticket), checked.options).read_all())


@FUZZ
@given(plan=plans)
def test_nonsense_plans(checked, plan):
    checked(lambda: checked.client.do_get(fl.Ticket(plan), checked.options).read_all())


@FUZZ
@given(plan=plans)
def test_nonsense_plans_for_schemas(checked, plan):
    descriptor = fl.FlightDescriptor.for_command(plan)
    checked(lambda: checked.client.get_flight_info(descriptor, checked.options))


SAFE_ACTIONS = sorted(set(ACTIONS) - {"session.close"}) + ["unknown.action"]


@FUZZ
@given(kind=st.sampled_from(SAFE_ACTIONS), body=st.binary(max_size=128))
def test_random_action_bodies(checked, kind, body):
    checked(lambda: list(checked.client.do_action(fl.Action(kind, body), checked.options)))


@FUZZ
@given(
    descriptor=st.binary(max_size=64),
    columns=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=50),
    path=st.booleans(),
)
def test_random_uploads(checked, descriptor, columns, path):
    table = pa.table({"x": pa.array(columns, pa.int64())})
    flight_descriptor = (
        fl.FlightDescriptor.for_path(descriptor.hex())
        if path
        else fl.FlightDescriptor.for_command(descriptor)
    )

    def upload() -> None:
        writer, reader = checked.client.do_put(flight_descriptor, table.schema, checked.options)
        writer.write_table(table)
        writer.done_writing()
        reader.read()
        writer.close()

    checked(upload)
