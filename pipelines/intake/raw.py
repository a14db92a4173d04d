"""The one module that reads raw data: `data/raw/<period>/<form>.csv`, never modified.

Forms are read as text first, so that codes keep their leading zeros ("06847") and a bad cell is
reported exactly as the commune typed it; each row is indexed by its line number in the file (the
header is line 1), which is the number an officer sees in a text editor or in Excel. Only after
validation are counts converted to whole numbers (`typed`).

Corrections (pipelines.intake.ingest): a commune's corrected rows are appended to the form's file and
recorded in the folder's `submissions.csv`; `read_form` then gives each commune's latest rows only,
still indexed by their own line. A folder without that log (the committed sample) reads as a plain
CSV. Anything that is not a regular file of readable text in the contract's shape is refused here,
with file, line and column, before pandas or a later step can fail on it without saying where.
"""

from __future__ import annotations

import csv
import hashlib
import io
import operator
import os
import re
import stat
import sys
import unicodedata
import functools
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.core.folders import Folders
from pipelines.units.period import Period, PeriodError
from pipelines.core.schema import Form, categories, forms  # noqa: F401 - the forms raw files follow
from pipelines.core import errors, formats
from pipelines.core.text import failure, t
from pipelines.intake import limits


class RawDataError(errors.DataError):
    """A raw file that cannot be read at all (missing, not a regular file, empty, not UTF-8, a header
    without its key columns or with a column twice, an oversized cell, a submissions log that does
    not match its forms): named with file, line, column and value, never as a traceback."""


MAX_CELL = 1000  # characters: longer than any name or count; a longer cell is a damaged or foreign file
LOG = "submissions.csv"  # the period's submissions log, written by intake beside the forms
LOG_COLUMNS = ("submission", "submitted_at", "kind", "form", "commune_code", "rows", "source", "sha256",
               "by", "reason", "supersedes")


def period_dir(data_dir: Path | str, period: Period) -> Path:
    return Folders.at(data_dir).raw_of(period)


def _regular(path: Path) -> None:
    """Raw files are only ever regular files written by intake: a symlink could point anywhere (and
    be changed under a published report), a FIFO or device would hang or flood the reader."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        raise failure(RawDataError, "errors.raw.missing", file=path.name, path=path) from None
    if stat.S_ISLNK(mode):
        raise failure(RawDataError, "errors.raw.symlink", file=path.name, path=path)
    if not stat.S_ISREG(mode):
        raise failure(RawDataError, "errors.raw.not_regular", file=path.name, path=path)


def _start(cell: str) -> str:
    return re.sub(r"\s", " ", cell[:20]) + "…"


def text_of(path: Path) -> str:
    """The text of a raw file: a regular file, UTF-8 (with or without BOM), not empty."""
    _regular(path)
    limits.check_bytes(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise failure(RawDataError, "errors.raw.not_utf8", file=path.name, position=err.start) from None
    if not text.strip():
        raise failure(RawDataError, "errors.raw.empty", file=path.name)
    limits.check_text(path.name, text, ",")
    return text


@functools.lru_cache(maxsize=1)
def _other_space() -> re.Pattern:
    """Characters str.strip removes other than the space and the line break (a tab, a carriage
    return, a no-break space…), as found in this Python's Unicode tables, not typed."""
    return re.compile("[" + "".join(re.escape(chr(c)) for c in range(0x110000)
                                    if chr(c).isspace() and chr(c) not in " \n") + "]")


def _plain(text: str) -> tuple[list[str], list[list[str]], list[int]] | None:
    """(header, columns, line of each row) of a text that needs none of the csv module's care, read
    a line at a time: no quote, no carriage return, no NUL, no line longer than `MAX_CELL`, no space
    at the edge of a cell, a header on line 1 and as many cells on every row. What intake and the
    template write is such text, and csv.reader with a strip and an NFC per cell took 10 s for one
    period of a national file (370,000 rows, 2.6 million cells); this gives the same cells and lines
    in about a second. NFC is applied to the whole text (a comma or a line break never composes with
    a neighbour, so it equals NFC cell by cell). None: read with `_rows`, which also names an
    oversized cell and pads short rows."""
    if '"' in text or "\x00" in text or _other_space().search(text) or text[0] == " " or text[-1] == " " or any(
            pair in text for pair in (" ,", ", ", " \n", "\n ")):
        return None
    lines = text.split("\n")
    if not lines[0] or max(map(len, lines)) > MAX_CELL:
        return None
    if not unicodedata.is_normalized("NFC", text):
        lines = unicodedata.normalize("NFC", text).split("\n")
    header = lines[0].split(",")
    numbers = [number for number, line in enumerate(lines[1:], 2) if line.strip(",")]  # a row of empty cells
    kept = [lines[number - 1] for number in numbers]                                   # is skipped, as by `_rows`
    if set(map(operator.methodcaller("count", ","), kept)) - {len(header) - 1}:
        return None
    cells = ",".join(kept).split(",") if kept else []
    return header, [cells[j::len(header)] for j in range(len(header))], numbers


