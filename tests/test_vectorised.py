"""The pieces made to work a whole scope at once (issue 12), on small fixtures with values computed by
hand: reading raw text a line at a time, whole numbers by Arrow, sums by commune, breakdown grids,
trends on a unit × period table, the checks across forms and periods, GX with compact commune
parameters and numpy counts, and GX's configurations shared within a run."""

import json
import math

import pandas as pd
import pytest

from conftest import REPO
from pipelines.indicators import catalogue, editions, trends
from pipelines.intake import raw
from pipelines.units.period import Period
from pipelines.validate import crosscheck, gx, gx_custom, validation

COMMUNES = pd.DataFrame({"code": ["06838", "06847"], "name": ["Thị trấn Bình Liêu", "Xã Đồng Văn"]})
NAMES = dict(zip(COMMUNES["code"], COMMUNES["name"]))
POPULATION = ("commune_code,commune_name,sex,children_under_16,children_under_6,children_6_to_10,"
              "children_11_to_15,children_ethnic_minority\n")


def _text(frame_rows, header=POPULATION):
    return header + "".join(line + "\n" for line in frame_rows)


@pytest.mark.parametrize("text, plain", [
    (_text(["06838,Thị trấn Bình Liêu,M,10,2,3,5,4", ",,,,,,,", "06847,Xã Đồng Văn,F,1,1,0,0,0"]), True),
    (_text(["06838,Thi\u0323 trấn Bình Liêu,M,10,2,3,5,4"]), True),          # not NFC: normalised as a whole
    (_text(["06838, Thị trấn Bình Liêu,M,10,2,3,5,4"]), False),              # a space at a cell's edge
    (_text(['06838,"Thị trấn, Bình Liêu",M,10,2,3,5,4']), False),             # a quoted cell
    (_text(["06838,Thị trấn Bình Liêu,M,10,2,3"]), False),                    # a short row, padded by csv
    (_text(["06838,Thị trấn Bình Liêu,M,10,2,3,5,4"]).replace("\n", "\r\n"), False),
    (_text(["06838,Thị trấn Bình Liêu,M,10\t,2,3,5,4"]), False),
])
def test_plain_text_reads_as_the_csv_module_reads_it(tmp_path, text, plain):
    path = tmp_path / "population.csv"
    path.write_text(text, encoding="utf-8", newline="")
    assert (raw._plain(text) is not None) == plain
    header, rows, lines = raw._rows(path, text)
    frame = raw.read_form(path)
    expected = pd.DataFrame([(r + [""] * 8)[:8] for r in rows], columns=header, index=pd.Index(lines, name="line"),
                            dtype="string").replace("", pd.NA)
    pd.testing.assert_frame_equal(frame, expected)
    if plain:
        plain_header, columns, plain_lines = raw._plain(text)
        assert plain_header == header and plain_lines == lines
        assert [list(row) for row in zip(*columns)] == rows


def test_whole_numbers_by_arrow_only_for_digits():
    assert raw.whole_numbers(pd.Series(["1", "007", None, "30"], dtype="string")).tolist() == [1, 7, pd.NA, 30]
    assert raw.whole_numbers(pd.Series(["1", "-2"], dtype="string")) is None
    assert raw.whole_numbers(pd.Series(["1", "2.0"], dtype="string")) is None
    assert str(raw.whole_numbers(pd.Series(["5"], dtype="string")).dtype) == "Int64"


def test_sum_by_commune_is_na_for_a_commune_without_rows_and_zero_without_matching_ones():
    rows = pd.DataFrame({"commune_code": ["06838", "06838", "06847"], "circumstance": ["orphaned", "hiv", "hiv"],
                         "children": pd.array([3, 2, 4], dtype="Int64")})
    term = catalogue.Term("special_circumstances", "children", (("circumstance", ("orphaned",)),))
    found = term.sum_by_commune({"special_circumstances": rows}, ["06838", "06847", "06899"])
    assert found.tolist() == [3, 0, pd.NA] and str(found.dtype) == "Int64"


def test_breakdowns_are_a_grid_of_commune_and_code_with_the_aggregate_summed():
    codes = list(raw.categories()["case_type"])
    cases = pd.DataFrame({"commune_code": ["06838", "06838", "06847"], "case_type": [codes[0], codes[0], codes[1]],
                          "cases_received": pd.array([2, 3, 4], dtype="Int64")})
    special = pd.DataFrame({"commune_code": [], "circumstance": [], "children": pd.array([], dtype="Int64")})
    table = editions.breakdowns({"protection_cases": cases, "special_circumstances": special}, Period.parse("2024"),
                                COMMUNES, ("district", "198", "Huyện Bình Liêu"))
    mine = table[table["form"] == "protection_cases"].set_index(["unit_code", "code"])["count"]
    assert mine[("06838", codes[0])] == 5 and mine[("06847", codes[1])] == 4 and mine[("06847", codes[0])] == 0
    assert mine[("198", codes[0])] == 5 and mine[("198", codes[1])] == 4 and len(mine) == 3 * len(codes)
    assert list(table.columns) == editions.COLUMNS and str(table["count"].dtype) == "int64"
    assert (table.loc[table["form"] == "special_circumstances", "count"] == 0).all()


def _history(rows):
    return pd.DataFrame(rows, columns=["period", "level", "unit_code", "unit_name", "indicator_id", "value", "target",
                                       "target_year", "target_comparison"]).astype(
        {"target": "Float64", "target_year": "Int64", "target_comparison": "string"})


