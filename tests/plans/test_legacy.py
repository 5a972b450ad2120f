"""Legacy Substrait fields: reading them, and refusing every other unknown field."""

from __future__ import annotations

import pytest
from substrait import algebra_pb2, plan_pb2, type_pb2

from sparkflight.plans import legacy
from tests.plans.unknown_fields import field, with_fields


def _literal(**kind: object) -> algebra_pb2.Expression:
    return algebra_pb2.Expression(literal=algebra_pb2.Expression.Literal(**kind))


def _column(index: int) -> algebra_pb2.Expression:
    reference = algebra_pb2.Expression.FieldReference(
        direct_reference=algebra_pb2.Expression.ReferenceSegment(
            struct_field=algebra_pb2.Expression.ReferenceSegment.StructField(field=index)
        ),
        root_reference=algebra_pb2.Expression.FieldReference.RootReference(),
    )
    return algebra_pb2.Expression(selection=reference)


def _plan(rel: algebra_pb2.Rel) -> plan_pb2.Plan:
    plan = plan_pb2.Plan()
    plan.relations.add().root.input.CopyFrom(rel)
    return plan_pb2.Plan.FromString(plan.SerializeToString())


@pytest.mark.parametrize(
    ("fetch", "expected"),
    [
        (algebra_pb2.FetchRel(), (None, 0)),
        (algebra_pb2.FetchRel(count_expr=_literal(i64=10)), (10, 0)),
        (algebra_pb2.FetchRel(count_expr=_literal(i32=3), offset_expr=_literal(i64=7)), (3, 7)),
        (algebra_pb2.FetchRel(count_expr=_literal(i64=0)), (0, 0)),
        (
            algebra_pb2.FetchRel(
                count_expr=_literal(null=type_pb2.Type(i64=type_pb2.Type.I64())),
                offset_expr=_literal(null=type_pb2.Type(i64=type_pb2.Type.I64())),
            ),
            (None, 0),
        ),
        (with_fields(algebra_pb2.FetchRel(), field(4, 5), field(3, 2)), (5, 2)),
        (with_fields(algebra_pb2.FetchRel(), field(4, -1), field(3, 2)), (None, 2)),
        (with_fields(algebra_pb2.FetchRel(), field(4, 0)), (0, 0)),
    ],
    ids=["unset", "count", "count-i32-offset", "zero", "nulls", "legacy", "legacy-all", "legacy-0"],
)
def test_fetch_count_offset(fetch: algebra_pb2.FetchRel, expected: tuple[int | None, int]) -> None:
    assert legacy.fetch_count_offset(fetch) == expected


@pytest.mark.parametrize(
    "fetch",
    [
        algebra_pb2.FetchRel(count_expr=_literal(i64=-2)),
        algebra_pb2.FetchRel(offset_expr=_literal(i32=-1)),
        algebra_pb2.FetchRel(count_expr=_literal(string="10")),
        algebra_pb2.FetchRel(count_expr=_column(0)),
        with_fields(algebra_pb2.FetchRel(), field(4, -2)),
        with_fields(algebra_pb2.FetchRel(), field(3, -1)),
    ],
    ids=["negative-count", "negative-offset", "string", "column", "legacy-neg", "legacy-neg-off"],
)
def test_fetch_count_offset_refuses(fetch: algebra_pb2.FetchRel) -> None:
    with pytest.raises(ValueError, match="FetchRel"):
        legacy.fetch_count_offset(fetch)


def test_groupings_from_references() -> None:
    aggregate = algebra_pb2.AggregateRel(grouping_expressions=[_column(0), _column(1)])
    aggregate.groupings.add(expression_references=[1, 0])
    aggregate.groupings.add(expression_references=[0])
    aggregate.groupings.add()
    assert legacy.groupings(aggregate) == [[_column(1), _column(0)], [_column(0)], []]


def test_groupings_from_legacy_expressions() -> None:
    aggregate = algebra_pb2.AggregateRel()
    aggregate.groupings.append(
        with_fields(algebra_pb2.AggregateRel.Grouping(), field(1, _column(2)), field(1, _column(0)))
    )
    aggregate = _plan(algebra_pb2.Rel(aggregate=aggregate)).relations[0].root.input.aggregate
    assert legacy.groupings(aggregate) == [[_column(2), _column(0)]]


