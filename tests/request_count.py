"""A TCP proxy in front of a hub that counts the HTTP requests it answers, by method and path.

A request counts once the hub sends the first byte of its answer: a GET that meets a keep-alive
connection the hub is closing at that moment is resent by Qt on a new one, and only the answered
copy is a read the hub did.

Clients are pointed at `proxy.url` instead of the hub's; every byte is passed on unchanged (the
event WebSocket too). `drop_event_sockets()` cuts the event sockets, as a flaky link would, so
a test can watch clients reconnect; `drop_connections()` cuts everything.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter, deque


class CountingProxy:
    """`with CountingProxy(hub_port) as proxy: ... proxy.count("GET", "/api/v1/state")`."""

    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)  # a closed listener does not wake a blocked accept(): look every 0.1 s
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str]] = Counter()
        self._open: set[socket.socket] = set()
        self._event_sockets: set[socket.socket] = set()  # both ends of every upgraded connection
        self._stopped = threading.Event()
        self._accepter = threading.Thread(target=self._accept, name="counting-proxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CountingProxy:
        self._accepter.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def count(self, method: str, path: str) -> int:
        """Answered requests so far for `method path` (the path without its query)."""
        with self._lock:
            return self._requests[(method, path)]

    def requests(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter(self._requests)

    def drop_connections(self) -> None:
        """Cut every open connection (both sides), without a closing handshake."""
        with self._lock:
            sockets, self._open = list(self._open), set()
        _cut(sockets)

    def drop_event_sockets(self) -> None:
        """Cut the WebSocket connections only; plain HTTP keep-alive connections stay."""
        with self._lock:
            sockets, self._event_sockets = list(self._event_sockets), set()
            self._open.difference_update(sockets)
        _cut(sockets)

    def stop(self) -> None:
        self._stopped.set()
        if self._accepter.is_alive():
            self._accepter.join(timeout=5)
        self._listener.close()
        self.drop_connections()

    # ── plumbing ──────────────────────────────────────────────────────────────────────────

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            pending: deque[tuple[str, str]] = deque()  # forwarded, not answered yet (Qt does not pipeline)
            threading.Thread(target=self._requests_in, args=(client, upstream, pending), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, pending), daemon=True).start()

    def _record(self, method: str, path: str) -> None:
        with self._lock:
            self._requests[(method, path)] += 1

    def _pipe(self, source: socket.socket, target: socket.socket, answered: deque[tuple[str, str]] | None = None) -> None:
        try:
            while chunk := source.recv(65536):
                if answered:
                    self._record(*answered.popleft())
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            self._close(source, target)

    def _requests_in(self, client: socket.socket, upstream: socket.socket, pending: deque[tuple[str, str]]) -> None:
        """Client to hub: HTTP/1.1 requests one after another (keep-alive), each counted; after a
        WebSocket upgrade, plain bytes."""
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = {
                    name.strip().lower(): value.strip()
                    for name, _, value in (line.partition(":") for line in lines[1:])
                }
                pending.append((method, target.split("?", 1)[0]))
                upstream.sendall(head + b"\r\n\r\n")
                if headers.get("upgrade", "").lower() == "websocket":
                    with self._lock:
                        self._event_sockets.update((client, upstream))
                    if buffer:
                        upstream.sendall(buffer)
                    self._pipe(client, upstream)
                    return
                length = int(headers.get("content-length") or 0)
                while len(buffer) < length:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                upstream.sendall(buffer[:length])
                buffer = buffer[length:]
        except (OSError, ValueError):
            pass
        finally:
            self._close(client, upstream)

    def _close(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self._lock:
                self._open.discard(sock)
                self._event_sockets.discard(sock)
            try:
                sock.close()
            except OSError:
                pass


def _cut(sockets: list[socket.socket]) -> None:
    """Close at once, both ways, without a closing handshake."""
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
