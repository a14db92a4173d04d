"""The national report (issue 20) on a small country (tests/national_fixture.py: the sample's seven
communes in three provinces, 3 of 63 with data): province rows computed with the country's, the
coverage against the list in force, the ministry's header of the period, the provinces needing
attention, the province fact sheets; then one whole run (slow) that publishes them all."""

import pandas as pd
import pytest

import national_fixture
from conftest import build_processed
from pipelines.core import datasets
from pipelines.publish import jobs
from pipelines.report import context, factsheet, ministry, narrative, national, sections
from pipelines.units.period import Period
from pipelines.units.scope import Scope, coverage

PROVINCES = {"01": ("00001", "00004"), "22": ("06838", "06841", "06844"), "79": ("26734", "26737")}


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    """The small country's processed 2024 (with 2023 for trends), made without rendering."""
    data = national_fixture.make(tmp_path_factory.mktemp("country"))
    build_processed(data, "2024")
    return data


def test_national_coverage_adds_provinces_and_province_sheets():
    cover = coverage(Period.parse("2024"), Scope.parse("national"), sorted(national_fixture.REMAP.values()), True)
    assert [(a.code, a.communes) for a in cover.above] == list(PROVINCES.items())
    assert [(level, code) for level, code, _ in cover.reports] == [("national", ""), ("province", "01"),
                                                                 ("province", "22"), ("province", "79")]
    todo = jobs.jobs(Period.parse("2024"), "data", "processed", cover, [("vi", "internal")], {"number": "7"})
    assert [(j.stem, j.notebook) for j in todo] == [
        ("bao-cao-tre-em-2024-toan-quoc", "05-national-report.ipynb"),
        ("bao-cao-tre-em-2024-tinh-01", "04-commune-factsheet.ipynb"),
        ("bao-cao-tre-em-2024-tinh-22", "04-commune-factsheet.ipynb"),
        ("bao-cao-tre-em-2024-tinh-79", "04-commune-factsheet.ipynb"),
        ("danh-muc-chi-tieu", "03-indicator-catalogue.ipynb")]
    assert todo[0].parameters["number"] == "7" and "number" not in todo[1].parameters  # the scope's own report


def test_the_ministry_of_the_period():
    assert [ministry.key(Period.parse(p)) for p in ("2024", "2024-Q4", "2025-H1", "2025")] == \
        ["molisa", "molisa", "health", "health"]


def test_province_rows_are_sums_of_their_communes(country):
    table = pd.read_parquet(datasets.in_folder(country / "processed" / "2024", datasets.INDICATORS))
    children = table[table["indicator_id"] == "children_under_16"].set_index("unit_code")
    # population.csv of the sample, M + F: 06838 2044, 06841 1115, 06844 1022 (Quảng Ninh);
    # 06847 1301, 06853 1673 (as Hà Nội); 06856 1394, 06859 743 (as Thành phố Hồ Chí Minh)
    assert {code: int(children.loc[code, "numerator"]) for code in ("01", "22", "79", "")} == \
        {"01": 2974, "22": 4181, "79": 2137, "": 9292}
    assert children.loc["22", "unit_name"] == "Tỉnh Quảng Ninh" and children.loc["22", "level"] == "province"
    communes = table[table["level"] == "commune"]
    for code, members in PROVINCES.items():
        mine = communes[communes["unit_code"].isin(members)].groupby("indicator_id")[["numerator", "denominator"]].sum()
        own = table[table["unit_code"] == code].set_index("indicator_id")
        assert (own["numerator"] == mine["numerator"].reindex(own.index)).all()
        assert (own["communes_included"] == len(members)).all()


