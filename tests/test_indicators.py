"""Indicator maths against figures computed by hand from a two-commune fixture."""

import math

import pandas as pd
import pytest

from pipelines.core.deployment import LocalTarget
from pipelines.indicators import targets
from pipelines.units.period import Period
from pipelines.indicators import catalogue, compute
from pipelines.intake import raw
from pipelines.units import scope
from pipelines.indicators.catalogue import CatalogueError

COMMUNES = pd.DataFrame({"code": ["06838", "06847"], "name": ["Thị trấn Bình Liêu", "Xã Đồng Văn"]})
DISTRICT = ("district", "198", "Huyện Bình Liêu")


def _frame(columns, rows):
    frame = pd.DataFrame(rows, columns=columns)
    counts = [c for c in columns if pd.api.types.is_integer_dtype(frame[c])]
    return frame.astype({c: "Int64" for c in counts})


@pytest.fixture(scope="module")
def frames():
    pop = ["commune_code", "sex", "children_under_16", "children_under_6", "children_6_to_10", "children_11_to_15",
           "children_ethnic_minority"]
    special = ["commune_code", "circumstance", "children", "children_supported"]
    support = ["commune_code", "support_type", "children_in_need", "children_supported", "value_dong"]
    cases = ["commune_code", "case_type", "cases_received", "cases_handled"]
    edu = ["commune_code", "level", "population_official_age", "pupils_enrolled", "pupils_correct_age", "schools",
           "schools_national_standard", "pupils_two_sessions"]
    given = {
        "population": _frame(pop, [
            ["06838", "M", 400, 120, 140, 140, 200], ["06838", "F", 400, 110, 150, 140, 120],
            ["06847", "M", 100, 30, 40, 30, 90], ["06847", "F", 100, 35, 35, 30, 98]]),
        "special_circumstances": _frame(special, [
            ["06838", "violence", 2, 1], ["06838", "difficult", 6, 6],
            ["06847", "orphaned", 3, 3], ["06847", "disabled", 5, 4], ["06847", "difficult", 10, 2]]),
        "support": _frame(support, [
            ["06838", "sponsorship", 4, 4, 12_000_000], ["06838", "childrens_day_gifts", 50, 50, 100_000_001],
            ["06847", "sponsorship", 6, 3, 9_000_000], ["06847", "childrens_day_gifts", 20, 20, 5_000_000]]),
        "protection_cases": _frame(cases, [
            ["06838", "violence_abuse", 3, 3], ["06838", "other", 7, 6], ["06847", "other", 10, 10]]),
        "education": _frame(edu, [
            ["06838", "preschool", 100, 100, 95, 2, 1, 90], ["06838", "primary", 290, 300, 288, 2, 2, 300],
            ["06838", "lower_secondary", 200, 205, 190, 1, 1, 0], ["06838", "upper_secondary", 0, 0, 0, 0, 0, 0],
            ["06847", "preschool", 60, 55, 50, 1, 0, 40], ["06847", "primary", 75, 75, 74, 1, 1, 75],
            ["06847", "lower_secondary", 50, 50, 45, 1, 0, 0], ["06847", "upper_secondary", 50, 42, 40, 1, 0, 0]]),
    }
    # forms this fixture leaves out (health, early childhood) are present but empty: nobody reported
    for name, form in raw.forms().items():
        given.setdefault(name, _frame(list(form.columns), []).astype({c: "Int64" for c in form.counts}))
    return given


@pytest.fixture(scope="module")
def table(frames):
    return compute.indicators(frames, Period.parse("2024"), COMMUNES, DISTRICT)


def value(table, indicator_id, code):
    row = table[(table.indicator_id == indicator_id) & (table.unit_code == code)]
    assert len(row) == 1
    return row.iloc[0]


def test_counts_sum_over_breakdowns(table):
    assert value(table, "children_under_16", "06838").value == 800
    assert value(table, "children_under_16", "06847").value == 200
    assert value(table, "children_under_16", "198").value == 1000
    assert value(table, "children_special_or_difficult", "198").value == 26  # 2+6+3+5+10
    assert value(table, "children_special_circumstances", "06847").value == 8  # difficult is not a legal group
    assert value(table, "childrens_day_support_value", "198").numerator == 105_000_001


def test_rate_is_numerator_over_denominator_times_factor(table):
    row = value(table, "ethnic_minority_share", "06847")
    assert (row.numerator, row.denominator, row.factor) == (188, 200, 100)
    assert row.value == pytest.approx(94.0)
    assert value(table, "special_circumstances_supported_share", "06847").value == pytest.approx(87.5)  # 7/8
    assert value(table, "special_circumstances_share", "06838").value == pytest.approx(0.25)  # 2/800
    assert value(table, "two_sessions_share", "06838").value == pytest.approx(390 / 400 * 100)  # preschool+primary


def test_district_is_ratio_of_sums_not_mean_of_rates(table):
    # communes: 320/800 = 40,0 % and 188/200 = 94,0 %; their mean would be 67,0 %
    district = value(table, "ethnic_minority_share", "198")
    assert (district.numerator, district.denominator) == (508, 1000)
    assert district.value == pytest.approx(50.8)
    sponsorship = value(table, "sponsorship_coverage", "198")  # 4/4 and 3/6: mean 75 %, ratio 7/10
    assert sponsorship.value == pytest.approx(70.0)


def test_zero_denominator_gives_no_value_and_is_left_out_of_nothing(table):
    assert math.isnan(value(table, "net_enrolment_upper_secondary", "06838").value)
    assert value(table, "net_enrolment_upper_secondary", "198").value == pytest.approx(80.0)  # 40/50


