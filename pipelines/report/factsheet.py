"""A commune's fact sheet: the parts of the report that differ when the unit is a commune.

A commune's report is one to two A4 pages for its chairperson: the commune's own figures, which of
its indicators are off track and where it stands among the communes of its district (province).
Definitions, input-file hashes and the side-by-side table of communes stay in the district's
(province's) report and the indicator catalogue. pipelines.report and pipelines.sections call these
functions when `ctx.level == "commune"`; the words are templates of locales/<lang>/report.yml.
"""

from __future__ import annotations

import html

import pandas as pd

from pipelines.indicators import catalogue


from pipelines.report.context import ReportContext, css_class

STATUSES = ["achieved", "on_track", "off_track", "no_data"]
OTHER_END = {"low": "high", "high": "low"}


def _e(text: object) -> str:
    return html.escape(str(text))


def standing(ctx: ReportContext, indicator_id: str) -> tuple[int, int, str]:
    """The commune's place among the communes of the period's table, counted from the bad end:
    (position, number of communes with a value, "low" or "high"). "low": higher is better, so
    position 1 is the lowest value; "high": lower is better (mortality, stunting…), position 1 is
    the highest. Equal values are ordered by unit code, so the ranking is the same on every run."""
    worst_high = catalogue.entries()[indicator_id].direction == "lower"
    t = ctx.table
    rows = t[(t["level"] == "commune") & (t["indicator_id"] == indicator_id) & t["value"].notna()]
    codes = list(rows.sort_values(["value", "unit_code"], ascending=[not worst_high, True])["unit_code"])
    return codes.index(ctx.code) + 1, len(codes), "high" if worst_high else "low"


def ordinal(ctx: ReportContext, n: int) -> str:
    """2 → '2' (vi, after 'thứ'), '2nd' (en)."""
    kind = "other" if n % 100 in (11, 12, 13) else {1: "one", 2: "two", 3: "few"}.get(n % 10, "other")
    return ctx.t(f"ordinal.{kind}", n=n)


def rank_text(ctx: ReportContext, indicator_id: str) -> str:
    """'thấp thứ 2' / '2nd lowest' ('cao …' / '… highest' where lower is better), counted from the
    nearer end: the 6th lowest of 7 is 'cao thứ 2'. Among the communes of the table's header, or
    'thấp thứ 2 trong 6 xã có số liệu' when some commune has no value."""
    position, count, end = standing(ctx, indicator_id)
    if position > (count + 1) / 2:
        position, end = count - position + 1, OTHER_END[end]
    rank = ctx.t(f"factsheet.rank.{end}" + (".first" if position == 1 else ""), position=ordinal(ctx, position))
    return rank if count == len(ctx.communes) else ctx.t("factsheet.rank.of", rank=rank, count=count)


def health_html(ctx: ReportContext, ids: list[str]) -> str:
    """II.3 in one sentence: how many health indicators are achieved, on track, off track; each value
    with its target is in the table of section III."""
    own = ctx.trend[(ctx.trend["unit_code"] == ctx.code) & ctx.trend["indicator_id"].isin(ids)]
    counts = own["status"].fillna("no_data").value_counts()
    statuses = ", ".join(f"{_e(ctx.status_word(s).lower())}: {counts[s]}" for s in STATUSES if s in counts)
    return f"""<section class="factsheet"><h3>{ctx.t("health.heading")}</h3>
<p>{ctx.t("health.summary", count=len(own), statuses=statuses)}</p></section>"""


def attention_html(ctx: ReportContext, lagging: list[str]) -> str:
    """IV. The commune's own off-track indicators, each with its value, its rank among the communes
    and the figure of the district (province), as one compact table."""
    if not lagging:
        return f"""<section class="factsheet"><h2>{ctx.t("factsheet.attention.heading")}</h2>
<p>{ctx.t('attention.none')}</p></section>"""
    rows = "".join(f'<tr><th scope="row">{_e(ctx.label(i, short=True))}</th><td class="num">{ctx.show(i)}</td>'
                   f'<td class="rank">{rank_text(ctx, i)}</td><td class="num">{ctx.show(i, ctx.aggregate_code)}</td>'
                   "</tr>" for i in lagging)
    rank = ctx.t("factsheet.rank", count=len(ctx.communes))
    aggregate = _e(ctx.unit_name(ctx.aggregate["unit_name"]))
    return f"""<section class="factsheet"><h2>{ctx.t("factsheet.attention.heading")}</h2>
<div class="table-wrap"><table><thead><tr><th scope="col">{ctx.t("table.indicator")}</th>\
<th scope="col">{_e(ctx.unit_name())}</th><th scope="col">{rank}</th><th scope="col">{aggregate}</th></tr></thead>
<tbody>{rows}</tbody></table></div></section>"""


def data_quality_html(ctx: ReportContext, warnings: pd.DataFrame) -> str:
    """Appendix with a run-in heading: the validation warnings about this commune (their message
    names it with its code, "xã Đồng Văn (06847)"), or one line saying there are none."""
    about = warnings["message"].astype(str).str.contains(f"({ctx.code})", regex=False)
    if "commune_code" in warnings:
        about |= warnings["commune_code"].astype(str) == ctx.code
    messages = list(warnings.loc[about, "message"])
    key = "quality.commune" if messages else "quality.commune.none"
    line = ctx.t(key, period=_e(ctx.period), unit=_e(ctx.unit_name(lower=True)))
    items = f'\n<ul>{"".join(f"<li>{_e(m)}</li>" for m in messages)}</ul>' if messages else ""
    return f"""<section class="factsheet appendix"><p><strong>{ctx.t("quality.heading")}.</strong> {line}</p>\
{items}</section>"""


def methodology_html(ctx: ReportContext) -> str:
    """Appendix in one paragraph with a run-in heading: where the definitions are (the indicator
    catalogue of the period) and the input files and software versions (the district's or
    province's report)."""
    aggregate = _e(ctx.unit_name(ctx.aggregate["unit_name"], lower=True))
    return f"""<section class="factsheet appendix"><p><strong>{ctx.t("method.heading")}.</strong>
{ctx.t("method.commune", period=_e(ctx.period), aggregate=aggregate)} {ctx.t("method.sample")}</p></section>"""
