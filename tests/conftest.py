"""Shared fixtures: the few real end-to-end runs of the sample, each made once per session into a
temporary folder and read by every test that needs its output.

- `published`: `baocao run --period 2024` (the district report and a fact sheet per commune),
  with document parameters for the district report;
- `published_variants`: one commune's fact sheet in every variant (vi and en, internal and public),
  made from another folder, which is also the second run the reproducibility test compares with
  `published` byte for byte (test_end_to_end.py);
- `published_2025`: `baocao run --period 2025` on top of `published`;
- `processed_sample`: the processed data of 2024 (the district) and 2025 (the province), made as a run
  makes them but stopped before rendering (`build(..., render=False)`), for every test that reads
  processed data or section text and needs no rendered report.

The suite runs on two processes (pytest-xdist, `--dist loadgroup`): `pytest_collection_modifyitems`
puts every test that shares a run on one worker (group "e2e" for the published runs, "processed" for
`processed_sample`, the module for a module's own runs), so that no run is made twice.

Every report of a run costs a kernel and a PDF (about 17 s of CPU each), so the variants are made
for one commune, not for the 8 reports of the district (4 × 8 reports would cost more CPU than the
whole suite may take). Runs that stop before any report is rendered (bad data, bad arguments) go
through `baocao_here`, the same command line in this process.
"""

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
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


def made_once(name: str) -> None:
    """Fails when a shared run is made a second time in one test session (on another xdist worker):
    the tests that share it were not grouped onto one worker (pytest_collection_modifyitems), and
    the suite would pay for the run twice."""
    uid, worker = os.environ.get("PYTEST_XDIST_TESTRUNUID"), os.environ.get("PYTEST_XDIST_WORKER", "")
    if not uid:
        return  # one process: a session fixture is made once by construction
    marker = Path(tempfile.gettempdir()) / f"baocao-tests-{uid}" / name
    marker.parent.mkdir(exist_ok=True)
    try:
        with marker.open("x") as stream:
            stream.write(worker)
    except FileExistsError:
        pytest.fail(f"the shared run '{name}' is made again on {worker} (first on {marker.read_text()}): "
                    "its tests are not in one xdist group")


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """`baocao run --period 2024 --param number=12 --param signer=…` on a copy of the sample; returns
    (workdir, completed process). Run from the work folder with relative paths, as a scheduled job
    would, so that a second run from another folder can be compared with it byte for byte."""
    made_once("published")
    work = copy_sample(tmp_path_factory.mktemp("e2e"))
    done = baocao("run", "--period", "2024", "--param", f"number={NUMBER}", "--param", f"signer={SIGNER}",
                  "--data-dir", "data", "--reports-dir", "reports", cwd=work)
    assert done.returncode == 0, done.stderr
    return work, done


@pytest.fixture(scope="session")
def published_variants(tmp_path_factory):
    """`baocao run --period 2024 --scope commune:06847 --lang vi,en --edition internal,public
    --public-dir public` on another copy of the sample, from its own folder with relative paths like
    `published`: the fact sheet of one commune in all four variants (the public ones in the public
    tree), and the catalogue page in both languages. Started under umask 022, the usual one, which
    would leave the internal tree readable by anyone if the run did not set its modes itself."""
    made_once("published_variants")
    work = copy_sample(tmp_path_factory.mktemp("variants"))
    umask = os.umask(0o022)
    try:
        done = baocao("run", "--period", "2024", "--scope", FACT_SHEET_SCOPE, "--lang", "vi,en",
                      "--edition", "internal,public", "--data-dir", "data", "--reports-dir", "reports",
                      "--public-dir", "public", cwd=work)
    finally:
        os.umask(umask)
    assert done.returncode == 0, done.stderr
    return work, done


@pytest.fixture(scope="session")
def published_2025(published, tmp_path_factory):
    """`baocao run --period 2025` in a copy of the folder where 2024 was published."""
    made_once("published_2025")
    work = tmp_path_factory.mktemp("e2e-2025")
    shutil.copytree(published[0] / "data", work / "data")
    shutil.copytree(published[0] / "reports", work / "reports")
    shutil.copytree(SAMPLE / "2025", work / "data" / "raw" / "2025")
    done = baocao("run", "--period", "2025", "--data-dir", work / "data", "--reports-dir", work / "reports")
    assert done.returncode == 0, done.stderr
    return work, done


def build_processed(data: Path, period: str, scope: str | None = None, say=lambda _: None) -> Path:
    """The processed data of `period` as a run makes them (same validation, tables, trends and
    editions, in Vietnamese and English) but stopped before rendering, moved where a run publishes
    them: `<data>/processed/<period>/`; `say` hears the run's lines. Returns that folder."""
    from pipelines.core import datasets
    from pipelines.publish import build, run
    from pipelines.units.period import Period
    from pipelines.units.scope import Scope

    req = run.request(Period.parse(period), data, data.parent / "reports", "vi",
                      Scope.parse(scope) if scope else None, ("vi", "en"), ("internal", "public"))
    built = build.build(dataclasses.replace(req, fresh=True), say, render=False)
    target = datasets.processed_dir(req.folders.data, req.period)
    built.processed.rename(target)
    build.discard(built.moves)
    return target


@pytest.fixture(scope="session")
def processed_sample(tmp_path_factory):
    """The sample's raw data of 2022-2025 with the processed data of 2024 (the district) and of 2025
    (the province), made in this process without rendering: returns the data folder."""
    made_once("processed_sample")
    work = copy_sample(tmp_path_factory.mktemp("processed"), ("2022", "2023", "2024", "2025"))
    for period in ("2024", "2025"):
        build_processed(work / "data", period)
    return work / "data"


SHARED_RUNS = ("e2e", ("published", "published_variants", "published_2025")), ("processed", ("processed_sample",))


@pytest.hookimpl(wrapper=True)  # a wrapper runs before xdist's own hook reads the groups into the test ids
def pytest_collection_modifyitems(items):
    """Tests that share a run go to one worker. A module whose tests use a session run goes whole
    with that run's group (its own module-scoped runs with it); any other module with a
    module-scoped fixture goes whole as a group of its own."""
    modules: dict[str, set[str]] = {}
    scoped: set[str] = set()
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        modules.setdefault(item.module.__name__, set()).update(info.names_closure)
        if any(definition.scope == "module" for name in info.names_closure
               for definition in info.name2fixturedefs.get(name, ())):
            scoped.add(item.module.__name__)
    for item in items:
        name = item.module.__name__
        used = modules.get(name, set())
        group = next((group for group, fixtures in SHARED_RUNS if used & set(fixtures)),
                     name if name in scoped else None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    return (yield)

