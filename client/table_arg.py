"""``DataFrame.asTable()``: a DataFrame as the table argument of a Python UDTF call.

As in PySpark, a table argument may be partitioned (``partitionBy`` or
``withSinglePartition``), and then ordered within each partition (``orderBy``); each
partition goes to its own UDTF instance, whose ``terminate()`` runs at its end.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sparkflight.client.column import ColumnOrName, column_expr, flatten
from sparkflight.client.errors import IllegalArgumentException
from sparkflight.client.expressions import sort_order
from sparkflight.client.plan import TableArgument

if TYPE_CHECKING:
    from sparkflight.client.session import SparkSession


class TableArg:
    """A table argument of a UDTF call; its methods return new table arguments."""

    def __init__(self, argument: TableArgument, session: SparkSession) -> None:
        self._argument = argument
        #: The session of the DataFrame it came from, which a UDTF call with it runs in.
        self._session = session

    def _is_partitioned(self) -> bool:
        return bool(self._argument.partition_by) or self._argument.with_single_partition

    def _replace(self, **changes: object) -> TableArg:
        argument = dataclasses.replace(self._argument, **changes)  # type: ignore[arg-type]
        return TableArg(argument, self._session)

    def partitionBy(self, *cols: ColumnOrName | list[ColumnOrName]) -> TableArg:
        """Rows with equal values of ``cols`` share a partition."""
        if self._is_partitioned():
            raise IllegalArgumentException(
                "Cannot call partitionBy() after partitionBy() or withSinglePartition() "
                "has been called."
            )
        return self._replace(partition_by=tuple(column_expr(c) for c in flatten(cols)))

    def orderBy(self, *cols: ColumnOrName | list[ColumnOrName]) -> TableArg:
        """The order of the rows within each partition (ascending unless a Column says)."""
        if not self._is_partitioned():
            raise IllegalArgumentException(
                "Please call partitionBy() or withSinglePartition() before orderBy()."
            )
        orders = tuple(sort_order(column_expr(c)) for c in flatten(cols))
        return self._replace(order_by=self._argument.order_by + orders)

    def withSinglePartition(self) -> TableArg:
        """All rows in one partition."""
        if self._is_partitioned():
            raise IllegalArgumentException(
                "Cannot call withSinglePartition() after partitionBy() or "
                "withSinglePartition() has been called."
            )
        return self._replace(with_single_partition=True)
