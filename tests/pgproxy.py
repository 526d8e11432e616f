"""A TCP proxy in front of PostgreSQL that slows what the server sends, for fault tests.

A worker connected through it takes seconds to read a large raw mail, long enough for a
test to find that query in pg_stat_activity and end its backend with
pg_terminate_backend (issue 18), without touching the shared cluster or the worker's code.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

CHUNK = 64 * 1024


class ThrottledProxy:
    def __init__(self, upstream: tuple[str, int], *, pause: float) -> None:
        self.upstream = upstream
        self.pause = pause
        self.throttled = threading.Event()
        self.throttled.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, slow: bool) -> None:
        with suppress(OSError):
            while data := source.recv(CHUNK):
                target.sendall(data)
                if slow and self.throttled.is_set():
                    time.sleep(self.pause)
        for sock in (source, target):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            with suppress(OSError):
                sock.close()


@contextmanager
def throttled_proxy(host: str, port: int, *, pause: float = 0.02) -> Iterator[ThrottledProxy]:
    """At most 64 KiB per `pause` from the server to the client (about 3 MB/s)."""
    proxy = ThrottledProxy((host, port), pause=pause)
    try:
        yield proxy
    finally:
        proxy.close()
