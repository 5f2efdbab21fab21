"""Status over devices that are not sockets (serial, USB): answers, silence and driver timeouts."""

from __future__ import annotations

import time

from escpos.escpos import Escpos

from printer.status import PrinterState, read_status
from tests.printer.fake_printer import status_byte


class _SerialLike:
    """Stands in for a pyserial port at the hardware edge: `timeout` attribute, read() gives b"" on timeout."""

    def __init__(self, mode: str, *, answer: bool = True) -> None:
        self.mode, self.answer, self.timeout = mode, answer, 1.0
        self.pending = b""

    def write(self, data: bytes) -> None:
        if self.answer and data[:2] == b"\x10\x04":
            self.pending += bytes((status_byte(self.mode, data[2]),))

    def read(self, size: int) -> bytes:
        if self.pending:
            data, self.pending = self.pending[:size], self.pending[size:]
            return data
        time.sleep(min(self.timeout, 0.05))
        return b""


class _UsbTimeout(Exception):
    """Named like pyusb's USBTimeoutError."""


class _Printer(Escpos):
    def __init__(self, device, *, raise_on_read: Exception | None = None) -> None:
        super().__init__()
        self._device = device
        self.raise_on_read = raise_on_read

    def _raw(self, msg: bytes) -> None:
        self._device.write(msg)

    def _read(self) -> bytes:
        if self.raise_on_read is not None:
            raise self.raise_on_read
        return self._device.read(16)


def test_serial_answers_decode() -> None:
    """A serial printer's answers are read like the network's: paper near end is reported."""
    assert read_status(_Printer(_SerialLike("paper_near_end")), 1.0).state is PrinterState.PAPER_NEAR_END
    assert read_status(_Printer(_SerialLike("cover_open")), 1.0).state is PrinterState.COVER_OPEN


def test_serial_silence_is_silent_within_the_timeout() -> None:
    """Empty reads until the deadline give SILENT, after about the timeout and not much more."""
    started = time.monotonic()
    reading = read_status(_Printer(_SerialLike("ready", answer=False)), 0.4)
    assert reading.state is PrinterState.SILENT
    assert 0.35 < time.monotonic() - started < 4  # waited the timeout, did not hang


def test_usb_timeout_error_is_silent() -> None:
    """A driver's own timeout exception (pyusb's USBTimeoutError) counts as no answer."""
    reading = read_status(_Printer(_SerialLike("ready"), raise_on_read=_UsbTimeout("Operation timed out")), 0.5)
    assert reading.state is PrinterState.SILENT


def test_other_driver_errors_are_errors() -> None:
    """Any other driver failure while reading is ERROR with the driver's words, not a crash."""
    reading = read_status(_Printer(_SerialLike("ready"), raise_on_read=RuntimeError("pipe error")), 0.5)
    assert reading.state is PrinterState.ERROR and "pipe error" in reading.detail


def test_garbage_bytes_are_not_status() -> None:
    """Bytes without the fixed status bits (e.g. 0xFF) are ignored; with nothing else it is SILENT."""

    class Garbage(_SerialLike):
        def write(self, data: bytes) -> None:
            self.pending += b"\xff\x00"

    assert read_status(_Printer(Garbage("ready")), 0.3).state is PrinterState.SILENT
