"""A commune's fact sheet: the sections of notebooks/04-commune-factsheet.ipynb that differ from a
full report (notebooks/01-children-report.ipynb).

A commune's report is one to two A4 pages for its chairperson: the commune's own figures, which of
its indicators are off track and where it stands among the communes of its district (province).
Definitions, input-file hashes, trends and the side-by-side table of communes stay in the district's
(province's) report and the indicator catalogue. The fact sheet notebook calls these functions, and
pipelines.report.narrative / sections for the parts both share (sections I and II.1, the closing
block); the HTML is a template of templates/baocao/sections, the words locales/<lang>/report.yml.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
from babel import Locale
from markupsafe import Markup

from pipelines.core import formats
from pipelines.indicators import catalogue
from pipelines.report import context, disclosure, narrative, sections, templates
from pipelines.report.context import ReportContext
from pipelines.core import errors, text

STATUSES = ["achieved", "on_track", "off_track", "no_data"]
OTHER_END = {"low": "high", "high": "low"}


class NotACommune(errors.UsageError):
    """A fact sheet was asked for a district or a province, which have the full report."""


def load(period: object, unit: object, data_dir: Path | str = "data", lang: str = "vi",
         edition: str = "internal", processed_dir: Path | str = "") -> ReportContext:
    """`context.load` for a commune, or a province of the national table (one level up). A district
    or province that is the aggregate is refused with a message naming the full report: its fact
    sheet would rank it among the communes it is made of."""
    ctx = context.load(period, unit, data_dir, lang, edition, processed_dir)
    if not ctx.is_sheet:
        raise text.failure(NotACommune, "report_data.not_a_commune", name=ctx.name, code=ctx.code)
    return ctx


def standing(ctx: ReportContext, indicator_id: str) -> tuple[int, int, str]:
    """The unit's place among its peers in the period's table (a commune among the communes, a
    province among the provinces), counted from the bad end: (position, number of peers with a
    value, "low" or "high"). "low": higher is better, so
    position 1 is the lowest value; "high": lower is better (mortality, stunting…), position 1 is
    the highest. Equal values are ordered by unit code, so the ranking is the same on every run."""
    worst_high = catalogue.entries()[indicator_id].direction == "lower"
    t = ctx.table
    rows = t[(t["level"] == ctx.peer_level) & (t["indicator_id"] == indicator_id) & t["value"].notna()]
    codes = list(rows.sort_values(["value", "unit_code"], ascending=[not worst_high, True])["unit_code"])
    return codes.index(ctx.code) + 1, len(codes), "high" if worst_high else "low"


def ordinal(ctx: ReportContext, n: int) -> Markup:
    """2 → '2' (vi, after 'thứ'), '2nd' (en). Which suffix a number takes is CLDR's ordinal plural
    rule of the language (Babel: one, two, few, other), not a rule of our own; the words are the
    templates ordinal.<category> of report.yml."""
    category = Locale.parse(formats.LOCALES[ctx.lang]).ordinal_form(n)
    return templates.t(ctx.lang, f"ordinal.{category}", n=n)


def rank_text(ctx: ReportContext, indicator_id: str) -> Markup:
    """'thấp thứ 2' / '2nd lowest' ('cao …' / '… highest' where lower is better), counted from the
    nearer end: the 6th lowest of 7 is 'cao thứ 2'. Among the communes of the table's header, or
    'thấp thứ 2 trong 6 xã có số liệu' when some commune has no value."""
    position, count, end = standing(ctx, indicator_id)
    if position > (count + 1) / 2:
        position, end = count - position + 1, OTHER_END[end]
    key = f"factsheet.rank.{end}" + (".first" if position == 1 else "")
    rank = templates.t(ctx.lang, key, position=ordinal(ctx, position))
    if count == len(ctx.peers):
        return rank
    return templates.t(ctx.lang, "factsheet.rank.of", rank=rank, count=count, units=ctx.peers_word(count))


def education_html(ctx: ReportContext) -> str:
    """II.2 as sentences only: the table of a full report does not fit, and table III has the targets."""
    return templates.render("education.html.j2", ctx, rows=None)


def health_html(ctx: ReportContext, ids: list[str] = sections.HEALTH) -> str:
    """II.3 in one sentence: how many health indicators are achieved, on track, off track; each value
    with its target is in the table of section III."""
    own = ctx.trend[(ctx.trend["unit_code"] == ctx.code) & ctx.trend["indicator_id"].isin(ids)]
    counts = own["status"].fillna("no_data").value_counts()
    statuses = ", ".join(f"{ctx.status_word(s).lower()}: {counts[s]}" for s in STATUSES if s in counts)
    return templates.render("factsheet-health.html.j2", ctx, count=len(own), statuses=statuses)


def assessment_html(ctx: ReportContext) -> str:
    """III. The compact table: short labels and targets, the previous period named once in the header
    when every change is on the same one, the method in a line under the table and, as a fact sheet
    has no trend table, the note on periods re-based onto today's units."""
    previous = set(narrative.own_trend(ctx)["previous_period"].dropna())
    once = len(previous) == 1  # every change is on the same period: say it once, in the header
    t = functools.partial(templates.t, ctx.lang)
    change = t("table.change_on", year=min(previous)) if once else t("table.change")
    rebased = narrative.rebased_periods(ctx)
    if rebased:
        change += "*"  # the note under the table
    rows = narrative.assessment_rows(ctx, compact=True, with_year=not once)
    return templates.render("assessment.html.j2", ctx, rows=rows, compact=True, change=change, rebased=rebased)


def attention_html(ctx: ReportContext, lagging: list[str] | None = None) -> str:
    """IV. The commune's own off-track indicators (default: sections.lagging), each with its value,
    its rank among the communes and the figure of the district (province), as one compact table."""
    ids = sections.lagging(ctx) if lagging is None else lagging
    rows = [{"id": i, "rank": rank_text(ctx, i)} for i in ids]
    return templates.render("factsheet-attention.html.j2", ctx, rows=rows)


def data_quality_html(ctx: ReportContext, warnings: pd.DataFrame) -> str:
    """Appendix with a run-in heading: the validation warnings (sections.validation_warnings) about
    this commune (their message names it with its code, "xã Đồng Văn (06847)"), or one line saying
    there are none. The public edition counts, not details, those about a protected form
    (pipelines.report.disclosure)."""
    about = warnings["message"].astype(str).str.contains(f"({ctx.code})", regex=False)
    if ctx.members:  # a province's sheet: the warnings about any of its communes
        named = warnings["message"].astype(str).str.findall(r"\((\d{5})\)")
        about = named.map(lambda codes: bool(set(codes) & set(ctx.members))).astype(bool)
    if "commune_code" in warnings:
        about |= warnings["commune_code"].astype(str).isin([ctx.code, *ctx.members])
    shown, left_out = disclosure.warnings_shown(ctx, warnings[about])
    return templates.render("factsheet-quality.html.j2", ctx, messages=list(shown["message"]),
                            withheld=disclosure.withheld(ctx, "warnings", left_out))


def methodology_html(ctx: ReportContext) -> str:
    """Appendix in one paragraph with a run-in heading: where the definitions are (the indicator
    catalogue of the period) and the input files and software versions (the district's or
    province's report)."""
    return templates.render("factsheet-methodology.html.j2", ctx)
