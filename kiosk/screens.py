"""The kiosk's screens. Each draws what the window hands it and reports touches by signal.

None of them talks to the hub or the printer: the window does, so every path (issue,
print, offline, enroll, exit) is in one place.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import kiosk.strings  # noqa: F401 — registers the texts used below
from core.contract import Centre
from kiosk.model import PRIORITY_KINDS, GroupView, IssuedTicket, ServiceView
from kiosk.widgets import (
    CardButton, CodePad, DigitPad, GroupCard, KioskClock, Pictogram, ServiceCard, NoticeLabel, Spinner, code_field, label, start_alignment,
)
from qt_common import theme
from qt_common.appointments import appointment_mark
from qt_common.i18n import Language, Text, ltr, rtl, tr_in
from qt_common.widgets import TextButton, TicketNumberLabel

CARD_MIN_WIDTH = 300  # a service card's name at 20 pt, its other name and its wait
CARD_MIN_WIDTH_COMPACT = 220


def _repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QWidget):
        child.style().unpolish(child)
        child.style().polish(child)


class Header(QWidget):
    """The centre's name, the clock with both dates, and the language switch."""

    language_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.centre_label = label(pt=22, bold=True, name="CentreName")
        self.centre_other_label = label(pt=14, name="Muted")
        self.clock = KioskClock(self)
        self.language_button = TextButton(self)
        self.language_button.setObjectName("LanguageButton")
        self.language_button.setFont(theme.app_font(18, bold=True))
        self.language_button.setMinimumSize(170, 64)
        self.language_button.clicked.connect(self.language_clicked.emit)
        # For the staff, not the visitors: small, and only while the printer needs someone.
        self.staff_badge = label(pt=12, bold=True, name="StaffBadge", wrap=False)
        self.staff_badge.hide()
        self._staff_notice: Text | None = None
        self._language = Language.AR
        names = QVBoxLayout()
        names.setSpacing(2)
        for widget in (self.centre_label, self.centre_other_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
            names.addWidget(widget)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 8, 24, 4)
        row.setSpacing(24)
        row.addLayout(names, 1)
        row.addWidget(self.staff_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.language_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._centre: Centre | None = None

    def set_compact(self, compact: bool) -> None:
        """A small window (the all-in-one demo): one line of name, no dates, the time and the switch."""
        self._compact = compact
        self.centre_other_label.setVisible(not compact)
        # The staff's badge takes the dates' place: the header keeps room for the visitor's switches.
        self.clock.set_compact(compact or self._staff_notice is not None)
        self.centre_label.setFont(theme.app_font(16 if compact else 22, bold=True))

    def set_centre(self, centre: Centre | None) -> None:
        self._centre = centre
        self.clock.set_time_zone(centre.time_zone if centre is not None else None)

    def set_staff_notice(self, notice: Text | None) -> None:
        """A discreet note for the staff (the printer is out of paper…); None hides it."""
        self._staff_notice = notice
        self.staff_badge.setVisible(notice is not None)
        self.clock.set_compact(getattr(self, "_compact", False) or notice is not None)
        self._show_staff_notice()

    def _show_staff_notice(self) -> None:
        if self._staff_notice is None:
            self.staff_badge.setText("")
            return
        problem = self._staff_notice.in_language(self._language)
        text = tr_in(self._language, "kiosk.staff.badge", problem=problem)
        self.staff_badge.setText(text)
        self.staff_badge.setAccessibleName(text)

    def retranslate(self, language: Language) -> None:
        self._language = language
        self._show_staff_notice()
        centre = self._centre
        ar = centre.name_ar if centre is not None and centre.name_ar.strip() else tr_in(Language.AR, "app.name")
        en = centre.name_en if centre is not None and centre.name_en.strip() else tr_in(Language.EN, "app.name")
        first, second = (ar, en) if language is Language.AR else (en, ar)
        for widget in (self.centre_label, self.centre_other_label):
            widget.setAlignment(start_alignment(language))
        self.centre_label.setText(first[:160])
        self.centre_other_label.setText(second[:160])
        self.clock.retranslate(language)
        # The button names the language it switches to, in that language.
        self.language_button.setText(tr_in(language, "language.switch"))
        self.language_button.setAccessibleName(tr_in(language, "language.switch"))


class HomeScreen(QWidget):
    """Groups or services as large cards, the priority button, a notice line."""

    service_chosen = Signal(int)
    group_chosen = Signal(str)
    back_clicked = Signal()
    priority_clicked = Signal()
    priority_cancelled = Signal()
    appointment_clicked = Signal()  # "I have an appointment": check in (kiosk/checkin.py)
    look_clicked = Signal()  # the visitor's switch for larger text in high contrast
    voice_clicked = Signal()  # the complaints and suggestions box (kiosk/voice.py)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("priorityMode", False)
        self.title_label = label(pt=24, bold=True)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.back_button = TextButton(self)
        self.back_button.setFont(theme.app_font(18, bold=True))
        self.back_button.setObjectName("BigButton")
        self.back_button.clicked.connect(self.back_clicked.emit)
        title_row = QHBoxLayout()
        title_row.addWidget(self.back_button, 0)
        # "I have an appointment" (kiosk/checkin.py) at the row's start: seen first, and it costs
        # the cards no height on a small screen.
        self.appointment_button = TextButton(self)
        self.appointment_button.setObjectName("AppointmentButton")
        self.appointment_button.setFont(theme.app_font(16, bold=True))  # as tall as the look button beside the title
        self.appointment_button.clicked.connect(self.appointment_clicked.emit)
        title_row.addWidget(self.appointment_button, 0)
        title_row.addWidget(self.title_label, 1)
        # Opposite the back button, as wide, so the title stays in the middle.
        self.look_button = TextButton(self)
        self.look_button.setObjectName("LookButton")
        self.look_button.setFont(theme.app_font(16, bold=True))
        self.look_button.setCheckable(True)
        self.look_button.setFixedWidth(200)
        self.look_button.clicked.connect(self.look_clicked.emit)
        title_row.addWidget(self.look_button, 0)

        self.priority_banner = QFrame(self)
        self.priority_banner.setObjectName("PriorityBanner")
        self.priority_banner_label = label(pt=20, bold=True)
        self.priority_cancel_button = TextButton(self.priority_banner)
        self.priority_cancel_button.setFont(theme.app_font(16, bold=True))
        self.priority_cancel_button.setObjectName("BannerButton")
        self.priority_cancel_button.clicked.connect(self.priority_cancelled.emit)
        banner_row = QHBoxLayout(self.priority_banner)
        banner_row.setContentsMargins(20, 8, 12, 8)
        banner_row.addWidget(self.priority_banner_label, 1)
        banner_row.addWidget(self.priority_cancel_button, 0)
        self.priority_banner.hide()

        self.cards_area = QWidget(self)
        self.grid = QGridLayout(self.cards_area)
        self.grid.setSpacing(16)
        self.grid.setContentsMargins(0, 0, 0, 0)

        self.notice_label = NoticeLabel(pt=18)

        self.priority_button = TextButton(self)
        self.priority_button.setObjectName("PriorityButton")
        self.priority_button.setFont(theme.app_font(22, bold=True))
        self.priority_button.setMinimumHeight(84)
        self.priority_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.priority_button.clicked.connect(self.priority_clicked.emit)
        self.voice_button = TextButton(self)
        self.voice_button.setObjectName("VoiceButton")
        self.voice_button.setFont(theme.app_font(18, bold=True))
        self.voice_button.setMinimumHeight(84)
        # It never widens the screen: beside the priority button only where both fit whole (_arrange_actions).
        self.voice_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.voice_button.clicked.connect(self.voice_clicked.emit)

        column = QVBoxLayout(self)
        column.setContentsMargins(24, 0, 24, 20)
        column.setSpacing(12)
        column.addLayout(title_row)
        column.addWidget(self.priority_banner)
        column.addWidget(self.cards_area, 1)
        column.addWidget(self.notice_label)
        # Side by side on a kiosk's glass; one above the other in a narrow window (set_compact).
        self.actions = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.actions.setSpacing(12)
        self.actions.addWidget(self.priority_button, 3)
        self.actions.addWidget(self.voice_button, 2)
        column.addLayout(self.actions)

        self.service_cards: dict[int, ServiceCard] = {}
        self.group_cards: dict[str, GroupCard] = {}
        self._layout_key: tuple = ()
        self._mode = "services"  # "services", "groups" or "group"
        self._busy = False
        self._language = Language.AR
        self._services: list[ServiceView] = []
        self._groups: list[GroupView] = []
        self._priority_kind: str | None = None
        self._notice: Text | None = None
        self._group: GroupView | None = None
        self._compact = False
        self._rebuilding = False

    # what is shown

    @property
    def mode(self) -> str:
        return self._mode

    def show_services(self, services: list[ServiceView], *, group: GroupView | None = None) -> None:
        self._mode = "group" if group is not None else "services"
        self._group = group
        self._services = services
        self._rebuild_if_needed(tuple(("s", s.id) for s in services))
        self.retranslate(self._language)

    def show_groups(self, groups: list[GroupView]) -> None:
        self._mode = "groups"
        self._groups = groups
        self._rebuild_if_needed(tuple(("g", g.key) for g in groups))
        self.retranslate(self._language)

    def set_priority(self, kind: str | None) -> None:
        self._priority_kind = kind
        self.setProperty("priorityMode", kind is not None)
        self.priority_banner.setVisible(kind is not None)
        self.priority_button.setVisible(kind is None)
        self.appointment_button.setVisible(kind is None)
        _repolish(self)
        self.retranslate(self._language)

    def set_busy(self, busy: bool) -> None:
        """While a ticket is being issued no card takes a touch (a double touch issues once)."""
        self._busy = busy
        self.cards_area.setEnabled(not busy)
        self.priority_button.setEnabled(not busy)
        self.voice_button.setEnabled(not busy)
        self.appointment_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        if busy:
            self.show_notice(Text(tr_in(Language.AR, "kiosk.issuing"), tr_in(Language.EN, "kiosk.issuing")), kind="info")
        elif self._notice is not None and self.notice_label.property("kind") == "info":
            self.clear_notice()

    @property
    def busy(self) -> bool:
        return self._busy

    def show_notice(self, message: Text, *, kind: str = "error") -> None:
        self._notice = message
        self.notice_label.set_kind(kind)
        self.notice_label.setText(message.in_language(self._language))
        self.notice_label.show()

    def clear_notice(self) -> None:
        self._notice = None
        self.notice_label.hide()

    def _columns(self, count: int, size: tuple[int, int] | None = None) -> int:
        """Cards per row: by the screen's shape, then fewer where a card would be too narrow."""
        width, height = size if size is not None else (self.width(), self.height())
        portrait = height > width * 1.1
        if portrait:
            columns = 1 if count <= 4 else 2
        else:
            columns = 2 if count <= 4 else 3
        card_min = CARD_MIN_WIDTH_COMPACT if self._compact else CARD_MIN_WIDTH
        room = width - self._side_margins()
        while columns > 1 and (room - (columns - 1) * self.grid.spacing()) / columns < card_min:
            columns -= 1
        return columns

    def _side_margins(self) -> int:
        margins = self.layout().contentsMargins()
        return margins.left() + margins.right()

    def minimum_height_at(self, width: int) -> int:
        """The height the cards and buttons need at `width`, their words wrapped as they will be
        (after `arrange_for` that size)."""
        items = self._layout_key[0] if self._layout_key else ()
        cards = [(self.service_cards if kind == "s" else self.group_cards).get(ident) for kind, ident in items]
        cards = [card for card in cards if card is not None]
        count = max(1, len(cards))
        columns = self._layout_key[1] if self._layout_key else 1
        rows = (count + columns - 1) // columns
        spacing = self.grid.spacing()
        inner = width - self._side_margins()
        card_width = (inner - (columns - 1) * spacing) // columns
        card_height = max((card.minimum_height_at(card_width) for card in cards), default=0)
        title = self.title_label.heightForWidth(max(1, inner - (400 if self._mode == "group" else 0)))
        parts = [max(title, self.back_button.sizeHint().height() if self._mode == "group" else 0,
                     self.look_button.sizeHint().height(), self.appointment_button.sizeHint().height())]
        parts.append((self.priority_banner if self._priority_kind else self.priority_button).sizeHint().height())
        if self._notice is not None:
            parts.append(self.notice_label.heightForWidth(inner))
        margins = self.layout().contentsMargins()
        return (
            margins.top() + margins.bottom() + sum(parts) + self.layout().spacing() * len(parts)
            + rows * card_height + (rows - 1) * spacing
        )

    def arrange_for(self, width: int, height: int) -> None:
        """Lay the cards out as they will be at `width` × `height` (before a resize gets there)."""
        items = self._layout_key[0] if self._layout_key else ()
        if items and self._columns(len(items), (width, height)) != self._layout_key[1]:
            self._layout_key = ()
            self._rebuild_if_needed(items, (width, height))

    def _rebuild_if_needed(self, items: tuple, size: tuple[int, int] | None = None) -> None:
        key = (items, self._columns(len(items), size))
        if key == self._layout_key:
            return
        if self._rebuilding:
            # Showing a card can resize the window, whose resize asks for a layout again:
            # never nest one rebuild in another; look again once this one is done.
            QTimer.singleShot(0, self._recheck_columns)
            return
        self._rebuilding = True
        self._layout_key = key
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
        columns = key[1]
        kept_services, kept_groups = {}, {}
        for index, (kind, ident) in enumerate(items):
            if kind == "s":
                card = self.service_cards.get(ident) or self._new_service_card(ident)
                kept_services[ident] = card
            else:
                card = self.group_cards.get(ident) or self._new_group_card(ident)
                kept_groups[ident] = card
            self.grid.addWidget(card, index // columns, index % columns)
            card.show()
        rows = max(1, (len(items) + columns - 1) // columns)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 1 if row < rows else 0)
        for column in range(self.grid.columnCount()):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        self.service_cards.update(kept_services)
        self.group_cards.update(kept_groups)
        self._rebuilding = False

    def _recheck_columns(self) -> None:
        self.arrange_for(self.width(), self.height())

    def forget_missing(self, service_ids: set[int], group_keys: set[str]) -> None:
        """Drop the cards of services and groups the hub no longer has (months of config changes)."""
        for cards, known in ((self.service_cards, service_ids), (self.group_cards, group_keys)):
            for ident in [i for i in cards if i not in known]:
                card = cards.pop(ident)
                self.grid.removeWidget(card)
                card.deleteLater()
                self._layout_key = ()

    def set_compact(self, compact: bool) -> None:
        if compact == self._compact:
            return
        self._compact = compact
        self.voice_button.setMinimumHeight(56 if compact else 84)
        self.voice_button.setFont(theme.app_font(16 if compact else 18, bold=True))
        for card in self.service_cards.values():
            card.set_compact(compact)
        self.priority_button.setFont(theme.app_font(16 if compact else 22, bold=True))
        self.priority_button.setMinimumHeight(64 if compact else 84)
        self.title_label.setFont(theme.app_font(20 if compact else 24, bold=True))
        self.appointment_button.setFont(theme.app_font(14 if compact else 16, bold=True))
        self.layout().setSpacing(8 if compact else 12)
        self.layout().setContentsMargins(*((24, 0, 24, 12) if compact else (24, 0, 24, 20)))
        QTimer.singleShot(0, self._recheck_columns)  # a card's narrowest width changed
        self.retranslate(self._language)

    def _new_service_card(self, service_id: int) -> ServiceCard:
        card = ServiceCard(service_id, self.cards_area)
        card.set_compact(self._compact)
        card.clicked.connect(lambda _=False, sid=service_id: self.service_chosen.emit(sid))
        return card

    def _new_group_card(self, key: str) -> GroupCard:
        card = GroupCard(key, self.cards_area)
        card.clicked.connect(lambda _=False, k=key: self.group_chosen.emit(k))
        return card

    def _arrange_actions(self) -> None:
        """The complaints button beside the priority button where both fit whole, else under it."""
        margins = self.layout().contentsMargins()
        room = self.width() - margins.left() - margins.right()
        needed = self.priority_button.minimumSizeHint().width() + self.actions.spacing() + self.voice_button.minimumSizeHint().width()
        beside = (self.priority_button.isHidden() or room >= needed) and not self._compact
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self.actions.direction() != direction:
            self.actions.setDirection(direction)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 — Qt's name
        super().resizeEvent(event)
        self._arrange_actions()
        items = self._layout_key[0] if self._layout_key else ()
        if items and self._columns(len(items)) != self._layout_key[1]:
            self._layout_key = ()
            self._rebuild_if_needed(items)

    def set_look(self, larger: bool) -> None:
        """The switch names what a touch does: clearer text, or back to the usual text."""
        self.look_button.setChecked(larger)
        text = tr_in(self._language, "kiosk.look.usual" if larger else "kiosk.look.larger")
        self.look_button.setText(text)
        self.look_button.setAccessibleName(text)

    def retranslate(self, language: Language) -> None:
        self._language = language
        grouped = self._mode == "groups"
        if self._mode == "group" and self._group is not None:
            self.title_label.setText(self._group.name(language))
        else:
            self.title_label.setText(tr_in(language, "kiosk.choose_group" if grouped else "kiosk.choose_service"))
        self.back_button.setText(tr_in(language, "kiosk.back"))
        self.set_look(self.look_button.isChecked())
        self.back_button.setVisible(self._mode == "group")
        self.priority_button.setText(tr_in(language, "kiosk.priority.button"))
        self.priority_button.setAccessibleName(tr_in(language, "kiosk.priority.button"))
        self.voice_button.setText(tr_in(language, "kiosk.voice.button"))
        self.voice_button.setAccessibleName(tr_in(language, "kiosk.voice.button"))
        self._arrange_actions()
        # A small window's title row has room for a short word beside the title only.
        appointment_key = "kiosk.checkin.button_short" if self._compact else "kiosk.checkin.button"
        self.appointment_button.setText(tr_in(language, appointment_key))
        self.appointment_button.setAccessibleName(tr_in(language, "kiosk.checkin.button"))
        self.priority_cancel_button.setText(tr_in(language, "kiosk.priority.cancel"))
        if self._priority_kind is not None:
            kind = tr_in(language, f"kiosk.priority.{self._priority_kind}")
            self.priority_banner_label.setText(tr_in(language, "kiosk.priority.banner", kind=kind))
        if self._notice is not None:
            self.notice_label.setText(self._notice.in_language(language))
        if grouped:
            for group in self._groups:
                card = self.group_cards.get(group.key)
                if card is not None:
                    card.show_group(
                        group.name(language), group.other_name(language), group.summary(language),
                        any_open=group.open_count > 0, language=language,
                    )
        else:
            for service in self._services:
                card = self.service_cards.get(service.id)
                if card is None:
                    continue
                if service.open:
                    parts = [service.waiting_text(language)]
                    eta = service.eta_text(language)
                    if eta and service.waiting and not self._compact:
                        parts.append(eta)
                    status = "\n".join(parts)
                else:
                    status = service.closed_text(language)
                card.show_service(service.code, service.name(language), service.other_name(language), status, is_open=service.open, language=language)


class PriorityScreen(QWidget):
    """Which priority applies: elderly, disability, pregnancy (three large cards)."""

    kind_chosen = Signal(str)
    back_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = label(pt=30, bold=True)
        self.question_label = label(pt=20)
        for widget in (self.title_label, self.question_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cards: dict[str, CardButton] = {}
        self._titles: dict[str, tuple[QLabel, QLabel]] = {}
        row = QHBoxLayout()
        row.setSpacing(24)
        for kind in PRIORITY_KINDS:
            card = CardButton(self, name="PriorityKind")
            card.setMinimumHeight(220)
            symbol = Pictogram(kind, card)
            title = card.add_label(label(pt=24, bold=True, name="CardTitle"))
            other = card.add_label(label(pt=15, name="CardSubtitle"))
            inner = QVBoxLayout(card)
            inner.addStretch(1)
            inner.addWidget(symbol, 0, Qt.AlignmentFlag.AlignHCenter)
            for widget in (title, other):
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
                inner.addWidget(widget)
            inner.addStretch(1)
            card.clicked.connect(lambda _=False, k=kind: self.kind_chosen.emit(k))
            self.cards[kind] = card
            self._titles[kind] = (title, other)
            row.addWidget(card, 1)
        self.back_button = TextButton(self)
        self.back_button.setFont(theme.app_font(18, bold=True))
        self.back_button.setObjectName("BigButton")
        self.back_button.clicked.connect(self.back_clicked.emit)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 16, 40, 32)
        column.setSpacing(24)
        column.addWidget(self.title_label)
        column.addWidget(self.question_label)
        column.addLayout(row, 1)
        column.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignHCenter)

    def retranslate(self, language: Language) -> None:
        other_language = Language.EN if language is Language.AR else Language.AR
        self.title_label.setText(tr_in(language, "kiosk.priority.title"))
        self.question_label.setText(tr_in(language, "kiosk.priority.question"))
        self.back_button.setText(tr_in(language, "kiosk.back"))
        for kind, (title, other) in self._titles.items():
            title.setText(tr_in(language, f"kiosk.priority.{kind}"))
            other.setText(tr_in(other_language, f"kiosk.priority.{kind}"))
            self.cards[kind].setAccessibleName(tr_in(language, f"kiosk.priority.{kind}"))


class IssuedScreen(QWidget):
    """The number, very large; the service, who is ahead, the wait; then how the printing went."""

    touched = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption_label = label(pt=22, bold=True)
        self.number_label = TicketNumberLabel("", self, size_pt=110)
        self.number_label.setObjectName("BigNumber")
        # The number takes what height is left and its size follows (see resizeEvent), so
        # the screen fits a small window in the all-in-one demo as well as a kiosk's glass.
        self.number_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        self.number_label.setMinimumHeight(70)
        self.service_label = label(pt=24, bold=True)
        self.priority_label = label(pt=16, bold=True, name="PriorityBadge", wrap=False)
        self.wait_label = label(pt=20)
        card = QFrame(self)
        card.setObjectName("NumberCard")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 6, 24, 8)
        inner.setSpacing(2)
        for widget in (self.caption_label, self.number_label, self.service_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(widget)
        inner.addWidget(self.priority_label, 0, Qt.AlignmentFlag.AlignHCenter)
        self.wait_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.wait_label)
        self.spinner = Spinner(self)
        # A full-width band: its colour says how the printing went before a word is read.
        self.status_label = label(pt=24, bold=True, name="PrintStatus")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setMinimumHeight(64)
        self.detail_label = label(pt=18)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label = label(pt=14, name="Muted")
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 6, 40, 8)
        column.setSpacing(6)
        column.addWidget(card, 1)
        column.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.status_label)
        column.addWidget(self.detail_label)
        column.addWidget(self.hint_label)
        self.ticket: IssuedTicket | None = None
        self.service: ServiceView | None = None
        self.phase = "idle"  # "printing", "printed", "failed", "no_printer"
        self._printer_message: Text | None = None
        self._language = Language.AR
        self.accept_touch = True

    def show_ticket(self, ticket: IssuedTicket, service: ServiceView | None, *, printing: bool) -> None:
        self.ticket, self.service = ticket, service
        self.number_label.set_number(ticket.number)
        self._printer_message = None
        self.set_phase("printing" if printing else "no_printer")

    def set_phase(self, phase: str, printer_message: Text | None = None) -> None:
        self.phase = phase
        self._printer_message = printer_message
        kind = {"printing": "working", "printed": "done", "failed": "failed", "no_printer": "note"}[phase]
        self.status_label.setProperty("kind", kind)
        _repolish(self.status_label)
        self.spinner.set_running(phase == "printing")
        self.retranslate(self._language)

    def retranslate(self, language: Language) -> None:
        self._language = language
        ticket, service = self.ticket, self.service
        self.caption_label.setText(tr_in(language, "kiosk.your_number"))
        self.service_label.setText(service.name(language) if service else "")
        appointment = appointment_mark(ticket.ticket, language) if ticket is not None else None
        if appointment is not None:
            self.priority_label.setText(appointment)
            self.priority_label.show()
        elif ticket is not None and ticket.priority != "normal":
            kind = tr_in(language, f"kiosk.priority.{ticket.priority}") if ticket.priority in PRIORITY_KINDS else ticket.priority
            self.priority_label.setText(tr_in(language, "kiosk.priority.badge", kind=kind))
            self.priority_label.show()
        else:
            self.priority_label.hide()
        parts = []
        if ticket is not None:
            parts.append(ticket.ahead_text(language) or "")
            if ticket.eta_seconds is not None and ticket.ahead:
                parts.append(ticket.eta_text(language) or "")
        self.wait_label.setText("  ·  ".join(p for p in parts if p))
        phase_text = {
            "printing": "kiosk.printing",
            "printed": "kiosk.take_ticket",
            "failed": "kiosk.print_failed",
            "no_printer": "kiosk.no_printer",
        }.get(self.phase)
        self.status_label.setText(tr_in(language, phase_text) if phase_text else "")
        if self.phase in ("failed", "no_printer"):
            detail = tr_in(language, "kiosk.note_number")
            if self._printer_message is not None:
                detail = f"{self._printer_message.in_language(language)}\n{detail}"
            self.detail_label.setText(detail)
            self.detail_label.show()
        else:
            self.detail_label.hide()
        self.hint_label.setText(tr_in(language, "kiosk.touch_to_return") if self.phase != "printing" else "")

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 — Qt's name
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_number)

    def _fit_number(self) -> None:
        """As large as the height left for it allows (a line is about 1.9 × the point size in pixels)."""
        size_pt = max(36, min(110, int(self.number_label.height() / 1.9)))
        if self.number_label.font().pointSize() != size_pt:
            self.number_label.setFont(theme.app_font(size_pt, bold=True))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 — Qt's name
        super().mousePressEvent(event)
        if self.accept_touch:
            self.touched.emit()


