"""The synthetic national sample (pipelines.sample.generate, issue 12): deterministic bytes, every
commune of the list in force, every rule of the forms by construction, a plausible history, raw data
never overwritten, and one generated district (and one 2025 province) through `baocao validate`."""

import json
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.core import deployment, settings
from pipelines.core.schema import categories, forms
from pipelines.intake.csvfile import frame_bytes
from pipelines.sample.generate import SampleRefused, build_synthetic, communes_for, write_synthetic
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import Scope

REPO = Path(__file__).resolve().parent.parent
BAOCAO = REPO / ".venv" / "bin" / "baocao"
EXPECTATIONS = REPO / "pipelines" / "expectations"
LEGACY, AFTER = Period.parse("2024"), Period.parse("2025-H2")


@pytest.fixture(scope="module")
def national():
    """The national sets of a legacy and of a 2025-list period, built once (a few seconds each)."""
    return {period: build_synthetic(period, communes_for(period, Scope("national", "")), seed=0) for period in (LEGACY, AFTER)}


def _bytes(frames):
    return {name: frame_bytes(frame) for name, frame in frames.items()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    communes = communes_for(LEGACY, Scope("province", "22"))
    first = [p.read_bytes() for p in write_synthetic(tmp_path / "a", LEGACY, communes, seed=5)]
    again = [p.read_bytes() for p in write_synthetic(tmp_path / "b", LEGACY, communes, seed=5)]
    other = [p.read_bytes() for p in write_synthetic(tmp_path / "c", LEGACY, communes, seed=6)]
    assert first == again
    assert all(a != b for a, b in zip(first, other))


def test_a_commune_does_not_depend_on_the_others_asked_for(national):
    """A district's rows are the national rows of its communes: each commune has its own draws."""
    district = build_synthetic(LEGACY, communes_for(LEGACY, Scope("district", "198")), seed=0)
    for name, frame in district.items():
        whole = national[LEGACY][name]
        part = whole[whole["commune_code"].isin(set(frame["commune_code"]))].reset_index(drop=True)
        pd.testing.assert_frame_equal(frame, part)


def test_every_commune_of_the_list_in_force(national):
    # The legacy list of the reference package has 10,035 communes: the "10,040" of the statistics
    # office also counts 5 island districts that have no commune under them (Bạch Long Vĩ, Cồn Cỏ,
    # Hoàng Sa, Lý Sơn, Côn Đảo), which the 2025 list turned into special zones.
    for period, expected in ((LEGACY, 10_035), (AFTER, 3_321)):
        table = reference.units(period)
        official = table[table["level"] == "commune"]
        assert len(official) == expected
        population = national[period]["population"]
        assert population["commune_code"].nunique() == expected
        assert set(population["commune_code"]) == set(official["code"])


def test_files_are_in_the_contract(national, tmp_path):
    for period, frames in national.items():
        table = reference.units(period)
        names = dict(zip(table["code"], table["name"]))
        for name, form in forms().items():
            frame = frames[name]
            assert list(frame.columns) == list(form.columns)
            codes, communes = list(categories()[form.key[1]]), sorted(frame["commune_code"].unique())
            # the complete grid, by commune code, then in the order of the codes in categories.yml
            assert list(frame["commune_code"]) == list(np.repeat(communes, len(codes)))
            assert list(frame[form.key[1]]) == codes * len(communes)
            first = frame.drop_duplicates("commune_code")
            assert all(n == names[c] == unicodedata.normalize("NFC", n)
                       for c, n in zip(first["commune_code"], first["commune_name"]))
            assert all(frame[c].dtype == np.int64 and (frame[c] >= 0).all() for c in form.counts)
    frames = build_synthetic(LEGACY, communes_for(LEGACY, Scope("district", "198")))
    write_synthetic(tmp_path, LEGACY, communes_for(LEGACY, Scope("district", "198")))
    data = (tmp_path / "raw" / "2024" / "population.csv").read_bytes()
    assert data == frame_bytes(frames["population"])
    assert data.startswith(b"commune_code,commune_name,sex,children_under_16,") and b"\r" not in data
    assert data.decode("utf-8").splitlines()[1].startswith("06838,Thị trấn Bình Liêu,M,")
    read = pd.read_csv(tmp_path / "raw" / "2024" / "population.csv", dtype={"commune_code": str})
    assert list(read["commune_code"].unique()) == ["06838", "06841", "06844", "06847", "06853", "06856", "06859"]


def _rule_breaks(frames) -> list:
    """Every rule of the values suites of pipelines/expectations/, read from the suites themselves,
    and the rules across forms of data/raw/README.md and config/validation.yml."""
    broken = []
    for name, frame in frames.items():
        for rule in json.loads((EXPECTATIONS / f"{name}.values.json").read_text(encoding="utf-8"))["expectations"]:
            k = rule["kwargs"]
            if rule["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
                broken += [(name, k)] * int((frame[k["column_A"]] < frame[k["column_B"]]).any())
            elif rule["type"] == "expect_multicolumn_total_to_equal_sum_of_parts":
                parts = [c for c in k["column_list"] if c != k["total_column"]]
                broken += [(name, k)] * int((frame[parts].sum(axis=1) != frame[k["total_column"]]).any())
    by_sex = ["commune_code", "sex"]
    population, health = frames["population"].set_index(by_sex), frames["health"].set_index(by_sex)
    early = frames["early_childhood"].set_index(by_sex)
    both = population.groupby(level=0).sum(numeric_only=True)
    level = frames["education"].set_index(["commune_code", "level"])["population_official_age"].unstack()
    pupils = frames["education"].set_index(["commune_code", "level"])["pupils_correct_age"].unstack()
    five = early.groupby(level=0).sum(numeric_only=True)
    checks = {
        "primary == 6-10": (level["primary"] == both["children_6_to_10"]).all(),
        "lower secondary <= 11-15": (level["lower_secondary"] <= both["children_11_to_15"]).all(),
        "under 5 < under 6": (health["children_under_5"] < population["children_under_6"]).all(),
        "aged 5 <= under 6": (early["children_aged_5"] <= population["children_under_6"]).all(),
        "aged 5 <= preschool age": (five["children_aged_5"] <= level["preschool"]).all(),
        "in kindergarten <= preschool pupils": (five["children_aged_5_in_kindergarten"] <= pupils["preschool"]).all(),
    }
    return broken + [rule for rule, ok in checks.items() if not ok]


def test_every_rule_holds_by_construction(national):
    for frames in national.values():
        assert _rule_breaks(frames) == []
    population = national[LEGACY]["population"]
    # hand-checkable: the first row's total is the sum of its age groups
    row = population.iloc[0]
    assert row["children_under_16"] == row["children_under_6"] + row["children_6_to_10"] + row["children_11_to_15"]


def test_plausible_sizes(national):
    children = national[LEGACY]["population"].groupby("commune_code")["children_under_16"].sum()
    assert 300 <= children.min() and children.max() <= 8_000
    assert 1_500 <= children.median() <= 2_500
    assert 18e6 <= children.sum() <= 26e6  # Viet Nam has about 24 million children under 16
    after = national[AFTER]["population"]["children_under_16"].sum()
    assert abs(after / children.sum() - 1) < 0.02  # the reform moves no child
    minority = national[LEGACY]["population"]["children_ethnic_minority"].sum() / children.sum()
    assert 0.1 < minority < 0.3


def _changes(before, after) -> list:
    """Counts that moved by more than config/validation.yml allows (the outlier warning)."""
    spec = settings.load("validation.yml")["outliers"]
    out = []
    for name, form in forms().items():
        a, b = before[name].set_index(list(form.key)), after[name].set_index(list(form.key))
        for column in form.counts:
            old, new = a[column].astype(float), b[column].astype(float)
            moved = (old >= spec["min_previous"]) & ((new - old).abs() > spec["threshold"] * old)
            out += [(name, column, int(moved.sum()))] * int(moved.any())
    return out


@pytest.mark.parametrize("periods", [("2022", "2023", "2024"), ("2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"),
                                     ("2025-H2", "2026-H1")])
def test_periods_of_one_seed_make_a_history(periods):
    """Each count stays within the change the outlier check allows, period after period."""
    periods = [Period.parse(p) for p in periods]
    frames = [build_synthetic(p, communes_for(p, Scope("province", "22")), seed=3) for p in periods]
    for before, after in zip(frames, frames[1:]):
        assert _changes(before, after) == []
        assert _rule_breaks(after) == []


def test_events_scale_with_the_length_of_the_period():
    def total(period, form, column):
        period = Period.parse(period)
        return build_synthetic(period, communes_for(period, Scope("province", "22")))[form][column].sum()

    for form, column in (("health", "live_births"), ("protection_cases", "cases_received")):
        year, quarter = total("2024", form, column), total("2024-Q4", form, column)
        assert 0.2 < quarter / year < 0.3
    # stocks are what is there at the end of the period, whatever its length
    year, half = total("2024", "population", "children_under_16"), total("2024-H2", "population", "children_under_16")
    assert abs(half / year - 1) < 0.02


def test_raw_data_is_never_overwritten(tmp_path):
    communes = communes_for(LEGACY, Scope("district", "198"))
    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)  # an empty period folder, as `baocao init` leaves it, is filled
    paths = write_synthetic(tmp_path, LEGACY, communes)
    assert [p.name for p in paths] == [f.file for f in forms().values()]
    before = {p: p.read_bytes() for p in paths}
    with pytest.raises(SampleRefused) as refused:
        write_synthetic(tmp_path, LEGACY, communes, seed=1)
    assert str(refused.value) == (f"thư mục {folder} đã có dữ liệu; dữ liệu thô không bao giờ bị ghi "
                                  "đè: chọn một kỳ khác hoặc một thư mục dữ liệu khác")
    assert {p: p.read_bytes() for p in paths} == before
    (other := tmp_path / "raw" / "2023").mkdir()
    (other / "notes.txt").write_text("x", encoding="utf-8")  # any file at all
    with pytest.raises(SampleRefused, match="không bao giờ bị ghi đè"):
        write_synthetic(tmp_path, Period.parse("2023"), communes)
    with pytest.raises(SampleRefused) as refused:
        write_synthetic(tmp_path, Period.parse("2023"), communes, lang="en")
    assert str(refused.value) == (f"the folder {other} already holds data; raw data is never overwritten: "
                                  "choose another period or another data folder")
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]


