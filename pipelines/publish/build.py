"""Build a period's outputs aside, without publishing them: read, validate, compute, render.

Everything goes into the staging places of pipelines.core.publication: the processed tables into
`processed/.staging-<period>/`, reports, executed notebooks, the validation page and the manifest
into `<reports>/.staging-<period>/`. The notebooks read the staged processed tables, so every
report shows the figures published with it, and nothing published changes until the run
publishes (pipelines.publish.run) or is thrown away (`baocao verify`, a failure, a kill).
Raw files are only read; a blocking data problem stops the build before anything is staged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import datasets, deployment, failpoints, outputs, publication
from pipelines.core.deployment import Deployment
from pipelines.core.folders import Folders
from pipelines.indicators import catalogue, compute, editions, history, trends
from pipelines.intake import raw
from pipelines.publish import fanout, jobs, manifest
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Coverage, Scope, coverage
from pipelines.core import errors


class ReportsFailed(errors.ReportsNotMade):
    """Reports that could not be made, with `--publish-partial` not given: nothing is published."""

    def __init__(self, failures: list[fanout.Failure]):
        self.failures = failures
        super().__init__(f"{len(failures)} báo cáo không làm được; không công bố gì của kỳ này "
                         "(dùng --publish-partial để công bố các báo cáo đã làm được)")


class NoNationalReport(errors.RunError):
    """`--scope national`: the data are validated and the indicators computed, but the report
    notebooks and file names know communes, districts and provinces only: nothing is published."""


class ValidationFailed(errors.DataError, RuntimeError):
    """Blocking data problems: the run stops and nothing is published."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} lỗi dữ liệu; không công bố báo cáo")


@dataclass
class Request:
    """What a run is asked to publish, settled before anything is read."""
    period: Period
    folders: Folders
    scope: Scope
    chosen: list[tuple[str, str]]       # (language, edition) of every variant
    parameters: dict[str, str]          # document parameters of the scope's own report
    lang: str = "vi"                    # language of the messages
    fresh: bool = False                 # remember nothing from earlier runs (--force, verify)
    pool: fanout.Pool = fanout.Pool()   # where reports are rendered (--jobs, --scheduler)
    publish_partial: bool = False       # publish the reports made even if some failed

    def key(self, inputs: dict[str, str]) -> str:
        """Everything the outputs depend on: inputs, code, package versions, what was asked."""
        return manifest.key(inputs, manifest.code()["fingerprint"], manifest.versions(), str(self.scope),
                            self.chosen, self.parameters, self.folders.data.name)


@dataclass
class Built:
    """A staged build: where it is, what it holds, and the manifest to publish with it."""
    moves: tuple[publication.Move, ...]
    stems: list[str]
    record: dict
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def reports(self) -> Path:
        return self.moves[1].staged


class Clock:
    """Seconds spent in each step, for the manifest."""

    def __init__(self):
        self.times, self._start = {}, time.monotonic()

    def lap(self, step: str) -> None:
        now = time.monotonic()
        self.times[step] = round(now - self._start, 1)
        self._start = now


def cover_of(period: Period, scope: Scope, frames: dict[str, pd.DataFrame], site: Deployment) -> Coverage:
    return coverage(period, scope, history.reported_communes(frames), site.commune_reports.get(period.unit_list, False))


def validate(period: Period, data_dir: Path, frames: dict, communes: pd.DataFrame, lang: str):
    """Validation of the period, with the previous period present for the outlier check. Run once per
    run: problems hold no language, `lang` only sets the one messages are printed in."""
    from pipelines.validate import crosscheck, validation  # imports Great Expectations (slow): only when needed

    before, previous = crosscheck.previous_frames(data_dir, period)
    return validation.validate_period(frames, period, communes, previous=previous, previous_period=before, lang=lang)


