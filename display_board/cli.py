"""`python main.py display --hub URL [--board NAME] [--enroll-code CODE]`: the board on a hall TV."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import socket
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from qt_common.looks import THEME_NAMES

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# Registering the role must not load Qt: `main.py hub` builds the same parser on a server
# that may lack Qt's graphics libraries. Qt is imported when the board really starts.

log = logging.getLogger(__name__)

ENROLL_CODE_ENV = "TABOUR_ENROLL_CODE"
HUB_ENV = "TABOUR_HUB"
WINDOWED_SIZE = (1280, 720)


def _volume(text: str) -> float:
    """"0.8" or "80%" → 0.8; anything else is refused with the allowed range."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a volume: give 0 to 1 (e.g. 0.8) or a percentage (80%)") from None
    if not 0.0 <= value <= 1.0:  # NaN fails this too
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is outside 0-1 (0%-100%)")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `display` role to `python main.py`."""
    display = subparsers.add_parser(
        "display",
        help="run a display board on a hall TV (shows and announces every call)",
        description="Run a display board: full screen, the latest call very large with the previous calls beside "
        "it, the centre's clock and ticker; every call announced with a chime and Arabic (then English) speech.",
    )
    display.add_argument(
        "--hub", default=os.environ.get(HUB_ENV),
        help=f"The hub's address, e.g. http://10.0.0.2:8470 (${HUB_ENV}).",
    )
    display.add_argument(
        "--board", default=None,
        help="Show only the counters and services of this [boards] entry of the centre's configuration "
        "(e.g. floor1). Default: every call.",
    )
    display.add_argument(
        "--enroll-code", default=os.environ.get(ENROLL_CODE_ENV),
        help=f"The hub's enrollment code, needed once to enroll this screen (${ENROLL_CODE_ENV}).",
    )
    display.add_argument("--windowed", action="store_true", help="Run in a normal window instead of full screen.")
    display.add_argument(
        "--volume", type=_volume, default=1.0,
        help="Announcement loudness: 0 to 1 or a percentage (default 1 = full).",
    )
    display.add_argument(
        "--chime-volume", type=_volume, default=None,
        help="The chime's loudness against the speech: 0 to 1 or a percentage (default: the board's "
        "chime_volume in the centre file, else 1 = full).",
    )
    display.add_argument(
        "--chime-repeats", type=int, default=None, metavar="N",
        help="How many times the chime sounds before each call (1-5; default: the board's chime_repeats, else 1).",
    )
    display.add_argument(
        "--highlight-until-next", action="store_true", default=None,
        help="Keep the newest number lit until the next call (for visitors who cannot hear the call; "
        "default: the board's highlight_until_next in the centre file).",
    )
    display.add_argument(
        "--flash", type=int, default=None, metavar="N",
        help="Blink a new call's row N times (0-10; default: the board's flash in the centre file, else 0) before it stays lit.",
    )
    display.add_argument("--no-english", action="store_true", help="Announce in Arabic only (no English after it).")
    display.add_argument(
        "--clips", type=Path, default=None, metavar="DIR",
        help="Folder of recorded clips (a human voice) used instead of the speech synthesiser.",
    )
    display.add_argument(
        "--lang", "--language", dest="lang", choices=["ar", "en"], default="ar",
        help="The board's first language and direction: ar (default, right to left) or en.",
    )
    display.add_argument(
        "--theme", choices=sorted(THEME_NAMES), default=None,
        help="Colours: standard, or high-contrast (black text on white, 7:1 and more) for visitors who see poorly "
        "(default: the board's theme in the centre file, else standard).",
    )
    display.add_argument("--name", default=None, help="This screen's device name at the hub (default: display-BOARD-HOST).")
    display.set_defaults(func=run)


def device_name_for(board: str | None, host: str | None = None) -> str:
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", host if host is not None else socket.gethostname()).strip("-")[:40] or "host"
    return f"display-{board or 'all'}-{host}"[:80]


def present(window: QWidget, *, windowed: bool) -> None:
    """Show the board as a hall TV wants it: full screen, frameless, no cursor; or in a window."""
    from PySide6.QtCore import Qt

    from qt_common.app import show_full_screen

    if windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
        return
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.setCursor(Qt.CursorShape.BlankCursor)
    show_full_screen(window)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Start the board and run until the application quits; 2 for bad options."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QKeySequence, QShortcut

    from display_board.announcer import AnnouncerSettings, SettingsError
    from display_board.app import build_board_window
    from display_board.model import BoardError, check_board_name
    from qt_common.app import create_app
    from qt_common.theme import colours_named
    from qt_common.hub_client import STRUCTURAL_REFRESH_EVENTS, HubClient, check_device_name, normalize_hub_url

    if not args.hub:
        return _fail(f"--hub is required (or set ${HUB_ENV}), e.g. --hub http://10.0.0.2:8470")
    try:
        hub_url = normalize_hub_url(args.hub)
    except ValueError as error:
        return _fail(str(error))
    try:
        board = check_board_name(args.board)
    except BoardError as error:
        return _fail(str(error))
    enroll_code = args.enroll_code
    if enroll_code is not None and (not 1 <= len(enroll_code) <= 64 or not enroll_code.isprintable()):
        return _fail("--enroll-code must be 1 to 64 printable characters")
    if args.flash is not None and not 0 <= args.flash <= 10:
        return _fail(f"--flash {args.flash}: give a number of flashes from 0 to 10")
    if args.clips is not None and not args.clips.expanduser().is_dir():
        return _fail(f"--clips {args.clips}: no such folder")
    try:
        settings = AnnouncerSettings(
            volume=args.volume, english=not args.no_english, clips_dir=args.clips,
            chime_volume=1.0 if args.chime_volume is None else args.chime_volume,
            chime_repeats=1 if args.chime_repeats is None else args.chime_repeats,
        )
        name = check_device_name(args.name) if args.name else device_name_for(board)
    except (SettingsError, ValueError) as error:
        return _fail(str(error))

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    colours = colours_named(args.theme) if args.theme is not None else None
    app = create_app(lang=args.lang, colours=colours or colours_named("standard"))
    # A name derived from --board: the same screen given another board keeps its enrollment.
    client = HubClient(
        hub_url, device_name=name, kind="display", enroll_code=enroll_code or None,
        refresh_events=STRUCTURAL_REFRESH_EVENTS, refresh_on_missing_rows=False, adopt_enrolled=not args.name,
    )
    window = build_board_window(
        client, board=board, language=args.lang, announcer_settings=settings, colours=colours,
        highlight_until_next=args.highlight_until_next, flashes=args.flash,
        chime_volume=args.chime_volume, chime_repeats=args.chime_repeats,
    )
    app.aboutToQuit.connect(window.shutdown)
    app.aboutToQuit.connect(client.stop)
    QShortcut(QKeySequence("Ctrl+Q"), window, activated=app.quit)
    present(window, windowed=args.windowed)
    # A service manager stops the board with SIGTERM; Python only sees it between Qt events.
    previous = {sig: signal.signal(sig, lambda *_: app.quit()) for sig in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(500)
    try:
        return int(app.exec())
    finally:
        wake.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        window.shutdown()
        client.stop()
