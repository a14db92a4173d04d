"""What a build writes into its staging places, and the reports it may copy instead of rendering.

Why apart from the build's steps: these are the files a run publishes (pipelines.core.datasets
names them), which tree each goes to (a public edition's HTML and PDF to the public tree, everything
else to the internal one), with which modes, and the rule that decides when a published report is
still what its inputs give; the steps (pipelines.publish.build) only decide when each is done.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.core import datasets, outputs, publication
from pipelines.core.folders import INTERNAL_MODES, PUBLIC_MODES, Folders
from pipelines.indicators import coverage, editions
from pipelines.publish import jobs, manifest
from pipelines.publish.manifest import Manifest
from pipelines.units.period import Period


@dataclass(frozen=True)
class Computed:
    """The tables a run publishes in `processed/<period>/`."""
    indicators: pd.DataFrame   # every indicator of every unit of the period
    history: pd.DataFrame      # the same for every earlier period used, and this one
    trends: pd.DataFrame
    breakdowns: pd.DataFrame   # sensitive counts (internal edition)
    packages: list[dict] = dataclasses.field(default_factory=list)  # packages of lower units used (issue 20)
    reporting: coverage.Reporting | None = None  # who reported: `coverage.json` when there is one to record


def stage_processed(moves: publication.Moves, computed: Computed, outcome, languages: list[str],
                    corrections: pd.DataFrame, period: Period) -> None:
    """The processed tables into the staged processed folder; the validation page and its problems
    as CSV into the staged reports folder. `languages`: every language a report is made in (the
    validation problems are written once in each)."""
    from pipelines.validate import validation

    folder, reports = moves.processed.staged, moves.reports.staged
    outputs.make_folder(folder.parent, INTERNAL_MODES[0])  # <data>/processed
    outputs.make_folder(moves.reports.final.parent, INTERNAL_MODES[0])  # the internal tree
    for place in (folder, reports):
        place.mkdir(parents=True)
    outputs.write_parquet(corrections, folder / datasets.CORRECTIONS)  # internal only: it names officers
    outputs.write_parquet(computed.indicators, folder / datasets.INDICATORS)
    outputs.write_parquet(computed.history, folder / datasets.HISTORY)
    outputs.write_parquet(computed.trends, folder / datasets.TRENDS)
    outputs.write_parquet(computed.breakdowns, folder / datasets.BREAKDOWNS)
    coverage.write(folder, computed.reporting)  # names and counts of units only: no count a public edition hides
    for language in dict.fromkeys(languages):  # one validation, its problems written in each language of a report
        outputs.write_parquet(validation.problems_frame(outcome, language), folder / datasets.validation_problems(language))
    # public edition: small sensitive counts suppressed; indicators and trends hold no such counts
    outputs.write_parquet(computed.indicators, folder / datasets.PUBLIC / datasets.INDICATORS)
    outputs.write_parquet(computed.trends, folder / datasets.PUBLIC / datasets.TRENDS)
    outputs.write_parquet(editions.public_edition(computed.breakdowns), folder / datasets.PUBLIC / datasets.BREAKDOWNS)
    if computed.packages:  # the units whose figures came from packages (pipelines.publish.imports)
        public = [{key: package[key] for key in datasets.PACKAGE_PUBLIC} for package in computed.packages]
        for edition, listed in (("internal", computed.packages), ("public", public)):  # public: no hash (issue 18)
            outputs.write_text(datasets.in_folder(folder, datasets.PACKAGES, edition),
                               json.dumps(listed, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    outputs.write_text(reports / "validation.html", validation.validation_page(outcome, period))
    outputs.write_text(reports / "validation-problems.csv", "\ufeff" + validation.problems_csv(outcome))


def report_key(job: jobs.Job, inputs: dict[str, str], processed: dict[str, str]) -> str:
    """Everything one report depends on: its notebook, parameters and title, the code and package
    versions, the processed files it reads, and the run's inputs (a report also prints the SHA-256
    of the raw files, the dataset's notes and the deployment's targets, which processed data may
    not change with)."""
    return manifest.key(job.notebook, job.parameters, job.title, manifest.code()["fingerprint"], manifest.versions(),
                        processed, inputs)


def reusable(job: jobs.Job, job_key: str, published: Manifest | None, folders: Folders) -> dict[str, Path] | None:
    """The published files of a report whose key is unchanged, when they are still intact."""
    entry = published.reports.get(job.stem) if published else None
    if not entry or entry.key != job_key or any(Folders.is_public(name) != _public_file(job, name) for name in entry.files):
        return None  # changed, or published in the other tree (the key holds the code: this is a safeguard)
    files = {name: folders.named(name) for name in entry.files}
    if all(path.is_file() and manifest.sha256(path) == published.outputs.get(name) for name, path in files.items()):
        return files
    return None


def reuse(todo: list[jobs.Job], keys: dict[str, str], published: Manifest | None, folders: Folders,
          moves: publication.Moves, step) -> list[jobs.Job]:
    """Step 5: copy into the staged trees every report whose key is unchanged; the jobs left to render."""
    render, reused = [], 0
    for job in todo:
        files = reusable(job, keys[job.stem], published, folders)
        if files is None:
            render.append(job)
            continue
        for name, path in files.items():
            if Folders.is_public(name):
                _public_tree(moves)
            outputs.write_bytes(moves.staged_of(name), path.read_bytes())
        reused += 1
    if reused:
        step("run.reused", count=reused)
    return render


def _public_file(job: jobs.Job, name: str) -> bool:
    """Whether a file of a report goes to the public tree: a public edition's HTML and PDF."""
    return job.parameters.get("edition") == "public" and Path(name).suffix in (".html", ".pdf")


def _public_tree(moves: publication.Moves) -> Path:
    """The staged public folder, with the public tree made (readable by anyone) if missing."""
    outputs.make_folder(moves.public.final.parent, PUBLIC_MODES[0])
    return moves.public.staged


def write_report(moves: publication.Moves, job: jobs.Job, made: tuple) -> None:
    """One rendered report: its executed notebook (the audit trail) into the internal tree; its HTML
    and PDF into the public tree when it is a public edition, else into the internal one."""
    nb, html, pdf = made
    outputs.write_notebook(nb, moves.reports.staged / "notebooks" / f"{job.stem}.ipynb")
    staged = _public_tree(moves) if _public_file(job, f"{job.stem}.html") else moves.reports.staged
    outputs.write_text(staged / f"{job.stem}.html", html)
    outputs.write_bytes(staged / f"{job.stem}.pdf", pdf)


def set_modes(moves: publication.Moves) -> None:
    """Every staged item given its tree's modes, whatever the umask: owner and group only for the
    processed data and the internal tree, anyone for the public tree (pipelines.core.folders)."""
    for item in moves.staged():
        modes = PUBLIC_MODES if item in (moves.public, moves.public_index) else INTERNAL_MODES
        outputs.set_modes(item.staged, *modes)
