"""The one module that writes output files: processed data, executed notebooks, HTML, PDF, pages.

Every writer is deterministic: same content in, same bytes out. Files are written into a run's
staging places; pipelines.core.publication moves them into place, all at once. Their modes are set
here too, whatever the umask, before they are published (`set_modes`, `make_folder`): the internal
tree is for its owner and group only, the public one for anyone (pipelines.core.folders).
"""

from __future__ import annotations

import copy
import functools
import os
from pathlib import Path

import nbformat
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def _naming_the_path(write):
    """An OS error while writing says which file (a full disk otherwise gives only "[Errno 28] No
    space left on device", with no path an operator could act on)."""
    @functools.wraps(write)
    def writer(*args):
        path = next(arg for arg in args if isinstance(arg, Path))
        try:
            return write(*args)
        except OSError as error:
            if error.filename:
                raise
            raise type(error)(error.errno, error.strerror, str(path)) from error
    return writer


@_naming_the_path
def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet without pandas index noise; pyarrow writes no timestamps, so bytes are stable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, path, compression="zstd")


@_naming_the_path
def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


@_naming_the_path
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


def make_folder(path: Path, mode: int) -> None:
    """`path` made if missing (its missing parents too, with the umask's modes) and given `mode`
    when this call made it: a folder an administrator made keeps the mode given to it."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir()
    except FileExistsError:
        return  # made meanwhile by another run: its maker set the mode
    os.chmod(path, mode)


def set_modes(path: Path, folder_mode: int, file_mode: int) -> None:
    """Every folder under `path` (itself included) given `folder_mode`, every file `file_mode`:
    a staged item, before it is published."""
    if path.is_file():
        os.chmod(path, file_mode)
        return
    os.chmod(path, folder_mode)
    for root, folders, files in os.walk(path):
        for name in folders:
            os.chmod(os.path.join(root, name), folder_mode)
        for name in files:
            os.chmod(os.path.join(root, name), file_mode)
