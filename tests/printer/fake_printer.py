"""A real TCP server on loopback that plays an ESC/POS receipt printer (port 9100 style).

Stable API, also used by the kiosk's tests::

    from tests.printer.fake_printer import FakePrinter, decode_tickets

    with FakePrinter(mode="ready") as printer:      # listens on 127.0.0.1, a free port
        outcome = print_ticket(printer.uri, ticket)  # printer.uri == "tcp://127.0.0.1:PORT"
        printer.wait_for_cuts(1)                     # the cut has arrived (or TimeoutError)
        printer.received                             # every byte received, all connections
        printer.tickets()                            # list of PIL images, one per cut ticket
        printer.cuts, printer.connections, printer.status_queries

Modes (`FakePrinter.MODES`; set at start or change any time with `printer.mode = ...`):
  "ready", "paper_near_end", "paper_out", "cover_open", "offline", "error" — answer the
  DLE EOT n real-time status queries (n = 1, 2, 3, 4) as an Epson TM printer does in that state;
  "silent" — accept connections and bytes, never answer a status query.
`mode_after_print="paper_out"` switches the mode once a cut is received (paper ran out on this
ticket). `FakePrinter.refused_uri()` gives a tcp:// URI where nothing listens (connection refused).

The byte stream is parsed command by command (ESC @, GS P, ESC J, ESC d, GS v 0 with its data,
GS V, ESC a, DLE EOT), so status queries are answered even between image bands and image data
is never mistaken for a query. `decode_tickets(data)` rebuilds each ticket's image from raster
bands and ESC J feeds (one motion unit = one dot row, as the encoder sets with GS P).
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

from PIL import Image

DLE, EOT, ESC, GS = 0x10, 0x04, 0x1B, 0x1D


@dataclass(frozen=True)
class Command:
    name: str  # init, motion, feed_dots, feed_lines, raster, cut, status, align, unknown
    args: tuple = ()
    data: bytes = b""


def _parse_one(buf: bytes, i: int) -> tuple[Command, int] | None:
    """The command starting at buf[i] and the index after it, or None when more bytes are needed."""
    def need(n: int) -> bool:
        return len(buf) - i >= n

    b = buf[i]
    if b == DLE:
        if not need(3):
            return None
        if buf[i + 1] == EOT:
            return Command("status", (buf[i + 2],)), i + 3
        return Command("unknown", (b,)), i + 1
    if b == ESC:
        if not need(2):
            return None
        c = buf[i + 1]
        if c == ord("@"):
            return Command("init"), i + 2
        if c in (ord("J"), ord("d"), ord("a")):
            if not need(3):
                return None
            name = {ord("J"): "feed_dots", ord("d"): "feed_lines", ord("a"): "align"}[c]
            return Command(name, (buf[i + 2],)), i + 3
        return Command("unknown", (b,)), i + 1
    if b == GS:
        if not need(2):
            return None
        c = buf[i + 1]
        if c == ord("P"):
            if not need(4):
                return None
            return Command("motion", (buf[i + 2], buf[i + 3])), i + 4
        if c == ord("V"):
            if not need(3):
                return None
            mode = buf[i + 2]
            if mode in (65, 66, 97, 98, 103, 104):
                if not need(4):
                    return None
                return Command("cut", (mode, buf[i + 3])), i + 4
            return Command("cut", (mode,)), i + 3
        if c == ord("v"):
            if not need(8):
                return None
            if buf[i + 2] != ord("0"):
                return Command("unknown", (b,)), i + 1
            width_bytes = buf[i + 4] | buf[i + 5] << 8
            height = buf[i + 6] | buf[i + 7] << 8
            size = width_bytes * height
            if not need(8 + size):
                return None
            return Command("raster", (buf[i + 3], width_bytes, height), buf[i + 8 : i + 8 + size]), i + 8 + size
        return Command("unknown", (b,)), i + 1
    return Command("unknown", (b,)), i + 1


def parse_commands(data: bytes) -> list[Command]:
    """Every command in a complete ESC/POS byte stream (a cut-off command at the end is dropped)."""
    commands, i = [], 0
    while i < len(data):
        parsed = _parse_one(data, i)
        if parsed is None:
            break
        command, i = parsed
        commands.append(command)
    return commands


def decode_tickets(data: bytes) -> list[Image.Image]:
    """The printed images, one per cut: raster bands stacked, ESC J n adding n blank rows."""
    tickets: list[Image.Image] = []
    parts: list[Image.Image | int] = []  # raster bands, or a number of blank rows fed
    width: int | None = None
    for command in parse_commands(data):
        if command.name == "raster":
            _density, width_bytes, height = command.args
            width = width_bytes * 8
            # ESC/POS raster: bit 1 = a dot printed; PIL mode "1" raw data: bit 1 = white.
            parts.append(Image.frombytes("1", (width, height), bytes(255 - v for v in command.data)))
        elif command.name == "feed_dots":
            parts.append(command.args[0])
        elif command.name == "cut":
            tickets.append(_stack(parts, width or 8))
            parts, width = [], None
    return tickets


def _stack(parts: list[Image.Image | int], width: int) -> Image.Image:
    height = sum(p if isinstance(p, int) else p.height for p in parts)
    out = Image.new("1", (width, max(1, height)), 1)
    y = 0
    for part in parts:
        if isinstance(part, int):
            y += part
        else:
            out.paste(part, (0, y))
            y += part.height
    return out


def status_byte(mode: str, n: int) -> int:
    """The answer of an Epson TM printer in `mode` to DLE EOT n."""
    base = 0x12
    if n == 1:
        return base | (0x08 if mode in ("paper_out", "cover_open", "offline", "error") else 0)
    if n == 2:
        return base | (0x04 if mode == "cover_open" else 0) | (0x20 if mode == "paper_out" else 0) | (0x40 if mode == "error" else 0)
    if n == 4:
        return base | (0x0C if mode == "paper_near_end" else 0) | (0x6C if mode == "paper_out" else 0)
    return base


class RecordingPrinter:
    """What every fake printer does with the bytes it is sent: keep them, parse them command by
    command, answer each DLE EOT n as a printer in `mode` does, count the cuts. The TCP and the
    serial (pty) printers differ only in how bytes come and answers go."""

    MODES = ("ready", "paper_near_end", "paper_out", "cover_open", "offline", "error", "silent")

    def __init__(self, mode: str = "ready", *, mode_after_print: str | None = None) -> None:
        for value in (mode, mode_after_print):
            if value is not None and value not in self.MODES:
                raise ValueError(f"unknown mode {value!r}; one of {self.MODES}")
        self.mode = mode
        self.mode_after_print = mode_after_print
        self.cuts = 0
        self.status_queries: list[int] = []
        self._received = bytearray()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def tickets(self) -> list[Image.Image]:
        return decode_tickets(self.received)

    def wait_for_cuts(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.cuts < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self.cuts} cut(s) received, expected {count}")
                self._changed.wait(remaining)

    def _take(self, pending: bytes, chunk: bytes, answer) -> bytes:
        """Record `chunk`, act on every whole command in `pending + chunk`; return what is left.

        `answer(byte)` sends one status byte back (nothing is sent in "silent" mode)."""
        with self._changed:
            self._received.extend(chunk)
        buf, i = pending + chunk, 0
        while i < len(buf):
            parsed = _parse_one(buf, i)
            if parsed is None:
                break
            command, i = parsed
            if command.name == "status":
                with self._lock:
                    self.status_queries.append(command.args[0])
                    mode = self.mode
                if mode != "silent":
                    answer(bytes((status_byte(mode, command.args[0]),)))
            elif command.name == "cut":
                with self._changed:
                    self.cuts += 1
                    if self.mode_after_print is not None:
                        self.mode = self.mode_after_print
                    self._changed.notify_all()
        return buf[i:]


class FakePrinter(RecordingPrinter):
    """A loopback TCP printer; see the module docstring. Use as a context manager."""

    def __init__(self, mode: str = "ready", *, mode_after_print: str | None = None, host: str = "127.0.0.1") -> None:
        super().__init__(mode, mode_after_print=mode_after_print)
        self.host = host
        self.port = 0
        self.connections = 0
        self._server: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._clients: list[socket.socket] = []
        self._stopping = threading.Event()

    @property
    def uri(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    @staticmethod
    def refused_uri() -> str:
        """A tcp:// URI on loopback where nothing listens (the port was just freed)."""
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return f"tcp://127.0.0.1:{port}"

    def __enter__(self) -> "FakePrinter":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, 0))
        server.listen(8)
        server.settimeout(0.1)
        self._server = server
        self.port = server.getsockname()[1]
        accept = threading.Thread(target=self._accept_loop, name="fake-printer-accept", daemon=True)
        accept.start()
        self._threads.append(accept)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
        for client in list(self._clients):
            try:
                client.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=2)

    def _accept_loop(self) -> None:
        assert self._server is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._clients.append(client)
            handler = threading.Thread(target=self._serve, args=(client,), name="fake-printer-conn", daemon=True)
            handler.start()
            self._threads.append(handler)

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(0.1)
        pending = b""
        with client:
            while not self._stopping.is_set():
                try:
                    chunk = client.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                pending = self._take(pending, chunk, lambda byte: self._send(client, byte))

    @staticmethod
    def _send(client: socket.socket, byte: bytes) -> None:
        try:
            client.sendall(byte)
        except OSError:
            pass
