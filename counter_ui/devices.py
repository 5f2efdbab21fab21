"""The hall's devices for a supervisor: every kiosk and board, and an alert when one needs someone.

`DeviceWatch` keeps the hub's device list (`GET /api/v1/devices`, refetched every
`DEVICES_INTERVAL_MS` for "last seen") current with the `device.*` events, each of which
carries the whole Device object after the change. From it come the *problems*: a kiosk whose
printer is out of paper, has its cover open, is silent or offline; a kiosk or board that has
dropped off the hub. A new problem raises an alert (and one short sound per update), a
problem that goes away clears it. `DevicesPanel` is the table in the Hall tab,
`DeviceAlertBar` the strip above every tab while something needs attention.

Device objects are the contract's (docs/api.md): `id, name, kind, online, last_seen_at,
revoked_at, printer ("ok", "paper_near_end", "paper_out", "cover_open", "silent", "offline"
or null), status, …`. A field of the wrong type is read as unknown, never trusted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.contract import Device, DeviceEnrolled, DeviceEvent
from qt_common import theme
from qt_common.dates import parse_hub_time
from qt_common.hub_client import HubClient, HubError, HubEventHandlers
from qt_common.i18n import current_language, format_duration, language_notifier, strip_bidi, tr, tr_in
from qt_common.widgets import TextButton

log = logging.getLogger(__name__)

#: the supervisor's alert sound (scripts/make_sounds.py)
ALERT_SOUND = Path(__file__).resolve().parent.parent / "assets" / "sounds" / "device-alert.wav"
DEVICES_INTERVAL_MS = 30_000
#: a device just enrolled is not yet "online" in its event; the list a moment later says it is
AFTER_ENROLL_MS = 2_000
#: a device last seen longer ago than this is taken for one out of use, not one that dropped off
EXPECTED_WITHIN = timedelta(hours=24)
WATCHED_KINDS = ("kiosk", "display")
PRINTER_STATES = ("ok", "paper_near_end", "paper_out", "cover_open", "silent", "offline")
#: printer states that need someone now (an alert); paper near end is shown, not alerted
BAD_PRINTER = frozenset({"paper_out", "cover_open", "silent", "offline"})
MAX_DEVICES = 2000
MAX_NAME = 80


def _text(value: Any, limit: int = MAX_NAME) -> str | None:
    """A device's name for a table cell: one line, no control or direction characters of its own."""
    if not isinstance(value, str):
        return None
    value = " ".join("".join(ch if ch.isprintable() else " " for ch in strip_bidi(value)).split())
    return value[:limit] if value else None


