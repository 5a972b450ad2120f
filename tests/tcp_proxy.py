"""A loopback TCP proxy for tests that cuts its connections, as a failing network would."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

_CHUNK = 64 * 1024
#: ``struct linger`` with l_onoff=1, l_linger=0.
_RESET = b"\x01\0\0\0\0\0\0\0"


class TcpProxy:
    """Forwards ``127.0.0.1:port`` to ``target``, each connection in two threads.

    :meth:`cut_after` arms cuts: once ``n`` more bytes went from the server to the
    clients, every connection is reset (the bytes past the mark are not passed on).
    New connections are accepted as before.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self._budget: int | None = None
        self._every = 0
        self._more_cuts = 0
        #: How many times the proxy cut its connections.
        self.cuts = 0
        self._closed = False
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    @property
    def url(self) -> str:
        return f"grpc://127.0.0.1:{self.port}"

    def cut_after(self, n: int, times: int = 1) -> None:
        """Reset every connection once ``n`` more bytes came from the server, ``times``
        times over."""
        with self._lock:
            self._budget, self._every, self._more_cuts = n, n, times - 1

    def cut(self) -> None:
        """Reset every connection now."""
        with self._lock:
            self._budget = None
            self._cut_locked()

    def _cut_locked(self) -> None:
        self.cuts += 1
        for connection in self._connections:
            with contextlib.suppress(OSError):
                # SO_LINGER 0: closing resets the connection, as a dropped network ends it;
                # shutting it down first wakes the threads reading it.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self._connections.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self._target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._closed:
                    client.close()
                    server.close()
                    return
                self._connections += [client, server]
            for source, sink, downstream in ((client, server, False), (server, client, True)):
                threading.Thread(
                    target=self._pump, args=(source, sink, downstream), daemon=True
                ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, downstream: bool) -> None:
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                return
            if not data:
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)
                return
            if downstream:
                with self._lock:
                    if self._budget is not None:
                        if len(data) >= self._budget:
                            data = data[: self._budget]
                            self._budget = self._every if self._more_cuts else None
                            self._more_cuts -= 1
                            with contextlib.suppress(OSError):
                                sink.sendall(data)
                            self._cut_locked()
                            return
                        self._budget -= len(data)
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._cut_locked()
        self._listener.close()


@contextlib.contextmanager
def tcp_proxy(target_host: str, target_port: int) -> Iterator[TcpProxy]:
    """A :class:`TcpProxy` to ``target_host:target_port`` while the block runs."""
    proxy = TcpProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()
