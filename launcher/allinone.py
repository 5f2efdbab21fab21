"""`python main.py` with no role: the whole hall on one machine.

An embedded hub with the demo centre on 127.0.0.1, then a kiosk, a counter (logged in as the
demo supervisor), a display board and an on-screen printer preview, all in one process and one
Qt event loop, so a newcomer sees a ticket go from kiosk to counter to board within a minute.
Each window is the same one its role runs on its own; they talk to the hub over HTTP and the
WebSocket exactly as on separate PCs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from launcher.embedded import DEMO_CLERK, EmbeddedHub, port_is_free

DEMO_PORT = 8470
DEMO_COUNTER = 8  # the demo centre's counter that serves every service


def demo_data_dir() -> Path:
    """Kept apart from a real branch's database and device tokens."""
    return Path(os.environ.get("TABOUR_DEMO_DIR") or Path(user_data_dir("tabour", appauthor=False)) / "demo")


@dataclass
class Hall:
    """The demo's parts, for the launcher and for tests that drive it."""

    hub: EmbeddedHub
    clients: dict = field(default_factory=dict)
    kiosk: object = None
    counter: object = None
    board: object = None
    preview: object = None

    def windows(self) -> list:
        return [w for w in (self.kiosk, self.counter, self.board, self.preview) if w is not None]

    def close(self) -> None:
        board = self.board
        if board is not None and hasattr(board, "shutdown"):
            board.shutdown()
        for window in self.windows():
            window.close()
        for client in self.clients.values():
            client.stop()
        self.hub.stop()


def build_hall(
    hub: EmbeddedHub,
    *,
    config_dir: Path,
    printer: str | None = "dummy://",
    language: str = "ar",
    sink=None,
    announce: bool = True,
) -> Hall:
    """Every window of the demo, connected to `hub` and not yet shown; needs a QApplication."""
    from counter_ui.app import build_counter_window
    from display_board.app import build_board_window
    from kiosk.app import build_kiosk_window
    from launcher.preview import TicketPreview
    from qt_common.hub_client import HubClient

    hall = Hall(hub=hub)
    for kind, name in (("kiosk", "demo kiosk"), ("counter", "demo counter"), ("display", "demo board")):
        hall.clients[kind] = HubClient(
            hub.url, device_name=name, kind=kind, enroll_code=hub.enroll_code, config_dir=config_dir
        )
    hall.preview = TicketPreview()
    hall.kiosk = build_kiosk_window(
        hall.clients["kiosk"], printer=printer, language=language, on_printed=hall.preview.show_ticket
    )
    hall.counter = build_counter_window(
        hall.clients["counter"], counter=DEMO_COUNTER, auto_login=DEMO_CLERK, language=language
    )
    hall.board = build_board_window(hall.clients["display"], language=language, sink=sink, announce=announce)
    for client in hall.clients.values():
        if not client.running:
            client.start()
    return hall


def arrange(hall: Hall) -> None:
    """Kiosk, counter and preview side by side on the primary screen; the board across the top."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry() if screen is not None else None
    if area is None or area.width() < 800:
        for window in hall.windows():
            window.show()
        return
    left, top, width, height = area.x(), area.y(), area.width(), area.height()
    board_height = height * 2 // 5
    hall.board.setGeometry(left, top, width, board_height)
    lower = top + board_height + 30
    lower_height = height - board_height - 40
    preview_width = min(340, width // 5)
    column = (width - preview_width) // 2
    hall.kiosk.setGeometry(left, lower, column, lower_height)
    hall.counter.setGeometry(left + column, lower, column, lower_height)
    hall.preview.setGeometry(left + 2 * column, lower, preview_width, lower_height)
    for window in hall.windows():
        window.show()


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="the all-in-one demo (the default when no role is given)",
        description=(
            "Start an embedded hub with the demo centre on 127.0.0.1 and open a kiosk, a counter "
            f"(logged in as the demo supervisor '{DEMO_CLERK[0]}', PIN {DEMO_CLERK[1]}), a display board and a "
            "printer preview. Touch a service on the kiosk, press Call next on the counter, and watch "
            "the board. Clerks sim1..sim8 (PIN 2468) exist for `python main.py simulate`."
        ),
    )
    add_options(demo)
    demo.set_defaults(func=run)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None, help=f"Port of the embedded hub (default {DEMO_PORT}, or a free one if that is taken).")
    parser.add_argument("--db", type=Path, default=None, help="Demo database (default: a 'demo' folder in the user data directory).")
    parser.add_argument("--printer", default=None, help="Also print on this printer (e.g. tcp://192.168.1.50:9100); default: the on-screen preview only.")
    parser.add_argument("--lang", choices=["ar", "en"], default="ar", help="Language the windows start in (default Arabic).")
    parser.add_argument("--enroll-code", default=None, help="Enrollment code of the embedded hub, for extra devices (default: random, printed).")
    parser.add_argument("--mute", action="store_true", help="Do not announce calls aloud.")


def run(args: argparse.Namespace) -> int:
    import signal

    from PySide6.QtCore import QTimer

    from qt_common.app import create_app

    data = demo_data_dir()
    db = args.db or data / "tabour-demo.sqlite"
    if args.port is not None:
        if not 1 <= args.port <= 65535:
            print(f"error: --port {args.port} is not a TCP port (1-65535)", file=sys.stderr)
            return 2
        if not port_is_free("127.0.0.1", args.port):
            print(f"error: port {args.port} is in use (another hub or demo?); choose another --port", file=sys.stderr)
            return 2
        port = args.port
    else:
        port = DEMO_PORT if port_is_free("127.0.0.1", DEMO_PORT) else 0
    code = args.enroll_code or secrets.token_urlsafe(8)
    app = create_app(lang=args.lang)
    try:
        hub = EmbeddedHub(db, port=port, enroll_code=code).start()
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Tabour demo: hub on {hub.url} (database {db})", flush=True)
    print(f"enrollment code for other devices: {code}", flush=True)
    print(f"counter {DEMO_COUNTER}: clerk '{DEMO_CLERK[0]}', PIN {DEMO_CLERK[1]}", flush=True)
    print(
        f"try: python main.py simulate --hub {hub.url} --enroll-code {code} --visitors-per-hour 120 --counters 6",
        flush=True,
    )
    hall = build_hall(
        hub, config_dir=data / "devices", printer=args.printer or "dummy://", language=args.lang,
        announce=not args.mute,
    )
    arrange(hall)
    app.aboutToQuit.connect(hall.close)
    # Ctrl+C in the terminal, or a service manager's SIGTERM, ends the demo. exit(), not quit():
    # quit() asks windows to close first. Python runs signal handlers only between Qt events,
    # so a timer hands it control a few times a second.
    previous = {number: signal.signal(number, lambda *_: app.exit(0)) for number in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        return app.exec()
    finally:
        wake.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
        if hall.hub.store is not None:
            hall.close()

