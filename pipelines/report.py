"""What a report says: the figures of one unit for one period, as Vietnamese HTML fragments.

The report notebook is thin: it calls `load` and the section functions here and displays what they
return. Every figure comes from the processed indicator table (numerator, denominator, factor),
never from text, and is formatted the vi_VN way by pipelines.vi.
"""

from __future__ import annotations

import datetime as dt
import html
from importlib import metadata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import definitions, indicators, reference, settings, trends, vi

SOFTWARE = ["baocao-treem-binhlieu", "great-expectations", "pandas", "papermill", "nbconvert", "matplotlib", "weasyprint",
            "vietnamadminunits", "fontpkg-noto-serif"]
COMMUNE_TABLE = ["children_under_16", "ethnic_minority_share", "children_under_6", "children_special_or_difficult",
                 "sponsorship_coverage", "net_enrolment_primary", "net_enrolment_lower_secondary",
                 "national_standard_schools_share"]


class UnitNotInData(ValueError):
    """The unit asked for is not covered by the period's processed data."""


def processed_path(data_dir: Path | str, period: str) -> Path:
    return Path(data_dir) / "processed" / period / "indicators.parquet"


def read_indicators(data_dir: Path | str, period: str) -> pd.DataFrame:
    path = processed_path(data_dir, period)
    if not path.is_file():
        raise FileNotFoundError(f"chưa có số liệu đã xử lý cho kỳ {period} ({path}); chạy: baocao run --period {period}")
    return pd.read_parquet(path)


def resolve_unit(unit: object, codes: list[str]) -> str:
    """The unit code as text. papermill's `-p unit 06847` arrives as the int 6847: pad it to a
    province (2), district (3) or commune (5) code and keep the one the period's data covers."""
    text = str(unit).strip()
    if text in codes:
        return text
    candidates = sorted({text.zfill(width) for width in (2, 3, 5)} & set(codes)) if text.isdigit() else []
    if len(candidates) != 1:
        raise UnitNotInData(f"đơn vị '{text}' không có trong số liệu của kỳ này; các mã có: {', '.join(sorted(codes))}"
                            + (" (mã mơ hồ: truyền dưới dạng chuỗi, ví dụ -r unit 06847)" if candidates else ""))
    return candidates[0]


@dataclass(frozen=True)
class ReportContext:
    period: str
    level: str
    code: str
    name: str
    table: pd.DataFrame       # every indicator of every unit of the period
    aggregate_code: str      # the district (or province) the communes add up to
    trend: pd.DataFrame      # change on the previous period and progress status (pipelines.trends)
    history: pd.DataFrame    # every indicator of every period up to this one (`rebased` before a reform)

    def row(self, indicator_id: str, code: str | None = None) -> pd.Series:
        t = self.table
        return t[(t["indicator_id"] == indicator_id) & (t["unit_code"] == (code or self.code))].iloc[0]

    def value(self, indicator_id: str, code: str | None = None) -> float:
        return float(self.row(indicator_id, code)["value"])

    def show(self, indicator_id: str, code: str | None = None) -> str:
        """The formatted figure as HTML, kept on one line ("95,0 %" never breaks before "%")."""
        text = vi.value_with_unit(self.value(indicator_id, code), indicators.catalogue()[indicator_id].unit)
        return f'<span class="figure">{_e(text)}</span>'

    @property
    def communes(self) -> pd.DataFrame:
        t = self.table
        return t[t["level"] == "commune"][["unit_code", "unit_name"]].drop_duplicates().sort_values("unit_code")


def load(period: object, unit: object, data_dir: Path | str = "data") -> ReportContext:
    """Everything a report on `unit` for `period` needs, read through pipelines."""
    period = reference.normalise_period(period)
    table = read_indicators(data_dir, period)
    codes = sorted(set(table["unit_code"]))
    code = resolve_unit(unit, codes)
    own = table[table["unit_code"] == code].iloc[0]
    aggregate = table[table["level"] != "commune"]["unit_code"].iloc[0]
    trend = pd.read_parquet(processed_path(data_dir, period).with_name("trends.parquet"))
    history = pd.read_parquet(processed_path(data_dir, period).with_name("history.parquet"))
    return ReportContext(period, str(own["level"]), code, str(own["unit_name"]), table, str(aggregate), trend,
                         history)


def report_date(period: str, date: str = "") -> dt.date:
    """The date on the report: given as YYYY-MM-DD, or by default the 5th day after the period
    ends (a fixed date, so the same inputs always give the same report)."""
    return dt.date.fromisoformat(date) if date else reference.period_end(period) + dt.timedelta(days=5)


