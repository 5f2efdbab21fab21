"""The answer target counts the centre's working days: closed weekdays and holidays are skipped."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.catalogue import Catalogue
from core.config import parse_config
from core.voice import answer_due
from tests.support import demo_config_text

RIYADH = ZoneInfo("Asia/Riyadh")


def catalogue_with(hours: str) -> Catalogue:
    """The demo centre with the centre's hours replaced by `hours` (a TOML line; empty: always open)."""
    config = parse_config(demo_config_text())
    config = config.model_copy(update={"centre": config.centre.model_copy(update={"hours": parse_config_hours(hours)})})
    return Catalogue(config=config, tz=RIYADH)


def parse_config_hours(line: str):
    import tomllib

    return tomllib.loads(line)["hours"] if line else "always"


def test_a_complaint_filed_on_thursday_is_due_after_three_working_days_sunday_to_thursday():
    """Sun–Thu opening: filed Thursday 26 Nov 2026 → Sun, Mon, Tue → due Tuesday 1 Dec."""
    week = 'hours = {sun = ["08:00-15:00"], mon = ["08:00-15:00"], tue = ["08:00-15:00"], wed = ["08:00-15:00"], thu = ["08:00-15:00"]}'
    catalogue = catalogue_with(week)
    filed = datetime(2026, 11, 26, 11, 0, tzinfo=RIYADH).timestamp()
    assert answer_due(catalogue, filed) == date(2026, 12, 1)


def test_a_centre_always_open_counts_every_day():
    """'always': three calendar days later."""
    catalogue = catalogue_with("")
    filed = datetime(2026, 11, 26, 11, 0, tzinfo=RIYADH).timestamp()
    assert answer_due(catalogue, filed) == date(2026, 11, 29)


def test_the_response_time_is_counted_in_the_same_working_days():
    """Filed Thursday 26 Nov, answered Wednesday 2 Dec (Sun–Thu week): Sun, Mon, Tue, Wed = 4 of 3, late; the same day = 0."""
    from core.voice import with_target, working_days_between

    week = 'hours = {sun = ["08:00-15:00"], mon = ["08:00-15:00"], tue = ["08:00-15:00"], wed = ["08:00-15:00"], thu = ["08:00-15:00"]}'
    catalogue = catalogue_with(week)
    filed = datetime(2026, 11, 26, 11, 0, tzinfo=RIYADH)
    assert working_days_between(catalogue, filed.timestamp(), date(2026, 12, 2)) == 4
    assert working_days_between(catalogue, filed.timestamp(), date(2026, 11, 26)) == 0
    assert working_days_between(catalogue, filed.timestamp(), date(2026, 11, 28)) == 0  # Fri and Sat are closed
    entry = {"created_at": filed.isoformat(), "answered_at": datetime(2026, 12, 2, 9, 0, tzinfo=RIYADH).isoformat()}
    row = with_target(catalogue, entry, datetime(2026, 12, 3, tzinfo=RIYADH).timestamp())
    assert (row["response_days"], row["target_days"], row["on_time"], row["late"]) == (4, 3, False, False)
    waiting = with_target(catalogue, {**entry, "answered_at": None}, datetime(2026, 11, 30, 12, tzinfo=RIYADH).timestamp())
    assert (waiting["response_days"], waiting["on_time"], waiting["late"]) == (2, True, False)
