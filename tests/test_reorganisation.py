"""Reporting across the 1 July 2025 reorganisation: new units, re-based trends, scopes."""

import pandas as pd
import pytest

from conftest import SAMPLE, baocao_here
from pipelines.units.period import Period
from pipelines.units import scope
from test_end_to_end import html_text

NEW_COMMUNES = ["06838", "06841", "06856"]


def test_2025_publishes_the_province_and_each_new_commune(published_2025):
    work, done = published_2025
    names = sorted(p.name for p in (work / "reports" / "2025").glob("*.pdf"))
    assert names == ["bao-cao-tre-em-2025-tinh-22.pdf", "bao-cao-tre-em-2025-xa-06838.pdf",
                     "bao-cao-tre-em-2025-xa-06841.pdf", "bao-cao-tre-em-2025-xa-06856.pdf", "danh-muc-chi-tieu.pdf"]
    assert "Tỉnh Quảng Ninh, Xã Bình Liêu, Xã Hoành Mô, Xã Lục Hồn" in done.stdout


def test_issuing_body_follows_the_scope(published_2025):
    work, _ = published_2025
    commune = " ".join(html_text(work / "reports" / "2025" / "bao-cao-tre-em-2025-xa-06838.html").split())
    province = " ".join(html_text(work / "reports" / "2025" / "bao-cao-tre-em-2025-tinh-22.html").split())
    assert "ỦY BAN NHÂN DÂN XÃ BÌNH LIÊU" in commune and "Bình Liêu, ngày 05 tháng 01 năm 2026" in commune
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in province
    assert "Trên địa bàn 3 xã có số liệu (Xã Bình Liêu, Xã Hoành Mô, Xã Lục Hồn)" in province


def test_province_report_shows_2022_to_2025_trend_marked_rebased(published_2025):
    work, _ = published_2025
    text = " ".join(html_text(work / "reports" / "2025" / "bao-cao-tre-em-2025-tinh-22.html").split())
    assert "Tỉnh Quảng Ninh: chỉ tiêu chủ yếu qua các kỳ Chỉ tiêu 2022* 2023* 2024* 2025" in text
    assert "* Số liệu các kỳ 2022, 2023, 2024 được quy đổi theo đơn vị hành chính hiện hành" in text


def test_commune_fact_sheet_marks_its_change_on_a_rebased_year(published_2025):
    work, _ = published_2025
    text = " ".join(html_text(work / "reports" / "2025" / "bao-cao-tre-em-2025-xa-06838.html").split())
    assert "Chỉ tiêu Năm 2025 So với 2024* Mục tiêu Đánh giá" in text
    assert "* Số liệu các kỳ 2022, 2023, 2024 được quy đổi theo đơn vị hành chính hiện hành" in text


def test_rebased_history_adds_up_the_merged_communes(published_2025):
    work, _ = published_2025
    history = pd.read_parquet(work / "data" / "processed" / "2025" / "history.parquet")
    population = pd.read_csv(SAMPLE / "2024" / "population.csv", dtype={"commune_code": str})
    under_16 = population.groupby("commune_code")["children_under_16"].sum()
    rows = history[(history.period == "2024") & (history.indicator_id == "children_under_16")].set_index("unit_code")
    assert rows.loc["06841", "numerator"] == under_16["06841"] + under_16["06847"]  # Hoành Mô + Đồng Văn
    assert rows.loc["06856", "numerator"] == under_16["06856"] + under_16["06844"]  # Lục Hồn + Đồng Tâm
    assert rows.loc["06841", "rebased"] and not history[history.period == "2025"]["rebased"].any()
    assert sorted(history[history.level == "commune"].unit_code.unique()) == NEW_COMMUNES


def test_index_lists_every_period(published_2025):
    work, _ = published_2025
    index = (work / "reports" / "index.html").read_text(encoding="utf-8")
    assert index.index("Kỳ 2025") < index.index("Kỳ 2024")
    assert 'href="2024/bao-cao-tre-em-2024-huyen-198.pdf"' in index
    assert 'href="2025/bao-cao-tre-em-2025-xa-06856.html"' in index


def test_scopes_resolve_by_the_list_in_force():
    province = scope.coverage(Period.parse("2025"), scope.Scope.parse("province:22"), NEW_COMMUNES, commune_reports=True)
    assert (province.aggregate.level, province.aggregate.name) == ("province", "Tỉnh Quảng Ninh")
    assert [code for _, code, _ in province.reports] == ["22", *NEW_COMMUNES]
    commune = scope.coverage(Period.parse("2025"), scope.Scope.parse("commune:06838"), NEW_COMMUNES)
    assert commune.reports == (("commune", "06838", "Xã Bình Liêu"),)
    legacy = scope.coverage(Period.parse("2024"), scope.Scope.parse("district:198"), [])
    assert legacy.aggregate.name == "Huyện Bình Liêu" and len(legacy.communes) == 7
    assert [(a.level, a.code, a.name) for a in legacy.above] == [("province", "22", "Tỉnh Quảng Ninh")]
    assert len(legacy.above[0].communes) > 100 and set(legacy.communes["code"]) <= set(legacy.above[0].communes)
    with pytest.raises(ValueError, match="kỳ 2025: cấp huyện không còn từ 01/07/2025"):
        scope.coverage(Period.parse("2025"), scope.Scope.parse("district:198"), NEW_COMMUNES)
    with pytest.raises(ValueError, match="phạm vi 'xa:06838' không hợp lệ"):
        scope.Scope.parse("xa:06838")


def test_district_scope_after_the_reform_fails_with_the_reason(published_2025, capsys):
    work, _ = published_2025
    done = baocao_here(capsys, "run", "--period", "2025", "--scope", "district:198", "--data-dir", work / "data",
                       "--reports-dir", work / "reports")
    assert done.returncode == 3
    assert done.stderr.strip().endswith("LỖI: kỳ 2025: cấp huyện không còn từ 01/07/2025; dùng province:<mã tỉnh> hoặc commune:<mã xã>")
