"""What a report says: the figures of one unit for one period, as HTML fragments in its language.

The report notebook is thin: it calls `load` and the section functions here and displays what they
return. Every figure comes from the processed indicator table (numerator, denominator, factor),
never from text, and is formatted for the report's language by pipelines.vi. Every word is a
template of pipelines/locales/<lang>/report.yml (pipelines.text): the templates are HTML, and the
values put into them are escaped (or are figures already wrapped by `ReportContext.show`).
A commune gets a one-to-two-page fact sheet instead of the full report (pipelines.factsheet).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import indicators, reference, settings, text, trends, vi
from pipelines.factsheet import css_class
# The appendices live in pipelines.sections; the notebook calls them here, with the other parts.
from pipelines.sections import commune_table_html, data_quality_html, methodology_html  # noqa: F401

EDUCATION = ["net_enrolment_preschool", "net_enrolment_primary", "net_enrolment_lower_secondary",
             "net_enrolment_upper_secondary", "national_standard_schools_share", "two_sessions_share"]
EDITIONS = ("internal", "public")


def check_edition(edition: str) -> str:
    if edition not in EDITIONS:
        raise ValueError(f"ấn bản '{edition}' không có; dùng: {', '.join(EDITIONS)}")
    return edition


# Level words that start a unit's name, and the key of its translation (unit.<level> in report.yml).
LEVEL_WORDS = {"Thị trấn ": "township", "Xã ": "commune", "Phường ": "ward", "Huyện ": "district",
               "Thị xã ": "town", "Thành phố ": "city", "Quận ": "urban_district", "Tỉnh ": "province"}
STATUS_WORDS = {"vi": trends.STATUS_VI, "en": trends.STATUS_EN}
CHANGE_UNITS = {"%": "percent", "‰": "per_mille", "/100.000": "per_100000", "trẻ": "children", "hồ sơ": "files",
                "đồng": "money"}


class UnitNotInData(ValueError):
    """The unit asked for is not covered by the period's processed data."""


def processed_path(data_dir: Path | str, period: str) -> Path:
    return Path(data_dir) / "processed" / period / "indicators.parquet"


def read_indicators(data_dir: Path | str, period: str) -> pd.DataFrame:
    path = processed_path(data_dir, period)
    if not path.is_file():
        raise FileNotFoundError(f"chưa có số liệu đã xử lý cho kỳ {period} ({path}); chạy: baocao run --period {period}")
    return pd.read_parquet(path)


def resolve_unit(unit: object, codes: list[str]) -> str:
    """The unit code as text. papermill's `-p unit 06847` arrives as the int 6847: pad it to a
    province (2), district (3) or commune (5) code and keep the one the period's data covers."""
    text = str(unit).strip()
    if text in codes:
        return text
    candidates = sorted({text.zfill(width) for width in (2, 3, 5)} & set(codes)) if text.isdigit() else []
    if len(candidates) != 1:
        raise UnitNotInData(f"đơn vị '{text}' không có trong số liệu của kỳ này; các mã có: {', '.join(sorted(codes))}"
                            + (" (mã mơ hồ: truyền dưới dạng chuỗi, ví dụ -r unit 06847)" if candidates else ""))
    return candidates[0]


def unit_name(name: str, lang: str = "vi", lower: bool = False) -> str:
    """A unit's name in `lang`: the proper name stays, the level word is translated ("Huyện Bình Liêu"
    → "Bình Liêu District"); `lower` gives the form used inside a sentence ("huyện Bình Liêu")."""
    for prefix, level in LEVEL_WORDS.items():
        if name.startswith(prefix):
            return text.t(lang, f"unit.{level}" + (".lower" if lower else ""), name=name[len(prefix):])
    return name


def _e(value: object) -> str:
    return html.escape(str(value))


