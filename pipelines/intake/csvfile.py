"""The bytes of a raw CSV file, written in one place: by ingest, by `baocao sample` and by samplegen.

Why a module of its own: data/raw/README.md fixes a byte format (UTF-8 without BOM, `\\n` line
endings, comma, `"` quoting only where a value needs it, a header row in the column order of
config/forms.yml), and three writers must keep it: ingest's canonical files and submissions log,
the synthetic sample of `baocao sample` (pipelines.sample) and the committed sample (samplegen).
Ingest compares a file's bytes with what it would write, and the committed sample is checked byte
for byte, so the writers cannot be allowed to drift apart: they all go through `text`.

Frames are written as pandas' `to_csv(index=False, lineterminator="\\n")` wrote them before this
module existed (pandas uses the same `csv` writer): a missing value is an empty field, whole
numbers and text as they are. The frames written here hold text and whole numbers only.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from pipelines.core.schema import forms

ENCODING = "utf-8"  # without BOM
LINE_END = "\n"
# What a spreadsheet reads as a formula at the start of a cell (= + - @, a tab or carriage return),
# unless it is a plain number (-3 stays -3: a count's sign is data, and validation names it) or a
# dash alone (what a form holds for "none"; no spreadsheet runs it).
FORMULA_START = re.compile(r"^(?![-+]?\d+(?:[.,]\d+)?$|-$)[=+\-@\t\r]")


def inert(value: object) -> object:
    """A free-text cell (a file name, who sent it, why, a value quoted in a problem) that Excel or
    LibreOffice would run as a formula (`=HYPERLINK("http://…","click")`) made plain text with a
    leading apostrophe, as OWASP advises for CSV a person opens; anything else unchanged."""
    return "'" + value if isinstance(value, str) and FORMULA_START.match(value) else value


def text(rows: Iterable[Sequence], header: Sequence[str] | None = None) -> str:
    """`rows` (and `header` first, when given) as CSV text: comma, `\\n`, minimal `"` quoting; every
    cell `inert`, so no CSV the product writes (a raw form, the submissions log, a sample) holds a
    formula a spreadsheet would run. No valid raw value starts so (codes, names and category codes
    do not, and counts are digits), so this changes only what validation refuses anyway."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    if header:
        writer.writerow(map(inert, header))
    writer.writerows(map(inert, row) for row in rows)
    return buffer.getvalue()


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the bytes of a raw file: its columns as the header row, no index."""
    if frame.isna().to_numpy().any():
        frame = frame.astype(object).where(frame.notna(), None)  # a missing value is an empty field
    rows = zip(*(frame[column].tolist() for column in frame.columns))  # Python values: twice as fast as itertuples
    return text(rows, list(frame.columns)).encode(ENCODING)


def write_forms(folder: Path, frames: dict[str, pd.DataFrame]) -> list[Path]:
    """Write each form (name → frame) to `folder/<its file in config/forms.yml>`, creating `folder`;
    return the paths, in the order of `frames`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = folder / forms()[name].file
        path.write_bytes(frame_bytes(frame))
        written.append(path)
    return written
