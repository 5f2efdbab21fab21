"""The appointment and remote-queue figures in the reports (csv, xlsx, pdf), from the small
day of tests/core/test_visit_figures.py."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reports.data import load
from reports.pdf import Text, build, render_png
from reports.text import visual
from reports.tabular import VISITS_SHEET, write_csv, write_xlsx
from tests.core.test_visit_figures import small_day
from tests.reports.test_report import read_csv

DAY = date(2026, 11, 24)
ELEVEN = datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("Asia/Riyadh"))


def report(store, clerks, clock):
    small_day(store, clerks, clock)
    return load(Path(store.path), DAY, DAY, now=ELEVEN)


def test_csv_has_the_visit_rows(store, clerks, clock, tmp_path: Path):
    """One `visits` row for the period and one per service, day, and service and day, as by hand."""
    out = tmp_path / "day.csv"
    write_csv(report(store, clerks, clock), out)
    rows = read_csv(out)
    period = next(row for row in rows if row["grouping"] == "visits")
    assert (period["booked"], period["checked_in"], period["booking_cancelled"], period["booking_no_show"],
            period["booking_pending"]) == ("5", "2", "1", "1", "1")
    assert float(period["punctuality_mean"]) == 450.0 and float(period["walk_in_wait_mean"]) == 360.0
    assert (period["remote_issued"], period["remote_arrived"], period["remote_no_show"]) == ("3", "1", "2")
    assert float(period["remote_no_show_rate"]) == round(2 / 3, 4)
    by_service = {row["code"]: row for row in rows if row["grouping"] == "visits_service"}
    assert sorted(by_service) == ["A", "F"] and by_service["F"]["booked"] == "5"
    assert [row["key"] for row in rows if row["grouping"] == "visits_day"] == ["2026-11-24"]
    assert [row["key"] for row in rows if row["grouping"] == "visits_service_day"] == ["A@2026-11-24", "F@2026-11-24"]


def test_xlsx_has_the_visits_sheet(store, clerks, clock, tmp_path: Path):
    """The sheet lists the services, then the days, then the period, in minutes."""
    from openpyxl import load_workbook

    out = tmp_path / "day.xlsx"
    write_xlsx(report(store, clerks, clock), out)
    sheet = load_workbook(out)[VISITS_SHEET]
    assert sheet.sheet_view.rightToLeft
    headings = [sheet.cell(row=1, column=c).value for c in range(1, 17)]
    assert headings[1].startswith("حجوزات") and "Booked" in headings[1]
    assert [sheet.cell(row=r, column=2).value for r in (2, 3)] == [0, 5]  # A, then F
    punctuality = headings.index(next(h for h in headings if h and h.startswith("متوسط (النداء"))) + 1
    assert sheet.cell(row=3, column=punctuality).value == 7.5  # 450 s


def test_pdf_has_the_visits_section_in_both_languages(store, clerks, clock):
    """The section's heading, its whole-centre row and the two services, in Arabic and in English."""
    data = report(store, clerks, clock)
    for lang, heading, centre in (("ar", "المواعيد والانتظار عن بُعد", "المركز كله"),
                                  ("en", "Appointments and the remote queue", "Whole centre")):
        layout = build(data, lang)
        render_png(layout, Path(__file__).resolve().parents[2] / "out" / "reports", f"visits-{lang}")  # to look at
        texts = ["".join(piece for _, piece in op.runs) for page in layout.pages for op in page.ops if isinstance(op, Text)]
        assert visual(heading) in texts and visual(centre) in texts, lang
        # the whole centre's punctuality: +7.5 minutes (450 s), with its sign before the number
        assert any("+7.5" in text for text in texts), lang
        assert any(text.startswith("F") and visual("المواعيد المسبقة" if lang == "ar" else "Pre-booked appointments") in text
                   or (visual("المواعيد المسبقة") in text and "F" in text) for text in texts), lang
