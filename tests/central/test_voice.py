"""The visitors' voice at the central: ratings and complaints a hub logs reach the league table,
counted once, as figures only (no comment, text or mobile number)."""

from __future__ import annotations

import io
import json
import random
from datetime import date
from urllib.parse import quote

import pytest

from central import export, present
from central.league import league
from central.schema import MIGRATIONS, applied_migrations
from central.summaries import rebuild_all
from core import voice
from tests.central.hall import play_day
from tests.central.helpers import PASSWORD, add_branch, at, bearer, event, simple_log, staff_token, ticket, wait_for
from tests.central.test_figures import ship_all
from tests.web import check_accessibility, save_screenshot

SCORES = (5, 4, 2, 5, 1, 3, 4)  # 7 ratings, 4 of them 4 or 5; sum 24
SECRET_COMMENT = "الموظف أحمد كان لطيفاً جداً"
SECRET_TEXT = "انتظرت طويلاً عند الشباك الثالث"
SECRET_MOBILE = "0551234567"


def voice_day(store, clock) -> dict:
    """A day of tickets, then ratings, two complaints, a suggestion and a thanks, one answered."""
    play_day(store, clock, random.Random(11), 16)
    with store.read() as conn:
        done = [row[0] for row in conn.execute("SELECT id FROM tickets WHERE status = 'done' ORDER BY id")]
    assert len(done) >= len(SCORES)
    for ticket_id, score in zip(done, SCORES):
        store.call(voice.rate, score, SECRET_COMMENT, source="feedback", ticket_id=ticket_id)
    first = store.call(voice.file_feedback, "complaint", SECRET_TEXT, mobile=SECRET_MOBILE)
    store.call(voice.file_feedback, "complaint", SECRET_TEXT)
    store.call(voice.file_feedback, "suggestion", SECRET_TEXT, mobile=SECRET_MOBILE)
    store.call(voice.file_feedback, "thanks", SECRET_TEXT)
    store.call(voice.update_feedback, first["reference"], answer="نعتذر، وسنزيد عدد الموظفين في الذروة.")
    return {"ratings": len(SCORES), "satisfied": 4, "sum": 24, "complaints": 2}


def ship_branch_without_voice(central, pg, code: str = "JED-02") -> None:
    """A branch whose hub logs tickets but no rating and no feedback."""
    token = add_branch(pg, code)
    day = "2026-11-24"
    events = simple_log(3, at(day))
    answer = central.post("/api/v1/ingest", json={"log_origin": events[0]["at"], "events": events}, headers=bearer(token))
    assert answer.status_code == 200, answer.text


def the_league(central, pg, day: str) -> dict:
    return central.get("/api/v1/league", params={"from": day, "to": day}, headers=bearer(staff_token(pg))).json()


