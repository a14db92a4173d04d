"""What a full report says, section by section: header, I, II, III and the trend table.

The report notebook is thin: it calls `context.load` and the section functions here and displays
what they return. Every word is a template of pipelines/locales/<lang>/report.yml (pipelines.text):
the templates are HTML, and the values put into them are escaped (or are figures already wrapped by
`ReportContext.show`). A commune gets a one-to-two-page fact sheet instead (pipelines.factsheet).
"""

from __future__ import annotations

import html

import pandas as pd

from pipelines.core import formats, settings
from pipelines.indicators import catalogue
from pipelines.units import reference
from pipelines.report.context import ReportContext, css_class, report_date

EDUCATION = ["net_enrolment_preschool", "net_enrolment_primary", "net_enrolment_lower_secondary",
             "net_enrolment_upper_secondary", "national_standard_schools_share", "two_sessions_share"]
CHANGE_UNITS = {"%": "percent", "‰": "per_mille", "/100.000": "per_100000", "trẻ": "children", "hồ sơ": "files",
                "đồng": "money"}



def _e(value: object) -> str:
    return html.escape(str(value))


def header_html(ctx: ReportContext, number: str = "…", date: str = "", issuing_body: str = "",
                place: str = "") -> str:
    """The header block of Decree 30/2020/NĐ-CP: issuing body and national motto, number, date, title.
    By default the People's Committee of the unit (its own name says its level) and the unit's place name."""
    body = _e(issuing_body) if issuing_body else ctx.t("header.issuer", unit=_e(ctx.unit_name().upper()))
    place = place or reference.short_name(ctx.name)
    subject = ctx.t("header.subject", period=_e(ctx.period), unit=_e(ctx.unit_name(lower=True)))
    return f"""<header{css_class(ctx, "official-header")}>
<table class="header-block" role="presentation"><tr>
<td class="issuer"><p class="issuer-name">{body}</p><p class="doc-number">{ctx.t("header.number", number=_e(number))}</p></td>
<td class="motto"><p class="nation">{ctx.t("header.nation")}</p><p class="motto-line">{ctx.t("header.motto")}</p>
<p class="date-line"><em>{_e(formats.date_line(place, report_date(ctx.period, date), ctx.lang))}</em></p></td>
</tr></table>
<h1 class="doc-title">{ctx.t("header.title")} <br><span class="subject">{subject}</span></h1>
</header>"""


def general_situation_html(ctx: ReportContext) -> str:
    """I. General situation: children by age and ethnicity."""
    names = [ctx.unit_name(n) for n in ctx.communes["unit_name"]]
    where = ctx.t(f"general.where.{ctx.level}", count=len(names), names=_e(", ".join(names)),
                  unit=_e(ctx.unit_name(lower=True)))
    sentence = ctx.t("general.sentence", where=where, children=ctx.show("children_under_16"),
                     minority=ctx.show("children_ethnic_minority"), share=ctx.show("ethnic_minority_share"),
                     under6=ctx.show("children_under_6"))
    return f"""<section{css_class(ctx)}><h2>{ctx.t("general.heading")}</h2>
<p>{sentence}</p></section>"""


def protection_html(ctx: ReportContext) -> str:
    """II.1 Protection, support and sponsorship."""
    circumstances = ctx.t("protection.circumstances", total=ctx.show("children_special_or_difficult"),
                          special=ctx.show("children_special_circumstances"),
                          share=ctx.show("special_circumstances_share"),
                          share_target=ctx.target("special_circumstances_share"),
                          supported=ctx.show("special_circumstances_supported_share"),
                          supported_target=ctx.target("special_circumstances_supported_share"))
    sponsorship = ctx.t("protection.sponsorship", sponsored=ctx.show("children_sponsored"),
                        coverage=ctx.show("sponsorship_coverage"), gifts=ctx.show("childrens_day_support_value"))
    received, handled = (_e(formats.number(ctx.row(i)["numerator"], 0, ctx.lang))
                         for i in ("case_files_received", "case_files_handled_share"))
    cases = ctx.t("protection.cases", received=received, handled=handled, share=ctx.show("case_files_handled_share"))
    heading, subheading = ctx.t("protection.heading"), ctx.t("protection.subheading")
    return f"""<section{css_class(ctx)}><h2>{heading}</h2><h3>{subheading}</h3>
<p>{circumstances}</p>
<p>{sponsorship}</p>
<p>{cases}</p></section>"""


def _status(ctx: ReportContext, indicator_id: str) -> str:
    target = catalogue.entries()[indicator_id].target_for(ctx.year)
    value = ctx.value(indicator_id)
    if target is None or pd.isna(value):
        return "–"
    return ctx.t("status.met" if target.met_by(value) else "status.not_met")


def education_html(ctx: ReportContext) -> str:
    """II.2 Education against the targets, as sentences and (not in a commune's fact sheet) a table."""
    sentence = ctx.t("education.sentence", primary=ctx.show("net_enrolment_primary"),
                     lower_secondary=ctx.show("net_enrolment_lower_secondary"),
                     upper_secondary=ctx.show("net_enrolment_upper_secondary"),
                     schools=ctx.show("national_standard_schools_share"), two_sessions=ctx.show("two_sessions_share"))
    rows = "".join(
        f"<tr><th scope=\"row\">{_e(ctx.label(i))}</th><td class=\"num\">{ctx.show(i)}</td>"
        f"<td>{ctx.target(i) or '–'}</td><td>{_status(ctx, i)}</td></tr>" for i in EDUCATION)
    year = ctx.t("table.year", period=_e(ctx.period))
    table = "" if ctx.level == "commune" else f"""
<div class="table-wrap"><table><caption>{ctx.t("education.caption")}</caption>
<thead><tr><th scope="col">{ctx.t("table.indicator")}</th><th scope="col">{year}</th><th scope="col">{ctx.t("table.target")}</th>
<th scope="col">{ctx.t("table.status")}</th></tr></thead><tbody>{rows}</tbody></table></div>"""
    return f"""<section{css_class(ctx)}><h3>{ctx.t("education.heading")}</h3>
<p>{sentence}</p>{table}</section>"""


