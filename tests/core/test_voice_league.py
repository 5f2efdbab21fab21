"""The clerks' league on a constructed month in a real database: the minimum-ratings rule, the
service adjustment, and every scorecard figure worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core import commands
from core.models import Role
from core.voice_figures import MIN_RATINGS_TO_RANK, scorecards
from tests.voice_month import Visit, VisitWriter, at

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)


def scores(*pairs: tuple[int, int]) -> list[int]:
    """(score, how many) pairs as one list of scores."""
    return [score for score, count in pairs for _ in range(count)]


def build_month(store, clerks: dict[str, int], pin_hash: str = "unused") -> dict[str, int]:
    """Service A is slow and hard, B quick and easy.

    - ana (A): 120 rated visits of 900 s, mean 3.6 (72 × 4, 48 × 3); also 10 absent, 12 recalled;
      two complaints name her visits.
    - ali (A): 120 rated visits of 1200 s, mean 2.8 (96 × 3, 24 × 2); waits past the target.
    - bob (B): 120 rated visits of 200 s, mean 4.3 (36 × 5, 84 × 4).
    - bea (B): 120 rated visits of 150 s, mean 4.8 (96 × 5, 24 × 4).
    - new (B): 50 rated visits of 100 s, all 5: the best raw score, too few ratings to rank.
    Service means: A 3.2; B (120·4.3 + 120·4.8 + 50·5) / 290 = 4.6276.
    """
    ids = dict(clerks)
    for name in ("ana", "ali", "bob", "bea", "new"):
        ids[name] = store.call(commands.add_clerk, name, Role.CLERK, pin_hash)
    service = {code: store.catalogue.services_by_code[code].id for code in "AB"}
    counter = {number: store.catalogue.counters_by_number[number].id for number in (1, 2, 3, 4, 5)}
    plan = [
        ("ana", "A", 1, 900, 60, scores((4, 72), (3, 48))),
        ("ali", "A", 2, 1200, 3600, scores((3, 96), (2, 24))),
        ("bob", "B", 3, 200, 60, scores((5, 36), (4, 84))),
        ("bea", "B", 4, 150, 60, scores((5, 96), (4, 24))),
        ("new", "B", 5, 100, 60, scores((5, 50))),
    ]

    def write(tx) -> None:
        writer = VisitWriter(tx.conn)
        for name, code, desk, seconds, wait, marks in plan:
            for index, score in enumerate(marks):
                day = FIRST + timedelta(days=index % 20)
                ticket = writer.add(Visit(service[code], counter[desk], ids[name], day, at(day, 9) + index, wait, seconds,
                                          recalls=int(name == "ana" and index < 12), score=score))
                if name == "ana" and index < 2:
                    writer.complaint(ticket, day, at(day, 12), clerk_id=ids[name], service_id=service[code])
        for index in range(10):
            writer.add(Visit(service["A"], counter[1], ids["ana"], FIRST, at(FIRST, 10) + index, 60, 0, status="no_show"))
        writer.complaint(None, FIRST, at(FIRST, 13))  # from a kiosk: names nobody
        # A simulated visit is left out of the league.
        writer.add(Visit(service["B"], counter[5], ids["new"], FIRST, at(FIRST, 11), 60, 10, score=1, simulated=True))

    store.call(write)
    return ids


def test_the_hardest_service_does_not_lose_to_the_quickest_and_few_ratings_are_not_ranked(store, clerks):
    """ana (raw 3.6 on A) ranks above bob (raw 4.3 on B); new (50 ratings of 5) is listed, unranked, last."""
    ids = build_month(store, clerks)
    with store.read() as conn:
        cards = scorecards(conn, FIRST, LAST, store.catalogue.tz)
    by_name = {card["clerk"]: card for card in cards}
    assert [card["clerk"] for card in cards] == ["ana", "bea", "bob", "ali", "new"]
    assert [card["rank"] for card in cards] == [1, 2, 3, 4, None]
    assert by_name["ana"]["satisfaction"]["mean_score"] < by_name["bob"]["satisfaction"]["mean_score"]
    assert by_name["new"]["satisfaction"]["mean_score"] == 5.0 and by_name["new"]["ranked"] is False
    assert by_name["new"]["satisfaction"]["ratings"] == 50 < MIN_RATINGS_TO_RANK
    b_mean = (120 * 4.3 + 120 * 4.8 + 50 * 5) / 290
    assert by_name["ana"]["score_vs_service"] == pytest.approx(0.4, abs=1e-3)
    assert by_name["bob"]["score_vs_service"] == pytest.approx(4.3 - b_mean, abs=1e-3)
    assert by_name["ana"]["time_vs_service"] == pytest.approx(900 / 1050, abs=1e-3)
    assert all(set(card) & {"comment", "text", "mobile"} == set() for card in cards)
    assert ids["ana"] == by_name["ana"]["clerk_id"]


def test_a_scorecard_has_every_figure_worked_out_by_hand(store, clerks):
    """ana: 120 served of 130 called, 900 s mean and median, 10/130 absent, 12/130 recalled, all
    called within target; 60 % satisfied over 120 ratings; two complaints. ali waited past target."""
    build_month(store, clerks)
    with store.read() as conn:
        by_name = {card["clerk"]: card for card in scorecards(conn, FIRST, LAST, store.catalogue.tz)}
    ana = by_name["ana"]
    assert (ana["served"], ana["called"], ana["complaints"]) == (120, 130, 2)
    assert (ana["mean_service_seconds"], ana["median_service_seconds"]) == (900.0, 900.0)
    assert ana["no_show_rate"] == round(10 / 130, 4) and ana["recall_rate"] == round(12 / 130, 4)
    assert ana["within_target_share"] == 1.0 and by_name["ali"]["within_target_share"] == 0.0
    assert ana["satisfaction"] == {"ratings": 120, "satisfied_share": 0.6, "mean_score": 3.6, "response_rate": 1.0,
                                   "score_counts": [0, 0, 48, 72, 0]}
    assert by_name["new"]["served"] == 50  # the simulated visit is not counted
    assert by_name["bob"]["complaints"] == 0