def test_targets_follow_the_period(table):
    row = value(table, "special_circumstances_share", "198")
    assert (row.target, row.target_year, row.target_comparison) == (6.5, 2025, "<")
    share = catalogue.entries()["special_circumstances_share"]
    assert share.target_for(2026).value == 6.0
    assert share.target_for(2031).year == 2030
    assert pd.isna(value(table, "net_enrolment_primary", "198").target)  # no national target: a local plan's


def test_local_plan_targets_apply_to_the_unit_named_and_its_communes_only(frames):
    plan = (LocalTarget("net_enrolment_primary", 2030, 99.9, ">=", "Kế hoạch số 12/KH-UBND", ("district:198",)),
            LocalTarget("special_circumstances_share", 2025, 5.0, "<", "Kế hoạch số 12/KH-UBND", ("commune:06847",)))
    aggregates = [scope.Aggregate("district", "198", "Huyện X", ("06838", "06847")),
                  scope.Aggregate("province", "22", "Tỉnh Y", ("06838", "06847", "06841"))]
    table = compute.indicators(frames, Period.parse("2024"), COMMUNES, aggregates, plan)
    primary = {code: value(table, "net_enrolment_primary", code).target for code in ("198", "06838", "06847", "22")}
    assert primary["198"] == primary["06838"] == primary["06847"] == pytest.approx(99.9) and pd.isna(primary["22"])
    # the commune's own plan replaces the national 2025 target (6,5 %); its neighbour keeps the national one
    assert value(table, "special_circumstances_share", "06847").target == pytest.approx(5.0)
    assert value(table, "special_circumstances_share", "06838").target == pytest.approx(6.5)
    with pytest.raises(targets.UnknownIndicator, match="'no_such_rate': không có trong danh mục"):
        compute.indicators(frames, Period.parse("2024"), COMMUNES, aggregates,
                           (LocalTarget("no_such_rate", 2030, 1, ">=", "x", ("district:198",)),))


def test_every_catalogue_entry_is_computed_for_every_unit(table):
    assert sorted(set(table.indicator_id)) == sorted(catalogue.entries())
    assert len(table) == len(catalogue.entries()) * 3
    assert list(table.columns) == catalogue.RESULT_COLUMNS


@pytest.mark.parametrize("entry, message", [
    ({"numerator": {"form": "population", "field": "children_under_61"}}, "population has no count column 'children_under_61'"),
    ({"numerator": {"form": "population", "field": "children_under_16", "where": {"sex": "X"}}}, "codes ['X'] are not codes of 'sex'"),
    ({"numerator": {"form": "populations", "field": "children"}}, "must name a form of forms.yml"),
    ({"colour": "red"}, "unknown keys ['colour']"),
    ({"factor": 100}, "a count has no denominator and factor 1"),
    ({"disaggregations": ["level"]}, "cannot be split by ['level']"),
])
def test_bad_catalogue_entries_are_refused_not_skipped(entry, message):
    good = {"id": "x", "name_vi": "x", "name_en": "x", "definition_vi": "x", "definition_en": "x", "numerator": {"form": "population", "field": "children_under_16"},
            "factor": 1, "unit": "trẻ", "source": "x"}
    with pytest.raises(CatalogueError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        catalogue._indicator({**good, **entry})


def test_entry_without_a_definition_is_refused():
    entry = {"id": "x", "name_vi": "x", "name_en": "x", "definition_en": "x", "factor": 1, "unit": "trẻ", "source": "x",
             "numerator": {"form": "population", "field": "children_under_16"}}
    with pytest.raises(CatalogueError, match=r"x: missing \['definition_vi'\]"):
        catalogue._indicator(entry)


def test_commune_that_did_not_report_is_left_out_and_the_aggregate_marked_incomplete(frames):
    three = pd.concat([COMMUNES, pd.DataFrame({"code": ["06859"], "name": ["Xã Húc Động"]})], ignore_index=True)
    table = compute.indicators(frames, Period.parse("2024"), three, DISTRICT)  # 06859 has no rows in any form
    silent = value(table, "ethnic_minority_share", "06859")
    assert pd.isna(silent.numerator) and math.isnan(silent.value) and not silent.complete
    district = value(table, "ethnic_minority_share", "198")
    assert (district.numerator, district.denominator, district.value) == (508, 1000, pytest.approx(50.8))
    assert (district.communes_expected, district.communes_included, district.complete) == (3, 2, False)
    assert value(table, "ethnic_minority_share", "06847").complete


def test_several_aggregates_each_sum_their_own_communes(frames):
    aggregates = [scope.Aggregate("district", "198", "Huyện Bình Liêu", ("06838", "06847")),
                  scope.Aggregate("province", "22", "Tỉnh Quảng Ninh", ("06847",))]
    table = compute.indicators(frames, Period.parse("2024"), COMMUNES, aggregates)
    assert value(table, "children_under_16", "198").value == 1000
    province = value(table, "ethnic_minority_share", "22")
    assert (province.level, province.numerator, province.denominator) == ("province", 188, 200)


def test_higher_unit_partly_covered_sums_what_reported_and_says_it_is_incomplete(frames):
    aggregates = [scope.Aggregate("district", "198", "Huyện Bình Liêu", ("06838", "06847")),
                  scope.Aggregate("province", "22", "Tỉnh Quảng Ninh", ("06838", "06847", "06862", "07000"))]
    table = compute.indicators(frames, Period.parse("2024"), COMMUNES, aggregates)
    province = value(table, "ethnic_minority_share", "22")
    assert (province.numerator, province.denominator, province.value) == (508, 1000, pytest.approx(50.8))
    assert (province.communes_expected, province.communes_included, province.complete) == (4, 2, False)
    assert sorted(table.unit_code.unique()) == ["06838", "06847", "198", "22"]  # no rows for silent communes
