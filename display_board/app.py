"""The board as a widget another program can host (the all-in-one launcher, the tests)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from display_board.announcer import AnnouncerSettings, AudioSink
from display_board.window import BoardWindow
from qt_common.hub_client import HubClient
from qt_common.theme import COLOURS, Colours


def build_board_window(
    client: HubClient,
    *,
    board: str | None = None,
    language: str = "ar",
    sink: AudioSink | None = None,
    announce: bool = True,
    announcer_settings: AnnouncerSettings | None = None,
    colours: Colours | None = None,
    highlight_until_next: bool | None = None,
    flashes: int | None = None,
    chime_volume: float | None = None,
    chime_repeats: int | None = None,
) -> QWidget:
    """The display board for `client`'s hub, not yet shown.

    It starts `client` if it is not running, shows only the counters and services of
    `board` (a `[boards]` key; None: every call), is laid out in `language` ("ar": right to
    left, Arabic first; "en": English first) and announces calls through `sink` (None: the
    sound card) unless `announce` is False, in `colours` (`theme.HIGH_CONTRAST` for high contrast). Colours,
    flashes, highlight and chime left as None follow the board's entry of the centre file. It never creates the QApplication nor runs its
    event loop; call `window.shutdown()` (or close it) to stop the announcer.
    """
    return BoardWindow(
        client,
        board=board,
        language=language,
        sink=sink,
        announce=announce,
        announcer_settings=announcer_settings,
        colours=colours,
        highlight_until_next=highlight_until_next,
        flashes=flashes,
        chime_volume=chime_volume,
        chime_repeats=chime_repeats,
    )
