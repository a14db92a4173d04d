"""The reform of 1 July 2025: old communes → new communes, figures re-based, codes of the wrong list refused.

Expected values are written out by hand from the domain notes (shared/domain.md, "Administrative
units") and from the committed 2024 sample (data/raw/2024), with the arithmetic in comments.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from pipelines.core import settings
from pipelines.intake import raw
from pipelines.units import crosswalk, reference
from pipelines.validate import crosscheck, validation
from pipelines.units.period import Period

DATA = Path(__file__).resolve().parents[1] / "data"
BINH_LIEU = ["06838", "06841", "06844", "06847", "06853", "06856", "06859"]
NEW = pd.DataFrame({"code": ["06838", "06841", "06856"], "name": ["Xã Bình Liêu", "Xã Hoành Mô", "Xã Lục Hồn"]})

# Old commune → new commune, weight, divided?, where the weight comes from.
EXPECTED = [
    ("06838", "Thị trấn Bình Liêu", "06838", "Xã Bình Liêu", 1.0, False, "whole"),
    ("06841", "Xã Hoành Mô", "06841", "Xã Hoành Mô", 1.0, False, "whole"),
    ("06844", "Xã Đồng Tâm", "06856", "Xã Lục Hồn", 1.0, False, "whole"),
    ("06847", "Xã Đồng Văn", "06841", "Xã Hoành Mô", 1.0, False, "whole"),
    ("06853", "Xã Vô Ngại", "06838", "Xã Bình Liêu", 0.7, True, "config"),  # the package's default part first
    ("06853", "Xã Vô Ngại", "06862", "Xã Tiên Yên", 0.3, True, "config"),
    ("06856", "Xã Lục Hồn", "06856", "Xã Lục Hồn", 1.0, False, "whole"),
    ("06859", "Xã Húc Động", "06838", "Xã Bình Liêu", 1.0, False, "whole"),
]


@pytest.fixture(scope="module")
def typed_2024() -> dict[str, pd.DataFrame]:
    return {name: raw.typed(name, frame) for name, frame in raw.read_period(DATA, "2024").items()}


@pytest.fixture(scope="module")
def rebased_frames(typed_2024) -> dict[str, pd.DataFrame]:
    return crosswalk.rebase(typed_2024, Period.parse("2024"), Period.parse("2025"), "22")


@pytest.fixture(scope="module")
def rebased(rebased_frames) -> dict[str, pd.DataFrame]:
    return {name: frame.set_index(list(raw.forms()[name].key)) for name, frame in rebased_frames.items()}


def test_conversion_of_the_seven_binh_lieu_communes():
    table = crosswalk.conversion("22")
    assert list(table.columns) == crosswalk.COLUMNS
    mine = table[table["legacy_code"].isin(BINH_LIEU)]
    assert [tuple(row) for row in mine.itertuples(index=False)] == EXPECTED
    assert table["weight"].dtype == float and table["split"].dtype == bool


def test_conversion_covers_the_province_and_marks_unreviewed_splits():
    table = crosswalk.conversion("22")
    old = reference.communes_of(Period.parse("2024"), "22", "province")
    assert set(old["code"]) <= set(table["legacy_code"])  # every old commune of Quảng Ninh
    assert set(table["new_code"]) == set(reference.communes_of(Period.parse("2025"), "22", "province")["code"])
    sums = table.groupby("legacy_code")["weight"].apply(lambda w: sum(Fraction(str(x)) for x in w))
    assert (sums == 1).all()
    # Xã Đại Dực (Tiên Yên) is divided too, with no reviewed shares: the package default takes all, marked.
    dai_duc = table[table["legacy_code"] == "06868"]
    assert list(zip(dai_duc["new_name"], dai_duc["weight"], dai_duc["weight_source"])) == [
        ("Xã Tiên Yên", 1.0, "default"), ("Xã Đông Ngũ", 0.0, "default")]
    with pytest.raises(crosswalk.CrosswalkError, match="mã tỉnh '99'"):
        crosswalk.conversion("99")


def test_successor():
    assert crosswalk.successor("06844") == [("06856", "Xã Lục Hồn")]
    assert crosswalk.successor("06847") == [("06841", "Xã Hoành Mô")]
    assert crosswalk.successor("06838") == [("06838", "Xã Bình Liêu")]  # kept its code, new name
    assert crosswalk.successor("06853") == [("06838", "Xã Bình Liêu"), ("06862", "Xã Tiên Yên")]
    with pytest.raises(crosswalk.CrosswalkError, match="99999"):
        crosswalk.successor("99999")


def test_crosswalk_config_loads_and_is_checked(monkeypatch):
    entry = settings.load("crosswalk.yml")["splits"]["06853"]
    assert entry["name"] == "Xã Vô Ngại" and entry["reviewed"] is False and "synthetic" in entry["basis"]
    good = settings.load("crosswalk.yml")
    for weights, error in [({"06838": 0.7, "06862": 0.2}, "cộng lại đúng bằng 1"),
                           ({"06838": 1.0}, "06838, 06862")]:
        bad = {"splits": {"06853": {**entry, "weights": weights}}}
        monkeypatch.setattr(crosswalk.settings, "load", lambda name, bad=bad: bad if name == "crosswalk.yml" else good)
        crosswalk._reviewed.cache_clear()
        with pytest.raises(crosswalk.CrosswalkError, match=f"config/crosswalk.yml, xã 06853: .*{error}"):
            crosswalk.conversion("22")
    monkeypatch.undo()
    crosswalk._reviewed.cache_clear()
    assert len(crosswalk.conversion("22")) > 0


def test_largest_remainder_is_exact():
    w = [Fraction(7, 10), Fraction(3, 10)]
    assert crosswalk.allocate(853, w) == [597, 256]   # 597.1 / 255.9
    assert crosswalk.allocate(285, w) == [200, 85]    # 199.5 / 85.5: a tie goes to the first part
    assert crosswalk.allocate(1, w) == [1, 0] and crosswalk.allocate(0, w) == [0, 0]
    assert all(sum(crosswalk.allocate(n, w)) == n for n in range(500))


def test_rebased_2024_figures_are_the_hand_computed_sums(rebased, rebased_frames):
    pop = rebased["population"]
    assert list(pop.index) == [(c, s) for c in ("06838", "06841", "06856") for s in ("M", "F")]
    assert list(pop["commune_name"]) == ["Xã Bình Liêu"] * 2 + ["Xã Hoành Mô"] * 2 + ["Xã Lục Hồn"] * 2
    # Xã Hoành Mô = Hoành Mô + Đồng Văn; Xã Lục Hồn = Lục Hồn + Đồng Tâm (boys, girls).
    assert pop.loc[("06841", "M"), "children_under_16"] == 575 + 668 == 1243
    assert pop.loc[("06841", "F"), "children_under_16"] == 540 + 633
    assert pop.loc[("06856", "M"), "children_under_16"] == 712 + 519 == 1231
    assert pop.loc[("06856", "F"), "children_under_16"] == 682 + 503
    # Xã Bình Liêu = Thị trấn Bình Liêu + Húc Động + 0.70 of Vô Ngại. Vô Ngại boys: 273 + 296 + 284 = 853,
    # shared by age group 191.1 → 191, 207.2 → 207, 198.8 → 199: 597 (= 853 × 0.7 = 597.1 → 597).
    # Girls: 262 → 183.4 → 183, 285 → 199.5 → 200 (tie: the first part), 273 → 191.1 → 191: 574 = 820 × 0.7.
    assert pop.loc[("06838", "M"), "children_under_16"] == 1047 + 384 + 597 == 2028
    assert pop.loc[("06838", "F"), "children_under_16"] == 997 + 359 + 574 == 1930
    assert pop.loc[("06838", "M"), "children_under_6"] == 289 + 138 + 191
    assert pop.loc[("06838", "F"), "children_6_to_10"] == 346 + 125 + 200
    assert pop.loc[("06838", "M"), "children_ethnic_minority"] == 903 + 374 + 580  # 829 × 0.7 = 580.3
    ages = pop["children_under_6"] + pop["children_6_to_10"] + pop["children_11_to_15"]
    assert (ages == pop["children_under_16"]).all()  # the total is re-summed from its shared parts
    # Other forms: whole merges summed; Vô Ngại shared cell by cell.
    support = rebased["support"]
    assert support.loc[("06838", "childrens_day_gifts"), "value_dong"] == 34_650_000 + 21_950_000 + 24_710_000
    assert support.loc[("06838", "sponsorship"), "children_supported"] == 7 + 5 + 5  # 7 × 0.7 = 4.9 → 5
    special = rebased["special_circumstances"]
    assert special.loc[("06838", "difficult"), "children"] == 50 + 32 + 24  # 34 × 0.7 = 23.8 → 24
    assert special.loc[("06838", "disabled"), "children_supported"] == 15 + 8 + 13  # 18 × 0.7 = 12.6 → 13
    for name, frame in rebased_frames.items():  # the forms' columns exactly, so compute.indicators works unchanged
        assert list(frame.columns) == list(raw.forms()[name].columns), name
        assert all(str(frame[c].dtype) == "Int64" for c in raw.forms()[name].counts), name


def test_divided_commune_parts_add_up_exactly(typed_2024, rebased):
    """What Xã Bình Liêu took from Vô Ngại plus what is left for Xã Tiên Yên is exactly what Vô Ngại
    reported, cell by cell; and the three new communes plus Tiên Yên's part hold the seven old ones."""
    weights = [Fraction(7, 10), Fraction(3, 10)]
    for name, frame in typed_2024.items():
        form = raw.forms()[name]
        old = frame.set_index(list(form.key))
        tien_yen_part = 0
        for column in form.counts:
            vo_ngai = old.loc["06853", column]
            took = (rebased[name].loc["06838", column] - old.loc["06838", column] - old.loc["06859", column])
            assert (took >= 0).all() and (took <= vo_ngai).all(), (name, column)
            if column != "children_under_16":  # a total: re-summed from its shared parts, checked above
                assert list(took) == [crosswalk.allocate(int(v), weights)[0] for v in vo_ngai], (name, column)
            tien_yen_part = vo_ngai - took
            assert int(rebased[name][column].sum() + tien_yen_part.sum()) == int(frame[column].sum()), (name, column)


