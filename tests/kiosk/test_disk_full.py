"""A hub whose disk is full (507 disk_full): the kiosk shows "temporarily unavailable", then serves again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kiosk.conftest import WAIT_MS
from tests.support import LiveHub, SmallDisk, namespaces_work


@pytest.mark.skipif(not namespaces_work(), reason="needs unprivileged user and mount namespaces (unshare -rm)")
def test_a_full_disk_shows_unavailable_and_the_kiosk_serves_again(make_kiosk, qtbot, tmp_path: Path, out_dir: Path) -> None:
    """On a really full disk a touch ends on the unavailable screen, no number; with space back it issues."""
    hub = LiveHub(tmp_path / "hub")
    disk = SmallDisk(hub, tmp_path).start()
    try:
        window = make_kiosk(hub, name="kiosk-full-disk")
        window._hub_trouble_timer.setInterval(300)
        service_id = window.services[0].id
        disk.fill()
        window.choose_service(service_id)
        qtbot.waitUntil(lambda: not window.issuing, timeout=WAIT_MS)
        assert window.screen_name == "unavailable" and window.current_ticket is None
        assert window.issue_count == 0
        window.grab().save(str(out_dir / "kiosk-disk-full.png"))
        qtbot.waitUntil(lambda: window.screen_name == "home", timeout=WAIT_MS)  # it tries again by itself
        disk.free()
        window.choose_service(service_id)
        qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
        assert window.issue_count == 1 and window.current_ticket is not None
    finally:
        hub.stop()
