"""``StorageLevel``: how Spark keeps a cached DataFrame, as ``pyspark.StorageLevel``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from sparkflight.client.errors import wrong_type
from sparkflight.plans import sparkflight_pb2 as sf
from sparkflight.plans import storage


@dataclass(frozen=True)
class StorageLevel:
    """Memory, disk and off-heap use, serialization and replication of cached data."""

    useDisk: bool
    useMemory: bool
    useOffHeap: bool
    deserialized: bool
    replication: int = 1

    NONE: ClassVar[StorageLevel]
    DISK_ONLY: ClassVar[StorageLevel]
    DISK_ONLY_2: ClassVar[StorageLevel]
    DISK_ONLY_3: ClassVar[StorageLevel]
    MEMORY_ONLY: ClassVar[StorageLevel]
    MEMORY_ONLY_2: ClassVar[StorageLevel]
    MEMORY_AND_DISK: ClassVar[StorageLevel]
    MEMORY_AND_DISK_2: ClassVar[StorageLevel]
    OFF_HEAP: ClassVar[StorageLevel]
    MEMORY_AND_DISK_DESER: ClassVar[StorageLevel]

    def __repr__(self) -> str:
        return (
            f"StorageLevel({self.useDisk}, {self.useMemory}, {self.useOffHeap}, "
            f"{self.deserialized}, {self.replication})"
        )

    def __str__(self) -> str:
        parts = [
            name
            for name, used in (
                ("Disk", self.useDisk),
                ("Memory", self.useMemory),
                ("OffHeap", self.useOffHeap),
            )
            if used
        ]
        parts.append("Deserialized" if self.deserialized else "Serialized")
        return " ".join(parts) + f" {self.replication}x Replicated"


StorageLevel.NONE = StorageLevel(False, False, False, False)
StorageLevel.DISK_ONLY = StorageLevel(True, False, False, False)
StorageLevel.DISK_ONLY_2 = StorageLevel(True, False, False, False, 2)
StorageLevel.DISK_ONLY_3 = StorageLevel(True, False, False, False, 3)
StorageLevel.MEMORY_ONLY = StorageLevel(False, True, False, False)
StorageLevel.MEMORY_ONLY_2 = StorageLevel(False, True, False, False, 2)
StorageLevel.MEMORY_AND_DISK = StorageLevel(True, True, False, False)
StorageLevel.MEMORY_AND_DISK_2 = StorageLevel(True, True, False, False, 2)
StorageLevel.OFF_HEAP = StorageLevel(True, True, True, False, 1)
StorageLevel.MEMORY_AND_DISK_DESER = StorageLevel(True, True, False, True)


def storage_level_message(level: Any) -> sf.StorageLevel:
    """A storage level object (``useDisk``, ``useMemory``, ...) as its message."""
    try:
        return storage.storage_level_message(level)
    except AttributeError:
        raise wrong_type("NOT_STORAGELEVEL", "storageLevel", level) from None
