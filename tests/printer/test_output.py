"""Printing over a real loopback TCP printer: raster round trip, cut, status before and after."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import ImageChops

from printer import PrinterState, TicketPrint, check_status, encode_ticket, print_ticket, render_ticket
from printer.connection import ConnectionFailed, open_connection
from printer.output import resolve_width
from printer.uri import parse_printer_uri
from tests.printer.fake_printer import FakePrinter, decode_tickets, parse_commands, status_byte


@pytest.fixture(scope="module")
def sample_images() -> dict[int, object]:
    return {width: render_ticket(TicketPrint.sample(), width) for width in (576, 384)}


@pytest.mark.parametrize("width", [576, 384])
def test_raster_round_trip_equals_rendered_image(width: int, sample_images: dict) -> None:
    """The image decoded from the bytes the printer received is the rendered image, dot for dot."""
    with FakePrinter() as printer:
        outcome = print_ticket(printer.uri, TicketPrint.sample(), width=width)
        printer.wait_for_cuts(1)
        tickets = printer.tickets()
    assert outcome.printed, outcome
    assert outcome.bytes_sent == len(encode_ticket(sample_images[width]))
    assert len(tickets) == 1
    received = tickets[0]
    assert received.size == sample_images[width].size
    assert ImageChops.difference(received.convert("L"), sample_images[width].convert("L")).getbbox() is None


def test_bytes_start_with_init_and_end_with_a_cut() -> None:
    """A ticket is ESC @, raster bands, then a feed and a full cut (GS V 0) at the very end."""
    data = encode_ticket(render_ticket(TicketPrint.sample(), 576))
    commands = parse_commands(data)
    names = [c.name for c in commands]
    assert names[0] == "init"
    assert names[-1] == "cut" and commands[-1].args == (0,)
    assert "raster" in names and names.count("cut") == 1
    assert data.endswith(b"\x1dV\x00")


def test_encoding_without_blank_feeds_is_one_raster_of_the_same_image() -> None:
    """With feed_blank_rows=False the image goes out as raster only and decodes identically."""
    image = render_ticket(TicketPrint.sample("en"), 384)
    plain = encode_ticket(image, feed_blank_rows=False)
    assert "feed_dots" not in [c.name for c in parse_commands(plain)]
    decoded = decode_tickets(plain)[0]
    assert ImageChops.difference(decoded.convert("L"), image.convert("L")).getbbox() is None
    assert len(encode_ticket(image)) < len(plain)


def test_encode_refuses_grey_images() -> None:
    """encode_ticket takes only black-and-white images a printer can print as they are."""
    image = render_ticket(TicketPrint.sample(), 384).convert("L")
    with pytest.raises(ValueError, match="mode '1'"):
        encode_ticket(image)


@pytest.mark.parametrize(
    ("mode", "state"),
    [
        ("ready", PrinterState.READY),
        ("paper_near_end", PrinterState.PAPER_NEAR_END),
        ("paper_out", PrinterState.PAPER_OUT),
        ("cover_open", PrinterState.COVER_OPEN),
        ("offline", PrinterState.OFFLINE),
        ("error", PrinterState.ERROR),
        ("silent", PrinterState.SILENT),
    ],
)
def test_check_status_reads_each_condition(mode: str, state: PrinterState) -> None:
    """DLE EOT answers become distinct states; a silent printer is SILENT, never READY."""
    with FakePrinter(mode) as printer:
        started = time.monotonic()
        assert check_status(printer.uri, timeout=0.5) is state
        assert time.monotonic() - started < 5.0  # bounded by the timeout, not hanging
        assert 1 in printer.status_queries


@pytest.mark.parametrize("mode", ["paper_out", "cover_open", "offline", "error", "silent"])
def test_no_ticket_is_sent_to_a_printer_that_cannot_print(mode: str) -> None:
    """When the printer reports trouble the ticket is not sent and the visitor is told to note the number."""
    with FakePrinter(mode) as printer:
        outcome = print_ticket(printer.uri, TicketPrint.sample(), timeout=0.5)
        assert printer.cuts == 0
    assert not outcome.printed and outcome.visitor_should_note_number
    assert outcome.bytes_sent == 0
    assert outcome.state_before.value == mode if mode != "silent" else outcome.state_before is PrinterState.SILENT
    assert outcome.state_before.message_en in outcome.message_en
    assert outcome.state_before.message_ar in outcome.message_ar
    assert outcome.seconds < 5.0  # bounded, never hanging


def test_paper_near_end_prints_and_warns() -> None:
    """Paper near its end still prints, and the message says the paper is running low."""
    with FakePrinter("paper_near_end") as printer:
        outcome = print_ticket(printer.uri, TicketPrint.sample(), timeout=1)
        printer.wait_for_cuts(1)
    assert outcome.printed
    assert outcome.state_after is PrinterState.PAPER_NEAR_END
    assert "running low" in outcome.message_en and "ورق" in outcome.message_ar


def test_paper_running_out_during_the_ticket_is_reported_after() -> None:
    """Status is read again after the ticket: paper that ran out on it makes the outcome not printed."""
    with FakePrinter("ready", mode_after_print="paper_out") as printer:
        outcome = print_ticket(printer.uri, TicketPrint.sample(), timeout=1)
        assert printer.cuts == 1
        assert printer.connections == 1  # before, ticket and after share one connection
    assert outcome.state_before is PrinterState.READY
    assert outcome.state_after is PrinterState.PAPER_OUT
    assert not outcome.printed and outcome.bytes_sent > 0


def test_refused_connection_is_its_own_state() -> None:
    """Nothing listening on the port gives REFUSED quickly."""
    uri = FakePrinter.refused_uri()
    assert check_status(uri, timeout=1) is PrinterState.REFUSED
    outcome = print_ticket(uri, TicketPrint.sample(), timeout=1)
    assert outcome.state_before is PrinterState.REFUSED and not outcome.printed
    assert "refused" in outcome.message_en


def test_unknown_host_is_unreachable() -> None:
    """A host name that does not resolve is UNREACHABLE, within the timeout."""
    started = time.monotonic()
    assert check_status("tcp://no-such-printer.invalid:9100", timeout=1) is PrinterState.UNREACHABLE
    assert time.monotonic() - started < 10


def test_connect_timeout_is_unreachable_not_silent() -> None:
    """A printer that does not accept the connection in time is UNREACHABLE (distinct from SILENT)."""
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        # fill the backlog so further connects hang in SYN state
        fillers = []
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(server.getsockname())
            fillers.append(filler)
        started = time.monotonic()
        state = check_status(f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=0.5)
        elapsed = time.monotonic() - started
        for filler in fillers:
            filler.close()
    assert state in (PrinterState.UNREACHABLE, PrinterState.SILENT)
    assert elapsed < 5


def test_status_after_closing_printer_is_unreachable() -> None:
    """A printer that hangs up while being asked is reported as not reachable, not as ready."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def hang_up() -> None:
        client, _ = server.accept()
        client.recv(16)
        client.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    state = check_status(f"tcp://127.0.0.1:{server.getsockname()[1]}", timeout=1)
    thread.join(2)
    server.close()
    assert state is PrinterState.UNREACHABLE


