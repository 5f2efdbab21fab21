"""The supervisor's live view of the hall, its devices, and today's KPIs.

The live part (waiting per service, longest wait, counters and their status, waits past the
target) comes from the hub client's state and the model's waiting list, redrawn at most
twice a second. The KPIs per service and per clerk come from `GET /stats` for the business
day, fetched when the view opens, every `STATS_INTERVAL_MS`, and on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.contract import Service, Stats, Ticket
from core.models import CounterStatus
from qt_common import theme
from qt_common.dates import format_time
from qt_common.hub_errors import HubError
from qt_common.i18n import current_language, format_duration, language_notifier, ltr, tr
from qt_common.widgets import TextButton

from counter_ui.devices import DevicesPanel, DeviceWatch
from counter_ui.model import CounterModel
from counter_ui.strings import explain
from counter_ui.views import localized_name, pause_reason_text

STATS_INTERVAL_MS = 30_000
REDRAW_DELAY_MS = 500


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(32)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # The name column takes the room that is left; the figures keep their natural width.
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    return table


def _cell(text: str, *, alert: bool = False, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(ltr(text) if number else text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter if number else Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading)
    if alert:
        item.setForeground(QColor(theme.COLOURS.status_error))
        font = theme.app_font(theme.BASE_FONT_PT, bold=True)
        item.setFont(font)
    return item


@dataclass(frozen=True)
class ServiceRow:
    """One line of the live services table."""

    service: Service
    waiting: int
    longest: float | None
    target: int
    breaches: int


def _duration(seconds: Any) -> str:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        return "—"
    return format_duration(seconds)


def _share(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{round(value * 100)}%"


class HallView(QWidget):
    """Waiting per service, longest wait, counters and status, breaches; KPIs per service and clerk."""

    def __init__(self, model: CounterModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.stats: Stats | None = None
        self.stats_error: HubError | None = None
        self.stats_at: datetime | None = None
        self.summary = QLabel()
        self.summary.setFont(theme.app_font(16, bold=True))
        self.summary.setWordWrap(True)
        self.refresh_button = TextButton()
        self.refresh_button.clicked.connect(model.load_stats)
        self.updated = QLabel()
        theme.set_role(self.updated, theme.Role.MUTED)
        self.services_title = QLabel()
        self.counters_title = QLabel()
        self.kpi_services_title = QLabel()
        self.kpi_clerks_title = QLabel()
        for title in (self.services_title, self.counters_title, self.kpi_services_title, self.kpi_clerks_title):
            theme.set_role(title, theme.Role.HEADING)
        self.services = _table(5)
        self.counters = _table(4)
        self.kpi_services = _table(7)
        self.kpi_clerks = _table(4)
        self.device_watch = DeviceWatch(model.client, now=model.now, parent=self)
        self.devices = DevicesPanel(self.device_watch, _table, _cell)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.updated)
        top.addWidget(self.refresh_button)
        # Side by side on a wide window, one above the other on a narrow one (set_narrow).
        self.live = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        # Services' names are long, counters' short: the services take the larger share.
        for title, table, stretch in ((self.services_title, self.services, 3), (self.counters_title, self.counters, 2)):
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(table, 1)
            self.live.addLayout(column, stretch)
        self.kpis = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        for title, table, stretch in ((self.kpi_services_title, self.kpi_services, 2), (self.kpi_clerks_title, self.kpi_clerks, 1)):
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(table, 1)
            self.kpis.addLayout(column, stretch)
        # The lower half shows today's KPIs or the devices: five tables at once do not fit a
        # 1366×768 screen. The devices' tab says how many need someone; the alert bar opens it.
        kpi_page = QWidget()
        kpi_page.setLayout(self.kpis)
        self.kpis.setContentsMargins(0, 4, 0, 0)
        self.lower = QTabWidget()
        self.lower.addTab(kpi_page, "")
        self.lower.addTab(self.devices, "")
        self.devices.layout().setContentsMargins(0, 4, 0, 0)
        self.devices.title.hide()  # the tab names it
        self.device_watch.changed.connect(self._name_lower_tabs)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.live, 3)
        layout.addWidget(self.lower, 2)

        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_DELAY_MS)
        self._redraw.timeout.connect(self.refresh_live)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_timer.timeout.connect(model.load_stats)
        model.client.state_changed.connect(self.schedule)
        model.queue_changed.connect(self.schedule)
        model.stats_loaded.connect(self.on_stats)
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()

    def show_devices(self) -> None:
        self.lower.setCurrentWidget(self.devices)

    def _name_lower_tabs(self, *_: object) -> None:
        self.lower.setTabText(0, tr("counter_ui.hall.tab.kpis"))
        problems = len(self.device_watch.problems)
        self.lower.setTabText(1, tr("counter_ui.devices.tab_alert", n=problems) if problems else tr("counter_ui.devices.title"))

    def set_narrow(self, narrow: bool) -> None:
        """Tables one above the other when the window is too narrow for two side by side."""
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        for row in (self.live, self.kpis):
            row.setDirection(direction)

    def start(self) -> None:
        """Begin following (the window calls this when a supervisor logs in)."""
        self._stats_timer.start()
        self.model.load_stats()
        self.device_watch.start()
        self.refresh_live()

    def stop(self) -> None:
        self._stats_timer.stop()
        self.device_watch.stop()

    def schedule(self, *_: object) -> None:
        if self._stats_timer.isActive() and not self._redraw.isActive():  # only while following
            self._redraw.start()

    def retranslate(self, *_: object) -> None:
        self.services_title.setText(tr("counter_ui.hall.services"))
        self.counters_title.setText(tr("counter_ui.hall.counters"))
        self.kpi_services_title.setText(tr("counter_ui.hall.kpi_services"))
        self.kpi_clerks_title.setText(tr("counter_ui.hall.kpi_clerks"))
        self._name_lower_tabs()
        self.refresh_button.setText(tr("counter_ui.hall.refresh"))
        self.services.setHorizontalHeaderLabels(
            [tr(f"counter_ui.col.{c}") for c in ("service", "waiting", "longest", "target", "breaches")]
        )
        self.counters.setHorizontalHeaderLabels([tr(f"counter_ui.col.{c}") for c in ("counter", "status", "clerk", "ticket")])
        self.kpi_services.setHorizontalHeaderLabels(
            [tr(f"counter_ui.col.{c}") for c in ("service", "issued", "served", "no_show", "mean_wait", "mean_service", "within_target")]
        )
        self.kpi_clerks.setHorizontalHeaderLabels([tr(f"counter_ui.col.{c}") for c in ("clerk", "served", "no_show", "mean_service")])
        self.refresh_live()
        self.refresh_stats()

    # ---- live ----------------------------------------------------------------------------

    def service_rows(self) -> list[ServiceRow]:
        """Per service: waiting, longest wait, target and breaches (from the waiting list, else /state's count)."""
        by_service: dict[int, list[Ticket]] = {}
        for ticket in self.model.waiting.values():
            by_service.setdefault(ticket.service_id, []).append(ticket)
        rows = []
        for service in self.model.client.state.services.values():
            tickets = by_service.get(service.id, [])
            waits = [self.model.waited_seconds(t) for t in tickets]
            rows.append(
                ServiceRow(
                    service=service,
                    waiting=len(tickets) if tickets or self.model.waiting else service.waiting,
                    longest=max(waits) if waits else None,
                    target=service.target_wait_seconds,
                    breaches=sum(1 for t in tickets if self.model.is_breach(t)),
                )
            )
        return rows

    def refresh_live(self) -> None:
        rows = self.service_rows()
        self.services.setRowCount(len(rows))
        for index, row in enumerate(rows):
            service = row.service
            self.services.setItem(index, 0, _cell(f"{service.code} · {localized_name(service)}"))
            self.services.setItem(index, 1, _cell(str(row.waiting), number=True))
            self.services.setItem(index, 2, _cell(_duration(row.longest), alert=row.breaches > 0))
            self.services.setItem(index, 3, _cell(_duration(row.target)))
            self.services.setItem(index, 4, _cell(str(row.breaches), number=True, alert=row.breaches > 0))
        counters = self.model.counters()
        self.counters.setRowCount(len(counters))
        for index, counter in enumerate(counters):
            status = counter.status.value
            text = tr(f"counter.status.{status}")
            if counter.status is CounterStatus.PAUSED and counter.pause_reason:
                text += f" · {pause_reason_text(counter.pause_reason)}"
            ticket = counter.current_ticket
            self.counters.setItem(index, 0, _cell(localized_name(counter) or str(counter.number)))
            self.counters.setItem(index, 1, _cell(text, alert=counter.status is CounterStatus.PAUSED))
            self.counters.setItem(index, 2, _cell(counter.clerk or "—"))
            self.counters.setItem(index, 3, _cell(ticket.number if ticket else "—", number=True))
        waiting = sum(r.waiting for r in rows)
        breaches = sum(r.breaches for r in rows)
        open_count = sum(1 for c in counters if c.status is CounterStatus.OPEN)
        self.summary.setText(tr("counter_ui.hall.summary", waiting=waiting, breaches=breaches, open=open_count))

    # ---- KPIs ----------------------------------------------------------------------------

    def on_stats(self, answer: Stats | HubError | None) -> None:
        if isinstance(answer, HubError):
            self.stats_error = answer
        elif answer is not None:
            self.stats, self.stats_error = answer, None
            self.stats_at = self.model.now()
        self.refresh_stats()

    def refresh_stats(self) -> None:
        if self.stats_error is not None:
            self.updated.setText(explain(self.stats_error).in_language(current_language()))
        elif self.stats_at is not None:
            self.updated.setText(tr("counter_ui.hall.updated", time=format_time(self.model.centre_time(self.stats_at))))
        else:
            self.updated.setText("")
        services = (self.stats.by_service if self.stats is not None else None) or []
        self.kpi_services.setRowCount(len(services))
        for index, row in enumerate(services):
            share = row.within_target_share
            self.kpi_services.setItem(index, 0, _cell(f"{row.code or '?'} · {localized_name(row)}"))
            for column, count in ((1, row.issued), (2, row.served), (3, row.no_show)):
                self.kpi_services.setItem(index, column, _cell(str(count), number=True))
            self.kpi_services.setItem(index, 4, _cell(_duration(row.wait_seconds.mean)))
            self.kpi_services.setItem(index, 5, _cell(_duration(row.service_seconds.mean)))
            self.kpi_services.setItem(index, 6, _cell(_share(share), number=True, alert=share is not None and share < 0.8))
        clerks = (self.stats.by_clerk if self.stats is not None else None) or []
        self.kpi_clerks.setRowCount(len(clerks))
        for index, clerk in enumerate(clerks):
            self.kpi_clerks.setItem(index, 0, _cell(clerk.clerk or "?"))
            self.kpi_clerks.setItem(index, 1, _cell(str(clerk.served), number=True))
            self.kpi_clerks.setItem(index, 2, _cell(str(clerk.no_show), number=True))
            self.kpi_clerks.setItem(index, 3, _cell(_duration(clerk.service_seconds.mean)))
