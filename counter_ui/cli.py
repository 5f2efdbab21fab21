"""`python main.py counter --hub URL [--counter N] [--enroll-code CODE] [--lang ar|en] [--compact] [--windowed]`."""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys

from qt_common.looks import LARGE_TEXT_SCALE, THEME_NAMES

DEFAULT_HUB = "http://127.0.0.1:8470"
log = logging.getLogger("tabour.counter")


def _counter_number(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a counter number is a whole number such as 3, not {text[:40]!r}") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"a counter number is between 1 and 100000, not {value}")
    return value


def _hub_url(text: str) -> str:
    from qt_common.hub_client import normalize_hub_url

    try:
        return normalize_hub_url(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "counter",
        help="run a clerk's counter screen",
        description="The clerk's counter: log in, call, serve and move visitors on; supervisors also see the hall.",
    )
    parser.add_argument(
        "--hub", type=_hub_url, default=os.environ.get("TABOUR_HUB", DEFAULT_HUB),
        help=f"The hub's address, e.g. http://10.0.0.2:8470 ($TABOUR_HUB; default {DEFAULT_HUB}).",
    )
    parser.add_argument(
        "--counter", type=_counter_number, default=None,
        help="The number of the counter this screen stands at (e.g. 3); without it the clerk picks one at login.",
    )
    parser.add_argument(
        "--enroll-code", default=os.environ.get("TABOUR_ENROLL_CODE"),
        help="Enrollment code to register this device with the hub the first time ($TABOUR_ENROLL_CODE).",
    )
    parser.add_argument("--lang", "--language", dest="lang", choices=["ar", "en"], default="ar", help="Language to start in: ar (default) or en.")
    parser.add_argument("--windowed", action="store_true", help="A normal window instead of one filling the screen (for setup and testing).")
    parser.add_argument(
        "--theme", choices=sorted(THEME_NAMES), default=None,
        help="Colours: standard, or high-contrast (black text on white, 7:1 and more) for visitors who see poorly "
        "(default: the counter's theme in the centre file, else standard).",
    )
    parser.add_argument(
        "--large-text", action="store_true",
        help=f"Every text {round((LARGE_TEXT_SCALE - 1) * 100)} %% larger, for clerks who see poorly "
        "(default: the counter's large_text in the centre file).",
    )
    parser.add_argument("--compact", action="store_true", help="Start in the small always-on-top mode once logged in.")
    parser.set_defaults(func=run)


def device_name(counter: int | None) -> str:
    """The name this device enrolls under: its counter number, or the computer's name."""
    if counter is not None:
        return f"counter-{counter}"
    host = "".join(ch for ch in socket.gethostname() if ch.isascii() and ch.isprintable())[:60] or "pc"
    return f"counter-{host}"


def make_client(args: argparse.Namespace):
    """This PC's hub client: one enrollment, whichever --counter it is started with later."""
    from qt_common.hub_client import HubClient

    return HubClient(
        args.hub, device_name=device_name(args.counter), kind="counter", enroll_code=args.enroll_code or None,
        adopt_enrolled=True,
    )


def present(window, *, windowed: bool) -> None:
    """Show the counter as a clerk's PC wants it: filling the screen (maximized, with the title bar,
    so other programs stay at hand), or with --windowed a normal window of the default size."""
    if windowed:
        window.show()
    else:
        window.showMaximized()


def run(args: argparse.Namespace) -> int:
    from qt_common.app import create_app

    from counter_ui.app import build_counter_window

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from qt_common.theme import colours_named

    app = create_app(
        sys.argv[:1], lang=args.lang, colours=colours_named(args.theme or "standard"),
        text_scale=LARGE_TEXT_SCALE if args.large_text else 1.0,
    )
    client = make_client(args)
    window = build_counter_window(
        client, counter=args.counter, language=args.lang, look_fixed=args.theme is not None or args.large_text,
    )
    if args.compact:
        window.model.session_changed.connect(lambda session: window.set_compact(True) if session else None)
    present(window, windowed=args.windowed)
    try:
        return int(app.exec())
    finally:
        client.stop()
