"""The kiosk as a widget a launcher can host: `build_kiosk_window(client, printer=...)`.

It never creates the QApplication nor runs its event loop; `kiosk.cli.run` does that for
the kiosk alone, and the all-in-one launcher does it for the kiosk, a counter and a board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from kiosk.settings import PRINTER_RECHECK_SECONDS, PRINTER_WIDTHS
from kiosk.reach import Placement
from kiosk.speech import DEFAULT_TOGGLE_KEYS
from kiosk.window import KioskWindow
from qt_common.sound import AudioSink
from qt_common.speech.settings import SpeechSettings
from qt_common.hub_client import HubClient
from qt_common.i18n import parse_language


def build_kiosk_window(
    client: HubClient,
    *,
    printer: str | None,
    language: str = "ar",
    kiosk_mode: bool = False,
    on_printed: Callable[[Any, Any], None] | None = None,
    width: int | None = None,
    printer_check_ms: int = PRINTER_RECHECK_SECONDS * 1000,
    speech_settings: SpeechSettings | None = None,
    speech_sink: AudioSink | None = None,
    speech_keys: tuple[str, ...] | str = DEFAULT_TOGGLE_KEYS,
    placement: Placement | None = None,
) -> QWidget:
    """The kiosk window for `client` (started or not), printing to `printer` (a printer URI, or None).

    `on_printed(image, outcome)` is called on the GUI thread after every ticket with the
    rendered ticket (a PIL image) and the printer's `PrintOutcome` (None without a
    printer), e.g. for an on-screen preview. `kiosk_mode` makes the window frameless and
    full screen (`window.present()`), hides the cursor on touch screens and keeps the
    window open until a supervisor's PIN is accepted (`window.exit_requested`).
    `printer_check_ms` is how often a printer that needs staff is asked again (a minute).
    `speech_settings`, `speech_sink` and `speech_keys` are the spoken guidance's voice, sound
    output (default: the sound card) and the keys that turn it on (kiosk/speech.py).
    `placement` is where the screen is (its bottom edge above the floor and its size, in mm;
    kiosk/reach.py); with it a tall screen offers the low layout.
    """
    if not isinstance(client, HubClient):
        raise TypeError(f"client must be a HubClient, not {type(client).__name__}")
    if printer is not None and (not isinstance(printer, str) or not printer.strip()):
        raise ValueError(f"printer must be a printer URI or None, not {printer!r}")
    if width is not None and width not in PRINTER_WIDTHS:
        raise ValueError(f"width must be one of {PRINTER_WIDTHS} dots, not {width!r}")
    if on_printed is not None and not callable(on_printed):
        raise TypeError("on_printed must be callable")
    if isinstance(printer_check_ms, bool) or not isinstance(printer_check_ms, int) or not 100 <= printer_check_ms <= 86_400_000:
        raise ValueError(f"printer_check_ms must be 100 ms to a day, not {printer_check_ms!r}")
    return KioskWindow(
        client,
        printer=printer.strip() if printer else None,
        language=parse_language(language),
        kiosk_mode=bool(kiosk_mode),
        on_printed=on_printed,
        width=width,
        printer_check_ms=printer_check_ms,
        speech_settings=speech_settings,
        speech_sink=speech_sink,
        speech_keys=speech_keys,
        placement=placement,
    )