def test_national_report_sections(country):
    ctx = context.load("2024", "", country)
    assert (ctx.level, ctx.peer_level, list(ctx.peers["unit_code"])) == ("national", "province", ["01", "22", "79"])
    head = national.header_html(ctx, "12")
    assert '<span class="line">BỘ LAO ĐỘNG - THƯƠNG BINH</span><br><span class="line">VÀ XÃ HỘI</span>' in head
    assert "Số:&nbsp;12/BC-BLĐTBXH" in head and "Hà Nội, ngày 05 tháng 01 năm 2025" in head
    assert "năm&nbsp;2024 trên phạm vi toàn quốc" in head
    assert '<span class="line">BỘ Y TẾ</span>' in national.header_html(ctx, body="BỘ Y TẾ")
    cover = national.coverage_html(ctx)
    assert ("<p>3/63 tỉnh/thành phố có số liệu kỳ 2024 (7/10.035 đơn vị hành chính cấp xã theo danh mục đơn vị hành "
            "chính áp dụng cho kỳ báo cáo); số liệu toàn quốc và của mỗi tỉnh/thành phố là tổng của các đơn vị hành "
            "chính cấp xã có số liệu.</p>") in cover
    assert "<p>Chưa có số liệu (60 tỉnh/thành phố): Tỉnh Hà Giang, Tỉnh Cao Bằng," in cover
    assert ("<p>Chưa đủ số liệu cấp xã (3 tỉnh/thành phố): Thành phố Hà Nội 2/526; Tỉnh Quảng Ninh 3/171; "
            "Thành phố Hồ Chí Minh 2/273.</p>") in cover
    assert "Trên phạm vi toàn quốc (7 đơn vị hành chính cấp xã có số liệu) có <strong>" in narrative.general_situation_html(ctx)
    attention = sections.attention_html(ctx)
    assert "<h2>IV. Các đơn vị cấp tỉnh cần quan tâm</h2>" in attention
    assert ("thành phố Hồ Chí Minh (<span class=\"figure\">11,2 %</span>); thành phố Hà Nội "
            "(<span class=\"figure\">10,8 %</span>)") in attention
    table = sections.commune_table_html(ctx)
    assert [name in table for name in ("Thành phố Hà Nội", "Tỉnh Quảng Ninh", "Thành phố Hồ Chí Minh", "Toàn quốc")] == [True] * 4
    assert "Xã Hoành Mô" not in table
    closing = national.closing_html(ctx)
    assert '<p class="nation">BỘ TRƯỞNG</p>' in closing and "<li>- Thủ tướng Chính phủ (b/c);</li>" in closing
    english = context.load("2024", "", country, lang="en")
    assert "No.:&nbsp;…/BC-BLĐTBXH" in national.header_html(english)
    assert "3 of 63 provinces and centrally-run cities have data for 2024" in national.coverage_html(english)


def test_province_fact_sheet_one_level_up(country):
    ctx = factsheet.load("2024", "22", country)
    assert ctx.is_sheet and list(ctx.communes["unit_code"]) == ["06838", "06841", "06844"]
    assert str(factsheet.rank_text(ctx, "children_under_16")) == "cao nhất"  # 4.181 of 2.974 and 2.137
    assert "Trên địa bàn tỉnh Quảng Ninh (3 đơn vị hành chính cấp xã có số liệu) có" in narrative.general_situation_html(ctx)
    assert "<li>- Bộ Lao động - Thương binh và Xã hội (b/c);</li>" in sections.closing_html(ctx)
    with pytest.raises(factsheet.NotACommune):
        factsheet.load("2024", "", country)


@pytest.mark.slow
def test_a_national_run_publishes_the_report_and_province_sheets(tmp_path):
    from pipelines.publish import run

    data = national_fixture.make(tmp_path)
    run.run_period(Period.parse("2024"), data, tmp_path / "reports", say=lambda _: None, scope=Scope.parse("national"))
    published = sorted(p.name for p in (tmp_path / "reports" / "2024").glob("bao-cao-*.pdf"))
    assert published == ["bao-cao-tre-em-2024-tinh-01.pdf", "bao-cao-tre-em-2024-tinh-22.pdf",
                         "bao-cao-tre-em-2024-tinh-79.pdf", "bao-cao-tre-em-2024-toan-quoc.pdf"]
    page = (tmp_path / "reports" / "2024" / "bao-cao-tre-em-2024-toan-quoc.html").read_text(encoding="utf-8")
    assert "3/63 tỉnh/thành phố có số liệu kỳ 2024" in page and "BỘ LAO ĐỘNG - THƯƠNG BINH" in page
