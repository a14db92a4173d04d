"""The national report (scope `national`, issue 20): what differs from a district's or province's.

The ministry's report reads the same processed tables as any other (the country's row and one row
per province, each the ratio of the sums of its communes reported, pipelines.units.scope), so the
sections that speak of the report's own unit (situation, education, health, assessment, trends)
and those that break it down one level below (chart and table by unit, units needing attention:
here the provinces, `ReportContext.peers`) are the district report's. What is its own: the header
of a ministry (Decree 30/2020, issued by the ministry of the period, pipelines.report.ministry, in
Hà Nội, "Số: …/BC-BYT"), the coverage of the data against the list of units in force (provinces and
communes reported, and those missing), and the closing block signed by the minister.
"""

from __future__ import annotations

import html

import pandas as pd
from markupsafe import Markup, escape

from pipelines.core import formats
from pipelines.report import header, ministry, templates
from pipelines.report.context import ReportContext, css_class, report_date
from pipelines.units import reference


def issuing_body(ctx: ReportContext) -> str:
    """The ministry in charge of child affairs when the period ends, in capitals."""
    return html.unescape(ctx.t(f"national.ministry.{ministry.key(ctx.period)}.issuer"))


def header_html(ctx: ReportContext, number: str = "…", date: str = "", body: str = "", place: str = "") -> str:
    """The header block of a ministry's report: the ministry (or `body`), the place (Hà Nội, or
    `place`), "Số: …/BC-BYT" (the ministry's abbreviation), the title and the subject."""
    code = ctx.t(f"national.ministry.{ministry.key(ctx.period)}.code")
    number_line = Markup(ctx.t("national.header.number", number=escape(number), code=escape(code)))
    return header.official_block(ctx.name, ctx.lang, number_line, report_date(ctx.period, date),
                                 body or issuing_body(ctx), place or html.unescape(ctx.t("national.place")),
                                 header.REPORT_PT, header_class=Markup(css_class(ctx, "official-header")),
                                 title=Markup(ctx.t("header.title")),
                                 subject=Markup(ctx.t("national.header.subject", period=escape(str(ctx.period)))))


def coverage(ctx: ReportContext) -> pd.DataFrame:
    """Per province of the list in force for the period: name, communes listed, communes reported
    (those of the processed table), by province code."""
    table = reference.units(ctx.period)
    provinces = table[table["level"] == "province"].drop_duplicates("code").set_index("code")["name"]
    listed = table[table["level"] == "commune"].drop_duplicates("code")
    reported = set(ctx.communes["unit_code"])
    counts = listed.assign(reported=listed["code"].isin(reported)).groupby("province_code")["reported"].agg(["size", "sum"])
    out = pd.DataFrame({"name": provinces}).join(counts).fillna(0)
    return out.astype({"size": "int64", "sum": "int64"}).rename(columns={"size": "listed", "sum": "reported"}).sort_index()


def coverage_html(ctx: ReportContext) -> str:
    """How much of the country the figures cover: provinces and communes with data out of those of
    the list in force; the provinces without any data, and those with only part of their communes."""
    rows = coverage(ctx)
    number = lambda n: formats.number(int(n), 0, ctx.lang)  # noqa: E731 (a local formatter)
    missing = [ctx.unit_name(name) for name in rows.loc[rows["reported"] == 0, "name"]]
    partial = rows[(rows["reported"] > 0) & (rows["reported"] < rows["listed"])]
    items = [ctx.t("national.coverage.partial_item", name=escape(ctx.unit_name(r.name)), reported=number(r.reported),
                   listed=number(r.listed)) for r in partial.itertuples(index=False)]
    return templates.render("national-coverage.html.j2", ctx, provinces=number((rows["reported"] > 0).sum()),
                            provinces_listed=number(len(rows)), communes=number(rows["reported"].sum()),
                            communes_listed=number(rows["listed"].sum()), missing=missing, partial=items)


def closing_html(ctx: ReportContext, signer: str = "", signer_title: str = "", recipients: str = "") -> str:
    """Recipients and the signature block of a ministry's report: signed by the minister (no "TM."),
    sent by default to the Prime Minister and the provinces' People's Committees."""
    lines = [r.strip() for r in (recipients or ctx.t("national.closing.recipients")).split(";") if r.strip()]
    return templates.render("closing.html.j2", ctx, lines=lines, signer=signer, signer_title=signer_title,
                            on_behalf="", chair=ctx.t("national.closing.minister"))