def test_trend_table_by_hand():
    rows = []
    for code, values in (("06838", [40.0, None, 60.0]), ("06847", [50.0, 55.0, None]), ("198", [80.0, 90.0, 99.0])):
        for period, value in zip(("2022", "2023", "2024"), values):
            rows.append([period, "commune", code, code, "immunised", value, 98.0, 2025, ">="])
            rows.append([period, "commune", code, code, "cases", value, None, None, None])
    table = trends.trend_table(_history(rows), Period.parse("2024")).set_index(["unit_code", "indicator_id"])
    first = table.loc[("06838", "immunised")]  # 2023 missing: change on 2022, base 2022
    assert (first["previous_period"], first["previous_value"], first["change"], first["base_period"]) == (
        "2022", 40.0, 20.0, "2022")
    ratio = ((60 / 40) ** 0.5 - 1) / ((98 / 40) ** (1 / 3) - 1)  # 2 years observed, 3 years to the end of 2025
    assert first["status"] == "off_track" and first["progress_ratio"] == pytest.approx(ratio)
    assert table.loc[("198", "immunised"), "status"] == "achieved"
    blank = table.loc[("06847", "immunised")]  # no 2024 value: status from the latest value there is
    assert math.isnan(blank["value"]) and blank["previous_value"] == 55.0 and blank["status"] == "off_track"
    assert pd.isna(table.loc[("06838", "cases"), "status"])
    assert list(table.index) == sorted(table.index)


def test_outliers_and_cross_form_by_hand():
    frame = pd.DataFrame({"commune_code": ["06838", "06847"], "commune_name": list(NAMES.values()), "sex": ["M", "M"],
                          "children_under_16": ["30", "100"], "children_6_to_10": ["9", "40"],
                          "children_11_to_15": ["8", "30"]},
                         index=pd.Index([2, 3], name="line"), dtype="string")
    before = frame.copy()
    before["children_under_16"] = pd.array(["10", "100"], dtype="string")
    before["children_6_to_10"] = pd.array(["20", "5"], dtype="string")
    before["children_11_to_15"] = pd.array(["8", "30"], dtype="string")
    sources = {"population": ("population.csv", None)}
    found = crosscheck.outliers({"population": frame}, {"population": before}, "2023", NAMES, "vi", sources)
    # 10 → 30 is +200 %; 20 → 9 is -55 %; 5 → 40 is below the minimum previous (10); 100 → 100 is no change
    assert [(p.line, p.column, p.value, dict(p.values)["previous"]) for p in found] == [
        (2, "children_under_16", "30", "10"), (2, "children_6_to_10", "9", "20")]
    assert "+200,0 %" in found[0].message
    education = pd.DataFrame({"commune_code": ["06838", "06847"], "level": ["primary", "primary"],
                              "population_official_age": ["9", "41"]}, index=pd.Index([5, 6], name="line"),
                             dtype="string")
    wrong = crosscheck.cross_form({"education": education, "population": frame}, NAMES, "vi",
                                  {"education": ("education.csv", None)})
    assert [(p.line, p.value, dict(p.values)["other_value"]) for p in wrong] == [(6, "41", "40")]


def test_compact_commune_parameters_mean_the_same_as_a_list_and_a_dict():
    text = validation.suite_parameters(NAMES)
    assert text["commune_codes"] == ["06838", "06847"] and text["commune_list"] == "06838\n06847"
    assert gx_custom._names(text["commune_names"]) == gx_custom._names(NAMES) == NAMES
    assert gx_custom._codes(text["commune_list"]) == gx_custom._codes(["06838", "06847"]) == ["06838", "06847"]
    assert gx_custom._joined(text["commune_list"]) == gx_custom._joined(["06838", "06847"]) == "06838, 06847"


def _bad_population():
    frame = raw.read_form(REPO / "data" / "raw" / "2024" / "population.csv")
    frame.iloc[0, frame.columns.get_loc("commune_name")] = "Xa Binh Lieu"
    frame.iloc[1, frame.columns.get_loc("children_under_16")] = "999"
    return frame


def test_shared_configurations_change_nothing_gx_records(monkeypatch):
    frame, parameters = _bad_population(), validation.suite_parameters(NAMES)
    shared = validation.run_suite("population", "structure", frame, Period.parse("2024"), parameters)
    monkeypatch.setattr(gx, "VERIFIED", "no release")  # GX as it comes
    plain = validation.run_suite("population", "structure", frame, Period.parse("2024"), parameters)
    assert json.dumps(shared, sort_keys=True) == json.dumps(plain, sort_keys=True)
    assert not shared["success"]


def test_numpy_counts_give_gx_the_same_values_verdicts():
    frame = _bad_population()
    frame.iloc[0, frame.columns.get_loc("commune_name")] = "Thị trấn Bình Liêu"
    typed = raw.typed("population", frame)
    whole = validation._whole(typed)
    assert str(typed["children_under_16"].dtype) == "Int64" and str(whole["children_under_16"].dtype) == "int64"
    parameters = validation.suite_parameters(NAMES)
    nullable = validation.run_suite("population", "values", typed, Period.parse("2024"), parameters)
    numpy = validation.run_suite("population", "values", whole, Period.parse("2024"), parameters)
    assert json.dumps(nullable, sort_keys=True) == json.dumps(numpy, sort_keys=True)
    assert not numpy["success"]
