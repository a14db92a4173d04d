"""Health, nutrition, birth registration and 5-year-olds in kindergarten (forms health, early_childhood).

Every new catalogue entry is checked against figures computed by hand from a two-commune fixture,
including the per-mille and per-100.000 rates; the committed 2024 sample must give plausible
district values and pass its own suites; the suites must build into real GX expectation objects.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines.units.period import Period
from pipelines.indicators import catalogue, compute
from pipelines.intake import raw
from pipelines.units import reference
from pipelines.validate import gx, validation

COMMUNES = pd.DataFrame({"code": ["06838", "06847"], "name": ["Thị trấn Bình Liêu", "Xã Đồng Văn"]})
DISTRICT = ("district", "198", "Huyện Bình Liêu")
EXPECTATIONS = Path(validation.__file__).parent.parent / "expectations"
DATA = Path(__file__).resolve().parents[1] / "data"
NEW_FORMS = ("health", "early_childhood")
NEW_INDICATORS = ("birth_registration_under_5", "full_vaccination_under_1", "underweight_under_5", "stunting_under_5",
                  "under_5_mortality", "under_1_mortality", "child_injuries", "child_injury_deaths",
                  "kindergarten_age_5")

HEALTH = ["commune_code", "sex", "children_under_5", "children_under_5_birth_registered", "children_under_1",
          "children_under_1_fully_vaccinated", "children_under_5_weighed", "children_under_5_underweight",
          "children_under_5_stunted", "live_births", "deaths_under_1", "deaths_under_5", "child_injuries",
          "child_injury_deaths"]
#           u5  reg  u1 vacc weighed uw  st births d1 d5 inj inj_d
HEALTH_ROWS = [
    ["06838", "M", 200, 198, 40, 39, 190, 19, 38, 80, 1, 2, 5, 0],
    ["06838", "F", 180, 176, 36, 35, 170, 17, 34, 80, 0, 1, 3, 1],
    ["06847", "M", 100, 97, 20, 19, 95, 12, 24, 40, 1, 1, 4, 0],
    ["06847", "F", 90, 88, 18, 17, 85, 10, 20, 36, 0, 0, 2, 0],
]


def _frame(form: str, rows: list[list]) -> pd.DataFrame:
    """A typed frame (as raw.typed gives) with the columns of the form that the rows name."""
    spec = raw.forms()[form]
    columns = [c for c in spec.columns if c != "commune_name"] if rows and len(rows[0]) < len(spec.columns) \
        else list(spec.columns)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({c: "Int64" for c in spec.counts if c in frame.columns})


@pytest.fixture(scope="module")
def frames():
    out = {name: _frame(name, []) for name in raw.forms()}  # forms not about health: no rows
    out["population"] = _frame("population", [
        ["06838", "M", 1000, 250, 350, 400, 900], ["06838", "F", 1000, 230, 370, 400, 880],
        ["06847", "M", 600, 130, 220, 250, 590], ["06847", "F", 600, 120, 230, 250, 595]])
    out["health"] = _frame("health", HEALTH_ROWS)
    out["early_childhood"] = _frame("early_childhood", [
        ["06838", "M", 40, 40], ["06838", "F", 38, 37], ["06847", "M", 20, 20], ["06847", "F", 19, 19]])
    return out


@pytest.fixture(scope="module")
def table(frames):
    return compute.indicators(frames, Period.parse("2024"), COMMUNES, DISTRICT)


def row(table, indicator_id, code):
    hit = table[(table.indicator_id == indicator_id) & (table.unit_code == code)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_the_catalogue_holds_every_new_entry_with_its_targets():
    entries = catalogue.entries()
    assert set(NEW_INDICATORS) <= set(entries)
    expected = {  # (unit, factor, direction, 2025 target, 2030 target, comparison): Decision 23/QĐ-TTg
        "birth_registration_under_5": ("%", 100, "higher", 98.5, 100, ">="),
        "full_vaccination_under_1": ("%", 100, "higher", 97, 98, ">="),
        "underweight_under_5": ("%", 100, "lower", 9, 6, "<"),
        "stunting_under_5": ("%", 100, "lower", 17, 15, "<"),
        "under_5_mortality": ("‰", 1000, "lower", 18.5, 15, "<"),
        "under_1_mortality": ("‰", 1000, "lower", 12.5, 10, "<"),
        "child_injuries": ("/100.000", 100_000, "lower", 550, 500, "<"),
        "child_injury_deaths": ("/100.000", 100_000, "lower", 16, 15, "<"),
        "kindergarten_age_5": ("%", 100, "higher", 99.1, 99.3, ">="),
    }
    for key, (unit, factor, direction, by_2025, by_2030, comparison) in expected.items():
        ind = entries[key]
        assert (ind.unit, ind.factor, ind.direction, ind.sensitive) == (unit, factor, direction, False), key
        assert [(t.year, t.value, t.comparison, t.source) for t in ind.targets] == [
            (2025, by_2025, comparison, "Quyết định 23/QĐ-TTg"), (2030, by_2030, comparison, "Quyết định 23/QĐ-TTg")]
        assert ind.disaggregations == ("sex",) and ind.denominator is not None
        assert ind.numerator.form in NEW_FORMS


@pytest.mark.parametrize("indicator_id, commune_38, commune_47, district", [
    # birth registration: (198+176)/(200+180), (97+88)/(100+90), 559/570
    ("birth_registration_under_5", 374 / 380 * 100, 185 / 190 * 100, 559 / 570 * 100),
    # full vaccination under 1: 74/76, 36/38, 110/114
    ("full_vaccination_under_1", 74 / 76 * 100, 36 / 38 * 100, 110 / 114 * 100),
    # underweight and stunting among those weighed: 36/360 = 10 %, 22/180; 72/360 = 20 %, 44/180
    ("underweight_under_5", 10.0, 22 / 180 * 100, 58 / 540 * 100),
    ("stunting_under_5", 20.0, 44 / 180 * 100, 116 / 540 * 100),
    # 3 deaths under 5 / 160 live births × 1000 = 18,75 ‰; 1 / 76; 4 / 236
    ("under_5_mortality", 18.75, 1 / 76 * 1000, 4 / 236 * 1000),
    # 1 death under 1 / 160 live births × 1000 = 6,25 ‰; 1 / 76; 2 / 236
    ("under_1_mortality", 6.25, 1 / 76 * 1000, 2 / 236 * 1000),
    # injuries of children under 16 / population under 16 × 100.000: 8/2000 = 400; 6/1200 = 500; 14/3200 = 437,5
    ("child_injuries", 400.0, 500.0, 437.5),
    # injury deaths: 1/2000 × 100.000 = 50; 0/1200 = 0; 1/3200 = 31,25
    ("child_injury_deaths", 50.0, 0.0, 31.25),
    # 5-year-olds in kindergarten: 77/78, 39/39 = 100 %, 116/117
    ("kindergarten_age_5", 77 / 78 * 100, 100.0, 116 / 117 * 100),
])
def test_hand_computed_values(table, indicator_id, commune_38, commune_47, district):
    assert row(table, indicator_id, "06838").value == pytest.approx(commune_38)
    assert row(table, indicator_id, "06847").value == pytest.approx(commune_47)
    assert row(table, indicator_id, "198").value == pytest.approx(district)


def test_rates_keep_their_parts_and_sum_before_dividing(table):
    u5 = row(table, "under_5_mortality", "198")
    assert (u5.numerator, u5.denominator, u5.factor, u5.unit) == (4, 236, 1000, "‰")
    # the mean of the two commune rates (18,75 and 13,16 ‰) would be 15,95 ‰; the ratio of sums is 16,95 ‰
    assert round(u5.value, 2) == 16.95
    injuries = row(table, "child_injuries", "198")
    assert (injuries.numerator, injuries.denominator, injuries.factor, injuries.unit) == (14, 3200, 100_000, "/100.000")
    kindergarten = row(table, "kindergarten_age_5", "198")
    assert (kindergarten.numerator, kindergarten.denominator) == (116, 117)


def test_targets_for_2024_are_the_2025_ones_and_read_the_right_way(table):
    entries = catalogue.entries()
    u5 = row(table, "under_5_mortality", "198")
    assert (u5.target, u5.target_year, u5.target_comparison) == (18.5, 2025, "<")
    target = entries["under_5_mortality"].target_for(2024)
    assert target.met_by(u5.value) and not target.met_by(row(table, "under_5_mortality", "06838").value)  # 18,75
    assert not entries["stunting_under_5"].target_for(2024).met_by(17.0)  # a ceiling: exactly 17 % is not below
    kindergarten = entries["kindergarten_age_5"].target_for(2024)
    assert kindergarten.met_by(row(table, "kindergarten_age_5", "198").value)  # 99,15 % >= 99,1 %
    assert not kindergarten.met_by(row(table, "kindergarten_age_5", "06838").value)  # 98,72 %
    assert entries["child_injuries"].target_for(2026).value == 500


# The committed 2024 sample --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_2024():
    communes = reference.communes_of(Period.parse("2024"), "198", "district")[["code", "name"]]
    text = raw.read_period(DATA, "2024")
    typed = {name: raw.typed(name, frame) for name, frame in text.items()}
    return text, communes, compute.indicators(typed, Period.parse("2024"), communes, DISTRICT)


def test_2024_district_values_are_plausible(sample_2024):
    table = sample_2024[2]
    ranges = {"birth_registration_under_5": (97, 99), "full_vaccination_under_1": (94, 97),
              "underweight_under_5": (10, 12), "stunting_under_5": (20, 24), "under_5_mortality": (20, 25),
              "under_1_mortality": (8, 20), "child_injuries": (500, 700), "child_injury_deaths": (5, 40),
              "kindergarten_age_5": (98, 99.5)}
    for key, (low, high) in ranges.items():
        district = row(table, key, "198")
        assert low <= district.value <= high, (key, district.value)
        assert district.denominator > 0
    assert row(table, "under_1_mortality", "198").numerator < row(table, "under_5_mortality", "198").numerator
    under_16 = row(table, "children_under_16", "198").numerator
    assert row(table, "child_injuries", "198").denominator == under_16 == 9292


def test_2024_sample_passes_the_health_suites(sample_2024):
    text, communes, _ = sample_2024
    for form in NEW_FORMS:
        assert validation.validate_form(form, text[form], Period.parse("2024"), communes).problems == [], form


def test_a_part_above_its_whole_is_reported_with_the_rule(tmp_path):
    header = ["commune_code", "commune_name", *HEALTH[1:]]
    lines = [header] + [[r[0], COMMUNES.set_index("code").at[r[0], "name"], *map(str, r[1:])] for r in HEALTH_ROWS]
    lines[2][header.index("deaths_under_1")] = "2"  # line 3: Thị trấn Bình Liêu, girls: 2 under 1 of 1 under 5
    path = tmp_path / "health.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(lines)
    problems = validation.validate_form("health", raw.read_form(path), Period.parse("2024"), COMMUNES).problems
    assert [p.message for p in problems] == [
        "health.csv dòng 3, cột deaths_under_1, thị trấn Bình Liêu (06838): giá trị deaths_under_1 = 2 lớn hơn "
        "deaths_under_5 = 1 (số trẻ em dưới 1 tuổi tử vong không được nhiều hơn số trẻ em dưới 5 tuổi tử vong)"]


# The suites -----------------------------------------------------------------------------------------


def suite(name: str) -> dict:
    return json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [f"{form}.{kind}" for form in NEW_FORMS for kind in validation.KINDS])
def test_health_suites_load_into_gx_objects(name):
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    gx.load()  # registers any custom expectation types the suites use
    spec = suite(name)
    assert spec["name"] == name and spec["meta"]["form"] == name.split(".")[0] and spec["expectations"]
    for entry in spec["expectations"]:
        assert entry["meta"]["rule_vi"].strip()
        expectation = ExpectationConfiguration(**entry).to_domain_obj()
        assert isinstance(expectation, Expectation) and expectation.expectation_type == entry["type"]
    assert len(validation.load_suite(*name.split(".")).expectations) == len(spec["expectations"])


def test_values_suites_hold_every_part_whole_rule():
    pairs = {form: {(e["kwargs"]["column_A"], e["kwargs"]["column_B"]) for e in suite(f"{form}.values")["expectations"]
                    if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b"} for form in NEW_FORMS}
    assert pairs["health"] == {
        ("children_under_5", "children_under_5_birth_registered"), ("children_under_5", "children_under_1"),
        ("children_under_1", "children_under_1_fully_vaccinated"), ("children_under_5", "children_under_5_weighed"),
        ("children_under_5_weighed", "children_under_5_underweight"),
        ("children_under_5_weighed", "children_under_5_stunted"), ("deaths_under_5", "deaths_under_1"),
        ("child_injuries", "child_injury_deaths")}
    assert pairs["early_childhood"] == {("children_aged_5", "children_aged_5_in_kindergarten")}
