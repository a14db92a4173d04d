"""The indicator catalogue as a page readers can check: definition, formula, targets, source.

Rendered with every period's reports (reports/<period>/danh-muc-chi-tieu.html) so that each
published figure can be traced to its definition, in Vietnamese or (lang="en") in English. Built
from the same catalogue entries the computation uses, so the page and the numbers cannot disagree.
The words around the entries are templates in locales/<lang>/catalogue.yml (pipelines.text).
"""

from __future__ import annotations

import html

from pipelines.core import deployment, formats, text
from pipelines.indicators import catalogue, trends
from pipelines.intake import raw
from pipelines.units import reference
from pipelines.units.period import Period

# The catalogue's unit (indicators.yml `unit`) → its message key: what a reader sees for it. The keys
# are data, the units as indicators.yml writes them, not words shown.
UNIT_KEYS = {"trẻ": "catalogue.unit.children", "hồ sơ": "catalogue.unit.case_files", "đồng": "catalogue.unit.dong",
             "%": "catalogue.unit.percent", "‰": "catalogue.unit.per_mille", "/100.000": "catalogue.unit.per_100000"}
OTHER_LANG = {"vi": "en", "en": "vi"}


def _e(text: object) -> str:
    return html.escape(str(text))


def in_lang(ind: catalogue.Indicator, field: str, lang: str) -> str:
    """`name`, `definition` or `short` of an entry in `lang` (`short_en` falls back to `name_en`)."""
    value = getattr(ind, f"{field}_{lang}", None)
    return value if value else getattr(ind, f"name_{lang}")


def unit_text(unit: str, lang: str = "vi") -> str:
    """A catalogue unit as a reader sees it: `trẻ` (children), `%`, `/100.000` (per 100,000)."""
    return text.t(lang, UNIT_KEYS[unit]) if unit in UNIT_KEYS else unit


def source_text(source: str, lang: str = "vi") -> str:
    """A source as written in the catalogue, in `lang`: its `catalogue.source.*` message, found by
    its Vietnamese text (a source without one is shown as written)."""
    keys = {template: key for key, template in text.messages("vi").items() if key.startswith("catalogue.source.")}
    return text.t(lang, keys[source]) if source in keys else source


def comparison_text(target: catalogue.Target, lang: str = "vi") -> str:
    """`dưới` / `đạt ít nhất` (below / at least)."""
    return text.t(lang, "catalogue.target.below" if target.comparison == "<" else "catalogue.target.at_least")


def term_text(term: catalogue.Term, lang: str = "vi") -> str:
    """`special_circumstances.csv › children (chỉ tính circumstance: Trẻ em mồ côi cả cha và mẹ, …)`."""
    labels = raw.categories()
    where = "; ".join(f"{column}: " + ", ".join(labels[column][code][lang] for code in codes)
                      for column, codes in term.where)
    term_name = f"{raw.forms()[term.form].file} › {term.field}"
    return text.t(lang, "catalogue.formula.where", term=term_name, where=where) if where else term_name


def formula_text(ind: catalogue.Indicator, lang: str = "vi") -> str:
    if ind.denominator is None:
        return text.t(lang, "catalogue.formula.sum", term=term_text(ind.numerator, lang))
    return (f"{term_text(ind.numerator, lang)} ÷ {term_text(ind.denominator, lang)} × "
            f"{formats.number(ind.factor, 0, lang)}")


def target_text(target: catalogue.Target, unit: str, lang: str = "vi") -> str:
    return text.t(lang, "catalogue.target", year=target.year, comparison=comparison_text(target, lang),
                  value=formats.value_with_unit(target.value, unit, lang), source=source_text(target.source, lang))


def direction_text(direction: str | None, lang: str = "vi") -> str:
    return text.t(lang, f"catalogue.direction.{direction}") if direction else "–"


