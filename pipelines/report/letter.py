"""Letters to communes (`baocao feedback`): an official letter (công văn) of Decree 30/2020/NĐ-CP
to each unit with a form missing or data to correct, and the officer's list of them all.

Why a letter and not a plain page: a commune's People's Committee acts on a document of the level
above it, numbered, dated and signed, addressed to it ("Kính gửi: Ủy ban nhân dân xã …") with its
summary line ("V/v bổ sung, sửa số liệu trẻ em kỳ 2024"); offices file it like any other. The
header block is the report's (pipelines.report.header.official_block, with the summary line under
the number and no title), the recipients and signature block the report's closing template.

Where a problem is, is said as a commune officer sees it: not the line of the canonical CSV file
(intake merges every commune's workbook into one file sorted by code; the submissions log records
the file sent, not its sheets and rows), but the sheet, row and column of the period's Excel
template (pipelines.intake.template: one sheet per form, one row per breakdown code from row
`FIRST_DATA_ROW`, the form's columns in order) and the row's key as typed ("Giới tính: Nam"). What
is wrong is the validation message itself, written in the letter's language from the problem's
facts (pipelines.validate.messages), never parsed back from a line of text.

Items hold facts, not words (`Item`); the words come from `feedback.*` of the locale store when a
letter, the list or its CSV is written, so one gathering serves every language.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup
from openpyxl.utils import get_column_letter

from pipelines.core import formats, text
from pipelines.intake import csvfile
from pipelines.intake.raw import categories, forms
from pipelines.intake.template import FIRST_DATA_ROW, breakdown_column, heading
from pipelines.report import header
from pipelines.report.templates import t  # HTML words: values escaped as they go in
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.validate import messages
from pipelines.validate.problems import Problem

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "baocao"
KINDS = ("missing", "error", "warning")  # what an item is, in the order a letter lists them
CSV_COLUMNS = ("commune_code", "commune_name", "form", "status", "sheet", "row", "column", "where", "message",
               "action", "due")


@dataclass(frozen=True)
class Item:
    """One thing a unit must send or correct: a form missing, or one validation problem on it."""
    commune_code: str | None
    commune_name: str | None
    form: str                       # the form's name (config/forms.yml), its sheet in the template
    kind: str                       # one of KINDS
    due: dt.date                    # send by (pipelines.core.deadlines.Deadlines.asked_by)
    breakdown: str | None = None    # the row's breakdown code as typed ("M"); None: no row
    column: str | None = None       # the form's column; None: the whole row or form
    problem: Problem | None = None  # the validation problem; None for a missing form

    @property
    def order(self) -> tuple:
        names, form = list(forms()), forms()[self.form]
        row = template_row(self.form, self.breakdown) or 0
        column = form.columns.index(self.column) if self.column in form.columns else -1
        return names.index(self.form), KINDS.index(self.kind), row, column, self.breakdown or ""


@dataclass(frozen=True)
class Issuer:
    """The People's Committee that writes: the scope's unit, and the document defaults of its report
    (`report:` of baocao.yml) for its name, place and signer's title."""
    name: str                # official name of its unit ("Huyện Bình Liêu")
    period: Period
    day: dt.date             # the letters' date (`--as-of`)
    issuing_body: str = ""
    place: str = ""
    signer_title: str = ""


def template_row(form: str, code: str | None) -> int | None:
    """The row of breakdown code `code` on the form's sheet of the Excel template; None for a code
    the template has no row for (a typo stays as typed)."""
    codes = list(categories()[breakdown_column(forms()[form])])
    return FIRST_DATA_ROW + codes.index(code) if code in codes else None


def where(item: Item, lang: str) -> str:
    """`trang tính population, dòng 5 (Giới tính: M, Nam), cột D (Số trẻ em dưới 16 tuổi)`; a row whose
    code the template has not: `dòng có Giới tính là "X"`."""
    form, parts = forms()[item.form], [text.t(lang, "feedback.where.sheet", sheet=item.form)]
    if item.breakdown is not None:
        column, row = breakdown_column(form), template_row(item.form, item.breakdown)
        if row:
            label = categories()[column][item.breakdown][lang]
            parts.append(text.t(lang, "feedback.where.row", row=row, heading=heading(column), code=item.breakdown,
                                label=label))
        else:
            parts.append(text.t(lang, "feedback.where.row_as_typed", heading=heading(column), value=item.breakdown))
    if item.column in form.columns:
        letter = get_column_letter(form.columns.index(item.column) + 1)
        parts.append(text.t(lang, "feedback.where.column", letter=letter, heading=heading(item.column)))
    if len(parts) == 1:
        parts.append(text.t(lang, "feedback.where.whole"))
    return ", ".join(parts)


def what(item: Item, lang: str) -> str:
    """What is wrong: the validation message of the problem (without its place), or the form missing."""
    said = messages.Words(item.problem.key, item.problem.values).text(lang) if item.problem else \
        text.t(lang, "feedback.missing")
    return said[:1].upper() + said[1:]


