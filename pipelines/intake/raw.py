"""The one module that reads raw data: `data/raw/<period>/<form>.csv`, never modified.

Forms are read as text first, so that codes keep their leading zeros ("06847") and a bad cell is
reported exactly as the commune typed it; each row is indexed by its line number in the file (the
header is line 1), which is the number an officer sees in a text editor or in Excel. Only after
validation are counts converted to whole numbers (`typed`).
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from pathlib import Path

import pandas as pd

from pipelines.units.period import Period, PeriodError
from pipelines.core.schema import Form, categories, forms  # noqa: F401 - the forms raw files follow


class RawDataError(ValueError):
    """A raw file that cannot be read at all (missing, empty, not UTF-8)."""


def period_dir(data_dir: Path | str, period: Period) -> Path:
    return Path(data_dir) / "raw" / str(period)


def read_form(path: Path | str) -> pd.DataFrame:
    """Read one raw CSV as text. Index = line number in the file; names normalised to NFC."""
    path = Path(path)
    if not path.is_file():
        raise RawDataError(f"{path.name}: không tìm thấy tệp (cần {path})")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RawDataError(f"{path.name}: tệp không phải UTF-8 (byte lỗi ở vị trí {err.start})") from None
    if not text.strip():
        raise RawDataError(f"{path.name}: tệp rỗng")
    reader = csv.reader(text.splitlines(keepends=True))
    header = [unicodedata.normalize("NFC", h.strip()) for h in next(reader)]
    rows, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = [unicodedata.normalize("NFC", cell.strip()) for cell in row]
        cells += [""] * (len(header) - len(cells))
        rows.append(cells[: len(header)])
        lines.append(reader.line_num)
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype="string")
    return frame.replace("", pd.NA)


def read_period(data_dir: Path | str, period: Period) -> dict[str, pd.DataFrame]:
    """Every form of a period as text frames, keyed by form name."""
    folder = period_dir(data_dir, period)
    if not folder.is_dir():
        raise RawDataError(f"không có dữ liệu thô cho kỳ {period}: thiếu thư mục {folder}")
    return {name: read_form(folder / form.file) for name, form in forms().items()}


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable whole numbers; call only on a frame that passed validation."""
    form = forms()[name]
    out = frame[list(form.columns)].copy()
    for column in form.counts:
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    return out


def file_hashes(data_dir: Path | str, period: Period) -> list[tuple[str, str]]:
    """(file name, SHA-256) of every raw form of the period, for the provenance appendix."""
    folder = period_dir(data_dir, period)
    return [(form.file, hashlib.sha256((folder / form.file).read_bytes()).hexdigest()) for form in forms().values()]


def periods(data_dir: Path | str) -> list[Period]:
    """Reporting periods present under raw/, in time order (folders named like 2024, 2024-H1,
    2024-Q3; README.md and anything else that is not a period is not one)."""
    found = []
    for folder in (Path(data_dir) / "raw").glob("*"):
        try:
            found.append(Period.parse(folder.name))
        except PeriodError:
            continue
        if str(found[-1]) != folder.name or not folder.is_dir():
            found.pop()  # `2024-h1` or a file named 2024: not a period folder written by intake
    return sorted(found)