def _time(value: Any) -> datetime | None:
    try:
        return parse_hub_time(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class DeviceView:
    """One Device object of the hub, checked."""

    id: int
    name: str
    kind: str
    online: bool
    last_seen_at: datetime | None
    revoked: bool
    printer: str | None

    @classmethod
    def parse(cls, device: Device) -> DeviceView | None:
        """The hub's Device as a row; None for an id no device can have."""
        if device.id < 1:
            return None
        return cls(
            id=device.id,
            name=_text(device.name) or f"#{device.id}",
            kind=device.kind.value,
            online=device.online,
            last_seen_at=_time(device.last_seen_at),
            revoked=device.revoked_at is not None,
            printer=device.printer,
        )


@dataclass(frozen=True, slots=True)
class Problem:
    """What a device needs: `what` is "offline" or a printer state ("paper_out", …)."""

    device: DeviceView
    what: str

    @property
    def key(self) -> tuple[int, str]:
        return (self.device.id, self.what)


def device_problem(device: DeviceView, now: datetime) -> Problem | None:
    """The one thing this device needs (dropped off first, then its printer), or None."""
    if device.revoked or device.kind not in WATCHED_KINDS:
        return None
    if not device.online:
        seen = device.last_seen_at
        if seen is not None and now - seen <= EXPECTED_WITHIN:
            return Problem(device, "offline")
        return None
    if device.kind == "kiosk" and device.printer in BAD_PRINTER:
        return Problem(device, device.printer)
    return None


def problem_text(problem: Problem, now: datetime, language=None) -> str:
    """"kiosk-hall: the printer is out of paper" / "board-2: offline for 5 min", in `language`."""
    lang = language if language is not None else current_language()
    if problem.what == "offline":
        seen = problem.device.last_seen_at
        duration = format_duration(max(0.0, (now - seen).total_seconds()), lang) if seen else "—"
        return tr_in(lang, "counter_ui.devices.alert.offline", device=problem.device.name, duration=duration)
    return tr_in(lang, "counter_ui.devices.alert.printer", device=problem.device.name,
                 problem=tr_in(lang, f"counter_ui.devices.printer_problem.{problem.what}"))


class DeviceWatch(QObject, HubEventHandlers):
    """The device list and its problems, for a supervisor's session; see the module docstring.

    `device.*` events reach their `on_device_<name>` handler (`HubEventHandlers`); others pass by."""

    changed = Signal()  # the list or a problem changed: redraw
    alerts_raised = Signal(object)  # list[Problem] that appeared in one update (one sound for them)
    alerts_cleared = Signal(object)  # list[Problem] that went away
    load_failed = Signal(object)  # HubError

    def __init__(self, client: HubClient, *, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._now = now
        self.devices: dict[int, DeviceView] = {}
        self.problems: dict[int, Problem] = {}
        self.loaded = False
        self.error: HubError | None = None
        self._following = False
        # Bumped by every device event: a list asked for before an event is older than it.
        self._generation = 0
        self._timer = QTimer(self)
        self._timer.setInterval(DEVICES_INTERVAL_MS)
        self._timer.timeout.connect(self.reload)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(AFTER_ENROLL_MS)
        self._soon.timeout.connect(self.reload)
        client.event_received.connect(self.dispatch_hub_event)

    def now(self) -> datetime:
        return self._now()

    def start(self) -> None:
        self._following = True
        self._timer.start()
        self.reload()

    def stop(self) -> None:
        """A clerk (not a supervisor) is at the screen now: forget it all, alert nobody."""
        self._following = False
        self._timer.stop()
        self._soon.stop()
        cleared = list(self.problems.values())
        self.devices, self.problems, self.loaded, self.error = {}, {}, False, None
        if cleared:
            self.alerts_cleared.emit(cleared)
        self.changed.emit()

    @property
    def following(self) -> bool:
        return self._following

    def reload(self) -> None:
        if not self._following:
            return
        generation = self._generation

        def loaded(answer: list[Device] | None, error: HubError | None) -> None:
            # A list that arrives after its window closed (a clerk logged out) has nobody to tell.
            if shiboken6.isValid(self):
                self._on_loaded(answer, error, generation)

        self.client.list_devices(loaded)

    def _on_loaded(self, answer: list[Device] | None, error: HubError | None, generation: int | None = None) -> None:
        if not self._following:
            return
        if generation is not None and generation != self._generation:
            # An event came while this list was on its way: the list may predate it. Ask again
            # rather than let an older picture take back a newer alert (or clear it).
            self.reload()
            return
        if error is not None:
            self.error = error
            log.info("cannot list the hub's devices: %s", error)
            self.load_failed.emit(error)
            self.changed.emit()
            return
        if answer is None:
            log.warning("the hub's device list is empty; ignored")
            return
        devices = {}
        for listed in answer[:MAX_DEVICES]:
            device = DeviceView.parse(listed)
            if device is not None:
                devices[device.id] = device
        self.devices, self.loaded, self.error = devices, True, None
        self._recompute()

    def on_device_enrolled(self, event: DeviceEnrolled) -> None:
        if self._device_changed(event):
            self._soon.start()  # not yet "online" in its event; the list a moment later says it is

    def on_device_status(self, event: DeviceEvent) -> None:
        self._device_changed(event)

    def on_device_renamed(self, event: DeviceEvent) -> None:
        self._device_changed(event)

    def on_device_revoked(self, event: DeviceEvent) -> None:
        self._device_changed(event)

    def on_device_online(self, event: DeviceEvent) -> None:
        self._device_changed(event)

    def on_device_offline(self, event: DeviceEvent) -> None:
        self._device_changed(event)

    def _device_changed(self, event: DeviceEvent) -> bool:
        """`device.*` events carry the Device after the change: take it as it is. True when taken."""
        if not self._following:
            return False
        device = DeviceView.parse(event.device)
        if device is None:
            return False
        if len(self.devices) >= MAX_DEVICES and device.id not in self.devices:
            return False
        self._generation += 1
        self.devices[device.id] = device
        self._recompute()
        return True

    def rows(self) -> list[DeviceView]:
        """Kiosks, then boards, by name; revoked ones last."""
        watched = [d for d in self.devices.values() if d.kind in WATCHED_KINDS]
        return sorted(watched, key=lambda d: (d.revoked, WATCHED_KINDS.index(d.kind), d.name.casefold(), d.id))

    def _recompute(self) -> None:
        now = self.now()
        fresh = {}
        for device in self.devices.values():
            problem = device_problem(device, now)
            if problem is not None:
                fresh[device.id] = problem
        old_keys = {p.key for p in self.problems.values()}
        new_keys = {p.key for p in fresh.values()}
        raised = [p for p in fresh.values() if p.key not in old_keys]
        cleared = [p for p in self.problems.values() if p.key not in new_keys]
        self.problems = fresh
        for problem in raised:
            log.warning("device needs attention: %s (%s)", problem.device.name, problem.what)
        for problem in cleared:
            log.info("device fine again: %s (was %s)", problem.device.name, problem.what)
        if raised:
            self.alerts_raised.emit(raised)
        if cleared:
            self.alerts_cleared.emit(cleared)
        self.changed.emit()


class AlertSound(QObject):
    """The short alert, through the same sink as the boards' announcements (the sound card by default)."""

    def __init__(self, sink: Any = None, path: Path = ALERT_SOUND, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sink = sink
        self.path = path
        self._playing = False
        self.played = 0
        if sink is not None:
            sink.finished.connect(self._finished)

    def play(self) -> None:
        """Once; a second alert while the first still sounds is not stacked on it."""
        if self._playing:
            return
        if self._sink is None:
            from qt_common.sound import QtAudioSink

            self._sink = QtAudioSink(self)  # made on the first alert: most sessions never need it
            self._sink.finished.connect(self._finished)
        self._playing = True
        self.played += 1
        self._sink.play(str(self.path))

    def _finished(self, _path: str) -> None:
        self._playing = False


def _cell_text(device: DeviceView, column: str, now: datetime) -> tuple[str, bool]:
    """A cell's text and whether it is an alert."""
    if column == "device":
        return device.name, False
    if column == "kind":
        return tr(f"counter_ui.devices.kind.{device.kind}"), False
    if column == "connection":
        # Online, or offline with when it was last seen: one column, so the panel stays narrow.
        if device.revoked:
            return tr("counter_ui.devices.revoked"), False
        if device.online:
            return tr("counter_ui.devices.online"), False
        if device.last_seen_at is None:
            return tr("counter_ui.devices.never_seen"), False
        seconds = max(0.0, (now - device.last_seen_at).total_seconds())
        return tr("counter_ui.devices.offline_since", duration=format_duration(seconds)), True
    # printer
    if device.kind != "kiosk":
        return "", False
    if device.printer is None:
        return "—", False
    return tr(f"counter_ui.devices.printer.{device.printer}"), device.printer in BAD_PRINTER


COLUMNS = ("device", "kind", "connection", "printer")


class DevicesPanel(QWidget):
    """The Hall tab's table of kiosks and boards: online or not, last seen, printer."""

    def __init__(self, watch: DeviceWatch, table_factory: Callable[[int], Any], cell: Callable[..., Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.watch = watch
        self._cell = cell
        self.title = QLabel()
        theme.set_role(self.title, theme.Role.HEADING)
        self.note = QLabel()
        theme.set_role(self.note, theme.Role.MUTED)
        self.note.setWordWrap(True)
        self.note.hide()
        self.table = table_factory(len(COLUMNS))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addWidget(self.note)
        column.addWidget(self.table, 1)
        watch.changed.connect(self.refresh)
        language_notifier().language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self, *_: object) -> None:
        self.title.setText(tr("counter_ui.devices.title"))
        self.table.setHorizontalHeaderLabels([tr(f"counter_ui.devices.col.{c}") for c in COLUMNS])
        self.refresh()

    def refresh(self, *_: object) -> None:
        now = self.watch.now()
        rows = self.watch.rows()
        self.table.setRowCount(len(rows))
        for index, device in enumerate(rows):
            for column, name in enumerate(COLUMNS):
                text, alert = _cell_text(device, name, now)
                self.table.setItem(index, column, self._cell(text, alert=alert))
        error = self.watch.error
        if error is not None:
            key = "counter_ui.devices.unsupported" if error.status in (404, 405) else "counter_ui.devices.unavailable"
            self.note.setText(tr(key))
        elif self.watch.loaded and not rows:
            self.note.setText(tr("counter_ui.devices.none"))
        self.note.setVisible(error is not None or (self.watch.loaded and not rows))


def device_alert_stylesheet(colours: theme.Colours = theme.COLOURS) -> str:
    """The alert band's look: white text on the "called" amber of the screen's colour set."""
    return (
        f"QFrame#DeviceAlertBar {{ background: {colours.status_called}; border-radius: 8px; }}"
        f"QFrame#DeviceAlertBar QLabel {{ color: {colours.on_primary}; background: transparent; }}"
    )


class DeviceAlertBar(QFrame):
    """"Devices need attention" with one line per problem, above every tab, while there is one."""

    show_devices = Signal()

    def __init__(self, watch: DeviceWatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeviceAlertBar")
        self.watch = watch
        self.title = QLabel(self)
        self.title.setFont(theme.app_font(14, bold=True))
        self.lines = QLabel(self)
        self.lines.setWordWrap(True)
        self.lines.setTextFormat(Qt.TextFormat.PlainText)
        self.lines.setFont(theme.app_font(14))
        self.button = TextButton(self)
        self.button.clicked.connect(self.show_devices.emit)
        # One band, title then problems then the button: it must not eat the page's height.
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 2, 8, 2)
        row.setSpacing(12)
        row.addWidget(self.title, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.lines, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        watch.changed.connect(self.refresh)
        language_notifier().language_changed.connect(self.refresh)
        self.setStyleSheet(device_alert_stylesheet(theme.applied_colours()))
        self.suppressed = False
        self.hide()
        self.refresh()

    def set_suppressed(self, suppressed: bool) -> None:
        """Out of sight in compact mode (a strip one line high); the sound still plays."""
        self.suppressed = suppressed
        self.refresh()

    def texts(self) -> list[str]:
        now = self.watch.now()
        problems = sorted(self.watch.problems.values(), key=lambda p: (p.what != "offline", p.device.name.casefold()))
        return [problem_text(p, now) for p in problems]

    def refresh(self, *_: object) -> None:
        lines = self.texts()
        self.title.setText(tr("counter_ui.devices.alert.title"))
        self.button.setText(tr("counter_ui.devices.alert.show"))
        shown = lines[:4]
        if len(lines) > 4:
            shown.append(tr("counter_ui.devices.alert.more", n=len(lines) - 4))
        self.lines.setText("\n".join(shown))
        self.setVisible(bool(lines) and not self.suppressed)