def _stage_processed(folder: Path, table, every, trend, breakdown, outcome, languages, corrections) -> None:
    from pipelines.validate import validation

    outputs.write_parquet(corrections, folder / datasets.CORRECTIONS)  # internal only: it names officers
    outputs.write_parquet(table, folder / datasets.INDICATORS)
    outputs.write_parquet(every, folder / datasets.HISTORY)
    outputs.write_parquet(trend, folder / datasets.TRENDS)
    outputs.write_parquet(breakdown, folder / datasets.BREAKDOWNS)
    for language in languages:  # one validation, its problems written in each language of a report
        outputs.write_parquet(validation.problems_frame(outcome, language), folder / datasets.validation_problems(language))
    # public edition: small sensitive counts suppressed; indicators and trends hold no such counts
    outputs.write_parquet(table, folder / datasets.PUBLIC / datasets.INDICATORS)
    outputs.write_parquet(trend, folder / datasets.PUBLIC / datasets.TRENDS)
    outputs.write_parquet(editions.public_edition(breakdown), folder / datasets.PUBLIC / datasets.BREAKDOWNS)


def report_key(job: jobs.Job, inputs: dict[str, str], processed: dict[str, str]) -> str:
    """Everything one report depends on: its notebook, parameters and title, the code and package
    versions, the processed files it reads, and the run's inputs (a report also prints the SHA-256
    of the raw files, the dataset's notes and the deployment's targets, which processed data may
    not change with)."""
    return manifest.key(job.notebook, job.parameters, job.title, manifest.code()["fingerprint"], manifest.versions(),
                        processed, inputs)


def _reusable(job: jobs.Job, job_key: str, published: dict | None, reports_dir: Path) -> dict[str, Path] | None:
    """The published files of a report whose key is unchanged, when they are still intact."""
    entry = (published or {}).get("reports", {}).get(job.stem)
    if not entry or entry.get("key") != job_key:
        return None
    files = {name: reports_dir / name.removeprefix("reports/") for name in entry["files"]}
    if all(path.is_file() and manifest.sha256(path) == published["outputs"].get(name) for name, path in files.items()):
        return files
    return None


def build(request: Request, say: Callable[[str], None], published: dict | None = None,
          inputs: dict[str, str] | None = None) -> Built:
    """Stage every output of the request; `published` (the published manifest) lets reports whose
    key did not change be copied instead of rendered; `inputs`: the input hashes, when the caller
    has them already. Raises ValidationFailed on blocking problems; a build that fails leaves no
    staging behind (one that is killed: the next run deletes it)."""
    moves = publication.moves(request.folders.data, request.folders.reports, request.period)
    publication.clean_leftovers(moves)
    try:
        return _build(request, say, published, moves,
                      inputs if inputs is not None else manifest.inputs(request.folders.data, request.period))
    except BaseException:
        discard(moves)
        raise


