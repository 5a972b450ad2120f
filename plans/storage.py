"""Storage levels on the wire.

pyspark's ``StorageLevel`` and the client's share their attribute names (``useDisk``,
``useMemory``, ``useOffHeap``, ``deserialized``, ``replication``), so one encoder serves both.
"""

from __future__ import annotations

from typing import Any

from sparkflight.plans import sparkflight_pb2 as sf


def storage_level_message(level: Any) -> sf.StorageLevel:
    """``level`` as its message; AttributeError when it is not a storage level."""
    return sf.StorageLevel(
        use_disk=level.useDisk,
        use_memory=level.useMemory,
        use_off_heap=level.useOffHeap,
        deserialized=level.deserialized,
        replication=level.replication,
    )
