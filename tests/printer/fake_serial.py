"""A receipt printer on a real pseudo-terminal: the kiosk opens `serial:///dev/pts/N` with pyserial.

    with SerialPrinter(mode="ready") as printer:     # os.openpty(); printer.uri names the slave side
        outcome = print_ticket(printer.uri, ticket)
        printer.wait_for_cuts(1)
        printer.tickets()                            # the raster decoded, one image per cut

A responder thread reads the master side and treats the bytes as the TCP fake printer does
(`RecordingPrinter`): each DLE EOT n is answered at once with one byte, as an Epson TM printer
does on its serial port. `answer_delay` holds every answer back (a slow printer).
"""

from __future__ import annotations

import os
import select
import threading
import time
import tty

from tests.printer.fake_printer import RecordingPrinter


class SerialPrinter(RecordingPrinter):
    """See the module docstring; a context manager."""

    def __init__(self, mode: str = "ready", *, baudrate: int = 19200, answer_delay: float = 0.0) -> None:
        super().__init__(mode)
        self.baudrate = baudrate
        self.answer_delay = answer_delay
        self._stopping = threading.Event()
        self._master = self._slave = -1
        self._thread: threading.Thread | None = None
        self.device = ""

    @property
    def uri(self) -> str:
        return f"serial://{self.device}?baudrate={self.baudrate}"

    def wait_for_cuts(self, count: int, timeout: float = 10.0) -> None:
        super().wait_for_cuts(count, timeout)

    def __enter__(self) -> SerialPrinter:
        self._master, self._slave = os.openpty()
        # Raw from the start (pyserial sets raw mode too): raster bytes such as 0x0d or 0x11
        # must reach the printer unchanged, and nothing is echoed back as a fake answer.
        tty.setraw(self._slave)
        tty.setraw(self._master)
        self.device = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._respond, name="serial-printer", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def _answer(self, byte: bytes) -> None:
        if self.answer_delay:
            time.sleep(self.answer_delay)
        os.write(self._master, byte)

    def _respond(self) -> None:
        pending = b""
        while not self._stopping.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # the slave side is being reopened; keep listening
                time.sleep(0.01)
                continue
            if chunk:
                pending = self._take(pending, chunk, self._answer)
