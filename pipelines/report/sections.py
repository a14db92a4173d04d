"""Report sections beyond the opening ones: health results, communes needing attention, the
closing block (signature and recipients, "Nơi nhận") of Decree 30/2020/NĐ-CP, and the appendices
(communes side by side, data quality, methods; the notebook calls these as report.*).

Like pipelines.report.narrative, every figure is read from the processed indicators, never typed
in; the HTML is a Jinja2 template of templates/baocao/sections (pipelines.report.templates) and every
word a template of pipelines/locales/<lang>/report.yml. A commune's fact sheet (notebook 04) has its
own compact sections in pipelines.report.factsheet and shares the closing block with this module.
"""

from __future__ import annotations

import datetime as dt
from importlib import metadata

import pandas as pd

from pipelines.core import datasets, formats
from pipelines.indicators import catalogue
from pipelines.report import definitions, disclosure, ministry, narrative, templates
from pipelines.report.context import ReportContext
from pipelines.units import reference, types


SOFTWARE = ["baocao-treem", "great-expectations", "pandas", "papermill", "nbconvert", "matplotlib",
            "weasyprint", "vietnamadminunits", "fontpkg-noto-serif"]
COMMUNE_TABLE = ["children_under_16", "ethnic_minority_share", "children_under_6", "children_special_or_difficult",
                 "sponsorship_coverage", "net_enrolment_primary", "net_enrolment_lower_secondary",
                 "national_standard_schools_share"]

HEALTH = ["birth_registration_under_5", "full_vaccination_under_1", "underweight_under_5", "stunting_under_5",
          "under_5_mortality", "under_1_mortality", "child_injuries", "kindergarten_age_5"]


def health_html(ctx: ReportContext) -> str:
    """II.3 Health: one sentence per indicator with its target."""
    return templates.render("health.html.j2", ctx, ids=HEALTH)


def lagging(ctx: ReportContext) -> list[str]:
    """Indicators of the unit that are off track (catalogue order)."""
    own = ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")
    off = set(own.index[own["status"].fillna("") == "off_track"])
    return [i for i in catalogue.entries() if i in off]


def attention_html(ctx: ReportContext, per_indicator: int = 2) -> str:
    """IV. For each lagging indicator, the communes (the provinces of the national report) furthest
    behind (lowest, or highest where lower is better); ties by unit code, so every run names the same units."""
    cat = catalogue.entries()
    table = ctx.table[ctx.table["level"] == ctx.peer_level]
    items = []
    for indicator_id in lagging(ctx):
        rows = table[(table["indicator_id"] == indicator_id) & table["value"].notna()]
        ascending = cat[indicator_id].direction != "lower"
        worst = rows.sort_values(["value", "unit_code"], ascending=[ascending, True]).head(per_indicator)
        items.append({"id": indicator_id, "worst": list(zip(worst["unit_code"], worst["unit_name"]))})
    return templates.render("attention.html.j2", ctx, items=items)


def superior(ctx: ReportContext) -> str:
    """The type of the unit a report goes to (a key of closing.superior): a commune's district or
    province, a district's province (from the reference list: its table has no row of it), or the ministry."""
    if ctx.level == "commune":
        name, level = str(ctx.aggregate["unit_name"]), str(ctx.aggregate["level"])
    elif ctx.level == "district":
        province = reference.unit(ctx.period, reference.unit(ctx.period, ctx.code, "district")["province_code"], "province")
        name, level = str(province["name"]), "province"
    else:
        return ministry.superior(ctx.period)
    return types.unit_type(name, level) or level


def closing_html(ctx: ReportContext, signer: str = "", signer_title: str = "", recipients: str = "") -> str:
    """Recipients on the left, the signature block on the right, as Decree 30 lays them out. An
    empty `signer_title` is the chairperson (CHỦ TỊCH); by default the report goes to the level
    above (a commune: its district, or its province from the 2025 reform on), named by its type
    ("UBND quận", "UBND thành phố")."""
    default = ctx.t("closing.default_recipients", superior=ctx.t(f"closing.superior.{superior(ctx)}"))
    lines = [r.strip() for r in (recipients or default).split(";") if r.strip()]
    return templates.render("closing.html.j2", ctx, lines=lines, signer=signer, signer_title=signer_title,
                            on_behalf=ctx.t("closing.on_behalf"), chair=ctx.t("closing.chair"))


