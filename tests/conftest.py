"""Shared fixtures: one real end-to-end run of the 2024 sample into a temporary folder."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "raw"


def baocao(*args, cwd=None):
    """Run the real command line (`python -m pipelines` = `baocao`) in a separate process."""
    return subprocess.run([sys.executable, "-m", "pipelines", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=600)


def copy_sample(target: Path, periods=("2022", "2023", "2024")) -> Path:
    for period in periods:
        shutil.copytree(SAMPLE / period, target / "data" / "raw" / period)
    return target


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, to compare a folder before and after."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """`baocao run --period 2024` on a copy of the sample; returns (workdir, completed process).
    Run from the work folder with relative paths, as a scheduled job would, so that a second run
    from another folder can be compared with it byte for byte."""
    work = copy_sample(tmp_path_factory.mktemp("e2e"))
    done = baocao("run", "--period", "2024", "--data-dir", "data", "--reports-dir", "reports", cwd=work)
    assert done.returncode == 0, done.stderr
    return work, done


@pytest.fixture(scope="session")
def published_2025(published, tmp_path_factory):
    """`baocao run --period 2025` in a copy of the folder where 2024 was published."""
    work = tmp_path_factory.mktemp("e2e-2025")
    shutil.copytree(published[0] / "data", work / "data")
    shutil.copytree(published[0] / "reports", work / "reports")
    shutil.copytree(SAMPLE / "2025", work / "data" / "raw" / "2025")
    done = baocao("run", "--period", "2025", "--data-dir", work / "data", "--reports-dir", work / "reports")
    assert done.returncode == 0, done.stderr
    return work, done
