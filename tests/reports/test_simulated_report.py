"""Reports (csv, xlsx, pdf, `report`) leave the day simulator's tickets out unless asked."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

from core import commands
from core.models import DeviceKind
from core.commands import open_store
from core.store import backup_to
from reports.data import load
from tests.reports.conftest import KnownDay
from tests.reports.test_report import read_csv, run
from tests.support import Clock, demo_config

DAY = date(2026, 11, 24)


def add_simulated_tickets(db: Path, clock: Clock, count: int) -> None:
    with open_store(db, demo_config(), clock=clock) as store:
        device = store.call(commands.enroll_device, "simulator arrivals", DeviceKind.ADMIN, simulated=True, into_real_database=True)
        service = store.catalogue.services_by_code["C"].id
        for _ in range(count):
            store.call(commands.issue_ticket, service, device_id=device["device_id"])


def test_every_format_leaves_simulated_tickets_out_unless_asked(known_day: KnownDay, clock: Clock, tmp_path: Path, capsys):
    """The known day's 4 real tickets, plus 3 simulated: 4 by default, 7 with --include-simulated,
    before and after the rollover stores the day's summary."""
    add_simulated_tickets(known_day.db, clock, 3)
    for rolled in (False, True):
        if rolled:
            clock.advance(86_400)
            open_store(known_day.db, demo_config(), clock=clock).close()  # the hub rolls the day and stores it
        plain, everything = tmp_path / f"plain-{rolled}.csv", tmp_path / f"all-{rolled}.csv"
        assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(plain)) == 0
        assert "4 issued" in capsys.readouterr().out
        assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(everything), "--include-simulated") == 0
        assert "7 issued" in capsys.readouterr().out
        assert read_csv(plain)[0]["issued"] == "4" and read_csv(everything)[0]["issued"] == "7"
        by_service = {row["code"]: row["issued"] for row in read_csv(plain) if row["grouping"] == "service"}
        assert by_service.get("C", "0") == "0"
    assert load(known_day.db, DAY, DAY).kpis["days"] == {"summarised": 1, "live": 0}
    assert load(known_day.db, DAY, DAY, include_simulated=True).kpis["days"] == {"summarised": 0, "live": 1}


def test_xlsx_and_pdf_follow_the_same_rule(known_day: KnownDay, clock: Clock, tmp_path: Path, out_dir: Path):
    from openpyxl import load_workbook

    from reports.pdf import Text, render_png, write_pdf
    from reports.text import visual

    add_simulated_tickets(known_day.db, clock, 3)
    for flag, issued in (((), 4), (("--include-simulated",), 7)):
        out = tmp_path / f"day{len(flag)}.xlsx"
        assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(out), *flag) == 0
        sheet = load_workbook(out).worksheets[0]
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        assert issued in values
    for lang, words in (("ar", "يشمل تذاكر المحاكاة"), ("en", "Includes simulated tickets")):
        for include in (False, True):
            layout = write_pdf(load(known_day.db, DAY, DAY, include_simulated=include), tmp_path / "day.pdf", lang)
            drawn = ["".join(piece for _, piece in op.runs) for op in layout.pages[0].ops if isinstance(op, Text)]
            assert (visual(words) in drawn or words in drawn) is include
        render_png(layout, out_dir, f"report-with-simulated-{lang}")


def test_a_database_from_before_the_flag_still_reports(known_day: KnownDay, tmp_path: Path):
    """A database whose hub has not yet added the `simulated` flag: every ticket counts, no error."""
    old = tmp_path / "old.sqlite"
    backup_to(known_day.db, old)
    conn = sqlite3.connect(old)
    conn.executescript(
        "ALTER TABLE tickets DROP COLUMN simulated; ALTER TABLE day_summaries DROP COLUMN simulated_entries;"
        "DELETE FROM migrations WHERE name = '0004_simulated';"
    )
    conn.close()
    for include in (False, True):
        assert load(old, DAY, DAY, include_simulated=include).kpis["totals"]["issued"] == 4
