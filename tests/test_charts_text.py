"""Charts and the catalogue page in each language, checked against figures computed by hand from
the processed data of the 2024 sample (the `processed_sample` fixture: a run stopped before rendering)."""

import html
import json
import re
from pathlib import Path
from decimal import ROUND_HALF_UP, Decimal
import pandas as pd
import pytest

from conftest import REPO
from pipelines.report import charts, context, definitions

@pytest.fixture(scope="module")
def data_dir(processed_sample):
    return processed_sample


def _by_hand(data_dir, unit: str, indicator_id: str, decimal_mark: str, percent_sign: str) -> str:
    """numerator / denominator × 100 from the parquet, rounded half up to one decimal, written by hand."""
    table = pd.read_parquet(data_dir / "processed" / "2024" / "indicators.parquet")
    row = table[(table["unit_code"] == unit) & (table["indicator_id"] == indicator_id)].iloc[0]
    value = Decimal(int(row["numerator"]) * 100) / Decimal(int(row["denominator"]))
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = str(rounded).rstrip("0").rstrip(".") if rounded == rounded.to_integral() else str(rounded)
    return text.replace(".", decimal_mark) + percent_sign


def _alt(figure: str) -> str:
    return html.unescape(re.search(r'alt="([^"]*)"', figure).group(1))


@pytest.fixture(scope="module")
def district_en(data_dir):
    return context.load("2024", "198", data_dir, "en")


@pytest.fixture(scope="module")
def commune_vi(data_dir):
    return context.load("2024", "06847", data_dir, "vi")


def test_english_alt_text_of_the_education_chart(district_en, data_dir):
    alt = _alt(charts.education_against_targets(district_en))
    expected = _by_hand(data_dir, "198", "net_enrolment_primary", ".", "%")  # 99.4%
    assert alt.startswith("Horizontal bar chart of the education rates, 2024: ")
    assert f"Net enrolment rate, primary: {expected}, target 99.9%" in alt
    assert "Tỷ lệ" not in alt and "mục tiêu" not in alt


def test_english_captions_of_district_charts(district_en, data_dir):
    assert "<figcaption>Figure 1. Education indicators of Bình Liêu, 2024" in charts.education_against_targets(district_en)
    compared = charts.communes_compared(district_en, "net_enrolment_lower_secondary", number=2)
    assert "Bình Liêu (all communes): " + _by_hand(data_dir, "198", "net_enrolment_lower_secondary", ".", "%") in _alt(compared)
    assert "<figcaption>Figure 4. Key indicators of Bình Liêu" in charts.trends_against_targets(district_en)


def _notebook_code(name: str) -> str:
    cells = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / name).read_text(encoding="utf-8"))["cells"]
    return "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                     for c in cells if c["cell_type"] == "code")


def test_commune_standing_only_for_a_commune():
    assert "charts.commune_standing(ctx)" in _notebook_code("04-commune-factsheet.ipynb")
    assert "commune_standing" not in _notebook_code("01-children-report.ipynb")


def test_commune_standing_lists_the_commune_against_its_district(commune_vi, data_dir):
    figure = charts.commune_standing(commune_vi)
    assert figure.startswith('<figure class="chart"><img src="data:image/png;base64,')
    alt = _alt(figure)
    own = _by_hand(data_dir, "06847", "net_enrolment_primary", ",", " %")  # 99,1 %
    district = _by_hand(data_dir, "198", "net_enrolment_primary", ",", " %")
    assert f"Tỷ lệ đi học đúng độ tuổi cấp tiểu học: Xã Đồng Văn {own}, Huyện Bình Liêu {district}" in alt
    assert "mục tiêu năm 2030: đạt ít nhất 99,9 %" in alt
    assert "<figcaption>Hình 1. " in figure
    assert figure == charts.commune_standing(commune_vi)  # the same PNG bytes every time


def test_a_commune_fact_sheet_has_no_district_charts():
    code = _notebook_code("04-commune-factsheet.ipynb")
    for chart in ("education_against_targets", "communes_compared", "trends_against_targets"):
        assert chart not in code and f"charts.{chart}(ctx" in _notebook_code("01-children-report.ipynb")


def test_english_catalogue_page():
    page = definitions.page_html("2024", "en")
    assert "Children under 16" in page and "<dt>Definition</dt>" in page and "Higher is better" in page
    for vietnamese in ("Định nghĩa", "Công thức", "Tổng ", "chỉ tính", "đạt ít nhất", "Càng cao", "DANH MỤC"):
        assert vietnamese not in page, vietnamese


def test_vietnamese_catalogue_page_keeps_its_words():
    page = definitions.page_html("2024")
    assert "<dt>Định nghĩa</dt>" in page and "Năm 2025: dưới 6,5 %" in page and "đạt từ 95 %" in page
    assert "99,9 %" not in page  # without a deployment: national targets only


def test_catalogue_page_shows_the_deployments_own_targets_with_their_units():
    page = definitions.page_html("2024", "vi", str(REPO / "data"))
    assert ("Năm 2030: đạt ít nhất 99,9 % (Kế hoạch của huyện Bình Liêu) – áp dụng cho Huyện Bình Liêu (198) "
            "và các xã thuộc đơn vị đó") in page


def test_every_source_and_unit_of_the_catalogue_has_its_words():
    from pipelines.indicators import catalogue

    for ind in catalogue.entries().values():
        for source in [ind.source, *(t.source for t in ind.targets)]:
            assert definitions.source_text(source, "vi") == source
            assert definitions.source_text(source, "en") != source, f"{ind.id}: no English for source {source!r}"
        assert ind.unit in definitions.UNIT_KEYS, ind.unit
