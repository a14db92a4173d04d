"""Executes the report notebooks with papermill's Python API.

Notebooks live in the repository's `notebooks/` folder (next to this package), are parameterised
by a cell tagged `parameters`, and are run in a kernel of the same Python environment. The
executed notebook is returned, not written: pipelines.outputs keeps it as the audit trail.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent.parent / "notebooks"


class NotebookFailed(RuntimeError):
    """A report notebook raised; the message names the notebook and the error."""


def execute(name: str, parameters: dict[str, str], cwd: Path | str | None = None) -> nbformat.NotebookNode:
    """Run notebooks/<name> with the given parameters in a fresh python3 kernel."""
    path = NOTEBOOK_DIR / name
    if not path.is_file():
        raise NotebookFailed(f"không tìm thấy notebook {path}")
    try:
        return papermill.execute_notebook(str(path), None, parameters=parameters, kernel_name="python3",
                                          progress_bar=False, log_output=False,
                                          cwd=str(cwd or os.getcwd()))
    except papermill.PapermillExecutionError as err:
        raise NotebookFailed(f"notebook {name} lỗi ở ô {err.exec_count}: {err.ename}: {err.evalue}") from None
