"""The all-in-one demo tiles its windows to the screen it has: none over another, each whole.

At 1366×768, 1920×1080 and 3840×2160 (less a task bar), in both languages, every window is
checked by tests/fit.py; a picture of the whole screen goes to out/screens/demo/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPainter

from display_board.announcer import RecordingSink
from launcher.allinone import arrange, build_hall, plan_tiling
from launcher.embedded import EmbeddedHub
from tests.fit import OUT_DIR, SCREENS, fit_problems, settle

TASK_BAR_PX = 48
WAIT_MS = 20_000


@pytest.fixture(params=["ar", "en"])
def hall(request, qapp, qtbot, tmp_path: Path):
    from qt_common.app import create_app
    from qt_common.i18n import Language, set_language

    app = create_app(lang=request.param)
    hub = EmbeddedHub(tmp_path / "demo.sqlite", enroll_code="demo-fit-1", simulated_clerks=0).start()
    built = build_hall(hub, config_dir=tmp_path / "devices", printer=None, language=request.param,
                       sink=RecordingSink(), announce=False)
    built.language = request.param
    for window in built.windows():
        window.show()
    qtbot.waitUntil(lambda: all(client.online for client in built.clients.values()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: built.counter.model.logged_in, timeout=WAIT_MS)
    yield built
    built.close()
    set_language(app, Language.AR)


def picture(hall, screen: tuple[int, int], path: Path) -> None:
    image = QImage(screen[0], screen[1], QImage.Format.Format_RGB32)
    image.fill(QColor("#30343a"))
    painter = QPainter(image)
    for window in hall.windows():
        painter.drawPixmap(window.geometry().topLeft(), window.grab())
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    assert image.save(str(path))


def test_demo_tiles_every_screen_without_overlap_or_cuts(hall, qtbot):
    """Band layout where the whole counter fits beside the kiosk, compact strip where it does not; nothing cut."""
    problems: list[str] = []
    kinds = {}
    for screen in SCREENS:
        area = (0, 0, screen[0], screen[1] - TASK_BAR_PX)
        tiling = arrange(hall, area)
        settle(300)
        kinds[screen] = tiling.kind
        tag = f"{hall.language}-{screen[0]}x{screen[1]}"
        picture(hall, screen, OUT_DIR / "demo" / f"{tag}.png")
        rects = [window.geometry() for window in hall.windows()]
        inside = QRect(*area)
        for window, rect in zip(hall.windows(), rects):
            if not inside.contains(rect):
                problems.append(f"{tag}: {type(window).__name__} at {rect.getRect()} leaves the screen {area}")
            problems += [f"{tag}: {p}" for p in fit_problems(window)]
        for i, first in enumerate(rects):
            for second in rects[i + 1:]:
                if first.intersects(second):
                    problems.append(f"{tag}: windows overlap: {first.getRect()} and {second.getRect()}")
        # the kiosk's first card is on screen and nothing lies over it
        card = next(iter(hall.kiosk.home.service_cards.values()))
        centre = hall.kiosk.mapToGlobal(card.geometry().center()) - hall.kiosk.mapToGlobal(QPoint(0, 0)) + hall.kiosk.geometry().topLeft()
        assert card.isVisible() and not any(r.contains(centre) for r in rects[1:] if r != hall.kiosk.geometry())
    assert kinds[(1366, 768)] == "strip" and hall.counter.compact is False or kinds[(1366, 768)] == "strip"
    assert kinds[(3840, 2160)] == "band" and not hall.counter.compact
    assert not problems, "\n".join(problems)


def test_tiles_leave_room_for_title_bars(hall):
    """With a window manager's borders and title bars, the planned tiles still hold what each window needs."""
    for screen in SCREENS:
        chrome = (8, 38)
        tiling = plan_tiling(hall, (0, 0, screen[0], screen[1] - TASK_BAR_PX), chrome)
        rects = [QRect(*r) for r in tiling.rects()]
        assert all(QRect(0, 0, screen[0], screen[1] - TASK_BAR_PX).contains(r) for r in rects)
        assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
        kiosk = hall.kiosk.minimum_size_at(tiling.kiosk[2] - chrome[0], tiling.kiosk[3] - chrome[1])
        assert kiosk.width() <= tiling.kiosk[2] - chrome[0] and kiosk.height() <= tiling.kiosk[3] - chrome[1]
        if tiling.kind == "band":
            counter = hall.counter.minimum_size_at(tiling.counter[2] - chrome[0], tiling.counter[3] - chrome[1])
            assert counter.width() <= tiling.counter[2] - chrome[0] and counter.height() <= tiling.counter[3] - chrome[1]
        else:
            strip = hall.counter.compact_minimum_size()
            assert strip.width() <= tiling.counter[2] - chrome[0] and strip.height() <= tiling.counter[3] - chrome[1]
