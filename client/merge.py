"""``MergeIntoWriter``: ``df.mergeInto(table, condition)...merge()``, as in PySpark.

The clauses are collected on the client; ``merge()`` sends them with the source plan as
one ``MergeIntoCommand`` and the server runs Spark's own MergeIntoWriter. MERGE needs a
table whose format supports row-level changes (a V2 catalog such as Delta's or
Iceberg's); Spark's built-in session catalog raises ``UNSUPPORTED_FEATURE.TABLE_OPERATION``
for its tables, the error PySpark raises for the same program.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sparkflight.client import plan
from sparkflight.client.column import Column, ColumnOrName, column_expr
from sparkflight.client.expressions import PlanContext
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans.actions import COMMAND

if TYPE_CHECKING:
    from sparkflight.client.dataframe import DataFrame

_Action = sf.MergeAction


class MergeIntoWriter:
    """The clauses of a MERGE INTO ``table`` from a DataFrame, run by :meth:`merge`."""

    def __init__(self, df: DataFrame, table: str, condition: ColumnOrName) -> None:
        self._df = df
        self._table = table
        self._condition = column_expr(condition)
        self._clauses: list[tuple[int, int, Column | None, dict[str, Column] | None]] = []
        self._schema_evolution = False

    def whenMatched(self, condition: Column | None = None) -> MergeIntoWriter.WhenMatched:
        return MergeIntoWriter.WhenMatched(self, condition)

    def whenNotMatched(self, condition: Column | None = None) -> MergeIntoWriter.WhenNotMatched:
        return MergeIntoWriter.WhenNotMatched(self, condition)

    def whenNotMatchedBySource(
        self, condition: Column | None = None
    ) -> MergeIntoWriter.WhenNotMatchedBySource:
        return MergeIntoWriter.WhenNotMatchedBySource(self, condition)

    def withSchemaEvolution(self) -> MergeIntoWriter:
        self._schema_evolution = True
        return self

    def _add(
        self,
        when: int,
        kind: int,
        condition: Column | None,
        assignments: dict[str, Column] | None = None,
    ) -> MergeIntoWriter:
        self._clauses.append((when, kind, condition, assignments))
        return self

    def merge(self) -> None:
        """Run the MERGE on the server."""
        ctx = PlanContext()
        command = sf.MergeIntoCommand(
            table_name=self._table,
            condition=self._condition.to_proto(ctx),
            schema_evolution=self._schema_evolution,
        )
        for when, kind, condition, assignments in self._clauses:
            action = command.actions.add(when=when, kind=kind)
            if condition is not None:
                action.condition.CopyFrom(column_expr(condition).to_proto(ctx))
            for name, value in (assignments or {}).items():
                action.assignments[name].CopyFrom(column_expr(value).to_proto(ctx))
        command.plan = plan.to_plan(
            self._df._plan, ctx, self._df._session._server_protocol
        ).SerializeToString()
        self._df._session._connection.action(COMMAND, sf.CommandRequest(merge_into=command))

    class WhenMatched:
        """``WHEN MATCHED [AND condition]``: update or delete the matched target rows."""

        def __init__(self, writer: MergeIntoWriter, condition: Column | None) -> None:
            self.writer = writer
            self._condition = condition

        def updateAll(self) -> MergeIntoWriter:
            return self.writer._add(_Action.WHEN_MATCHED, _Action.KIND_UPDATE_ALL, self._condition)

        def update(self, assignments: dict[str, Column]) -> MergeIntoWriter:
            return self.writer._add(
                _Action.WHEN_MATCHED, _Action.KIND_UPDATE, self._condition, assignments
            )

        def delete(self) -> MergeIntoWriter:
            return self.writer._add(_Action.WHEN_MATCHED, _Action.KIND_DELETE, self._condition)

    class WhenNotMatched:
        """``WHEN NOT MATCHED [AND condition]``: insert the source rows without a match."""

        def __init__(self, writer: MergeIntoWriter, condition: Column | None) -> None:
            self.writer = writer
            self._condition = condition

        def insertAll(self) -> MergeIntoWriter:
            return self.writer._add(
                _Action.WHEN_NOT_MATCHED, _Action.KIND_INSERT_ALL, self._condition
            )

        def insert(self, assignments: dict[str, Column]) -> MergeIntoWriter:
            return self.writer._add(
                _Action.WHEN_NOT_MATCHED, _Action.KIND_INSERT, self._condition, assignments
            )

    class WhenNotMatchedBySource:
        """``WHEN NOT MATCHED BY SOURCE [AND condition]``: update or delete target rows
        that no source row matches."""

        def __init__(self, writer: MergeIntoWriter, condition: Column | None) -> None:
            self.writer = writer
            self._condition = condition

        def updateAll(self) -> MergeIntoWriter:
            return self.writer._add(
                _Action.WHEN_NOT_MATCHED_BY_SOURCE, _Action.KIND_UPDATE_ALL, self._condition
            )

        def update(self, assignments: dict[str, Column]) -> MergeIntoWriter:
            when = _Action.WHEN_NOT_MATCHED_BY_SOURCE
            return self.writer._add(when, _Action.KIND_UPDATE, self._condition, assignments)

        def delete(self) -> MergeIntoWriter:
            return self.writer._add(
                _Action.WHEN_NOT_MATCHED_BY_SOURCE, _Action.KIND_DELETE, self._condition
            )