def test_cannot_read_back_connections_are_unknown(tmp_path: Path) -> None:
    """file, cups, win32 and dummy report UNKNOWN honestly; file and dummy still print."""
    for uri in ("cups://TM-T20", "win32://EPSON TM-T20II", "dummy://", f"file://{tmp_path}/x.bin"):
        assert check_status(uri) is PrinterState.UNKNOWN
    out = tmp_path / "ticket.bin"
    outcome = print_ticket(f"file://{out}", TicketPrint.sample(), width=384)
    assert outcome.printed and outcome.state_before is PrinterState.UNKNOWN
    assert out.read_bytes().endswith(b"\x1dV\x00")
    assert decode_tickets(out.read_bytes())[0].width == 384
    dummy = print_ticket("dummy://", TicketPrint.sample())
    assert dummy.printed and dummy.bytes_sent > 1000


def test_file_in_a_missing_folder_is_unreachable(tmp_path: Path) -> None:
    """A file:// path that cannot be opened is reported, not raised."""
    outcome = print_ticket(f"file://{tmp_path}/no/such/dir/t.bin", TicketPrint.sample())
    assert not outcome.printed and outcome.state_before is PrinterState.UNREACHABLE
    assert "cannot open" in outcome.detail


def test_platform_connections_without_their_driver_say_what_to_install() -> None:
    """usb/serial/cups/win32 without pyusb/pyserial/pycups/pywin32 fail with an install hint."""
    from escpos.printer import CupsPrinter, Serial, Usb, Win32Raw

    cases = [
        ("usb://04b8:0202", Usb, "pyusb"),
        ("serial:///dev/ttyUSB0", Serial, "pyserial"),
        ("cups://TM-T20", CupsPrinter, "pycups"),
        ("win32://EPSON", Win32Raw, "pywin32"),
    ]
    checked = 0
    for uri, driver, package in cases:
        if driver.is_usable():
            continue
        with pytest.raises(ConnectionFailed) as caught:
            open_connection(parse_printer_uri(uri), 0.5)
        assert caught.value.state is PrinterState.ERROR and package in caught.value.detail
        outcome = print_ticket(uri, TicketPrint.sample(), timeout=0.5)
        assert not outcome.printed and package in outcome.detail
        checked += 1
    if checked == 0:
        pytest.skip("every platform driver is installed here")


