"""`python main.py kiosk --hub URL --printer URI`: the kiosk on its own."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from kiosk.settings import PRINTER_WIDTHS

log = logging.getLogger("tabour.kiosk")


def register(subparsers: argparse._SubParsersAction) -> None:
    kiosk = subparsers.add_parser(
        "kiosk",
        help="run the ticket kiosk (touch screen and printer)",
        description="Run the kiosk: visitors pick a service on the touch screen and get a printed ticket.",
    )
    kiosk.add_argument("--hub", required=True, metavar="URL", help="The hub's address, e.g. http://10.0.0.2:8470.")
    kiosk.add_argument(
        "--printer", default=None, metavar="URI",
        help="Ticket printer: tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0, cups://QUEUE, win32://NAME, "
        "file:///PATH or dummy://. Without it the kiosk shows the number and asks the visitor to note it.",
    )
    kiosk.add_argument(
        "--enroll-code", default=os.environ.get("TABOUR_ENROLL_CODE"), metavar="CODE",
        help="The hub's enrollment code, for the first start ($TABOUR_ENROLL_CODE); the token is kept afterwards.",
    )
    kiosk.add_argument(
        "--width", type=int, choices=PRINTER_WIDTHS, default=None,
        help="Printer width in dots: 576 for 80 mm paper, 384 for 58 mm (default: the printer's own).",
    )
    kiosk.add_argument("--windowed", action="store_true", help="A normal window instead of full-screen kiosk mode (for setup and testing).")
    kiosk.add_argument("--lang", "--language", dest="lang", choices=["ar", "en"], default="ar", help="The language visitors see first (default ar).")
    kiosk.add_argument("--name", default=None, help="This kiosk's device name at the hub (default kiosk-HOSTNAME).")
    kiosk.add_argument(
        "--speech-keys", default="F1,*", metavar="KEYS",
        help="Keys that turn the spoken guidance on and off, comma-separated (default F1,*: a keyboard's F1 and a "
        "keypad's star; e.g. F12 for a hardware button that sends F12).",
    )
    kiosk.add_argument(
        "--speech-volume", type=float, default=1.0, metavar="0-1",
        help="Loudness of the spoken guidance from 0 to 1 (default 1).",
    )
    kiosk.add_argument(
        "--screen-bottom-mm", type=float, default=None, metavar="MM",
        help="Height of the screen's visible bottom edge above the floor, in mm (with --screen-size-mm: a tall "
        "screen then offers the low layout that keeps every choice within a wheelchair user's reach, 380-1220 mm).",
    )
    kiosk.add_argument(
        "--screen-size-mm", default=None, metavar="WxH",
        help="The screen's visible width and height in mm, e.g. 400x710 for a 32-inch portrait screen.",
    )
    kiosk.add_argument(
        "--speech-clips", default=None, metavar="DIR",
        help="The boards' folder of recorded clips (a human voice): the ticket number is said from it; "
        "the rest is synthesised.",
    )
    kiosk.add_argument(
        "--speech-rate", type=int, default=140, metavar="WPM",
        help="Speed of the spoken guidance in words per minute, 80-300 (default 140: slower is clearer).",
    )
    kiosk.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the kiosk and run until a supervisor leaves kiosk mode (or the window closes)."""
    from kiosk.app import build_kiosk_window
    from kiosk.window import default_device_name
    from qt_common.app import create_app
    from PySide6.QtCore import QTimer

    from qt_common.hub_client import HubClient, check_device_name, normalize_hub_url

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        hub_url = normalize_hub_url(args.hub)
        name = check_device_name(args.name) if getattr(args, "name", None) else default_device_name()
    except ValueError as problem:
        print(f"kiosk: {problem}", file=sys.stderr)
        return 2
    if args.printer is not None:
        from kiosk.printing import check_printer_uri

        try:
            check_printer_uri(args.printer)
        except ImportError as problem:
            print(f"kiosk: the printer package is not available ({problem})", file=sys.stderr)
            return 2
        except ValueError as problem:
            print(f"kiosk: wrong --printer: {problem}", file=sys.stderr)
            return 2
    from kiosk.speech import SpeechKeyError, parse_toggle_keys
    from qt_common.speech.settings import SettingsError, SpeechSettings

    try:
        parse_toggle_keys(args.speech_keys)
        clips = getattr(args, "speech_clips", None)
        if clips is not None and not Path(clips).expanduser().is_dir():
            print(f"kiosk: --speech-clips {clips[:200]}: no such folder", file=sys.stderr)
            return 2
        speech_settings = SpeechSettings(volume=args.speech_volume, rate=args.speech_rate, clips_dir=clips)
    except (SpeechKeyError, SettingsError) as problem:
        print(f"kiosk: {problem}", file=sys.stderr)
        return 2
    from kiosk.reach import Placement, PlacementError, parse_size

    placement = None
    if (args.screen_bottom_mm is None) != (args.screen_size_mm is None):
        print("kiosk: give --screen-bottom-mm and --screen-size-mm together", file=sys.stderr)
        return 2
    if args.screen_bottom_mm is not None:
        try:
            placement = Placement(args.screen_bottom_mm, *parse_size(args.screen_size_mm))
        except PlacementError as problem:
            print(f"kiosk: {problem}", file=sys.stderr)
            return 2
    code = args.enroll_code.strip() if isinstance(args.enroll_code, str) and args.enroll_code.strip() else None
    app = create_app(lang=args.lang)
    # 5 s: a visitor waiting longer for a number is better told the service is unavailable.
    client = HubClient(hub_url, device_name=name, kind="kiosk", enroll_code=code, timeout_ms=5000)
    window = build_kiosk_window(
        client, printer=args.printer, language=args.lang, kiosk_mode=not args.windowed, width=args.width,
        speech_settings=speech_settings, speech_keys=args.speech_keys, placement=placement,
    )
    window.exit_requested.connect(app.quit)
    window.screen_changed.connect(lambda name: log.info("screen: %s", name))
    client.start()
    window.present()
    previous = _quit_on_signals(app)
    # Python runs signal handlers only between bytecodes: a timer lets it look now and then.
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        return int(app.exec())
    finally:
        wake.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
        window.shutdown()
        client.stop()
        window.hide()
        window.deleteLater()


def _quit_on_signals(app: Any) -> dict[int, Any]:
    """SIGTERM (a service manager stopping the kiosk) and Ctrl+C end the event loop cleanly."""
    previous = {}
    for number in (signal.SIGTERM, signal.SIGINT):
        # exit(), not quit(): quit() asks the windows to close first, and a kiosk refuses that.
        previous[number] = signal.signal(number, lambda *_: app.exit(0))
    return previous


def main(argv: list[str] | None = None) -> int:
    """`python -m kiosk ...`: the same as `python main.py kiosk ...`."""
    parser = argparse.ArgumentParser(prog="python -m kiosk")
    register(parser.add_subparsers(dest="role", required=True))
    args = parser.parse_args(["kiosk", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))
