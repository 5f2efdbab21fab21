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
