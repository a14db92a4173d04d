"""One reporting period end to end: read, validate, compute, render, publish.

Order matters for the promise that nothing is lost: raw files are only read; validation runs on
every form before anything is computed and a blocking problem stops the run before any output is
touched; processed data and reports are built in staging folders and swapped in together at the
end, and if anything fails after the processed data was swapped in, it is rolled back.
Several reports of one period (a province and each of its communes) are rendered in parallel by
Dask workers; each worker returns bytes and only this process writes (pipelines.outputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import datasets, deployment, outputs, settings, text
from pipelines.core.deployment import Deployment
from pipelines.indicators import catalogue, compute, editions, history, trends
from pipelines.intake import raw
from pipelines.report import notebooks
from pipelines.report.context import EDITIONS, check_edition, unit_name
from pipelines.units.period import Period
from pipelines.units.scope import Coverage, Scope, coverage, default

LEVEL_SLUG = {"commune": "xa", "district": "huyen", "province": "tinh"}
CATALOGUE_STEM = "danh-muc-chi-tieu"


class ValidationFailed(RuntimeError):
    """Blocking data problems: the run stops and nothing is published."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} lỗi dữ liệu; không công bố báo cáo")


@dataclass(frozen=True)
class Published:
    html: Path
    pdf: Path
    reports: tuple[Path, ...]
    validation_page: Path
    indicators: Path


def report_stem(period: Period, level: str, code: str, lang: str = "vi", edition: str = "internal") -> str:
    """`bao-cao-tre-em-2024-huyen-198`, with `-cong-khai` for the public edition and `-en` for English."""
    return f"bao-cao-tre-em-{period}-{LEVEL_SLUG[level]}-{code}" + _variant(lang, edition)


def _variant(lang: str, edition: str = "internal") -> str:
    return ("-cong-khai" if edition == "public" else "") + ("" if lang == "vi" else f"-{lang}")


def variants(languages: tuple[str, ...] | None, report_editions: tuple[str, ...] | None,
             site: Deployment | None = None) -> list[tuple[str, str]]:
    """Every (language, edition) to render, in a fixed order; the deployment's settings, then the
    product's project.yml, give the defaults."""
    project, site = settings.load("project.yml"), site or Deployment(None)
    languages = tuple(languages or site.languages or project["languages"])
    report_editions = tuple(report_editions or site.editions or project["editions"])
    for edition in report_editions:
        check_edition(edition)
    ordered_langs = [lang for lang in text.LANGS if lang in {text.check_lang(x) for x in languages}]
    return [(lang, edition) for lang in ordered_langs for edition in EDITIONS if edition in report_editions]


def _jobs(period: Period, data_dir: Path | str, cover: Coverage, chosen: list[tuple[str, str]],
          parameters: dict[str, str]):
    """(stem, notebook, parameters, title) of every report of the run, then one catalogue page per
    language. `parameters` (number, signer, …) belong to the scope's own report: each commune's
    fact sheet is issued by its own People's Committee and keeps the notebook's defaults."""
    project = settings.load("project.yml")["report"]
    jobs = []
    for n, (level, code, name) in enumerate(cover.reports):
        for lang, edition in chosen:
            title = text.t(lang, "title.report", period=period, name=unit_name(name, lang))
            title += text.t(lang, "title.public") if edition == "public" else ""
            own = parameters if n == 0 else {}
            notebook = project["factsheet_notebook" if level == "commune" else "notebook"]  # a commune: its fact sheet
            jobs.append((report_stem(period, level, code, lang, edition), notebook,
                         {"period": str(period), "unit": code, "data_dir": str(data_dir), "lang": lang, "edition": edition,
                          **own}, title))
    for lang in dict.fromkeys(lang for lang, _ in chosen):
        jobs.append((CATALOGUE_STEM + _variant(lang), project["catalogue_notebook"],
                     {"period": str(period), "lang": lang, "data_dir": str(data_dir)},
                     text.t(lang, "title.catalogue", period=period)))
    return jobs


def _coverage(period: Period, scope: Scope, frames: dict[str, pd.DataFrame], site: Deployment) -> Coverage:
    return coverage(period, scope, history.reported_communes(frames), site.commune_reports.get(period.unit_list, False))


def _validate(period: Period, data_dir: Path | str, frames: dict, communes: pd.DataFrame, lang: str):
    """Validation of the period, with the previous period present for the outlier check. Run once per
    run: problems hold no language, `lang` only sets the one messages are printed in."""
    from pipelines.validate import crosscheck, validation  # imports Great Expectations (slow): only when needed

    before, previous = crosscheck.previous_frames(data_dir, period)
    return validation.validate_period(frames, period, communes, previous=previous, previous_period=before, lang=lang)


def _make_report(notebook: str, parameters: dict, title: str) -> tuple:
    """Execute one notebook and render it: (executed notebook, HTML, PDF). Runs in a worker."""
    from pipelines.report import render

    nb = outputs.scrub_run_times(notebooks.execute(notebook, parameters))
    html = render.notebook_to_html(nb, title=title, lang=parameters.get("lang", "vi"))
    return nb, html, render.html_to_pdf(html)


def _make_all(jobs: list[tuple[str, dict, str]]) -> list[tuple]:
    """Every report of the run: in parallel on a local Dask cluster when there are several."""
    if len(jobs) == 1:
        return [_make_report(*jobs[0])]
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=min(len(jobs), 2), threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        return client.gather([client.submit(_make_report, *job, pure=False) for job in jobs])


