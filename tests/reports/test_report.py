"""`report`: CSV, Excel and PDF of a known day, from the command line, with clear errors for bad input."""

from __future__ import annotations

import argparse
import csv
from datetime import date
from pathlib import Path

import pytest

from reports import cli
from reports.data import load
from reports.pdf import MARGIN, PAGE_WIDTH, Text, build, render_png, write_pdf
from reports.text import visual
from core.models import Role
from tests.reports.conftest import KnownDay, store_clerks

DAY = date(2026, 11, 24)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tabour")
    cli.register(parser.add_subparsers(dest="role"))
    args = parser.parse_args(["report", *argv])
    result = args.func(args)
    assert isinstance(result, int)
    return result


def test_csv_has_the_hand_computed_figures(known_day: KnownDay, tmp_path: Path, capsys):
    """Totals: 4 issued, 2 served, 1 cancelled, 1 waiting; waits 60 and 420 (mean 240); services 300 and 600."""
    out = tmp_path / "day.csv"
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(out)) == 0
    assert "4 issued, 2 served" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads the Arabic names
    rows = read_csv(out)
    total = rows[0]
    assert total["grouping"] == "total" and total["key"] == "2026-11-24..2026-11-24"
    assert (total["issued"], total["served"], total["cancelled"], total["waiting"]) == ("4", "2", "1", "1")
    assert (total["wait_mean"], total["wait_median"], total["wait_p90"]) == ("240.0", "60.0", "420.0")
    assert (total["service_mean"], total["service_total"], total["within_target"]) == ("450.0", "900", "1.0")
    by = {(row["grouping"], row["key"]): row for row in rows}
    assert by[("clerk", "clerk1")]["served"] == "2"
    assert by[("service", str(_service_id(rows, "A")))]["name_ar"] == "السجل التجاري"
    assert by[("service", str(_service_id(rows, "B")))]["waiting"] == "1"
    assert by[("counter", "1")]["service_total"] == "900"
    assert by[("hour", "10")]["issued"] == "4" and by[("day", "2026-11-24")]["issued"] == "4"


def _service_id(rows: list[dict], code: str) -> int:
    return int(next(row["key"] for row in rows if row["grouping"] == "service" and row["code"] == code))


def test_xlsx_has_one_sheet_per_grouping(known_day: KnownDay, tmp_path: Path):
    """A summary sheet, one sheet per grouping and the wait distribution; right to left; minutes."""
    from openpyxl import load_workbook

    out = tmp_path / "day.xlsx"
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--to", "2026-11-24", "--out", str(out)) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["الملخص Summary", "الخدمات Services", "الشبابيك Counters", "الموظفون Clerks",
                               "الساعات Hours", "الأيام Days", "توزيع الانتظار Waits",
                               "الشكاوى والاقتراحات Feedback", "ترتيب الموظفين League", "المواعيد والجوال Appointments"]
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    clerks = book["الموظفون Clerks"]
    headings = [cell.value for cell in clerks[1]]
    assert headings[0].startswith("الموظف\n") and "Clerk" in headings[0]
    row = {heading.split("\n")[1]: cell.value for heading, cell in zip(headings, clerks[2])}
    assert row["Clerk"] == "clerk1" and row["Served"] == 2
    assert row["Service mean (min)"] == 7.5  # 450 s
    summary = book["الملخص Summary"]
    values = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value for r in range(1, summary.max_row + 1)}
    assert values["صادرة — Issued"] == 4 and values["متوسط الانتظار (دقيقة) — Wait mean (min)"] == 4.0
    waits = book["توزيع الانتظار Waits"]
    assert [waits.cell(row=r, column=3).value for r in (2, 3)] == [1, 1]  # 60 s in 0-5 min, 420 s in 5-10


def test_pdf_is_arabic_first_shaped_and_right_aligned(known_day: KnownDay, tmp_path: Path, out_dir: Path):
    """The title is drawn as shaped Arabic against the right margin; clerks are ranked; pages render to PNG."""
    data = load(known_day.db, DAY, DAY)
    out = tmp_path / "day.pdf"
    layout = write_pdf(data, out, "ar")
    assert out.read_bytes().startswith(b"%PDF-") and out.stat().st_size > 20_000
    texts = [op for op in layout.pages[0].ops if isinstance(op, Text)]
    title = next(op for op in texts if "".join(piece for _, piece in op.runs) == visual("تقرير أداء مركز الخدمة"))
    width = sum(layout._width(piece, name, title.size) for name, piece in title.runs)
    assert abs(title.x + width - (PAGE_WIDTH - MARGIN - 12)) < 0.01  # right-aligned
    letters = [ch for page in layout.pages for op in page.ops if isinstance(op, Text) for _, piece in op.runs for ch in piece]
    assert not [ch for ch in letters if "\u0621" <= ch <= "\u064a" and ch != "\u0640"]  # no unjoined letter (tatweel aside)
    drawn = ["".join(piece for _, piece in op.runs) for page in layout.pages for op in page.ops if isinstance(op, Text)]
    assert visual("clerk1") in drawn and "7.5" in drawn  # the clerk's row: mean service 450 s
    pages = render_png(layout, out_dir, "known-day-ar")
    assert pages and all(path.stat().st_size > 10_000 for path in pages)


