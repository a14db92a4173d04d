"""Build a period's outputs aside, without publishing them: read, validate, compute, stage, reuse,
render, record.

Everything goes into the staging places of pipelines.core.publication: the processed tables into
`processed/.staging-<period>/`, reports, executed notebooks, the validation page and the manifest
into the internal tree's staging place, the public editions into the public tree's (beside each
tree, pipelines.core.folders; which file goes where: pipelines.publish.staging). The notebooks read the staged processed tables, so every
report shows the figures published with it, and nothing published changes until the run
publishes (pipelines.publish.run) or is thrown away (`baocao verify`, a failure, a kill).
Raw files are only read; a blocking data problem stops the build before anything is staged.
`build(..., render=False)` stops once the processed data and the validation page are staged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import deployment, failpoints, publication, text
from pipelines.core.deployment import Deployment
from pipelines.core.folders import Folders
from pipelines.indicators import catalogue, history, period_tables, trends
from pipelines.indicators import coverage as reported
from pipelines.intake import raw
from pipelines.publish import fanout, imports, jobs, manifest, sources, staging, status_page
from pipelines.publish.exports import publish as exchange
from pipelines.publish.failures import ReportsFailed, ValidationFailed
from pipelines.publish.manifest import Manifest, ReportEntry
from pipelines.units import types
from pipelines.units.period import Period
from pipelines.units.scope import Coverage, Scope


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
    exports: tuple = ()                 # (format, edition) to export besides the settings' (verify: the record's)
    as_of: dt.date | None = None        # "today" for due dates (--as-of); None: today in Viet Nam

    def key(self, inputs: dict[str, str]) -> str:
        """Everything the outputs depend on: inputs, code, package versions, what was asked."""
        return manifest.key(inputs, manifest.code()["fingerprint"], manifest.versions(), str(self.scope),
                            self.chosen, self.parameters, self.folders.data.name)

    def say(self, say: Callable[[str], None]) -> Callable[..., None]:
        """`say(key, **values)`: a message of pipelines/locales/<lang>/run.yml in the run's language."""
        return text.speaker(say, self.lang)


@dataclass
class Built:
    """A staged build: where it is, and its manifest (None: stopped before rendering, `render=False`)."""
    moves: publication.Moves
    manifest: Manifest | None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def processed(self) -> Path:
        """The staged processed folder: what `<data>/processed/<period>/` becomes when published."""
        return self.moves.processed.staged

    @property
    def reports(self) -> Path:
        """The staged reports folder: what `<reports>/<period>/` becomes when published."""
        return self.moves.reports.staged


class Clock:
    """Seconds spent in each step, for the manifest."""
    def __init__(self):
        self.times, self._start = {}, time.monotonic()

    def lap(self, step: str) -> None:
        now = time.monotonic()
        self.times[step] = round(now - self._start, 1)
        self._start = now


@dataclass(frozen=True)
class Read:
    """The period's forms as read from raw/, the units the run covers (`checked`: those of the raw
    files, validated; `cover` adds the communes and units of imported packages) and their figures."""
    frames: dict[str, pd.DataFrame]
    cover: Coverage
    site: Deployment
    checked: Coverage | None  # None: no raw form of any commune (packages alone)
    given: imports.Given
    reporting: reported.Reporting | None = None  # who reported, to record (deadlines set, or units left out)


def validate(period: Period, data_dir: Path, frames: dict, communes: pd.DataFrame, lang: str):
    """Validation of the period, with the previous period present for the outlier check. Run once per
    run: problems hold no language, `lang` only sets the one messages are printed in."""
    from pipelines.validate import crosscheck, validation  # imports Great Expectations (slow): only when needed

    before, previous = crosscheck.previous_frames(data_dir, period)
    return validation.validate_period(frames, period, communes, previous=previous, previous_period=before, lang=lang)


def build(request: Request, say: Callable[[str], None], published: Manifest | None = None,
          inputs: dict[str, str] | None = None, render: bool = True) -> Built:
    """Stage every output of the request; `published` (the published manifest) lets reports whose
    key did not change be copied instead of rendered; `inputs`: the input hashes, when the caller
    has them already; not `render`: stop once the processed data and the validation page are
    staged (`Built.processed`), with no report and no manifest. Raises ValidationFailed on blocking
    problems; a build that fails leaves no staging behind (one that is killed: the next run deletes it)."""
    moves = clean(request)
    try:
        return _build(request, say, published, moves,
                      inputs if inputs is not None else manifest.inputs(request.folders.data, request.period), render)
    except BaseException:
        discard(moves)
        raise


