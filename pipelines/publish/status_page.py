"""A period's status (pipelines.publish.status) written out: aligned text for a terminal, CSV for a
spreadsheet, an HTML page for the internal tree.

Every word comes from the locale store (`status.*`); figures and rates are written the vi_VN way
(pipelines.core.formats: "87,5 %"), dates as an officer writes them (15/01/2025), times in Vietnam
time (UTC+7: the CSV keeps the log's UTC time too). The CSV is one table: a row per unit and form,
then a row per form, per unit and for the whole scope with the rates (`level` says which), every
cell made inert for a spreadsheet (pipelines.intake.csvfile). The HTML page is a Jinja2 template
with autoescape, laid out like the other internal pages (a language, a title, table headers with
their scope, wide tables in a region reachable by keyboard).
"""

from __future__ import annotations

import dataclasses

import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
from babel.dates import format_date, format_datetime

from pipelines.core import formats, outputs
from pipelines.core.folders import Folders
from pipelines.core.text import t
from pipelines.intake import csvfile
from pipelines.publish import status
from pipelines.publish.status import VIETNAM, Rate, Row, Status
from pipelines.units.period import Period
from pipelines.units.scope import Aggregate, Scope

COLUMNS = ("code", "unit", "form", "received", "submission", "corrections", "errors", "warnings", "due", "state")
RATE_COLUMNS = ("expected", "received_count", "on_time", "completeness", "timeliness")
DASH = "—"
PAGE = "status.html"  # in a period's internal reports folder, beside validation.html


@lru_cache(maxsize=4096)  # a country's table writes the same few dates and counts 70,000 times
def day(value, lang: str) -> str:
    return DASH if value is None else format_date(value, t(lang, "status.date_pattern"), locale=formats.LOCALES[lang])


@lru_cache(maxsize=256)
def word(lang: str, key: str) -> str:
    """A word of the table (a state, "not received"), looked up once per language, not per row."""
    return t(lang, key)


def moment(row: Row, lang: str) -> str:
    if row.got is None:
        return word(lang, "status.not_received")
    if row.got.at is None:  # placed by hand, on the published page: when it was first seen is no input
        return DASH
    return format_datetime(row.got.at.astimezone(VIETNAM), t(lang, "status.time_pattern"), locale=formats.LOCALES[lang])


@lru_cache(maxsize=4096)
def _count(value: int | None, lang: str) -> str:
    return DASH if value is None else formats.number(value, lang=lang)


def cells(row: Row, lang: str) -> list[str]:
    """The cells of one row, in COLUMNS' order, as shown."""
    got = row.got
    submission = DASH if got is None else (f"#{got.submission}" if got.submission else word(lang, "status.by_hand"))
    return [row.code, unicodedata.normalize("NFC", row.name), row.form, moment(row, lang), submission,
            _count(None if got is None else got.corrections, lang), _count(row.errors, lang), _count(row.warnings, lang),
            day(row.due, lang), word(lang, f"status.state.{row.state}")]


@lru_cache(maxsize=4096)
def _percent(value: float | None, lang: str) -> str:
    return DASH if value is None else formats.percent(value, lang=lang)


def rate_cells(rate: Rate, lang: str) -> list[str]:
    return [_count(rate.expected, lang), _count(rate.received, lang), _count(rate.on_time, lang),
            _percent(rate.completeness, lang), _percent(rate.timeliness, lang)]


def headers(lang: str, names: tuple[str, ...]) -> list[str]:
    return [t(lang, f"status.column.{name}") for name in names]


def notes(status: Status, lang: str) -> list[str]:
    """The lines above the tables: what the page is about, as of when, and what it cannot say."""
    lines = [t(lang, "status.title", period=status.period, unit=status.unit)]
    if status.as_of is not None:
        lines.append(t(lang, "status.as_of", date=day(status.as_of, lang)))
    if not any(status.due.values()):
        lines.append(t(lang, "status.no_deadlines"))
    if not status.checked:
        lines.append(t(lang, "status.not_checked", period=status.period))
    overall = status.rate()
    lines.append(t(lang, "status.summary", received=formats.number(overall.received, lang=lang),
                   expected=formats.number(overall.expected, lang=lang), completeness=formats.percent(overall.completeness, lang=lang),
                   timeliness=DASH if overall.timeliness is None else formats.percent(overall.timeliness, lang=lang)))
    return lines


