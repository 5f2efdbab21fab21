"""The visitor's voice in the reports, and the one-page monthly centre report (pdf and xlsx)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reports.data import load
from reports.monthly import build_monthly, parse_report_month
from reports.pdf import Text, build, render_png
from reports.text import visual
from tests.core.test_voice_league import build_month
from tests.reports.test_report import read_csv, run

FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)


def drawn(layout) -> list[str]:
    return ["".join(piece for _, piece in op.runs) for page in layout.pages for op in page.ops if isinstance(op, Text)]


@pytest.fixture
def month_db(store, clerks) -> Path:
    """The constructed month of the league tests (core/test_voice_league.py) in the hub's database."""
    build_month(store, clerks)
    return Path(store.path)


def test_csv_carries_satisfaction_feedback_and_the_league(month_db: Path, tmp_path: Path):
    """Every row has its ratings; `feedback` rows by kind; `league` rows in league order, none personal."""
    out = tmp_path / "month.csv"
    assert run("--db", str(month_db), "--from", "2026-11", "--to", "2026-11", "--out", str(out)) == 0
    rows = read_csv(out)
    total = rows[0]
    assert (total["ratings"], total["served"]) == ("530", "530")
    assert float(total["response_rate"]) == 1.0
    league = [row for row in rows if row["grouping"] == "league"]
    assert [row["key"] for row in league] == ["ana", "bea", "bob", "ali", "new"]
    assert [row["rank"] for row in league] == ["1", "2", "3", "4", ""]
    ana = league[0]
    assert (ana["served"], ana["called"], ana["complaints"], ana["satisfied"]) == ("120", "130", "2", "0.6")
    feedback = {row["key"]: row for row in rows if row["grouping"] == "feedback"}
    assert feedback["complaint"]["filed"] == "3" and feedback["all"]["filed"] == "3"
    assert "comment" not in out.read_text(encoding="utf-8-sig") and "نص" not in out.read_text(encoding="utf-8-sig")


def test_xlsx_has_the_feedback_and_league_sheets(month_db: Path, tmp_path: Path):
    """The league sheet lists every clerk with rank and ratings, and states the minimum."""
    from openpyxl import load_workbook

    out = tmp_path / "month.xlsx"
    assert run("--db", str(month_db), "--from", "2026-11", "--to", "2026-11", "--out", str(out)) == 0
    book = load_workbook(out)
    league = book["ترتيب الموظفين League"]
    assert [league.cell(row=r, column=2).value for r in range(2, 7)] == ["ana", "bea", "bob", "ali", "new"]
    assert league.cell(row=2, column=1).value == 1 and league.cell(row=6, column=1).value is None
    assert "100" in league.cell(row=8, column=1).value
    kinds = book["الشكاوى والاقتراحات Feedback"]
    assert kinds.cell(row=2, column=1).value == "شكوى Complaint" and kinds.cell(row=2, column=2).value == 3


def test_the_full_pdf_has_the_league_and_satisfaction(month_db: Path, out_dir: Path):
    """The period report gains satisfaction per service, the complaints and the league, in both languages."""
    data = load(month_db, FIRST, LAST)
    arabic = build(data, "ar")
    texts = drawn(arabic)
    assert visual("ترتيب الموظفين وموظف الشهر") in texts and visual("ana") in texts
    assert visual("غير مرتَّب") in texts  # new: too few ratings
    english = build(data, "en")
    assert "Clerk league and employee of the month" in drawn(english) and "+0.40" in drawn(english)
    render_png(arabic, out_dir, "voice-month-full-ar")
    render_png(english, out_dir, "voice-month-full-en")


def test_the_monthly_report_is_one_page_in_arabic_and_english(month_db: Path, tmp_path: Path, out_dir: Path):
    """One page each: waiting, service, satisfaction and complaints, and ana as employee of the month."""
    data = load(month_db, FIRST, LAST)
    arabic = build_monthly(data, "ar")
    english = build_monthly(data, "en")
    assert len(arabic.pages) == len(english.pages) == 1
    texts = drawn(arabic)
    for heading in ("التقرير الشهري لمركز الخدمة", "وقت الانتظار", "وقت الخدمة", "رضا الزوار", "الشكاوى والاقتراحات"):
        assert visual(heading) in texts, heading
    assert any(visual("ana") in text and visual("موظف الشهر") in text for text in texts)
    assert any(text.startswith("Employee of the month: ana") for text in drawn(english))
    letters = [ch for text in texts for ch in text]
    assert not [ch for ch in letters if "\u0621" <= ch <= "\u064a" and ch != "\u0640"]  # every letter shaped
    assert "68.3%" in drawn(english)  # 362 of the 530 ratings are 4 or 5 (72 + 120 + 120 + 50)
    render_png(arabic, out_dir, "monthly-ar")
    render_png(english, out_dir, "monthly-en")


def test_the_monthly_report_from_the_command_line(month_db: Path, tmp_path: Path):
    """`report --monthly --from 2026-11` writes the one-page pdf and the xlsx with the same figures."""
    from openpyxl import load_workbook

    pdf, xlsx = tmp_path / "november.pdf", tmp_path / "november.xlsx"
    assert run("--monthly", "--db", str(month_db), "--from", "2026-11", "--out", str(pdf)) == 0
    assert pdf.read_bytes().startswith(b"%PDF-") and pdf.read_bytes().count(b"/Type /Page\n") <= 1
    assert run("--monthly", "--db", str(month_db), "--from", "2026-11", "--out", str(xlsx), "--lang", "en") == 0
    sheet = load_workbook(xlsx)["التقرير الشهري Monthly"]
    values = {sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row + 1)}
    assert values["Visitors served"] == 530 and values["Ratings"] == 530 and values["Complaints"] == 3
    assert values["Satisfied (4 or 5)"] == pytest.approx(362 / 530, abs=1e-4)
    assert any(str(sheet.cell(row=r, column=3).value).startswith("Employee of the month: ana") for r in range(1, sheet.max_row + 1))


def test_a_hijri_month_is_a_month():
    """1448-05 (Jumada al-Ula) runs from its Gregorian first to last day; a Gregorian month likewise."""
    first, last = parse_report_month("1448-05")
    assert 28 <= (last - first).days <= 29
    assert parse_report_month("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize(("argv", "words"), [
    (["--from", "2026-11-24"], "takes a month"),
    (["--from", "2026"], "takes a month"),
    (["--from", "2026-13"], "no month 13"),
    (["--from", ""], "Empty date"),
    (["--from", "2026-11'; DROP TABLE ratings; --"], "Not a date"),
    (["--from", "x" * 10_240], "too long"),
    (["--from", "2026-10", "--to", "2026-11"], "one month"),
    (["--from", "2026-11", "--format", "csv"], "pdf or an xlsx"),
])
def test_bad_months_for_the_monthly_report_are_clear_errors(month_db: Path, tmp_path: Path, capsys, argv, words):
    """Wrong, empty, huge and hostile months exit 2 with both languages and write nothing."""
    out = tmp_path / "m.pdf"
    assert run("--monthly", "--db", str(month_db), "--out", str(out), *argv) == 2
    error = capsys.readouterr().err
    assert words in error and "خطأ:" in error
    assert not out.exists()
