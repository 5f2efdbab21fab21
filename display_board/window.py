"""The board's window: header (centre, board, clock), the latest call, the previous calls,
the ticker; fed by a HubClient, speaking through the announcer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QVBoxLayout, QWidget

import display_board.strings  # noqa: F401 — registers the board's texts
from display_board.announcer import Announcer, AnnouncerSettings, AudioSink, Call
from display_board.model import DEFAULT_RECENT_SECONDS, BoardCall, BoardModel, announcements, utc_now
from display_board.widgets import (
    HIGHLIGHT,
    HIGHLIGHT_TEXT,
    ON_DARK,
    BoardClock,
    FitText,
    LatestCallPanel,
    RecentCallsList,
    Ticker,
)
from core.contract import DayRolled, EventBase, State, TicketCalled, TicketRecalled
from qt_common import theme
from qt_common.hub_client import HubClient, HubEventHandlers
from qt_common.i18n import Language, Text, isolate, parse_language, strip_bidi, tr_in
from qt_common.widgets import MessageBar, OfflineBanner, zone_from_name

log = logging.getLogger(__name__)

HIGHLIGHT_MS = 8000
FLASH_MS = 350  # one half of a flash: the row lit, or dark
MAX_FLASHES = 10
LANDSCAPE_ROWS = 6
PORTRAIT_ROWS = 7


def colour_pairs(colours: theme.Colours = theme.COLOURS) -> list[tuple[str, str, str]]:
    """(what, text, background) for every text the board draws itself rather than by style sheet."""
    c = colours
    return [
        ("header and latest call", ON_DARK, c.primary),
        ("recent calls header and ticker", ON_DARK, c.primary_pressed),
        ("fresh call", HIGHLIGHT_TEXT, HIGHLIGHT),
        ("call rows", c.text, c.surface),
    ]


def _stylesheet(colours: theme.Colours = theme.COLOURS) -> str:
    c = colours
    return f"""
