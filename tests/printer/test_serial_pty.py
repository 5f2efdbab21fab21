"""Serial printers over a real pseudo-terminal: one-byte status answers, the raster, the timeouts."""

from __future__ import annotations

import time

import pytest
from PIL import ImageChops

from printer import PrinterState, TicketPrint, check_status, print_ticket, render_ticket
from printer.status import check_status_reading
from tests.printer.fake_serial import SerialPrinter

pytest.importorskip("serial")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_ticket_prints_over_a_pty_and_the_raster_is_the_rendered_image(language: str) -> None:
    """A serial printer that answers each DLE EOT with one byte gets the whole ticket, dot for dot."""
    ticket = TicketPrint.sample(language)
    expected = render_ticket(ticket, 576)
    with SerialPrinter("ready") as printer:
        outcome = print_ticket(printer.uri, ticket, width=576, timeout=2.0)
        assert outcome.printed, outcome
        printer.wait_for_cuts(1)
        tickets = printer.tickets()
        queries = list(printer.status_queries)
    assert outcome.state_before is PrinterState.READY and outcome.state_after is PrinterState.READY
    assert len(tickets) == 1
    assert tickets[0].size == expected.size
    assert ImageChops.difference(tickets[0].convert("L"), expected.convert("L")).getbbox() is None
    assert queries == [1, 4, 1, 4]  # asked before and after; no offline cause needed


def test_each_one_byte_answer_is_taken_at_once() -> None:
    """Three status questions with one-byte answers finish far inside one timeout, not one timeout each."""
    with SerialPrinter("paper_near_end") as printer:
        reading = check_status_reading(printer.uri, timeout=3.0)
        queries = list(printer.status_queries)
    assert reading.state is PrinterState.PAPER_NEAR_END, reading
    assert queries == [1, 4]


@pytest.mark.parametrize(
    ("mode", "state"),
    [
        ("paper_out", PrinterState.PAPER_OUT),
        ("cover_open", PrinterState.COVER_OPEN),
        ("offline", PrinterState.OFFLINE),
        ("ready", PrinterState.READY),
    ],
)
def test_serial_status_states(mode: str, state: PrinterState) -> None:
    """Every condition the serial printer answers is read as the same state the network printer gives."""
    with SerialPrinter(mode) as printer:
        assert check_status(printer.uri, timeout=2.0) is state


def test_paper_out_on_serial_prints_nothing() -> None:
    """A serial printer out of paper gets no raster; the visitor is told to note the number."""
    with SerialPrinter("paper_out") as printer:
        outcome = print_ticket(printer.uri, TicketPrint.sample(), timeout=1.0)
        received = printer.received
    assert not outcome.printed and outcome.state_before is PrinterState.PAPER_OUT
    assert b"\x1dv0" not in received


def test_a_silent_serial_printer_is_silent_within_the_timeout() -> None:
    """A port where nothing answers gives SILENT after about the timeout, never READY and never a hang."""
    with SerialPrinter("silent") as printer:
        started = time.monotonic()
        reading = check_status_reading(printer.uri, timeout=0.5)
        elapsed = time.monotonic() - started
    assert reading.state is PrinterState.SILENT
    assert elapsed < 5  # bounded by the timeout (with room for a loaded machine), not by pyserial's 16-byte read


def test_a_slow_answer_within_the_timeout_still_counts() -> None:
    """An answer that comes after a pause (but before the deadline) is read, not mistaken for silence."""
    with SerialPrinter("ready", answer_delay=0.2) as printer:
        assert check_status(printer.uri, timeout=2.0) is PrinterState.READY


def test_missing_serial_device_is_unreachable() -> None:
    """A serial port that does not exist is UNREACHABLE with the port named, not a crash."""
    reading = check_status_reading("serial:///dev/ttyUSB-tabour-none?baudrate=19200", timeout=0.5)
    assert reading.state is PrinterState.UNREACHABLE
    assert "/dev/ttyUSB-tabour-none" in reading.detail
