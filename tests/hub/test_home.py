"""`GET /` names what runs at the hub's address; the hub says when its port is taken or phones could not reach it."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from core.store import Store
from hub.app import HubSettings, create_app
from hub.cli import phone_address_warning
from fastapi.testclient import TestClient
from tests.support import ROOT, LiveHub, free_port
from tests.web import check_accessibility, save_screenshot


@pytest.fixture
def client(store: Store):
    with TestClient(create_app(store, HubSettings(enroll_code="4711"))) as opened:
        yield opened


def test_the_hub_address_answers_a_bilingual_page_not_a_404(client: TestClient, store: Store):
    arabic = client.get("/")
    assert arabic.status_code == 200 and arabic.headers["content-type"].startswith("text/html")
    centre = store.catalogue.config.centre
    assert 'dir="rtl"' in arabic.text and "خادم طابور" in arabic.text and centre.name_ar in arabic.text
    assert 'href="/console"' in arabic.text and "/t/" in arabic.text and "--public-url" in arabic.text
    assert "script-src" in arabic.headers["content-security-policy"]
    english = client.get("/", params={"lang": "en"})
    assert 'dir="ltr"' in english.text and "Tabour hub" in english.text and centre.name_en in english.text
    # Anything else is the Arabic page, never an error; a hostile value is not echoed.
    hostile = client.get("/", params={"lang": "<script>x</script>" * 200})
    assert hostile.status_code == 200 and 'dir="rtl"' in hostile.text and "<script>x" not in hostile.text


def test_the_same_facts_come_as_json_for_a_program(client: TestClient, store: Store):
    facts = client.get("/", headers={"Accept": "application/json"}).json()
    assert facts["service"] == "tabour-hub" and facts["console"] == "/console"
    assert facts["phone_address"] is None and facts["phone_address_problem"] == "unset"
    with TestClient(create_app(store, HubSettings(enroll_code="4711", public_url="http://192.168.1.10:8470"))) as other:
        facts = other.get("/", headers={"Accept": "application/json"}).json()
    assert facts["phone_address"] == "http://192.168.1.10:8470" and facts["phone_address_problem"] is None


@pytest.mark.parametrize(
    "host, public_url, expected",
    [
        ("127.0.0.1", None, None),
        ("localhost", None, None),
        ("::1", None, None),
        ("0.0.0.0", None, "127.0.0.1"),
        ("192.168.1.10", None, "--public-url"),
        ("0.0.0.0", "http://127.0.0.1:8470", "loopback"),
        ("0.0.0.0", "http://192.168.1.10:8470", None),
    ],
)
def test_a_hub_beyond_loopback_without_a_phone_address_is_warned_about(host, public_url, expected):
    warning = phone_address_warning(host, 8470, "http", public_url)
    if expected is None:
        assert warning is None
    else:
        assert warning and expected in warning


def run_hub(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "hub", "--db", str(tmp_path / "t.sqlite"), "--enroll-code", "4711-test-enroll", *args],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )


def test_a_taken_port_is_said_before_any_address(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_hub(tmp_path, "--port", str(port))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"port {port} on 127.0.0.1 is taken" in result.stderr and "--port" in result.stderr
    assert "Tabour hub for" not in result.stdout and "enrollment code" not in result.stdout
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr
    # The database lock was given back: the same database starts at once on a free port.
    hub = LiveHub(tmp_path / "again", db_path=tmp_path / "t.sqlite").start()
    hub.stop()


def test_a_hub_with_no_such_address_says_so(tmp_path: Path):
    result = run_hub(tmp_path, "--host", "203.0.113.77", "--port", str(free_port()))
    assert result.returncode == 2 and "has no address 203.0.113.77" in result.stderr, result.stderr


def test_a_live_hub_on_every_address_warns_and_serves_its_page(tmp_path: Path, open_page):
    hub = LiveHub(tmp_path)
    hub.extra_args = ["--host", "0.0.0.0"]
    hub.start()
    try:
        log = hub.log_path.read_text()
        assert "warning: the hub listens beyond this PC (0.0.0.0) but has no --public-url" in log
        assert httpx.get(f"{hub.url}/", timeout=5).status_code == 200
        for lang in ("ar", "en"):
            page = open_page(f"{hub.url}/?lang={lang}", lang=lang)
            expect(page.locator("h1")).to_contain_text("طابور" if lang == "ar" else "Tabour")
            check_accessibility(page)
            save_screenshot(page, f"hub-home-{lang}")
        page.get_by_role("link", name="العربية").click()  # from the English page
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    finally:
        hub.stop()
