"""Writers give the same bytes for the same content, and each tree its modes (publication itself: test_publication.py)."""

import nbformat
import pandas as pd
import pytest

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


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
def test_each_tree_gets_its_modes_whatever_the_umask(tmp_path, umask):
    """Processed data and the internal tree: owner and group only (0750/0640); the public tree:
    anyone may read (0755/0644), whatever the umask the run was started with."""
    import os
    import stat

    from pipelines.core import outputs, publication
    from pipelines.publish import staging

    def mode(path):
        return stat.S_IMODE(path.stat().st_mode)

    before = os.umask(umask)
    try:
        moves = publication.moves(tmp_path / "data", tmp_path / "reports", tmp_path / "www", "2024")
        outputs.make_folder(tmp_path / "reports", 0o750)
        outputs.make_folder(tmp_path / "www", 0o755)
        for item in moves:
            if item.final.suffix == ".html":
                outputs.write_text(item.staged, "index")
            else:
                outputs.write_text(item.staged / "sub" / "a.html", "a")
        staging.set_modes(moves)
    finally:
        os.umask(before)
    assert (mode(tmp_path / "reports"), mode(tmp_path / "www")) == (0o750, 0o755)
    for item in (moves.processed, moves.reports):
        assert (mode(item.staged), mode(item.staged / "sub"), mode(item.staged / "sub" / "a.html")) == (0o750, 0o750, 0o640)
    assert (mode(moves.public.staged), mode(moves.public.staged / "sub"), mode(moves.public.staged / "sub" / "a.html")) == (
        0o755, 0o755, 0o644)
    assert (mode(moves.index.staged), mode(moves.public_index.staged)) == (0o640, 0o644)
    os.chmod(tmp_path / "www", 0o775)  # made by an administrator: kept
    outputs.make_folder(tmp_path / "www", 0o755)
    assert mode(tmp_path / "www") == 0o775