def test_bad_uri_is_an_outcome_not_an_exception() -> None:
    """print_ticket with a wrong address answers MISCONFIGURED and says what is wrong."""
    outcome = print_ticket("tcp://host:99999", TicketPrint.sample())
    assert outcome.state_before is PrinterState.MISCONFIGURED and not outcome.printed
    assert "65535" in outcome.detail
    assert check_status("nonsense") is PrinterState.MISCONFIGURED


def test_width_comes_from_argument_uri_or_profile() -> None:
    """The dot width: the caller's, else the URI's width=, else the escpos profile's, else 576."""
    assert resolve_width(parse_printer_uri("dummy://"), None) == 576
    assert resolve_width(parse_printer_uri("dummy://?profile=POS-5890"), None) == 384
    assert resolve_width(parse_printer_uri("dummy://?profile=POS-5890&width=576"), None) == 576
    assert resolve_width(parse_printer_uri("dummy://?width=384"), 576) == 576


def test_profile_width_reaches_the_printer() -> None:
    """A 58 mm profile in the URI makes a 384-dot raster; a model without a cutter gets no cut."""
    with FakePrinter() as printer:
        outcome = print_ticket(printer.uri + "?profile=POS-5890", TicketPrint.sample())
        commands = parse_commands(printer.received)  # the status answer after the ticket proves all bytes are in
    assert outcome.printed
    rasters = [c for c in commands if c.name == "raster"]
    assert rasters and all(c.args[1] * 8 == 384 for c in rasters)
    assert "cut" not in [c.name for c in commands]  # POS-5890 has no cutter: feed only
    assert "feed_lines" in [c.name for c in commands]


def test_fake_printer_status_bytes_follow_epson() -> None:
    """The fake answers keep the fixed bits (1 and 4 set, 0 and 7 clear) in every mode."""
    for mode in FakePrinter.MODES:
        for n in (1, 2, 3, 4):
            assert status_byte(mode, n) & 0x93 == 0x12


def test_many_tickets_in_a_row() -> None:
    """Ten tickets in a row each arrive whole, each on its own connection."""
    with FakePrinter() as printer:
        for index in range(10):
            outcome = print_ticket(printer.uri, TicketPrint.sample("en" if index % 2 else "ar"), timeout=1)
            assert outcome.printed
        printer.wait_for_cuts(10)
        assert len(printer.tickets()) == 10
        assert printer.connections == 10


def test_warm_up_loads_everything() -> None:
    """warm_up() draws and encodes a sample (loading escpos and fonts) without a printer."""
    import sys

    from printer import warm_up

    assert warm_up(384) is None
    assert "escpos.capabilities" in sys.modules
