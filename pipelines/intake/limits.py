"""Bounded work on any file: sizes checked before a file's content is loaded.

Why before: a 20 KB workbook with one value at cell XFD1048576 declares a sheet of 17 billion
cells, and openpyxl builds them (24 GB before the kernel killed it); 200 MB of garbage lines
held 7,5 GB for 15 minutes. What offices send is small (a commune's forms are a few kilobytes, a
whole country's a few megabytes), so the product's settings (`limits` in pipelines/config/
project.yml) bound bytes, decompressed bytes, rows, columns and cells (rows × columns: what a
parse or a sheet's grid holds) a few times above that, and a file beyond them is refused in one
line that says what was found and what to do, before it costs anything. Within the limits, the
worst file found costs well under a minute and 2 GiB (benchmarks/hostile.py).

A workbook's extent is read from the cells its sheets hold (each `<c r="…">` of the sheet XML,
streamed from the zip within the decompressed-size bound), not from its declared dimension,
which a writer may leave out or get wrong.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.core import errors, formats, settings
from pipelines.core.text import failure

CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"')
CHUNK = 1 << 20


class TooLarge(errors.DataError):
    """A file beyond the product's limits: refused before its content is read."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int       # one file sent to ingest, or one raw form read for validation
    workbook_bytes: int   # a workbook's members once decompressed
    rows: int             # rows of one sheet, lines of one CSV or raw form
    columns: int          # columns of one sheet, CSV or raw form
    cells: int            # rows × columns: what reading a table costs (a sheet's grid, a CSV's cells)
    extra_rows: int       # rows of a raw form beyond one per commune and breakdown value (validation)


@lru_cache(maxsize=1)
def limits() -> Limits:
    return Limits(**settings.load("project.yml")["limits"])


def _size(value: int):
    return lambda lang: formats.number(value, 0, lang=lang)


def check_bytes(path: Path) -> None:
    """The file's size from the file system, before a byte of it is read."""
    size = path.stat().st_size
    if size > limits().file_bytes:
        raise failure(TooLarge, "errors.limits.file_bytes", file=path.name, size=_size(size),
                      limit=_size(limits().file_bytes))


def check_lines(file: str, text: str) -> None:
    lines = text.count("\n") + 1
    if lines > limits().rows:
        raise failure(TooLarge, "errors.limits.rows", file=file, rows=_size(lines), limit=_size(limits().rows))


def check_text(file: str, text: str, delimiters: str) -> None:
    """Lines, then cells, of a CSV's text before it is parsed: each line holds one cell more than its
    delimiters, so lines + delimiters is the most cells a parse with that delimiter makes (rows
    within the limit, each as wide as the column limit, would still be hundreds of millions)."""
    check_lines(file, text)
    cells = text.count("\n") + 1 + max(text.count(delimiter) for delimiter in delimiters)
    if cells > limits().cells:
        raise failure(TooLarge, "errors.limits.cells", file=file, cells=_size(cells), limit=_size(limits().cells))


def check_columns(file: str, count: int) -> None:
    if count > limits().columns:
        raise failure(TooLarge, "errors.limits.columns", file=file, columns=_size(count), limit=_size(limits().columns))


def column_number(letters: bytes) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27, 'XFD' → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_workbook(data: bytes, file: str) -> None:
    """The decompressed size of a workbook, then the farthest cell each sheet holds. A file that is
    not a readable zip is left to the workbook reader, which names it damaged."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return
    with book:
        members = book.infolist()
        unpacked = sum(member.file_size for member in members)
        if unpacked > limits().workbook_bytes:
            raise failure(TooLarge, "errors.limits.workbook_bytes", file=file, size=_size(unpacked),
                          limit=_size(limits().workbook_bytes))
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_sheet(book, member, file)


def _check_sheet(book: zipfile.ZipFile, member: zipfile.ZipInfo, file: str) -> None:
    rows = columns = 0
    tail = b""
    with book.open(member) as stream:  # reads at most the member's declared size
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            block = tail + chunk
            for letters, row in CELL.findall(block):
                rows, columns = max(rows, int(row)), max(columns, column_number(letters))
            tail = block[-64:]  # a cell reference cut between two chunks is found in the next
    if rows > limits().rows or columns > limits().columns:
        raise failure(TooLarge, "errors.limits.sheet", file=file, rows=_size(rows), columns=_size(columns),
                      row_limit=_size(limits().rows), column_limit=_size(limits().columns))
    if rows * columns > limits().cells:  # the reader makes the whole grid: A1 and GR1000000 are 200 million cells
        raise failure(TooLarge, "errors.limits.sheet_cells", file=file, rows=_size(rows), columns=_size(columns),
                      cells=_size(rows * columns), limit=_size(limits().cells))
