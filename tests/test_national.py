"""The national scope (issue 12): parsed, resolved against the list in force, validated and
computed on the embedded sample (whose 7 communes are then the communes of the country present in
the data). The national report itself (issue 20) is tested in tests/test_national_report.py."""

import pandas as pd
import pytest

from conftest import REPO, copy_sample
from pipelines.indicators import compute
from pipelines.intake import raw
from pipelines.publish import run
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope, coverage, national_name

SAMPLE = ["06838", "06841", "06844", "06847", "06853", "06856", "06859"]


def test_national_is_a_scope_without_a_code():
    scope = Scope.parse("national")
    assert scope == Scope("national", "") and str(scope) == "national" and scope.level == NATIONAL
    for bad in ("national:1", "nation", "national:"):
        with pytest.raises(ValueError, match="national"):
            Scope.parse(bad)


def test_national_name_comes_from_the_locale_files():
    assert national_name() == "Toàn quốc" and national_name("en") == "Viet Nam"


def test_national_coverage_of_the_sample_is_its_communes_present():
    cover = coverage(Period.parse("2024"), Scope.parse("national"), SAMPLE + ["99999"])
    assert list(cover.communes["code"]) == SAMPLE
    assert list(cover.communes["name"])[:2] == ["Thị trấn Bình Liêu", "Xã Hoành Mô"]
    assert (cover.aggregate.level, cover.aggregate.code, cover.aggregate.name) == ("national", "", "Toàn quốc")
    assert cover.aggregate.communes == tuple(SAMPLE)
    assert [(a.level, a.code, a.name, a.communes) for a in cover.above] == [("province", "22", "Tỉnh Quảng Ninh", tuple(SAMPLE))]
    assert cover.reports == (("national", "", "Toàn quốc"),)
    with_sheets = coverage(Period.parse("2024"), Scope.parse("national"), SAMPLE, commune_reports=True)
    assert with_sheets.reports == (("national", "", "Toàn quốc"), ("province", "22", "Tỉnh Quảng Ninh"))  # one level up


def test_national_coverage_after_the_reform_uses_the_2025_list():
    cover = coverage(Period.parse("2025"), Scope.parse("national"), ["06838", "06841", "06856", "06844"])
    assert list(cover.communes["code"]) == ["06838", "06841", "06856"]  # 06844 is no commune of the 2025 list


def test_national_coverage_without_any_listed_commune_is_refused():
    with pytest.raises(ValueError, match="không có số liệu"):
        coverage(Period.parse("2024"), Scope.parse("national"), ["99999"])


def test_the_country_adds_up_like_the_district_on_the_sample():
    period = Period.parse("2024")
    frames = raw.read_period(REPO / "data", period)
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    cover = coverage(period, Scope.parse("national"), SAMPLE)
    district = coverage(period, Scope.parse("district:198"), SAMPLE)
    nation = compute.indicators(typed, period, cover.communes, cover.aggregates)
    local = compute.indicators(typed, period, district.communes, district.aggregates)
    columns = ["indicator_id", "numerator", "denominator", "value", "communes_expected", "communes_included"]
    country = nation[nation["level"] == "national"][columns].reset_index(drop=True)
    same = local[local["level"] == "district"][columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(country, same)
    assert (nation.loc[nation["level"] == "national", "unit_name"] == "Toàn quốc").all()


def test_validate_national_on_the_sample(tmp_path):
    copy_sample(tmp_path, periods=("2023", "2024"))
    outcome = run.validate_only(Period.parse("2024"), tmp_path / "data", tmp_path / "reports", say=lambda _: None,
                                scope=Scope.parse("national"))
    assert outcome.ok and outcome.errors == []