def _build(request: Request, say: Callable[[str], None], published: dict | None,
           moves: tuple[publication.Move, ...], inputs: dict[str, str]) -> Built:
    period, folders, clock = request.period, request.folders, Clock()
    site = deployment.load(folders.data)
    say(f"[1/6] Đọc dữ liệu thô kỳ {period} từ {raw.period_dir(folders.data, period)}")
    frames = raw.read_period(folders.data, period)
    cover = cover_of(period, request.scope, frames, site)
    agg = cover.aggregate
    clock.lap("read")

    say(f"[2/6] Kiểm tra dữ liệu bằng Great Expectations ({len(frames)} biểu, {len(cover.communes)} xã của {agg.name})")
    outcome = validate(period, folders.data, frames, cover.communes, request.lang)
    failpoints.reached("validation")
    if not outcome.ok:
        raise ValidationFailed(outcome.errors)
    for warning in outcome.warnings:
        say(f"      cảnh báo: {warning.message}")
    clock.lap("validate")

    say(f"[3/6] Tính {len(catalogue.entries())} chỉ tiêu cho từng xã và {agg.name}, và xu hướng các kỳ trước")
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    table = compute.indicators(typed, period, cover.communes, cover.aggregates, site.targets)
    earlier = history.earlier_tables(folders.data, period, cover, request.scope, site.targets, say,
                                     remember=not request.fresh)
    every = pd.concat([*earlier, table.assign(rebased=False)], ignore_index=True)
    trend = trends.trend_table(every, period)
    breakdown = editions.breakdowns(typed, period, cover.communes, (agg.level, agg.code, agg.name))
    staged_data, staged = moves[0].staged, moves[1].staged
    for folder in (staged_data, staged):
        folder.mkdir(parents=True)
    from pipelines.validate import validation

    _stage_processed(staged_data, table, every, trend, breakdown, outcome,
                     dict.fromkeys(["vi", *(language for language, _ in request.chosen)]),
                     raw.corrections(folders.data, period))
    outputs.write_text(staged / "validation.html", validation.validation_page(outcome, period))
    outputs.write_text(staged / "validation-problems.csv", "\ufeff" + validation.problems_csv(outcome))
    processed = manifest.folder_hashes(staged_data, f"processed/{period}")
    clock.lap("compute")
    if request.scope.level == NATIONAL:
        raise NoNationalReport(f"phạm vi toàn quốc: đã kiểm tra dữ liệu và tính chỉ tiêu cho {len(cover.communes)} xã, nhưng "
                               "chưa có mẫu báo cáo toàn quốc (báo cáo chỉ làm cho xã, huyện, tỉnh); không công bố gì. "
                               "Kiểm tra dữ liệu: baocao validate --scope national; báo cáo: --scope province:<mã tỉnh>")

    names = ", ".join(name for _, _, name in cover.reports)
    shown = ", ".join(f"{language}/{edition}" for language, edition in request.chosen)
    say(f"[4/6] Chạy notebook bằng papermill, xuất HTML (nbconvert) và PDF (WeasyPrint): {names} ({shown})")
    data_name = folders.data.name
    todo = jobs.jobs(period, data_name, f"{data_name}/processed/{staged_data.name}", cover, request.chosen,
                     request.parameters)
    keys = {job.stem: report_key(job, inputs, processed) for job in todo}
    render, reused = [], 0
    for job in todo:
        files = _reusable(job, keys[job.stem], published, folders.reports)
        if files is None:
            render.append(job)
            continue
        for name, path in files.items():
            outputs.write_bytes(staged / Path(name).relative_to(f"reports/{period}"), path.read_bytes())
        reused += 1
    if reused:
        say(f"      {reused} báo cáo không đổi (cùng số liệu, mã nguồn và tham số): dùng lại bản đã công bố")
    if render:
        where = request.pool.scheduler or f"{request.pool.workers(len(render))} tiến trình"
        say(f"      {len(render)} báo cáo cần làm, trên {where}")
    failures = []
    for job, made in (fanout.render(render, folders.data.parent, request.pool, say, manifest.code()["fingerprint"])
                      if render else ()):
        if isinstance(made, fanout.Failure):
            failures.append(made)
            say(f"      LỖI {job.stem}: {made.reason}")
            continue
        nb, html, pdf = made
        outputs.write_notebook(nb, staged / "notebooks" / f"{job.stem}.ipynb")
        outputs.write_text(staged / f"{job.stem}.html", html)
        outputs.write_bytes(staged / f"{job.stem}.pdf", pdf)
    if failures:
        say(f"      {len(failures)} báo cáo không làm được:")
        for failure in failures:
            say(f"        - {failure.job.stem} ({failure.job.title}): {failure.reason}")
        if not request.publish_partial or len(failures) == len(todo):
            raise ReportsFailed(failures)
    clock.lap("render")

    made = manifest.folder_hashes(staged, f"reports/{period}", skip=(manifest.NAME, manifest.LOG))
    failed = {failure.job.stem: failure.reason for failure in failures}
    done = [job for job in todo if job.stem not in failed]
    per_report = {job.stem: {"key": keys[job.stem], "files": sorted(
        name for name in made if Path(name).stem == job.stem)} for job in done}
    record = {"period": str(period), "scope": str(request.scope), "stems": [job.stem for job in done],
              "failed": failed, "variants": request.chosen,
              "parameters": request.parameters, "key": request.key(inputs), "inputs": inputs,
              "outputs": {**processed, **made}, "reports": per_report, "reused": reused,
              "code": manifest.code(), "versions": manifest.versions(),
              "validation": {"errors": len(outcome.errors), "warnings": len(outcome.warnings)}}
    return Built(moves, [job.stem for job in done], record, clock.times)


def discard(built_moves: tuple[publication.Move, ...]) -> None:
    """Throw a build away: its staging places, never anything published."""
    for item in built_moves:
        publication.remove(item.staged)
