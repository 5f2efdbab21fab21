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


@dataclass(frozen=True)
class Tiling:
    """Where each demo window goes: frame rectangles (title bar included) on the screen.

    "band": the board across the top; kiosk, counter and printer preview side by side below.
    "strip": kiosk and board side by side over the counter's compact strip; the preview on the
    side, for screens too small to show the whole counter beside the kiosk (1366×768).
    """

    kind: str
    board: tuple[int, int, int, int]
    kiosk: tuple[int, int, int, int]
    counter: tuple[int, int, int, int]
    preview: tuple[int, int, int, int]

    def rects(self) -> list[tuple[int, int, int, int]]:
        return [self.board, self.kiosk, self.counter, self.preview]


def _fits(needed, width: int, height: int) -> bool:
    return needed.width() <= width and needed.height() <= height


def plan_tiling(hall: Hall, area: tuple[int, int, int, int], chrome: tuple[int, int] = (0, 0)) -> Tiling:
    """Tiles for the demo's windows on `area` (x, y, width, height), none over another.

    `chrome` is what a window manager adds around each window (width, height: borders and
    title bar). Each window is asked what it needs at the size it would get; the band is
    taken when the whole counter fits beside the kiosk, else the strip.
    """
    x, y, width, height = area
    extra_w, extra_h = chrome
    preview_width = max(220, min(420, width // 6))
    rest = width - preview_width

    def client(w: int, h: int) -> tuple[int, int]:
        return max(1, w - extra_w), max(1, h - extra_h)

    for share in (0.40, 0.35, 0.30, 0.25):
        board_height = int(height * share)
        lower = height - board_height
        counter_width = max(rest * 55 // 100, hall.counter.minimum_size_at(*client(rest * 55 // 100, lower)).width() + extra_w)
        kiosk_width = rest - counter_width
        if kiosk_width <= 0:
            break
        if _fits(hall.counter.minimum_size_at(*client(counter_width, lower)), *client(counter_width, lower)) and _fits(
            hall.kiosk.minimum_size_at(*client(kiosk_width, lower)), *client(kiosk_width, lower)
        ):
            return Tiling(
                "band",
                board=(x, y, rest, board_height),
                kiosk=(x, y + board_height, kiosk_width, lower),
                counter=(x + kiosk_width, y + board_height, counter_width, lower),
                preview=(x + rest, y, preview_width, height),
            )
    strip = hall.counter.compact_minimum_size()
    strip_height = strip.height() + extra_h
    upper = height - strip_height
    kiosk_width = min(rest * 2 // 3, max(rest // 2, hall.kiosk.minimum_size_at(*client(rest // 2, upper)).width() + extra_w))
    return Tiling(
        "strip",
        board=(x + kiosk_width, y, rest - kiosk_width, upper),
        kiosk=(x, y, kiosk_width, upper),
        counter=(x, y + upper, rest, strip_height),
        preview=(x + rest, y, preview_width, height),
    )


def window_chrome(windows: list) -> tuple[int, int]:
    """The largest frame a window manager has put around these windows (0, 0 before it has)."""
    extra_w = extra_h = 0
    for window in windows:
        frame, inner = window.frameGeometry(), window.geometry()
        extra_w = max(extra_w, frame.width() - inner.width())
        extra_h = max(extra_h, frame.height() - inner.height())
    return extra_w, extra_h


def arrange(hall: Hall, area: tuple[int, int, int, int] | None = None) -> Tiling | None:
    """Tile the windows on the primary screen's free area (or `area`) and show them."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QGuiApplication

    if area is None:
        screen = QGuiApplication.primaryScreen()
        free = screen.availableGeometry() if screen is not None else None
        if free is None or free.width() < 800:
            for window in hall.windows():
                window.show()
            return None
        area = (free.x(), free.y(), free.width(), free.height())
    chrome = window_chrome(hall.windows())
    tiling = plan_tiling(hall, area, chrome)
    margins = {}
    for window in hall.windows():
        frame, inner = window.frameGeometry(), window.geometry()
        margins[id(window)] = (inner.x() - frame.x(), inner.y() - frame.y())

    def place(window, rect: tuple[int, int, int, int]) -> None:
        left, top = margins[id(window)]
        fx, fy, fw, fh = rect
        width, height = max(1, fw - chrome[0]), max(1, fh - chrome[1])
        if hasattr(window, "minimum_size_at") and not getattr(window, "compact", False):
            # Lay it out for its tile first: its minimum size follows, and a window is never
            # made smaller than its minimum.
            window.minimum_size_at(width, height)
            window.layout().activate()
        window.setGeometry(QRect(fx + left, fy + top, width, height))

    counter = hall.counter
    if tiling.kind == "strip":
        def to_strip(*_: object) -> None:
            if not counter.model.logged_in:
                return
            if not counter.compact:
                # What "Full view" comes back to: the middle of the screen, over the others.
                ax, ay, aw, ah = area
                counter.setGeometry(QRect(ax + aw // 8, ay + ah // 10, aw * 3 // 4, ah * 4 // 5))
                counter.set_compact(True)
            place(counter, tiling.counter)

        if counter.model.logged_in:
            to_strip()
        else:
            counter.model.session_changed.connect(to_strip, Qt.ConnectionType.SingleShotConnection)
    else:
        if counter.compact:
            counter.set_compact(False)
        place(counter, tiling.counter)
    for window, rect in ((hall.board, tiling.board), (hall.kiosk, tiling.kiosk), (hall.preview, tiling.preview)):
        place(window, rect)
    for window in hall.windows():
        window.show()
    return tiling


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
    parser.add_argument("--lang", "--language", dest="lang", choices=["ar", "en"], default="ar", help="Language the windows start in (default Arabic).")
    parser.add_argument("--enroll-code", default=None, help="Enrollment code of the embedded hub, for extra devices (default: random, printed).")
    parser.add_argument("--mute", action="store_true", help="Do not announce calls aloud.")


def run(args: argparse.Namespace) -> int:
    import logging
    import signal

    from PySide6.QtCore import QTimer

    from qt_common.app import create_app

    # Warnings only: a window that loses the hub says why here too (and on screen).
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    # Ctrl+C in the terminal, or a service manager's SIGTERM, ends the demo, from the very start:
    # a KeyboardInterrupt raised while Qt builds the windows (inside a Python size hint Qt is
    # calling) crashed the process. The handler only asks the event loop to end once it runs.
    # exit(), not quit(): quit() asks windows to close first.
    previous = {
        number: signal.signal(number, lambda *_: QTimer.singleShot(0, lambda: app.exit(0)))
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return _run_hall(args, app, db, data, port, code)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _run_hall(args: argparse.Namespace, app, db: Path, data: Path, port: int, code: str) -> int:
    from PySide6.QtCore import QTimer

    try:
        hub = EmbeddedHub(db, port=port, enroll_code=code, demo=True).start()
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
    # A window manager adds title bars after the windows first show: tile again once it has.
    retile = QTimer()
    retile.setSingleShot(True)
    retile.timeout.connect(lambda: arrange(hall) if window_chrome(hall.windows()) != (0, 0) else None)
    retile.start(800)
    app.aboutToQuit.connect(hall.close)
    # Python runs signal handlers only between Qt events, so a timer hands it control a few
    # times a second.
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        return app.exec()
    finally:
        wake.stop()
        if hall.hub.store is not None:
            hall.close()

