"""The counter window: login, then serving (and the hall for supervisors), with a compact mode.

`build_counter_window(client, ...)` builds it on a running QApplication and a HubClient the
caller owns, so an all-in-one launcher can host it next to the kiosk and the board. It
starts the client if nobody has; it never creates the application or runs its loop.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QMargins, QRect, Qt, QTimer
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from qt_common import theme
from qt_common.hub_client import HubClient, HubError
from qt_common.i18n import both, language_notifier, parse_language, set_language, tr
from qt_common.widgets import LanguageToggle, MessageBar, OfflineBanner, StatusBadge, TextButton, refresh_size_hints

from counter_ui.devices import AlertSound, DeviceAlertBar
from counter_ui.hall import HallView
from counter_ui.model import CounterModel
from counter_ui.strings import SHORTCUTS
from counter_ui.views import (
    ActionPanel,
    CompactBar,
    FiguresPanel,
    LoginPage,
    PauseDialog,
    PausedCard,
    QueuePanel,
    ScorecardDialog,
    TicketCard,
    TransferDialog,
    counter_label,
    fit_to_text,
    shortcut_sequence,
)

log = logging.getLogger(__name__)

TICK_MS = 1000
QUEUE_REFRESH_MS = 15_000
COMPACT_SIZE = (760, 96)
FULL_SIZE = (1280, 800)
#: Below this width the queue and figures leave the counter's page for a tab of their own.
NARROW_WIDTH_PX = 1000
#: Below this height the ticket and the call button take less room (a 1366×768 laptop).
DENSE_HEIGHT_PX = 800
HALL_TAB, QUEUE_TAB = 1, 2


class CounterWindow(QWidget):
    """The clerk's whole screen; `model` holds the state, the views only show it."""

    def __init__(
        self,
        client: HubClient,
        *,
        counter: int | None = None,
        auto_login: tuple[str, str] | None = None,
        alert_sink: Any = None,
        look_fixed: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        #: the command line fixed the colours and text size (--theme, --large-text): the centre
        #: file's entry for the counter is not followed
        self.look_fixed = look_fixed
        #: (theme name, large text) this window draws itself in, from its counter's entry
        self.look: tuple[str, bool] = ("standard", False)
        self.model = CounterModel(client, counter_number=counter, parent=self)
        self._auto_login = auto_login
        self._compact = False
        self._full_geometry: QRect | None = None
        self.transfer_dialog: TransferDialog | None = None
        self.pause_dialog: PauseDialog | None = None

        # header
        self.title = QLabel()
        self.title.setFont(theme.app_font(18, bold=True))
        self.clerk = QLabel()
        theme.set_role(self.clerk, theme.Role.MUTED)
        self.status_badge = StatusBadge()
        self.compact_button = TextButton()
        self.compact_button.clicked.connect(lambda: self.set_compact(True))
        self.language_toggle = LanguageToggle()
        self.logout_button = TextButton()
        self.logout_button.clicked.connect(self.model.logout)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        header.setSpacing(12)
        # The clerk's name under the counter's name, or beside it on a short window.
        self.titles = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.titles.setSpacing(0)
        self.titles.addWidget(self.title)
        self.titles.addWidget(self.clerk)
        header.addLayout(self.titles)
        header.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addStretch(1)
        header.addWidget(self.compact_button)
        header.addWidget(self.language_toggle)
        header.addWidget(self.logout_button)
        self.header = QWidget()
        self.header.setLayout(header)

        self.offline_banner = OfflineBanner(grace_ms=1500)
        self.offline_banner.bind(client)
        self.message_bar = MessageBar()

        # pages
        self.login_page = LoginPage(self.model)
        self.ticket_card = TicketCard(self.model)
        self.paused_card = PausedCard(self.model)
        self.actions = ActionPanel(self.model)
        self.queue_panel = QueuePanel(self.model)
        self.figures_panel = FiguresPanel(self.model)
        self.figures_panel.scorecard_requested.connect(self.open_scorecard)
        self.scorecard_dialog: ScorecardDialog | None = None
        self.hall = HallView(self.model)
        self.compact_bar = CompactBar(self.model)
        # A supervisor hears and sees when a kiosk's printer or a board needs someone, on every tab.
        self.device_alerts = DeviceAlertBar(self.hall.device_watch)
        self.device_alerts.show_devices.connect(self.show_devices)
        self.alert_sound = AlertSound(alert_sink, parent=self)
        self.hall.device_watch.alerts_raised.connect(lambda _problems: self.alert_sound.play())

        self.ticket_stack = QStackedWidget()
        self.ticket_stack.addWidget(self.ticket_card)
        self.ticket_stack.addWidget(self.paused_card)
        work_start = QVBoxLayout()
        work_start.addWidget(self.ticket_stack, 1)
        work_start.addWidget(self.actions)
        # The queue and the clerk's figures stand beside the ticket on a wide window; on a
        # narrow one (a demo's column, a small laptop) they move to a tab of their own.
        self.work_end = QVBoxLayout()
        self.work_end.addWidget(self.queue_panel, 1)
        self.work_end.addWidget(self.figures_panel)
        serving = QWidget()
        serving_layout = QHBoxLayout(serving)
        serving_layout.setContentsMargins(0, 0, 0, 0)
        serving_layout.addLayout(work_start, 3)
        serving_layout.addLayout(self.work_end, 2)
        self.serving_layout = serving_layout
        self.serving_page = serving
        self.queue_page = QWidget()
        self.queue_page_layout = QVBoxLayout(self.queue_page)
        self.queue_page_layout.setContentsMargins(0, 0, 0, 0)
        self._narrow = False
        self._dense = False
        self.tabs = QTabWidget()
        self.tabs.addTab(serving, "")
        self.tabs.addTab(self.hall, "")
        self.tabs.addTab(self.queue_page, "")
        self.tabs.setTabVisible(QUEUE_TAB, False)
        self.tabs.tabBar().setMinimumHeight(theme.TOUCH_TARGET_PX - 8)
        self.queue_panel.counted.connect(self._show_queue_count)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.login_page)
        self.pages.addWidget(self.tabs)
        # Outside the stack: a stack is as tall as its tallest page, and the strip must be small.
        self.compact_bar.hide()

        for stack in (self.pages, self.tabs):
            size_by_current_page(stack)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.header)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.device_alerts)
        # A window smaller than the page (a launcher's column, a small laptop) scrolls instead of overflowing.
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidget(_PageHolder(self.pages))
        layout.addWidget(self.page_scroll, 1)
        layout.addWidget(self.compact_bar)

        # keyboard: every step has a key, shown on its button
        self.shortcuts: dict[str, QShortcut] = {}
        handlers = {
            "call_next": self.model.call_next,
            "recall": self.model.recall,
            "start": self.model.start,
            "finish": self.model.finish,
            "no_show": self.model.no_show,
            "transfer": self.open_transfer,
            "pause": self.open_pause,
        }
        for action in SHORTCUTS:
            shortcut = QShortcut(shortcut_sequence(action), self)
            shortcut.activated.connect(lambda a=action, h=handlers[action]: self._shortcut(a, h))
            self.shortcuts[action] = shortcut

        self.actions.transfer_requested.connect(self.open_transfer)
        self.actions.pause_requested.connect(self.open_pause)
        self.compact_bar.expand_requested.connect(lambda: self.set_compact(False))
        self.compact_bar.texts_changed.connect(self._fit_compact)
        self.model.message.connect(self._show_message)
        self.model.session_changed.connect(self._on_session)
        self.model.counter_changed.connect(self.refresh)
        self.model.ticket_changed.connect(self.refresh)
        self.login_page.enroll_requested.connect(self._enroll)
        client.enrollment_required.connect(lambda: self.login_page.show_enrollment(True))
        client.state_loaded.connect(self._maybe_auto_login)
        client.state_loaded.connect(self.follow_counter_look)

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.ticket_card.tick)
        self._tick.timeout.connect(self.paused_card.refresh)
        self._tick.start()
        self._queue_timer = QTimer(self)
        self._queue_timer.setInterval(QUEUE_REFRESH_MS)
        self._queue_timer.timeout.connect(self.queue_panel.refresh)  # waits grow: targets are passed
        self._queue_timer.start()

        language_notifier().language_changed.connect(self.retranslate)
        self.resize(*FULL_SIZE)
        self.retranslate()
        self._on_session(self.model.session)
        if client.running and client.state.seq:
            self._maybe_auto_login()

    # ---- texts and state -----------------------------------------------------------------

    def retranslate(self, *_: object) -> None:
        self.compact_button.setText(tr("counter_ui.compact"))
        self.logout_button.setText(tr("counter_ui.logout"))
        self.tabs.setTabText(0, tr("counter_ui.tab.counter"))
        self.tabs.setTabText(HALL_TAB, tr("counter_ui.tab.hall"))
        self._show_queue_count(len(self.model.queue()))
        self.refresh()

    def show_devices(self) -> None:
        """The Hall tab, scrolled to its devices (the alert bar's button)."""
        if self.model.is_supervisor:
            if self._compact:
                self.set_compact(False)
            self.tabs.setCurrentIndex(HALL_TAB)
            self.hall.show_devices()

    def _show_queue_count(self, count: int) -> None:
        self.tabs.setTabText(QUEUE_TAB, tr("counter_ui.tab.queue", n=count))

    # ---- fitting the window it has --------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 — Qt's name
        super().resizeEvent(event)
        if not self._compact:
            self.fit_layout_to(self.width(), self.height())

    def fit_layout_to(self, width: int, height: int) -> None:
        """Lay the page out for a window of `width` × `height`: beside or in a tab, roomy or dense."""
        narrow = width < NARROW_WIDTH_PX
        self._set_narrow(narrow)
        dense = height < DENSE_HEIGHT_PX
        if dense != self._dense:
            self._dense = dense
            for part in (self.ticket_card, self.actions, self.paused_card, self.login_page, self.offline_banner):
                part.set_dense(dense)
            self.title.setFont(theme.app_font(16 if dense else 18, bold=True))
            self.tabs.tabBar().setMinimumHeight(theme.TOUCH_TARGET_PX - (16 if dense else 8))
        # Side by side only where the header has the width for it.
        beside = dense and not narrow
        self.titles.setDirection(QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom)
        self.titles.setSpacing(16 if beside else 0)

    @property
    def narrow(self) -> bool:
        return self._narrow

    def _set_narrow(self, narrow: bool) -> None:
        if narrow == self._narrow:
            return
        self._narrow = narrow
        target = self.queue_page_layout if narrow else self.work_end
        for panel, stretch in ((self.queue_panel, 1), (self.figures_panel, 0)):
            self.work_end.removeWidget(panel)
            self.queue_page_layout.removeWidget(panel)
            target.addWidget(panel, stretch)
        self.serving_layout.setStretchFactor(self.work_end, 0 if narrow else 2)
        self.hall.set_narrow(narrow)
        if not narrow and self.tabs.currentIndex() == QUEUE_TAB:
            self.tabs.setCurrentIndex(0)
        self._update_tabs()

    def _update_tabs(self) -> None:
        supervisor = self.model.logged_in and self.model.is_supervisor
        self.tabs.setTabVisible(HALL_TAB, supervisor)
        self.tabs.setTabVisible(QUEUE_TAB, self._narrow)
        self.tabs.tabBar().setVisible(supervisor or self._narrow)

    def minimum_size_at(self, width: int, height: int):
        """The smallest full window, once laid out for `width` × `height` (narrow, dense or not)."""
        self.fit_layout_to(width, height)
        refresh_size_hints(self)
        return self.content_minimum_size()

    def compact_minimum_size(self):
        """The smallest window the compact strip fits in."""
        from PySide6.QtCore import QSize

        hint = self.compact_bar.minimumSizeHint()
        return QSize(max(hint.width() + 8, COMPACT_SIZE[0]), max(hint.height() + 8, COMPACT_SIZE[1]))

    def content_minimum_size(self):
        """The smallest window that shows the current page whole, without scrolling.

        The page sits in a scroll area (the last resort on a screen too small for it), so the
        window's own minimum does not say this; a launcher tiling windows needs it.
        """
        from PySide6.QtCore import QSize

        margins = QMargins(12, 8, 12, 8)  # the full view's (compact mode has its own)
        page = self.pages.minimumSizeHint()
        header = self.header.minimumSizeHint()
        spacing = self.layout().spacing()
        width = max(page.width(), header.width()) + margins.left() + margins.right()
        height = header.height() + spacing + page.height() + margins.top() + margins.bottom()
        for extra in (self.offline_banner, self.message_bar, self.device_alerts):
            if extra.isVisible():
                height += extra.sizeHint().height() + spacing
        return QSize(width, height)

    def follow_counter_look(self, *_: object) -> None:
        """The colours and text size the centre file sets for this counter (`theme`, `large_text`),
        unless the command line fixed them; the window's own sheet, so a launcher's other windows keep theirs."""
        if self.look_fixed:
            return
        counter = self.model.counter
        if counter is None and self.model.counter_number is not None:
            counter = self.client.state.counter_by_number(self.model.counter_number)
        if counter is None:
            return
        name = getattr(counter, "theme", "standard")
        look = (name if name in theme.THEMES else "standard", bool(getattr(counter, "large_text", False)))
        if look == self.look:
            return
        self.look = look
        colours = theme.colours_named(look[0])
        self.setStyleSheet("" if colours == theme.applied_colours() else theme.stylesheet(colours))
        theme.scale_fonts(self, theme.LARGE_TEXT_SCALE if look[1] else 1.0)
        refresh_size_hints(self)

    def refresh(self, *_: object) -> None:
        self.follow_counter_look()
        counter = self.model.counter
        logged_in = self.model.logged_in
        name = counter_label(counter) if counter else tr("counter_ui.title")
        self.title.setText(name)
        self.setWindowTitle(f"{tr('app.name')} · {name}")
        self.clerk.setText(tr("counter_ui.clerk", name=self.model.username) if logged_in else "")
        self.clerk.setVisible(logged_in)
        self.status_badge.setVisible(logged_in and counter is not None)
        if logged_in and counter is not None:
            self.status_badge.set_counter_status(self.model.status, self.model.pause_reason)
            fit_to_text(self.status_badge)
        self.compact_button.setVisible(logged_in)
        self.logout_button.setVisible(logged_in)
        paused = self.model.status == "paused" and self.model.ticket is None
        self.ticket_stack.setCurrentWidget(self.paused_card if paused else self.ticket_card)

    def _show_message(self, text: Any, kind: str) -> None:
        self.message_bar.show_message(text, kind=kind, timeout_ms=10_000 if kind == "error" else 5000)

    def _on_session(self, session: Any) -> None:
        if session is None:
            if self._compact:
                self.set_compact(False)
            self.pages.setCurrentWidget(self.login_page)
            self.hall.stop()
            self.login_page.fill_counters()
            self.login_page.username.setFocus()
        else:
            self.pages.setCurrentWidget(self.tabs)
            self._update_tabs()
            self.tabs.setCurrentIndex(0)
            if self.model.is_supervisor:
                self.hall.start()
        self.refresh()

    def _maybe_auto_login(self, *_: object) -> None:
        if self._auto_login is None or self.model.logged_in:
            return
        counter_id = self.model.resolve_counter() if self.model.counter_number is not None else self.login_page.counter_combo.currentData()
        if counter_id is None:
            return
        username, pin = self._auto_login
        self._auto_login = None
        self.model.login(username, pin, counter_id)

    def _enroll(self, code: str) -> None:
        if not code:
            return

        def done(_answer: Any, error: HubError | None) -> None:
            if error is not None:
                self.model.refuse(error)
            else:
                self.login_page.show_enrollment(False)
                self._show_message(both("counter_ui.enroll.done"), "info")

        name = self.client.device_name or "counter"
        self.client.enroll(name, "counter", code, done)

    def _shortcut(self, action: str, handler: Any) -> None:
        if not self.model.logged_in:
            return
        button = {
            "call_next": self.actions.call_next,
            "recall": self.actions.recall,
            "start": self.actions.start,
            "finish": self.actions.finish,
            "no_show": self.actions.no_show,
            "transfer": self.actions.transfer,
            "pause": self.actions.pause,
        }[action]
        # A key does what its button would, only when the button is offered.
        if button.isEnabled():
            handler()

    # ---- dialogs -------------------------------------------------------------------------

    def open_transfer(self) -> None:
        if self.model.ticket_status != "serving":
            return
        dialog = TransferDialog(self.model, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.model.transfer(dialog.chosen_service_id) if dialog.chosen_service_id else None)
        dialog.finished.connect(lambda _result: setattr(self, "transfer_dialog", None))
        self.transfer_dialog = dialog
        dialog.open()

    def open_scorecard(self) -> None:
        """The clerk's own month (nobody else's: the hub answers for the logged-in clerk only)."""
        if not self.model.logged_in:
            return
        dialog = ScorecardDialog(self.model, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "scorecard_dialog", None))
        self.scorecard_dialog = dialog
        dialog.open()

    def open_pause(self) -> None:
        if not self.actions.pause.isEnabled():
            return
        dialog = PauseDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.model.pause(dialog.reason) if dialog.reason else None)
        dialog.finished.connect(lambda _result: setattr(self, "pause_dialog", None))
        self.pause_dialog = dialog
        dialog.open()

    # ---- compact mode --------------------------------------------------------------------

    def _fit_compact(self) -> None:
        """Grow the strip when its words grow (Finish after Start, Arabic after English); never clip them."""
        if not self._compact or not self.isWindow():
            return
        hint = self.minimumSizeHint()
        if self.width() < hint.width() or self.height() < hint.height():
            self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    @property
    def compact(self) -> bool:
        return self._compact

    def set_compact(self, compact: bool) -> None:
        """A small always-on-top strip (for a clerk working in another program) or the full screen."""
        if compact == self._compact or (compact and not self.model.logged_in):
            return
        self._compact = compact
        self.header.setVisible(not compact)
        self.page_scroll.setVisible(not compact)
        self.compact_bar.setVisible(compact)
        self.device_alerts.set_suppressed(compact)
        if self.isWindow():
            was_visible = self.isVisible()
            if compact:
                # A maximized window keeps its size whatever it is resized to: the strip needs a normal one.
                self._was_maximized = self.isMaximized()
                if self._was_maximized:
                    self.showNormal()
                self._full_geometry = self.geometry()
            self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, compact)
            self.layout().setContentsMargins(*((4, 4, 4, 4) if compact else (12, 8, 12, 8)))
            if compact:
                hint = self.minimumSizeHint()
                self.resize(max(hint.width(), COMPACT_SIZE[0]), max(hint.height(), COMPACT_SIZE[1]))
            elif self._full_geometry is not None:
                self.setGeometry(self._full_geometry)
            if was_visible:
                if not compact and getattr(self, "_was_maximized", False):
                    self.showMaximized()
                else:
                    self.show()  # changing window flags hides a window