#BoardWindow {{ background: {c.window}; }}
#BoardHeader {{ background: {c.primary}; }}
#LatestCall {{ background: {c.primary}; border-radius: 24px; }}
#LatestCall[fresh="yes"] {{ background: {HIGHLIGHT}; }}
#RecentCalls {{ background: {c.surface}; border: 2px solid {c.border}; border-radius: 24px; }}
#RecentHeader {{ background: {c.primary_pressed}; border-top-left-radius: 22px; border-top-right-radius: 22px; }}
#CallRow {{ background: transparent; border-bottom: 2px solid {c.surface_alt}; }}
#CallRow[fresh="yes"] {{ background: {HIGHLIGHT}; }}
#CallRow QWidget {{ color: {c.text}; }}
#CallRow[fresh="yes"] QWidget {{ color: {HIGHLIGHT_TEXT}; }}
"""


def _plain(value: object, limit: int = 200) -> str:
    """A configured text for the screen: no direction controls of its own, one line, bounded."""
    return " ".join(strip_bidi(value).split())[:limit] if isinstance(value, str) else ""


class BoardWindow(QWidget, HubEventHandlers):
    """The display board. Never creates the QApplication nor shows itself: the caller does."""

    call_displayed = Signal(object)  # BoardCall: put on the board (after the board's filter)
    call_painted = Signal(int)  # seq: the latest-call panel has just drawn this call
    call_announced = Signal(object)  # BoardCall: handed to the announcer

    def __init__(
        self,
        client: HubClient,
        *,
        board: str | None = None,
        language: str | Language = Language.AR,
        sink: AudioSink | None = None,
        announce: bool = True,
        announcer_settings: AnnouncerSettings | None = None,
        recent_seconds: float = DEFAULT_RECENT_SECONDS,
        highlight_ms: int = HIGHLIGHT_MS,
        highlight_until_next: bool | None = None,
        flashes: int | None = None,
        chime_volume: float | None = None,
        chime_repeats: int | None = None,
        now: Callable[[], datetime] = utc_now,
        colours: theme.Colours | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("BoardWindow")
        # What the caller fixed (a command-line flag) wins; the rest follows the board's
        # `[boards.NAME]` entry as the hub sends it (see _apply_board_settings).
        self._fixed = {
            name: value
            for name, value in (
                ("highlight_until_next", highlight_until_next), ("flash", flashes), ("theme", colours),
                ("chime_volume", chime_volume), ("chime_repeats", chime_repeats),
            )
            if value is not None
        }
        colours = colours if colours is not None else theme.COLOURS
        self.colours = colours
        self.client = client
        self.language = parse_language(language)
        self.secondary = Language.EN if self.language is Language.AR else Language.AR
        self.model = BoardModel(board, recent_seconds=recent_seconds, now=now)
        self.highlight_ms = highlight_ms
        flashes = 0 if flashes is None else flashes
        if isinstance(flashes, bool) or not isinstance(flashes, int) or not 0 <= flashes <= MAX_FLASHES:
            raise ValueError(f"flashes must be a whole number from 0 to {MAX_FLASHES}, not {flashes!r}")
        # For visitors who cannot hear the call: the newest number stays lit until the next one,
        # and a new call blinks its row `flashes` times first.
        self.highlight_until_next = bool(highlight_until_next)
        self.flashes = flashes
        self._flash_steps_left = 0
        self._fresh_until: dict[int, float] = {}  # seq → monotonic deadline of its highlight
        self._closed = False
        self.setWindowTitle(f"{tr_in(self.language, 'board.window_title')} · {tr_in(self.secondary, 'board.window_title')}")
        # The board keeps its own direction whatever language another window of the app switches to.
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if self.language.is_rtl else Qt.LayoutDirection.LeftToRight)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_stylesheet(colours))
        self.announcer: Announcer | None = None
        if announce:
            self.announcer = Announcer(announcer_settings, sink, parent=self)
            self.announcer.failed.connect(self._on_announcer_failed)
            if chime_volume is not None or chime_repeats is not None:
                settings = self.announcer.settings
                self.announcer.set_chime(
                    settings.chime_volume if chime_volume is None else chime_volume,
                    settings.chime_repeats if chime_repeats is None else chime_repeats,
                )
        self._build()
        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.timeout.connect(self._expire_highlights)
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._flash_step)
        # The banner says why the board cannot join (a refused code, not enrolled, the address).
        self.offline_banner.bind(client)
        self.connect_hub(client)
        if client.running and client.state.loaded:
            self.on_state_loaded(client.state.to_snapshot())
        if not client.running:
            client.start()

    # --- building -----------------------------------------------------------------------

    def _build(self) -> None:
        rtl = self.language.is_rtl
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.offline_banner = OfflineBanner(self)
        self.message_bar = MessageBar(self)
        root.addWidget(self.offline_banner)
        root.addWidget(self.message_bar)

        self.header = QFrame(self)
        self.header.setObjectName("BoardHeader")
        header_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.header)
        header_layout.setSpacing(24)
        titles = QWidget(self.header)
        titles_layout = QVBoxLayout(titles)
        titles_layout.setContentsMargins(0, 0, 0, 0)
        titles_layout.setSpacing(0)
        # Absolute: the English line lines up with the Arabic one on the layout's starting side.
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignAbsolute | (
            Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        )
        self.centre_primary = FitText(rtl=rtl, fill=0.85, alignment=align, colour="#FFFFFF")
        self.centre_secondary = FitText(rtl=not rtl, fill=0.85, bold=False, alignment=align, colour="#FFFFFF")
        self.board_title = FitText(rtl=rtl, fill=0.85, bold=False, alignment=align, colour="#FFFFFF")
        titles_layout.addWidget(self.centre_primary, 10)
        titles_layout.addWidget(self.centre_secondary, 7)
        titles_layout.addWidget(self.board_title, 6)
        self.clock = BoardClock(self.language, self.header)
        header_layout.addWidget(titles, 7)
        header_layout.addWidget(self.clock, 3)
        root.addWidget(self.header, 0)

        self.body = QWidget(self)
        self.body_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.body)
        self.body_layout.setSpacing(24)
        self.latest = LatestCallPanel(self.language, self.body)
        self.latest.painted.connect(self.call_painted)
        self.recent = RecentCallsList(self.language, LANDSCAPE_ROWS, self.body)
        self.body_layout.addWidget(self.latest, 11)
        self.body_layout.addWidget(self.recent, 9)
        root.addWidget(self.body, 1)

        self.ticker = Ticker(self)
        self.ticker.background = self.colours.primary_pressed
        self.ticker.hide()
        root.addWidget(self.ticker, 0)
        self._apply_centre()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 — Qt's name
        super().resizeEvent(event)
        self._fit_to_screen()

    def _fit_to_screen(self) -> None:
        """Shares of the screen for each part; portrait screens stack the calls."""
        width, height = max(1, self.width()), max(1, self.height())
        portrait = height > width
        unit = min(width, height) / 1080 if not portrait else min(width / 1080, height / 1920)
        margin = max(8, round(24 * unit))
        self.header.setFixedHeight(max(60, round((190 if not portrait else 220) * unit)))
        self.header.layout().setContentsMargins(margin, round(margin / 2), margin, round(margin / 2))
        self.ticker.setFixedHeight(max(28, round(72 * unit)))
        self.body_layout.setContentsMargins(margin, margin, margin, margin)
        self.body_layout.setSpacing(margin)
        if portrait:
            self.body_layout.setDirection(QBoxLayout.Direction.TopToBottom)
            self.body_layout.setStretch(0, 9)
            self.body_layout.setStretch(1, 11)
            self.recent.set_row_count(PORTRAIT_ROWS)
        else:
            self.body_layout.setDirection(QBoxLayout.Direction.LeftToRight)
            self.body_layout.setStretch(0, 11)
            self.body_layout.setStretch(1, 9)
            self.recent.set_row_count(LANDSCAPE_ROWS)
        self._render_calls()

    # --- the hub ------------------------------------------------------------------------

    def on_state_loaded(self, state: State) -> None:
        try:
            to_announce = self.model.apply_snapshot(state)
        except ValueError as error:
            log.warning("ignoring an unusable snapshot: %s", error)
            return
        self._apply_centre()
        self._apply_board_settings()
        if self.model.unknown_board:
            self._show_error("board.unknown_board", name=self.model.board)
        elif self.message_bar.isVisible():
            self.message_bar.dismiss()
        for call in to_announce:
            self._mark_fresh(call)
        self._render_calls()
        for call in to_announce:
            self.call_displayed.emit(call)
        self._announce(to_announce)

    def on_ticket_called(self, event: TicketCalled | TicketRecalled) -> None:
        call = self.model.apply_event(event)
        if call is None:
            return
        self._mark_fresh(call)
        self._render_calls()
        self._start_flash()
        self.call_displayed.emit(call)
        self._announce([call])

    on_ticket_recalled = on_ticket_called

    def on_day_rolled(self, event: DayRolled) -> None:
        self.model.apply_event(event)
        self._render_calls()

    def on_unhandled_event(self, event: EventBase) -> None:
        self.model.apply_event(event)  # shows nothing, but its seq is handled (a replay stays silent)

    def _announce(self, calls: list[BoardCall]) -> None:
        if self.announcer is None or self._closed:
            return
        for call, spoken in announcements(calls):
            self.announcer.announce(spoken)
            self.call_announced.emit(call)

    def _show_error(self, key: str, **fields: object) -> None:
        """A lasting message in both languages at once, the board's first language on top."""
        # Each line isolated: the English one keeps its own direction (and its full stop at the end).
        lines = [isolate(tr_in(self.language, key, **fields)), isolate(tr_in(self.secondary, key, **fields))]
        text = "\n".join(lines)
        self.message_bar.show_message(Text(text, text), kind="error", timeout_ms=0)

    def _on_announcer_failed(self, call: Call, reason: str) -> None:
        log.warning("announcement of %s incomplete: %s", call.ticket_number, reason)

    # --- drawing ------------------------------------------------------------------------

    def _apply_centre(self) -> None:
        centre = self.model.centre
        primary = self.language.value
        secondary = self.secondary.value
        names = {"ar": centre.name_ar, "en": centre.name_en} if centre is not None else {}
        self.centre_primary.set_text(_plain(names.get(primary)) or tr_in(self.language, "app.name"))
        self.centre_secondary.set_text(_plain(names.get(secondary)) or tr_in(self.secondary, "app.name"))
        board_filter = self.model.filter
        names = [getattr(board_filter, f"name_{primary}"), getattr(board_filter, f"name_{secondary}")]
        self.board_title.set_text(" · ".join(isolate(n) for n in names if n) if not self.model.unknown_board else "")
        if centre is None:
            self.ticker.set_messages([])
            return
        try:
            self.clock.set_time_zone(zone_from_name(centre.time_zone))
        except ValueError:
            log.warning("the centre's time zone %r is unknown; the board shows this machine's time", centre.time_zone)
        tickers = {"ar": centre.ticker_ar, "en": centre.ticker_en}
        ticker = [(tickers[primary], self.language.is_rtl), (tickers[secondary], self.secondary.is_rtl)]
        self.ticker.set_messages([(_plain(text, 2000), rtl) for text, rtl in ticker])

    def _apply_board_settings(self) -> None:
        """The board's entry of the centre file: its colours, flashes, highlight and chime
        (each unless the caller fixed it); a board with no entry keeps what it has."""
        config = self.model.config
        if config is None:
            return
        fixed = self._fixed
        if "highlight_until_next" not in fixed:
            self.highlight_until_next = bool(config.highlight_until_next)
        if "flash" not in fixed and isinstance(config.flash, int) and 0 <= config.flash <= MAX_FLASHES:
            self.flashes = config.flash
        if "theme" not in fixed and config.theme in theme.THEMES:
            self.set_colours(theme.colours_named(config.theme))
        if self.announcer is not None:
            settings = self.announcer.settings
            volume = fixed.get("chime_volume", config.chime_volume)
            repeats = fixed.get("chime_repeats", config.chime_repeats)
            try:
                self.announcer.set_chime(volume, repeats)
            except ValueError as error:  # SettingsError: an older or odd hub; keep the chime as it is
                log.warning("ignoring the board's chime settings: %s", error)
                self.announcer.set_chime(settings.chime_volume, settings.chime_repeats)

    def set_colours(self, colours: theme.Colours) -> None:
        """Redraws the board in `colours` (e.g. theme.HIGH_CONTRAST)."""
        if colours == self.colours:
            return
        self.colours = colours
        self.setStyleSheet(_stylesheet(colours))
        self.ticker.background = colours.primary_pressed
        self.ticker.update()

    def _mark_fresh(self, call: BoardCall) -> None:
        self._fresh_until[call.seq] = time.monotonic() + self.highlight_ms / 1000
        self._schedule_highlight_end()

    def _is_fresh(self, call: BoardCall) -> bool:
        if self.highlight_until_next and call is self.model.latest:
            return True
        return self._fresh_until.get(call.seq, 0.0) > time.monotonic()

    def _start_flash(self) -> None:
        if self.flashes and not self._closed:
            self._flash_steps_left = 2 * self.flashes
            self._flash_timer.start()

    def _flash_step(self) -> None:
        self._flash_steps_left -= 1
        if self._flash_steps_left <= 0:
            self._flash_timer.stop()
            self._render_calls()
            return
        self.latest.set_highlight(not self.latest.highlighted)

    @property
    def flashing(self) -> bool:
        return self._flash_timer.isActive()

    def _schedule_highlight_end(self) -> None:
        if not self._fresh_until:
            self._highlight_timer.stop()
            return
        remaining = min(self._fresh_until.values()) - time.monotonic()
        self._highlight_timer.start(max(0, int(remaining * 1000) + 1))

    def _expire_highlights(self) -> None:
        now = time.monotonic()
        for seq in [seq for seq, until in self._fresh_until.items() if until <= now]:
            del self._fresh_until[seq]
        self._schedule_highlight_end()
        self._render_calls()

    def _render_calls(self) -> None:
        latest = self.model.latest
        if latest is not self.latest.call:
            self.latest.set_call(latest)
        fresh = latest is not None and self._is_fresh(latest)
        if fresh != self.latest.highlighted and not self._flash_timer.isActive():
            self.latest.set_highlight(fresh)
        self.recent.set_calls(self.model.previous(len(self.recent.rows)), self._is_fresh)

    # --- reading (tests, benchmarks) ----------------------------------------------------

    def shown_numbers(self) -> list[str]:
        """Every ticket number on screen, newest first."""
        latest = [self.latest.call.number] if self.latest.call is not None else []
        return latest + self.recent.shown_numbers()

    def fresh_numbers(self) -> list[str]:
        return [call.number for call in self.model.calls if self._is_fresh(call)]

    # --- ending -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop speaking and drop the queue (idempotent); the client is the caller's to stop."""
        if self._closed:
            return
        self._closed = True
        self._highlight_timer.stop()
        self._flash_timer.stop()
        if self.announcer is not None:
            self.announcer.shutdown(wait=False)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt's name
        self.shutdown()
        super().closeEvent(event)

