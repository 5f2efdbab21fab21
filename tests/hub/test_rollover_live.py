"""The business day's end on a real hub: a visitor still at a counter is carried into the new day.

The hub runs as a subprocess on the real clock, so the test moves the rollover rather than the
time: the centre's time zone is picked so that it is about noon there, the first run sets the
rollover at 14:00 (still yesterday's business day) and the restart sets it at 11:00 (today's).
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.support import LiveHub, bearer, demo_config_text


def centre_at_noon(rollover_hour: int) -> str:
    """The demo centre in a fixed-offset zone where it is now 12:xx, rolling over at `rollover_hour`."""
    utc_hour = time.gmtime().tm_hour
    offset = 12 - utc_hour  # -11 … +12; Etc/GMT-N is N hours *ahead* of UTC
    zone = f"Etc/GMT{'-' if offset >= 0 else '+'}{abs(offset)}"
    text = demo_config_text()
    text = text.replace('time_zone = "Asia/Riyadh"', f'time_zone = "{zone}"', 1)
    return text.replace("rollover_hour = 3", f"rollover_hour = {rollover_hour}", 1)


def test_a_transfer_after_the_rollover_waits_on_the_new_day(tmp_path: Path):
    """The visitor served across the rollover is sent on: a waiting entry dated today, listed as waiting."""
    hub = LiveHub(tmp_path / "hub", config_text=centre_at_noon(rollover_hour=14)).start()
    try:
        kiosk = hub.enroll("kiosk")
        session, counter_id = hub.login(1)
        with httpx.Client(base_url=f"{hub.url}/api/v1", timeout=10) as client:
            services = {s["code"]: s["id"] for s in client.get("/services", headers=bearer(kiosk)).json()}
            issued = client.post("/tickets", json={"service_id": services["A"]}, headers=bearer(kiosk)).json()
            called = client.post(f"/counters/{counter_id}/call-next", headers=bearer(session)).json()
            assert called["id"] == issued["id"]
            assert client.post(f"/tickets/{issued['id']}/start", headers=bearer(session)).status_code == 200
            yesterday = issued["business_day"]

        hub.stop()
        hub.config_path.write_text(centre_at_noon(rollover_hour=11), encoding="utf-8")
        hub.start()

        with httpx.Client(base_url=f"{hub.url}/api/v1", timeout=10) as client:
            today = client.get("/state", headers=bearer(kiosk)).json()["business_day"]
            assert today > yesterday, "the restart with an earlier rollover hour starts a new business day"
            closed = client.get(f"/tickets/{issued['id']}", headers=bearer(kiosk)).json()
            assert closed["status"] == "done", "the rollover closed it as served on its own day"

            other, _ = hub.login(2, "clerk2")
            stranger = client.post(f"/tickets/{issued['id']}/transfer", json={"service_id": services["B"]}, headers=bearer(other))
            assert stranger.status_code == 409, "only the counter that had the visitor may send them on"
            moved = client.post(f"/tickets/{issued['id']}/transfer", json={"service_id": services["B"]}, headers=bearer(session))
            assert moved.status_code == 200, moved.text
            entry = moved.json()
            assert (entry["business_day"], entry["status"], entry["service_id"]) == (today, "waiting", services["B"])
            assert entry["number"] == issued["number"] and entry["code"] == issued["code"]

            waiting = client.get("/tickets", params={"status": "waiting"}, headers=bearer(session))
            assert waiting.status_code == 200, waiting.text
            assert [t["id"] for t in waiting.json()] == [entry["id"]]
            # its own day stays as the rollover closed it
            assert client.get(f"/tickets/{issued['id']}", headers=bearer(kiosk)).json()["status"] == "done"

            again = client.post(f"/tickets/{issued['id']}/transfer", json={"service_id": services["C"]}, headers=bearer(session))
            assert again.status_code == 409 and again.json()["error"] == "closed_at_rollover", "a visitor is sent on once"
    finally:
        hub.stop()