def in_sentence(name: str) -> str:
    """`Thị trấn Bình Liêu` → `thị trấn Bình Liêu`: the level word in lower case inside a sentence."""
    return name[:1].lower() + name[1:]


def _e(text: object) -> str:
    return html.escape(str(text))


def header_html(ctx: ReportContext, number: str = "…", date: str = "", issuing_body: str = "",
                place: str = "") -> str:
    """The header block of Decree 30/2020/NĐ-CP: issuing body and national motto, number, date, title.
    By default the People's Committee of the unit (its own name says its level) and the unit's place name."""
    body = issuing_body or f"ỦY BAN NHÂN DÂN {ctx.name.upper()}"
    place = place or reference.short_name(ctx.name)
    return f"""<header class="official-header">
<table class="header-block" role="presentation"><tr>
<td class="issuer"><p class="issuer-name">{_e(body)}</p><p class="doc-number">Số: {_e(number)}/BC-UBND</p></td>
<td class="motto"><p class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p class="motto-line">Độc lập - Tự do - Hạnh phúc</p>
<p class="date-line"><em>{_e(vi.date_line(place, report_date(ctx.period, date)))}</em></p></td>
</tr></table>
<h1 class="doc-title">BÁO CÁO<br><span class="subject">Kết quả thực hiện công tác bảo vệ, chăm sóc và giáo dục trẻ em
năm {_e(ctx.period)} trên địa bàn {_e(in_sentence(ctx.name))}</span></h1>
</header>"""


def general_situation_html(ctx: ReportContext) -> str:
    """I. General situation: children by age and ethnicity."""
    names = list(ctx.communes["unit_name"])
    if ctx.level == "province":
        where = f"Trên địa bàn {len(names)} xã có số liệu ({', '.join(names)})"
    elif ctx.level == "district":
        where = "Toàn huyện"
    else:
        where = f"Trên địa bàn {in_sentence(ctx.name)}"
    return f"""<section><h2>I. Tình hình chung</h2>
<p>{where} có <strong>{ctx.show('children_under_16')}</strong> trẻ em dưới 16 tuổi, trong đó trẻ em người dân tộc
thiểu số là <strong>{ctx.show('children_ethnic_minority')}</strong> trẻ ({ctx.show('ethnic_minority_share')});
trẻ em dưới 6 tuổi là <strong>{ctx.show('children_under_6')}</strong> trẻ.</p></section>"""


def _target_text(indicator_id: str, year: int) -> str:
    ind = indicators.catalogue()[indicator_id]
    target = ind.target_for(year)
    if target is None:
        return ""
    word = "dưới" if target.comparison == "<" else "đạt"
    return f"mục tiêu năm {target.year}: {word} {vi.value_with_unit(target.value, ind.unit)}"


def protection_html(ctx: ReportContext) -> str:
    """II.1 Protection, support and sponsorship."""
    year = int(ctx.period[:4])
    received = ctx.row("case_files_received")
    handled = ctx.row("case_files_handled_share")
    return f"""<section><h2>II. Kết quả thực hiện</h2><h3>1. Công tác bảo vệ, chăm sóc trẻ em</h3>
<p>Số trẻ em có hoàn cảnh đặc biệt và trẻ em có hoàn cảnh khó khăn là <strong>{ctx.show('children_special_or_difficult')}</strong>
trẻ, trong đó trẻ em có hoàn cảnh đặc biệt là {ctx.show('children_special_circumstances')} trẻ, chiếm
{ctx.show('special_circumstances_share')} tổng số trẻ em ({_target_text('special_circumstances_share', year)});
{ctx.show('special_circumstances_supported_share')} trẻ em có hoàn cảnh đặc biệt được trợ giúp
({_target_text('special_circumstances_supported_share', year)}).</p>
<p>Có <strong>{ctx.show('children_sponsored')}</strong> trẻ được các cơ quan, đơn vị nhận đỡ đầu, đạt
<strong>{ctx.show('sponsorship_coverage')}</strong> số trẻ cần đỡ đầu. Tổng giá trị quà tặng và chế độ chính sách cho trẻ em
nhân dịp Tết thiếu nhi 1/6 là {ctx.show('childrens_day_support_value')}.</p>
<p>Tiếp nhận <strong>{vi.number(received['numerator'])}</strong> hồ sơ liên quan đến trẻ em, đã xử lý
{vi.number(handled['numerator'])} hồ sơ ({ctx.show('case_files_handled_share')}).</p></section>"""


def _status(ctx: ReportContext, indicator_id: str) -> str:
    ind = indicators.catalogue()[indicator_id]
    target = ind.target_for(int(ctx.period[:4]))
    value = ctx.value(indicator_id)
    if target is None or pd.isna(value):
        return "–"
    return "Đạt" if target.met_by(value) else "Chưa đạt"