def test_rebase_refuses_what_it_cannot_do(typed_2024):
    with pytest.raises(crosswalk.CrosswalkError, match=r"Xã Tiên Yên \(06862\) gồm cả Thị trấn Tiên Yên \(06862\)"):
        crosswalk.rebase(typed_2024, Period.parse("2024"), Period.parse("2025"), "22", keep=["06838", "06862"])
    with pytest.raises(crosswalk.CrosswalkError, match="chỉ quy đổi từ kỳ trước 01/07/2025"):
        crosswalk.rebase(typed_2024, Period.parse("2025"), Period.parse("2024"), "22")
    outside = {"population": typed_2024["population"].assign(commune_code="00004")}
    with pytest.raises(crosswalk.CrosswalkError, match=r"Phường Trúc Bạch \(00004\)"):
        crosswalk.rebase(outside, Period.parse("2024"), Period.parse("2025"), "22")
    # A new commune made only of old ones present, but one of them divided without reviewed shares.
    table = crosswalk.conversion("22")
    sources = sorted(table[table["new_code"] == "06877"]["legacy_code"])
    population = pd.concat([typed_2024["population"].iloc[:2].assign(commune_code=code) for code in sources])
    with pytest.raises(crosswalk.CrosswalkError, match=r"chưa có tỷ lệ phân bổ đã duyệt.*Xã Đại Dực \(06868\)"):
        crosswalk.rebase({"population": population}, Period.parse("2024"), Period.parse("2025"), "22")
    only_kept = crosswalk.rebase(typed_2024, Period.parse("2024"), Period.parse("2025"), "22", keep=["06841"])
    assert set(only_kept["health"]["commune_code"]) == {"06841"}


