"""The report's columns: how a column reads its figure, and the figures two tables share."""

from __future__ import annotations

from reports.data import KPI_COLUMNS, LEAGUE_COLUMNS, VISIT_COLUMNS, Column


def test_a_column_without_a_reader_reads_its_own_key_and_a_missing_figure_is_none():
    column = Column("issued", "صادرة", "Issued", "count")
    assert column.get({"issued": 7, "served": 3}) == 7
    assert column.get({}) is None


def test_a_column_with_a_reader_keeps_it():
    column = next(c for c in VISIT_COLUMNS if c.key == "booking_no_show")
    assert column.get({"no_show": 2, "booking_no_show": 99}) == 2  # the visits' figure is `no_show`


def test_the_centres_rows_and_the_league_show_served_target_and_satisfaction_alike():
    """The same headings and the same reading in both tables, so the two never drift apart."""
    kpi = {c.key: c for c in KPI_COLUMNS}
    league = {c.key: c for c in LEAGUE_COLUMNS}
    row = {"served": 12, "within_target_share": 0.75, "satisfaction": {"ratings": 8, "satisfied_share": 0.5, "mean_score": 4.1}}
    for key in ("served", "within_target", "ratings", "satisfied", "mean_score"):
        assert (kpi[key].ar, kpi[key].en, kpi[key].kind) == (league[key].ar, league[key].en, league[key].kind)
        assert kpi[key].get(row) == league[key].get(row) is not None
