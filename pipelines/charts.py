"""Charts for reports (matplotlib), returned as HTML figures with alt text.

A chart is drawn to PNG bytes here (fixed size, DPI and metadata, so the bytes do not change
between runs) and wrapped in <figure><img alt=…></figure>: the alt text says what the chart shows
in words, for screen readers and for anyone who cannot see the image. Colours are a dark blue and
greys with hatching for targets, so the charts still read when printed in black and white.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from pipelines import indicators, reference, settings, vi  # noqa: E402
from pipelines.report import ReportContext  # noqa: E402

INK, MID, LIGHT = "#1f3b5c", "#7f8c99", "#d5dbe1"
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
         "svg.hashsalt": "baocao"}


def _figure_html(fig, alt: str, caption: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<figure class="chart"><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _percent_axis(ax, axis: str = "x") -> None:
    fmt = FuncFormatter(lambda v, _pos: vi.percent(v, 0))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def education_against_targets(ctx: ReportContext) -> str:
    """Horizontal bars: each education rate of the unit, with its target as a marker."""
    ids = ["net_enrolment_preschool", "net_enrolment_primary", "net_enrolment_lower_secondary",
           "net_enrolment_upper_secondary", "national_standard_schools_share", "two_sessions_share"]
    cat, year = indicators.catalogue(), int(ctx.period[:4])
    names = [cat[i].name_vi.replace("Tỷ lệ ", "").capitalize() for i in ids]
    values = [ctx.value(i) for i in ids]
    targets = [cat[i].target_for(year) for i in ids]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.6))
        y = range(len(ids))[::-1]
        ax.barh(list(y), values, color=INK, height=0.6)
        for yi, value, target in zip(y, values, targets):
            ax.text(min(value, 100) + 1, yi, vi.percent(value), va="center", fontsize=8)
            if target:
                ax.plot([target.value, target.value], [yi - 0.38, yi + 0.38], color="black", linewidth=2, linestyle=":")
        ax.set_yticks(list(y), names)
        ax.set_xlim(0, 112)
        _percent_axis(ax)
        ax.set_xlabel("Tỷ lệ (chấm chấm: mục tiêu năm 2030)")
    alt = "Biểu đồ thanh ngang các tỷ lệ giáo dục năm " + ctx.period + ": " + "; ".join(
        f"{n}: {vi.percent(v)}" + (f", mục tiêu {vi.percent(t.value)}" if t else "") for n, v, t in zip(names, values, targets))
    return _figure_html(fig, alt, f"Hình 1. Chỉ tiêu giáo dục của {ctx.name} năm {ctx.period} so với mục tiêu")


def communes_compared(ctx: ReportContext, indicator_id: str, number: int = 2) -> str:
    """Bars by commune for one indicator, with the aggregate value as a reference line."""
    ind = indicators.catalogue()[indicator_id]
    communes = ctx.communes
    names = [reference.short_name(n) for n in communes["unit_name"]]
    values = [ctx.value(indicator_id, c) for c in communes["unit_code"]]
    overall = ctx.value(indicator_id, ctx.aggregate_code)
    overall_name = ctx.row(indicator_id, ctx.aggregate_code)["unit_name"]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.5, 3.2))
        colours = [INK if c == ctx.code or ctx.level != "commune" else MID for c in communes["unit_code"]]
        ax.bar(names, values, color=colours, edgecolor="black", linewidth=0.5)
        ax.axhline(overall, color="black", linestyle="--", linewidth=1)
        ax.text(len(names) - 0.5, overall, f" {overall_name}: {vi.value_with_unit(overall, ind.unit)}",
                va="bottom", ha="right", fontsize=8)
        if ind.unit == "%":
            _percent_axis(ax, "y")
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: vi.number(v)))
        ax.tick_params(axis="x", labelrotation=20)
        ax.set_ylabel(ind.unit)
    alt = f"Biểu đồ cột {ind.name_vi.lower()} theo xã năm {ctx.period}: " + "; ".join(
        f"{n}: {vi.value_with_unit(v, ind.unit)}" for n, v in zip(names, values)) + \
        f"; {overall_name}: {vi.value_with_unit(overall, ind.unit)}"
    return _figure_html(fig, alt, f"Hình {number}. {ind.name_vi} theo xã, năm {ctx.period}")


def trends_against_targets(ctx: ReportContext, number: int = 4) -> str:
    """Small multiples: each key rate over the periods, its target as a dashed line; periods
    re-based onto today's units drawn with hollow markers."""
    cat, year = indicators.catalogue(), int(ctx.period[:4])
    ids = [i for i in settings.load("project.yml")["key_indicators"] if cat[i].unit in ("%", "‰")]
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
            target = cat[indicator_id].target_for(year)
            if target:
                ax.axhline(target.value, color="black", linestyle="--", linewidth=1)
            ax.set_xticks(x, periods)
            unit = cat[indicator_id].unit
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos, u=unit: vi.value_with_unit(v, u)))
            ax.set_title(cat[indicator_id].short_vi if cat[indicator_id].short_vi != cat[indicator_id].name_vi
                         else cat[indicator_id].name_vi.replace("Tỷ lệ ", "").replace("Tỷ suất ", ""), fontsize=8, wrap=True)
            alt_parts.append(f"{cat[indicator_id].name_vi}: " + ", ".join(
                f"{p} {vi.value_with_unit(v, unit)}" for p, v in zip(periods, series["value"]))
                + (f" (mục tiêu {target.year}: {vi.value_with_unit(target.value, unit)})" if target else ""))
        for ax in list(axes.flat)[len(ids):]:
            ax.axis("off")
        fig.tight_layout()
    alt = f"Biểu đồ xu hướng {ctx.name} qua các kỳ: " + "; ".join(alt_parts)
    caption = f"Hình {number}. Xu hướng các chỉ tiêu chủ yếu của {ctx.name} (đường đứt: mục tiêu; điểm rỗng: số liệu quy đổi)"
    return _figure_html(fig, alt, caption)