# Validation by the list in force ----------------------------------------------------------------


@pytest.fixture(scope="module")
def frames_2025() -> dict[str, pd.DataFrame]:
    return raw.read_period(DATA, "2025")


def messages_of(frames, form, period, communes, line, code, lang="vi") -> list[str]:
    frame = frames[form].copy()
    frame.loc[line, "commune_code"] = code
    return [p.message for p in validation.validate_form(form, frame, period, communes, lang=lang).problems]


def test_old_code_in_2025_data_names_the_commune_it_became(frames_2025):
    assert messages_of(frames_2025, "population", Period.parse("2025"), NEW, 2, "06844") == [
        "population.csv dòng 2, cột commune_code, mã xã 06844: giá trị 06844 là mã xã cũ (Xã Đồng Tâm), "
        "từ 01/07/2025 thuộc Xã Lục Hồn (06856)"]
    assert messages_of(frames_2025, "population", Period.parse("2025"), NEW, 2, "06844", lang="en") == [
        "population.csv line 2, column commune_code, commune code 06844: value 06844 is a former commune code "
        "(Đồng Tâm commune); from 1 July 2025 it is part of Lục Hồn commune (06856)"]
    assert messages_of(frames_2025, "health", Period.parse("2025"), NEW, 3, "06853") == [
        "health.csv dòng 3, cột commune_code, mã xã 06853: giá trị 06853 là mã xã cũ (Xã Vô Ngại), "
        "từ 01/07/2025 thuộc Xã Bình Liêu (06838) và Xã Tiên Yên (06862)"]