def clean(request: Request) -> publication.Moves:
    """Delete what a killed run of the period left beside its published items (staging folders,
    `.previous-…`; also where earlier versions staged); the places this run stages in. Called by
    every run that holds the period's lock, an unchanged one too: a staging folder of a killed run
    must not wait beside a served tree for the next change."""
    folders = request.folders
    moves = publication.moves(folders.data, folders.reports, folders.public, request.period)
    publication.clean_leftovers((*moves, *publication.former(folders.data, folders.reports, request.period)))
    return moves


def _build(request: Request, say: Callable[[str], None], published: Manifest | None, moves: publication.Moves,
           inputs: dict[str, str], render: bool) -> Built:
    clock, step = Clock(), request.say(say)
    read = _read(request, step)
    clock.lap("read")
    outcome, tables = _validate(request, read, step)
    clock.lap("validate")
    staging.stage_processed(moves, _compute(request, read, tables, say), outcome,
                            ["vi", *(language for language, _ in request.chosen)],
                            raw.corrections(request.folders.data, request.period), request.period)
    status_page.publish(moves.reports.staged, request.folders, request.period, read.cover.aggregate, outcome)  # issue 19
    made = exchange.stage(moves, request.period, request.scope, read.site,  # issue 20: SDMX, DHIS2, ADX
                          exchange.wanted(read.site, request.chosen, request.exports, published and published.exports))
    processed = manifest.folder_hashes(moves.processed.staged, Folders.name_of_processed(request.period))
    clock.lap("compute")
    if not render:
        return Built(moves, None, clock.times)
    todo = _jobs(request, read.cover, moves, step)
    keys = {job.stem: staging.report_key(job, inputs, processed) for job in todo}
    to_render = staging.reuse(todo, keys, published, request.folders, moves, step)
    failures = _render(request, to_render, moves, say, step)
    if failures and (not request.publish_partial or len(failures) == len(todo)):
        raise ReportsFailed(failures, request.lang)
    clock.lap("render")
    record = _record(request, todo, keys, failures, inputs, processed, len(todo) - len(to_render), outcome, moves,
                     read.reporting)
    return Built(moves, dataclasses.replace(record, exports=made), clock.times)


def _read(request: Request, step) -> Read:
    """Step 1: the period's forms, and the communes and aggregates the run covers."""
    site = deployment.load(request.folders.data)
    step("run.read", period=request.period, folder=raw.period_dir(request.folders.data, request.period))
    found = sources.read(request.folders, request.period, request.scope, site, request.as_of, step)  # raw, packages, both
    return Read(found.frames, found.given.cover, site, found.checked, found.given, found.reporting)


def _validate(request: Request, read: Read, step):
    """Step 2: validation, then the period's typed tables (pipelines.indicators.period_tables);
    ValidationFailed on blocking problems, before anything is staged."""
    if read.checked is None:  # from packages alone: no raw form to check
        return sources.nothing_to_check(request.period, read.frames, read.cover, read.given.used, step)
    cover, outcomes = read.checked, []
    communes = types.counted(request.lang, cover.communes["name"], "commune", "plain")
    step("run.validate", forms=len(read.frames), communes=communes, unit=cover.aggregate.name)

    def valid(communes: pd.DataFrame) -> bool:
        outcomes.append(validate(request.period, request.folders.data, read.frames, communes, request.lang))
        failpoints.reached("validation")
        return outcomes[-1].ok

    tables = period_tables.tables(request.period, read.frames, cover, request.period, valid)
    if tables.unusable:
        raise ValidationFailed(outcomes[-1].errors, request.lang)
    for warning in outcomes[-1].warnings:
        step("run.warning", message=warning.message)
    return outcomes[-1], tables