def _rows(path: Path, text: str | None = None) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, rows, line of each row) of a raw CSV, every cell checked against `MAX_CELL`."""
    text = text_of(path) if text is None else text
    old = csv.field_size_limit(sys.maxsize)  # an oversized cell is named below, by line and column
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header, rows, lines, end = None, [], [], 0
        for row in reader:
            names, begin, end = header or [], end + 1, reader.line_num  # a quoted cell may span lines
            for j, cell in enumerate(row):
                if len(cell) > MAX_CELL:
                    column = names[j] if j < len(names) else (lambda lang, n=j + 1: t(lang, "errors.raw.nth_column", n=n))
                    raise failure(RawDataError, "errors.raw.long_cell", file=path.name, line=begin, column=column,
                                          size=functools.partial(formats.number, len(cell), 0), limit=MAX_CELL,
                                          start=_start(cell))
            if header is None:
                header = [unicodedata.normalize("NFC", h.strip()) for h in row]
            elif any(cell.strip() for cell in row):
                rows.append([unicodedata.normalize("NFC", cell.strip()) for cell in row])
                lines.append(reader.line_num)
    finally:
        csv.field_size_limit(old)
    return header, rows, lines


def _check_header(path: Path, header: list[str]) -> None:
    """A column named twice, or a form's key column missing, would otherwise surface much later as a
    pandas error with no file or line ("cannot reindex…", KeyError 'commune_code')."""
    limits.check_columns(path.name, len(header))
    for j, name in enumerate(header):
        if name in header[:j]:
            raise failure(RawDataError, "errors.raw.column_twice", file=path.name, name=name, first=header.index(name) + 1,
                                  second=j + 1)
    form = next((f for f in forms().values() if f.file == path.name), None)
    missing = [c for c in form.key if c not in header] if form else []
    if missing:
        found = ", ".join(header[:20]) + (", …" if len(header) > 20 else "") or (lambda lang: t(lang, "errors.raw.no_columns"))
        raise failure(RawDataError, "errors.raw.missing_keys", file=path.name, missing=", ".join(missing), form=form.name,
                              found=found)


def read_form(path: Path | str, latest: bool = True) -> pd.DataFrame:
    """Read one raw CSV as text. Index = line number in the file; names normalised to NFC.

    `latest`: where the submissions log of the folder records corrections of this form, each
    commune's rows are those of its latest submission only (a correction supersedes, never erases:
    the earlier rows stay in the file). `latest=False` gives every row, for intake."""
    path = Path(path)
    text = text_of(path)
    plain = _plain(text)
    if plain:
        header, columns, lines = plain
        _check_header(path, header)
        frame = pd.DataFrame({name: pd.array(pa.array(column, type=pa.large_string()), dtype="string")
                              for name, column in zip(header, columns)}, index=pd.Index(lines, name="line"))
    else:
        header, rows, lines = _rows(path, text)
        _check_header(path, header)
        rows = [(cells + [""] * (len(header) - len(cells)))[: len(header)] for cells in rows]
        frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype="string")
    frame = frame.replace("", pd.NA)
    if not latest:
        return frame
    base, blocks = split(path, frame)
    if not blocks:
        return frame
    newest = {entry["commune_code"]: block for entry, block in blocks}  # a later correction wins
    return pd.concat([base[~base["commune_code"].isin(list(newest))], *newest.values()]).sort_index()


def submissions(folder: Path | str) -> list[dict]:
    """The submissions log of a period folder (`LOG`), one dict per submission with its `line`; []
    when there is none (raw data from before the log, like the committed sample)."""
    path = Path(folder) / LOG
    if not os.path.lexists(path):
        return []
    header, rows, lines = _rows(path)
    if header != list(LOG_COLUMNS):
        raise failure(RawDataError, "errors.raw.log_header", log=LOG, columns=",".join(LOG_COLUMNS))
    out = []
    for cells, line in zip(rows, lines):
        entry = dict(zip(LOG_COLUMNS, cells + [""] * (len(LOG_COLUMNS) - len(cells))), line=line)
        if not entry["rows"].isdigit() or int(entry["rows"]) < 1 or entry["form"] not in forms():
            raise failure(RawDataError, "errors.raw.log_entry", log=LOG, line=line, form=entry["form"], rows=entry["rows"])
        out.append({**entry, "rows": int(entry["rows"])})
    return out


def split(path: Path, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[dict, pd.DataFrame]]]:
    """(first submissions, [(log entry, its rows)] of each correction in log order) of a form file
    read with `latest=False`. Intake keeps first submissions sorted (data/raw/README.md) and appends
    each correction at the end of the file, so the corrections are the last rows, in log order."""
    log = [e for e in submissions(path.parent) if e["kind"] == "correction" and forms()[e["form"]].file == path.name]
    start = len(frame) - sum(e["rows"] for e in log)
    if start < 0:
        raise failure(RawDataError, "errors.raw.log_rows", file=path.name, log=LOG, logged=len(frame) - start, rows=len(frame))
    blocks = []
    for entry in log:
        block = frame.iloc[start:start + entry["rows"]]
        start += entry["rows"]
        codes = sorted(set(block["commune_code"].fillna("")))
        if codes != [entry["commune_code"]]:
            raise failure(RawDataError, "errors.raw.log_commune", file=path.name, first=block.index[0], last=block.index[-1],
                                  log=LOG, line=entry["line"], code=entry["commune_code"], codes=", ".join(codes))
        blocks.append((entry, block))
    return frame.iloc[:len(frame) - sum(e["rows"] for e in log)], blocks


def read_period(data_dir: Path | str, period: Period) -> dict[str, pd.DataFrame]:
    """Every form of a period as text frames, keyed by form name (latest submission of each commune)."""
    folder = period_dir(data_dir, period)
    if not folder.is_dir():
        raise failure(RawDataError, "errors.raw.no_folder", period=period, folder=folder)
    return {name: read_form(folder / form.file) for name, form in forms().items()}


CORRECTION_COLUMNS = ("submission", "submitted_at", "form", "file", "first_line", "last_line", "commune_code",
                      "rows", "source", "sha256", "by", "reason", "supersedes")


def corrections(data_dir: Path | str, period: Period) -> pd.DataFrame:
    """Every correction of the period, in the order made, with the lines of the form file that hold
    it: what the data-quality appendix lists. Empty (with these columns) when there is none."""
    folder, out = period_dir(data_dir, period), []
    for form in forms().values():
        if any(e["kind"] == "correction" and e["form"] == form.name for e in submissions(folder)):
            path = folder / form.file
            for entry, block in split(path, read_form(path, latest=False))[1]:
                out.append({**entry, "file": form.file, "first_line": int(block.index[0]), "last_line": int(block.index[-1])})
    table = pd.DataFrame(out, columns=list(CORRECTION_COLUMNS))
    return table.sort_values("submission", key=lambda s: s.astype(int), kind="stable").reset_index(drop=True)


def whole_numbers(column: pd.Series) -> pd.Series | None:
    """A text column as nullable whole numbers (Int64) when every filled cell is written with the
    digits 0-9 only, as every count is once validated; None otherwise, for pandas' `to_numeric` to
    decide. Arrow converts such a column at once: `to_numeric` took 2 s a period for a country."""
    try:
        cells = pa.array(column.array)
        if not pc.all(pc.match_substring_regex(cells, r"^[0-9]+$")).as_py() in (True, None):
            return None
        return pd.Series(pd.array(pc.cast(cells, pa.int64()), dtype="Int64"), index=column.index, name=column.name)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable whole numbers; call only on a frame that passed validation."""
    form = forms()[name]
    out = frame[list(form.columns)].copy()
    for column in form.counts:
        found = whole_numbers(out[column])
        out[column] = found if found is not None else pd.to_numeric(out[column]).astype("Int64")
    return out


def file_hashes(data_dir: Path | str, period: Period) -> list[tuple[str, str]]:
    """(file name, SHA-256) of every raw form of the period, and of its submissions log when there is
    one (it decides which rows are read), for the provenance appendix; none without any form (a
    period whose figures all come from packages: pipelines.publish.sources)."""
    folder = period_dir(data_dir, period)
    names = [form.file for form in forms().values()] + ([LOG] if os.path.lexists(folder / LOG) else [])
    for name in names if any(os.path.lexists(folder / name) for name in names) else []:
        _regular(folder / name)
    return [(name, hashlib.sha256((folder / name).read_bytes()).hexdigest()) for name in names if (folder / name).exists()]


def periods(data_dir: Path | str) -> list[Period]:
    """Reporting periods present under raw/, in time order (folders named like 2024, 2024-H1,
    2024-Q3; README.md and anything else that is not a period is not one)."""
    found = []
    for folder in Folders.at(data_dir).raw.glob("*"):
        try:
            found.append(Period.parse(folder.name))
        except PeriodError:
            continue
        if str(found[-1]) != folder.name or not folder.is_dir():
            found.pop()  # `2024-h1` or a file named 2024: not a period folder written by intake
    return sorted(found)
