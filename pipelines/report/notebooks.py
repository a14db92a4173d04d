"""Executes the report notebooks with papermill's Python API.

Notebooks live in the repository's `notebooks/` folder (next to this package), are parameterised
by a cell tagged `parameters`, and are run on the process's kept kernel (pipelines.report.kept),
which talks over IPC sockets (pipelines.report.ipc). The executed notebook is returned, not
written: pipelines.outputs keeps it as the audit trail.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import papermill

from pipelines.report import kept
from pipelines.report.ipc import IPCKernelManager
from pipelines.core import errors, text

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent.parent / "notebooks"


class NotebookFailed(errors.RunError):
    """A report notebook raised; the message names the notebook and the error."""


def execute(name: str | Path, parameters: dict[str, str], cwd: Path | str | None = None,
            fresh: bool = False) -> nbformat.NotebookNode:
    """Run notebooks/<name> (or the notebook at an absolute path) with the given parameters on the
    process's kept kernel (pipelines.report.kept), or in a kernel of its own when `fresh`; both on
    IPC transport, both give the same executed notebook."""
    path = NOTEBOOK_DIR / name
    if not path.is_file():
        raise text.failure(NotebookFailed, "notebooks.not_found", path=str(path))
    engine = {"kernel_manager_class": IPCKernelManager} if fresh else {"engine_name": kept.ENGINE}
    try:
        return papermill.execute_notebook(str(path), None, parameters=parameters, kernel_name="python3",
                                          progress_bar=False, log_output=False, cwd=str(cwd or os.getcwd()), **engine)
    except papermill.PapermillExecutionError as err:
        raise text.failure(NotebookFailed, "notebooks.cell_failed", name=str(name), cell=str(err.exec_count),
                           error=str(err.ename), value=str(err.evalue)) from None
