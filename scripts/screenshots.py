#!/usr/bin/env python3
"""Make the README's screenshots from a real hub, offscreen, so they always show the current app.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--lang ar en]

For each language it starts the all-in-one hall (an embedded hub with the demo centre, a kiosk,
a counter and a board), issues a few tickets, has the counter call one, and saves
`kiosk-LANG.png`, `counter-LANG.png`, `board-LANG.png` and `ticket-LANG.png` (the printed ticket).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = {"kiosk": (1080, 1350), "counter": (1280, 800), "board": (1920, 1080)}


def wait_for(app, condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def shoot(language: str, out: Path) -> list[Path]:
    import json
    import urllib.request

    from display_board.announcer import RecordingSink
    from launcher.allinone import build_hall
    from launcher.embedded import EmbeddedHub
    from qt_common.app import create_app

    from PySide6.QtCore import qInstallMessageHandler

    def quiet(kind, context, message: str) -> None:  # the offscreen platform's size-hint notes
        if "propagateSizeHints" not in message:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet)
    app = create_app(lang=language)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="tabour-shots-") as folder:
        hub = EmbeddedHub(Path(folder) / "demo.sqlite", enroll_code="shots-0000", simulated_clerks=0).start()
        hall = build_hall(hub, config_dir=Path(folder) / "devices", printer=None, language=language,
                          sink=RecordingSink(), announce=False)
        try:
            for name, window in (("kiosk", hall.kiosk), ("counter", hall.counter), ("board", hall.board)):
                window.resize(*SIZES[name])
                window.show()
            wait_for(app, lambda: all(c.online for c in hall.clients.values()), "the devices to connect")
            wait_for(app, lambda: hall.counter.model.session is not None, "the demo clerk to log in")

            def post(path: str, body: dict, token: str) -> dict:
                request = urllib.request.Request(
                    f"{hub.url}/api/v1{path}", data=json.dumps(body).encode(), method="POST",
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                )
                with urllib.request.urlopen(request, timeout=10) as answer:
                    return json.loads(answer.read())

            admin = post("/devices/enroll", {"name": "screenshots", "kind": "admin", "code": hub.enroll_code}, "")["token"]
            services = {s.code: s.id for s in hub.store.catalogue.services.values()}
            for code, priority in (("A", "normal"), ("B", "normal"), ("A", "elderly"), ("C", "normal"), ("A", "normal")):
                post("/tickets", {"service_id": services[code], "priority": priority}, admin)
            # a few earlier calls for the board's list, then the counter's own call
            for _ in range(2):
                hall.counter.model.call_next()
                wait_for(app, lambda: hall.counter.model.ticket is not None, "a call")
                ticket = hall.counter.model.ticket
                hall.clients["counter"].ticket_action(ticket["id"], "start")
                settle(app, 0.3)
                hall.clients["counter"].ticket_action(ticket["id"], "finish")
                settle(app, 0.3)
            hall.counter.model.call_next()
            wait_for(app, lambda: hall.counter.model.ticket is not None and hall.counter.model.ticket["status"] == "called", "the call")
            # the kiosk issues one for the printed ticket and goes back home for its picture
            hall.kiosk.choose_service(services["D"])
            wait_for(app, lambda: hall.preview.printed >= 1, "the ticket to print")
            settle(app, 0.5)
            hall.kiosk.go_home()
            settle(app, 1.5)
            out.mkdir(parents=True, exist_ok=True)
            for name, window in (("kiosk", hall.kiosk), ("counter", hall.counter), ("board", hall.board)):
                path = out / f"{name}-{language}.png"
                window.grab().save(str(path))
                written.append(path)
            path = out / f"ticket-{language}.png"
            hall.preview.ticket.save(str(path))
            written.append(path)
        finally:
            hall.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="Folder for the PNG files.")
    parser.add_argument("--lang", nargs="+", choices=["ar", "en"], default=["ar", "en"], help="Languages to shoot.")
    args = parser.parse_args(argv)
    for language in args.lang:
        for path in shoot(language, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
