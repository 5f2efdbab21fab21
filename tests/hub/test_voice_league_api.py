"""The league and a clerk's own scorecard over HTTP: who may see what, and bad months refused."""

from __future__ import annotations

import pytest

from core import contract
from tests.core.test_voice_league import build_month


def test_supervisors_get_the_league_in_order_with_its_rule(hall, clerks):
    """`GET /stats/league?month=2026-11`: the constructed month's order, the minimum and no personal data."""
    build_month(hall.store, clerks)
    supervisor = hall.login(8, "super", "9999")
    answer = hall.client.get("/api/v1/stats/league?month=2026-11", headers=supervisor)
    assert answer.status_code == 200, answer.text
    league = contract.League.model_validate(answer.json())
    assert contract.unknown_fields(league) == []
    assert (league.month, league.from_, league.to, league.min_ratings, league.ranked) == ("2026-11", "2026-11-01", "2026-11-30", 100, 4)
    assert [row.clerk for row in league.rows] == ["ana", "bea", "bob", "ali", "new"]
    assert "comment" not in answer.text and "mobile" not in answer.text
    october = hall.client.get("/api/v1/stats/league?month=2026-10", headers=supervisor).json()
    assert october["rows"] == [] and october["ranked"] == 0
    this_month = hall.client.get("/api/v1/stats/league", headers=supervisor).json()
    assert this_month["month"] == "2026-11"


def test_a_clerk_may_not_see_the_league(hall, clerks):
    """A clerk's session gets 403; no token 401."""
    clerk = hall.login(1, "clerk1")
    assert hall.client.get("/api/v1/stats/league", headers=clerk).status_code == 403
    assert hall.client.get("/api/v1/stats/league").status_code == 401


def test_a_clerk_sees_their_own_scorecard_only(hall, clerks):
    """ana's session answers ana's card beside the centre's month, and the visits complaints name."""
    build_month(hall.store, clerks)
    device = hall.enroll("counter", "counter-1")
    hall.store.call(lambda tx: tx.conn.execute("UPDATE clerks SET pin_hash = (SELECT pin_hash FROM clerks WHERE username = 'clerk1') WHERE username = 'ana'"))
    login = hall.client.post("/api/v1/sessions", json={"username": "ana", "pin": "1111", "counter_id": hall.counter_id(1)}, headers=device)
    assert login.status_code == 201, login.text
    ana = {"Authorization": f"Bearer {login.json()['token']}"}
    answer = hall.client.get("/api/v1/sessions/current/scorecard?month=2026-11", headers=ana)
    assert answer.status_code == 200, answer.text
    mine = contract.MyScorecard.model_validate(answer.json())
    assert contract.unknown_fields(mine) == []
    assert (mine.card.clerk, mine.card.rank, mine.card.served, mine.ranked) == ("ana", 1, 120, 4)
    assert mine.centre.served == 120 * 4 + 50 and mine.centre.satisfaction.ratings == 530
    assert [(visit.business_day, visit.status) for visit in mine.complaints] == [("2026-11-01", "new"), ("2026-11-02", "new")]
    assert "bob" not in answer.text and "text" not in answer.json()["complaints"][0]
    clerk1 = hall.login(2, "clerk1")
    theirs = hall.client.get("/api/v1/sessions/current/scorecard?month=2026-11", headers=clerk1).json()
    assert theirs["card"]["clerk"] == "clerk1" and theirs["card"]["served"] == 0 and theirs["card"]["rank"] is None


def test_a_device_without_a_clerk_has_no_scorecard(hall, clerks):
    """A kiosk's token (no clerk session) gets 403 session_required."""
    kiosk = hall.enroll("kiosk")
    answer = hall.client.get("/api/v1/sessions/current/scorecard", headers=kiosk)
    assert answer.status_code == 403 and answer.json()["error"] == "session_required"


@pytest.mark.parametrize("month", [
    "2026-13", "2026-00", "2026-1", "2026-11-01", "11-2026", "%D9%A2%D9%A0%D9%A2%D9%A6-11",
    "2026-11%27%3B%20DROP%20TABLE%20ratings%3B--", "x" * 10_240, "1999-12",
])
def test_bad_months_are_422_with_the_contract_error(hall, clerks, month):
    """Wrong, hostile and huge months: 422 with {error, message, message_ar}, on both routes."""
    supervisor = hall.login(8, "super", "9999")
    clerk = hall.login(1, "clerk1")
    for path, headers in (("/api/v1/stats/league", supervisor), ("/api/v1/sessions/current/scorecard", clerk)):
        answer = hall.client.get(f"{path}?month={month}", headers=headers)
        assert answer.status_code == 422, (path, answer.text)
        body = answer.json()
        assert body["error"] == "validation_error" and body["message_ar"] and "month" in body["message"]
    with hall.store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0] == 0


def test_an_empty_month_means_this_month(hall, clerks):
    """`month=` counts as absent."""
    supervisor = hall.login(8, "super", "9999")
    assert hall.client.get("/api/v1/stats/league?month=", headers=supervisor).json()["month"] == "2026-11"


def test_include_simulated_takes_only_a_yes_or_no(hall, clerks):
    """`include_simulated=maybe` is 422; `true` counts the simulated visit of the constructed month."""
    build_month(hall.store, clerks)
    supervisor = hall.login(8, "super", "9999")
    assert hall.client.get("/api/v1/stats/league?include_simulated=maybe", headers=supervisor).status_code == 422
    real = hall.client.get("/api/v1/stats/league?month=2026-11", headers=supervisor).json()
    both = hall.client.get("/api/v1/stats/league?month=2026-11&include_simulated=true", headers=supervisor).json()
    served = {r["clerk"]: r["served"] for r in real["rows"]}
    assert both["include_simulated"] is True and {r["clerk"]: r["served"] for r in both["rows"]}["new"] == served["new"] + 1
