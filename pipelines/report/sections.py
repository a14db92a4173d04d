"""Report sections beyond the opening ones: health results, communes needing attention, the
closing block (signature and recipients, "Nơi nhận") of Decree 30/2020/NĐ-CP, and the appendices
(communes side by side, data quality, methods; the notebook calls these as report.*).

Like pipelines.report, every figure is read from the processed indicators, never typed in, and
every word is a template of pipelines/locales/<lang>/report.yml. A commune's fact sheet gets the
compact variants of pipelines.factsheet.
"""

from __future__ import annotations

import html
from importlib import metadata
from pathlib import Path

import pandas as pd

from pipelines.indicators import catalogue
from pipelines.report import definitions, factsheet
from pipelines.report.context import ReportContext, css_class


SOFTWARE = ["baocao-treem-binhlieu", "great-expectations", "pandas", "papermill", "nbconvert", "matplotlib",
            "weasyprint", "vietnamadminunits", "fontpkg-noto-serif"]
COMMUNE_TABLE = ["children_under_16", "ethnic_minority_share", "children_under_6", "children_special_or_difficult",
                 "sponsorship_coverage", "net_enrolment_primary", "net_enrolment_lower_secondary",
                 "national_standard_schools_share"]

HEALTH = ["birth_registration_under_5", "full_vaccination_under_1", "underweight_under_5", "stunting_under_5",
          "under_5_mortality", "under_1_mortality", "child_injuries", "kindergarten_age_5"]


def _e(text: object) -> str:
    return html.escape(str(text))


def health_html(ctx: ReportContext) -> str:
    """II.3 Health: one sentence per indicator with its target (a commune: one compact paragraph)."""
    if ctx.level == "commune":
        return factsheet.health_html(ctx, HEALTH)
    items = "".join(f"<li>{ctx.t('health.item', name=_e(ctx.label(i)), value=ctx.show(i), target=ctx.target(i))}</li>"
                    for i in HEALTH)
    return f"""<section><h3>{ctx.t("health.heading")}</h3><ul>{items}</ul></section>"""


def lagging(ctx: ReportContext) -> list[str]:
    """Indicators of the unit that are off track (catalogue order)."""
    own = ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")
    off = set(own.index[own["status"].fillna("") == "off_track"])
    return [i for i in catalogue.entries() if i in off]


def attention_html(ctx: ReportContext, per_indicator: int = 2) -> str:
    """IV. For each lagging indicator, the communes furthest behind (lowest, or highest where
    lower is better). A commune: its own lagging indicators and its place among the communes."""
    if ctx.level == "commune":
        return factsheet.attention_html(ctx, lagging(ctx))
    cat = catalogue.entries()
    table = ctx.table[ctx.table["level"] == "commune"]
    status = _e(ctx.status_word("off_track").lower())
    items = []
    for indicator_id in lagging(ctx):
        rows = table[(table["indicator_id"] == indicator_id) & table["value"].notna()]
        ascending = cat[indicator_id].direction != "lower"
        worst = rows.sort_values(["value", "unit_code"], ascending=[ascending, True]).head(per_indicator)
        names = "; ".join(ctx.t("attention.commune", unit=_e(ctx.unit_name(n, lower=True)),
                                value=ctx.show(indicator_id, c)) for c, n in zip(worst["unit_code"], worst["unit_name"]))
        item = ctx.t("attention.item", name=_e(ctx.label(indicator_id)), value=ctx.show(indicator_id), status=status,
                     communes=names)
        items.append(f"<li>{item}</li>")
    body = f"<ul>{''.join(items)}</ul>" if items else f"<p>{ctx.t('attention.none')}</p>"
    return f"""<section><h2>{ctx.t("attention.heading")}</h2>
<p>{ctx.t("attention.intro")}</p>
{body}</section>"""


def closing_html(ctx: ReportContext, signer: str = "", signer_title: str = "", recipients: str = "") -> str:
    """Recipients on the left, the signature block on the right, as Decree 30 lays them out. An
    empty `signer_title` is the chairperson (CHỦ TỊCH); by default the report goes to the level
    above (a commune: its district, or its province from the 2025 reform on)."""
    above = {"commune": str(ctx.aggregate["level"]), "district": "province", "province": "ministry"}[ctx.level]
    default = ctx.t("closing.default_recipients", superior=ctx.t(f"closing.superior.{above}"))
    lines = [r.strip() for r in (recipients or default).split(";") if r.strip()]
    body = "".join(f"<li>- {_e(line)};</li>" if n < len(lines) - 1 else f"<li>- {_e(line)}.</li>"
                   for n, line in enumerate(lines))
    return f"""<footer{css_class(ctx, "closing")}><table class="header-block" role="presentation"><tr>
<td class="recipients"><p><strong><em>{ctx.t("closing.recipients")}</em></strong></p><ul class="recipients">{body}</ul></td>
<td class="signature"><p class="nation">{ctx.t("closing.on_behalf")}<br>{_e(signer_title or ctx.t("closing.chair"))}</p>
<p class="signer">{_e(signer) if signer else ctx.t("closing.signed")}</p></td></tr></table></footer>"""