def test_code_of_the_2025_list_not_reported(frames_2025):
    assert messages_of(frames_2025, "education", Period.parse("2025"), NEW, 2, "06862") == [
        "education.csv dòng 2, cột commune_code, mã xã 06862: giá trị 06862 (Xã Tiên Yên) không thuộc các xã "
        "được báo cáo kỳ 2025"]


def test_new_only_code_in_2024_data_is_refused():
    frames = raw.read_period(DATA, "2024")
    communes = reference.communes_of(Period.parse("2024"), "198", "district")[["code", "name"]]
    assert messages_of(frames, "population", Period.parse("2024"), communes, 2, "11948") == [
        "population.csv dòng 2, cột commune_code, mã xã 11948: giá trị 11948 là mã xã mới (Đặc khu Bạch Long Vĩ) "
        "từ 01/07/2025, không dùng cho kỳ 2024"]
    assert messages_of(frames, "population", Period.parse("2024"), communes, 2, "11948", lang="en") == [
        "population.csv line 2, column commune_code, commune code 11948: value 11948 is a commune code new from "
        "1 July 2025 (Bạch Long Vĩ special zone), not used for period 2024"]
    # 06862 is the code Xã Tiên Yên kept: in 2024 it is Thị trấn Tiên Yên, a commune of another district.
    assert messages_of(frames, "population", Period.parse("2024"), communes, 2, "06862") == [
        "population.csv dòng 2, cột commune_code, mã xã 06862: giá trị 06862 không có trong danh mục đơn vị hành "
        "chính cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024"]


def test_2025_sample_passes_with_the_three_new_communes(frames_2025):
    before, previous = crosscheck.previous_frames(DATA, Period.parse("2025"))
    assert str(before) == "2024"
    outcome = validation.validate_period(frames_2025, Period.parse("2025"), NEW, previous=previous, previous_period=before)
    assert outcome.ok and outcome.problems == []


def test_change_from_2024_is_measured_on_the_rebased_communes(frames_2025):
    """06838 was Thị trấn Bình Liêu in 2024: the warning compares with Xã Bình Liêu re-based (2028 boys)."""
    _before, previous = crosscheck.previous_frames(DATA, Period.parse("2025"))
    frames = dict(frames_2025, population=frames_2025["population"].copy())
    frames["population"].loc[2, ["children_under_16", "children_11_to_15"]] = ["4031", "2713"]  # 2031 + 2000
    outcome = validation.validate_period(frames, Period.parse("2025"), NEW, previous=previous, previous_period=Period.parse("2024"))
    assert outcome.ok and [p.message for p in outcome.problems] == [
        "population.csv dòng 2, cột children_11_to_15, xã Bình Liêu (06838): giá trị 2713 thay đổi +284,3 % so với kỳ "
        "2024 (số liệu quy đổi theo đơn vị hành chính từ 01/07/2025) (706); kiểm tra lại",
        "population.csv dòng 2, cột children_under_16, xã Bình Liêu (06838): giá trị 4031 thay đổi +98,8 % so với kỳ "
        "2024 (số liệu quy đổi theo đơn vị hành chính từ 01/07/2025) (2028); kiểm tra lại"]
