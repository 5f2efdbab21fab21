"""The clerk's own scorecard in the counter app, offscreen against a real hub holding a constructed month."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from core.commands import open_store
from core.config import parse_config
from core.security import hash_pin
from counter_ui.views import ScorecardDialog, shift_month
from qt_common.i18n import Language, set_language
from tests.core.test_voice_league import build_month
from tests.counter_ui.conftest import WAIT_MS, Hall, shoot
from tests.support import LiveHub

PIN = "7391"


@pytest.fixture
def month_hall(tmp_path: Path, qapp: QApplication) -> Iterator[Hall]:
    """A hub whose database holds November 2026 of the league tests; ana may log in with PIN."""
    hub = LiveHub(tmp_path / "hub")
    with open_store(hub.db_path, parse_config(hub.config_text)) as store:
        build_month(store, {}, pin_hash=hash_pin(PIN))
    hub.start()
    hall = Hall(hub, tmp_path / "config")
    yield hall
    hall.close()
    hub.stop()


def open_card(qtbot, window) -> ScorecardDialog:
    window.figures_panel.month.click()
    qtbot.waitUntil(lambda: window.scorecard_dialog is not None and window.scorecard_dialog.answer is not None, timeout=WAIT_MS)
    return window.scorecard_dialog


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_clerk_sees_their_own_month_and_place(month_hall: Hall, qtbot, out_dir: Path, lang: str):
    """ana opens her card: this month first, then November: 120 served, place 1 of 4, two complaints
    named by ticket (no text); the centre's figures beside hers."""
    window = month_hall.window(qtbot, counter=1, user="ana", pin=PIN, language=lang)
    dialog = open_card(qtbot, window)
    assert dialog.answer.card.clerk == "ana"
    if dialog.month != "2026-11":
        first = dialog.month
        dialog.previous.click()
        qtbot.waitUntil(lambda: dialog.month == shift_month(first, -1), timeout=WAIT_MS)
        while dialog.month != "2026-11":  # the test machine's clock may be past December
            current = dialog.month
            dialog.previous.click()
            qtbot.waitUntil(lambda: dialog.month == shift_month(current, -1), timeout=WAIT_MS)
    card = dialog.answer.card
    assert (card.served, card.rank, card.complaints, dialog.answer.ranked) == (120, 1, 2, 4)
    assert dialog.mine["served"].text().strip("\u2066\u2069") == "120"
    assert dialog.mine["satisfied"].text().strip("\u2066\u2069") == "60.0%"
    assert dialog.centre["ratings"].text().strip("\u2066\u2069") == "530"
    assert dialog.complaints.count() == 2 and "S" in dialog.complaints.item(0).text()
    assert ("1" in dialog.rank.text()) and ("4" in dialog.rank.text())
    if lang == "ar":
        assert "ترتيبي" in dialog.rank.text() and dialog.layoutDirection().name == "RightToLeft"
    shoot(dialog, out_dir, f"scorecard-{lang}")


def test_a_clerk_with_few_ratings_is_told_why_they_are_not_ranked(month_hall: Hall, qtbot):
    """new (50 ratings) reads that ranking starts at 100 ratings; every figure still shows."""
    set_language(QApplication.instance(), Language.EN)
    window = month_hall.window(qtbot, counter=5, user="new", pin=PIN, language="en")
    dialog = open_card(qtbot, window)
    while dialog.month != "2026-11":
        current = dialog.month
        dialog.previous.click()
        qtbot.waitUntil(lambda: dialog.month == shift_month(current, -1), timeout=WAIT_MS)
    assert dialog.answer.card.rank is None
    assert "50" in dialog.rank.text() and "100" in dialog.rank.text() and "Not ranked" in dialog.rank.text()
    assert dialog.complaints.item(0).text() == "No complaints about my visits this month."


def test_months_move_by_one_across_the_year():
    """December's next month is January of the next year; January's previous is December."""
    assert shift_month("2026-12", 1) == "2027-01"
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2026-11", -1) == "2026-10"
