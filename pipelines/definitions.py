"""The indicator catalogue as a page readers can check: definition, formula, targets, source.

Rendered with every period's reports (reports/<period>/danh-muc-chi-tieu.html) so that each
published figure can be traced to its definition in Vietnamese. Built from the same catalogue
entries the computation uses, so the page and the numbers cannot disagree.
"""

from __future__ import annotations

import html

from pipelines import indicators, raw, trends, vi

DIRECTION_VI = {"higher": "Càng cao càng tốt", "lower": "Càng thấp càng tốt", None: "–"}


def _e(text: object) -> str:
    return html.escape(str(text))


def term_text(term: indicators.Term) -> str:
    """`special_circumstances.children [circumstance: Trẻ em mồ côi cả cha và mẹ, …]`, readable."""
    labels = raw.categories()
    where = "; ".join(f"{column}: " + ", ".join(labels[column][code]["vi"] for code in codes)
                      for column, codes in term.where)
    return f"{raw.forms()[term.form].file} › {term.field}" + (f" (chỉ tính {where})" if where else "")


def formula_text(ind: indicators.Indicator) -> str:
    if ind.denominator is None:
        return f"Tổng {term_text(ind.numerator)}"
    return f"{term_text(ind.numerator)} ÷ {term_text(ind.denominator)} × {vi.number(ind.factor)}"


def target_text(target: indicators.Target, unit: str) -> str:
    word = "dưới" if target.comparison == "<" else "đạt ít nhất"
    return f"Năm {target.year}: {word} {vi.value_with_unit(target.value, unit)} ({target.source})"


def page_html(period: str) -> str:
    """One entry per indicator, in catalogue order, as a definition list per indicator."""
    entries = []
    for number, ind in enumerate(indicators.catalogue().values(), start=1):
        targets = "<br>".join(_e(target_text(t, ind.unit)) for t in ind.targets) or "Không có mục tiêu"
        split = ", ".join(ind.disaggregations) or "–"
        entries.append(f"""<section class="indicator" id="{_e(ind.id)}">
<h3>{number}. {_e(ind.name_vi)}</h3>
<dl>
<dt>Mã</dt><dd><code>{_e(ind.id)}</code> ({_e(ind.name_en)})</dd>
<dt>Định nghĩa</dt><dd>{_e(ind.definition_vi)}</dd>
<dt>Công thức</dt><dd>{_e(formula_text(ind))}</dd>
<dt>Đơn vị</dt><dd>{_e(ind.unit)}</dd>
<dt>Chiều hướng</dt><dd>{_e(DIRECTION_VI[ind.direction])}</dd>
<dt>Mục tiêu</dt><dd>{targets}</dd>
<dt>Phân tổ</dt><dd>{_e(split)}</dd>
<dt>Nguồn</dt><dd>{_e(ind.source)}</dd>
</dl></section>""")
    status = "; ".join(f"{trends.STATUS_VI[k]}" for k in trends.STATUS_VI)
    return f"""<header><h1 class="doc-title">DANH MỤC CHỈ TIÊU<br><span class="subject">dùng trong báo cáo trẻ em kỳ {_e(period)}</span></h1></header>
<section><h2>Cách tính chung</h2>
<p>Mỗi chỉ tiêu bằng tử số chia mẫu số nhân hệ số. Số liệu của huyện, tỉnh bằng tổng tử số chia tổng mẫu số
của các xã có báo cáo; xã không báo cáo bị loại ra và số liệu được ghi là chưa đầy đủ, không lấy trung bình tỷ lệ các xã.</p>
<p>Đánh giá tiến độ ({_e(status)}) theo phương pháp của Open SDG: so sánh tốc độ tăng trưởng bình quân năm đã đạt
(từ kỳ đầu tiên có số liệu) với tốc độ cần có để đạt mục tiêu đúng hạn; đạt từ {vi.number(trends.ON_TRACK_RATIO * 100)} %
tốc độ cần có là đúng tiến độ.</p></section>
<section><h2>Các chỉ tiêu</h2>{''.join(entries)}</section>"""