def tables(status: Status, lang: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(caption, header, rows) of the four tables: units and forms, rates by form, by unit, overall."""
    first = headers(lang, ("form",)) + headers(lang, RATE_COLUMNS)
    return [(t(lang, "status.caption.rows"), headers(lang, COLUMNS), [cells(r, lang) for r in status.rows]),
            (t(lang, "status.caption.forms"), first,
             [[form, *rate_cells(status.rate(form=form), lang)] for form in status.due]),
            (t(lang, "status.caption.units"), headers(lang, ("code", "unit")) + headers(lang, RATE_COLUMNS),
             [[code, name, *rate_cells(status.rate(code=code), lang)] for code, name in status.units]),
            (t(lang, "status.caption.overall"), [t(lang, "status.column.unit")] + headers(lang, RATE_COLUMNS),
             [[status.unit, *rate_cells(status.rate(), lang)]])]


def text(status: Status, lang: str = "vi") -> str:
    """Aligned columns for a terminal (Vietnamese in NFC: one character, one column)."""
    out = notes(status, lang)
    for caption, header, rows in tables(status, lang):
        widths = [max(len(line[j]) for line in [header, *rows]) for j in range(len(header))]
        out += ["", caption] + ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip()
                                for line in [header, *rows]]
    return "\n".join(out) + "\n"


def csv_text(status: Status, lang: str = "vi") -> str:
    """One table (see the module docstring): `level` row, form, unit or overall."""
    header = ["level", *COLUMNS, *RATE_COLUMNS]
    blank_rate, blank_row = [""] * len(RATE_COLUMNS), [""] * (len(COLUMNS) - 3)
    rows = [["row", *cells(r, lang)[:3],
             "" if r.got is None else r.got.at.strftime("%Y-%m-%dT%H:%M:%SZ"), *cells(r, lang)[4:], *blank_rate]
            for r in status.rows]
    rows += [["form", "", "", form, *blank_row, *rate_cells(status.rate(form=form), lang)] for form in status.due]
    rows += [["unit", code, name, "", *blank_row, *rate_cells(status.rate(code=code), lang)] for code, name in status.units]
    rows.append(["overall", "", status.unit, "", *blank_row, *rate_cells(status.rate(), lang)])
    return csvfile.text(rows, header)


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    source = (resources.files("pipelines") / "templates" / "status" / "status.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(source)


def html(status: Status, lang: str = "vi") -> str:
    """The status page (`<reports>/<period>/status.html`)."""
    lines = notes(status, lang)
    return _template().render(lang=lang, title=lines[0], notes=lines[1:], tables=tables(status, lang),
                              scroll=t(lang, "status.scroll"))


def publish(folder: Path, folders: Folders, period: Period, aggregate: Aggregate, outcome) -> None:
    """`status.html` into a run's staged reports folder `folder`: the status of the units the run adds
    up (a commune's run: its district's or province's), with the run's own validation counts and no
    "today" (pipelines.publish.status), in Vietnamese like the index that links it."""
    scope = Scope(aggregate.level, aggregate.code)
    found = status.status(folders, period, scope, None, "vi", status.run_counts(outcome))
    outputs.write_text(folder / PAGE, html(without_first_seen(found), "vi"))


def without_first_seen(found: Status) -> Status:
    """`found` with no time for the forms placed by hand: when a command first saw them is recorded
    by the deployment (pipelines.intake.receipts), not an input of the run, and two copies of the same
    raw files would publish two pages. Their state (on time or late) still follows it; the page the
    officer asks for (`baocao status`) shows the time."""
    rows = tuple(dataclasses.replace(row, got=dataclasses.replace(row.got, at=None))
                 if row.got is not None and not row.got.submission else row for row in found.rows)
    return dataclasses.replace(found, rows=rows)
