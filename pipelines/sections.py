"""Report sections beyond the opening ones: health results, communes needing attention, and the
closing block (signature and recipients, "Nơi nhận") of Decree 30/2020/NĐ-CP.

Like pipelines.report, every figure is read from the processed indicators, never typed in.
"""

from __future__ import annotations

import html

from pipelines import indicators, trends
from pipelines.report import ReportContext, _target_text, in_sentence

HEALTH = ["birth_registration_under_5", "full_vaccination_under_1", "underweight_under_5", "stunting_under_5",
          "under_5_mortality", "under_1_mortality", "child_injuries", "kindergarten_age_5"]


def _e(text: object) -> str:
    return html.escape(str(text))


def health_html(ctx: ReportContext) -> str:
    """II.3 Health: one sentence per indicator with its target."""
    year = int(ctx.period[:4])
    cat = indicators.catalogue()
    items = "".join(f"<li>{_e(cat[i].name_vi)}: <strong>{ctx.show(i)}</strong> ({_e(_target_text(i, year))}).</li>"
                    for i in HEALTH)
    return f"""<section><h3>3. Công tác chăm sóc sức khỏe trẻ em</h3><ul>{items}</ul></section>"""


def lagging(ctx: ReportContext) -> list[str]:
    """Indicators of the unit that are off track (catalogue order)."""
    own = ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")
    off = set(own.index[own["status"].fillna("") == "off_track"])
    return [i for i in indicators.catalogue() if i in off]


def attention_html(ctx: ReportContext, per_indicator: int = 2) -> str:
    """IV. For each lagging indicator, the communes furthest behind (lowest, or highest where
    lower is better)."""
    cat = indicators.catalogue()
    table = ctx.table[ctx.table["level"] == "commune"]
    items = []
    for indicator_id in lagging(ctx):
        ind = cat[indicator_id]
        rows = table[(table["indicator_id"] == indicator_id) & table["value"].notna()]
        worst = rows.sort_values(["value", "unit_code"], ascending=[ind.direction != "lower", True]).head(per_indicator)
        names = "; ".join(f"{in_sentence(n)} ({ctx.show(indicator_id, c)})" for c, n in zip(worst["unit_code"], worst["unit_name"]))
        items.append(f"<li><strong>{_e(ind.name_vi)}</strong> ({ctx.show(indicator_id)}, "
                     f"{_e(trends.STATUS_VI['off_track'].lower())}): {names}.</li>")
    body = f"<ul>{''.join(items)}</ul>" if items else "<p>Không có chỉ tiêu nào chậm tiến độ.</p>"
    return f"""<section><h2>IV. Các xã cần quan tâm</h2>
<p>Với mỗi chỉ tiêu chậm tiến độ, các xã có kết quả thấp nhất (hoặc cao nhất với chỉ tiêu càng thấp càng tốt):</p>
{body}</section>"""


def closing_html(ctx: ReportContext, signer: str = "", signer_title: str = "CHỦ TỊCH",
                 recipients: str = "") -> str:
    """Recipients on the left, the signature block on the right, as Decree 30 lays them out."""
    default = {"commune": "UBND huyện (b/c)", "district": "UBND tỉnh (b/c)", "province": "Bộ Y tế (b/c)"}[ctx.level]
    lines = [r.strip() for r in (recipients or f"{default};Các phòng, ban liên quan;Lưu: VT").split(";") if r.strip()]
    body = "".join(f"<li>- {_e(line)};</li>" if n < len(lines) - 1 else f"<li>- {_e(line)}.</li>"
                   for n, line in enumerate(lines))
    return f"""<footer class="closing"><table class="header-block" role="presentation"><tr>
<td class="recipients"><p><strong><em>Nơi nhận:</em></strong></p><ul class="recipients">{body}</ul></td>
<td class="signature"><p class="nation">TM. ỦY BAN NHÂN DÂN<br>{_e(signer_title)}</p>
<p class="signer">{_e(signer) if signer else '(đã ký)'}</p></td></tr></table></footer>"""