def commune_table_html(ctx: ReportContext) -> str:
    """Appendix: every commune of the unit (province of the country) side by side, then the aggregate
    (ratio of sums)."""
    rows = [{"code": code, "name": ctx.unit_name(name), "kind": "current" if code == ctx.code else None}
            for code, name in ctx.peers.itertuples(index=False, name=None)]
    total = ctx.unit_name(ctx.row(COMMUNE_TABLE[0], ctx.aggregate_code)["unit_name"])
    rows.append({"code": ctx.aggregate_code, "name": total, "kind": "total"})
    return templates.render("communes.html.j2", ctx, ids=COMMUNE_TABLE, rows=rows)


def validation_warnings(ctx: ReportContext) -> pd.DataFrame:
    """The validation warnings of the period in the report's language (errors never reach a
    published report): what the data-quality appendix of a report or a fact sheet lists."""
    path = datasets.in_folder(ctx.processed, datasets.validation_problems(ctx.lang))
    problems = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=["severity", "message"])
    return problems[problems["severity"] == "warning"]


def unit_corrections(ctx: ReportContext) -> pd.DataFrame:
    """The corrections of the unit's communes for the period (pipelines.intake.raw.corrections,
    written by the run as datasets.CORRECTIONS), in the order made; no file: no row."""
    path = datasets.in_folder(ctx.processed, datasets.CORRECTIONS) if ctx.processed else None
    if path is None or not path.is_file():
        return pd.DataFrame(columns=["form", "commune_code"])
    rows = pd.read_parquet(path)
    return rows[rows["commune_code"].isin(set(ctx.communes["unit_code"]))]


def corrections(ctx: ReportContext) -> list[str]:
    """The corrections communes of the unit sent for the period, one sentence each, in the order
    made: a reader must know which figures replaced earlier ones, when, why and (internal edition)
    by whom. The public edition leaves out those of a protected form (corrections_withheld counts
    them). No file or no row: none."""
    names = dict(ctx.communes.itertuples(index=False, name=None))
    rows = unit_corrections(ctx)
    out = []
    for row in rows[disclosure.corrections_shown(ctx, list(rows["form"]))].itertuples(index=False):
        lines = f"{row.first_line}–{row.last_line}" if row.first_line != row.last_line else f"{row.first_line}"
        earlier = (ctx.t("intake.corrections.earlier", submission=row.supersedes) if row.supersedes
                   else ctx.t("intake.corrections.first"))
        by = ctx.t("intake.corrections.by", by=row.by) if ctx.edition == "internal" and row.by else ""
        out.append(ctx.t("intake.corrections.item", form=row.form, unit=ctx.unit_name(names[row.commune_code]),
                         date=formats.date(dt.date.fromisoformat(str(row.submitted_at)[:10]), ctx.lang),
                         file=row.file, lines=lines, supersedes=earlier, reason=row.reason) + by)
    return out


def corrections_withheld(ctx: ReportContext) -> int:
    """How many corrections of the unit's communes the edition does not detail (disclosure)."""
    return disclosure.corrections_shown(ctx, list(unit_corrections(ctx)["form"])).count(False)


def unchecked(ctx: ReportContext) -> bool:
    """Whether no raw form was validated: a run from packages alone (pipelines.publish.sources), whose
    processed data hold the packages used and no breakdown (breakdowns are of raw forms' communes)."""
    from pipelines.report import breakdown_tables

    return bool(disclosure.packages_used(ctx)) and breakdown_tables.read_breakdowns(ctx).empty


def data_quality_html(ctx: ReportContext) -> str:
    """Appendix: who reported (when the run recorded it), the validation warnings of the period, and
    the corrections communes sent; in the
    public edition, those about a protected form are counted, not detailed (pipelines.report.disclosure)."""
    messages, left_out = disclosure.warnings_shown(ctx, validation_warnings(ctx))
    return templates.render("quality.html.j2", ctx, messages=list(messages["message"]), corrections=corrections(ctx),
                            coverage=narrative.coverage_line(ctx),
                            unchecked=unchecked(ctx),
                            withheld=disclosure.withheld(ctx, "warnings", left_out),
                            corrections_withheld=disclosure.withheld(ctx, "corrections", corrections_withheld(ctx)))


def methodology_html(ctx: ReportContext, hashes: list[tuple[str, str]] | None = None) -> str:
    """Appendix: how each indicator is defined, and which raw files (by SHA-256; not those of a
    protected form in the public edition) and software versions made the report, so that anyone
    can check or repeat it."""
    items = [{"name": ctx.label(ind.id), "formula": definitions.formula_text(ind, ctx.lang),
              "source": definitions.source_text(ind.source, ctx.lang)} for ind in catalogue.entries().values()]
    versions = [(package, metadata.version(package)) for package in SOFTWARE]
    files = disclosure.hashes_shown(ctx, hashes or [])
    return templates.render("methodology.html.j2", ctx, definitions=items, files=files, versions=versions,
                            packages=disclosure.packages_used(ctx))
