"""The supervisor's Hall tab, fed by hand: the KPI time on the centre's clock."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from core.contract import Stats
from core.live_state import HubState
from counter_ui.hall import HallView
from counter_ui.model import CounterModel
from qt_common.hub_client import HubClient
from qt_common.i18n import strip_bidi
from tests.contract_samples import centre_json, state_json, stats_json


def _state(time_zone: str | None) -> HubState:
    """The hall at seq 1 in `time_zone`; None: no snapshot yet (the zone is unknown)."""
    if time_zone is None:
        return HubState()
    return HubState.from_snapshot(state_json(1, centre=centre_json(time_zone=time_zone), services=[]))


@pytest.fixture
def offline_client(qapp, tmp_path: Path):
    """A client that never connects; tests give it a state by hand."""
    client = HubClient("http://127.0.0.1:9", device_name="counter-hall", kind="counter", config_dir=tmp_path)
    yield client
    client.stop()


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Asia/Riyadh", "10:00"), ("Asia/Dubai", "11:00"), (None, "07:00"), ("Mars/Olympus", "07:00")],
)
def test_kpi_update_time_is_on_the_centres_clock(offline_client, qtbot, zone, shown):
    """A PC set to UTC shows the last KPI update in the centre's zone (an unknown zone leaves the time as it is)."""
    offline_client.state = _state(zone)
    model = CounterModel(offline_client, now=lambda: datetime(2026, 11, 24, 7, 0, tzinfo=timezone.utc))
    view = HallView(model)
    qtbot.addWidget(view)
    view.on_stats(Stats.model_validate(stats_json(by_service=[], by_clerk=[])))
    assert strip_bidi(view.updated.text()).endswith(shown), view.updated.text()
