"""The edition a reader holds, and the breakdown tables that make the editions differ.

The internal edition, for the officials who act on it, shows every count of children by group of
Article 10 of the Law on Children and of case files by type, commune by commune. The public
edition, which may be posted or handed out, reads only `processed/<period>/public/breakdowns.parquet`
(pipelines.editions): sensitive groups with 1–4 children show "< 5" and complements "x". Reading
the public file, not hiding cells at render time, means a public report cannot leak a count the
public edition of the data does not hold. Both editions say on page 1 which edition they are.
"""

from __future__ import annotations

import html

import pandas as pd

from pipelines.core import datasets, formats, text
from pipelines.indicators import editions
from pipelines.intake import raw
from pipelines.report import templates
from pipelines.units import reference
from pipelines.report.context import ReportContext


def _e(value: object) -> str:
    return html.escape(str(value))


def edition_note_html(ctx: ReportContext) -> str:
    """One line under the title: which edition this is and what it may be used for."""
    return f'<p class="edition-note edition-{ctx.edition}">{_e(text.t(ctx.lang, f"edition.note.{ctx.edition}"))}</p>'


def read_breakdowns(ctx: ReportContext) -> pd.DataFrame:
    """The breakdown counts of the report's edition, with the text each cell shows (`display`)."""
    edition = ctx.edition
    path = datasets.in_folder(ctx.processed, datasets.BREAKDOWNS, edition)
    if edition == "public":
        return pd.read_parquet(path)
    table = pd.read_parquet(path)
    return table.assign(display=table["count"].astype(str), suppressed=False)


def _table(ctx: ReportContext, part: pd.DataFrame, column: str, caption: str) -> str:
    labels = raw.categories()[column]
    units = [*ctx.communes["unit_code"], ctx.aggregate_code]
    names = [reference.short_name(n) for n in ctx.communes["unit_name"]] + [text.t(ctx.lang, "edition.total")]
    cells = part.set_index(["unit_code", "code"])["display"]
    head = "".join(f'<th scope="col">{_e(name)}</th>' for name in names)
    rows = []
    for code, label in labels.items():
        values = "".join(f'<td class="num">{_e(_shown(cells.get((u, code)), ctx.lang))}</td>' for u in units)
        rows.append(f'<tr><th scope="row">{_e(label[ctx.lang])}</th>{values}</tr>')
    return (f'{templates.table_box(caption)}<table class="breakdown"><caption>{_e(caption)}</caption>'
            f'<thead><tr><th scope="col">{_e(text.t(ctx.lang, "edition.group"))}</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _shown(display: object, lang: str) -> str:
    """A count in the reader's number format; the public edition's "< 5" and "x" as they are."""
    if display is None or pd.isna(display):
        return formats.MISSING
    return formats.number(int(display), 0, lang) if str(display).isdigit() else str(display)


def breakdown_html(ctx: ReportContext) -> str:
    """Appendix of a district or province report: each breakdown by commune; a commune's fact
    sheet has no room for it and returns nothing."""
    if ctx.is_sheet:
        return ""
    table = read_breakdowns(ctx)
    tables = []
    for form, measure, column, _ in editions.BREAKDOWNS:
        part = table[(table["form"] == form) & (table["measure"] == measure)]
        if not part.empty:
            caption = text.t(ctx.lang, f"edition.caption.{form}", period=ctx.period)
            tables.append(_table(ctx, part, column, caption))
    note = text.t(ctx.lang, f"edition.explain.{ctx.edition}")
    return (f'<section><h2>{_e(text.t(ctx.lang, "edition.heading", unit=ctx.communes_word(1)))}</h2>{"".join(tables)}'
            f'<p class="note">{_e(note)}</p></section>')
