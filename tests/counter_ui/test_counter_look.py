"""A counter's colours and text size come from its entry of the centre file (`theme`,
`large_text`), unless its command line fixed them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from qt_common import theme
from tests.counter_ui.conftest import WAIT_MS, Hall
from tests.support import LiveHub, demo_config_text


@pytest.fixture
def set_hall(tmp_path: Path, qapp: QApplication) -> Iterator[Hall]:
    """A hub whose counter 1 is set to high contrast and large text (counter 2 to neither)."""
    text = demo_config_text().replace(
        'number = 1\nservices = ["A", "D"]\n', 'number = 1\nservices = ["A", "D"]\ntheme = "high-contrast"\nlarge_text = true\n', 1
    )
    assert 'theme = "high-contrast"' in text
    hub = LiveHub(tmp_path / "hub", config_text=text).start()
    hall = Hall(hub, tmp_path / "config")
    yield hall
    hall.close()
    hub.stop()


def test_the_counters_entry_sets_its_colours_and_text_size(qtbot, set_hall: Hall) -> None:
    """Counter 1 draws itself in the high-contrast colours with every text larger, from the login
    page on; counter 2, with no such entry, keeps the usual look; the hub says both in `/state`."""
    counters = {c["number"]: c for c in set_hall.state()["counters"]}
    assert (counters[1]["theme"], counters[1]["large_text"]) == ("high-contrast", True)
    assert (counters[2]["theme"], counters[2]["large_text"]) == ("standard", False)
    plain = set_hall.window(qtbot, counter=2, user=None)
    qtbot.waitUntil(lambda: plain.client.state.loaded, timeout=WAIT_MS)
    usual_pt = plain.title.font().pointSizeF()
    window = set_hall.window(qtbot, counter=1, user=None)
    qtbot.waitUntil(lambda: window.look == ("high-contrast", True), timeout=WAIT_MS)
    assert f"color: {theme.HIGH_CONTRAST.text}" in window.styleSheet()
    assert window.title.font().pointSizeF() == pytest.approx(usual_pt * theme.LARGE_TEXT_SCALE)
    assert plain.look == ("standard", False) and plain.styleSheet() == ""
    assert plain.title.font().pointSizeF() == pytest.approx(usual_pt)


def test_flags_on_the_counters_command_line_win_over_its_entry(qtbot, set_hall: Hall) -> None:
    """A counter started with --theme or --large-text keeps what its command line set."""
    from counter_ui.app import build_counter_window

    client = set_hall.client("counter-fixed")
    window = build_counter_window(client, counter=1, look_fixed=True)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: client.state.loaded, timeout=WAIT_MS)
    window.follow_counter_look()
    assert window.look == ("standard", False) and window.styleSheet() == ""
