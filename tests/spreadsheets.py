"""Excel files for import tests, built with openpyxl as a spreadsheet program would save them."""

from __future__ import annotations

import io

import openpyxl


def xlsx_bytes(rows, *, header=None, title_line: str | None = None, sheet_title: str | None = None,
               extra_sheet: bool = False) -> bytes:
    """An .xlsx file: an optional title line above the header, the header, then ``rows`` (any cell
    values, e.g. real dates and times); ``extra_sheet`` adds a second sheet of notes."""
    book = openpyxl.Workbook()
    sheet = book.active
    if sheet_title:
        sheet.title = sheet_title
    for row in ([[title_line]] if title_line else []) + ([list(header)] if header else []) + [list(r) for r in rows]:
        sheet.append(row)
    if extra_sheet:
        book.create_sheet("Notater").append(["Fritt notat"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
