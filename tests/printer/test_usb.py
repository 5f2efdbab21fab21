"""USB printers through python-escpos's own `Usb` class; only the pyusb device is replaced.

`usb.core.find` hands python-escpos a stand-in for a `usb.core.Device`: bulk writes land in
its buffer, DLE EOT questions queue a one-byte answer on the IN endpoint, and a read with
nothing to give waits its timeout and raises pyusb's own `USBTimeoutError`, as libusb does.
"""

from __future__ import annotations

import threading
import time
from array import array

import pytest
from PIL import ImageChops

from printer import PrinterState, TicketPrint, print_ticket, render_ticket
from printer.status import check_status_reading
from tests.printer.fake_printer import _parse_one, decode_tickets, status_byte

usb_core = pytest.importorskip("usb.core")

URI = "usb://04b8:0202"
IN_EP, OUT_EP = 0x82, 0x01


class _Backend:
    """Not libusb1: python-escpos then leaves the kernel driver alone."""


class _Context:
    def __init__(self) -> None:
        self.disposed = 0

    def dispose(self, device: object, close_handle: bool = True) -> None:
        self.disposed += 1


class FakeUsbDevice:
    """The `usb.core.Device` methods python-escpos calls: write, read, set_configuration, reset."""

    default_timeout = 1000  # ms, like pyusb's

    def __init__(self, mode: str = "ready", *, fail_read: Exception | None = None) -> None:
        self.mode = mode
        self.fail_read = fail_read
        self.backend = _Backend()
        self._ctx = _Context()
        self.written = bytearray()
        self.reads: list[tuple[int, int, int | None]] = []
        self.writes: list[tuple[int, int, int | None]] = []
        self.configured = False
        self._pending = b""
        self._answers = b""
        self._lock = threading.Lock()

    def set_configuration(self) -> None:
        self.configured = True

    def reset(self) -> None:
        pass

    def write(self, endpoint: int, data: bytes, timeout: int | None = None) -> int:
        with self._lock:
            self.writes.append((endpoint, len(data), timeout))
            self.written.extend(data)
            buf, i = self._pending + bytes(data), 0
            while i < len(buf):
                parsed = _parse_one(buf, i)
                if parsed is None:
                    break
                command, i = parsed
                if command.name == "status" and self.mode != "silent":
                    self._answers += bytes((status_byte(self.mode, command.args[0]),))
            self._pending = buf[i:]
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> array:
        self.reads.append((endpoint, size, timeout))
        if self.fail_read is not None:
            raise self.fail_read
        with self._lock:
            if self._answers:
                data, self._answers = self._answers[:size], self._answers[size:]
                return array("B", data)
        time.sleep((timeout if timeout is not None else self.default_timeout) / 1000)
        raise usb_core.USBTimeoutError("Operation timed out", error_code=-7, errno=110)


@pytest.fixture
def usb_device(monkeypatch: pytest.MonkeyPatch):
    """Plug a fake device in: `usb.core.find` returns it for any ids."""
    plugged: dict[str, FakeUsbDevice | None] = {"device": FakeUsbDevice()}
    found: list[dict] = []

    def find(**kwargs):
        found.append(kwargs)
        return plugged["device"]

    monkeypatch.setattr(usb_core, "find", find)

    def plug(device: FakeUsbDevice | None) -> FakeUsbDevice | None:
        plugged["device"] = device
        return device

    plug.found = found  # type: ignore[attr-defined]
    return plug


@pytest.mark.parametrize("language", ["ar", "en"])
def test_usb_ticket_raster_equals_the_rendered_image(usb_device, language: str) -> None:
    """A USB printer gets the ticket through python-escpos's Usb class and the raster decodes to the image."""
    device = usb_device(FakeUsbDevice("ready"))
    ticket = TicketPrint.sample(language)
    outcome = print_ticket(URI, ticket, width=576, timeout=1.0)
    assert outcome.printed, outcome
    assert usb_device.found[-1] == {"idVendor": 0x04B8, "idProduct": 0x0202}
    tickets = decode_tickets(bytes(device.written))
    expected = render_ticket(ticket, 576)
    assert len(tickets) == 1 and tickets[0].size == expected.size
    assert ImageChops.difference(tickets[0].convert("L"), expected.convert("L")).getbbox() is None
    assert all(endpoint == OUT_EP for endpoint, _, _ in device.writes)
    raster_writes = [timeout for _, size, timeout in device.writes if size > 3]
    assert raster_writes and all(timeout >= 5000 for timeout in raster_writes)  # a long raster is not cut off after 1 s
    assert device._ctx.disposed >= 1  # the interface was released afterwards


def test_usb_reads_carry_our_timeout_and_take_one_byte_answers(usb_device) -> None:
    """Each status read asks the IN endpoint with the status timeout in ms, and one byte is enough."""
    device = usb_device(FakeUsbDevice("paper_near_end"))
    reading = check_status_reading(URI, timeout=0.8)
    assert reading.state is PrinterState.PAPER_NEAR_END, reading
    assert len(device.reads) == 2  # DLE EOT 1 and 4, one read each
    for endpoint, _size, timeout in device.reads:
        assert endpoint == IN_EP
        assert timeout is not None and 1 <= timeout <= 800


@pytest.mark.parametrize(
    ("mode", "state"),
    [("paper_out", PrinterState.PAPER_OUT), ("cover_open", PrinterState.COVER_OPEN), ("ready", PrinterState.READY)],
)
def test_usb_states(usb_device, mode: str, state: PrinterState) -> None:
    """The USB answers decode to the same states as the network and serial ones."""
    usb_device(FakeUsbDevice(mode))
    assert check_status_reading(URI, timeout=1.0).state is state


def test_a_silent_usb_printer_is_silent_after_our_timeout(usb_device) -> None:
    """pyusb's USBTimeoutError is silence: SILENT, and the read waited our timeout, not pyusb's default second."""
    device = usb_device(FakeUsbDevice("silent"))
    reading = check_status_reading(URI, timeout=0.3)
    assert reading.state is PrinterState.SILENT
    assert device.reads and all(timeout is not None and timeout <= 300 for _, _, timeout in device.reads)


def test_a_usb_error_while_reading_is_not_ready(usb_device) -> None:
    """A broken pipe on the IN endpoint (cable pulled) is reported as unreachable, never as ready."""
    usb_device(FakeUsbDevice("ready", fail_read=usb_core.USBError("Pipe error", error_code=-9, errno=32)))
    reading = check_status_reading(URI, timeout=0.5)
    assert reading.state is PrinterState.UNREACHABLE
    assert "Pipe error" in reading.detail


def test_no_usb_printer_plugged_in(usb_device) -> None:
    """No device with those ids: UNREACHABLE, naming the ids, and no ticket is said to be printed."""
    usb_device(None)
    outcome = print_ticket(URI, TicketPrint.sample(), timeout=0.5)
    assert not outcome.printed and outcome.state_before is PrinterState.UNREACHABLE
    assert "04b8:0202" in outcome.detail
