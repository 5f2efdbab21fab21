"""Tickets on thermal receipt printers: drawn with Pillow, sent as ESC/POS raster by python-escpos.

No Qt here: the kiosk and the hub can both print. Public API::

    from printer import TicketPrint, render_ticket, print_ticket, check_status, parse_printer_uri

    TicketPrint(number, service_name_ar, service_name_en, centre_name_ar, centre_name_en, priority,
                ahead, eta_seconds, issued_at, status_url, footer_ar="", footer_en="",
                logo_path=None, language="ar")              # printer.ticket, frozen dataclass
    TicketPrint.from_models(ticket, *, service, centre, hub_url, language="ar") -> TicketPrint  # core.contract models
    TicketPrint.from_hub(ticket, *, service, centre, hub_url, language="ar") -> TicketPrint     # the hub's JSON
    TicketPrint.sample(language="ar") -> TicketPrint
    render_ticket(ticket, width=576, *, text_layout="auto") -> PIL.Image.Image   # mode "1"
    FontNotFoundError                                           # no Arabic font on the machine
    parse_printer_uri(uri) -> PrinterTarget; PrinterURIError(ValueError)
    PrinterState (READY, PAPER_NEAR_END, PAPER_OUT, COVER_OPEN, OFFLINE, SILENT, REFUSED,
                  UNREACHABLE, UNKNOWN, ERROR, MISCONFIGURED) with message_ar, message_en,
                  ok_to_print, visitor_should_note_number, needs_staff
    check_status(target, timeout=2.0) -> PrinterState
    print_ticket(printer, ticket, *, width=None, timeout=2.0) -> PrintOutcome   # never raises
    PrintOutcome(printed, state_before, state_after, message_ar, message_en, bytes_sent, seconds, detail)
    encode_ticket(image) -> bytes                               # ESC/POS bytes including the cut
    warm_up()                       # load escpos profiles and fonts once at start-up (about 1 s)
    printer.cli.register(subparsers)                            # the `print-test` sub-command

Printer URIs: tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0?baudrate=19200,
cups://QUEUE, win32://NAME, file:///path, dummy:// (each also takes ?profile=NAME&width=DOTS).

Drawing uses Pillow font objects shared through caches: render from one thread at a time
(the kiosk's single printing worker). The loopback printer for tests is
`tests/printer/fake_printer.py` (`FakePrinter`).
"""

from printer.fonts import FontNotFoundError
from printer.layout import render_ticket
from printer.output import PrintOutcome, encode_ticket, print_ticket, warm_up
from printer.status import PrinterState, check_status
from printer.ticket import TicketPrint
from printer.uri import PrinterTarget, PrinterURIError, parse_printer_uri

__all__ = [
    "FontNotFoundError",
    "PrintOutcome",
    "PrinterState",
    "PrinterTarget",
    "PrinterURIError",
    "TicketPrint",
    "check_status",
    "encode_ticket",
    "parse_printer_uri",
    "print_ticket",
    "render_ticket",
    "warm_up",
]
