"""A TCP proxy in front of the database that can drop idle connections, like a firewall does."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from normogen.db.embedded import free_port

_CHUNK = 64 * 1024


@dataclass
class _Pipe:
    client: socket.socket
    upstream: socket.socket
    last_active: float = field(default_factory=time.monotonic)
    closed: bool = False

    def close(self) -> None:
        self.closed = True
        for sock in (self.client, self.upstream):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                sock.close()


class IdleDroppingProxy:
    """Forwards 127.0.0.1:`port` to `target`; `drop_idle()` closes every connection that
    carries no request at the moment, as the embedded engine does after 300 s of silence and
    a NAT or firewall does after its own timeout. With `idle_seconds`, it does so by itself."""

    def __init__(self, target: tuple[str, int], idle_seconds: float | None = None) -> None:
        self.target = target
        self.idle_seconds = idle_seconds
        self.port = free_port()
        self.dropped = 0
        self._pipes: list[_Pipe] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._stopped = threading.Event()

    def uri(self, query: str) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?{query}"

    def start(self) -> IdleDroppingProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        if self.idle_seconds is not None:
            threading.Thread(target=self._reaper, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        with suppress(OSError):
            self._listener.close()
        with self._lock:
            for pipe in self._pipes:
                pipe.close()

    def open_connections(self) -> int:
        with self._lock:
            return sum(not pipe.closed for pipe in self._pipes)

    def drop_idle(self, older_than: float = 0.0) -> int:
        """Close the connections idle for more than `older_than` seconds; returns how many."""
        now = time.monotonic()
        count = 0
        with self._lock:
            for pipe in self._pipes:
                if not pipe.closed and now - pipe.last_active > older_than:
                    pipe.close()
                    count += 1
            self.dropped += count
        return count

    def _reaper(self) -> None:
        assert self.idle_seconds is not None
        while not self._stopped.wait(self.idle_seconds / 10):
            self.drop_idle(self.idle_seconds)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            pipe = _Pipe(client, upstream)
            with self._lock:
                self._pipes.append(pipe)
            threading.Thread(target=self._pump, args=(pipe, client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(pipe, upstream, client), daemon=True).start()

    def _pump(self, pipe: _Pipe, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(_CHUNK)
                if not data:
                    break
                pipe.last_active = time.monotonic()
                sink.sendall(data)
            except OSError:
                break
        pipe.close()


@contextmanager
def idle_dropping_proxy(
    target: tuple[str, int], idle_seconds: float | None = None
) -> Iterator[IdleDroppingProxy]:
    proxy = IdleDroppingProxy(target, idle_seconds).start()
    try:
        yield proxy
    finally:
        proxy.stop()
