"""The supervisor's devices panel and alerts, fed by hand with the contract's Device objects.

The live tests against a real hub (a kiosk's printer running out, a board dropping off) are in
test_devices_live.py; these pin the rules: what is a problem, when an alert rises and clears,
one sound per update, hostile fields read as unknown.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.contract import Device, EventBase, parse_event
from counter_ui.app import build_counter_window
from counter_ui.devices import ALERT_SOUND, AlertSound, DeviceView, DeviceWatch, device_problem, problem_text
from qt_common.hub_client import HubClient
from qt_common.i18n import Language, set_language, strip_bidi
from qt_common.sound import RecordingSink
from qt_common.wav import read_info

RIYADH = timezone(timedelta(hours=3))
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def device(device_id: int, name: str, kind: str = "kiosk", *, online: bool = True, seen: timedelta | None = timedelta(0),
           printer: str | None = "ok", revoked: bool = False) -> Device:
    """A Device object as the contract gives it."""
    return Device.model_validate(device_json(device_id, name, kind, online=online, seen=seen, printer=printer, revoked=revoked))


def device_json(device_id: int, name: str, kind: str = "kiosk", *, online: bool = True, seen: timedelta | None = timedelta(0),
                printer: str | None = "ok", revoked: bool = False) -> dict:
    return {
        "id": device_id, "name": name, "kind": kind, "enrolled_at": iso(NOW - timedelta(days=30)),
        "last_seen_at": iso(NOW - seen) if seen is not None else None, "online": online,
        "revoked_at": iso(NOW - timedelta(days=1)) if revoked else None,
        "status": {"printer": printer} if printer else None, "status_at": iso(NOW) if printer else None,
        "printer": printer if kind == "kiosk" else None, "certificate_fingerprint": None,
    }


@pytest.fixture
def client(qapp, tmp_path: Path):
    """A client whose hub is a closed port: requests fail at once, events are emitted by hand."""
    made = HubClient("http://127.0.0.1:9", device_name="counter-sup", kind="counter", config_dir=tmp_path, timeout_ms=1000)
    yield made
    made.stop()


@pytest.fixture
def watch(client, qtbot):
    """A started watch whose first (refused) list request has come back; tests then feed it."""
    made = DeviceWatch(client, now=lambda: NOW)
    made.start()
    qtbot.waitUntil(lambda: made.error is not None, timeout=5000)
    return made


def device_event(seq: int, kind: str, changed: Device, **fields: object) -> EventBase:
    """A device.* event as the client hands it on: parsed from the hub's frame."""
    if kind == "device.status":
        fields.setdefault("status", {"printer": changed.printer})
    return parse_event({"seq": seq, "type": kind, "at": iso(NOW), "device": changed.to_dict(), **fields})


def feed(watch: DeviceWatch, devices: list[Device]) -> None:
    watch._on_loaded(devices, None)


# --- reading the hub's objects ----------------------------------------------------------------


@pytest.mark.parametrize("device_id", [0, -3])
def test_objects_without_a_usable_id_are_left_out(device_id: int) -> None:
    """A Device without a positive id is not a device to show."""
    assert DeviceView.parse(device(device_id, "kiosk-x")) is None


@pytest.mark.parametrize(
    "bad", [{"id": "four"}, {"id": None}, {"kind": "toaster"}, {"printer": "on fire"}, {"online": "perhaps"}, {"name": None}]
)
def test_devices_off_the_contract_are_refused_when_parsed(bad: dict) -> None:
    """Wrong-typed ids, unknown kinds and printer states never become a Device at all."""
    with pytest.raises(ValueError):
        Device.model_validate({**device_json(7, "kiosk-x"), **bad})


