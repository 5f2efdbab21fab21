"""The ministry's dashboard in a real Chromium: login, league table, drill-down, trends, exports; Arabic first.

Three branches' hubs (real stores with a settable clock) ship a few days each to a central
subprocess; the pages are then read as a person would, checked with axe-core, and saved as
screenshots in both languages (out/screens/central-*.png).
"""

from __future__ import annotations

import io
import random
import uuid
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import httpx
import psycopg
import pytest
from playwright.sync_api import expect

from central import auth
from central.schema import migrate
from core import commands
from core.models import Role
from core.security import hash_pin
from core.commands import open_store
from hub.shipper import Shipper, ShipperSettings
from tests.central.hall import next_morning, play_day
from tests.central.helpers import PASSWORD, wait_for
from tests.central.live import LiveCentral
from tests.conftest import RIYADH
from tests.support import CLERKS, Clock, demo_config
from tests.web import check_accessibility, save_screenshot

pytestmark = pytest.mark.slow

BRANCHES = [("RUH-01", "فرع الرياض - العليا", "Riyadh — Olaya", 60), ("JED-02", "فرع جدة - الحمراء", "Jeddah — Al Hamra", 45),
            ("DMM-03", "فرع الدمام", "Dammam", 30)]
DAYS = 3


@pytest.fixture(scope="module")
def dashboard(pg_cluster, tmp_path_factory):
    """A central subprocess holding three branches' last few days, and a staff account."""
    name = f"dash_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    workdir = tmp_path_factory.mktemp("dashboard")
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
        auth.add_staff(conn, "analyst", PASSWORD)
        tokens = {code: auth.add_branch(conn, code, ar, en) for code, ar, en, _ in BRANCHES}
    central = LiveCentral(url, workdir / "central").start()
    first = date.today() - timedelta(days=DAYS)
    try:
        for number, (code, _, _, visitors) in enumerate(BRANCHES):
            clock = Clock(datetime.combine(first, time(8, 30), tzinfo=RIYADH).timestamp())
            with open_store(workdir / f"{code}.sqlite", demo_config(), clock=clock) as store:
                for username, (pin, role) in CLERKS.items():
                    store.call(commands.add_clerk, username, role, hash_pin(pin))
                rng = random.Random(number)
                for day in range(DAYS):
                    play_day(store, clock, rng, visitors + rng.randint(-5, 5), left_waiting=1)
                    next_morning(clock, RIYADH)
                shipper = Shipper(store.path, ShipperSettings(central.url, code, tokens[code], linger=0.01))
                shipper.start()
                wait_for(lambda: shipper.lag()["held"] == store.last_seq, timeout=60)
                shipper.stop()
        wait_for(lambda: central.health()["summaries_pending"] == 0, timeout=60)
        yield central, first, first + timedelta(days=DAYS - 1)
    finally:
        central.stop()
        pg_cluster.drop_database(name)


def logged_in(open_page, central, lang: str, path: str = "/"):
    page = open_page(f"{central.url}/login?next={quote(path, safe='')}&lang={lang}", lang=lang)
    page.fill("#username", "analyst")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_load_state()
    return page


def period(first: date, last: date) -> str:
    return f"from={first.isoformat()}&to={last.isoformat()}"


def test_pages_need_a_login_and_a_wrong_password_is_told(dashboard, open_page):
    """Without a session every page leads to the login; a wrong password is refused with a message in Arabic."""
    central, _, _ = dashboard
    page = open_page(f"{central.url}/branches/RUH-01", lang="ar")
    assert "/login" in page.url
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    page.fill("#username", "analyst")
    page.fill("#password", "not the password at all")
    page.click("form[action='/login'] button")
    expect(page.locator(".error")).to_contain_text("غير صحيحة")
    check_accessibility(page)
    save_screenshot(page, "central-login-ar")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_league_table_ranks_the_branches(dashboard, open_page, lang):
    """Every branch is ranked for the period with its figures; satisfaction shows "—"; no serious axe finding."""
    central, first, last = dashboard
    page = logged_in(open_page, central, lang, f"/?{period(first, last)}")
    assert page.evaluate("() => document.documentElement.lang") == lang
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(3)
    names = " ".join(rows.all_inner_texts())
    for code, ar, en, _ in BRANCHES:
        assert (ar if lang == "ar" else en) in names
    first_row = rows.first.locator("td")
    assert first_row.first.inner_text().strip() == "1"
    assert "—" in rows.first.inner_text()  # satisfaction and complaints: these hubs logged no rating or feedback
    check_accessibility(page)
    save_screenshot(page, f"central-league-{lang}")


