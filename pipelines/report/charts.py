"""Charts for reports (matplotlib), returned as HTML figures with alt text.

A chart is drawn to PNG bytes here (fixed size, DPI and metadata, so the bytes do not change
between runs) and wrapped in <figure><img alt=…></figure>: the alt text says what the chart shows
in words, for screen readers and for anyone who cannot see the image. Colours are a dark blue and
greys with hatching for targets, so the charts still read when printed in black and white.

Every word on a chart is a template of locales/<lang>/charts.yml (pipelines.text) or a name from
the catalogue in the report's language (ctx.lang); figures are formatted by pipelines.vi in that
language, tick labels too. Units keep their Vietnamese names: in full in Vietnamese, as the place
name alone (reference.short_name) in English.

A commune's fact sheet (notebook 04) has one figure instead of the district/province charts of
notebook 01: `commune_standing`, the commune's key rates against its district (province) and the
targets.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from pipelines.core import formats, settings, text  # noqa: E402
from pipelines.indicators import catalogue
from pipelines.units import reference
from pipelines.report.definitions import comparison_text, in_lang, unit_text  # noqa: E402
from pipelines.report.context import ReportContext  # noqa: E402

INK, MID, LIGHT = "#1f3b5c", "#7f8c99", "#d5dbe1"
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
         "svg.hashsalt": "baocao"}
EDUCATION = ["net_enrolment_preschool", "net_enrolment_primary", "net_enrolment_lower_secondary",
             "net_enrolment_upper_secondary", "national_standard_schools_share", "two_sessions_share"]
RATE_UNITS = ("%", "‰")
# A unit's name in chart text, by language: the registered name ("Huyện Ba Chẽ") in Vietnamese;
# in English the place name without the Vietnamese level word ("Ba Chẽ").
UNIT_NAME = {"vi": str, "en": reference.short_name}
SYMBOL = {"<": "<", ">=": "≥"}
# Data, not words: the first words of the catalogue's Vietnamese names (indicators.yml `name_vi`),
# dropped where a chart's title says the rest; an English name has neither and is left as it is.
RATE = "Tỷ lệ "
RATIO = "Tỷ suất "
TITLE_WIDTH = 42  # characters on a line of a small-multiple title (the longest Vietnamese title fits on one)
MANY_BARS = 20  # bars by unit beyond which the labels stand upright (the 63 or 34 provinces of the country)


def _figure_html(fig, alt: str, caption: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _percent_axis(ax, axis: str = "x", lang: str = "vi") -> None:
    fmt = FuncFormatter(lambda v, _pos: formats.percent(v, 0, lang))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _place(ctx: ReportContext, name: str) -> str:
    return UNIT_NAME[ctx.lang](name)


def _label(ind: catalogue.Indicator, lang: str) -> str:
    """The indicator without "Tỷ lệ", capitalised: `Đi học đúng độ tuổi cấp tiểu học`."""
    name = in_lang(ind, "name", lang).replace(RATE, "")
    return name[:1].upper() + name[1:]


def _short(ind: catalogue.Indicator, lang: str) -> str:
    """A short title: `short_<lang>` if the catalogue has one, else the name without "Tỷ lệ"/"Tỷ suất"."""
    short, name = in_lang(ind, "short", lang), in_lang(ind, "name", lang)
    return short if short != name else name.replace(RATE, "").replace(RATIO, "")


def _spoken(value: float, unit: str, lang: str) -> str:
    """A value for alt text: formatted, or "không có số liệu" (no data) instead of a dash."""
    formatted = formats.value_with_unit(value, unit, lang)
    return text.t(lang, "chart.no_data") if formatted == formats.MISSING else formatted


def key_rates() -> list[str]:
    """The key indicators of project.yml that are rates (% or ‰), in their order."""
    cat = catalogue.entries()
    return [i for i in settings.load("project.yml")["key_indicators"] if cat[i].unit in RATE_UNITS]


def education_against_targets(ctx: ReportContext, number: int = 1) -> str:
    """Horizontal bars: each education rate of the unit, with its target as a marker."""
    lang, cat = ctx.lang, catalogue.entries()
    names = [_label(cat[i], lang) for i in EDUCATION]
    values = [ctx.value(i) for i in EDUCATION]
    targets = [ctx.target_of(i) for i in EDUCATION]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        y = range(len(EDUCATION))[::-1]
        ax.barh(list(y), values, color=INK, height=0.6)
        for yi, value, target in zip(y, values, targets):
            ax.text(min(value, 100) + 1, yi, formats.percent(value, lang=lang), va="center", fontsize=8)
            if target:
                ax.plot([target.value, target.value], [yi - 0.38, yi + 0.38], color="black", linewidth=2, linestyle=":")
        ax.set_yticks(list(y), names)
        ax.set_xlim(0, 112)
        _percent_axis(ax, lang=lang)
        target_years = "/".join(str(t_year) for t_year in sorted({t.year for t in targets if t}))
        ax.set_xlabel(text.t(lang, "chart.education.axis", year=target_years))
    items = []
    for n, v, t in zip(names, values, targets):
        item = text.t(lang, "chart.education.alt_item", name=n, value=formats.percent(v, lang=lang))
        items.append(text.t(lang, "chart.education.alt_target", item=item, target=formats.percent(t.value, lang=lang))
                     if t else item)
    alt = text.t(lang, "chart.education.alt", period=ctx.period, items="; ".join(items))
    caption = text.t(lang, "chart.education.caption", number=number, name=_place(ctx, ctx.name), period=ctx.period)
    return _figure_html(fig, alt, caption + ctx.incomplete_mark())


def communes_compared(ctx: ReportContext, indicator_id: str, number: int = 2) -> str:
    """Bars by commune (by province in the national report) for one indicator, with the aggregate
    value as a reference line (the report's own commune in dark blue, the others grey, when notebook
    01 is run for a commune); more bars than a page holds upright are labelled upright and small."""
    lang, ind = ctx.lang, catalogue.entries()[indicator_id]
    communes = ctx.peers
    names = [reference.short_name(n) for n in communes["unit_name"]]
    values = [ctx.value(indicator_id, c) for c in communes["unit_code"]]
    overall = ctx.value(indicator_id, ctx.aggregate_code)
    overall_name = _place(ctx, ctx.row(indicator_id, ctx.aggregate_code)["unit_name"])
    total = text.t(lang, "chart.communes.total", name=overall_name, value=formats.value_with_unit(overall, ind.unit, lang))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.2))
        colours = [INK if c == ctx.code or ctx.level != "commune" else MID for c in communes["unit_code"]]
        ax.bar(names, values, color=colours, edgecolor="black", linewidth=0.5)
        ax.axhline(overall, color="black", linestyle="--", linewidth=1)
        ax.text(len(names) - 0.5, overall, f" {total}", va="bottom", ha="right", fontsize=8)
        if ind.unit == "%":
            _percent_axis(ax, "y", lang)
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: formats.number(v, 0, lang)))
        ax.tick_params(axis="x", labelrotation=20 if len(names) <= MANY_BARS else 90,
                       labelsize=None if len(names) <= MANY_BARS else 5.5)
        ax.set_ylabel(unit_text(ind.unit, lang))
    name = in_lang(ind, "name", lang)
    items = [f"{n}: {formats.value_with_unit(v, ind.unit, lang)}" for n, v in zip(names, values)] + [total]
    alt = text.t(lang, "chart.communes.alt", indicator=name.lower(), period=ctx.period, items="; ".join(items),
                 unit=ctx.peers_word(1))
    return _figure_html(fig, alt, text.t(lang, "chart.communes.caption", number=number, indicator=name,
                                         period=ctx.period, unit=ctx.peers_word(1)))


def trends_against_targets(ctx: ReportContext, number: int = 4) -> str:
    """Small multiples: each key rate over the periods, its target as a dashed line; periods
    re-based onto today's units drawn with hollow markers."""
    lang, cat = ctx.lang, catalogue.entries()
    ids = key_rates()
    own = ctx.history[ctx.history["unit_code"] == ctx.code]
    periods = sorted(set(own["period"]))
    with plt.rc_context(STYLE):
        columns = 3
        rows = -(-len(ids) // columns)
        fig, axes = plt.subplots(rows, columns, figsize=(7.5, 2.3 * rows), squeeze=False)
        alt_parts = []
        for ax, indicator_id in zip(axes.flat, ids):
            series = own[own["indicator_id"] == indicator_id].set_index("period").reindex(periods)
            x = list(range(len(periods)))
            ax.plot(x, series["value"], color=INK, linewidth=1.5)
            for xi, (value, rebased) in enumerate(zip(series["value"], series["rebased"].fillna(False))):
                ax.plot(xi, value, marker="o", color=INK, markerfacecolor="white" if rebased else INK)
            target = ctx.target_of(indicator_id)
            if target:
                ax.axhline(target.value, color="black", linestyle="--", linewidth=1)
            ax.set_xticks(x, periods)
            unit = cat[indicator_id].unit
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos, u=unit: formats.value_with_unit(v, u, lang)))
            ax.set_title(textwrap.fill(_short(cat[indicator_id], lang), TITLE_WIDTH), fontsize=8, wrap=True)
            item = text.t(lang, "chart.trends.alt_item", indicator=in_lang(cat[indicator_id], "name", lang),
                          values=", ".join(f"{p} {formats.value_with_unit(v, unit, lang)}"
                                           for p, v in zip(periods, series["value"])))
            alt_parts.append(text.t(lang, "chart.trends.alt_target", item=item, year=target.year,
                                    value=formats.value_with_unit(target.value, unit, lang)) if target else item)
        for ax in list(axes.flat)[len(ids):]:
            ax.axis("off")
        fig.tight_layout()
    name = _place(ctx, ctx.name)
    alt = text.t(lang, "chart.trends.alt", name=name, items="; ".join(alt_parts))
    return _figure_html(fig, alt, text.t(lang, "chart.trends.caption", number=number, name=name) + ctx.incomplete_mark())


