"""The dashboard's tables as an Excel workbook (openpyxl) or an Arabic-first PDF (the reports' drawing).

The PDF is laid out with `reports.pdf.Writer`, the same shaping, bidirectional ordering, font
runs and table drawing as the centre reports, so Arabic joins and numbers keep their order
(docs/decisions/central-reuses-report-drawing.md).
"""

from __future__ import annotations

import io
from datetime import datetime

from central.present import Table, excel_value, shown

GREEN = "1F5C4A"


def render(kind: str, tables: list[Table], lang: str, title: tuple[str, str], period: str) -> bytes:
    return xlsx(tables, lang, title, period) if kind == "xlsx" else pdf(tables, lang, title, period)


def xlsx(tables: list[Table], lang: str, title: tuple[str, str], period: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    heading_font, heading_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=GREEN)
    wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for table in tables:
        # Sheet names: 31 characters at most, none of []:*?/\ (Excel's rules).
        sheet = book.create_sheet(table.title(lang)[:31].translate(str.maketrans("", "", "[]:*?/\\")))
        sheet.sheet_view.rightToLeft = lang == "ar"
        sheet.cell(row=1, column=1, value=f"{title[0]} — {table.ar}" if lang == "ar" else f"{title[1]} — {table.en}").font = Font(bold=True, size=14)
        sheet.cell(row=2, column=1, value=period.replace("\u2066", "").replace("\u2069", ""))
        sheet.cell(row=3, column=1, value=f"{datetime.now():%Y-%m-%d %H:%M}")
        for index, column in enumerate(table.columns, start=1):
            cell = sheet.cell(row=5, column=index, value=f"{column.ar}\n{column.en}")
            cell.font, cell.fill, cell.alignment = heading_font, heading_fill, wrap
            sheet.column_dimensions[get_column_letter(index)].width = 30 if column.kind == "text" else 16
        sheet.row_dimensions[5].height = 36
        for offset, row in enumerate(table.rows, start=6):
            for index, (column, value) in enumerate(zip(table.columns, row), start=1):
                cell = sheet.cell(row=offset, column=index, value=excel_value(value, column.kind))
                if column.kind == "minutes":
                    cell.number_format = "0.0"
                elif column.kind == "share":
                    cell.number_format = "0.0%"
                elif column.kind == "count":
                    cell.number_format = "#,##0"
        sheet.freeze_panes = sheet.cell(row=6, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(tables: list[Table], lang: str, title: tuple[str, str], period: str) -> bytes:
    from reports.pdf import save_pdf

    out = io.BytesIO()
    save_pdf(pdf_layout(tables, lang, title, period), out, f"{title[1]} — {period}")
    return out.getvalue()


def pdf_layout(tables: list[Table], lang: str, title: tuple[str, str], period: str):
    """The PDF's pages laid out (reports.pdf.Writer), to save or to draw as PNG previews."""
    from reports.pdf import GREY, Writer
    from reports.text import find_fonts

    page = Writer(find_fonts(), lang)
    page.top -= 6
    page.text(page.start(), page.top, page.say(*title), 16, bold=True)
    page.top -= 18
    page.text(page.start(), page.top, period, 9, color=GREY)
    page.top -= 8
    for table in tables:
        page.heading(table.ar, table.en)
        columns = [(c.ar, c.en, c.width, "text" if c.kind == "text" else "number") for c in table.columns]
        rows = [[shown(value, column.kind) for column, value in zip(table.columns, row)] for row in table.rows]
        page.table(columns, rows, (table.empty_ar, table.empty_en))
    return page
