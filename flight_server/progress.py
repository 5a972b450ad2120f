"""Progress of running operations: Spark's stages and tasks, and the result sent so far.

An operation's Spark jobs carry its job tag (:func:`.operations.operation_tag`);
the stages of those jobs are read from Spark's status store when a client asks (the
``progress`` action), so reporting costs nothing while nobody asks. Stages that ended
are remembered per operation and not read again. Only stages that ran or run are
reported: a pending stage may still be skipped (an earlier job computed it). The final
report of the last :data:`FINISHED_KEPT` operations of a session is kept after they end,
so that a client polling while a result streams can still read the totals once it has
the last batch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from py4j.protocol import Py4JJavaError
from pyspark import SparkContext

from sparkflight.plans import sparkflight_pb2 as sf

#: Finished operations whose final report a session keeps.
FINISHED_KEPT = 16
#: How long a report on an ended operation waits for Spark's listener bus to catch up.
_SETTLE_MS = 2000
_FINAL = frozenset({"COMPLETE", "FAILED"})
#: Stages that have not run: pending ones may yet run, skipped ones never will.
_PENDING = "PENDING"
_SKIPPED = "SKIPPED"


@dataclass
class OperationProgress:
    """One operation's counters: rows and Arrow bytes sent, stages seen, ended or not."""

    operation_id: str
    tag: str
    rows: int = 0
    bytes: int = 0
    done: bool = False
    #: Whether Spark's status store has seen every event of the ended operation.
    settled: bool = False
    #: Stages that reached a final state, by stage id; they are not read again.
    final_stages: dict[int, sf.StageProgress] = field(default_factory=dict)
    #: Stages skipped because an earlier job of the operation computed them.
    skipped: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sent(self, rows: int, nbytes: int) -> None:
        with self.lock:
            self.rows += rows
            self.bytes += nbytes

    def report(self, sc: SparkContext) -> sf.ProgressResponse:
        """What the operation has done so far, read from Spark's status store."""
        with self.lock:
            if self.done and not self.settled:
                _wait_for_listeners(sc)
                self.settled = True
            stages = self._stages(sc)
            return sf.ProgressResponse(
                operation_id=self.operation_id,
                stages=[stages[s] for s in sorted(stages)],
                inflight_tasks=sum(s.num_active_tasks for s in stages.values()),
                rows=self.rows,
                bytes=self.bytes,
                done=self.done,
                known=True,
            )

    def _stages(self, sc: SparkContext) -> dict[int, sf.StageProgress]:
        spark_context = sc._jsc.sc()
        tracker, store = spark_context.statusTracker(), spark_context.statusStore()
        stages = dict(self.final_stages)
        for job_id in tracker.getJobIdsForTag(self.tag):
            job = tracker.getJobInfo(job_id)
            if job.isEmpty():
                continue
            for stage_id in job.get().stageIds():
                if stage_id in stages or stage_id in self.skipped:
                    continue
                stage = _stage(store, stage_id)
                if stage is None:
                    continue
                progress, status = stage
                if status == _SKIPPED:
                    self.skipped.add(stage_id)
                if status in (_SKIPPED, _PENDING):
                    continue
                if status in _FINAL:
                    self.final_stages[stage_id] = progress
                stages[stage_id] = progress
        return stages


def _wait_for_listeners(sc: SparkContext) -> None:
    """Let Spark's status store take in the events already posted (task and stage ends)."""
    try:
        sc._jsc.sc().listenerBus().waitUntilEmpty(_SETTLE_MS)
    except Py4JJavaError:  # timed out: report what the store has
        pass


def _stage(store: Any, stage_id: int) -> tuple[sf.StageProgress, str] | None:
    try:
        data = store.lastStageAttempt(stage_id)
    except Exception:  # noqa: BLE001 - a stage evicted from the store has no progress to show
        return None
    status = data.status().toString()
    progress = sf.StageProgress(
        stage_id=stage_id,
        num_tasks=data.numTasks(),
        num_completed_tasks=data.numCompleteTasks(),
        num_active_tasks=data.numActiveTasks(),
        input_bytes_read=data.inputBytes(),
        done=status in _FINAL,
    )
    return progress, status


class ProgressBoard:
    """The progress of a session's running operations and of its last finished ones."""

    def __init__(self) -> None:
        self._operations: OrderedDict[str, OperationProgress] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, operation_id: str, tag: str) -> OperationProgress:
        progress = OperationProgress(operation_id, tag)
        with self._lock:
            self._operations[operation_id] = progress
        return progress

    def get(self, operation_id: str) -> OperationProgress | None:
        with self._lock:
            return self._operations.get(operation_id)

    def finish(self, progress: OperationProgress) -> None:
        """Mark an operation ended; only the last finished ones are kept."""
        with progress.lock:
            progress.done = True
        with self._lock:
            finished = [p for p in self._operations.values() if p.done]
            for old in finished[: max(0, len(finished) - FINISHED_KEPT)]:
                self._operations.pop(old.operation_id, None)

    def report(self, operation_id: str, sc: SparkContext) -> sf.ProgressResponse:
        progress = self.get(operation_id)
        if progress is None:
            return sf.ProgressResponse(operation_id=operation_id, known=False)
        return progress.report(sc)