def change_text(ctx: ReportContext, row: pd.Series, unit: str, with_year: bool = True) -> str:
    """`+0,1 điểm % so với 2023`: the change on the previous period, or – without one."""
    if pd.isna(row["previous_value"]):
        return "–"
    digits = 0 if unit not in ("%", "‰", "/100.000") else 1
    change = float(formats.round_half_up(row["change"], digits))  # the sign of what is shown: −0,04 is ±0,0
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    points = ctx.t(f"change.unit.{CHANGE_UNITS[unit]}") if unit in CHANGE_UNITS else _e(unit)
    return ctx.t("change.text" if with_year else "change.compact", sign=sign,
                 value=_e(formats.number(abs(change), digits, ctx.lang)), unit=points, year=row["previous_year"])


def assessment_html(ctx: ReportContext) -> str:
    """III. Every indicator with a target: value, change on the previous period, target, status.
    A commune's fact sheet has the compact table: short labels, the previous period named once."""
    own = ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")
    compact = ctx.level == "commune"
    previous = set(own["previous_year"].dropna())
    once = compact and len(previous) == 1  # every change is on the same period: say it in the header
    rows = []
    for ind in catalogue.entries().values():
        if not ind.targets or ind.id not in own.index:
            continue
        row = own.loc[ind.id]
        rows.append(f"<tr><th scope=\"row\">{_e(ctx.label(ind.id, compact))}</th>"
                    f"<td class=\"num\">{ctx.show(ind.id)}</td>"
                    f"<td>{change_text(ctx, row, ind.unit, not once)}</td><td>{ctx.target(ind.id, compact)}</td>"
                    f"<td class=\"status status-{_e(row['status'])}\">{_e(ctx.status_word(row['status']))}</td></tr>")
    year = ctx.t("table.year", period=_e(ctx.period))
    change = ctx.t("table.change_on", year=min(previous)) if once else ctx.t("table.change")
    if compact:  # the method in one line under the table; no caption, the heading says it
        intro, caption, note = "", "", f'<p class="note">{ctx.t("factsheet.method")}</p>'
        rebased = _rebased_periods(ctx)  # a fact sheet has no trend table to carry the re-basing note
        if rebased:
            change += "*"
            note += f'<p class="note">{ctx.t("trend.rebased", periods=", ".join(rebased))}</p>'
    else:
        intro = f'<p>{ctx.t("assessment.method")}</p>\n'
        caption, note = f'<caption>{ctx.t("assessment.caption", period=_e(ctx.period))}</caption>', ""
    return f"""<section{css_class(ctx)}><h2>{ctx.t("assessment.heading")}</h2>
{intro}<div class="table-wrap"><table>{caption}
<thead><tr><th scope="col">{ctx.t("table.indicator")}</th><th scope="col">{year}</th><th scope="col">{change}</th>
<th scope="col">{ctx.t("table.target")}</th><th scope="col">{ctx.t("table.status")}</th></tr></thead>\
<tbody>{''.join(rows)}</tbody></table></div>{note}</section>"""


def _rebased_periods(ctx: ReportContext) -> list[str]:
    """Earlier periods whose figures for the unit were re-based onto today's units (2025 reform)."""
    own = ctx.history[ctx.history["unit_code"] == ctx.code]
    return sorted(set(own.loc[own["rebased"], "period"]))


def trend_html(ctx: ReportContext) -> str:
    """Key indicators of the unit over every period; periods re-based onto today's units are marked.
    Not in a commune's fact sheet (its table III gives the change on the previous period)."""
    if ctx.level == "commune":
        return ""
    own = ctx.history[ctx.history["unit_code"] == ctx.code]
    periods = sorted(set(own["period"]))
    rebased = set(_rebased_periods(ctx))
    head = "".join(f'<th scope="col">{_e(p)}{"*" if p in rebased else ""}</th>' for p in periods)
    rows = []
    for indicator_id in settings.load("project.yml")["key_indicators"]:
        values = own[own["indicator_id"] == indicator_id].set_index("period")["value"]
        unit = catalogue.entries()[indicator_id].unit
        cells = "".join(f'<td class="num">{_e(ctx.fmt(values.get(p), unit))}</td>' for p in periods)
        rows.append(f'<tr><th scope="row">{_e(ctx.label(indicator_id))}</th>{cells}</tr>')
    note = f'<p class="note">{ctx.t("trend.rebased", periods=_e(", ".join(sorted(rebased))))}</p>' if rebased else ""
    return f"""<section><h3>{ctx.t("trend.heading")}</h3><div class="table-wrap"><table>
<caption>{ctx.t("trend.caption", unit=_e(ctx.unit_name()))}</caption>
<thead><tr><th scope="col">{ctx.t("table.indicator")}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>\
{note}</section>"""
