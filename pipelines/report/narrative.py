"""What a full report says, section by section: I, II, III and the trend table (the header block
of Decree 30 is pipelines.report.header).

The report notebook (01) is thin: it calls `context.load` and the section functions here and
displays what they return. A function works out what its section says; the HTML is its Jinja2
template in templates/baocao/sections (pipelines.report.templates, autoescaped) and every word a
template of locales/<lang>/report.yml. A commune's fact sheet (notebook 04, pipelines.report.factsheet)
shares sections I and II.1 and the rows of table III with this module.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup

from pipelines.core import formats, settings
from pipelines.indicators import catalogue
from pipelines.report import templates
from pipelines.report.context import ReportContext
from pipelines.units import types

EDUCATION = ["net_enrolment_preschool", "net_enrolment_primary", "net_enrolment_lower_secondary",
             "net_enrolment_upper_secondary", "national_standard_schools_share", "two_sessions_share"]
# The catalogue's unit (indicators.yml `unit`, data as written there) → its key in change.<unit>.
CHANGE_UNITS = {"%": "percent", "‰": "per_mille", "/100.000": "per_100000", "trẻ": "children", "hồ sơ": "files",
                "đồng": "money"}


def general_situation_html(ctx: ReportContext) -> str:
    """I. General situation: children by age and ethnicity, where ("Toàn quận", "Trên địa bàn 8 phường");
    then, when the run recorded it, how many of the units expected reported (`coverage_line`)."""
    names = ctx.communes["unit_name"]
    where = "province_sheet" if ctx.members else ctx.level  # a province of the country: its communes not named
    style = "plain" if where in ("national", "province_sheet") else "inline"
    return templates.render("general.html.j2", ctx, names=[ctx.unit_name(n) for n in names], where="general.where." + where,
                            units=types.counted(ctx.lang, names, "commune", style), coverage=coverage_line(ctx))


def coverage_line(ctx: ReportContext) -> str:
    """"Số liệu kỳ này: 7/8 phường; chưa có số liệu: Phường An Bình" (all in: "8/8 phường (đủ số
    liệu)"), in a report on an aggregate whose run recorded who reported; "" otherwise (a fact sheet,
    a deployment without deadlines). Names and counts of units only: nothing a public edition hides."""
    reporting = ctx.reporting
    if reporting is None or ctx.level == "commune" or ctx.members:  # not a province sheet of the country
        return ""
    names = [name for _, name in reporting.expected]
    share = ctx.t("coverage.share", reported=formats.number(reporting.reported, 0, ctx.lang),
                  expected=formats.number(len(names), 0, ctx.lang),
                  units=types.set_noun(ctx.lang, names, "commune", len(names)))
    if reporting.complete:
        return ctx.t("coverage.complete", share=share)
    return ctx.t("coverage.missing", share=share, names=", ".join(ctx.unit_name(name) for _, name in reporting.missing))


def same_units_note(ctx: ReportContext) -> str:
    """Under the trend of an incomplete aggregate: earlier periods are recomputed on the units that
    reported this period (pipelines.indicators.history says why), and the reader is told so."""
    if not ctx.incomplete:
        return ""
    return ctx.t("coverage.same_units", units=types.counted(ctx.lang, ctx.communes["unit_name"], "commune", "plain"))


def protection_html(ctx: ReportContext) -> str:
    """II.1 Protection, support and sponsorship."""
    received, handled = (formats.number(ctx.row(i)["numerator"], 0, ctx.lang)
                         for i in ("case_files_received", "case_files_handled_share"))
    return templates.render("protection.html.j2", ctx, received=received, handled=handled)


def _status(ctx: ReportContext, indicator_id: str) -> str:
    target = ctx.target_of(indicator_id)
    value = ctx.value(indicator_id)
    if target is None or pd.isna(value):
        return "–"
    return ctx.t("status.met" if target.met_by(value) else "status.not_met")


def education_html(ctx: ReportContext) -> str:
    """II.2 Education against the targets, as sentences and a table."""
    rows = [{"id": i, "status": _status(ctx, i)} for i in EDUCATION]
    return templates.render("education.html.j2", ctx, rows=rows)


def change_text(ctx: ReportContext, row: pd.Series, unit: str, with_year: bool = True) -> Markup:
    """`+0,1 điểm % so với 2023` (HTML): the change on the previous period, or – without one."""
    if pd.isna(row["previous_value"]):
        return Markup("–")
    digits = 0 if unit not in ("%", "‰", "/100.000") else 1
    change = float(formats.round_half_up(row["change"], digits))  # the sign of what is shown: −0,04 is ±0,0
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    points = templates.t(ctx.lang, f"change.unit.{CHANGE_UNITS[unit]}") if unit in CHANGE_UNITS else unit
    return templates.t(ctx.lang, "change.text" if with_year else "change.compact", sign=sign,
                       value=formats.number(abs(change), digits, ctx.lang), unit=points,
                       year=row["previous_period"])


def own_trend(ctx: ReportContext) -> pd.DataFrame:
    """The unit's rows of the trend table (change and progress status), by indicator."""
    return ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")


def assessment_rows(ctx: ReportContext, compact: bool = False, with_year: bool = True) -> list[dict]:
    """The rows of table III, in catalogue order: every indicator of the unit with a target. `compact`
    (a fact sheet): short labels and targets; `with_year=False`: the change without its period."""
    own = own_trend(ctx)
    rows = []
    for ind in catalogue.entries().values():
        if ind.id not in own.index or ctx.target_of(ind.id) is None:
            continue
        row = own.loc[ind.id]
        rows.append({"id": ind.id, "label": ctx.label(ind.id, compact),
                     "change": change_text(ctx, row, ind.unit, with_year),
                     "target": Markup(ctx.target(ind.id, compact)), "status": row["status"],
                     "status_word": ctx.status_word(row["status"])})
    return rows


def assessment_html(ctx: ReportContext) -> str:
    """III. Every indicator with a target: value, change on the previous period, target, status."""
    return templates.render("assessment.html.j2", ctx, rows=assessment_rows(ctx), compact=False,
                            change=templates.t(ctx.lang, "table.change"), rebased=[])


def rebased_periods(ctx: ReportContext) -> list[str]:
    """Earlier periods whose figures for the unit were re-based onto today's units (2025 reform)."""
    own = ctx.history[ctx.history["unit_code"] == ctx.code]
    return sorted(set(own.loc[own["rebased"], "period"]))


def trend_html(ctx: ReportContext) -> str:
    """Key indicators of the unit over every period; periods re-based onto today's units are marked."""
    own = ctx.history[ctx.history["unit_code"] == ctx.code]
    periods = sorted(set(own["period"]))
    rows = []
    for indicator_id in settings.load("project.yml")["key_indicators"]:
        values = own[own["indicator_id"] == indicator_id].set_index("period")["value"]
        unit = catalogue.entries()[indicator_id].unit
        rows.append({"id": indicator_id, "values": [ctx.fmt(values.get(p), unit) for p in periods]})
    return templates.render("trend.html.j2", ctx, periods=periods, rebased=rebased_periods(ctx), rows=rows,
                            same_units=same_units_note(ctx))