def education_html(ctx: ReportContext) -> str:
    """II.2 Education against the targets, as sentences and a table."""
    year = int(ctx.period[:4])
    ids = ["net_enrolment_preschool", "net_enrolment_primary", "net_enrolment_lower_secondary",
           "net_enrolment_upper_secondary", "national_standard_schools_share", "two_sessions_share"]
    rows = "".join(
        f"<tr><th scope=\"row\">{_e(indicators.catalogue()[i].name_vi)}</th><td class=\"num\">{ctx.show(i)}</td>"
        f"<td>{_e(_target_text(i, year)) or '–'}</td><td>{_status(ctx, i)}</td></tr>" for i in ids)
    return f"""<section><h3>2. Công tác giáo dục</h3>
<p>Tỷ lệ đi học đúng độ tuổi cấp tiểu học đạt {ctx.show('net_enrolment_primary')}, cấp trung học cơ sở
{ctx.show('net_enrolment_lower_secondary')}, cấp trung học phổ thông {ctx.show('net_enrolment_upper_secondary')};
tỷ lệ trường đạt chuẩn quốc gia {ctx.show('national_standard_schools_share')}; tỷ lệ trẻ mầm non và học sinh tiểu học
học 2 buổi/ngày {ctx.show('two_sessions_share')}.</p>
<div class="table-wrap"><table><caption>Chỉ tiêu giáo dục so với mục tiêu</caption>
<thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">Năm {_e(ctx.period)}</th><th scope="col">Mục tiêu</th>
<th scope="col">Đánh giá</th></tr></thead><tbody>{rows}</tbody></table></div></section>"""


def _change_text(row: pd.Series, unit: str) -> str:
    if pd.isna(row["previous_value"]):
        return "–"
    change = row["change"]
    points = "điểm %" if unit == "%" else unit
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{vi.number(abs(change), 0 if unit not in ('%', '‰', '/100.000') else 1)} {points} so với {row['previous_year']}"


def assessment_html(ctx: ReportContext) -> str:
    """III. Every indicator with a target: value, change on the previous period, target, status."""
    cat = indicators.catalogue()
    rows = []
    own = ctx.trend[ctx.trend["unit_code"] == ctx.code].set_index("indicator_id")
    for ind in cat.values():
        if not ind.targets or ind.id not in own.index:
            continue
        row = own.loc[ind.id]
        status = trends.STATUS_VI.get(row["status"], "–") if not pd.isna(row["status"]) else "–"
        rows.append(f"<tr><th scope=\"row\">{_e(ind.name_vi)}</th><td class=\"num\">{ctx.show(ind.id)}</td>"
                    f"<td>{_e(_change_text(row, ind.unit))}</td><td>{_e(_target_text(ind.id, int(ctx.period[:4])))}</td>"
                    f"<td class=\"status status-{_e(row['status'])}\">{_e(status)}</td></tr>")
    return f"""<section><h2>III. Đánh giá so với mục tiêu</h2>
<p>Tiến độ được đánh giá theo phương pháp của Open SDG: tốc độ thay đổi bình quân năm từ kỳ đầu tiên có số liệu so với
tốc độ cần có để đạt mục tiêu đúng hạn (xem Danh mục chỉ tiêu).</p>
<div class="table-wrap"><table><caption>Chỉ tiêu có mục tiêu, năm {_e(ctx.period)}</caption>
<thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">Năm {_e(ctx.period)}</th><th scope="col">Thay đổi</th>
<th scope="col">Mục tiêu</th><th scope="col">Đánh giá</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"""


def trend_html(ctx: ReportContext) -> str:
    """Key indicators of the unit over every period; periods re-based onto today's units are marked."""
    own = ctx.history[ctx.history["unit_code"] == ctx.code]
    periods = sorted(set(own["period"]))
    rebased = set(own.loc[own["rebased"], "period"])
    cat = indicators.catalogue()
    head = "".join(f'<th scope="col">{_e(p)}{"*" if p in rebased else ""}</th>' for p in periods)
    rows = []
    for indicator_id in settings.load("project.yml")["key_indicators"]:
        values = own[own["indicator_id"] == indicator_id].set_index("period")["value"]
        cells = "".join(f'<td class="num">{_e(vi.value_with_unit(values.get(p), cat[indicator_id].unit))}</td>'
                        for p in periods)
        rows.append(f'<tr><th scope="row">{_e(cat[indicator_id].name_vi)}</th>{cells}</tr>')
    note = (f'<p class="note">* Số liệu các kỳ {", ".join(sorted(rebased))} được quy đổi theo đơn vị hành chính hiện hành '
            '(sắp xếp đơn vị hành chính từ 01/07/2025): xã sáp nhập được cộng gộp, xã bị chia được phân bổ theo tỷ lệ '
            'trong tệp cấu hình đã được rà soát.</p>') if rebased else ""
    return f"""<section><h3>Xu hướng các chỉ tiêu chủ yếu</h3><div class="table-wrap"><table>
<caption>{_e(ctx.name)}: chỉ tiêu chủ yếu qua các kỳ</caption>
<thead><tr><th scope="col">Chỉ tiêu</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{note}</section>"""


