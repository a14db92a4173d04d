"""The one module that writes outputs: processed data, executed notebooks, HTML, PDF, pages.

Publication is all or nothing. A period's outputs are built in a staging folder beside the final
one (`.staging-<period>`) and moved into place only when everything succeeded; the folder being
replaced is first renamed to `.previous-<period>` so it can be put back. A failed or interrupted
run therefore leaves the previously published reports exactly as they were.
Every writer is deterministic: same content in, same bytes out.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


class Staging:
    """A folder built aside and swapped in for `final` on publish(); discard() drops it."""

    def __init__(self, final: Path | str):
        self.final = Path(final)
        self.path = self.final.parent / f".staging-{self.final.name}"
        self.previous = self.final.parent / f".previous-{self.final.name}"
        self.swapped = False

    def open(self) -> Path:
        if self.previous.exists() and not self.final.exists():
            self.previous.rename(self.final)  # an earlier run died mid-swap: put the old outputs back
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        return self.path

    def swap_in(self) -> None:
        """Move the staged folder into place, keeping the replaced one until commit()."""
        shutil.rmtree(self.previous, ignore_errors=True)
        if self.final.exists():
            self.final.rename(self.previous)
        self.path.rename(self.final)
        self.swapped = True

    def rollback(self) -> None:
        """Undo swap_in(): the replaced folder comes back (or none, if there was none)."""
        if self.swapped:
            shutil.rmtree(self.final, ignore_errors=True)
            if self.previous.exists():
                self.previous.rename(self.final)
            self.swapped = False
        self.discard()

    def commit(self) -> None:
        shutil.rmtree(self.previous, ignore_errors=True)

    def publish(self) -> None:
        self.swap_in()
        self.commit()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet without pandas index noise; pyarrow writes no timestamps, so bytes are stable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def scrub_run_times(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what differs between two runs of the same notebook: papermill's and Jupyter's clocks,
    and the random id papermill gives the parameters cell it injects."""
    nb = copy.deepcopy(nb)
    for key in ("start_time", "end_time", "duration"):
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = "injected-parameters"
        cell.metadata.pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell.metadata.get("papermill", {}).pop(key, None)
    return nb


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    """The executed notebook, kept as the audit trail of how a report was made."""
    write_text(path, nbformat.writes(scrub_run_times(nb)) + "\n")