class UnavailableScreen(QWidget):
    """"Service temporarily unavailable" in both languages at once: the visitor may read either."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        panel = QFrame(self)
        panel.setObjectName("UnavailablePanel")
        inner = QVBoxLayout(panel)
        inner.setContentsMargins(32, 20, 32, 20)
        inner.setSpacing(10)
        self.labels: dict[Language, tuple[QLabel, QLabel]] = {}
        for language in (Language.AR, Language.EN):
            title = label(tr_in(language, "kiosk.unavailable.title"), pt=30, bold=True, name="UnavailableTitle")
            detail = label(tr_in(language, "kiosk.unavailable.detail"), pt=20)
            for widget in (title, detail):
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
                widget.setLayoutDirection(Qt.LayoutDirection.RightToLeft if language.is_rtl else Qt.LayoutDirection.LeftToRight)
                inner.addWidget(widget)
            self.labels[language] = (title, detail)
            if language is Language.AR:
                line = QFrame(panel)
                line.setFrameShape(QFrame.Shape.HLine)
                inner.addWidget(line)
        self.spinner = Spinner(panel)
        self.status_label = label(pt=16, name="Muted")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # For the staff: why this kiosk cannot join the hub and what to do, in both languages.
        self.problem_labels: dict[Language, QLabel] = {}
        for language in (Language.AR, Language.EN):
            problem = label(pt=14, name="StaffProblem")
            problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
            problem.setLayoutDirection(Qt.LayoutDirection.RightToLeft if language.is_rtl else Qt.LayoutDirection.LeftToRight)
            problem.hide()
            self.problem_labels[language] = problem
        self.problem = None
        inner.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(self.status_label)
        for problem in self.problem_labels.values():
            inner.addWidget(problem)
        column = QVBoxLayout(self)
        column.setContentsMargins(40, 12, 40, 12)
        column.addStretch(1)
        column.addWidget(panel)
        column.addStretch(1)

    def set_active(self, active: bool) -> None:
        self.spinner.set_running(active)
        # Each language isolated in its own direction: without it the English "…" went to the
        # wrong side ("…Connecting") in the right-to-left line.
        text = f"{rtl(tr_in(Language.AR, 'kiosk.unavailable.connecting'))}   {ltr(tr_in(Language.EN, 'kiosk.unavailable.connecting'))}"
        self.status_label.setText(text)

    def set_problem(self, problem: object) -> None:
        """Why the kiosk cannot join (a `qt_common.refusals.Refusal`), or None while it is only connecting."""
        self.problem = problem
        for language, widget in self.problem_labels.items():
            text = problem.text(language) if problem is not None else ""  # type: ignore[attr-defined]
            widget.setText(text)
            widget.setVisible(bool(text))

    def retranslate(self, language: Language) -> None:
        """Both languages are always shown; nothing depends on the kiosk's current one."""


