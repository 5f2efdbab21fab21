"""`python main.py feedback --hub URL --counter N`: the rating screen facing the visitor at counter N."""

from __future__ import annotations

import argparse
import os
import socket
import sys

ENROLL_CODE_ENV = "TABOUR_ENROLL_CODE"
HUB_ENV = "TABOUR_HUB"


def register(subparsers: argparse._SubParsersAction) -> None:
    feedback = subparsers.add_parser(
        "feedback",
        help="run the counter-top feedback screen (five faces after each visit at a counter)",
        description="Run the feedback screen on a small tablet facing the visitor: after each visit finished at "
        "its counter it shows five faces for 30 seconds, thanks the visitor after a tap, then rests.",
    )
    feedback.add_argument("--hub", default=os.environ.get(HUB_ENV), help=f"The hub's address (${HUB_ENV}).")
    feedback.add_argument("--counter", type=int, required=True, help="The number of the counter this screen faces.")
    feedback.add_argument("--enroll-code", default=os.environ.get(ENROLL_CODE_ENV),
                          help=f"The hub's enrollment code, needed once (${ENROLL_CODE_ENV}).")
    feedback.add_argument("--lang", choices=["ar", "en"], default="ar", help="The screen's language (default ar).")
    feedback.add_argument("--windowed", action="store_true", help="Run in a window instead of full screen.")
    feedback.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from PySide6.QtGui import QKeySequence, QShortcut

    from feedback_screen.window import FeedbackWindow
    from qt_common.app import create_app, show_full_screen
    from qt_common.hub_client import HubClient, normalize_hub_url

    if not args.hub:
        print(f"error: --hub is required (or set ${HUB_ENV})", file=sys.stderr)
        return 2
    if not 1 <= args.counter <= 10_000:
        print("error: --counter is a counter's number, 1 to 10000", file=sys.stderr)
        return 2
    try:
        hub_url = normalize_hub_url(args.hub)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    app = create_app(lang=args.lang)
    host = "".join(ch if ch.isalnum() or ch in ".-" else "-" for ch in socket.gethostname())[:40] or "host"
    client = HubClient(hub_url, device_name=f"feedback-{args.counter}-{host}", kind="feedback",
                       enroll_code=args.enroll_code or None)
    window = FeedbackWindow(client, args.counter, language=args.lang)
    app.aboutToQuit.connect(window.shutdown)
    app.aboutToQuit.connect(client.stop)
    QShortcut(QKeySequence("Ctrl+Q"), window, activated=app.quit)
    client.start()
    if args.windowed:
        window.resize(1024, 600)
        window.show()
    else:
        show_full_screen(window)
    return int(app.exec())