def test_hostile_fields_are_read_as_unknown() -> None:
    """Unreadable times and huge or reordering names never reach the screen as they are."""
    view = DeviceView.parse(Device.model_validate({**device_json(7, "k\n" + "x" * 5000), "last_seen_at": "yesterday"}))
    assert view is not None and view.last_seen_at is None
    assert "\n" not in view.name and len(view.name) <= 80
    reversed_name = DeviceView.parse(device(8, "\u202ekiosk\x1b[31m\u2066"))
    assert reversed_name.name == "kiosk [31m"  # no override, isolate or escape left to reorder the cell


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (device(1, "kiosk-a", printer="paper_out"), "paper_out"),
        (device(1, "kiosk-a", printer="cover_open"), "cover_open"),
        (device(1, "kiosk-a", printer="silent"), "silent"),
        (device(1, "kiosk-a", printer="offline"), "offline"),
        (device(1, "kiosk-a", printer="paper_near_end"), None),
        (device(1, "kiosk-a", printer="ok"), None),
        (device(1, "kiosk-a", printer=None), None),
        (device(2, "board-1", "display", online=False, seen=timedelta(minutes=5)), "offline"),
        (device(2, "board-1", "display", online=False, seen=timedelta(days=3)), None),
        (device(2, "board-1", "display", online=False, seen=None), None),
        (device(1, "kiosk-a", online=False, seen=timedelta(minutes=2), printer="paper_out"), "offline"),
        (device(1, "kiosk-a", printer="paper_out", revoked=True), None),
        (device(3, "counter-3", "counter", online=False, seen=timedelta(minutes=1)), None),
    ],
)
def test_what_counts_as_a_problem(raw: dict, what: str | None) -> None:
    """A bad printer on a kiosk, or a kiosk/board gone within the last day; not paper-near-end, revoked or counters."""
    problem = device_problem(DeviceView.parse(raw), NOW)
    assert (problem.what if problem else None) == what


def test_alert_texts_in_both_languages() -> None:
    """An alert names the device and what it needs, in Arabic and English, with the name kept whole."""
    gone = device_problem(DeviceView.parse(device(2, "board-1", "display", online=False, seen=timedelta(minutes=5))), NOW)
    paper = device_problem(DeviceView.parse(device(1, "kiosk-hall", printer="paper_out")), NOW)
    assert problem_text(paper, NOW, Language.EN) == "kiosk-hall: the printer is out of paper"
    assert strip_bidi(problem_text(paper, NOW, Language.AR)) == "الجهاز kiosk-hall: نفد ورق الطابعة"
    assert problem_text(gone, NOW, Language.EN) == "board-1: offline for 5 min"
    assert strip_bidi(problem_text(gone, NOW, Language.AR)) == "الجهاز board-1 غير متصل منذ 5 دقائق"


def test_alerts_rise_once_and_clear_on_recovery(watch, qtbot) -> None:
    """A new problem raises one alert; the same problem again raises none; recovery clears it."""
    raised, cleared = [], []
    watch.alerts_raised.connect(raised.append)
    watch.alerts_cleared.connect(cleared.append)
    feed(watch, [device(1, "kiosk-a"), device(2, "board-1", "display")])
    assert raised == [] and watch.problems == {}
    feed(watch, [device(1, "kiosk-a", printer="paper_out"), device(2, "board-1", "display")])
    assert [[p.what for p in batch] for batch in raised] == [["paper_out"]]
    feed(watch, [device(1, "kiosk-a", printer="paper_out"), device(2, "board-1", "display")])
    assert len(raised) == 1
    # Through an event, as the hub sends it: the Device object after the change.
    watch.client.event_received.emit(device_event(5, "device.status", device(1, "kiosk-a", printer="ok")))
    assert [[p.what for p in batch] for batch in cleared] == [["paper_out"]]
    assert watch.problems == {}
    # A problem that changes (paper put in, cover left open) is a new alert.
    watch.client.event_received.emit(device_event(6, "device.status", device(1, "kiosk-a", printer="cover_open")))
    watch.client.event_received.emit(
        device_event(7, "device.offline", device(2, "board-1", "display", online=False, seen=timedelta(seconds=40))))
    assert [[p.what for p in batch] for batch in raised] == [["paper_out"], ["cover_open"], ["offline"]]


def test_an_older_hubs_status_event_is_not_taken_for_a_device(watch) -> None:
    """A device.status without the whole Device object (an older hub) is not the contract's: it never reaches the watch."""
    feed(watch, [device(1, "kiosk-a")])
    with pytest.raises(ValueError):
        parse_event({"seq": 3, "type": "device.status", "at": iso(NOW), "device": {"id": 1, "name": "kiosk-a", "kind": "kiosk"},
                     "status": {"printer": "paper_out"}})
    assert watch.problems == {} and watch.devices[1].printer == "ok"


