"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core import commands  # noqa: E402
from core.security import hash_pin  # noqa: E402
from core.store import Store  # noqa: E402
from core.commands import open_store  # noqa: E402
from tests.support import CLERKS, Clock, LiveHub, demo_config  # noqa: E402

# Chromium and axe-core fixtures for the web pages (tests/web.py).
pytest_plugins = ("tests.web",)

RIYADH = ZoneInfo("Asia/Riyadh")


@pytest.fixture
def clock() -> Clock:
    """A clock at 10:00 Riyadh time on a Tuesday, moved by hand."""
    return Clock(datetime(2026, 11, 24, 10, 0, tzinfo=RIYADH).timestamp())


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    """A real SQLite store on disk with the demo centre and a settable clock."""
    with open_store(tmp_path / "tabour.sqlite", demo_config(), clock=clock) as opened:
        yield opened


@pytest.fixture(scope="session")
def clerk_pin_hashes() -> dict[str, str]:
    return {name: hash_pin(pin) for name, (pin, _) in CLERKS.items()}


@pytest.fixture
def clerks(store: Store, clerk_pin_hashes: dict[str, str]) -> dict[str, int]:
    """The test clerks added to the store: username → clerk id."""
    return {
        name: store.call(commands.add_clerk, name, role, clerk_pin_hashes[name]) for name, (_, role) in CLERKS.items()
    }


@pytest.fixture(scope="session")
def live_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """One hub subprocess for the session; tests must not assume an empty hall."""
    hub = LiveHub(tmp_path_factory.mktemp("live-hub")).start()
    yield hub
    hub.stop()


@pytest.fixture
def fresh_hub(tmp_path: Path) -> Iterator[LiveHub]:
    """A hub subprocess of the test's own, free to be killed and restarted."""
    hub = LiveHub(tmp_path / "hub").start()
    yield hub
    hub.stop()


@pytest.fixture
def app(qapp):
    """The session's QApplication with the Tabour theme, in Arabic; Arabic again after the test."""
    from qt_common.app import create_app
    from qt_common.i18n import Language, set_language

    themed = create_app(lang=Language.AR)
    yield themed
    set_language(themed, Language.AR)