def run_period(period: Period | str, data_dir: Path | str = "data", reports_dir: Path | str = "reports",
               say: Callable[[str], None] = print, lang: str = "vi", scope: Scope | None = None,
               languages: tuple[str, ...] | None = None, report_editions: tuple[str, ...] | None = None,
               parameters: dict[str, str] | None = None) -> Published:
    """Publish the reports of `period`. `lang` is the language of the messages; `languages` and
    `report_editions` choose the report variants (default: the deployment's, else project.yml), all rendered in this one run
    so every published file comes from the same processed data; `parameters` are the document
    parameters of the scope's own report (number, signer, date…; see notebooks/01)."""
    period, site = Period.parse(period), deployment.load(data_dir)
    scope = scope or default(period, site)
    chosen = variants(languages, report_editions, site)
    say(f"[1/6] Đọc dữ liệu thô kỳ {period} từ {raw.period_dir(data_dir, period)}")
    frames = raw.read_period(data_dir, period)
    cover = _coverage(period, scope, frames, site)
    agg = cover.aggregate

    say(f"[2/6] Kiểm tra dữ liệu bằng Great Expectations ({len(frames)} biểu, {len(cover.communes)} xã của {agg.name})")
    outcome = _validate(period, data_dir, frames, cover.communes, lang)
    if not outcome.ok:
        raise ValidationFailed(outcome.errors)
    for warning in outcome.warnings:
        say(f"      cảnh báo: {warning.message}")

    say(f"[3/6] Tính {len(catalogue.entries())} chỉ tiêu cho từng xã và {agg.name}, và xu hướng các kỳ trước")
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    table = compute.indicators(typed, period, cover.communes, cover.aggregates, site.targets)
    earlier = history.earlier_tables(data_dir, period, cover, scope, site.targets, say)
    every = pd.concat([*earlier, table.assign(rebased=False)], ignore_index=True)
    trend = trends.trend_table(every, period)
    breakdown = editions.breakdowns(typed, period, cover.communes, (agg.level, agg.code, agg.name))
    from pipelines.validate import validation

    processed = outputs.Staging(datasets.processed_dir(data_dir, period))
    reports = outputs.Staging(Path(reports_dir) / str(period))
    try:
        staged_data = processed.open()
        outputs.write_parquet(table, staged_data / datasets.INDICATORS)
        outputs.write_parquet(every, staged_data / datasets.HISTORY)
        outputs.write_parquet(trend, staged_data / datasets.TRENDS)
        outputs.write_parquet(breakdown, staged_data / datasets.BREAKDOWNS)
        # the warnings in Vietnamese, and in each other language a report is rendered in: one
        # validation, its problems written in each language
        for language in dict.fromkeys(["vi", *(language for language, _ in chosen)]):
            outputs.write_parquet(validation.problems_frame(outcome, language),
                                  staged_data / datasets.validation_problems(language))
        # public edition: small sensitive counts suppressed; indicators and trends hold no such counts
        public = staged_data / datasets.PUBLIC
        outputs.write_parquet(table, public / datasets.INDICATORS)
        outputs.write_parquet(trend, public / datasets.TRENDS)
        outputs.write_parquet(editions.public_edition(breakdown), public / datasets.BREAKDOWNS)
        staged = reports.open()
        outputs.write_text(staged / "validation.html", validation.validation_page(outcome, period))
        outputs.write_text(staged / "validation-problems.csv", "\ufeff" + validation.problems_csv(outcome))
        processed.swap_in()  # the notebooks read processed data through pipelines, like an analyst would

        names = ", ".join(name for _, _, name in cover.reports)
        shown = ", ".join(f"{language}/{edition}" for language, edition in chosen)
        say(f"[4/6] Chạy notebook bằng papermill, xuất HTML (nbconvert) và PDF (WeasyPrint): {names} ({shown})")
        own = {**{key: value for key, value in site.report.items() if value}, **(parameters or {})}  # --param wins
        jobs = _jobs(period, data_dir, cover, chosen, own)
        stems = [stem for stem, *_ in jobs]
        for stem, (nb, html, pdf) in zip(stems, _make_all([job[1:] for job in jobs])):
            outputs.write_notebook(nb, staged / "notebooks" / f"{stem}.ipynb")
            outputs.write_text(staged / f"{stem}.html", html)
            outputs.write_bytes(staged / f"{stem}.pdf", pdf)

        say("[5/6] Mục lục các báo cáo")
        from pipelines.publish import index

        outputs.write_text(Path(reports_dir) / ".staging-index.html", index.page_html(reports_dir, staged, period))

        say(f"[6/6] Công bố vào {reports.final} và {processed.final}")
        reports.publish()
        (Path(reports_dir) / ".staging-index.html").replace(Path(reports_dir) / "index.html")
        processed.commit()
    except BaseException:
        processed.rollback()
        reports.discard()
        (Path(reports_dir) / ".staging-index.html").unlink(missing_ok=True)
        raise
    final = reports.final
    return Published(final / f"{stems[0]}.html", final / f"{stems[0]}.pdf",
                     tuple(final / f"{s}.html" for s in stems), final / "validation.html",
                     processed.final / datasets.INDICATORS)


def validate_only(period: Period | str, data_dir: Path | str = "data", reports_dir: Path | str = "reports",
                  say: Callable[[str], None] = print, lang: str = "vi", scope: Scope | None = None):
    """`baocao validate`: the validation step alone; publishes nothing."""
    period, site = Period.parse(period), deployment.load(data_dir)
    say(f"Kiểm tra dữ liệu thô kỳ {period} từ {raw.period_dir(data_dir, period)}")
    frames = raw.read_period(data_dir, period)
    cover = _coverage(period, scope or default(period, site), frames, site)
    return _validate(period, data_dir, frames, cover.communes, lang)
