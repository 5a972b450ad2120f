"""Long-lived threads that run the server's Python code for Flight's calls.

Flight calls Python on gRPC's threads, and each callback gets a new Python thread
state. PySpark's py4j runs in pinned-thread mode, one JVM connection per Python thread
state, so every callback would open (and authenticate) a new connection to the JVM,
which starts a new JVM thread for it. The server's handlers and the batches of its
result streams therefore run on a pool of long-lived Python threads, each keeping its
connection: one thread hand-off per callback instead.

The pool grows with the calls running at once and a thread leaves after
:data:`IDLE_SECONDS` without work. Spark's per-thread state a task sets (job tags, local
properties, artifact state, the active session) is restored by the code that sets it,
so a thread carries none from one task to the next.
"""

from __future__ import annotations

import functools
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.flight as fl

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: Seconds an idle worker waits for work before it ends.
IDLE_SECONDS = 60.0

_idle: list[queue.SimpleQueue[_Task]] = []
_lock = threading.Lock()
_current = threading.local()


class _Task:
    """A call to run on a worker, and its outcome."""

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.function, self.args = function, args
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.function(*self.args)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the calling thread
            self.error = exc
        finally:
            self.function = self.args = None  # type: ignore[assignment]
            self.done.set()


def _serve(inbox: queue.SimpleQueue[_Task]) -> None:
    _current.worker = True
    while True:
        try:
            task = inbox.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with _lock:
                if inbox in _idle:  # nobody took this worker meanwhile: it ends
                    _idle.remove(inbox)
                    return
            continue  # a caller took it just now: its task is on the way
        task.run()
        del task
        with _lock:
            _idle.append(inbox)


def _submit(function: Callable[..., Any], *args: Any) -> _Task:
    """Start ``function(*args)`` on an idle worker thread (a new one if none is idle)."""
    with _lock:
        inbox = _idle.pop() if _idle else None
    if inbox is None:
        inbox = queue.SimpleQueue()
        threading.Thread(
            target=_serve, args=(inbox,), name="sparkflight-worker", daemon=True
        ).start()
    task = _Task(function, args)
    inbox.put(task)
    return task


def call(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` run on a worker thread, waited for; its result or its exception.

    On a worker thread it runs at once, in place.
    """
    if getattr(_current, "worker", False):
        return function(*args)
    task = _submit(function, *args)
    task.done.wait()
    if task.error is not None:
        error, task.error = task.error, None
        raise error
    return task.value


def on_worker(method: F) -> F:
    """Decorate an RPC handler so that its body runs on a worker thread."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call(functools.partial(method, *args, **kwargs))

    return wrapper  # type: ignore[return-value]


_END = object()


def iterate(items: Iterator[T]) -> Iterator[T]:
    """``items``, each pulled on a worker thread (as Flight pulls a result's batches);
    closing this iterator closes ``items`` there too."""
    try:
        while True:
            item = call(next, items, _END)
            if item is _END:
                return
            yield item
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            call(close)


def ahead(items: Iterator[T], most: int) -> Iterator[T]:
    """``items``, pulled on a worker thread of their own at most ``most`` ahead of the
    reader (the next of a result's waves computes while the reader sends one). An error
    pulling them is raised to the reader in turn; once the reader stops, no more are
    pulled and ``items`` is closed."""
    pulled: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(most)
    stopped = threading.Event()

    def put(entry: tuple[Any, BaseException | None]) -> bool:
        while not stopped.is_set():
            try:
                pulled.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pull() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # noqa: BLE001 - raised to the reader
            put((None, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    _submit(pull)
    try:
        while True:
            item, error = pulled.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stopped.set()


def stream(schema: pa.Schema, batches: Iterator[Any]) -> fl.GeneratorStream:
    """A Flight stream of ``batches`` (record batches, or pairs with their metadata),
    each pulled on a worker thread."""
    return fl.GeneratorStream(schema, iterate(batches))
