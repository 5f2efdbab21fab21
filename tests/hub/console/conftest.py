"""A real hub for the console's browser tests, with an admin beside the test clerks."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from core import commands
from core.config import parse_config
from core.models import Role
from core.security import hash_pin
from core.commands import open_store
from tests.support import CLERKS, LiveHub, bearer, demo_config_text

ADMIN = ("boss", "2468")
SUPERVISOR = ("super", CLERKS["super"][0])


@pytest.fixture(scope="module")
def console_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """One hub for the module; devices announced offline 2 s after their socket closes."""
    hub = LiveHub(tmp_path_factory.mktemp("console-hub"), config_text=demo_config_text(offline_after_seconds=2))
    with open_store(hub.db_path, parse_config(hub.config_text)) as store:
        store.call(commands.add_clerk, ADMIN[0], Role.ADMIN, hash_pin(ADMIN[1]))
    hub.start()
    yield hub
    hub.stop()


def log_in(open_page: Callable[..., Page], hub: LiveHub, who: tuple[str, str] = SUPERVISOR, lang: str = "ar") -> Page:
    page = open_page(f"{hub.url}/console/login?lang={lang}", lang=lang)
    page.fill("#username", who[0])
    page.fill("#pin", who[1])
    page.click("form[action='/console/login'] button[type=submit]")
    expect(page).to_have_url(f"{hub.url}/console/hall")
    return page


def state(hub: LiveHub, token: str) -> dict:
    return httpx.get(f"{hub.url}/api/v1/state", headers=bearer(token), timeout=10).json()


def service_id(hub: LiveHub, token: str, code: str) -> int:
    return next(s["id"] for s in state(hub, token)["services"] if s["code"] == code)


def issue(hub: LiveHub, kiosk: str, code: str) -> dict:
    answer = httpx.post(f"{hub.url}/api/v1/tickets", json={"service_id": service_id(hub, kiosk, code)}, headers=bearer(kiosk), timeout=10)
    answer.raise_for_status()
    return answer.json()