def test_pdf_in_english_and_for_an_empty_period(known_day: KnownDay, tmp_path: Path, out_dir: Path):
    """English reads left to right; a period without tickets still makes a report that says so."""
    english = build(load(known_day.db, DAY, DAY), "en")
    title = next(op for op in english.pages[0].ops if isinstance(op, Text) and op.runs[0][1].startswith("Service centre"))
    assert title.x == MARGIN + 12
    render_png(english, out_dir, "known-day-en")
    empty = load(known_day.db, date(2026, 1, 1), date(2026, 1, 31))
    layout = build(empty, "ar")
    drawn = ["".join(piece for _, piece in op.runs) for page in layout.pages for op in page.ops if isinstance(op, Text)]
    assert visual("لا توجد بيانات لهذه الفترة.") in drawn
    render_png(layout, out_dir, "empty-month-ar")
    assert run("--db", str(known_day.db), "--from", "2026-01", "--to", "2026-01", "--out", str(tmp_path / "empty.pdf")) == 0


def test_hijri_dates_give_the_same_report(known_day: KnownDay, tmp_path: Path):
    """14 Jumada al-Akhirah 1448 is 2026-11-24: the same CSV either way."""
    gregorian, hijri = tmp_path / "g.csv", tmp_path / "h.csv"
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(gregorian)) == 0
    assert run("--db", str(known_day.db), "--from", "1448-06-14", "--to", "١٤٤٨-٠٦-١٤", "--out", str(hijri)) == 0
    assert gregorian.read_bytes() == hijri.read_bytes()


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--from", "2026-02-30"], "has 28 days"),
        (["--from", "2026-11-24", "--to", "2026-11-01"], "before"),
        (["--from", "1448-13-01"], "no month 13"),
        (["--from", "next tuesday"], "Not a date"),
        (["--from", "2000-01-01", "--to", "2026-12-31"], "ten years"),
        (["--from", "2026-11-24", "--format", "docx"], "invalid choice"),
    ],
)
def test_bad_dates_and_options_are_clear_errors(known_day: KnownDay, tmp_path: Path, capsys, argv, words):
    """Each mistake is named on stderr in English and Arabic, exits 2 like any bad input, and nothing is written."""
    out = tmp_path / "r.csv"
    try:
        code = run("--db", str(known_day.db), "--out", str(out), *argv)
    except SystemExit as exit_:  # argparse refuses unknown choices itself
        code = exit_.code
    assert code == 2
    error = capsys.readouterr().err
    assert words in error
    if words != "invalid choice":
        assert "خطأ:" in error
    assert not out.exists() and list(tmp_path.glob(".*partial")) == []


def test_files_and_databases_that_cannot_be_used(known_day: KnownDay, tmp_path: Path, capsys):
    """A missing or foreign database, an existing or unnamed output, or a missing folder: refused clearly."""
    out = tmp_path / "r.pdf"
    assert run("--db", str(tmp_path / "none.sqlite"), "--from", "2026-11-24", "--out", str(out)) == 1
    assert "No database" in capsys.readouterr().err
    foreign = tmp_path / "notes.sqlite"
    foreign.write_bytes(b"these are not the tables you are looking for" * 100)
    assert run("--db", str(foreign), "--from", "2026-11-24", "--out", str(out)) == 1
    assert "not a Tabour database" in capsys.readouterr().err
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(tmp_path / "report")) == 2
    assert "--format" in capsys.readouterr().err
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(tmp_path / "no" / "r.csv")) == 2
    assert "does not exist" in capsys.readouterr().err
    existing = tmp_path / "kept.csv"
    existing.write_text("keep me")
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(existing)) == 2
    assert existing.read_text() == "keep me" and "--force" in capsys.readouterr().err
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(existing), "--force") == 0
    assert existing.read_text(encoding="utf-8-sig").startswith("grouping,")
    before = known_day.db.read_bytes()
    for target in (known_day.db, Path(f"{known_day.db}-wal")):
        assert run("--db", str(known_day.db), "--from", "2026-11-24", "--format", "csv", "--out", str(target), "--force") == 2
        assert "the database itself" in capsys.readouterr().err
    assert known_day.db.read_bytes() == before


