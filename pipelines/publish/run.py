"""One reporting period end to end: build it aside, then publish it at once.

Order matters for the promise that nothing is lost: raw files are only read; validation runs on
every form before anything is computed and a blocking problem stops the run before anything is
staged; processed data, reports, the manifest and the index are staged (pipelines.publish.build)
and published together only after every report rendered (pipelines.core.publication). A run whose
inputs, code and parameters match the published manifest has nothing to do and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pipelines.core import datasets, deployment, errors, formats, keyed, locks, outputs, publication, text
from pipelines.core.text import failure
from pipelines.core.folders import Folders
from pipelines.publish import build, index, jobs, manifest, public, scoping, signatures, sources, staging
from pipelines.publish.build import Request
from pipelines.publish.manifest import Manifest
from pipelines.units.period import Period
from pipelines.units.scope import Scope

ValidationFailed = build.ValidationFailed  # what a run with blocking data problems raises
ReportsFailed = build.ReportsFailed  # reports that could not be made, without --publish-partial


@dataclass(frozen=True)
class Published:
    """What a run published (or found already published): the files a caller opens next."""
    html: Path
    pdf: Path
    reports: tuple[Path, ...]
    validation_page: Path
    indicators: Path
    manifest: Path
    unchanged: bool = False   # nothing to do: the published reports already are what the inputs give
    failed: dict = dataclasses.field(default_factory=dict)  # stem → reason: reports left out (--publish-partial)


def request(period: Period, data_dir: Path | str, reports_dir: Path | str | None, lang: str = "vi",
            scope: Scope | None = None, languages: tuple[str, ...] | None = None,
            report_editions: tuple[str, ...] | None = None, parameters: dict[str, str] | None = None,
            today: dt.date | None = None, public_dir: Path | str | None = None,
            say: Callable[[str], None] = print) -> Request:
    """What to build, with the deployment's defaults filled in and the folders checked (the trees:
    the given ones, else the settings', else `reports` and `public`). A period
    that has not ended is refused, naming its last day: its figures are not final, and a report of
    it would be dated after a day that has not come (`baocao validate` still checks its data).
    Without `--scope` nor settings, the scope is the data's (pipelines.publish.scoping), said with `say`."""
    if period.end >= (today or dt.date.today()):
        raise failure(errors.UsageError, "run.not_ended", period=period,
                      end=lambda lang: formats.date(period.end, lang))
    folders = Folders.checked(data_dir, *deployment.trees(data_dir, reports_dir, public_dir))
    site = deployment.load(folders.data)
    scope = scoping.scope_of(period, folders.data, site, scope, lang, say)
    return Request(period, folders, scope, jobs.variants(languages, report_editions, site),
                   jobs.document_parameters(site, parameters), lang, as_of=today)


def _published(req: Request, record: Manifest, unchanged: bool = False) -> Published:
    final, stems = req.folders.reports_of(req.period), record.stems

    def page(stem: str, suffix: str) -> Path:
        """A report's file, in whichever tree it was published."""
        entry = record.reports.get(stem)
        name = next((name for name in entry.files if name.endswith(suffix)), None) if entry else None
        return req.folders.named(name) if name else final / f"{stem}{suffix}"

    return Published(page(stems[0], ".html"), page(stems[0], ".pdf"),
                     tuple(page(stem, ".html") for stem in stems), final / "validation.html",
                     datasets.processed_file(req.folders.data, req.period, datasets.INDICATORS), final / manifest.NAME,
                     unchanged, record.failed)


def _intact(req: Request, record: Manifest) -> bool:
    """Every file the published manifest lists is on disk with its hash."""
    for name, digest in record.outputs.items():
        path = req.folders.named(name)
        if not path.is_file() or manifest.sha256(path) != digest:
            return False
    return True