class _PageHolder(QWidget):
    """Holds the pages in the scroll area and gives them all its room.

    Without a layout of its own it asks for no height-for-width: a scroll area that sees one
    sizes its page by the tallest tab's wrapped text (the hall's tables, out of sight), and
    the serving page scrolled for nothing. Its minimum is the pages' minimum.
    """

    def __init__(self, child: QWidget) -> None:
        super().__init__()
        self.child = child
        child.setParent(self)

    def minimumSizeHint(self):  # noqa: N802 — Qt's name
        return self.child.minimumSizeHint()

    def sizeHint(self):  # noqa: N802 — Qt's name
        return self.child.minimumSizeHint()

    def event(self, event) -> bool:  # noqa: ANN001
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().event(event)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 — Qt's name
        self.child.setGeometry(self.rect())


def size_by_current_page(stack: QStackedWidget | QTabWidget) -> None:
    """Let only the page on show set the minimum size of `stack`.

    A stack is otherwise as large as its largest page: the login form and the hall's four
    tables would make the serving page scroll on a small screen. A page out of sight takes
    the Ignored policy, which a layout does not ask for a minimum.
    """

    def follow(_index: int = -1) -> None:
        current = stack.currentWidget()
        for index in range(stack.count()):
            page = stack.widget(index)
            policy = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
            page.updateGeometry()

    stack.currentChanged.connect(follow)
    follow()


def build_counter_window(
    client: HubClient,
    *,
    counter: int | None = None,
    auto_login: tuple[str, str] | None = None,
    language: str = "ar",
    alert_sink: Any = None,
    look_fixed: bool = False,
) -> QWidget:
    """The counter's window on `client` (started here if it is not yet); needs a QApplication.

    `alert_sink` is where a supervisor's device alert sound goes (a `qt_common.sound.AudioSink`;
    default: the sound card, opened on the first alert).
    """
    app = QApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication first (qt_common.app.create_app)")
    lang = parse_language(language)
    if auto_login is not None and (
        not isinstance(auto_login, tuple) or len(auto_login) != 2 or not all(isinstance(part, str) for part in auto_login)
    ):
        raise ValueError("auto_login must be (username, pin)")
    set_language(app, lang)
    window = CounterWindow(client, counter=counter, auto_login=auto_login, alert_sink=alert_sink, look_fixed=look_fixed)
    if not client.running:
        client.start()
    return window