def local_target_text(target: deployment.LocalTarget, unit: str, period: Period, lang: str = "vi") -> str:
    """A target of the deployment's own plan, with the units it applies to, named from the reference list."""
    names = []
    for scope in target.units:
        level, _, code = scope.partition(":")
        try:
            names.append(f"{reference.unit(period, code, level)['name']} ({code})")
        except reference.UnknownUnit:
            names.append(scope)
    plain = catalogue.Target(target.year, target.value, target.comparison, target.source)
    return text.t(lang, "catalogue.target.local", target=target_text(plain, unit, lang), units=", ".join(names))


def official_codes(ind: catalogue.Indicator, lang: str = "vi") -> str:
    """The official indicators the entry matches (SDG 16.9.1 <code>SG_REG_BRTH</code> — source), or "–"."""
    lines = [f"{_e(text.t(lang, f'catalogue.scheme.{code.scheme}'))} {_e(code.indicator)} <code>{_e(code.code)}</code>"
             f" ({_e(code.source)})" for code in ind.codes]
    return "<br>".join(lines) or _e(text.t(lang, "catalogue.no_official_code"))


def page_html(period: object, lang: str = "vi", data_dir: str | None = None) -> str:
    """One entry per indicator, in catalogue order, as a definition list per indicator; with
    `data_dir`, the targets of the deployment's own plan (its baocao.yml) beside the national ones.
    Called from notebook 03 with the period as the notebook received it: parsed here, at that edge."""
    period = Period.parse(period)
    def label(key: str) -> str:
        return _e(text.t(lang, f"catalogue.label.{key}"))

    local = deployment.load(data_dir).targets if data_dir else ()
    entries = []
    for number, ind in enumerate(catalogue.entries().values(), start=1):
        lines = [target_text(t, ind.unit, lang) for t in ind.targets]
        lines += [local_target_text(t, ind.unit, period, lang) for t in local if t.indicator == ind.id]
        targets = "<br>".join(_e(line) for line in lines) or _e(text.t(lang, "catalogue.no_target"))
        split = ", ".join(ind.disaggregations) or "–"
        entries.append(f"""<section class="indicator" id="{_e(ind.id)}">
<h3>{number}. {_e(in_lang(ind, "name", lang))}</h3>
<dl>
<dt>{label("code")}</dt><dd><code>{_e(ind.id)}</code> ({_e(in_lang(ind, "name", OTHER_LANG[lang]))})</dd>
<dt>{label("definition")}</dt><dd>{_e(in_lang(ind, "definition", lang))}</dd>
<dt>{label("formula")}</dt><dd>{_e(formula_text(ind, lang))}</dd>
<dt>{label("unit")}</dt><dd>{_e(unit_text(ind.unit, lang))}</dd>
<dt>{label("direction")}</dt><dd>{_e(direction_text(ind.direction, lang))}</dd>
<dt>{label("targets")}</dt><dd>{targets}</dd>
<dt>{label("breakdowns")}</dt><dd>{_e(split)}</dd>
<dt>{label("source")}</dt><dd>{_e(source_text(ind.source, lang))}</dd>
<dt>{label("official_codes")}</dt><dd>{official_codes(ind, lang)}</dd>
</dl></section>""")
    statuses = "; ".join(text.t(lang, f"target_progress.{status}") for status in trends.STATUSES)
    ratio = formats.percent(trends.ON_TRACK_RATIO * 100, lang=lang)
    return f"""<header><h1 class="doc-title">{_e(text.t(lang, "catalogue.title"))}<br><span class="subject">{_e(text.t(lang, "catalogue.subtitle", period=period))}</span></h1></header>
<section><h2>{_e(text.t(lang, "catalogue.method.heading"))}</h2>
<p>{_e(text.t(lang, "catalogue.method.ratio"))}</p>
<p>{_e(text.t(lang, "catalogue.method.progress", statuses=statuses, ratio=ratio))}</p></section>
<section><h2>{_e(text.t(lang, "catalogue.indicators.heading"))}</h2>{''.join(entries)}</section>"""