def test_ranking_follows_the_chosen_column(dashboard, open_page):
    """Sorting by mean wait puts the branch with the lowest mean wait first."""
    central, first, last = dashboard
    page = logged_in(open_page, central, "en", f"/?{period(first, last)}&sort=wait_mean")
    cells = page.locator("table").first.locator("tbody tr td:nth-child(4)").all_inner_texts()
    waits = [float(text) for text in cells]
    assert waits == sorted(waits)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_branch_drills_down_to_services_hours_and_clerks(dashboard, open_page, lang):
    """A branch's page shows its headline figures, services, hours of the day (with a chart) and clerks' scorecards."""
    central, first, last = dashboard
    page = logged_in(open_page, central, lang, f"/?{period(first, last)}")
    page.click("table >> nth=0 >> tbody tr >> nth=0 >> a")
    page.wait_for_load_state()
    assert "/branches/" in page.url
    captions = page.locator("caption").all_inner_texts()
    expected = ["الخدمات", "ساعات اليوم", "بطاقات أداء الموظفين"] if lang == "ar" else ["Services", "Hours of the day", "Clerks' scorecards"]
    for caption in expected:
        assert caption in captions
    assert page.locator("svg.chart").count() == 1
    assert "clerk1" in page.content()
    check_accessibility(page)
    save_screenshot(page, f"central-branch-{lang}")


@pytest.mark.parametrize("unit, lang", [("week", "ar"), ("month", "en")])
def test_trends_by_week_and_month(dashboard, open_page, unit, lang):
    """Trends list the weeks (or months) with tickets, with a chart of mean wait and share within target."""
    central, _, _ = dashboard
    page = logged_in(open_page, central, lang, f"/trends?unit={unit}")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1 and "—" not in rows.first.locator("td").nth(1).inner_text()
    assert page.locator("svg.chart").count() == 1
    check_accessibility(page)
    save_screenshot(page, f"central-trends-{unit}-{lang}")


def session_client(central) -> httpx.Client:
    """A client holding an analyst's session cookie (use it in a `with`)."""
    with httpx.Client(base_url=central.url, timeout=30) as login:
        answer = login.post("/login", data={"username": "analyst", "password": PASSWORD, "next": "/"})
    assert answer.status_code == 303
    return httpx.Client(base_url=central.url, timeout=30, cookies=answer.cookies)


def test_the_league_exports_to_excel_with_the_same_figures(dashboard):
    """The .xlsx holds every branch with the page's figures (minutes as numbers), right to left in Arabic."""
    from openpyxl import load_workbook

    central, first, last = dashboard
    with session_client(central) as client:
        league = client.get("/api/v1/league", params={"from": first.isoformat(), "to": last.isoformat()}).json()
        answer = client.get(f"/export/league.xlsx?{period(first, last)}&lang=ar")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(rows) == 3
    by_name = {row[1]: row for row in rows}
    for expected in league["rows"]:
        row = by_name[expected["name_ar"]]
        assert row[0] == expected["rank"]
        assert row[3] == pytest.approx(round(expected["values"]["wait_mean"] / 60, 2))


def test_a_branch_exports_to_pdf_in_arabic(dashboard):
    """The branch's PDF is a real PDF with its tables; its laid-out pages are drawn to PNG to be looked at."""
    from central import export, present
    from reports.pdf import render_png
    from tests.web import SCREENSHOTS

    central, first, last = dashboard
    with session_client(central) as client:
        answer = client.get(f"/export/branches/RUH-01.pdf?{period(first, last)}")
        stats = client.get("/api/v1/branches/RUH-01/stats",
                           params={"from": first.isoformat(), "to": last.isoformat(), "group_by": "service,counter,clerk,hour"}).json()
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    layout = export.pdf_layout(present.branch_tables(stats, "ar"), "ar", ("فرع الرياض", "Riyadh"),
                               present.period_text(first, last, "ar"))
    assert len(layout.pages) >= 1
    render_png(layout, SCREENSHOTS, "central-branch-pdf-ar", scale=1.5)


@pytest.mark.parametrize(
    "path, status",
    [("/branches/%3Cscript%3E", 404), ("/?from=garbage", 422), ("/?from=2026-12-01&to=2026-01-01", 422),
     ("/export/league.exe", 404), ("/export/branches/NOPE.pdf", 404), ("/trends?unit=decade", 422)],
)
def test_hostile_addresses_get_a_clear_page(dashboard, path, status):
    """Unknown branches, bad dates, bad formats: an error page in the staff's language, nothing echoed raw."""
    central, _, _ = dashboard
    with session_client(central) as client:
        answer = client.get(path)
    assert answer.status_code == status
    assert "<script>" not in answer.text


def test_login_goes_only_to_pages_of_the_central_and_locks_out_guessers(dashboard):
    """`next` cannot send a user elsewhere; five wrong passwords lock the account for a while."""
    central, _, _ = dashboard
    with httpx.Client(base_url=central.url, timeout=30) as client:
        answer = client.post("/login", data={"username": "analyst", "password": PASSWORD, "next": "//evil.example/x"})
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
    with psycopg.connect(central.pg_url, autocommit=True) as conn:
        auth.add_staff(conn, "guessed", PASSWORD)
    with httpx.Client(base_url=central.url, timeout=30) as client:
        for _ in range(5):
            assert client.post("/login", data={"username": "guessed", "password": "wrong wrong wrong"}).status_code == 401
        locked = client.post("/login", data={"username": "guessed", "password": PASSWORD})
        assert locked.status_code == 429


def test_pages_load_nothing_from_elsewhere(dashboard):
    """The Content-Security-Policy forbids other origins and scripts; the page names no http(s) resource."""
    central, first, last = dashboard
    with session_client(central) as client:
        answer = client.get(f"/?{period(first, last)}")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "https://" not in answer.text and "http://" not in answer.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
