"""`python main.py report`: the KPIs of a period as CSV, Excel or an Arabic-first PDF.

    python main.py report --db tabour.sqlite --from 1448-09 --to 1448-09 --format pdf --out ramadan.pdf
    python main.py report --monthly --db tabour.sqlite --from 2026-11 --out november.pdf

Dates are Gregorian or Hijri (see `reports.dates`). The database is opened read-only, so a
report can be made while the hub runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core import stats
from core.errors import BadInput
from reports.data import ReportData, ReportError, load
from reports.dates import parse_report_date

FORMATS = ("csv", "xlsx", "pdf")
MONTHLY_FORMATS = ("xlsx", "pdf")


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="write the KPIs of a period as CSV, Excel or PDF",
        description="Write the centre's KPIs (tickets, waits, service times; per service, counter, clerk, "
        "hour and day) for a period of business days. Dates may be Gregorian (2026-11-24) or Hijri "
        "(1448-06-14); a month (1448-09) or a year (2026) means all of it. — تقرير مؤشرات الأداء لفترة من أيام "
        "العمل بصيغة CSV أو Excel أو PDF عربي؛ التواريخ ميلادية أو هجرية، والشهر أو السنة تعني كامل المدة.",
    )
    report.add_argument("--db", type=Path, default=None, help="The hub's SQLite database (default: $TABOUR_DB).")
    report.add_argument("--from", dest="first", required=True, metavar="DATE", help="First business day (Gregorian or Hijri).")
    report.add_argument("--to", dest="last", default=None, metavar="DATE", help="Last business day (default: the same as --from).")
    report.add_argument("--format", choices=FORMATS, default=None, help="csv, xlsx or pdf (default: from the --out file's extension).")
    report.add_argument("--out", type=Path, required=True, metavar="FILE", help="The file to write.")
    report.add_argument("--lang", "--language", dest="lang", choices=("ar", "en"), default="ar", help="Language of the PDF: ar (default, right to left) or en.")
    report.add_argument("--force", action="store_true", help="Replace --out if it exists.")
    report.add_argument(
        "--include-simulated", action="store_true",
        help="Count the tickets `simulate` wrote too (left out by default, so a demo never inflates real figures).",
    )
    report.add_argument(
        "--monthly", action="store_true",
        help="The one-page monthly centre report (waiting, service, satisfaction, complaints; pdf or xlsx): "
        "--from is the month, Gregorian (2026-11) or Hijri (1448-09). — التقرير الشهري للمركز في صفحة واحدة.",
    )
    report.set_defaults(func=run_report)


def _fail(en: str, ar: str, code: int = 2) -> int:
    # Terminals draw direction isolates as boxes or not at all; their own bidi handles one line.
    plain_ar = ar.translate({0x2066: None, 0x2067: None, 0x2068: None, 0x2069: None})
    print(f"error: {en}\nخطأ: {plain_ar}", file=sys.stderr)
    return code


def run_report(args: argparse.Namespace) -> int:
    monthly = getattr(args, "monthly", False)
    try:
        if monthly:
            from reports.monthly import parse_report_month

            if args.last is not None and args.last != args.first:
                raise BadInput("The monthly report is for one month: give --from only.",
                               "التقرير الشهري لشهر واحد: حدّد \u2066--from\u2069 فقط.")
            first, last = parse_report_month(args.first)
        else:
            first = parse_report_date(args.first)
            last = parse_report_date(args.last if args.last is not None else args.first, end=True)
        stats.check_period(first, last)  # bad input like a bad date: exit 2, before any file is touched
    except BadInput as error:
        return _fail(error.message_en, error.message_ar)
    out: Path = args.out
    chosen = args.format or out.suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        return _fail(
            f"Give --format csv, xlsx or pdf (the file name {out.name!r} does not say).",
            "حدّد الصيغة: \u2066csv\u2069 أو \u2066xlsx\u2069 أو \u2066pdf\u2069.",
        )
    if monthly and chosen not in MONTHLY_FORMATS:
        return _fail("The monthly report is a pdf or an xlsx file.", "التقرير الشهري بصيغة \u2066pdf\u2069 أو \u2066xlsx\u2069.")
    if out.exists() and not args.force:
        return _fail(f"{out} exists; choose a new file or add --force.", f"الملف \u2066{out}\u2069 موجود؛ اختر اسماً آخر أو أضف \u2066--force\u2069.")
    if out.is_dir():
        return _fail(f"{out} is a folder.", f"\u2066{out}\u2069 مجلد وليس ملفاً.")
    if not out.parent.is_dir():
        return _fail(f"The folder {out.parent} does not exist.", f"المجلد \u2066{out.parent}\u2069 غير موجود.")
    db = args.db or (Path(os.environ["TABOUR_DB"]) if os.environ.get("TABOUR_DB") else None)
    if db is None:
        return _fail("Give --db PATH (or set TABOUR_DB).", "حدّد قاعدة البيانات بـ \u2066--db\u2069.")
    database_files = {Path(f"{db}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}
    if out.resolve() in database_files:
        return _fail(
            f"--out {out} is the database itself; write the report to another file.",
            f"\u2066--out\u2069 هو قاعدة البيانات نفسها؛ اكتب التقرير في ملف آخر.",
        )
    try:
        data = load(db, first, last, include_simulated=args.include_simulated, visits=not monthly)
        write(data, chosen, out, args.lang, monthly=monthly)
    except ReportError as error:
        return _fail(error.message_en, error.message_ar, 1)
    except OSError as error:
        return _fail(f"Cannot write {out}: {error.strerror or error}.", f"تعذّرت كتابة \u2066{out}\u2069.", 1)
    totals = data.kpis["totals"]
    simulated = " (simulated tickets included)" if args.include_simulated else ""
    print(f"{out}: {first.isoformat()} to {last.isoformat()}, {totals['issued']} issued, {totals['served']} served{simulated}")
    return 0


def write(data: ReportData, chosen: str, out: Path, lang: str = "ar", *, monthly: bool = False) -> None:
    """Write `data` as `chosen` to `out`, through a temporary file so a failure leaves nothing half-written
    (`monthly`: the one-page monthly centre report, pdf or xlsx)."""
    from reports.text import FontsMissing

    temporary = out.with_name(f".{out.name}.partial")
    try:
        if monthly:
            from reports.monthly import write_monthly_pdf, write_monthly_xlsx

            if chosen == "pdf":
                write_monthly_pdf(data, temporary, lang)
            else:
                write_monthly_xlsx(data, temporary)
        elif chosen == "csv":
            from reports.tabular import write_csv

            write_csv(data, temporary)
        elif chosen == "xlsx":
            from reports.tabular import write_xlsx

            write_xlsx(data, temporary)
        else:
            from reports.pdf import write_pdf

            write_pdf(data, temporary, lang)
        os.replace(temporary, out)
    except FontsMissing as error:
        raise ReportError(error.message_en, error.message_ar) from None
    finally:
        temporary.unlink(missing_ok=True)
