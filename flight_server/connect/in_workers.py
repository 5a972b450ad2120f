"""What Spark's Python workers run around a client's function for ``df.foreach`` and
``df.foreachPartition``; pickled by value, so that workers need not have sparkflight."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any


def _rows(schema: Any, batches: Iterator[Any]) -> Iterator[Any]:
    """The rows of Arrow ``batches`` as PySpark ``Row`` objects of ``schema``."""
    import pyarrow as pa
    from pyspark.sql.conversion import ArrowTableToRowsConversion

    for batch in batches:
        table = pa.Table.from_batches([batch])
        yield from ArrowTableToRowsConversion.convert(table, schema, binary_as_bytes=False)


def foreach_row(function: Callable[[Any], None], schema: Any, batches: Iterator[Any]) -> Any:
    """``df.foreach``: ``function`` on each row; no output."""
    for row in _rows(schema, batches):
        function(row)
    return iter([])


def foreach_partition(
    function: Callable[[Iterator[Any]], None], schema: Any, batches: Iterator[Any]
) -> Any:
    """``df.foreachPartition``: ``function`` on the partition's rows; no output."""
    function(_rows(schema, batches))
    return iter([])