def test_groupings_prefer_references_when_both_are_sent() -> None:
    grouping = with_fields(
        algebra_pb2.AggregateRel.Grouping(expression_references=[0]), field(1, _column(5))
    )
    aggregate = algebra_pb2.AggregateRel(grouping_expressions=[_column(5)], groupings=[grouping])
    assert legacy.groupings(aggregate) == [[_column(5)]]


def test_groupings_refuse_a_dangling_reference() -> None:
    aggregate = algebra_pb2.AggregateRel(grouping_expressions=[_column(0)])
    aggregate.groupings.add(expression_references=[1])
    with pytest.raises(ValueError, match="references expression 1 of 1"):
        legacy.groupings(aggregate)


def _fetch_over_aggregate(
    fetch_fields: tuple[bytes, ...] = (), grouping_fields: tuple[bytes, ...] = ()
) -> plan_pb2.Plan:
    grouping = with_fields(algebra_pb2.AggregateRel.Grouping(), *grouping_fields)
    aggregate = algebra_pb2.Rel(aggregate=algebra_pb2.AggregateRel(groupings=[grouping]))
    fetch = with_fields(algebra_pb2.FetchRel(input=aggregate), *fetch_fields)
    return _plan(algebra_pb2.Rel(fetch=fetch))


def test_check_unknown_fields_accepts_legacy_fields() -> None:
    legacy.check_unknown_fields(plan_pb2.Plan())
    legacy.check_unknown_fields(
        _fetch_over_aggregate((field(3, 1), field(4, -1)), (field(1, _column(0)),))
    )


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            _fetch_over_aggregate((field(9, 1),)),
            "substrait.FetchRel has unknown field 9",
        ),
        (
            # The legacy count has the varint wire type, not length-delimited.
            _fetch_over_aggregate((field(4, b"x"),)),
            "substrait.FetchRel has unknown field 4",
        ),
        (
            # A legacy timestamp literal (field 14) inside a legacy grouping expression.
            _fetch_over_aggregate(
                grouping_fields=(
                    field(
                        1,
                        algebra_pb2.Expression(
                            literal=with_fields(
                                algebra_pb2.Expression.Literal(), field(14, 1_700_000_000)
                            )
                        ),
                    ),
                )
            ),
            "substrait.Expression.Literal has unknown field 14",
        ),
        (
            with_fields(plan_pb2.Plan(), field(11, 1)),
            "substrait.Plan has unknown field 11",
        ),
    ],
    ids=["fetch", "wire-type", "inside-legacy-expression", "plan"],
)
def test_check_unknown_fields_refuses_others(plan: plan_pb2.Plan, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        legacy.check_unknown_fields(plan)


def test_check_unknown_fields_refuses_a_malformed_legacy_expression() -> None:
    plan = _fetch_over_aggregate(grouping_fields=(field(1, b"\xff"),))
    with pytest.raises(ValueError, match="malformed legacy grouping expression"):
        legacy.check_unknown_fields(plan)


def _aggregates(message: object) -> list[algebra_pb2.AggregateRel]:
    found = []
    for descriptor, value in message.ListFields():  # type: ignore[attr-defined]
        if descriptor.message_type is None:
            continue
        for item in value if descriptor.is_repeated else [value]:
            if isinstance(item, algebra_pb2.AggregateRel):
                found.append(item)
            found.extend(_aggregates(item))
    return found


def test_datafusion_tpch_plans(datafusion_tpch_plans: dict[int, plan_pb2.Plan]) -> None:
    """DataFusion writes both grouping encodings; they agree and nothing else is unknown."""
    checked = 0
    for plan in datafusion_tpch_plans.values():
        legacy.check_unknown_fields(plan)
        for aggregate in _aggregates(plan):
            by_reference = legacy.groupings(aggregate)
            stripped = algebra_pb2.AggregateRel()
            stripped.CopyFrom(aggregate)
            for grouping in stripped.groupings:
                grouping.ClearField("expression_references")
            assert legacy.groupings(stripped) == by_reference
            checked += sum(map(len, by_reference))
    assert checked > 20