class PinEntryScreen(QWidget):
    """A title, a prompt, a field, a pad, a message line and two buttons.

    `letters` gives an on-screen keyboard (enrollment codes have letters) under the field
    instead of a digit pad beside it; `masked` shows dots for what is typed.
    """

    submitted = Signal(str)
    cancelled = Signal()

    def __init__(
        self, title_key: str, prompt_key: str, submit_key: str, *, masked: bool, max_length: int,
        letters: bool = False, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._keys = (title_key, prompt_key, submit_key)
        self._default_prompt = prompt_key
        self._letters = letters
        self.title_label = label(pt=26, bold=True)
        self.prompt_label = label(pt=17)
        # A keyboard is wide (see below): with it the field is the check-in screen's code field.
        self.field = code_field(
            self, name="CodeField" if letters else "PinField", max_length=max_length, pt=24 if letters else 28, masked=masked
        )
        self.field.returnPressed.connect(self._submit)
        self.pad = CodePad(self) if letters else DigitPad(self)
        typed = self.pad.typed if letters else self.pad.digit
        typed.connect(lambda d: self.field.insert(d) if len(self.field.text()) < max_length else None)
        self.pad.deleted.connect(self.field.backspace)
        self.pad.cleared.connect(self.field.clear)
        self.message_label = NoticeLabel()
        self.submit_button = TextButton(self)
        self.submit_button.setFont(theme.app_font(20, bold=True))
        self.submit_button.setObjectName("BigButton")
        theme.set_role(self.submit_button, "primary")
        self.submit_button.clicked.connect(self._submit)
        self.cancel_button = TextButton(self)
        self.cancel_button.setFont(theme.app_font(20, bold=True))
        self.cancel_button.setObjectName("BigButton")
        self.cancel_button.clicked.connect(self.cancelled.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.cancel_button)
        words = QVBoxLayout()
        words.setSpacing(12)
        words.addStretch(1)
        for widget in (self.title_label, self.prompt_label):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            words.addWidget(widget)
        words.addWidget(self.field)
        words.addWidget(self.message_label)
        if letters:
            # A keyboard is wide: it goes under the field, the buttons under it, all one column
            # that still fits a 1366×768 kiosk under its header.
            self.title_label.setFont(theme.app_font(22, bold=True))
            self.prompt_label.setFont(theme.app_font(15))
            words.setSpacing(8)
            words.addWidget(self.pad)
            words.addLayout(buttons)
            words.addStretch(1)
            # In a small window (the all-in-one demo) the page scrolls rather than making the
            # whole kiosk taller than its screen; at 1366×768 and up it fits as it is.
            inner = QWidget()
            inner.setLayout(words)
            inner.setMaximumWidth(1100)  # keys a finger's width, not a third of a 4K screen
            scroller = QScrollArea(self)
            scroller.setObjectName("CodeScroller")
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroller.setWidget(inner)
            scroller.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            column = QHBoxLayout(self)
            column.setContentsMargins(24, 4, 24, 8)
            column.addWidget(scroller, 1)
        else:
            # Words on one side, the pad on the other: the screen stays one glance high.
            words.addLayout(buttons)
            words.addStretch(1)
            row = QHBoxLayout(self)
            row.setContentsMargins(24, 8, 24, 16)
            row.setSpacing(32)
            row.addLayout(words, 1)
            row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignVCenter)
        self._message: Text | None = None
        self._language = Language.AR

    def reset(self) -> None:
        self.field.clear()
        self.set_message(None)
        self.set_working(False)

    def set_compact(self, compact: bool) -> None:
        """Smaller words, keys and gaps for a small window (the all-in-one demo)."""
        self.pad.set_compact(compact)
        self.title_label.setFont(theme.app_font((20 if compact else 22) if self._letters else (20 if compact else 26), bold=True))
        self.prompt_label.setFont(theme.app_font(14 if compact else (15 if self._letters else 17)))
        for button in (self.submit_button, self.cancel_button):
            button.setFont(theme.app_font(16 if compact else 20, bold=True))
        self.layout().setSpacing(16 if compact else 32)

    @property
    def working(self) -> bool:
        return self.field.isReadOnly()

    def set_working(self, working: bool) -> None:
        self.submit_button.setEnabled(not working)
        self.pad.setEnabled(not working)
        self.field.setReadOnly(working)

    def set_prompt(self, prompt_key: str | None) -> None:
        """Another prompt above the field (None: the one the screen was made with)."""
        title_key, _prompt_key, submit_key = self._keys
        self._keys = (title_key, prompt_key or self._default_prompt, submit_key)
        self.retranslate(self._language)

    def set_message(self, message: Text | None, *, kind: str = "error") -> None:
        self._message = message
        self.message_label.set_kind(kind)
        self.message_label.setVisible(message is not None)
        self.retranslate(self._language)

    def _submit(self) -> None:
        if self.submit_button.isEnabled():
            self.submitted.emit(self.field.text())

    def retranslate(self, language: Language) -> None:
        self._language = language
        title_key, prompt_key, submit_key = self._keys
        self.title_label.setText(tr_in(language, title_key))
        self.prompt_label.setText(tr_in(language, prompt_key))
        self.submit_button.setText(tr_in(language, submit_key))
        self.cancel_button.setText(tr_in(language, "button.cancel"))
        self.pad.retranslate(language)
        if self._message is not None:
            self.message_label.setText(self._message.in_language(language))


def number_text(number: str) -> str:
    """A ticket number kept left to right inside any sentence."""
    return ltr(number)