def test_a_clerk_after_the_supervisor_gets_no_alerts(watch) -> None:
    """stop() (a clerk logs in) forgets the devices, clears the alerts and ignores later events."""
    cleared = []
    watch.alerts_cleared.connect(cleared.append)
    feed(watch, [device(1, "kiosk-a", printer="paper_out")])
    watch.stop()
    assert watch.devices == {} and watch.problems == {} and len(cleared) == 1
    watch.client.event_received.emit(device_event(9, "device.status", device(1, "kiosk-a", printer="silent")))
    assert watch.problems == {}


def test_the_list_is_bounded_and_sorted(watch) -> None:
    """Kiosks first, then boards, by name; counters and admin devices are not listed; revoked last."""
    feed(watch, [device(5, "zeta", "display"), device(4, "Beta"), device(3, "alpha"), device(2, "c-1", "counter"),
                 device(6, "old", revoked=True), device(7, "tool", "admin")])
    assert [d.name for d in watch.rows()] == ["alpha", "Beta", "zeta", "old"]


# --- the sound ----------------------------------------------------------------------------------


def test_the_alert_sound_is_a_short_real_wav() -> None:
    """The shipped alert is a PCM WAV of under a second."""
    info = read_info(ALERT_SOUND)
    assert 0.2 < info.duration_seconds < 1.0 and info.format.channels == 1


def test_one_sound_per_update_and_never_stacked(qapp, qtbot) -> None:
    """Three alerts at once play once; an alert while the sound still plays is not stacked on it."""
    sink = RecordingSink(realtime=True)
    sound = AlertSound(sink)
    sound.play()
    sound.play()
    assert sink.paths == [str(ALERT_SOUND)]
    qtbot.waitUntil(lambda: sink.handed[0].finished_at is not None, timeout=5000)
    sound.play()
    assert len(sink.paths) == 2


# --- on screen ------------------------------------------------------------------------------------


def test_the_window_shows_the_alert_on_every_tab_and_plays_the_sound(app, qtbot, tmp_path: Path) -> None:
    """A supervisor's window: the bar lists each problem in the current language and goes when they clear."""
    sink = RecordingSink()
    client = HubClient("http://127.0.0.1:9", device_name="counter-sup2", kind="counter", config_dir=tmp_path, timeout_ms=1000)
    window = build_counter_window(client, alert_sink=sink)
    qtbot.addWidget(window)
    window.show()
    try:
        watch = window.hall.device_watch
        watch._now = lambda: NOW
        watch.start()
        qtbot.waitUntil(lambda: watch.error is not None, timeout=5000)
        feed(watch, [device(1, "kiosk-hall", printer="paper_out"),
                     device(2, "board-1", "display", online=False, seen=timedelta(minutes=3))])
        assert window.device_alerts.isVisible()
        assert [strip_bidi(line) for line in window.device_alerts.lines.text().split("\n")] == [
            "الجهاز board-1 غير متصل منذ 3 دقائق", "الجهاز kiosk-hall: نفد ورق الطابعة"]
        assert sink.paths == [str(ALERT_SOUND)]
        set_language(app, Language.EN)
        assert window.device_alerts.title.text() == "Devices need attention"
        assert window.device_alerts.lines.text().split("\n")[1] == "kiosk-hall: the printer is out of paper"
        set_language(app, Language.AR)
        feed(watch, [device(1, "kiosk-hall"), device(2, "board-1", "display")])
        assert not window.device_alerts.isVisible() and len(sink.paths) == 1
    finally:
        client.stop()


def test_a_list_older_than_an_event_does_not_undo_it(watch, qtbot) -> None:
    """A device list asked for before an event, answered after it, is dropped (and asked for again), not applied."""
    feed(watch, [device(1, "kiosk-a")])
    raised, cleared = [], []
    watch.alerts_raised.connect(raised.append)
    watch.alerts_cleared.connect(cleared.append)
    asked_at = watch._generation
    watch.client.event_received.emit(device_event(4, "device.status", device(1, "kiosk-a", printer="paper_out")))
    watch._on_loaded([device(1, "kiosk-a", printer="ok")], None, asked_at)  # the stale answer
    assert watch.devices[1].printer == "paper_out" and cleared == [] and len(raised) == 1
    watch._on_loaded([device(1, "kiosk-a", printer="paper_out")], None, watch._generation)  # the fresh one
    assert len(raised) == 1 and cleared == []
