"""Within reach: from the kiosk's placement setting and the widgets' geometry, every touch
target of every screen lies 380-1220 mm above the floor and is at least 9 mm square."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton

from kiosk.reach import REACH_HIGH_MM, MIN_TARGET_MM, Placement, PlacementError, TargetPlace, parse_size
from tests.kiosk.conftest import WAIT_MS
from tests.support import LiveHub

#: a floor-standing 32-inch portrait kiosk: 400 × 710 mm of glass, its bottom edge 750 mm up
TALL = Placement(bottom_mm=750, width_mm=400, height_mm=710)
TALL_PX = (1080, 1920)
#: a 22-inch landscape kiosk on a counter-height stand: 476 × 298 mm, bottom edge 820 mm up
DESK = Placement(bottom_mm=820, width_mm=476, height_mm=298)
DESK_PX = (1280, 800)
SHOTS = Path(__file__).resolve().parents[2] / "shots"


def targets(window, placement: Placement) -> list[TargetPlace]:
    """Every touch target in sight, placed in millimetres above the floor."""
    mm_x, mm_y = placement.mm_per_px(window.width(), window.height())
    found = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or button.width() <= 0:
            continue
        top = button.mapTo(window, QPoint(0, 0)).y()
        found.append(TargetPlace(
            name=button.accessibleName() or button.text() or button.objectName(),
            low_mm=placement.height_at(top + button.height(), window.height()),
            high_mm=placement.height_at(top, window.height()),
            width_mm=button.width() * mm_x,
            height_mm=button.height() * mm_y,
        ))
    return found


def problems_on_every_screen(window, qtbot, placement: Placement) -> tuple[int, list[str]]:
    checked, problems = 0, []
    for language in ("ar", "en"):
        window.set_language(language)
        for name in list(window.screens):
            window.show_screen(name)
            qtbot.wait(20)
            for place in targets(window, placement):
                checked += 1
                problems += [f"{name} ({language}): {p}" for p in place.problems()]
    window.set_language("ar")
    window.go_home()
    return checked, problems


def issue_one(window, qtbot) -> None:
    card = next(c for c in window.home.service_cards.values() if c.isEnabled())
    card.click()
    qtbot.waitUntil(lambda: window.screen_name == "issued", timeout=WAIT_MS)
    window._return_timer.stop()


def test_a_tall_screen_offers_the_low_layout_and_then_every_target_is_in_reach(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """On a 1460 mm tall kiosk the usual layout leaves the header's switches above 1220 mm; the
    low-layout button (itself in reach) moves every choice of every screen, the speech controls
    included, into 380-1220 mm, each at least 9 mm square; the top keeps only information."""
    window = make_kiosk(demo_hub, placement=TALL, touch_guard_ms=0)
    window.resize(*TALL_PX)
    qtbot.waitUntil(lambda: window.size().toTuple() == TALL_PX, timeout=WAIT_MS)
    assert window.needs_low_layout()
    usual = [p for place in targets(window, TALL) for p in place.problems()]
    assert any("above 1220" in p for p in usual), usual
    button = window.low_layout_button
    assert button.isVisible() and button.accessibleName() == "تخطيط منخفض"
    assert not [p for p in targets(window, TALL) if p.name == "تخطيط منخفض" and p.problems()]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.low_layout and button.accessibleName() == "تخطيط عادي"
    qtbot.wait(50)
    reach_line = TALL.reach_top_px(window.height())
    assert window.stack.mapTo(window, QPoint(0, 0)).y() >= reach_line - 1  # the choices begin below it
    window.guidance.set_active(True)
    issue_one(window, qtbot)
    checked, problems = problems_on_every_screen(window, qtbot, TALL)
    assert checked > 60 and problems == [], "\n".join(problems)
    SHOTS.mkdir(exist_ok=True)
    for language in ("ar", "en"):
        window.set_language(language)
        window.go_home()
        qtbot.wait(50)
        assert window.grab().save(str(SHOTS / f"kiosk-low-layout-{language}.png"))
    window.set_language("ar")
    window.guidance.set_active(False)
    window._idle_reset()  # the next visitor finds the usual layout
    assert not window.low_layout and window.reach_gap.isHidden()


def test_a_desk_kiosk_is_all_in_reach_and_offers_nothing(make_kiosk, demo_hub: LiveHub, qtbot) -> None:
    """A landscape kiosk whose top is at 1118 mm: no low layout offered, and already every
    target of every screen is in reach and large enough."""
    window = make_kiosk(demo_hub, placement=DESK, touch_guard_ms=0)
    window.resize(*DESK_PX)
    qtbot.waitUntil(lambda: window.size().toTuple() == DESK_PX, timeout=WAIT_MS)
    assert not window.needs_low_layout() and not window.low_layout_button.isVisible()
    issue_one(window, qtbot)
    checked, problems = problems_on_every_screen(window, qtbot, DESK)
    assert checked > 40 and problems == [], "\n".join(problems)


def test_the_reach_computation_itself() -> None:
    """Pixel rows to millimetres: the window's top is the screen's top, its bottom the bottom
    edge; the reach line of the tall kiosk is 240 mm below its top; a small target is caught."""
    assert TALL.height_at(0, 1920) == pytest.approx(1460)
    assert TALL.height_at(1920, 1920) == pytest.approx(750)
    line = TALL.reach_top_px(1920)
    assert TALL.height_at(line, 1920) <= REACH_HIGH_MM < TALL.height_at(line - 1, 1920)
    assert DESK.reach_top_px(800) == 0
    small = TargetPlace("x", 900, 905, 5, 5)
    assert any(f"under {MIN_TARGET_MM:g} mm" in p for p in small.problems())
    assert TargetPlace("low", 300, 400, 20, 20).problems() and TargetPlace("ok", 400, 1200, 20, 20).problems() == []


@pytest.mark.parametrize(
    ("bottom", "width", "height"),
    [(-1, 400, 700), (float("nan"), 400, 700), (700, 0, 700), (700, 400, float("inf")), (True, 400, 700), ("700", 400, 700), (10_000, 400, 700)],
)
def test_unusable_placements_are_refused(bottom, width, height) -> None:
    """Negative, missing, infinite, text or absurd sizes are refused in both languages."""
    with pytest.raises(PlacementError) as refused:
        Placement(bottom, width, height)
    assert refused.value.message_ar and refused.value.message_en


@pytest.mark.parametrize("text", ["", "400", "400x", "axb", "400x700x3", "x" * 100])
def test_unusable_sizes_are_refused(text: str) -> None:
    """A size that is not WIDTHxHEIGHT is refused."""
    with pytest.raises(PlacementError):
        parse_size(text)


@pytest.mark.parametrize(
    "extra",
    [["--screen-bottom-mm", "750"], ["--screen-size-mm", "400x710"], ["--screen-bottom-mm", "-5", "--screen-size-mm", "400x710"],
     ["--screen-bottom-mm", "750", "--screen-size-mm", "400"], ["--screen-bottom-mm", "nan", "--screen-size-mm", "400x710"],
     ["--screen-bottom-mm", "750", "--screen-size-mm", "0x0"]],
)
def test_the_kiosks_placement_options_are_checked_before_it_starts(extra: list[str], capsys) -> None:
    """Half a placement, a negative or missing height, a size that is not WIDTHxHEIGHT: exit 2 and why."""
    import argparse

    from kiosk import cli

    root = argparse.ArgumentParser(prog="tabour")
    cli.register(root.add_subparsers(dest="role"))
    assert cli.run(root.parse_args(["kiosk", "--hub", "http://127.0.0.1:9", *extra])) == 2
    assert capsys.readouterr().err.startswith("kiosk: ")


@pytest.fixture(scope="module")
def tall_hub(tmp_path_factory: pytest.TempPathFactory):
    """A hub whose centre file says its kiosks are the tall floor-standing kind."""
    from tests.support import demo_config_text

    text = demo_config_text().replace("[rules]\n", "[kiosk]\nscreen_bottom_mm = 750\nscreen_width_mm = 400\nscreen_height_mm = 710\n\n[rules]\n", 1)
    assert "[kiosk]" in text
    hub = LiveHub(tmp_path_factory.mktemp("kiosk-tall-hub"), config_text=text).start()
    yield hub
    hub.stop()


def test_the_centre_files_placement_reaches_every_kiosk_and_a_flag_wins(make_kiosk, tall_hub: LiveHub, qtbot) -> None:
    """With no flag, a kiosk takes `[kiosk]` from the hub's state and offers the low layout on its
    tall screen; one started with its own placement (a desk kiosk) keeps it and offers nothing."""
    window = make_kiosk(tall_hub)
    window.resize(*TALL_PX)
    qtbot.waitUntil(lambda: window.placement == TALL and window.size().toTuple() == TALL_PX, timeout=WAIT_MS)
    assert window.needs_low_layout() and window.low_layout_button.isVisible()
    desk = make_kiosk(tall_hub, name="kiosk-desk", placement=DESK)
    desk.resize(*DESK_PX)
    qtbot.waitUntil(lambda: desk.size().toTuple() == DESK_PX, timeout=WAIT_MS)
    assert desk.placement == DESK and not desk.low_layout_button.isVisible()
