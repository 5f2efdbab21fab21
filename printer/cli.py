"""`python main.py print-test --printer URI [--lang ar|en] [--width 576|384] [--png FILE]`.

Prints a sample ticket (or writes its image) and exits 0, or explains in both languages why it
could not and exits non-zero: 2 for a wrong command line or printer address, 3 when the printer
could not print, 4 when the ticket could not be drawn (no Arabic font).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_PRINTER, EXIT_DRAWING = 0, 2, 3, 4


def register(subparsers: "argparse._SubParsersAction") -> argparse.ArgumentParser:
    """Add the `print-test` sub-command to a main parser's sub-parsers."""
    parser = subparsers.add_parser(
        "print-test",
        help="print a sample ticket / طباعة تذكرة تجريبية",
        description="Print a sample ticket on a receipt printer, or write its image with --png. "
        "طباعة تذكرة تجريبية على طابعة الإيصالات أو حفظ صورتها.",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--printer", metavar="URI", help="tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0?baudrate=19200, cups://QUEUE, win32://NAME, file:///PATH, dummy://")
    target.add_argument("--png", metavar="FILE", type=Path, help="write the ticket image to FILE instead of printing")
    parser.add_argument("--lang", choices=("ar", "en"), default="ar", help="which language leads on the ticket (default ar)")
    parser.add_argument("--width", type=int, choices=(576, 384), default=None, help="dot width: 576 for 80 mm paper, 384 for 58 mm (default: from the printer profile, else 576)")
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for the printer's answers (default 2)")
    parser.add_argument("--text-layout", choices=("auto", "raqm", "basic"), default="auto", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)
    return parser


def _say(ar: str, en: str, *, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    print(ar, file=stream)
    print(en, file=stream, flush=True)


def run(args: argparse.Namespace) -> int:
    from printer.fonts import FontNotFoundError
    from printer.layout import WIDTH_80MM, render_ticket
    from printer.output import print_ticket
    from printer.ticket import TicketPrint
    from printer.uri import PrinterURIError, parse_printer_uri

    if not (0.1 <= args.timeout <= 60):
        _say("مهلة الانتظار يجب أن تكون بين 0.1 و60 ثانية", "--timeout must be between 0.1 and 60 seconds", error=True)
        return EXIT_USAGE
    ticket = TicketPrint.sample(args.lang)
    if args.png is not None:
        try:
            image = render_ticket(ticket, args.width or WIDTH_80MM, text_layout=args.text_layout)
            image.save(args.png, format="PNG")
        except FontNotFoundError as exc:
            _say(exc.message_ar, exc.message_en, error=True)
            return EXIT_DRAWING
        except (OSError, ValueError) as exc:
            _say(f"تعذّر حفظ الصورة في {args.png}", f"could not write {args.png}: {exc}", error=True)
            return EXIT_USAGE
        _say(f"حُفظت صورة التذكرة في {args.png}", f"ticket image written to {args.png} ({image.width}x{image.height} dots)")
        return EXIT_OK
    try:
        target = parse_printer_uri(args.printer)
    except PrinterURIError as exc:
        _say(exc.message_ar, exc.message_en, error=True)
        return EXIT_USAGE
    outcome = print_ticket(target, ticket, width=args.width, timeout=args.timeout, text_layout=args.text_layout)
    if not outcome.printed:
        _say(outcome.message_ar, outcome.message_en + (f" ({outcome.detail})" if outcome.detail else ""), error=True)
        return EXIT_DRAWING if outcome.detail.startswith("no font") else EXIT_PRINTER
    _say(outcome.message_ar, f"{outcome.message_en} ({outcome.bytes_sent} bytes in {outcome.seconds:.2f} s)")
    return EXIT_OK
