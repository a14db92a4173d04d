"""Shared fixtures: the few real end-to-end runs of the sample, each made once per session into a
temporary folder and read by every test that needs its output.

- `published`: `baocao run --period 2024` (the district report and a fact sheet per commune),
  with document parameters for the district report;
- `published_variants`: one commune's fact sheet in every variant (vi and en, internal and public),
  made from another folder, which is also the second run the reproducibility test compares with
  `published` byte for byte (test_end_to_end.py);
- `published_2025`: `baocao run --period 2025` on top of `published`.

Every report of a run costs a kernel and a PDF (about 17 s of CPU each), so the variants are made
for one commune, not for the 8 reports of the district (4 × 8 reports would cost more CPU than the
whole suite may take). Runs that stop before any report is rendered (bad data, bad arguments) go
through `baocao_here`, the same command line in this process.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "raw"
# Beside the raw data, when the repository has them: the deployment's settings (default scope,
# fact sheets, document defaults, local targets) and the notes on the dataset.
DEPLOYMENT_FILES = ("baocao.yml", "raw/notes.yml")
# Document parameters of the scope's own report in `published` (the district report; each
# commune's fact sheet keeps the notebook's defaults).
NUMBER, SIGNER = "12", "Hoàng Văn An"
FACT_SHEET_SCOPE = "commune:06847"  # the commune of `published_variants`


def baocao(*args, cwd=None):
    """Run the real command line (`python -m pipelines` = `baocao`) in a separate process."""
    return subprocess.run([sys.executable, "-m", "pipelines", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=900)


def baocao_here(capsys, *args):
    """The same command line run in this process (`pipelines.cli.main`), with the same result as
    `baocao` (returncode, stdout, stderr): for runs that stop before any report is rendered, which
    need no process of their own and so do not pay for a new interpreter and a new import of Great
    Expectations each time. Paths must be absolute (the working folder is the test's)."""
    from pipelines import cli

    capsys.readouterr()
    status = cli.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["baocao", *map(str, args)], status, out, err)


def copy_sample(target: Path, periods=("2022", "2023", "2024")) -> Path:
    """The sample's raw data of `periods` under target/data/raw, with the deployment files."""
    for period in periods:
        shutil.copytree(SAMPLE / period, target / "data" / "raw" / period)
    for name in DEPLOYMENT_FILES:
        if (REPO / "data" / name).is_file():
            (target / "data" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / "data" / name, target / "data" / name)
    return target


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, to compare a folder before and after."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """`baocao run --period 2024 --param number=12 --param signer=…` on a copy of the sample; returns
    (workdir, completed process). Run from the work folder with relative paths, as a scheduled job
    would, so that a second run from another folder can be compared with it byte for byte."""
    work = copy_sample(tmp_path_factory.mktemp("e2e"))
    done = baocao("run", "--period", "2024", "--param", f"number={NUMBER}", "--param", f"signer={SIGNER}",
                  "--data-dir", "data", "--reports-dir", "reports", cwd=work)
    assert done.returncode == 0, done.stderr
    return work, done


@pytest.fixture(scope="session")
def published_variants(tmp_path_factory):
    """`baocao run --period 2024 --scope commune:06847 --lang vi,en --edition internal,public` on
    another copy of the sample, from its own folder with relative paths like `published`: the fact
    sheet of one commune in all four variants, and the catalogue page in both languages."""
    work = copy_sample(tmp_path_factory.mktemp("variants"))
    done = baocao("run", "--period", "2024", "--scope", FACT_SHEET_SCOPE, "--lang", "vi,en",
                  "--edition", "internal,public", "--data-dir", "data", "--reports-dir", "reports", cwd=work)
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
