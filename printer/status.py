"""Printer status: the printer asked over its own connection how it is (the states: printer/states.py).

Over connections that carry answers back (tcp, usb, serial) the printer is asked with the
ESC/POS real-time status command DLE EOT n, each answer awaited at most a short timeout:

- n=1 printer status: bit 3 set = offline;
- n=2 offline cause: bit 2 cover open, bit 5 stopped by paper end, bit 6 error;
- n=4 roll paper sensor: bits 2-3 paper near end, bits 5-6 paper out.

Every answer byte has bits 1 and 4 set and bits 0 and 7 clear; a byte that does not is not a
status answer. A printer that does not answer is SILENT, never "paper OK". Connections that
cannot read back (file, cups, win32, dummy) are UNKNOWN.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

from printer.connection import ConnectionFailed, open_connection
from printer.states import PrinterState, StatusReading
from printer.uri import PrinterTarget, PrinterURIError, parse_printer_uri

if TYPE_CHECKING:
    from escpos.escpos import Escpos

__all__ = ["PrinterState", "StatusReading", "check_status", "check_status_reading", "decode_status", "read_status"]

DLE_EOT = b"\x10\x04"
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12


def decode_status(online: int, offline_cause: int | None, paper: int | None) -> PrinterState:
    """Turn DLE EOT 1, 2 and 4 answer bytes into one state (worst condition first)."""
    if paper is not None and paper & 0x60 == 0x60:
        return PrinterState.PAPER_OUT
    if online & 0x08:
        if offline_cause is not None:
            if offline_cause & 0x04:
                return PrinterState.COVER_OPEN
            if offline_cause & 0x20:
                return PrinterState.PAPER_OUT
            if offline_cause & 0x40:
                return PrinterState.ERROR
        return PrinterState.OFFLINE
    if paper is not None and paper & 0x0C == 0x0C:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY


class _NoAnswer(Exception):
    pass


def _is_pyserial(device: object) -> bool:
    try:
        from serial import SerialBase
    except ImportError:
        return False
    return isinstance(device, SerialBase)


def _is_escpos_usb(conn: "Escpos") -> bool:
    try:
        from escpos.printer import Usb
    except ImportError:
        return False
    return isinstance(conn, Usb)


def _read_answer(conn: "Escpos", seconds: float) -> bytes:
    """The bytes the printer has sent, as soon as there is at least one, waiting at most `seconds`.

    python-escpos's own `_read()` asks every device for 16 bytes. A socket or a USB bulk
    endpoint hands over what has arrived, but pyserial's read(16) waits until 16 bytes are
    there or its timeout is over, and a printer answers DLE EOT with one byte: each question
    would cost the whole timeout. So each kind of device is read here in the way that returns
    at the first byte. b"" means nothing came in time.
    """
    seconds = max(seconds, 0.01)
    device = conn._device
    if isinstance(device, socket.socket):
        device.settimeout(seconds)
        data = device.recv(16)
        if not data:
            raise ConnectionError("the printer closed the connection")
        return data
    if _is_pyserial(device):
        device.timeout = seconds
        first = device.read(1)  # returns at the first byte, or b"" at the timeout
        if not first:
            return b""
        waiting = device.in_waiting
        return first + (device.read(min(waiting, 64)) if waiting else b"")
    if _is_escpos_usb(conn):
        # pyusb's read returns at the first short packet; its timeout is in milliseconds and,
        # unless given, is the device's default (one second), not ours.
        return bytes(device.read(conn.in_ep, 16, max(1, round(seconds * 1000))))
    if hasattr(device, "timeout") and not callable(getattr(device, "timeout")):
        try:
            device.timeout = seconds
        except Exception:  # noqa: BLE001 - a device without a settable timeout keeps its own
            pass
    return bytes(conn._read() or b"")


def _is_timeout(exc: BaseException) -> bool:
    """pyusb raises USBTimeoutError, other drivers their own kind; all mean "no answer yet"."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return True
    return "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower()


def _ask(conn: "Escpos", n: int, deadline: float) -> int:
    """Send DLE EOT n and return the answer byte, or raise _NoAnswer when none comes in time."""
    conn._raw(DLE_EOT + bytes((n,)))
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _NoAnswer(f"no answer to DLE EOT {n}")
        try:
            data = _read_answer(conn, remaining)
        except Exception as exc:  # noqa: BLE001 - sorted below: a timeout is silence, the rest is not
            if _is_timeout(exc):
                raise _NoAnswer(f"no answer to DLE EOT {n} in time") from None
            raise
        answers = [b for b in data if b & _FIXED_MASK == _FIXED_BITS]
        if answers:
            return answers[-1]


def read_status(conn: "Escpos", timeout: float) -> StatusReading:
    """Ask an open, read-back connection for its status; never waits longer than `timeout`."""
    deadline = time.monotonic() + timeout
    try:
        online = _ask(conn, 1, deadline)
        cause = _ask(conn, 2, deadline) if online & 0x08 else None
        paper = _ask(conn, 4, deadline)
    except _NoAnswer as exc:
        return StatusReading(PrinterState.SILENT, f"{exc} within {timeout:g} s")
    except (ConnectionError, OSError) as exc:
        return StatusReading(PrinterState.UNREACHABLE, f"connection lost while reading status: {exc}")
    except Exception as exc:  # noqa: BLE001 - a driver's own error type; the kiosk must go on
        return StatusReading(PrinterState.ERROR, f"{type(exc).__name__}: {exc}")
    return StatusReading(decode_status(online, cause, paper), f"status bytes {online:#04x} {cause if cause is None else hex(cause)} {paper:#04x}")


def check_status_reading(target: str | PrinterTarget, timeout: float = 2.0) -> StatusReading:
    """Like `check_status`, with the detail behind the state."""
    try:
        target = parse_printer_uri(target) if isinstance(target, str) else target
    except PrinterURIError as exc:
        return StatusReading(PrinterState.MISCONFIGURED, str(exc))
    if not target.can_read_status:
        return StatusReading(PrinterState.UNKNOWN, f"{target.scheme}:// cannot read the printer's answers")
    result: list[StatusReading] = []

    def ask() -> None:
        try:
            conn = open_connection(target, timeout)
        except ConnectionFailed as exc:
            result.append(StatusReading(exc.state, exc.detail))
            return
        try:
            result.append(read_status(conn, timeout))
        finally:
            _close_quietly(conn)

    # A host name lookup ignores socket timeouts; a worker with a bounded wait keeps the promise.
    worker = threading.Thread(target=ask, name="printer-status", daemon=True)
    worker.start()
    worker.join(timeout * 4 + 1)
    if not result:
        return StatusReading(PrinterState.UNREACHABLE, f"no connection within {timeout * 4 + 1:g} s (name lookup or connect)")
    return result[0]


def check_status(target: str | PrinterTarget, timeout: float = 2.0) -> PrinterState:
    """The printer's state, asked over its own connection; never raises, never waits long."""
    return check_status_reading(target, timeout).state


def _close_quietly(conn: "Escpos") -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a broken connection must not hide the real outcome
        pass