def test_the_league_shows_the_branches_voice(central, pg, store, clerks, clock):
    """Hand-computed: 4 of 7 ratings were 4 or 5 (57.1 %), 2 complaints; a branch without any shows "—"."""
    expected = voice_day(store, clock)
    token = add_branch(pg)
    ship_branch_without_voice(central, pg)
    shipper = ship_all(central, store, token)
    try:
        day = store.today().isoformat()
        answer = the_league(central, pg, day)
        rows = {row["code"]: row for row in answer["rows"]}
        ours = rows["RUH-01"]
        assert ours["values"]["satisfaction"] == pytest.approx(expected["satisfied"] / expected["ratings"])
        assert ours["values"]["complaints"] == expected["complaints"]
        assert ours["figures"]["ratings"] == 7 and ours["figures"]["rating_mean"] == pytest.approx(round(24 / 7, 2))
        columns = {c["key"]: c for c in answer["columns"]}
        assert columns["satisfaction"]["better"] == "high" and columns["satisfaction"]["kind"] == "share"
        assert columns["complaints"]["better"] == "low"
        # The branch without a voice: nothing for its (other) day, and "—" on a day with tickets.
        other = the_league(central, pg, "2026-11-24")
        theirs = {row["code"]: row for row in other["rows"]}["JED-02"]
        assert theirs["values"]["issued"] == 3
        assert theirs["values"]["satisfaction"] is None and theirs["values"]["complaints"] is None

        # The page, the Excel file and the PDF show the same figures.
        login = central.post("/login", data={"username": "analyst", "password": PASSWORD, "next": "/"},
                             follow_redirects=False)
        assert login.status_code == 303
        for lang in ("ar", "en"):
            page = central.get("/", params={"from": day, "to": day, "lang": lang})
            assert page.status_code == 200
            assert "57.1%" in page.text
        table = present.league_table(answer, "ar")
        keys = [column.key for column in table.columns]
        shown_row = [present.shown(value, column.kind) for column, value in zip(table.columns, table.rows[0])]
        assert shown_row[keys.index("satisfaction")] == "57.1%" and shown_row[keys.index("complaints")] == "2"
        from openpyxl import load_workbook

        workbook = central.get("/export/league.xlsx", params={"from": day, "to": day, "lang": "ar"})
        assert workbook.status_code == 200
        sheet = load_workbook(io.BytesIO(workbook.content)).active
        header = [str(value).split("\n")[0] for value in next(sheet.iter_rows(min_row=5, max_row=5, values_only=True))]
        data = {row[1]: row for row in sheet.iter_rows(min_row=6, values_only=True)}
        assert data["فرع RUH-01"][header.index("نسبة الزوار الراضين")] == pytest.approx(4 / 7)
        assert data["فرع RUH-01"][header.index("الشكاوى")] == 2
        assert data["فرع JED-02"][header.index("نسبة الزوار الراضين")] is None
        pdf = central.get("/export/league.pdf", params={"from": day, "to": day, "lang": "ar"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        from reports.pdf import render_png
        from tests.web import SCREENSHOTS

        for lang in ("ar", "en"):
            layout = export.pdf_layout([present.league_table(answer, lang)], lang, ("ترتيب الفروع", "League"),
                                       present.period_text(store.today(), store.today(), lang))
            render_png(layout, SCREENSHOTS, f"central-voice-league-pdf-{lang}", scale=1.5)
    finally:
        shipper.stop()


def test_nothing_personal_reaches_the_centrals_figures(central, pg, store, clerks, clock):
    """The events carry scores, kinds and days only: no comment, complaint text or mobile is stored."""
    voice_day(store, clock)
    token = add_branch(pg)
    shipper = ship_all(central, store, token)
    try:
        kinds = dict(pg.execute(
            "SELECT type, count(*) FROM events WHERE type IN ('rating.recorded', 'feedback.filed', 'feedback.changed') "
            "GROUP BY type").fetchall())
        assert kinds == {"rating.recorded": 7, "feedback.filed": 4, "feedback.changed": 1}
        for secret in (SECRET_COMMENT, SECRET_TEXT, SECRET_MOBILE):
            assert pg.execute("SELECT count(*) FROM events WHERE payload::text LIKE %s", (f"%{secret}%",)).fetchone()[0] == 0
        day = store.today().isoformat()
        text = json.dumps(the_league(central, pg, day), ensure_ascii=False)
        for secret in (SECRET_COMMENT, SECRET_TEXT, SECRET_MOBILE, "comment", "mobile"):
            assert secret not in text
    finally:
        shipper.stop()


def test_reshipping_and_refreshing_count_once(central, pg, store, clerks, clock):
    """The whole log sent again, then every day recomputed: the figures stay the same."""
    voice_day(store, clock)
    token = add_branch(pg)
    shipper = ship_all(central, store, token)
    shipper.stop()
    day = store.today()
    before = the_league(central, pg, day.isoformat())["rows"][0]["values"]
    with store.read() as conn:
        rows = conn.execute("SELECT seq, at, type, ticket_id, counter_id, payload FROM events ORDER BY seq").fetchall()
    events = [{"seq": s, "at": a, "type": t, "ticket_id": ti, "counter_id": c, "payload": json.loads(p)}
              for s, a, t, ti, c, p in rows]
    again = central.post("/api/v1/ingest", json={"log_origin": events[0]["at"], "events": events}, headers=bearer(token))
    assert again.status_code == 200 and again.json()["inserted"] == 0
    assert rebuild_all(pg) >= 1
    after = the_league(central, pg, day.isoformat())["rows"][0]["values"]
    assert after == before and after["complaints"] == 2 and after["satisfaction"] == pytest.approx(4 / 7)
    tallies = pg.execute("SELECT sum(rating_count), sum(rating_sum), sum(rating_satisfied), sum(complaints), "
                         "sum(feedback_filed) FROM day_tallies WHERE grouping = 'total'").fetchone()
    assert tuple(tallies) == (7, 24, 4, 2, 4)
    assert pg.execute("SELECT sum(rating_count) FROM day_tallies WHERE grouping <> 'total'").fetchone()[0] == 0


def test_a_complaint_on_a_day_without_tickets_and_the_ranking(central, pg):
    """Complaints filed on a day with no ticket still count; the ranking sorts by either column, "—" last."""
    tokens = {code: add_branch(pg, code) for code in ("AAA-01", "BBB-02", "CCC-03")}
    day = "2026-11-24"

    def log(scores: tuple[int, ...], complaints: int) -> list[dict]:
        events = [event(1, at(day), "ticket.issued", ticket=ticket(1, day=day))]
        for n, score in enumerate(scores, start=2):
            events.append(event(n, at(day, 11, n), "rating.recorded",
                                rating={"ticket_id": 1, "number": "A-001", "service_id": 1, "counter_id": None,
                                        "score": score, "source": "phone", "business_day": day}))
        for n in range(complaints):
            events.append(event(len(events) + 1, at(day, 12, n), "feedback.filed",
                                feedback={"reference": f"REF{n:07d}", "kind": "complaint", "status": "new",
                                          "business_day": "2026-11-25"}))
        return events

    for code, (scores, complaints) in {"AAA-01": ((5, 5, 1), 3), "BBB-02": ((4, 4, 4, 2), 0), "CCC-03": ((), 0)}.items():
        events = log(scores, complaints)
        answer = central.post("/api/v1/ingest", json={"log_origin": events[0]["at"], "events": events},
                              headers=bearer(tokens[code]))
        assert answer.status_code == 200, answer.text
    wait_for(lambda: central.get("/api/v1/health").json()["summaries_pending"] == 0)
    first, second = date(2026, 11, 24), date(2026, 11, 25)
    by_satisfaction = league(pg, first, first, "satisfaction")
    assert [(r["code"], r["rank"]) for r in by_satisfaction["rows"]] == [("BBB-02", 1), ("AAA-01", 2), ("CCC-03", None)]
    assert by_satisfaction["rows"][0]["values"]["satisfaction"] == pytest.approx(3 / 4)
    # The complaints were filed on the next day, which has no ticket at all.
    nxt = league(pg, second, second, "complaints")
    values = {r["code"]: r["values"] for r in nxt["rows"]}
    assert values["AAA-01"]["complaints"] == 3 and values["AAA-01"]["satisfaction"] is None
    assert values["BBB-02"] == {} and values["CCC-03"] == {}
    both = league(pg, first, second, "complaints")
    assert [(r["code"], r["values"]["complaints"]) for r in both["rows"]] == [("BBB-02", 0), ("AAA-01", 3), ("CCC-03", None)]


@pytest.mark.parametrize("payload, field", [
    ({"rating": {"score": 6, "business_day": "2026-11-24"}}, "score"),
    ({"rating": {"score": True, "business_day": "2026-11-24"}}, "score"),
    ({"rating": {"score": "5", "business_day": "2026-11-24"}}, "score"),
    ({"rating": {"score": 3, "business_day": "2026-13-40"}}, "business_day"),
    ({"rating": {"score": 3}}, "business_day"),
    ({}, "rating"),
    ({"feedback": {"kind": "x" * 5000, "business_day": "2026-11-24"}}, "kind"),
])
def test_a_bad_voice_event_is_refused_and_nothing_is_lost(central, pg, payload, field):
    """A rating or feedback the figures cannot count is refused with a clear answer; the batch is not held."""
    token = add_branch(pg)
    kind = "feedback.filed" if "feedback" in payload else "rating.recorded"
    events = [*simple_log(2), event(3, at(minute=5), kind, **payload)]
    answer = central.post("/api/v1/ingest", json={"log_origin": events[0]["at"], "events": events}, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["message_ar"]
    assert field in answer.json()["message"] and "Event 3" in answer.json()["message"]
    assert pg.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    good = central.post("/api/v1/ingest", json={"log_origin": events[0]["at"], "events": events[:2]}, headers=bearer(token))
    assert good.status_code == 200 and good.json()["held"] == 2


def test_the_migration_counts_events_stored_before_it(pg_cluster):
    """Voice events held before the tallies existed are counted once the migration has run."""
    import uuid

    import psycopg

    from central import auth, summaries
    from central.schema import create_partition, migrate

    name = f"voice_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    with psycopg.connect(url, autocommit=True) as conn:
        saved = list(MIGRATIONS)
        MIGRATIONS[:] = [step for step in saved if step[0] < "0003_voice_tallies"]
        try:
            migrate(conn)
        finally:
            MIGRATIONS[:] = saved
        auth.add_branch(conn, "OLD-01", "فرع قديم", "Old branch")
        branch_id = conn.execute("SELECT id FROM branches WHERE code = 'OLD-01'").fetchone()[0]
        create_partition(conn, "events", date(2026, 11, 1))
        for seq, score in enumerate((5, 2, 4), start=1):
            conn.execute(
                "INSERT INTO events (branch_id, seq, occurred_at, at, type, payload) VALUES (%s, %s, to_timestamp(%s), %s, "
                "'rating.recorded', %s)",
                (branch_id, seq, at(), at(), json.dumps({"rating": {"score": score, "business_day": "2026-11-24"}})),
            )
        conn.execute(
            "INSERT INTO events (branch_id, seq, occurred_at, at, type, payload) VALUES (%s, 4, to_timestamp(%s), %s, "
            "'rating.recorded', %s)", (branch_id, at(), at(), json.dumps({"rating": {"score": "bad", "business_day": "nope"}})),
        )
        assert migrate(conn) == ["0003_voice_tallies"]
        assert applied_migrations(conn)[-1] == "0003_voice_tallies"
        while summaries.refresh_dirty(conn):
            pass
        row = conn.execute("SELECT rating_count, rating_sum, rating_satisfied FROM day_tallies "
                           "WHERE grouping = 'total' AND business_day = '2026-11-24'").fetchone()
        assert tuple(row) == (3, 11, 2)
        figures = league(conn, date(2026, 11, 24), date(2026, 11, 24))["rows"][0]["values"]
        assert figures["satisfaction"] == pytest.approx(2 / 3) and figures["complaints"] == 0
    pg_cluster.drop_database(name)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_league_page_shows_the_voice_in_chromium(pg_url, pg, store, clerks, clock, open_page, tmp_path, lang):
    """A real central over its socket: the league page shows 57.1 % and 2 complaints, "—" for a silent branch."""
    from playwright.sync_api import expect

    from central import auth
    from hub.shipper import Shipper, ShipperSettings
    from tests.central.live import LiveCentral

    voice_day(store, clock)
    auth.add_staff(pg, "analyst", PASSWORD)
    token = add_branch(pg, "RUH-01", "Riyadh — Olaya")
    add_branch(pg, "JED-02", "Jeddah — Al Hamra")
    central = LiveCentral(pg_url, tmp_path / "central").start()
    try:
        shipper = Shipper(store.path, ShipperSettings(central.url, "RUH-01", token, linger=0.01))
        shipper.start()
        wait_for(lambda: shipper.lag()["held"] == store.last_seq, timeout=60)
        shipper.stop()
        wait_for(lambda: central.health()["summaries_pending"] == 0, timeout=60)
        day = store.today().isoformat()
        page = open_page(f"{central.url}/login?next={quote(f'/?from={day}&to={day}', safe='')}&lang={lang}", lang=lang)
        page.fill("#username", "analyst")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit] >> nth=-1")
        page.wait_for_load_state()
        rows = page.locator("table").first.locator("tbody tr")
        expect(rows).to_have_count(2)
        ours = rows.filter(has_text="RUH-01" if lang == "ar" else "Riyadh")
        cells = ours.locator("td, th").all_inner_texts()
        headings = page.locator("table").first.locator("thead th").all_inner_texts()
        at_satisfaction = next(i for i, h in enumerate(headings) if ("الراضين" if lang == "ar" else "Satisfied") in h)
        at_complaints = next(i for i, h in enumerate(headings) if ("الشكاوى" if lang == "ar" else "Complaints") in h)
        assert cells[at_satisfaction].strip() == "57.1%" and cells[at_complaints].strip() == "2"
        silent = rows.filter(has_text="JED-02" if lang == "ar" else "Jeddah").inner_text()
        assert "57.1%" not in silent
        check_accessibility(page)
        save_screenshot(page, f"central-voice-league-{lang}")
    finally:
        central.stop()


def test_a_simulated_visits_rating_is_left_out(central, pg):
    """As its ticket is left out of every figure, so is the rating of a day simulator's ticket."""
    token = add_branch(pg)
    day = "2026-11-24"
    rating = {"number": "A-001", "service_id": 1, "counter_id": None, "source": "feedback", "business_day": day}
    events = [
        event(1, at(day), "ticket.issued", ticket=ticket(1, day=day, simulated=True)),
        event(2, at(day, second=1), "ticket.issued", ticket=ticket(2, day=day)),
        {**event(3, at(day, 11), "rating.recorded", rating={**rating, "ticket_id": 1, "score": 1}), "ticket_id": 1},
        {**event(4, at(day, 11, 1), "rating.recorded", rating={**rating, "ticket_id": 2, "score": 5}), "ticket_id": 2},
    ]
    answer = central.post("/api/v1/ingest", json={"log_origin": events[0]["at"], "events": events}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    wait_for(lambda: central.get("/api/v1/health").json()["summaries_pending"] == 0)
    values = league(pg, date(2026, 11, 24), date(2026, 11, 24))["rows"][0]
    assert values["values"]["satisfaction"] == 1.0 and values["figures"]["ratings"] == 1