@dataclass(frozen=True)
class Row:
    """An item's cells, written in a language: a row of a letter's table, of the list and its CSV."""
    commune: str
    form: str
    where: str
    kind: str
    what: str
    action: str
    due: str


def row(item: Item, lang: str) -> Row:
    """Plain text (the HTML templates escape it; the CSV takes it as it is)."""
    commune = messages.commune(item.commune_code, item.commune_name, lang) or text.t(lang, "feedback.list.no_commune")
    return Row(commune, forms()[item.form].title_vi, where(item, lang), text.t(lang, f"feedback.kind.{item.kind}"),
               what(item, lang), text.t(lang, f"feedback.action.{item.kind}"), formats.date(item.due, lang))


@functools.cache
def _environment() -> jinja2.Environment:
    """Autoescape on: a commune's name, a value typed in a cell or a message cannot break the markup."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def _css() -> Markup:
    return Markup("\n".join((TEMPLATES / name).read_text(encoding="utf-8") for name in ("report.css", "letter.css")))


def _table(lang: str) -> dict:
    heads = ("number", "commune", "form", "what", "action", "due")
    return {"head": {name: text.t(lang, f"feedback.head.{name}") for name in heads},
            "caption": text.t(lang, "feedback.caption")}


def _lower(name: str, lang: str) -> Markup:
    return header.keep_together(reference.unit_name(name, lang, "lower"))


def letter_html(issuer: Issuer, commune_code: str, commune_name: str, items: list[Item], lang: str) -> str:
    """The letter to one unit, a standalone HTML page (report.css and letter.css inline, no script)."""
    period, unit, by = str(issuer.period), _lower(commune_name, lang), _lower(issuer.name, lang)
    dates = sorted({item.due for item in items})
    request = t(lang, "feedback.request", unit=unit, issuer=by) if len(dates) > 1 else \
        t(lang, "feedback.request_by", unit=unit, issuer=by, date=formats.date(dates[0], lang))
    block = header.official_block(issuer.name, lang, t(lang, "feedback.number"), issuer.day, issuer.issuing_body,
                                  issuer.place, excerpt=t(lang, "feedback.excerpt", period=period))
    closing = _environment().get_template("sections/closing.html.j2").render(
        css=lambda *names: Markup(' class="{}"').format(" ".join(names)), t=functools.partial(t, lang),
        lines=text.t(lang, "feedback.recipients").split(";"), signer_title=issuer.signer_title,
        signer=text.t(lang, "feedback.unsigned"), on_behalf=text.t(lang, "closing.on_behalf"),
        chair=text.t(lang, "closing.chair"))
    return _environment().get_template("letter.html.j2").render(
        lang=lang, css=_css(), header=Markup(block), closing=Markup(closing), with_commune=False,
        title=t(lang, "feedback.title", unit=reference.unit_name(commune_name, lang, "lower"), period=period),
        to=t(lang, "feedback.to", unit=unit),
        intro=t(lang, "feedback.intro", period=period, date=formats.date(issuer.day, lang), issuer=by, unit=unit),
        request=request, with_due=len(dates) > 1,
        rows=[row(item, lang) for item in sorted(items, key=lambda item: item.order)], **_table(lang))


def list_html(issuer: Issuer, items: list[Item], lang: str) -> str:
    """The officer's list: every item of every unit, unit by unit, as one page."""
    rows = [row(item, lang) for item in sorted(items, key=_listed)]
    units = len({item.commune_code for item in items if item.commune_code})
    values = {"issuer": reference.unit_name(issuer.name, lang), "date": formats.date(issuer.day, lang)}
    intro = t(lang, "feedback.list.intro", count=units, **values) if rows else t(lang, "feedback.list.none", **values)
    return _environment().get_template("feedback-list.html.j2").render(
        lang=lang, css=_css(), title=t(lang, "feedback.list.title", period=str(issuer.period)), intro=intro,
        rows=rows, with_commune=True, with_due=True, **_table(lang))


def list_csv(items: list[Item], lang: str) -> str:
    """The officer's list as CSV (to filter and sort in a spreadsheet): one row per item, places as
    numbers and letters of the template, the due date as YYYY-MM-DD; every cell made formula-safe
    (pipelines.intake.csvfile: a value typed in a cell could start with `=`)."""
    lines = []
    for item in sorted(items, key=_listed):
        written, form = row(item, lang), forms()[item.form]
        column = get_column_letter(form.columns.index(item.column) + 1) if item.column in form.columns else ""
        lines.append((item.commune_code or "", item.commune_name or "", item.form, item.kind, item.form,
                      template_row(item.form, item.breakdown) or "", column, written.where, written.what,
                      written.action, item.due.isoformat()))
    return csvfile.text(lines, CSV_COLUMNS)


def _listed(item: Item) -> tuple:
    return (item.commune_code is None, item.commune_code or "", *item.order)
