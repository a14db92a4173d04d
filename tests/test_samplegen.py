"""Test fixtures made from the sample: half-year and quarterly periods (samplegen.subannual) and the
sample under a second district's communes (samplegen.remap). Fast: no pipeline run."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from test_sample import assert_health_and_early_childhood_match_population

from pipelines.core.schema import categories, forms
from pipelines.units.reference import communes_of, list_in_force
from pipelines.units.period import Period
from samplegen.remap import DEFAULT_DISTRICT, RemapError, write_remapped
from samplegen.subannual import OCCASIONS, build_subannual, subannual_periods, write_subannual

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
KEY_TEXT = {"commune_code": str, "commune_name": str, "sex": str, "circumstance": str,
            "support_type": str, "case_type": str, "level": str}
# Columns that are events of the period: the sub-periods of a year add up to the annual figure.
EVENTS = {"protection_cases": ("cases_received", "cases_handled"),
          "health": ("live_births", "deaths_under_1", "deaths_under_5", "child_injuries", "child_injury_deaths")}


def read(data_raw: Path, period: str, form: str) -> pd.DataFrame:
    return pd.read_csv(data_raw / period / forms()[form].file, dtype=KEY_TEXT, keep_default_na=False)


def read_all(data_raw: Path, period: str) -> dict[str, pd.DataFrame]:
    return {name: read(data_raw, period, name) for name in forms()}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, tuple[Path, list[Path]]]:
    """kind -> (the raw folder written, the paths write_subannual returned)."""
    out = {}
    for kind in ("quarter", "half"):
        data = tmp_path_factory.mktemp(kind) / "data"
        out[kind] = (data / "raw", write_subannual(data, kind))
    return out


def test_default_periods_are_four_in_a_row_of_one_kind_before_the_reform(made):
    assert subannual_periods("quarter") == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert subannual_periods("half") == ["2023-H1", "2023-H2", "2024-H1", "2024-H2"]
    for kind, (raw, paths) in made.items():
        periods = subannual_periods(kind)
        assert sorted(p.name for p in raw.iterdir()) == periods  # only the sub-annual folders
        assert paths == [raw / period / form.file for period in periods for form in forms().values()]
        assert all(list_in_force(Period.parse(period)) == "legacy" for period in periods)


@pytest.mark.parametrize("kind", ["quarter", "half"])
def test_files_keep_the_byte_format_and_the_grid_of_the_annual_files(made, kind):
    raw, paths = made[kind]
    for path in paths:
        data, annual = path.read_bytes(), (RAW / path.parent.name[:4] / path.name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
        text = data.decode("utf-8")
        assert unicodedata.normalize("NFC", text) == text
        lines, annual_lines = text.splitlines(), annual.decode("utf-8").splitlines()
        assert lines[0] == annual_lines[0] == ",".join(forms()[path.stem].columns)
        # Same communes, official names, breakdown codes and order as the annual file of the year.
        assert [line.split(",")[:3] for line in lines] == [line.split(",")[:3] for line in annual_lines]
        for line in lines[1:]:
            assert all(cell.isdigit() for cell in line.split(",")[3:]), line


def check_rules(f: dict[str, pd.DataFrame]) -> None:
    """Every rule of data/raw/README.md within a form and across forms (as tests/test_sample.py)."""
    for name, form in forms().items():
        assert not f[name].duplicated(list(form.key)).any()
        for column in form.counts:
            assert pd.api.types.is_integer_dtype(f[name][column]) and (f[name][column] >= 0).all(), (name, column)
        assert set(f[name][form.key[1]]) <= set(categories()[form.key[1]])
    pop = f["population"]
    assert (pop["children_under_6"] + pop["children_6_to_10"] + pop["children_11_to_15"] == pop["children_under_16"]).all()
    for form, part, whole in [
            ("population", "children_ethnic_minority", "children_under_16"),
            ("special_circumstances", "children_supported", "children"),
            ("support", "children_supported", "children_in_need"),
            ("protection_cases", "cases_handled", "cases_received"),
            ("education", "pupils_correct_age", "population_official_age"),
            ("education", "pupils_correct_age", "pupils_enrolled"),
            ("education", "schools_national_standard", "schools"),
            ("education", "pupils_two_sessions", "pupils_enrolled"),
            ("health", "children_under_5_birth_registered", "children_under_5"),
            ("health", "children_under_1", "children_under_5"),
            ("health", "children_under_1_fully_vaccinated", "children_under_1"),
            ("health", "children_under_5_weighed", "children_under_5"),
            ("health", "children_under_5_underweight", "children_under_5_weighed"),
            ("health", "children_under_5_stunted", "children_under_5_weighed"),
            ("health", "deaths_under_1", "deaths_under_5"),
            ("health", "child_injury_deaths", "child_injuries"),
            ("early_childhood", "children_aged_5_in_kindergarten", "children_aged_5")]:
        assert (f[form][part] <= f[form][whole]).all(), (form, part, whole)
    edu, early, health = f["education"], f["early_childhood"], f["health"]
    by_commune = pop.groupby("commune_code")[["children_6_to_10", "children_11_to_15"]].sum()
    levels = edu.pivot(index="commune_code", columns="level", values="population_official_age")
    assert (levels["primary"] == by_commune["children_6_to_10"]).all()
    assert (levels["lower_secondary"] <= by_commune["children_11_to_15"]).all()
    assert_health_and_early_childhood_match_population(pop, edu, health, early)


@pytest.mark.parametrize("kind", ["quarter", "half"])
def test_every_period_keeps_every_rule(made, kind):
    raw, _ = made[kind]
    for period in subannual_periods(kind):
        check_rules(read_all(raw, period))


@pytest.mark.parametrize("kind", ["quarter", "half"])
def test_events_add_up_to_the_year_and_stocks_end_on_it(made, kind):
    raw, _ = made[kind]
    periods = subannual_periods(kind)
    for year in sorted({p[:4] for p in periods}):
        parts = [read_all(raw, p) for p in periods if p.startswith(year)]
        annual, before = read_all(RAW, year), read_all(RAW, str(int(year) - 1))
        for name, form in forms().items():
            events = EVENTS.get(name, ("value_dong",) if name == "support" else ())
            for column in events:
                total = sum(part[name][column] for part in parts)
                assert (total == annual[name][column]).all(), (year, name, column)
            for column in set(form.counts) - set(events):
                last = parts[-1][name][column]
                if name == "support":  # gifts of an occasion: all in the period of the occasion, so they add up
                    gift = annual[name]["support_type"].isin(list(OCCASIONS))
                    total = sum(part[name][column] for part in parts)
                    assert (total[gift] == annual[name][column][gift]).all(), (year, column)
                    last = last[~gift]
                assert (last == annual[name][column][last.index]).all(), (year, name, column)
        # Stocks move slightly: children between the annual figures of the year before and the year.
        for part in parts:
            for column in ("children_under_16", "children_under_6", "children_6_to_10"):
                low = before["population"][column].combine(annual["population"][column], min)
                high = before["population"][column].combine(annual["population"][column], max)
                assert part["population"][column].between(low, high).all(), (year, column)
    for period in periods:
        gifts = read(raw, period, "support").groupby("support_type")["children_supported"].sum()
        month = int(period[-1]) * 12 // (4 if kind == "quarter" else 2)  # last month of the period
        for gift, at in OCCASIONS.items():
            held = month - 12 // (4 if kind == "quarter" else 2) < at <= month
            assert (gifts[gift] > 0) == held, (period, gift)


def test_one_commune_by_hand(made):
    """Thị trấn Bình Liêu (06838), boys, 2023 → 2024 in quarters, worked out by hand from the
    annual files: under 16 1,042 → 1,047 (+5: +1.25 a quarter, half up), under 6 294 → 289,
    aged 6-10 361 → 364, aged 11-15 the rest; other children than ethnic minority 144 both years."""
    raw, _ = made["quarter"]
    rows = [read(raw, p, "population").iloc[0] for p in subannual_periods("quarter")]
    assert [(r["commune_code"], r["sex"]) for r in rows] == [("06838", "M")] * 4
    assert [r["children_under_16"] for r in rows] == [1043, 1045, 1046, 1047]
    assert [r["children_under_6"] for r in rows] == [293, 292, 290, 289]
    assert [r["children_6_to_10"] for r in rows] == [362, 363, 363, 364]
    assert [r["children_11_to_15"] for r in rows] == [388, 390, 393, 394]
    assert [r["children_ethnic_minority"] for r in rows] == [899, 901, 902, 903]
    health = [read(raw, p, "health").iloc[0] for p in subannual_periods("quarter")]
    assert [h["children_under_5"] for h in health] == [244, 243, 241, 240]  # 245 → 240
    assert [h["live_births"] for h in health] == [13, 12, 12, 12]  # 49 in 2024
    assert [(h["deaths_under_5"], h["deaths_under_1"]) for h in health] == [(0, 0), (0, 0), (1, 1), (0, 0)]  # 1, 1
    cases = [read(raw, p, "protection_cases").query("commune_code == '06838'").set_index("case_type").loc["policy_support"]
             for p in subannual_periods("quarter")]
    assert [(c["cases_received"], c["cases_handled"]) for c in cases] == [(4, 4), (4, 4), (4, 4), (3, 3)]  # 15, 15
    support = [read(raw, p, "support").query("commune_code == '06838'").set_index("support_type")
               for p in subannual_periods("quarter")]
    assert [s.loc["sponsorship", "value_dong"] for s in support] == [10_500_000] * 4  # 42,000,000 a year
    assert [s.loc["sponsorship", "children_supported"] for s in support] == [7] * 4
    assert [tuple(s.loc["childrens_day_gifts", ["children_in_need", "children_supported", "value_dong"]])
            for s in support] == [(0, 0, 0), (199, 199, 34_650_000), (0, 0, 0), (0, 0, 0)]  # 1 June, Q2


def test_two_calls_give_the_same_bytes(made, tmp_path):
    for kind, (raw, paths) in made.items():
        again = write_subannual(tmp_path / kind, kind)
        assert [p.relative_to(tmp_path / kind / "raw") for p in again] == [p.relative_to(raw) for p in paths]
        assert all(a.read_bytes() == b.read_bytes() for a, b in zip(again, paths))


def test_refusals(tmp_path):
    with pytest.raises(ValueError, match="kind"):
        subannual_periods("month")
    for years in (("2022",), ("2025",), ("2024", "2023")):
        with pytest.raises(ValueError):
            build_subannual("half", years)
    with pytest.raises(ValueError, match="temporary data folder"):
        write_subannual(RAW.parent, "quarter")
    with pytest.raises(ValueError, match="temporary data folder"):
        write_remapped(RAW.parent, RAW.parent, DEFAULT_DISTRICT)


@pytest.mark.parametrize("module", ["samplegen", "samplegen.sample"])
def test_both_commands_rewrite_the_committed_sample(module, tmp_path):
    done = subprocess.run([sys.executable, "-m", module, str(tmp_path)], capture_output=True, text=True,
                          cwd=RAW.parents[1], timeout=300)
    assert done.returncode == 0 and not done.stderr, done.stderr
    written = [Path(line) for line in done.stdout.splitlines()]
    assert len(written) == 4 * len(forms())
    assert all(p.read_bytes() == (RAW / p.relative_to(tmp_path / "raw")).read_bytes() for p in written)


# A second district -----------------------------------------------------------------------------------

def test_default_second_district_is_ba_che_with_seven_communes():
    assert DEFAULT_DISTRICT == "202"
    communes = communes_of(Period.parse("2024"), "202", "district")
    assert set(communes["province_code"]) == {"22"} and len(communes) == len(communes_of(Period.parse("2024"), "198", "district")) == 7
    assert list(communes["name"])[:2] == ["Thị trấn Ba Chẽ", "Xã Thanh Sơn"]


def test_remapped_copy_has_only_the_target_communes_and_the_same_counts(tmp_path):
    paths = write_remapped(RAW.parent, tmp_path / "data", "202")
    periods = ("2022", "2023", "2024")
    assert paths == [tmp_path / "data" / "raw" / p / form.file for p in periods for form in forms().values()]
    for path in paths:
        period = path.parent.name
        source = (RAW / period / path.name).read_bytes().decode("utf-8").splitlines(keepends=True)
        copy = path.read_bytes().decode("utf-8").splitlines(keepends=True)
        assert copy[0] == source[0] and len(copy) == len(source)
        targets = communes_of(Period.parse(period), "202", "district")
        official = dict(zip(targets["code"], targets["name"]))
        old_codes = list(communes_of(Period.parse(period), "198", "district")["code"])
        for old, new in zip(source[1:], copy[1:]):
            old_code, _, old_rest = old.split(",", 2)
            new_code, new_name, new_rest = new.split(",", 2)
            assert new_rest == old_rest  # the same breakdown code and counts, byte for byte
            assert new_code == list(official)[old_codes.index(old_code)]  # i-th commune by code
            assert new_name == official[new_code] == unicodedata.normalize("NFC", new_name)
        frame = read(tmp_path / "data" / "raw", period, path.stem)
        assert list(frame["commune_code"]) == sorted(frame["commune_code"])


def test_remapping_onto_the_sample_district_gives_the_sample_back(tmp_path):
    for path in write_remapped(RAW.parent, tmp_path, "198", periods=("2024",)):
        assert path.read_bytes() == (RAW / "2024" / path.name).read_bytes()


def test_remapping_refuses_what_it_cannot_copy(tmp_path):
    with pytest.raises(RemapError, match=r"district 199 \(Huyện Tiên Yên\) has 11 communes.*exactly 7"):
        write_remapped(RAW.parent, tmp_path, "199")
    with pytest.raises(RemapError, match="not in the legacy list"):
        write_remapped(RAW.parent, tmp_path, "999")
    with pytest.raises(RemapError, match="1 July 2025"):
        write_remapped(RAW.parent, tmp_path, "202", periods=("2024", "2025"))
    assert not (tmp_path / "raw").exists()  # nothing written when refused


def test_sub_annual_periods_can_be_remapped_too(made, tmp_path):
    raw, _ = made["quarter"]
    paths = write_remapped(raw.parent, tmp_path, "202", periods=tuple(subannual_periods("quarter")))
    assert len(paths) == 4 * len(forms())
    codes = set(read(tmp_path / "raw", "2024-Q3", "population")["commune_code"])
    assert codes == set(communes_of(Period.parse("2024"), "202", "district")["code"])