def _compute(request: Request, read: Read, tables: period_tables.Tables, say: Callable[[str], None]) -> staging.Computed:
    """Step 3: the period's indicators, those of every usable earlier period (pipelines.indicators.history),
    the trends, and the breakdowns of sensitive counts."""
    cover = read.cover
    request.say(say)("run.compute", indicators=len(catalogue.entries()), unit=cover.aggregate.name,
                      units=types.set_noun(request.lang, cover.communes["name"], "commune", 1))
    table = tables.indicators(cover, read.site.targets, read.given.rows)
    checked = read.checked or sources.unchecked(cover)  # from packages alone: no commune of raw forms
    earlier = history.earlier_tables(request.folders.data, request.period, checked, request.scope, read.site.targets,
                                     say, not request.fresh, request.lang, read.given.history, cover)
    every = pd.concat([*earlier, table.assign(rebased=False)], ignore_index=True)
    aggregate = cover.aggregate
    return staging.Computed(table, every, trends.trend_table(every, request.period),
                            sources.breakdowns(tables.typed, request.period, checked,
                                               (aggregate.level, aggregate.code, aggregate.name)), read.given.used,
                            read.reporting)


def _jobs(request: Request, cover: Coverage, moves: publication.Moves, step) -> list[jobs.Job]:
    """Every report of the run; the kernels read the staged processed folder, named from the data
    folder's parent (their working folder)."""
    names = ", ".join(name for _, _, name in cover.reports)
    shown = ", ".join(f"{language}/{edition}" for language, edition in request.chosen)
    step("run.render", names=names, variants=shown)
    data = request.folders.data
    return jobs.jobs(request.period, data.name, moves.processed.staged.relative_to(data.parent).as_posix(), cover,
                     request.chosen, request.parameters)


def where_rendered(pool: fanout.Pool, reports: int, lang: str) -> str:
    """Where the reports go, as the run says it: the scheduler's address, or "1 process" / "2 processes"."""
    workers = pool.workers(reports)
    return pool.scheduler or text.t(lang, "run.process" if workers == 1 else "run.processes", count=workers)


def _render(request: Request, todo: list[jobs.Job], moves: publication.Moves, say: Callable[[str], None],
            step) -> list[fanout.Failure]:
    """Step 6: the reports not reused, rendered on the run's pool and written into the staged trees."""
    if not todo:
        return []
    step("run.to_render", count=len(todo), where=where_rendered(request.pool, len(todo), request.lang))
    failures = []
    for job, made in fanout.render(todo, request.folders.data.parent, request.pool, say, manifest.code()["fingerprint"],
                                   request.lang):
        if isinstance(made, fanout.Failure):
            failures.append(made)
            step("run.report_failed", stem=job.stem, reason=made.reason)
        else:
            staging.write_report(moves, job, made)
    if failures:
        step("run.failed_count", count=len(failures))
        for failure in failures:
            step("run.failed_item", stem=failure.job.stem, title=failure.job.title, reason=failure.reason)
    return failures


def _record(request: Request, todo: list[jobs.Job], keys: dict[str, str], failures: list[fanout.Failure],
            inputs: dict[str, str], processed: dict[str, str], reused: int, outcome,
            moves: publication.Moves, reporting: reported.Reporting | None = None) -> Manifest:
    """Step 7: the manifest of what was staged in both trees (its times are added when it is published)."""
    made = manifest.folder_hashes(moves.reports.staged, Folders.name_of_reports(request.period),
                                  skip=(manifest.NAME, manifest.LOG))
    if moves.public.staged.is_dir():
        made.update(manifest.folder_hashes(moves.public.staged, Folders.name_of_public(request.period)))
    failed = {failure.job.stem: failure.reason for failure in failures}
    done = [job for job in todo if job.stem not in failed]
    entries = {job.stem: ReportEntry(keys[job.stem], sorted(name for name in made if Path(name).stem == job.stem))
               for job in done}
    return Manifest(str(request.period), str(request.scope), [job.stem for job in done], failed, request.chosen,
                    request.parameters, request.key(inputs), inputs, {**processed, **made}, entries, reused,
                    manifest.code(), manifest.versions(),
                    {"errors": len(outcome.errors), "warnings": len(outcome.warnings)},
                    coverage=reporting.record() if reporting else {})


def discard(moves: publication.Moves) -> None:
    """Throw a build away: its staging places, never anything published."""
    for item in moves:
        publication.remove(item.staged)
