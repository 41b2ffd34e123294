"""Writing a list as CSV (UTF-8 with a byte-order mark, so Excel reads Urdu right) or as
an Excel workbook (header bold and frozen, columns sized, dates as dates), streaming:
rows are written as they come, never all held at once."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from db.exchange.cells import cell_text, cell_value
from db.exchange.columns import ExchangeColumn

Progress = Callable[[int], None]


def write_csv(
    path: Path,
    columns: tuple[ExchangeColumn, ...],
    rows: Iterable[dict],
    progress: Progress | None = None,
) -> int:
    """Write the rows as CSV; return how many were written."""
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(column.header for column in columns)
        for row in rows:
            writer.writerow(cell_text(column, row.get(column.field)) for column in columns)
            written += 1
            if progress and written % 1000 == 0:
                progress(written)
    return written


def write_xlsx(
    path: Path,
    columns: tuple[ExchangeColumn, ...],
    rows: Iterable[dict],
    progress: Progress | None = None,
    *,
    title: str = "Rabta",
) -> int:
    """Write the rows as one sheet of an Excel workbook; return how many were written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in rows:
        sheet.append([cell_value(column, row.get(column.field)) for column in columns])
        written += 1
        if progress and written % 1000 == 0:
            progress(written)
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"
    workbook.save(path)
    return written
