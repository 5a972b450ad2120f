"""Plans whose subtrees travel apart: ``Plan.relations`` holding shared or deep subtrees
that ``ReferenceRel.subtree_ordinal`` points to, with one root.

Protobuf parses messages nested at most 100 levels deep, so a deep plan travels as
shallow pieces; a consumer puts them back together (:func:`inlined`) before reading it.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

from substrait import algebra_pb2, plan_pb2

_REL = algebra_pb2.Rel.DESCRIPTOR.full_name


class SubtreeError(ValueError):
    """A plan's subtrees do not form one tree: a missing, cyclic or unused reference."""


def _references(rel: algebra_pb2.Rel) -> list[algebra_pb2.Rel]:
    """The ``ReferenceRel`` relations in ``rel``, its expressions' subqueries included."""
    found, pending = [], [rel]
    while pending:
        message = pending.pop()
        if isinstance(message, algebra_pb2.Rel) and message.WhichOneof("rel_type") == "reference":
            found.append(message)
            continue
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            if field.message_type.GetOptions().map_entry:
                values = [v for v in value.values() if hasattr(v, "ListFields")]
            else:
                values = list(value) if field.is_repeated else [value]
            pending.extend(values)
    return found


def root_index(plan: plan_pb2.Plan) -> int:
    """The position of the plan's output among ``Plan.relations``: its only relation, or
    the only one that is a ``RelRoot`` when subtrees travel beside it."""
    if len(plan.relations) == 1:
        return 0
    roots = [i for i, r in enumerate(plan.relations) if r.WhichOneof("rel_type") == "root"]
    if len(roots) != 1:
        raise SubtreeError(
            f"a plan of {len(plan.relations)} relations needs exactly one root, "
            f"this one has {len(roots)}"
        )
    return roots[0]


def inlined(plan: plan_pb2.Plan) -> plan_pb2.Plan:
    """``plan`` with one relation: its root, each ``ReferenceRel`` replaced by the subtree it
    points to (copied, so a subtree referenced twice appears twice)."""
    index = root_index(plan)
    if len(plan.relations) == 1 and not _references(_rel_of(plan.relations[0])):
        return plan
    done: dict[int, algebra_pb2.Rel] = {}
    resolving: set[int] = set()

    def resolve(ordinal: int) -> algebra_pb2.Rel:
        if ordinal in done:
            return done[ordinal]
        if not 0 <= ordinal < len(plan.relations) or ordinal == index:
            raise SubtreeError(f"a reference to subtree {ordinal}, which the plan lacks")
        if ordinal in resolving:
            raise SubtreeError(f"subtree {ordinal} refers to itself")
        resolving.add(ordinal)
        subtree = algebra_pb2.Rel()
        subtree.CopyFrom(_rel_of(plan.relations[ordinal]))
        _fill(subtree, resolve)
        resolving.discard(ordinal)
        done[ordinal] = subtree
        return subtree

    result = plan_pb2.Plan()
    result.CopyFrom(plan)
    del result.relations[:]
    root = result.relations.add()
    root.CopyFrom(plan.relations[index])
    _fill(_rel_of(root), resolve)
    unused = set(range(len(plan.relations))) - set(done) - {index}
    if unused:
        raise SubtreeError(f"subtrees {sorted(unused)} are not referenced from the root")
    return result


def _rel_of(plan_rel: plan_pb2.PlanRel) -> algebra_pb2.Rel:
    return plan_rel.rel if plan_rel.WhichOneof("rel_type") == "rel" else plan_rel.root.input


def _fill(rel: algebra_pb2.Rel, resolve: object) -> None:
    """Replace each reference in ``rel`` by a copy of its resolved subtree."""
    for reference in _references(rel):
        ordinal = reference.reference.subtree_ordinal
        reference.CopyFrom(resolve(ordinal))  # type: ignore[operator]


#: Python frames that building or reading a plan may take: a few per relation, for
#: DataFrame programs of thousands of steps (Python's default allows about 300).
PLAN_FRAMES = 20_000
_recursion_lock = threading.Lock()
_recursing = 0
_recursion_limit = 0


@contextlib.contextmanager
def recursion_room() -> Iterator[None]:
    """Raise Python's recursion limit to :data:`PLAN_FRAMES` while plans are built or read
    (relations are visited recursively), and put it back when the last one is done."""
    global _recursing, _recursion_limit
    with _recursion_lock:
        if _recursing == 0:
            _recursion_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_recursion_limit, PLAN_FRAMES))
        _recursing += 1
    try:
        yield
    finally:
        with _recursion_lock:
            _recursing -= 1
            if _recursing == 0:
                sys.setrecursionlimit(_recursion_limit)