def _tick(value: float, unit: str, lang: str) -> str:
    """A tick label of a rate axis, whole numbers: `60 %`, `15 ‰`."""
    return formats.percent(value, 0, lang) if unit == "%" else f"{formats.number(value, 0, lang)} {unit}"


def _rate_limits(values: list[float], unit: str) -> tuple[float, float]:
    """x range of a dot plot: percentages from a round 10 below the lowest value up to 100 (dots
    need no zero baseline); per-mille rates from 0."""
    finite = [v for v in values if v == v]
    if unit == "%":
        low = min(finite, default=0.0)
        return max(0.0, (low // 10) * 10 - 5), 102.0
    return 0.0, max(max(finite, default=0.0) * 1.15, 1.0)


def _row_label(ind: catalogue.Indicator, lang: str) -> str:
    """A row of the fact-sheet chart: the short name if the catalogue has one, else `_label`."""
    short = in_lang(ind, "short", lang)
    return short if short != in_lang(ind, "name", lang) else _label(ind, lang)


def _header(name: str, width: int = 10) -> str:
    """A unit's name as a narrow column header: `Huyện Đầm Hà` → `Huyện\nĐầm Hà` when long."""
    place = reference.short_name(name)
    level = name[: len(name) - len(place)].strip()
    return f"{level}\n{place}" if level and len(name) > width else name


def commune_standing(ctx: ReportContext, number: int = 1) -> str:
    """The figure of a commune's fact sheet (notebook 04): one dot plot with a row per
    key rate (project.yml key_indicators in % or ‰): the commune (filled circle), its district or
    province (hollow diamond) and the target of the year (black bar), with the three figures as a
    small table on the right. Percentages and per-mille rates are on separate panels."""
    lang, cat = ctx.lang, catalogue.entries()
    ids = key_rates()
    own_name = _place(ctx, ctx.name)
    aggregate_name = _place(ctx, ctx.row(ids[0], ctx.aggregate_code)["unit_name"])
    groups = [g for g in ([i for i in ids if cat[i].unit == unit] for unit in RATE_UNITS) if g]
    targets = {i: ctx.target_of(i) for i in ids}
    years = ", ".join(str(y) for y in sorted({t.year for t in targets.values() if t}))
    columns = [0.67, 0.795, 0.92]  # where the table's columns start (marker, then text), in figure width
    own_style = {"marker": "o", "markersize": 6, "color": INK}
    aggregate_style = {"marker": "D", "markersize": 5, "markerfacecolor": "white", "markeredgecolor": "black"}
    target_style = {"marker": "|", "markersize": 11, "markeredgewidth": 2, "color": "black"}
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=(7.5, 2.7))
        grid = fig.add_gridspec(len(groups), 1, left=0.34, right=0.645, top=0.86, bottom=0.08, hspace=0.35,
                                height_ratios=[len(g) + 0.2 for g in groups])
        axes = [fig.add_subplot(grid[n, 0]) for n in range(len(groups))]
        for ax, group in zip(axes, groups):
            unit = cat[group[0]].unit
            y = list(range(len(group)))[::-1]
            own = [ctx.value(i) for i in group]
            agg = [ctx.value(i, ctx.aggregate_code) for i in group]
            at = blended_transform_factory(fig.transFigure, ax.transData)
            for yi, i, o, a in zip(y, group, own, agg):
                target = targets[i]
                ax.plot([o, a], [yi, yi], color=LIGHT, linewidth=3, solid_capstyle="butt", zorder=1)
                if target:
                    ax.plot(target.value, yi, linestyle="none", zorder=2, **target_style)
                ax.plot(a, yi, linestyle="none", zorder=3, **aggregate_style)
                ax.plot(o, yi, linestyle="none", zorder=4, **own_style)
                cells = [formats.value_with_unit(o, unit, lang), formats.value_with_unit(a, unit, lang),
                         f"{SYMBOL[target.comparison]} {formats.value_with_unit(target.value, unit, lang)}" if target else "–"]
                for x, cell in zip(columns, cells):
                    ax.text(x + 0.018, yi, cell, transform=at, va="center", ha="left", fontsize=7.5,
                            fontweight="bold" if x == columns[0] else "normal")
            ax.set_xlim(*_rate_limits(own + agg + [targets[i].value for i in group if targets[i]], unit))
            ax.set_ylim(-0.6, len(group) - 0.4)
            ax.set_yticks(y, [textwrap.fill(_row_label(cat[i], lang), 44) for i in group], fontsize=7.5,
                          linespacing=1.0)
            ax.tick_params(axis="y", length=0)
            ax.tick_params(axis="x", labelsize=6.5, length=2, pad=1.5)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos, u=unit: _tick(v, u, lang)))
            ax.grid(axis="x", color=LIGHT, linewidth=0.5)
            ax.set_axisbelow(True)
        # The table's headers are the legend: each column's marker, then whose figures it holds.
        head = blended_transform_factory(fig.transFigure, axes[0].transAxes)
        headers = [(own_style, _header(own_name)), (aggregate_style, _header(aggregate_name)),
                   (target_style, text.t(lang, "chart.standing.target", years=years))]
        for x, (style, header) in zip(columns, headers):
            axes[0].plot([x + 0.007], [1.04], transform=head, clip_on=False, linestyle="none",
                         **{**style, "markersize": style["markersize"] * 0.8})
            axes[0].text(x + 0.018, 1.0, header, transform=head, va="bottom", ha="left", fontsize=7.5,
                         linespacing=1.0, fontweight="bold" if x == columns[0] else "normal")
    items = []
    for i in ids:
        unit, target = cat[i].unit, targets[i]
        item = text.t(lang, "chart.standing.alt_item", indicator=in_lang(cat[i], "name", lang), name=own_name,
                      value=_spoken(ctx.value(i), unit, lang), aggregate=aggregate_name,
                      aggregate_value=_spoken(ctx.value(i, ctx.aggregate_code), unit, lang))
        items.append(text.t(lang, "chart.standing.alt_target", item=item, year=target.year,
                            comparison=comparison_text(target, lang),
                            target=formats.value_with_unit(target.value, unit, lang)) if target else item)
    alt = text.t(lang, "chart.standing.alt", name=own_name, aggregate=aggregate_name, period=ctx.period,
                 items="; ".join(items))
    caption = text.t(lang, "chart.standing.caption", number=number, name=own_name, aggregate=aggregate_name,
                     period=ctx.period)
    return _figure_html(fig, alt, caption)
