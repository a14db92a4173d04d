"""Publication is all or nothing: a failed run leaves the previous outputs exactly as they were."""

import nbformat
import pandas as pd

from conftest import tree_bytes
from pipelines.core import outputs


def _publish(final, files):
    staging = outputs.Staging(final)
    folder = staging.open()
    for name, text in files.items():
        outputs.write_text(folder / name, text)
    staging.publish()


def test_publish_replaces_the_whole_folder(tmp_path):
    final = tmp_path / "reports" / "2024"
    _publish(final, {"a.html": "một", "old.pdf": "x"})
    _publish(final, {"a.html": "hai"})
    assert tree_bytes(final) == {"a.html": "hai".encode()}
    assert sorted(p.name for p in final.parent.iterdir()) == ["2024"]


def test_failure_after_swap_rolls_back_to_previous_bytes(tmp_path):
    final = tmp_path / "processed" / "2024"
    _publish(final, {"indicators.parquet": "cũ"})
    before = tree_bytes(final)
    staging = outputs.Staging(final)
    outputs.write_text(staging.open() / "indicators.parquet", "mới")
    staging.swap_in()
    assert tree_bytes(final) == {"indicators.parquet": "mới".encode()}
    staging.rollback()
    assert tree_bytes(final) == before
    assert sorted(p.name for p in final.parent.iterdir()) == ["2024"]


def test_rollback_of_a_first_run_leaves_nothing(tmp_path):
    final = tmp_path / "reports" / "2024"
    staging = outputs.Staging(final)
    outputs.write_text(staging.open() / "x.html", "x")
    staging.swap_in()
    staging.rollback()
    assert not final.exists() and list(final.parent.iterdir()) == []


def test_interrupted_swap_is_repaired_on_next_open(tmp_path):
    final = tmp_path / "reports" / "2024"
    _publish(final, {"a.html": "đã công bố"})
    final.rename(final.parent / ".previous-2024")  # killed between the two renames of swap_in
    outputs.Staging(final).open()
    assert tree_bytes(final) == {"a.html": "đã công bố".encode()}


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
