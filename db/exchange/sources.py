"""Reading the files offices keep: CSV in any delimiter and the encodings Excel, Outlook
and old systems write (UTF-8 with or without a byte-order mark, UTF-16 from Excel's
"Unicode text", Windows-1252), and Excel workbooks whose first sheet may carry title
rows above the header. Rows are read one at a time, so a large file never sits in memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.foundations.errors import ValidationError

CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 20  # title rows above the header are looked for this far down
_SAMPLE_BYTES = 64 * 1024
csv.field_size_limit(10 * 1024 * 1024)


@dataclass(frozen=True)
class SourceRow:
    """One data row: its number as the spreadsheet shows it, and its cells."""

    number: int
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Source:
    """A file opened for import: its headers, where they are, and how to read it."""

    path: Path
    headers: tuple[str, ...]
    header_row: int  # 1-based, as the spreadsheet shows it
    encoding: str | None  # CSV only
    delimiter: str | None  # CSV only
    sha256: str

    def rows(self) -> Iterator[SourceRow]:
        """The rows below the header, read as they are needed; blank rows skipped."""
        raw = _workbook_rows(self.path) if self.encoding is None else self._csv_rows()
        for number, cells in raw:
            if number <= self.header_row:
                continue
            if all(_blank(cell) for cell in cells):
                continue
            width = len(self.headers)
            padded = tuple(cells[:width]) + (None,) * (width - len(cells))
            yield SourceRow(number, padded)

    def _csv_rows(self) -> Iterator[tuple[int, tuple]]:
        with self.path.open(encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter or ",")
            for number, cells in enumerate(reader, start=1):
                yield number, tuple(cells)


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def file_digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, as the import's audit entry records it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV file: a byte-order mark says it outright; otherwise
    UTF-8 if every byte of the file decodes as UTF-8 (checked a block at a time), else
    UTF-16 if the text is full of zero bytes, else Windows-1252."""
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        sample = handle.read(_SAMPLE_BYTES)
        if sample and sample.count(b"\x00") > len(sample) // 4:
            return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: the one that splits its first lines into the same
    number of columns most consistently (Excel writes ; where the comma is a decimal
    point, and tabs for "Unicode text")."""
    best, best_score = ",", -1.0
    for candidate in (",", ";", "\t", "|"):
        records = _sample_records(sample, candidate, HEADER_SEARCH_ROWS + 5)
        counts = [len(cells) for _number, cells in records if any(c.strip() for c in cells)]
        if not counts or max(counts) < 2:
            continue
        widest = max(counts)
        score = sum(1 for count in counts if count == widest) + widest / 100
        if score > best_score:
            best, best_score = candidate, score
    return best


def _sample_records(sample: str, delimiter: str, limit: int) -> list[tuple[int, tuple]]:
    """The first records of a CSV sample, read as the import will read them: a quoted
    cell may hold line breaks, and only CR and LF end a record (not the other characters
    str.splitlines breaks at, such as U+2028 or the information separators)."""
    records = []
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, tuple(cells)))
            if len(records) >= limit:
                break
    except csv.Error:
        pass  # the sample ends inside a record; the records before it are enough
    return records


def _workbook_rows(path: Path) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            {"file": f"{path.name} is not an Excel workbook Rabta can read ({error})."}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, tuple(cells)
    finally:
        workbook.close()


def _header_row(rows: list[tuple[int, tuple]]) -> tuple[int, tuple[str, ...]]:
    """The first of the top rows that looks like a header: at least two filled cells,
    and nearly as many as the fullest of those rows (a title row has one)."""
    filled = [(number, [c for c in cells if not _blank(c)], cells) for number, cells in rows]
    widest = max((len(f) for _n, f, _c in filled), default=0)
    if widest == 0:
        raise ValidationError({"file": "The file holds no rows."})
    for number, cells_filled, cells in filled:
        if len(cells_filled) >= 2 and len(cells_filled) >= 0.6 * widest:
            headers = [str(c).strip() if not _blank(c) else "" for c in cells]
            while headers and not headers[-1]:
                headers.pop()
            return number, tuple(
                header or f"Column {index + 1}" for index, header in enumerate(headers)
            )
    number, _filled, cells = filled[0]
    return number, tuple(str(c).strip() for c in cells if not _blank(c))


def open_source(path: Path | str) -> Source:
    """Open a CSV or Excel file for import: find its encoding, delimiter and header row,
    or say in one sentence why it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError({"file": f"There is no file {path}."})
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        top = []
        for row in _workbook_rows(path):
            top.append(row)
            if len(top) >= HEADER_SEARCH_ROWS:
                break
        header_row, headers = _header_row(top)
        return Source(path, headers, header_row, None, None, file_digest(path))
    if suffix not in CSV_SUFFIXES:
        raise ValidationError(
            {"file": f"Rabta imports .csv, .txt and .xlsx files, not {suffix or 'this file'}."}
        )
    encoding = detect_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except UnicodeError:
        raise ValidationError(
            {"file": f"{path.name} is not text in an encoding Rabta knows; save it as CSV UTF-8."}
        ) from None
    if "\x00" in sample:
        raise ValidationError({"file": f"{path.name} is not a text file."})
    delimiter = "\t" if suffix in (".tsv", ".tab") else detect_delimiter(sample)
    header_row, headers = _header_row(_sample_records(sample, delimiter, HEADER_SEARCH_ROWS))
    return Source(path, headers, header_row, encoding, delimiter, file_digest(path))