def test_unknown_communes_and_bad_arguments_are_refused():
    with pytest.raises(SampleRefused) as refused:  # 06844: an old commune, merged on 1 July 2025
        build_synthetic(AFTER, pd.DataFrame({"code": ["06841", "06844"], "name": ["", ""]}))
    assert str(refused.value) == "mã xã không có trong danh mục đơn vị hành chính áp dụng cho kỳ 2025-H2: 06844"
    unknown = pd.DataFrame({"code": [f"9999{i}" for i in range(7)], "name": [""] * 7})
    with pytest.raises(SampleRefused) as refused:
        build_synthetic(LEGACY, unknown, lang="en")
    assert str(refused.value) == ("commune codes not in the list of administrative units in force for period 2024: "
                                  "99990, 99991, 99992, 99993, 99994 and 2 other codes")
    with pytest.raises(SampleRefused) as refused:
        build_synthetic(LEGACY, unknown)
    assert str(refused.value).endswith(": 99990, 99991, 99992, 99993, 99994 và 2 mã khác")
    with pytest.raises(SampleRefused) as refused:
        build_synthetic(LEGACY, communes_for(LEGACY, Scope("commune", "06847")), seed="1")
    assert str(refused.value) == "hạt giống (seed) phải là số nguyên, không phải '1'"
    with pytest.raises(SampleRefused) as refused:
        build_synthetic(LEGACY, unknown.iloc[:0], lang="en")
    assert str(refused.value) == "no commune to make sample figures for"


def test_a_generated_district_passes_validation(tmp_path):
    """End to end: a generated district, in a data folder set up as `baocao init` does (settings file
    and an empty period folder), passes `baocao validate` with no problem at all (exit 0). One run of
    the real command costs about 30 s, mostly the start of Great Expectations; the 2025 list is
    checked above against the same suites' rules (`_rule_breaks`), and was validated by hand."""
    data, scope = tmp_path / "data", "district:198"
    (data / "raw" / "2024").mkdir(parents=True)
    unit = reference.unit(LEGACY, "198", "district")
    (data / deployment.FILE).write_text(deployment.new_settings(scope, "legacy", str(unit["name"])), encoding="utf-8")
    write_synthetic(data, LEGACY, communes_for(LEGACY, Scope("district", "198")), seed=0)
    run = subprocess.run([str(BAOCAO), "validate", "--period", "2024", "--data-dir", str(data), "--scope", scope],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stderr.strip() == ""
