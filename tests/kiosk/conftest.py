"""Fixtures for the kiosk: real hubs (subprocesses), kiosk windows on them, a screenshot folder."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from kiosk.app import build_kiosk_window
from kiosk.window import KioskWindow
from qt_common.app import create_app
from qt_common.hub_client import HubClient
from qt_common.i18n import Language, current_language, set_language
from tests.support import LiveHub, bearer, demo_config_text

OUT_DIR = Path(__file__).resolve().parents[2] / "out" / "kiosk"
WAIT_MS = 20_000
SCREEN_SIZE = (1280, 800)


def many_services_config() -> str:
    """Twelve services in four groups, three of them closed (disabled, outside hours, cap of one)."""
    demo = tomllib.loads(demo_config_text())
    centre = demo["centre"]
    lines = ["[centre]"]
    for key in ("name_ar", "name_en", "time_zone", "ticker_ar", "ticker_en", "footer_ar", "footer_en"):
        lines.append(f'{key} = "{centre[key]}"')
    lines += ['hours = "always"', "rollover_hour = 3", ""]
    groups = [
        ("business", "الأعمال والسجلات", "Business and registers"),
        ("documents", "الوثائق والتراخيص", "Documents and licences"),
        ("civil", "الأحوال المدنية", "Civil affairs"),
        ("help", "المساعدة والمواعيد", "Help and appointments"),
    ]
    for key, ar, en in groups:
        lines += ["[[groups]]", f'key = "{key}"', f'name_ar = "{ar}"', f'name_en = "{en}"', ""]
    services = [
        ("A", "السجل التجاري", "Commercial registration", "business", ""),
        ("B", "تعديل البيانات", "Record amendments", "business", ""),
        ("C", "شطب السجل", "Closing a register", "business", "enabled = false"),
        ("D", "التراخيص البلدية", "Municipal licences", "documents", ""),
        ("E", "إصدار الشهادات", "Certificate issue", "documents", ""),
        ("F", "تصديق الوثائق", "Document attestation", "documents", "hours = {}"),
        ("G", "الهوية الوطنية", "National ID", "civil", ""),
        ("H", "جوازات السفر", "Passports", "civil", "daily_cap = 1"),
        ("J", "سجل الأسرة", "Family register", "civil", ""),
        ("K", "الاستفسارات والشكاوى", "Enquiries and complaints", "help", ""),
        ("L", "المواعيد المسبقة", "Pre-booked appointments", "help", ""),
        ("M", "خدمات كبار السن", "Services for the elderly", "help", ""),
    ]
    for code, ar, en, group, extra in services:
        lines += ["[[services]]", f'code = "{code}"', f'name_ar = "{ar}"', f'name_en = "{en}"', f'group = "{group}"']
        lines += [extra, ""] if extra else [""]
    lines += ["[[counters]]", "number = 1", 'services = ["*"]', "", "[[counters]]", "number = 2", 'services = ["*"]', ""]
    lines += ["[hub]", "kiosk_issue_per_minute = 1000000", ""]
    return "\n".join(lines)


def api(hub: LiveHub, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
    with httpx.Client(base_url=hub.url, timeout=10) as http:
        return http.request(method, "/api/v1" + path, headers=bearer(token) if token else {}, **kwargs)


def hub_services(hub: LiveHub, token: str) -> dict[str, dict[str, Any]]:
    answer = api(hub, "GET", "/services", token)
    answer.raise_for_status()
    return {service["code"]: service for service in answer.json()}


@pytest.fixture(scope="session")
def themed_app(qapp: QApplication) -> QApplication:
    """The session's QApplication, themed and in Arabic, set up once.

    The kiosk never changes the application's language (it keeps its own), so there is
    nothing to restore between tests; re-running `create_app` per test only re-installs
    Qt's translator, which once hung the suite inside `QCoreApplication.removeTranslator`.
    """
    return create_app(lang=Language.AR)


@pytest.fixture
def app(themed_app: QApplication) -> Iterator[QApplication]:
    """The themed application; a test that changed the application's language gets Arabic back."""
    yield themed_app
    if current_language() is not Language.AR:
        set_language(themed_app, Language.AR)


@pytest.fixture
def out_dir() -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    return OUT_DIR


@pytest.fixture(scope="session")
def demo_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """The demo centre (six services) in a hub subprocess of the kiosk tests' own."""
    hub = LiveHub(tmp_path_factory.mktemp("kiosk-demo-hub")).start()
    yield hub
    hub.stop()


@pytest.fixture(scope="session")
def many_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveHub]:
    """Twelve services in groups; C disabled, F outside its hours, H's one ticket of the day issued."""
    hub = LiveHub(tmp_path_factory.mktemp("kiosk-many-hub"), config_text=many_services_config()).start()
    token = hub.enroll("admin", "fixture-admin")
    passports = hub_services(hub, token)["H"]
    api(hub, "POST", "/tickets", token, json={"service_id": passports["id"]}).raise_for_status()
    yield hub
    hub.stop()


@pytest.fixture
def make_kiosk(app: QApplication, qtbot, tmp_path: Path) -> Iterator[Callable[..., KioskWindow]]:
    """`make_kiosk(hub, printer=None, **options)`: a started kiosk on `hub`, shown, at home."""
    made: list[tuple[KioskWindow, HubClient]] = []

    def make(
        hub: LiveHub,
        *,
        printer: str | None = None,
        enroll_code: str | None = "default",
        wait_home: bool = True,
        name: str = "kiosk-test",
        **options: Any,
    ) -> KioskWindow:
        client = HubClient(
            hub.url,
            device_name=name,
            kind="kiosk",
            enroll_code=hub.enroll_code if enroll_code == "default" else enroll_code,
            config_dir=tmp_path / "config",
            timeout_ms=3000,
        )
        on_printed = options.pop("on_printed", None)
        width = options.pop("width", None)
        window = build_kiosk_window(client, printer=printer, on_printed=on_printed, width=width, **{
            k: options.pop(k) for k in ("language", "kiosk_mode", "printer_check_ms", "speech_settings", "speech_sink", "speech_keys", "placement")
            if k in options
        })
        assert isinstance(window, KioskWindow)
        for key, value in options.items():
            setattr(window, key, value)
        window.resize(*SCREEN_SIZE)
        window.show()
        client.start()
        made.append((window, client))
        if wait_home:
            qtbot.waitUntil(lambda: window.screen_name == "home" and bool(window.services), timeout=WAIT_MS)
        return window

    yield make
    for window, client in made:
        window.shutdown()
        client.stop()
        window.close()
        window.deleteLater()
