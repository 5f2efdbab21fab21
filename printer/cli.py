"""`python main.py print-test --printer URI [--hub URL | --config FILE] [--lang ar|en] [--width 576|384] [--png FILE]`.

It talks to whoever is setting the printer up: what was printed, what to look at on the paper,
and what to check when nothing came out (never the visitor's "note your number"). With --hub or
--config the sample carries the centre's own name (with --config its footer too), as visitors' tickets will.

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
    parser.add_argument("--lang", "--language", dest="lang", choices=("ar", "en"), default="ar", help="which language leads on the ticket (default ar)")
    parser.add_argument("--width", type=int, choices=(576, 384), default=None, help="dot width: 576 for 80 mm paper, 384 for 58 mm (default: from the printer profile, else 576)")
    centre = parser.add_mutually_exclusive_group()
    centre.add_argument("--hub", metavar="URL", help="print the centre's name as this hub has it, e.g. 192.168.1.10:8470")
    centre.add_argument("--config", metavar="FILE", type=Path, help="print the centre's name and footer from this centre configuration (TOML)")
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for the printer's answers (default 2)")
    parser.add_argument("--text-layout", choices=("auto", "raqm", "basic"), default="auto", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)
    return parser


def _say(ar: str, en: str, *, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    print(ar, file=stream)
    print(en, file=stream, flush=True)


def centre_of(args: argparse.Namespace) -> dict[str, str] | None:
    """The centre's name and footer from --config or --hub (None for the built-in sample);
    a ValueError in both languages' words when they cannot be read."""
    if args.config is not None:
        from core.config import load_config
        from core.errors import ConfigError

        try:
            centre = load_config(args.config).centre
        except ConfigError as error:
            raise ValueError(str(error), getattr(error, "message_ar", "") or "تعذّرت قراءة ملف الإعداد") from None
        return {"name_ar": centre.name_ar, "name_en": centre.name_en, "footer_ar": centre.footer_ar, "footer_en": centre.footer_en}
    if args.hub is not None:
        import urllib.error
        import urllib.request

        from pydantic import ValidationError

        from core.addresses import hub_base_url
        from core.contract import HubHome

        try:
            base = hub_base_url(args.hub)
        except ValueError as error:
            raise ValueError(str(error), "عنوان الخادم غير صحيح؛ اكتبه مثل 192.168.1.10:8470") from None
        request = urllib.request.Request(base + "/", headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=max(args.timeout, 3.0)) as answer:
                centre = HubHome.model_validate_json(answer.read(64 * 1024)).centre
        except ValidationError:
            error: object = "its answer is not a Tabour hub's"
        except (urllib.error.URLError, OSError, ValueError) as failure:
            error = getattr(failure, "reason", failure)
        else:
            return {key: str(getattr(centre, key) or "")[:500] for key in ("name_ar", "name_en", "footer_ar", "footer_en")}
        raise ValueError(
            f"the hub at {base} did not give its centre ({error}); check the address, or use --config",
            f"لم يُعطِ الخادم في {base} بيانات المركز؛ تحقق من العنوان أو استخدم --config",
        )
    return None


def sample_ticket(args: argparse.Namespace):
    from dataclasses import replace

    from printer.ticket import TicketPrint

    ticket = TicketPrint.sample(args.lang)
    centre = centre_of(args)
    if centre is None:
        return ticket
    return replace(
        ticket, centre_name_ar=centre["name_ar"], centre_name_en=centre["name_en"],
        footer_ar=centre["footer_ar"], footer_en=centre["footer_en"],
    )


def run(args: argparse.Namespace) -> int:
    from printer.fonts import FontNotFoundError
    from printer.layout import WIDTH_80MM, render_ticket
    from printer.output import print_ticket
    from printer.uri import PrinterURIError, parse_printer_uri

    if not (0.1 <= args.timeout <= 60):
        _say("مهلة الانتظار يجب أن تكون بين 0.1 و60 ثانية", "--timeout must be between 0.1 and 60 seconds", error=True)
        return EXIT_USAGE
    try:
        ticket = sample_ticket(args)
    except ValueError as error:
        en, ar = (list(error.args) + [""])[:2]
        _say(ar, f"error: {en}", error=True)
        return EXIT_USAGE
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
        state = outcome.state_after or outcome.state_before
        detail = f" ({outcome.detail})" if outcome.detail else ""
        _say(
            f"لم تُطبع التذكرة التجريبية على {args.printer}: {state.message_ar}. "
            "تحقق من التوصيل والتشغيل والورق والغطاء، ثم أعد المحاولة؛ "
            f"والأمر doctor --printer {args.printer} يفحص الطابعة",
            f"The test ticket was not printed on {args.printer}: {state.message_en}{detail}. Check the cable or network, "
            f"the power, the paper and the cover, then try again; `python main.py doctor --printer {args.printer}` checks it.",
            error=True,
        )
        return EXIT_DRAWING if outcome.detail.startswith("no font") else EXIT_PRINTER
    state = outcome.state_after or outcome.state_before
    after = "" if state.name in ("READY", "UNKNOWN") else f" {state.message_en}."
    after_ar = "" if state.name in ("READY", "UNKNOWN") else f" {state.message_ar}."
    _say(
        f"طُبعت التذكرة التجريبية لـ«{ticket.centre_name_ar}» على {args.printer}.{after_ar} "
        "تأكد أن العربية مقروءة من اليمين إلى اليسار، وأن الرمز يُمسح بالجوال، وأن الورق قُصّ.",
        f"The test ticket for {ticket.centre_name_en} was printed on {args.printer} "
        f"({outcome.bytes_sent} bytes in {outcome.seconds:.2f} s).{after} Check that the Arabic reads right to left, "
        "that a phone scans the code, and that the paper was cut.",
    )
    return EXIT_OK