def run_period(period: Period, data_dir: Path | str = "data", reports_dir: Path | str | None = None,
               say: Callable[[str], None] = print, lang: str = "vi", scope: Scope | None = None,
               languages: tuple[str, ...] | None = None, report_editions: tuple[str, ...] | None = None,
               parameters: dict[str, str] | None = None, force: bool = False,
               public_dir: Path | str | None = None) -> Published:
    """Publish the reports of `period`. `lang` is the language of the messages; `languages` and
    `report_editions` choose the report variants (default: the deployment's, else project.yml), all
    rendered in this one run so every published file comes from the same processed data;
    `parameters` are the document parameters of the scope's own report (number, signer, date…; see
    notebooks/01). `force` rebuilds everything, even what the published manifest says is current."""
    req = request(period, data_dir, reports_dir, lang, scope, languages, report_editions, parameters,
                  public_dir=public_dir, say=say)
    return publish_request(req, say, force)


def publish_request(req: Request, say: Callable[[str], None] = print, force: bool = False,
                    log: list[str] | None = None) -> Published:
    started = dt.datetime.now(dt.timezone.utc)
    req, step = dataclasses.replace(req, fresh=force), req.say(say)
    build.clean(req)  # what a killed run left beside the trees, even when nothing changed
    published = None if force else manifest.read(req.folders, req.period)
    inputs = manifest.inputs(req.folders.data, req.period)
    if published and published.key == req.key(inputs) and not published.failed and _intact(req, published):
        step("run.unchanged", period=req.period, folder=req.folders.reports_of(req.period))
        return _published(req, published, unchanged=True)
    built = build.build(req, say, published, inputs)
    moves = built.moves
    try:
        step("run.index")
        with locks.reports_lock(req.folders.reports):  # the indexes list every period: one writer at a time
            _recover_others(req)
            outputs.write_text(moves.index.staged, index.page_html(req.folders.reports, built.reports, req.period))
            record = dataclasses.replace(built.manifest, started=started.isoformat(timespec="seconds"),
                                         timings=built.timings, log=manifest.LOG)
            signatures.place_copies(req.folders, req.period, built.reports)  # signed PDFs still published
            manifest.write(built.reports, record, lambda content: keyed.seal(content, keyed.key(req.folders, create=True)))
            if moves.public.staged.is_dir():  # public editions rendered: the public tree gets its own index and manifest
                outputs.write_text(moves.public_index.staged,
                                   index.page_html(req.folders.public, moves.public.staged, req.period, validation=False))
                public.write(moves.public.staged, record)
                step("run.publish_public", reports=moves.reports.final, public=moves.public.final,
                     processed=moves.processed.final)
            else:
                step("run.publish", reports=moves.reports.final, processed=moves.processed.final)
            if log is not None:
                outputs.write_text(built.reports / manifest.LOG, "\n".join(log) + "\n")
            staging.set_modes(moves)
            publication.publish(req.folders.data, moves.staged(), req.period)
    except BaseException:
        build.discard(moves)
        raise
    return _published(req, built.manifest)


def _recover_others(req: Request) -> None:
    """Roll back another period's publication a killed run left half done, before the index is made
    from what is on disk: the index must list that period's published reports, not its half-moved
    ones. A period whose lock is held is being built by its own run, which recovered it already."""
    for other in req.folders.journals():
        if other != str(req.period):
            try:
                with locks.period_lock(req.folders.data, other):
                    pass
            except locks.Locked:
                continue


def validate_only(period: Period, data_dir: Path | str = "data", reports_dir: Path | str | None = None,
                  say: Callable[[str], None] = print, lang: str = "vi", scope: Scope | None = None,
                  public_dir: Path | str | None = None, as_of: dt.date | None = None):
    """`baocao validate`: the validation step alone; publishes nothing. With deadlines, a unit that
    sent nothing stops it before its due date as it stops a run, and is left out after it (`as_of`:
    "today", pipelines.indicators.coverage)."""
    from pipelines.indicators.period_tables import reported_communes
    from pipelines.intake import raw

    folders = Folders.checked(data_dir, *deployment.trees(data_dir, reports_dir, public_dir))
    site = deployment.load(folders.data)
    say(text.t(lang, "run.validate_only", period=period, folder=raw.period_dir(folders.data, period)))
    frames = raw.read_period(folders.data, period)
    scope = scoping.scope_of(period, folders.data, site, scope, lang, say, lambda: reported_communes(frames))
    checked = sources.settled(folders, period, scope, frames, site, as_of, text.speaker(say, lang))[0]
    return build.validate(period, folders.data, frames, checked.communes, lang)
