"""The kiosk window: from a touch to a ticket issued by the hub, printed, and back home.

It is the only part of the kiosk that talks to the hub (through `HubClient`) and to the
printer (through `kiosk.printing` in a `TaskManager` worker). Screens only draw and signal.

Rules it keeps:
- a touch issues at most one ticket: cards are disabled from the touch until the hub answers;
- only a ticket the hub answered with (checked by `kiosk.model.issued_ticket`) is printed;
- a printer that fails never blocks: the visitor keeps the number on screen, the hub hears
  of it as a `device.status` event, a small badge tells the staff, and the printer is asked
  again every minute until it is fine (then the badge goes and the hub hears "ready");
- a hub out of reach shows the bilingual "temporarily unavailable" screen while the client
  reconnects by itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QInputDevice, QKeyEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

import kiosk.strings  # noqa: F401 — registers the kiosk's texts
from core.contract import PinCheck
from core.models import Role
from kiosk.model import (
    GROUPS_THRESHOLD,
    PRIORITY_KINDS,
    GroupView,
    IssuedTicket,
    ServiceView,
    group_services,
    issued_ticket,
    service_views,
)
from kiosk.checkin import CheckInFlow
from kiosk.printing import PrinterCheck, PrintResult, check_printer, needs_staff, print_issued
from kiosk.screens import (
    Header,
    HomeScreen,
    IssuedScreen,
    PinEntryScreen,
    PriorityScreen,
    UnavailableScreen,
)
from kiosk.settings import PRINTER_RECHECK_SECONDS
from kiosk.reach import Placement, register_strings as register_reach_strings
from kiosk.speech import DEFAULT_TOGGLE_KEYS, SpokenGuidance, VisitorSwitches
from kiosk.style import kiosk_stylesheet
from kiosk.voice import VoiceDesk, VoiceScreen
from kiosk.widgets import HotCorner
from qt_common import theme
from qt_common.widgets import TextButton, name_buttons, refresh_size_hints
from qt_common.app import show_full_screen
from qt_common.hub_client import HubClient, HubError
from qt_common.i18n import Language, Text, parse_language, text_of, tr_in
from qt_common.refusals import REVOKED_CODES, explain as explain_refusal
from qt_common.sound import AudioSink
from qt_common.speech.settings import SpeechSettings
from qt_common.tasks import TaskManager

log = logging.getLogger(__name__)

SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)
HUB_TROUBLE_RETRY_MS = 30_000  # back to the services this long after a hub that answered 5xx (e.g. 507)


class KioskWindow(QWidget):
    """The whole kiosk as one widget (a launcher may host it next to other windows)."""

    exit_requested = Signal()  # a supervisor's PIN was accepted
    screen_changed = Signal(str)
    ticket_issued = Signal(object)  # the hub's ticket (contract.Ticket)
    ticket_printed = Signal(object)  # PrintResult
    language_changed = Signal(str)
    look_changed = Signal(bool)  # True: this visitor's large text and high contrast

    def __init__(
        self,
        client: HubClient,
        *,
        printer: str | None,
        language: str | Language = Language.AR,
        kiosk_mode: bool = False,
        on_printed: Callable[[Any, Any], None] | None = None,
        width: int | None = None,
        group_threshold: int = GROUPS_THRESHOLD,
        return_after_ms: int = 6000,
        failed_return_after_ms: int = 20000,
        idle_reset_ms: int = 45000,
        offline_grace_ms: int = 1500,
        touch_guard_ms: int = 1200,
        printer_check_ms: int = PRINTER_RECHECK_SECONDS * 1000,
        speech_settings: SpeechSettings | None = None,
        speech_sink: AudioSink | None = None,
        speech_keys: tuple[str, ...] | str = DEFAULT_TOGGLE_KEYS,
        placement: Placement | None = None,
        parent: QWidget | None = None,
    ) -> None:
        #: the placement the command line gave; without one the centre file's `[kiosk]` is followed
        super().__init__(parent)
        self.setObjectName("KioskWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(kiosk_stylesheet())
        self.setWindowTitle("طابور · Tabour")
        self.client = client
        self.printer = printer
        self.width_dots = width
        self.default_language = parse_language(language)
        self.language = self.default_language
        self.kiosk_mode = kiosk_mode
        self.on_printed = on_printed
        self.group_threshold = group_threshold
        self.return_after_ms = return_after_ms
        self.failed_return_after_ms = failed_return_after_ms
        self.tasks = TaskManager(self)
        self._planning = False
        self._compact: bool | None = None

        self.header = Header(self)
        self.header.language_clicked.connect(self.toggle_language)
        self.larger_look = False
        self.stack = QStackedWidget(self)
        self.home = HomeScreen(self)
        self.priority = PriorityScreen(self)
        self.issued = IssuedScreen(self)
        self.unavailable = UnavailableScreen(self)
        self.pin = PinEntryScreen(
            "kiosk.supervisor.title", "kiosk.supervisor.prompt", "kiosk.supervisor.exit", masked=True, max_length=12, parent=self
        )
        self.enroll = PinEntryScreen(
            "kiosk.enroll.title", "kiosk.enroll.prompt", "kiosk.enroll.submit", masked=True, max_length=64,
            letters=True, parent=self
        )
        self.enroll.cancel_button.hide()
        self.voice = VoiceScreen(self)
        self.check_in = CheckInFlow(self)
        self.screens: dict[str, QWidget] = {
            "checkin": self.check_in.screen,
            "home": self.home,
            "priority": self.priority,
            "issued": self.issued,
            "unavailable": self.unavailable,
            "pin": self.pin,
            "enroll": self.enroll,
            "voice": self.voice,
        }
        for screen in self.screens.values():
            self.stack.addWidget(screen)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.stack, 1)
        # Spoken guidance (kiosk/speech.py): its switch beside the language switch, its large
        # controls under every screen while it is on.
        self.guidance = SpokenGuidance(self, settings=speech_settings, sink=speech_sink, toggle_keys=speech_keys)
        header_row = self.header.layout()
        index = header_row.indexOf(self.header.language_button)
        header_row.removeWidget(self.header.language_button)
        self.visitor_switches = VisitorSwitches(self.guidance.button, self.header.language_button, self.header)
        header_row.insertWidget(index, self.visitor_switches, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addWidget(self.guidance.bar)
        # Within reach (kiosk/reach.py): on a tall screen the low layout keeps the top for
        # information and every choice below the reach line; its switch sits at the bottom.
        register_reach_strings()
        self.placement: Placement | None = placement
        self._placement_fixed = placement is not None
        self.low_layout = False
        self.reach_gap = QLabel(self)
        self.reach_gap.setObjectName("ReachGap")
        self.reach_gap.setWordWrap(True)
        self.reach_gap.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reach_gap.hide()
        column.insertWidget(1, self.reach_gap)
        self.reach_bar = QFrame(self)
        self.reach_bar.setObjectName("ReachBar")
        reach_row = QHBoxLayout(self.reach_bar)
        reach_row.setContentsMargins(24, 6, 24, 10)
        reach_row.setSpacing(16)
        self.low_layout_button = TextButton(self.reach_bar)
        self.low_layout_button.setObjectName("LowLayoutButton")
        self.low_layout_button.setFont(theme.app_font(18, bold=True))
        self.low_layout_button.setMinimumHeight(72)
        self.low_layout_button.setCheckable(True)
        self.low_layout_button.clicked.connect(lambda: self.set_low_layout(not self.low_layout))
        reach_row.addWidget(self.low_layout_button, 0)
        reach_row.addStretch(1)
        self.reach_bar.hide()
        column.addWidget(self.reach_bar)

        self.home.service_chosen.connect(self.choose_service)
        self.home.group_chosen.connect(self.open_group)
        self.home.back_clicked.connect(self.go_home)
        self.home.priority_clicked.connect(lambda: self.show_screen("priority"))
        self.home.priority_cancelled.connect(lambda: self.set_priority(None))
        self.home.appointment_clicked.connect(self.check_in.open)
        self.home.look_clicked.connect(self.toggle_look)
        self.priority.kind_chosen.connect(self.set_priority)
        self.priority.back_clicked.connect(self.go_home)
        self.issued.touched.connect(self._issued_touched)
        self.pin.submitted.connect(self.check_supervisor_pin)
        self.pin.cancelled.connect(self.go_home)
        self.enroll.submitted.connect(self.submit_enrollment)
        self.screen_changed.connect(self.guidance.on_screen_changed)
        self.language_changed.connect(self.guidance.on_language_changed)
        self.ticket_issued.connect(lambda _ticket: self.guidance.read_ticket(self.current_ticket))
        self.guidance.active_changed.connect(lambda _active: self.note_activity())

        self.hot_corner = HotCorner(self)
        self.hot_corner.long_pressed.connect(self.open_supervisor)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.hot_corner)
            app.installEventFilter(self.check_in.listener)
            app.installEventFilter(self.guidance)

        self.screen_name = ""
        self.priority_kind: str | None = None
        self.open_group_key: str | None = None
        self.services: list[ServiceView] = []
        self.groups: list[GroupView] | None = None
        self.issuing = False
        self.current_ticket: IssuedTicket | None = None
        self.last_print: PrintResult | None = None
        self.reported_printer_state: str | None = None
        #: the printer's state while it needs staff ("paper_out", …), else None
        self.printer_trouble: str | None = None
        self._printer_checking = False
        self.issue_count = 0
        self.touch_started: float | None = None
        self._exit_allowed = False

        self._return_timer = self._single_shot(self._return_home_after_ticket)
        self._idle_timer = self._single_shot(self._idle_reset)
        self._idle_timer.setInterval(idle_reset_ms)
        self._offline_timer = self._single_shot(self._offline_for_real)
        self._offline_timer.setInterval(offline_grace_ms)
        # The hub answered but could not serve (507: its disk is full): the next visitor tries again.
        self._hub_trouble_timer = self._single_shot(self._retry_after_hub_trouble)
        self._hub_trouble_timer.setInterval(HUB_TROUBLE_RETRY_MS)
        self._touch_guard = self._single_shot(lambda: setattr(self.issued, "accept_touch", True))
        self._touch_guard.setInterval(touch_guard_ms)
        self._refresh_timer = self._single_shot(self._refresh_from_state)
        self._printer_check_timer = QTimer(self)
        self._printer_check_timer.setInterval(max(1, int(printer_check_ms)))
        self._printer_check_timer.timeout.connect(self.check_printer_now)
        self.voice_desk = VoiceDesk(self, self.voice)
        self.home.voice_clicked.connect(self.voice_desk.open)

        client.state_changed.connect(self._state_changed)
        client.online_changed.connect(self._online_changed)
        client.enrollment_required.connect(self._enrollment_required)
        client.enrolled.connect(self._enrolled)
        client.problem_changed.connect(self._problem_changed)
        self.unavailable.set_problem(client.problem)

        self.retranslate()
        self._refresh_from_state()
        if client.online:
            self.show_screen("home")
        else:
            self.show_screen("unavailable")
        if kiosk_mode:
            self._enter_kiosk_mode()

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 — Qt's name
        super().resizeEvent(event)
        if not self._planning:
            self._fit_to(self.width(), self.height())
            self._arrange_reach()

    # ---- within reach --------------------------------------------------------------------

    def set_placement(self, placement: Placement | None) -> None:
        """Where this kiosk's screen is (kiosk/reach.py); None: unknown, no low layout offered."""
        self.placement = placement
        if placement is None:
            self.set_low_layout(False)
        self._arrange_reach()

    def _follow_centre_placement(self, state: Any) -> None:
        """The centre file's `[kiosk]` placement, unless the command line gave this kiosk its own."""
        if self._placement_fixed:
            return
        given = getattr(state, "kiosk", None)
        placement = None
        if given is not None and None not in (given.screen_bottom_mm, given.screen_width_mm, given.screen_height_mm):
            try:
                placement = Placement(given.screen_bottom_mm, given.screen_width_mm, given.screen_height_mm)
            except ValueError as problem:  # an older or odd hub: the kiosk works on without the low layout
                log.warning("ignoring the centre's kiosk placement: %s", problem)
        if placement != self.placement:
            self.set_placement(placement)

    def needs_low_layout(self) -> bool:
        """Whether the usual layout puts controls above the reach (the screen's top is above it)."""
        return self.placement is not None and self.placement.reach_top_px(self.height()) > 0

    def set_low_layout(self, low: bool) -> None:
        """Every choice below the reach line, the switches with them; the top only informs."""
        low = bool(low) and self.needs_low_layout()
        if low == self.low_layout:
            self.low_layout_button.setChecked(low)
            return
        self.low_layout = low
        row = self.reach_bar.layout()
        if low:
            self.header.layout().removeWidget(self.visitor_switches)
            row.addWidget(self.visitor_switches, 0, Qt.AlignmentFlag.AlignVCenter)
        else:
            row.removeWidget(self.visitor_switches)
            header_row = self.header.layout()
            header_row.insertWidget(header_row.count(), self.visitor_switches, 0, Qt.AlignmentFlag.AlignVCenter)
        self.visitor_switches.show()
        self._arrange_reach()
        self._retranslate_reach()
        if low:
            self._idle_timer.start()

    def _arrange_reach(self) -> None:
        offer = self.needs_low_layout()
        self.reach_bar.setVisible(offer)
        if not offer and self.low_layout:
            self.set_low_layout(False)
            return
        if self.low_layout and self.placement is not None:
            # The header keeps its own height, so header and gap end exactly at the reach line.
            header_height = self.header.sizeHint().height()
            self.header.setFixedHeight(header_height)
            gap = self.placement.reach_top_px(self.height()) - header_height
            self.reach_gap.setFixedHeight(max(0, gap))
            self.reach_gap.setVisible(gap > 0)
        else:
            self.header.setMinimumHeight(0)
            self.header.setMaximumHeight(16_777_215)  # QWIDGETSIZE_MAX: as the layout wants
            self.reach_gap.hide()

    def _retranslate_reach(self) -> None:
        key = "kiosk.reach.usual" if self.low_layout else "kiosk.reach.low"
        self.low_layout_button.setText(tr_in(self.language, key))
        self.low_layout_button.setAccessibleName(tr_in(self.language, key))
        self.low_layout_button.setChecked(self.low_layout)
        self.reach_gap.setText(tr_in(self.language, "kiosk.reach.information"))

    def _fit_to(self, width: int, height: int) -> None:
        compact = width < 1000 or height < 700
        if compact == self._compact:
            return
        self._compact = compact
        self.header.set_compact(compact)
        # A small window is the all-in-one demo's share of one screen, not a kiosk's glass: its
        # header has no room for the speech switch (F1 still turns speech on there).
        self.guidance.button.setVisible(not compact)
        self._fit_home_to(height)
        for screen in (self.pin, self.enroll):
            screen.set_compact(compact)
        self._scale_text()
        # The screens out of sight keep their old minimum until told: the window could not shrink.
        refresh_size_hints(self)

    def _fit_home_to(self, height: int) -> None:
        """Smaller cards while the speech controls take the bottom of a screen under 900 px: the
        visitor listening moves by Next and Choose, and every card stays in sight."""
        home_compact = bool(self._compact) or (self.guidance.active and height < 900)
        if home_compact != getattr(self, "_home_compact", None):
            self._home_compact = home_compact
            self.home.set_compact(home_compact)

    def prepare_for_speech(self, _active: bool) -> None:
        """Called by the spoken guidance just before its controls show, and just after they hide."""
        self._fit_home_to(self.height())
        self._scale_text()
        refresh_size_hints(self)

    def minimum_size_at(self, width: int, height: int) -> QSize:
        """The smallest window that shows every screen whole once laid out for `width` × `height`.

        The home screen's need depends on how its cards are laid out at that size (and
        their words wrapped), which no minimum size hint says; a launcher tiling windows asks.
        """
        # While it plans, the window may grow to its new minimum: that resize must not undo the plan.
        self._planning = True
        try:
            self._fit_to(width, height)
            self.home.arrange_for(width, height - self.header.minimumSizeHint().height())
            refresh_size_hints(self)
            hint = self.minimumSizeHint()
            home = self.header.minimumSizeHint().height() + self.home.minimum_height_at(width)
        finally:
            self._planning = False
        return QSize(hint.width(), max(hint.height(), home))

    def _single_shot(self, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(slot)
        return timer

    # ---- presentation --------------------------------------------------------------------

    def present(self) -> None:
        """Full screen without a frame in kiosk mode; an ordinary window otherwise."""
        if self.kiosk_mode:
            show_full_screen(self)
        else:
            if not self.isVisible() and self.width() < 800:
                self.resize(1280, 800)
            self.show()

    def _enter_kiosk_mode(self) -> None:
        self.setWindowFlags(self.windowFlags() | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        if has_touch_screen():
            self.setCursor(Qt.CursorShape.BlankCursor)

    def show_screen(self, name: str) -> None:
        screen = self.screens[name]
        self.stack.setCurrentWidget(screen)
        if name != self.screen_name:
            self.screen_name = name
            self.unavailable.set_active(name == "unavailable")
            if name in ("priority", "pin", "checkin") or (
                name == "home" and (self.open_group_key or self.priority_kind or self.larger_look)
            ):
                self._idle_timer.start()
            elif name != "home" or (self.language is self.default_language and not self.larger_look):
                self._idle_timer.stop()
            self.screen_changed.emit(name)

    def retranslate(self) -> None:
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if self.language.is_rtl else Qt.LayoutDirection.LeftToRight)
        self.header.retranslate(self.language)
        for screen in self.screens.values():
            screen.retranslate(self.language)  # type: ignore[attr-defined]
        self.guidance.retranslate()
        self._retranslate_reach()
        name_buttons(self)
        self._scale_text()

    def set_language(self, language: str | Language) -> None:
        """The kiosk's own language; other windows in the same application keep theirs."""
        language = parse_language(language)
        if language is self.language:
            return
        self.language = language
        self.retranslate()
        if self.language is not self.default_language:
            self._idle_timer.start()  # the next visitor finds the kiosk in its usual language
        self.language_changed.emit(language.value)

    def toggle_language(self) -> None:
        self.set_language(Language.EN if self.language is Language.AR else Language.AR)
        if self.screen_name in ("home", "priority"):
            self._idle_timer.start()

    def set_larger_look(self, larger: bool) -> None:
        """Large text and high contrast for this visitor; the next one finds the usual display."""
        larger = bool(larger)
        self.home.set_look(larger)
        if larger == self.larger_look:
            return
        self.larger_look = larger
        colours = theme.HIGH_CONTRAST if larger else theme.COLOURS
        # The window's own sheet is preferred to the application's: the other windows of a
        # launcher (a counter, a board) keep their look.
        self.setStyleSheet((theme.stylesheet(colours) if larger else "") + kiosk_stylesheet(colours))
        self._scale_text()
        if larger or self.screen_name in ("home", "priority"):
            self._idle_timer.start()
        self.look_changed.emit(larger)

    def toggle_look(self) -> None:
        self.set_larger_look(not self.larger_look)

    def _scale_text(self) -> None:
        larger = getattr(self, "larger_look", False)
        # Larger words need the height: the header keeps one line of name and the time only.
        self.header.set_compact(bool(larger or self._compact))
        theme.scale_fonts(self, theme.LARGE_TEXT_SCALE if larger else 1.0)
        refresh_size_hints(self)

    # ---- the hub's state -----------------------------------------------------------------

    def _state_changed(self) -> None:
        # Events come in bursts; one redraw per burst.
        if not self._refresh_timer.isActive():
            self._refresh_timer.start(0)

    def _refresh_from_state(self) -> None:
        state = self.client.state
        self.header.set_centre(state.centre)
        self.header.retranslate(self.language)
        self._follow_centre_placement(state)
        self.services = service_views(state.services.values())
        self.groups = group_services(self.services, self.group_threshold)
        self.home.forget_missing({s.id for s in self.services}, {g.key for g in self.groups or ()})
        if self.open_group_key is not None and not any(g.key == self.open_group_key for g in self.groups or ()):
            self.open_group_key = None
        self._show_home_content()

    def _show_home_content(self) -> None:
        if self.groups is None:
            self.home.show_services(self.services)
        elif self.open_group_key is None:
            self.home.show_groups(self.groups)
        else:
            group = next(g for g in self.groups if g.key == self.open_group_key)
            self.home.show_services(list(group.services), group=group)
        name_buttons(self.home)
        self._scale_text()

    def service(self, service_id: int) -> ServiceView | None:
        return next((s for s in self.services if s.id == service_id), None)

    def _online_changed(self, online: bool) -> None:
        if online:
            self._offline_timer.stop()
            if self.screen_name in ("unavailable", "enroll"):
                self.go_home()
        elif not self._offline_timer.isActive():
            self._offline_timer.start()

    def _offline_for_real(self) -> None:
        if self.client.online:
            return
        # A visitor reading their number keeps it; the notice follows when they are done.
        if self.screen_name not in ("issued", "pin", "enroll", "voice"):  # a visitor writing keeps the form
            self.show_screen("unavailable")

    def _retry_after_hub_trouble(self) -> None:
        if self.screen_name == "unavailable" and self.client.online:
            self.go_home()

    def _enrollment_required(self) -> None:
        self.enroll.reset()
        self._show_problem_on_enroll()
        self.show_screen("enroll")

    def _problem_changed(self, problem: object) -> None:
        self.unavailable.set_problem(problem)
        if self.screen_name == "enroll":
            self._show_problem_on_enroll()

    def _show_problem_on_enroll(self) -> None:
        """A refused code or a revoked kiosk says so above the code entry (not for a first enrollment)."""
        problem = self.client.problem
        revoked = problem is not None and problem.code in REVOKED_CODES
        self.enroll.set_prompt("kiosk.enroll.prompt_revoked" if revoked else None)
        if problem is not None and problem.code != "not_enrolled" and not self.enroll.working:
            self.enroll.set_message(Text(problem.text(Language.AR), problem.text(Language.EN)))

    def _enrolled(self, _answer: object) -> None:
        if self.screen_name == "enroll":
            self.enroll.set_message(text_of("kiosk.enroll.done"), kind="info")
            self.show_screen("unavailable")  # connecting until the live state arrives

    def submit_enrollment(self, code: str) -> None:
        code = code.strip()
        if not code:
            self.enroll.set_message(text_of("kiosk.supervisor.empty"))
            return
        name = self.client.device_name or default_device_name()
        try:
            self.enroll.set_working(True)
            self.enroll.set_message(text_of("kiosk.enroll.working"), kind="info")
            self.client.enroll(name, "kiosk", code, self._alive(self._on_enrolled))
        except ValueError as problem:
            self.enroll.set_working(False)
            self.enroll.set_message(Text(str(problem), str(problem)))

    def _on_enrolled(self, _answer: Any, error: HubError | None) -> None:
        self.enroll.set_working(False)
        if error is not None:
            self.enroll.set_message(Text(error.message_ar, error.message_en))
            self.enroll.field.clear()
            return
        if not self.client.running:
            self.client.start()

    # ---- navigation ----------------------------------------------------------------------

    def go_home(self) -> None:
        self.open_group_key = None
        self.home.clear_notice()
        self._show_home_content()
        self.show_screen("home" if self.client.online else "unavailable")

    def open_group(self, key: str) -> None:
        if self.issuing or self.groups is None or not any(g.key == key for g in self.groups):
            return
        self.open_group_key = key
        self._show_home_content()
        self._idle_timer.start()

    def set_priority(self, kind: str | None) -> None:
        if kind is not None and kind not in PRIORITY_KINDS:
            raise ValueError(f"priority must be one of {PRIORITY_KINDS}, not {kind!r}")
        self.priority_kind = kind
        self.home.set_priority(kind)
        self.open_group_key = None
        self._show_home_content()
        self.show_screen("home" if self.client.online else "unavailable")
        if kind is not None:
            self._idle_timer.start()

    def _idle_reset(self) -> None:
        """Nobody touched for a while: the next visitor gets the usual home screen."""
        if self.screen_name in ("issued", "unavailable", "enroll") or self.issuing or self.check_in.busy:
            return
        self.guidance.reset()
        self.set_low_layout(False)
        self.set_priority(None)
        self.set_language(self.default_language)
        self.set_larger_look(False)
        self.go_home()

    def note_activity(self) -> None:
        """The visitor is still here (listening to the spoken guidance): the idle reset waits."""
        if self.screen_name not in ("issued", "unavailable", "enroll") and self.guidance.active:
            self._idle_timer.start()

    def hold_issued_screen(self) -> None:
        """The spoken ticket has just ended: the number stays in sight for the usual time after it."""
        if self.screen_name == "issued" and self._return_timer.isActive():
            self._return_timer.start(max(self._return_timer.remainingTime(), self.return_after_ms))

    # ---- issuing -------------------------------------------------------------------------

    def choose_service(self, service_id: int) -> None:
        """A touch on a service card: issue once, show the number, print."""
        if self.issuing or self.screen_name != "home":
            return
        service = self.service(service_id)
        if service is None or not service.open:
            return
        if not self.client.online:
            self.show_screen("unavailable")
            return
        self.issuing = True
        self.touch_started = time.perf_counter()
        self.home.set_busy(True)
        self._idle_timer.stop()
        priority = self.priority_kind or "normal"
        self.client.issue_ticket(
            service_id, priority, self._alive(lambda answer, error: self._on_issued(service_id, priority, answer, error))
        )

    def _on_issued(self, service_id: int, priority: str, answer: Any, error: HubError | None) -> None:
        self.issuing = False
        self.home.set_busy(False)
        if error is not None:
            log.info("ticket not issued: %s", error)
            if error.unreachable or error.status >= 500 or error.status == 0:
                self.show_screen("unavailable")
                if self.client.online:  # reachable but failing, e.g. 507 disk_full: no online change will come
                    self._hub_trouble_timer.start()
                return
            if error.status == 403 and error.code == "forbidden":
                # This PC's token is not a kiosk's: say so, and what to do, for the staff.
                refusal = explain_refusal(error, self.client.hub_url, "kiosk")
                log.warning("ticket refused: %s", refusal.log_line())
                self.home.show_notice(Text(refusal.text(Language.AR), refusal.text(Language.EN)))
                return
            self.home.show_notice(Text(error.message_ar, error.message_en))
            self.client.request_refresh()  # a closed service or a cap reached shows at once
            return
        try:
            ticket = issued_ticket(answer, service_id, priority)
        except ValueError as problem:
            log.error("the hub's ticket answer is unusable, nothing printed: %s", problem)
            self.home.show_notice(text_of("kiosk.error.bad_ticket"))
            return
        self.issue_count += 1
        self.current_ticket = ticket
        service = self.service(service_id)
        will_print = self.printer is not None
        self.issued.show_ticket(ticket, service, printing=will_print)
        self.issued.accept_touch = False
        self._touch_guard.start()
        self.priority_kind = None
        self.home.set_priority(None)
        self.show_screen("issued")
        self.ticket_issued.emit(ticket.ticket)
        if will_print or self.on_printed is not None:
            self._start_printing(ticket)
        if not will_print:
            self._return_timer.start(self.failed_return_after_ms)

    def _start_printing(self, ticket: IssuedTicket) -> None:
        state = self.client.state
        # The printer takes the contract's models as the state holds them (printer/ticket.py).
        job = dict(
            service=state.service(ticket.service_id),
            centre=state.centre,
            hub_url=self.client.hub_url,
            language=self.language.value,
            width=self.width_dots,
            want_image=self.on_printed is not None,
            logo_url=state.centre.logo_url if state.centre is not None else None,
            token=self.client.device_token,
        )
        printer, printed = self.printer, ticket.ticket
        self.tasks.run(
            lambda: print_issued(printer, printed, **job),
            on_done=lambda result, number=ticket.number: self._on_printed(number, result),
            on_error=lambda error, number=ticket.number: self._on_printed(
                number, PrintResult(False, "error", text_of("kiosk.print_failed"))
            ),
        )

    def _on_printed(self, number: str, result: PrintResult) -> None:
        self.last_print = result
        if self.on_printed is not None:
            try:
                self.on_printed(result.image, result.outcome)
            except Exception:  # noqa: BLE001 — a preview must not stop the kiosk
                log.exception("the on_printed callback failed")
        self.ticket_printed.emit(result)
        if self.printer is not None:
            self._report_printer(number, result)
            self._note_printer_state(result.state, result.message)
        current = self.current_ticket
        if self.screen_name != "issued" or current is None or current.number != number:
            return
        if self.printer is None:
            return
        if result.printed:
            self.issued.set_phase("printed")
            self._return_timer.start(self.return_after_ms)
        else:
            self.issued.set_phase("failed", result.message)
            self._return_timer.start(self.failed_return_after_ms)

    def _report_printer(self, number: str, result: PrintResult) -> None:
        """Every failed ticket is reported; a good print only when the state changed (back to ready, paper low)."""
        if result.printed and result.state == (self.reported_printer_state or "ready"):
            return
        status: dict[str, Any] = {"printer": result.state, "printed": result.printed, "ticket": number}
        if result.message is not None:
            status["message_en"], status["message_ar"] = result.message.en, result.message.ar
        self.reported_printer_state = result.state
        self.client.report_device_status(status, self._log_report_failure)

    # ---- the printer between tickets -----------------------------------------------------

    def _note_printer_state(self, state: str, message: Text | None) -> None:
        """Show the staff badge and keep asking the printer while it needs someone; clear both once it is fine."""
        if not needs_staff(state):
            if self.printer_trouble is not None:
                log.info("the printer is fine again (%s)", state)
            self.printer_trouble = None
            self._printer_check_timer.stop()
            self.header.set_staff_notice(None)
            return
        if state != self.printer_trouble:
            log.warning("the printer needs staff: %s", state)
        self.printer_trouble = state
        self.header.set_staff_notice(message or text_of("kiosk.staff.printer_fault"))
        if not self._printer_check_timer.isActive():
            self._printer_check_timer.start()

    def check_printer_now(self) -> None:
        """Ask the printer for its status in the worker (after any ticket still printing)."""
        if self.printer is None or self._printer_checking:
            return
        self._printer_checking = True
        printer = self.printer
        self.tasks.run(
            lambda: check_printer(printer),
            on_done=self._on_printer_checked,
            on_error=lambda error: self._on_printer_checked(PrinterCheck("error", text_of("kiosk.staff.printer_fault"), str(error))),
        )

    def _on_printer_checked(self, check: PrinterCheck) -> None:
        self._printer_checking = False
        if self.printer is None:
            return
        if check.state != (self.reported_printer_state or "ready"):
            status: dict[str, Any] = {"printer": check.state, "checked": True}
            if check.message is not None:
                status["message_en"], status["message_ar"] = check.message.en, check.message.ar
            self.reported_printer_state = check.state
            self.client.report_device_status(status, self._log_report_failure)
        self._note_printer_state(check.state, check.message)

    @staticmethod
    def _log_report_failure(_answer: Any, error: HubError | None) -> None:
        if error is not None:
            log.warning("could not report the printer's status to the hub: %s", error)

    def _issued_touched(self) -> None:
        if self.issued.phase != "printing":
            self._return_home_after_ticket()

    def _return_home_after_ticket(self) -> None:
        self._return_timer.stop()
        if self.screen_name != "issued":
            return
        self.guidance.reset()
        self.set_low_layout(False)
        if self.language is not self.default_language:
            self.set_language(self.default_language)
        self.set_larger_look(False)
        self.go_home()

    # ---- supervisor exit -----------------------------------------------------------------

    def open_supervisor(self) -> None:
        if self.issuing or self.screen_name == "issued":
            return
        self.pin.reset()
        self.show_screen("pin")

    def check_supervisor_pin(self, pin: str) -> None:
        """The hub checks the PIN (a supervisor's or an admin's); the kiosk never stores one."""
        if not pin:
            self.pin.set_message(text_of("kiosk.supervisor.empty"))
            return
        if len(pin) > 12 or not pin.isdigit():
            self.pin.set_message(text_of("kiosk.supervisor.wrong_pin"))
            self.pin.field.clear()
            return
        self.pin.set_working(True)
        self.pin.set_message(text_of("kiosk.supervisor.checking"), kind="info")
        self.client.check_supervisor_pin(pin, self._alive(self._on_pin_checked))

    def _on_pin_checked(self, answer: PinCheck | None, error: HubError | None) -> None:
        self.pin.set_working(False)
        self.pin.field.clear()
        if error is not None:
            if error.status in (404, 405) and error.code in ("not_found", "method_not_allowed"):
                self.pin.set_message(text_of("kiosk.supervisor.not_supported"))
            elif error.code in ("wrong_pin", "forbidden", "not_supervisor"):
                self.pin.set_message(Text(error.message_ar, error.message_en))
            else:
                self.pin.set_message(Text(error.message_ar, error.message_en))
            return
        clerk = answer.clerk if answer is not None else None
        if clerk is None or clerk.role not in SUPERVISOR_ROLES:
            self.pin.set_message(text_of("kiosk.supervisor.wrong_pin"))
            return
        self.client.report_device_status({"kiosk": "supervisor_exit", "by": clerk.username[:40]}, self._log_report_failure)
        self.allow_exit()

    def allow_exit(self) -> None:
        """Leave kiosk mode: the window may close, the launcher decides what follows."""
        self._exit_allowed = True
        self.exit_requested.emit()

    # ---- keep the kiosk a kiosk ----------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt's name
        if self.kiosk_mode and not self._exit_allowed:
            event.ignore()
            return
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 — Qt's name
        if self.kiosk_mode and event.key() == Qt.Key.Key_Escape:
            event.ignore()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        """Stop timers and wait for a print in progress (the launcher calls it before quitting)."""
        for timer in (
            self._return_timer, self._idle_timer, self._offline_timer, self._touch_guard, self._refresh_timer,
            self._printer_check_timer,
        ):
            timer.stop()
        self.voice_desk.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.hot_corner)
            app.removeEventFilter(self.check_in.listener)
            app.removeEventFilter(self.guidance)
        self.guidance.shutdown()
        self.tasks.wait_for_done(5000)

    def _alive(self, callback: Callable[..., None]) -> Callable[..., None]:
        """A hub callback that does nothing once this window is gone."""

        def guarded(*args: Any) -> None:
            if shiboken6.isValid(self):
                callback(*args)

        return guarded


def has_touch_screen() -> bool:
    if QGuiApplication.instance() is None:
        return False
    return any(device.type() == QInputDevice.DeviceType.TouchScreen for device in QInputDevice.devices())


def default_device_name() -> str:
    import socket

    host = "".join(ch for ch in socket.gethostname() if ch.isalnum() or ch in "-_")[:60] or "device"
    return f"kiosk-{host}"
