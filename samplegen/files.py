"""Frames in the forms contract and their bytes on disk, for every writer of the sample generator.

Why a module of its own: data/raw/README.md fixes a byte format (UTF-8 without BOM, `\\n` line
endings, comma, header row in the column order of `config/forms.yml`, whole numbers), and the
committed sample, the sub-annual fixtures and the remapped copies must all keep it. One place
builds the frames; their bytes come from the product's one raw CSV writer (pipelines.intake.csvfile,
also used by ingest and `baocao sample`), so no writer can drift from the others. It also holds the
guard that keeps generated test fixtures out of the repository's own `data/raw/`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.core.folders import Folders
from pipelines.core.schema import forms
from pipelines.intake import csvfile

REPO_DATA = Path(__file__).resolve().parents[1] / "data"  # the committed sample lives in REPO_DATA/raw


def to_frame(form: str, rows: list[list]) -> pd.DataFrame:
    """Rows (lists in the column order of the form) as a frame with int64 counts."""
    spec = forms()[form]
    frame = pd.DataFrame(rows, columns=list(spec.columns))
    for column in spec.counts:
        frame[column] = frame[column].astype("int64")
    return frame


def records_frame(form: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as dicts keyed by column name, as a frame in the column order of the form."""
    return to_frame(form, [[row[c] for c in forms()[form].columns] for row in rows])


def raw_folder(data_dir: Path | str, period: str) -> Path:
    """`<data_dir>/raw/<period>`, the folder of one period (as `pipelines.intake.raw.period_dir`)."""
    return Folders.at(data_dir).raw_of(period)


def refuse_repository_data(data_dir: Path | str, what: str) -> None:
    """Generated test fixtures never land in the repository's data/raw/ (only the sample does)."""
    if Path(data_dir).resolve() == REPO_DATA.resolve():
        raise ValueError(f"{what} are test fixtures: write them into a temporary data folder, "
                         f"not into the repository's {Folders.at(REPO_DATA).raw} (which holds only the committed sample)")


def write_frames(data_dir: Path | str, period: str, frames: dict[str, pd.DataFrame]) -> list[Path]:
    """Write each form of a period to `<data_dir>/raw/<period>/<form file>`; return the paths."""
    return csvfile.write_forms(raw_folder(data_dir, period), frames)
