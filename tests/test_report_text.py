"""The words of the report sections (pipelines/report.py, sections.py, factsheet.py) in Vietnamese
and English, and the commune fact sheet, checked against the processed 2024 and 2025 data of the
sample (the `processed_sample` fixture: both periods, made as a run makes them, stopped before rendering)."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from pipelines.core import text
from pipelines.report import context, factsheet, narrative, sections
from pipelines.report.header import header_html
from pipelines.units import reference

REPO = Path(__file__).resolve().parent.parent
DATA = None  # the data folder of the sample run, set by _sample_run
VI_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


@pytest.fixture(autouse=True, scope="module")
def _sample_run(processed_sample):
    global DATA
    DATA = processed_sample


def _processed(period: str):
    return DATA / "processed" / period


def _ctx(period: str, unit: str, lang: str) -> context.ReportContext:
    _processed(period)
    return context.load(period, unit, DATA, lang)


def _text(fragment: str) -> str:
    words = " ".join(BeautifulSoup(fragment, "html.parser").get_text(" ").split())
    return words.replace("( ", "(").replace(" )", ")")


def _sections(ctx: context.ReportContext) -> list[str]:
    """What notebook 01 shows of a district or province, or notebook 04 of a commune (text only)."""
    if ctx.level == "commune":
        return [header_html(ctx), narrative.general_situation_html(ctx), narrative.protection_html(ctx),
                factsheet.education_html(ctx), factsheet.health_html(ctx), factsheet.assessment_html(ctx),
                factsheet.attention_html(ctx), sections.closing_html(ctx),
                factsheet.data_quality_html(ctx, sections.validation_warnings(ctx)), factsheet.methodology_html(ctx)]
    return [header_html(ctx), narrative.general_situation_html(ctx), narrative.protection_html(ctx),
            narrative.education_html(ctx), sections.health_html(ctx), narrative.assessment_html(ctx),
            narrative.trend_html(ctx), sections.attention_html(ctx), sections.closing_html(ctx),
            sections.commune_table_html(ctx), sections.data_quality_html(ctx),
            sections.methodology_html(ctx, [("population.csv", "0" * 64)])]


def _notebook_code(name: str) -> str:
    """The code cells of a notebook of notebooks/, as one text."""
    cells = json.loads((REPO / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    return "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                     for c in cells if c["cell_type"] == "code")


# --- unit names and sections ------------------------------------------------------------------

def test_unit_names_keep_the_proper_name_and_translate_the_level_word():
    assert context.unit_name("Huyện Bình Liêu", "en") == "Bình Liêu District"
    assert context.unit_name("Xã Đồng Văn", "en") == "Đồng Văn Commune"
    assert context.unit_name("Thị trấn Bình Liêu", "en") == "Bình Liêu Township"
    assert context.unit_name("Tỉnh Quảng Ninh", "en") == "Quảng Ninh Province"
    assert context.unit_name("Xã Đồng Văn", "vi") == "Xã Đồng Văn"
    assert context.unit_name("Thị trấn Bình Liêu", "vi", lower=True) == "thị trấn Bình Liêu"


@pytest.mark.parametrize("n, expected", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                         (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd")])
def test_english_ordinals(n, expected):
    ctx = _ctx("2024", "06847", "en")
    assert factsheet.ordinal(ctx, n) == expected


# --- district report, both languages -----------------------------------------------------------

def test_general_situation_figures_are_written_the_way_of_each_language():
    vi = _text(narrative.general_situation_html(_ctx("2024", "198", "vi")))
    en = _text(narrative.general_situation_html(_ctx("2024", "198", "en")))
    assert "Toàn huyện có 9.292 trẻ em dưới 16 tuổi" in vi and "(95,0 %)" in vi and "2.973" in vi
    assert "In the district there are 9,292 children under 16" in en and "(95.0%)" in en and "2,973" in en


def test_english_header_follows_the_decree_30_layout():
    header = _text(header_html(_ctx("2024", "198", "en")))
    assert header == ("PEOPLE'S COMMITTEE OF BÌNH LIÊU DISTRICT No.: …/BC-UBND SOCIALIST REPUBLIC OF VIET NAM "
                      "Independence - Freedom - Happiness Bình Liêu, 5 January 2025 REPORT Results of the protection, "
                      "care and education of children in Bình Liêu District in 2024")


def test_vietnamese_header_is_unchanged():
    header = _text(header_html(_ctx("2024", "198", "vi")))
    assert header.startswith("ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU Số: …/BC-UBND CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
                             "Độc lập - Tự do - Hạnh phúc Bình Liêu, ngày 05 tháng 01 năm 2025 BÁO CÁO")


@pytest.mark.parametrize("lang, title, signed, to", [("vi", "CHỦ TỊCH", "(đã ký)", "UBND tỉnh (b/c)"),
                                                     ("en", "CHAIRPERSON", "(signed)", "Provincial People")])
def test_an_empty_signer_title_is_the_chairperson(lang, title, signed, to):
    closing = _text(sections.closing_html(_ctx("2024", "198", lang), signer_title=""))
    assert title in closing and signed in closing and to in closing
    assert "PHÓ CHỦ TỊCH" in _text(sections.closing_html(_ctx("2024", "198", lang), signer_title="PHÓ CHỦ TỊCH"))


def test_money_and_progress_status_in_english():
    ctx = _ctx("2024", "198", "en")
    assert "205,350,000 VND" in _text(narrative.protection_html(ctx))
    assessment = _text(narrative.assessment_html(ctx))
    assert "Indicators with a target, 2024" in assessment and ("Off track" in assessment or "On track" in assessment)


@pytest.mark.parametrize("period, unit", [("2024", "198"), ("2024", "06847"), ("2025", "22"), ("2025", "06841")])
def test_english_sections_have_no_vietnamese_but_names(period, unit):
    ctx = _ctx(period, unit, "en")
    words = _text("".join(_sections(ctx)))
    names = {reference.short_name(n) for n in ctx.table["unit_name"].unique()}
    for name in sorted(names | {n.upper() for n in names}, key=len, reverse=True):
        words = words.replace(name, "")
    assert VI_LETTERS.findall(words) == [], words


# --- commune fact sheet ------------------------------------------------------------------------

def _rank_by_hand(period: str, code: str, indicator_id: str, lower_is_better: bool) -> tuple[int, int]:
    """Position of `code` among the communes, worst first (ties by code), straight from the parquet."""
    table = pd.read_parquet(_processed(period) / "indicators.parquet")
    rows = table[(table["level"] == "commune") & (table["indicator_id"] == indicator_id) & table["value"].notna()]
    worst_first = sorted(zip(rows["value"], rows["unit_code"]), key=lambda r: ((-r[0] if lower_is_better else r[0]), r[1]))
    return [c for _, c in worst_first].index(code) + 1, len(worst_first)


def test_the_attention_table_names_the_commune_rank_computed_by_hand():
    ctx = _ctx("2024", "06847", "vi")
    assert "net_enrolment_upper_secondary" in sections.lagging(ctx) and "under_5_mortality" in sections.lagging(ctx)
    position, count = _rank_by_hand("2024", "06847", "net_enrolment_upper_secondary", lower_is_better=False)
    assert (position, count) == (2, 7)
    high, _ = _rank_by_hand("2024", "06847", "under_5_mortality", lower_is_better=True)
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
            for tr in BeautifulSoup(factsheet.attention_html(ctx), "html.parser").tbody.find_all("tr")}
    assert rows["Tỷ lệ đi học đúng độ tuổi cấp trung học phổ thông"] == ["71,4 %", f"thấp thứ {position}", "75,2 %"]
    assert rows["Tử vong dưới 5 tuổi"][1] == ("cao nhất" if high == 1 else f"cao thứ {high}")
    assert "Thứ hạng trong 7 đơn vị cấp xã" in factsheet.attention_html(ctx) and "Huyện Bình Liêu" in factsheet.attention_html(ctx)
    english = _text(factsheet.attention_html(_ctx("2024", "06847", "en")))
    assert "2nd lowest" in english and "Place among 7 commune-level units" in english and "Bình Liêu District" in english


def test_a_rank_in_the_better_half_is_counted_from_the_other_end():
    ctx = _ctx("2024", "06838", "vi")
    position, count = _rank_by_hand("2024", "06838", "net_enrolment_upper_secondary", lower_is_better=False)
    expected = "cao nhất" if position == count else (
        f"cao thứ {count - position + 1}" if position > (count + 1) / 2 else f"thấp thứ {position}")
    assert factsheet.rank_text(ctx, "net_enrolment_upper_secondary") == expected


def test_a_fact_sheet_has_no_commune_table_no_trend_table_no_education_table():
    ctx = _ctx("2024", "06847", "vi")
    code = _notebook_code("04-commune-factsheet.ipynb")
    for full_report_only in ("commune_table_html", "trend_html", "breakdown_html", "narrative.education_html",
                             "narrative.assessment_html", "sections.attention_html", "sections.methodology_html"):
        assert full_report_only not in code, full_report_only
    assert "<table" not in factsheet.education_html(ctx) and "99,1 %" in factsheet.education_html(ctx)
    assert 'class="factsheet"' in factsheet.assessment_html(ctx) and "So với 2023" in factsheet.assessment_html(ctx)


def test_the_full_report_notebook_calls_no_fact_sheet_section():
    assert "factsheet." not in _notebook_code("01-children-report.ipynb")


def test_a_fact_sheet_is_refused_for_a_district():
    with pytest.raises(factsheet.NotACommune, match="01-children-report"):
        factsheet.load("2024", "198", DATA)


def test_names_and_messages_from_the_data_are_escaped():
    ctx = _ctx("2024", "06847", "vi")
    warnings = pd.DataFrame({"severity": ["warning"], "commune_code": ["06847"], "message": ["<script>x</script> & (06847)"]})
    shown = factsheet.data_quality_html(ctx, warnings)
    assert "&lt;script&gt;x&lt;/script&gt; &amp; (06847)" in shown and "<script>" not in shown
    closing = sections.closing_html(ctx, signer="Nguyễn <Văn> A", recipients="UBND <huyện>;Lưu: VT")
    assert "Nguyễn &lt;Văn&gt; A" in closing and "- UBND &lt;huyện&gt;;" in closing


def test_a_fact_sheet_lists_only_the_warnings_about_its_commune():
    ctx = _ctx("2024", "06847", "vi")
    warnings = pd.DataFrame({"severity": ["warning"] * 2, "commune_code": ["06847", "06841"],
                             "message": ["Số trẻ em của xã Đồng Văn (06847) tăng 60 % so với kỳ trước",
                                         "Số trẻ em của xã Hoành Mô (06841) tăng 70 % so với kỳ trước"]})
    shown = _text(factsheet.data_quality_html(ctx, warnings))
    assert "xã Đồng Văn (06847)" in shown and "Hoành Mô" not in shown
    assert "không có cảnh báo" in _text(factsheet.data_quality_html(ctx, warnings.iloc[1:]))


def test_a_fact_sheet_points_to_the_catalogue_and_the_district_report():
    method = _text(factsheet.methodology_html(_ctx("2024", "06847", "vi")))
    assert "Danh mục chỉ tiêu kỳ 2024" in method and "huyện Bình Liêu" in method and "0" * 64 not in method


def test_a_2025_commune_reports_to_the_province():
    ctx = _ctx("2025", "06841", "vi")
    assert ctx.aggregate["level"] == "province"
    closing = _text(sections.closing_html(ctx))
    assert "UBND tỉnh (b/c)" in closing and "CHỦ TỊCH" in closing
    assert "Tỉnh Quảng Ninh" in factsheet.attention_html(ctx)