@dataclass(frozen=True)
class ReportContext:
    period: str
    level: str
    code: str
    name: str
    table: pd.DataFrame       # every indicator of every unit of the period
    aggregate_code: str      # the district (or province) the communes add up to
    trend: pd.DataFrame      # change on the previous period and progress status (pipelines.trends)
    history: pd.DataFrame    # every indicator of every period up to this one (`rebased` before a reform)
    lang: str = "vi"          # language of what the reader sees (pipelines.text)
    edition: str = "internal"  # internal: every count; public: small sensitive counts suppressed

    @property
    def year(self) -> int:
        return int(self.period[:4])

    def row(self, indicator_id: str, code: str | None = None) -> pd.Series:
        t = self.table
        return t[(t["indicator_id"] == indicator_id) & (t["unit_code"] == (code or self.code))].iloc[0]

    def value(self, indicator_id: str, code: str | None = None) -> float:
        return float(self.row(indicator_id, code)["value"])

    def t(self, key: str, **values: object) -> str:
        """The template `key` of the report's language, filled with `values` (pipelines.text)."""
        return text.t(self.lang, key, **values)

    def fmt(self, value: object, unit: str) -> str:
        return vi.value_with_unit(value, unit, self.lang)

    def show(self, indicator_id: str, code: str | None = None) -> str:
        """The formatted figure as HTML, kept on one line ("95,0 %" never breaks before "%")."""
        figure = self.fmt(self.value(indicator_id, code), indicators.catalogue()[indicator_id].unit)
        return f'<span class="figure">{_e(figure)}</span>'

    def label(self, indicator_id: str, short: bool = False) -> str:
        """The indicator's name from the catalogue in the report's language; `short`: its short label
        (short_vi / short_en) where the catalogue has one."""
        ind = indicators.catalogue()[indicator_id]
        name = getattr(ind, f"name_{self.lang}")
        return (getattr(ind, f"short_{self.lang}", None) or name) if short else name

    def unit_name(self, name: str | None = None, lower: bool = False) -> str:
        return unit_name(self.name if name is None else name, self.lang, lower)

    def status_word(self, status: object) -> str:
        return "–" if pd.isna(status) else STATUS_WORDS[self.lang].get(status, "–")

    def target(self, indicator_id: str, compact: bool = False) -> str:
        """`mục tiêu năm 2025: dưới 6,5 %` (compact, for a fact sheet's table: `dưới 6,5 % (2025)`): the
        target in force for the period, or ""."""
        ind = indicators.catalogue()[indicator_id]
        target = ind.target_for(self.year)
        if target is None:
            return ""
        key = ("target.compact." if compact else "target.") + ("below" if target.comparison == "<" else "at_least")
        return self.t(key, year=target.year, value=_e(self.fmt(target.value, ind.unit)))

    @property
    def aggregate(self) -> pd.Series:
        """The first row of the district (or province) the communes add up to: its name and level."""
        return self.table[self.table["unit_code"] == self.aggregate_code].iloc[0]

    @property
    def communes(self) -> pd.DataFrame:
        t = self.table
        return t[t["level"] == "commune"][["unit_code", "unit_name"]].drop_duplicates().sort_values("unit_code")


def load(period: object, unit: object, data_dir: Path | str = "data", lang: str = "vi",
         edition: str = "internal") -> ReportContext:
    """Everything a report on `unit` for `period` needs, read through pipelines."""
    period = reference.normalise_period(period)
    table = read_indicators(data_dir, period)
    codes = sorted(set(table["unit_code"]))
    code = resolve_unit(unit, codes)
    own = table[table["unit_code"] == code].iloc[0]
    aggregate = table[table["level"] != "commune"]["unit_code"].iloc[0]
    trend = pd.read_parquet(processed_path(data_dir, period).with_name("trends.parquet"))
    history = pd.read_parquet(processed_path(data_dir, period).with_name("history.parquet"))
    check_edition(edition)
    return ReportContext(period, str(own["level"]), code, str(own["unit_name"]), table, str(aggregate), trend,
                         history, text.check_lang(lang), edition)


def report_date(period: str, date: str = "") -> dt.date:
    """The date on the report: given as YYYY-MM-DD, or by default the 5th day after the period
    ends (a fixed date, so the same inputs always give the same report)."""
    return dt.date.fromisoformat(date) if date else reference.period_end(period) + dt.timedelta(days=5)


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
<p class="date-line"><em>{_e(vi.date_line(place, report_date(ctx.period, date), ctx.lang))}</em></p></td>
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
    received, handled = (_e(vi.number(ctx.row(i)["numerator"], 0, ctx.lang))
                         for i in ("case_files_received", "case_files_handled_share"))
    cases = ctx.t("protection.cases", received=received, handled=handled, share=ctx.show("case_files_handled_share"))
    heading, subheading = ctx.t("protection.heading"), ctx.t("protection.subheading")
    return f"""<section{css_class(ctx)}><h2>{heading}</h2><h3>{subheading}</h3>
<p>{circumstances}</p>
<p>{sponsorship}</p>
<p>{cases}</p></section>"""


def _status(ctx: ReportContext, indicator_id: str) -> str:
    target = indicators.catalogue()[indicator_id].target_for(ctx.year)
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
    change = float(vi.round_half_up(row["change"], digits))  # the sign of what is shown: −0,04 is ±0,0
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    points = ctx.t(f"change.unit.{CHANGE_UNITS[unit]}") if unit in CHANGE_UNITS else _e(unit)
    return ctx.t("change.text" if with_year else "change.compact", sign=sign,
                 value=_e(vi.number(abs(change), digits, ctx.lang)), unit=points, year=row["previous_year"])


def assessment_html(ctx: ReportContext) -> str:
    """III. Every indicator with a target: value, change on the previous period, target, status.
    A commune's fact sheet has the compact table: short labels, the previous period named once."""
    own = ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")
    compact = ctx.level == "commune"
    previous = set(own["previous_year"].dropna())
    once = compact and len(previous) == 1  # every change is on the same period: say it in the header
    rows = []
    for ind in indicators.catalogue().values():
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
        unit = indicators.catalogue()[indicator_id].unit
        cells = "".join(f'<td class="num">{_e(ctx.fmt(values.get(p), unit))}</td>' for p in periods)
        rows.append(f'<tr><th scope="row">{_e(ctx.label(indicator_id))}</th>{cells}</tr>')
    note = f'<p class="note">{ctx.t("trend.rebased", periods=_e(", ".join(sorted(rebased))))}</p>' if rebased else ""
    return f"""<section><h3>{ctx.t("trend.heading")}</h3><div class="table-wrap"><table>
<caption>{ctx.t("trend.caption", unit=_e(ctx.unit_name()))}</caption>
<thead><tr><th scope="col">{ctx.t("table.indicator")}</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>\
{note}</section>"""
