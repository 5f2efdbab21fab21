"""Satisfaction figures and the clerk league, on small hand-computed cases."""

from core.voice_figures import RatedVisit, ServedVisit, league, satisfaction


def test_satisfaction_hand_computed():
    """Scores 5, 4, 3, 1 of 8 served: half satisfied, mean 3.25, response rate 0.5."""
    figures = satisfaction([5, 4, 3, 1], served=8)
    assert figures == {"ratings": 4, "satisfied_share": 0.5, "mean_score": 3.25, "response_rate": 0.5}


def test_satisfaction_of_nothing_is_none_not_zero():
    """No ratings and nobody served give no figures rather than a misleading zero."""
    assert satisfaction([], served=0) == {
        "ratings": 0, "satisfied_share": None, "mean_score": None, "response_rate": None
    }


def _case():
    # Service 1 is hard (slow, visitors less happy); service 2 is quick. Clerk 10 serves only
    # the hard one and beats its mean; clerk 20 serves only the quick one and is below its mean.
    rated, served = [], []
    for clerk, service, scores, seconds in (
        (10, 1, [4, 4, 3], 900), (11, 1, [2, 2, 3], 1200),
        (20, 2, [4, 5, 4], 200), (21, 2, [5, 5, 5], 100),
    ):
        rated += [RatedVisit(service, None, clerk, s) for s in scores]
        served += [ServedVisit(service, clerk, seconds) for _ in scores]
    return rated, served


def test_clerk_on_the_hardest_service_does_not_lose_to_one_on_the_quickest():
    """Clerk 10 (raw mean 3.67 on the hard service) ranks above clerk 20 (raw 4.33 on the quick one)."""
    rated, served = _case()
    rows = {row["clerk_id"]: row for row in league(rated, served, min_ratings=3)}
    assert rows[10]["mean_score"] < rows[20]["mean_score"]
    assert rows[10]["rank"] < rows[20]["rank"]
    # Service 1 mean score 3.0: clerk 10 is +0.667; service 2 mean 4.667: clerk 20 is −0.333.
    assert abs(rows[10]["score_vs_service"] - 2 / 3) < 1e-9
    assert abs(rows[20]["score_vs_service"] + 1 / 3) < 1e-9
    # Service 1 mean time 1050 s: clerk 10 takes 900/1050 of it.
    assert abs(rows[10]["time_vs_service"] - 900 / 1050) < 1e-9
    assert [row["clerk_id"] for row in league(rated, served, min_ratings=3)] == [10, 21, 20, 11]


def test_clerk_with_too_few_ratings_is_listed_but_not_ranked():
    """With a minimum of 4 ratings, nobody (3 each) is ranked; all are still listed."""
    rated, served = _case()
    rows = league(rated, served, min_ratings=4)
    assert len(rows) == 4
    assert all(row["rank"] is None and not row["ranked"] for row in rows)
    assert all("comment" not in row and "mobile" not in row for row in rows)