def test_the_report_reads_while_the_hub_writes(store, clock, clerks, tmp_path: Path):
    """A report of a database the hub has open reads a consistent snapshot and changes nothing."""
    from core import commands

    store.call(commands.issue_ticket, store.catalogue.services_by_code["C"].id)
    before = Path(store.path).read_bytes()
    assert run("--db", store.path, "--from", "2026-11-24", "--out", str(tmp_path / "live.csv")) == 0
    rows = read_csv(tmp_path / "live.csv")
    assert rows[0]["issued"] == "1" and rows[0]["waiting"] == "1"
    assert Path(store.path).read_bytes() == before
    assert store.call(commands.issue_ticket, store.catalogue.services_by_code["C"].id)["number"] == "C-002"


def test_a_database_from_before_the_summaries_still_reports(known_day: KnownDay, tmp_path: Path):
    """A database whose hub has not yet added the daily summaries gives the same figures, computed live."""
    import sqlite3

    from core.store import backup_to

    old = tmp_path / "old.sqlite"
    backup_to(known_day.db, old)
    conn = sqlite3.connect(old)
    conn.executescript(
        "DROP TABLE day_summary_buckets; DROP TABLE day_summaries; DELETE FROM migrations WHERE name = '0002_day_summaries';"
    )
    conn.close()
    current, before = load(known_day.db, DAY, DAY).kpis, load(old, DAY, DAY).kpis
    assert before["days"] == {"summarised": 0, "live": 1}
    assert {k: v for k, v in before.items() if k != "days"} == {k: v for k, v in current.items() if k != "days"}


def test_names_that_look_like_formulas_stay_text(store, clock, tmp_path: Path):
    """A clerk named '=HYPERLINK(…)' is written as text in CSV and Excel, never as a formula."""
    from openpyxl import load_workbook

    from core import commands

    name = '=HYPERLINK("http://example.invalid","x")'
    store.call(commands.add_clerk, name, Role.CLERK, "unused")
    counter = store.catalogue.counters_by_number[1].id
    store.call(commands.record_login, name, True, counter, None)
    clerk_id = store_clerks(store)[name]
    ticket = store.call(commands.issue_ticket, store.catalogue.services_by_code["A"].id)["id"]
    store.call(commands.call_next, counter, clerk_id)
    store.call(commands.start, ticket, counter)
    store.call(commands.finish, ticket, counter)
    assert run("--db", store.path, "--from", "2026-11-24", "--out", str(tmp_path / "r.csv")) == 0
    assert run("--db", store.path, "--from", "2026-11-24", "--out", str(tmp_path / "r.xlsx")) == 0
    clerk_rows = [row for row in read_csv(tmp_path / "r.csv") if row["grouping"] == "clerk"]
    assert [row["key"] for row in clerk_rows] == ["'" + name]
    cell = load_workbook(tmp_path / "r.xlsx")["الموظفون Clerks"]["A2"]
    assert cell.value == "'" + name and cell.data_type == "s"


def test_xlsx_carries_the_pdfs_two_charts_drawn_from_its_own_sheets(known_day: KnownDay, tmp_path: Path):
    """Arrivals with the mean and median wait by hour, and the wait distribution, as Excel charts."""
    import zipfile

    from openpyxl import load_workbook

    out = tmp_path / "day.xlsx"
    assert run("--db", str(known_day.db), "--from", "2026-11-24", "--out", str(out)) == 0
    with zipfile.ZipFile(out) as archive:
        charts = sorted(name for name in archive.namelist() if name.startswith("xl/charts/chart"))
        xml = [archive.read(name).decode("utf-8") for name in charts]
    assert len(charts) == 2
    arrivals = next(text for text in xml if "Arrivals and waits by hour" in text)
    assert "<barChart>" in arrivals and "<lineChart>" in arrivals
    for sheet_ref in ("'الساعات Hours'!B1", "'الساعات Hours'!J1", "'الساعات Hours'!K1"):  # issued, wait mean, median
        assert sheet_ref in arrivals, sheet_ref
    distribution = next(text for text in xml if "Wait-time distribution" in text)
    assert "'توزيع الانتظار Waits'!$C$2:$C$" in distribution
    book = load_workbook(out)
    hours = book["الساعات Hours"]
    assert hours.cell(row=1, column=2).value.endswith("Issued") and "Wait mean" in hours.cell(row=1, column=10).value
