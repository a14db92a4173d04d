"""Writers give the same bytes for the same content (publication itself: test_publication.py)."""

import nbformat
import pandas as pd

from pipelines.core import outputs


def test_parquet_bytes_are_stable(tmp_path):
    frame = pd.DataFrame({"unit_code": ["06847", "198"], "value": [94.96, 100.0]})
    outputs.write_parquet(frame, tmp_path / "a.parquet")
    outputs.write_parquet(frame, tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()


def test_executed_notebook_loses_only_run_times(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("period = 1")])
    nb.cells[1].metadata["tags"] = ["injected-parameters"]
    nb.metadata["papermill"] = {"start_time": "2026-11-29T05:00:00", "duration": 1.5, "parameters": {"period": "2024"}}
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-11-29T05:00:01"}
    outputs.write_notebook(nb, tmp_path / "a.ipynb")
    saved = nbformat.read(tmp_path / "a.ipynb", as_version=4)
    assert saved.metadata["papermill"] == {"parameters": {"period": "2024"}}
    assert "execution" not in saved.cells[0].metadata
    assert saved.cells[1].id == "injected-parameters"  # papermill gives it a random id
    assert nb.metadata["papermill"]["duration"] == 1.5  # the caller's notebook is untouched
