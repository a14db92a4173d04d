"""The reports of a run and how they are made: one job per report, rendered by Dask workers.

Each job executes a notebook with papermill, renders its HTML with nbconvert and the PDF with
WeasyPrint, and returns bytes; only the run's own process writes (pipelines.core.outputs). The
kernel of each notebook runs in the data folder's parent and is given the data folder by name, so
the executed notebook, kept as the report's audit trail, does not depend on where the deployment
lives or how its path was typed: two copies of the same inputs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.core import errors, failpoints, outputs, settings, text
from pipelines.core.deployment import Deployment
from pipelines.core.text import failure
from pipelines.report import notebooks
from pipelines.report.context import EDITIONS, check_edition, unit_name
from pipelines.units.period import Period
from pipelines.units.scope import Coverage

LEVEL_SLUG = {"commune": "xa", "district": "huyen", "province": "tinh", "national": "toan-quoc"}
CATALOGUE_STEM = "danh-muc-chi-tieu"


@dataclass(frozen=True)
class Job:
    """One report: the file stem it is published under, its notebook, parameters and title."""
    stem: str
    notebook: str
    parameters: dict
    title: str


def report_stem(period: Period, level: str, code: str, lang: str = "vi", edition: str = "internal") -> str:
    """`bao-cao-tre-em-2024-huyen-198`, with `-cong-khai` for the public edition and `-en` for English;
    the whole country, which has no code: `bao-cao-tre-em-2024-toan-quoc`."""
    return f"bao-cao-tre-em-{period}-{LEVEL_SLUG[level]}" + (f"-{code}" if code else "") + _variant(lang, edition)


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


def jobs(period: Period, data_name: str, processed_name: str, cover: Coverage, chosen: list[tuple[str, str]],
         parameters: dict[str, str]) -> list[Job]:
    """Every report of the run, then one catalogue page per language. `data_name` and
    `processed_name` are the data folder and the period's processed folder as the kernel sees
    them (relative to its working folder). `parameters` (number, signer, …) belong to the scope's
    own report: each commune's fact sheet is issued by its own People's Committee. The units under
    the scope's own unit get the fact sheet: the communes of a district or province, the provinces
    of the country (one level up, issue 20); the country its own report (`national_notebook`)."""
    project = settings.load("project.yml")["report"]
    found = []
    sheets = {"commune", *(("province",) if cover.aggregate.level == "national" else ())}
    for n, (level, code, name) in enumerate(cover.reports):
        for lang, edition in chosen:
            title = text.t(lang, "title.report", period=period, name=unit_name(name, lang))
            title += text.t(lang, "title.public") if edition == "public" else ""
            own = parameters if n == 0 else {}
            notebook = project["factsheet_notebook" if level in sheets else f"{level}_notebook" if level == "national"
                               else "notebook"]
            found.append(Job(report_stem(period, level, code, lang, edition), notebook,
                             {"period": str(period), "unit": code, "data_dir": data_name,
                              "processed_dir": processed_name, "lang": lang, "edition": edition, **own}, title))
    for lang in dict.fromkeys(lang for lang, _ in chosen):
        found.append(Job(CATALOGUE_STEM + _variant(lang), project["catalogue_notebook"],
                         {"period": str(period), "lang": lang, "data_dir": data_name},
                         text.t(lang, "title.catalogue", period=period)))
    return found


def document_parameters(site: Deployment, given: dict[str, str] | None) -> dict[str, str]:
    """The scope's own report's document parameters: the deployment's defaults, then --param."""
    return {**{key: value for key, value in site.report.items() if value}, **(given or {})}


class WorkerMismatch(errors.RunError):
    """A worker that cannot make the report as this run would: other code, or no data folder."""


def make_report(job: Job, cwd: str, code: str = "") -> tuple:
    """Execute one notebook on the worker's kept kernel and render it: (executed notebook, HTML,
    PDF). Runs in a worker; `code` is the run's code fingerprint, which the worker's must equal."""
    import socket

    from pipelines.core import fingerprint
    from pipelines.report import render

    where = Path(cwd) / job.parameters["data_dir"]
    if code and fingerprint.code() != code:
        raise failure(WorkerMismatch, "progress.other_code", host=socket.gethostname(), found=fingerprint.code()[:12],
                      expected=code[:12])
    if not where.is_dir():
        raise failure(WorkerMismatch, "progress.no_data_dir", host=socket.gethostname(), folder=str(where))
    failpoints.failing(job.stem)
    nb = outputs.scrub_run_times(notebooks.execute(job.notebook, job.parameters, cwd=cwd))
    html = render.notebook_to_html(nb, title=job.title, lang=job.parameters.get("lang", "vi"))
    return nb, html, render.html_to_pdf(html)