def commune_table_html(ctx: ReportContext) -> str:
    """Appendix: every commune of the unit side by side, then the aggregate (ratio of sums).
    Empty in a commune's fact sheet."""
    if ctx.level == "commune":
        return ""
    head = "".join(f'<th scope="col" title="{_e(ctx.label(i))}">{_e(ctx.label(i, short=True))}</th>'
                   for i in COMMUNE_TABLE)
    body = []
    for code, name in [*ctx.communes.itertuples(index=False, name=None), (ctx.aggregate_code, None)]:
        label = ctx.unit_name(name or ctx.row(COMMUNE_TABLE[0], code)["unit_name"])
        cls = ' class="total"' if name is None else (' class="current"' if code == ctx.code else "")
        cells = "".join(f'<td class="num">{ctx.show(i, code)}</td>' for i in COMMUNE_TABLE)
        body.append(f'<tr{cls}><th scope="row">{_e(label)}</th>{cells}</tr>')
    note = ctx.t("communes.note", aggregate=_e(ctx.unit_name(ctx.aggregate["unit_name"])))
    return f"""<section><h2>{ctx.t("communes.heading")}</h2><div class="table-wrap"><table class="communes">
<caption>{ctx.t("communes.caption", period=_e(ctx.period))}</caption>
<thead><tr><th scope="col">{ctx.t("table.unit")}</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>
<p class="note">{note}</p></section>"""


def data_quality_html(ctx: ReportContext, data_dir: Path | str = "data") -> str:
    """Appendix: the validation warnings of the period (errors never reach a published report); in a
    commune's fact sheet only those about the commune."""
    name = "validation-problems" + ("" if ctx.lang == "vi" else f"-{ctx.lang}")  # written by pipelines.run per language
    path = Path(data_dir) / "processed" / ctx.period / f"{name}.parquet"
    problems = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=["severity", "message"])
    warnings = problems[problems["severity"] == "warning"]
    if ctx.level == "commune":
        return factsheet.data_quality_html(ctx, warnings)
    body = ("<ul>" + "".join(f"<li>{_e(m)}</li>" for m in warnings["message"]) + "</ul>" if len(warnings) else
            f"<p>{ctx.t('quality.none')}</p>")
    return f"""<section><h2>{ctx.t("quality.heading")}</h2>
<p>{ctx.t("quality.intro", period=_e(ctx.period))}</p>
{body}</section>"""


def _definition(ctx: ReportContext, ind: catalogue.Indicator) -> str:
    return ctx.t("method.item", name=_e(ctx.label(ind.id)), formula=_e(definitions.formula_text(ind, ctx.lang)),
                 source=_e(definitions.source_text(ind.source, ctx.lang)))


def methodology_html(ctx: ReportContext, hashes: list[tuple[str, str]] | None = None) -> str:
    """Appendix: how each indicator is defined, and which raw files (by SHA-256) it came from; in a
    commune's fact sheet, a pointer to the catalogue and to the report of the district (province)."""
    if ctx.level == "commune":
        return factsheet.methodology_html(ctx)
    items = "".join(f"<li>{_definition(ctx, i)}</li>" for i in catalogue.entries().values())
    files = "".join(f"<li><code>{_e(name)}</code>: SHA-256 <code class=\"hash\">{h}</code></li>"
                    for name, h in hashes or [])
    versions = "".join(f"<li>{_e(package)} {_e(metadata.version(package))}</li>" for package in SOFTWARE)
    return f"""<section><h2>{ctx.t("method.heading")}</h2><ul class="definitions">{items}</ul>
{f'<h3>{ctx.t("method.files")}</h3><ul>{files}</ul>' if files else ''}
<h3>{ctx.t("method.software")}</h3><ul>{versions}</ul>
<p class="note">{ctx.t("method.sample")}</p></section>"""