def commune_table_html(ctx: ReportContext) -> str:
    """Appendix: every commune of the unit side by side, then the aggregate (ratio of sums)."""
    cat = indicators.catalogue()
    head = "".join(f'<th scope="col" title="{_e(cat[i].name_vi)}">{_e(cat[i].short_vi)}</th>' for i in COMMUNE_TABLE)
    body = []
    for code, name in [*ctx.communes.itertuples(index=False, name=None), (ctx.aggregate_code, None)]:
        label = name or ctx.row(COMMUNE_TABLE[0], code)["unit_name"]
        cls = ' class="total"' if name is None else (' class="current"' if code == ctx.code else "")
        cells = "".join(f'<td class="num">{ctx.show(i, code)}</td>' for i in COMMUNE_TABLE)
        body.append(f'<tr{cls}><th scope="row">{_e(label)}</th>{cells}</tr>')
    return f"""<section><h2>Phụ lục: Số liệu theo xã</h2><div class="table-wrap"><table class="communes">
<caption>Chỉ tiêu chủ yếu theo xã, năm {_e(ctx.period)}</caption>
<thead><tr><th scope="col">Đơn vị</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>
<p class="note">DTTS: dân tộc thiểu số; HCĐB: hoàn cảnh đặc biệt; HCKK: hoàn cảnh khó khăn; THCS: trung học cơ sở.
Số liệu của {_e(ctx.row(COMMUNE_TABLE[0], ctx.aggregate_code)["unit_name"])} bằng tổng tử số chia tổng mẫu số của các xã,
không phải trung bình tỷ lệ các xã.</p></section>"""


def data_quality_html(ctx: ReportContext, data_dir: Path | str = "data") -> str:
    """Appendix: the validation warnings of the period (errors never reach a published report)."""
    path = Path(data_dir) / "processed" / ctx.period / "validation-problems.parquet"
    problems = pd.read_parquet(path) if path.is_file() else pd.DataFrame(columns=["severity", "message"])
    warnings = problems[problems["severity"] == "warning"]["message"]
    body = ("<ul>" + "".join(f"<li>{_e(m)}</li>" for m in warnings) + "</ul>" if len(warnings) else
            "<p>Số liệu đầu vào đạt mọi quy tắc kiểm tra; không có cảnh báo.</p>")
    return f"""<section><h2>Phụ lục: Chất lượng số liệu</h2>
<p>Số liệu của kỳ {_e(ctx.period)} đã được kiểm tra tự động (Great Expectations) trước khi tính toán. Lỗi chặn việc
công bố; cảnh báo (ví dụ số liệu thay đổi hơn 50 % so với kỳ trước) được liệt kê dưới đây để đơn vị kiểm tra lại.</p>
{body}</section>"""


def methodology_html(ctx: ReportContext, hashes: list[tuple[str, str]] | None = None) -> str:
    """Appendix: how each indicator is defined, and which raw files (by SHA-256) it came from."""
    cat = indicators.catalogue()
    items = "".join(f"<li><strong>{_e(i.name_vi)}</strong>: {_e(definitions.formula_text(i))}. Nguồn: {_e(i.source)}.</li>"
                    for i in cat.values())
    files = "".join(f"<li><code>{_e(name)}</code>: SHA-256 <code class=\"hash\">{h}</code></li>" for name, h in hashes or [])
    versions = "".join(f"<li>{_e(package)} {_e(metadata.version(package))}</li>" for package in SOFTWARE)
    return f"""<section><h2>Phụ lục: Phương pháp tính và nguồn số liệu</h2><ul class="definitions">{items}</ul>
{f'<h3>Tệp số liệu đầu vào</h3><ul>{files}</ul>' if files else ''}
<h3>Phần mềm</h3><ul>{versions}</ul>
<p class="note">Số liệu mẫu là số liệu tổng hợp (giả lập), trừ các số liệu cấp huyện năm 2024 lấy từ bài báo đã công bố.</p></section>"""

