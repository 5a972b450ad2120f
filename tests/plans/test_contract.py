"""The wire contract in plans/ against the server's registries and the docs: an action,
header, ticket kind or feature the server serves must be declared once, in plans/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from substrait import algebra_pb2, plan_pb2

from sparkflight.flight_server import actions as server_actions
from sparkflight.flight_server.connect.expressions import _FORMS
from sparkflight.flight_server.server import SESSIONLESS_ACTIONS, TICKETS
from sparkflight.flight_server.sessions import READ_HEADERS, CallHeaders, read_headers
from sparkflight.flight_server.versions import ServerVersions
from sparkflight.plans import actions, headers, protocol, pseudo, tickets
from sparkflight.plans import sparkflight_pb2 as sf

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_DOC = (ROOT / "docs" / "protocol.md").read_text()
#: The packages whose code speaks the wire (the contract itself is plans/).
SPEAKERS = [ROOT / "client", ROOT / "flight_server", ROOT / "sparkflight", ROOT / "benchmarks"]


def _sources() -> list[Path]:
    return [path for package in SPEAKERS for path in package.rglob("*.py")]


def test_the_server_handles_every_action_of_the_contract_and_no_other() -> None:
    in_session, sessionless = set(server_actions.ACTIONS), set(SESSIONLESS_ACTIONS)
    assert not in_session & sessionless
    assert in_session | sessionless == set(actions.ACTIONS)


@pytest.mark.parametrize("action", actions.ACTIONS.values(), ids=lambda a: a.name)
def test_each_action_is_documented_with_its_messages(action: actions.ActionType) -> None:
    assert action.feature in protocol.FEATURES
    assert action.response.DESCRIPTOR.file is sf.DESCRIPTOR
    row = re.search(rf"^\| `{re.escape(action.name)}` \|(.*)$", PROTOCOL_DOC, re.M)
    assert row is not None, f"docs/protocol.md has no row for the action {action.name!r}"
    if action.request is not None:
        assert f"`{action.request.DESCRIPTOR.name}`" in row.group(1)
    assert actions.described(action).startswith(action.description)


def test_the_server_reads_the_request_headers_of_the_contract() -> None:
    assert set(READ_HEADERS) == set(headers.REQUEST_HEADERS)
    flags = {headers.RESUMABLE: ["1"], headers.PARTS: ["1"]}
    every = {name: ["x"] for name in headers.REQUEST_HEADERS} | flags
    read = read_headers(every)
    for field, _ in READ_HEADERS.values():
        assert getattr(read, field) != getattr(CallHeaders(), field), field


def test_header_names_are_spelled_only_in_the_contract() -> None:
    quoted = re.compile(r"""["']x-sparkflight-""")
    spelled = [
        str(path.relative_to(ROOT)) for path in _sources() if quoted.search(path.read_text())
    ]
    assert spelled == []
    for name in [*headers.REQUEST_HEADERS, *headers.TRAILERS]:
        assert f"`{name}`" in PROTOCOL_DOC


def test_the_server_serves_every_ticket_kind_of_the_contract() -> None:
    assert set(TICKETS) == set(tickets.TICKET_KINDS)
    for kind in tickets.TICKET_KINDS:
        assert f"`{kind}`" in PROTOCOL_DOC


@pytest.mark.parametrize("kind", sorted(set(tickets.TICKET_KINDS) - {tickets.PLAN}))
def test_a_tagged_ticket_tells_its_kind(kind: str) -> None:
    body = b"\x00\x01 any bytes \x00"
    assert tickets.read_ticket(tickets.tagged(kind, body)) == tickets.Ticket(kind, body)


def test_a_substrait_plan_is_the_untagged_default() -> None:
    read = algebra_pb2.Rel(read=algebra_pb2.ReadRel(named_table={"names": ["t"]}))
    plans = [
        plan_pb2.Plan(relations=[plan_pb2.PlanRel(root=algebra_pb2.RelRoot(input=read))]),
        plan_pb2.Plan(version={"minor_number": 54}, expected_type_urls=["x"]),
        plan_pb2.Plan(),
    ]
    for plan in plans:
        data = plan.SerializeToString()
        assert tickets.read_ticket(data) == tickets.Ticket(tickets.PLAN, data)
    assert tickets.read_ticket(b"\x00no-such-kind\x00x").kind == "no-such-kind"


def test_the_feature_table_gives_the_protocol_version() -> None:
    versions = sorted({feature.version for feature in protocol.FEATURES})
    assert versions == list(range(1, protocol.PROTOCOL_VERSION + 1))
    assert len({feature.name for feature in protocol.FEATURES}) == len(protocol.FEATURES)
    assert ServerVersions().protocol == protocol.PROTOCOL_VERSION
    assert ServerVersions().min_client_protocol == protocol.MIN_CLIENT_PROTOCOL
    assert f"(version {protocol.PROTOCOL_VERSION})" in PROTOCOL_DOC.splitlines()[0]
    for version in versions:
        assert re.search(rf"^\| {version} \| ", PROTOCOL_DOC, re.M), f"version {version}"


def test_extension_messages_with_a_feature_exist() -> None:
    for name, feature in protocol.MESSAGE_FEATURES.items():
        assert name.startswith("sparkflight.v1.")
        message = name.removeprefix("sparkflight.v1.")
        assert message in sf.DESCRIPTOR.message_types_by_name
        assert feature in protocol.FEATURES
        row = re.search(rf"^\| `{message}` \|(.*)$", PROTOCOL_DOC, re.M)
        assert row is not None and f"(protocol {feature.version})" in row.group(1), message


def test_protocol_versions_are_no_literals_outside_the_contract() -> None:
    """A feature's version is read from plans/protocol.py, never written as a number."""
    literal = re.compile(r"_PROTOCOL\s*=\s*\d|protocol\w*\s*[<>]=?\s*\d|require\(\s*\d")
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in _sources()
        for line in path.read_text().splitlines()
        if literal.search(line)
    ]
    assert found == []


def test_the_server_translates_every_pseudo_function_of_the_contract_and_no_other() -> None:
    assert set(_FORMS) == set(pseudo.PSEUDO_FUNCTIONS)
