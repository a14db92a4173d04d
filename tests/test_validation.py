"""The validation step: GX suites kept as JSON, and the messages officials act on.

Fixtures are written as real CSV files and read with `raw.read_form`, so line numbers in messages
are the ones an officer sees in an editor (header = line 1). Tests on one broken form call
`validate_form` (one form, two suites) to keep the file fast; `validate_period` is exercised on the
whole fixture and on the committed sample (data/raw/2024, with 2023 as the previous period).
"""

from __future__ import annotations

import copy
import csv
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from pipelines import cli
from pipelines.intake import raw
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.validate import gx, crosscheck, validation

PERIOD = Period.parse("2024")
COMMUNES = pd.DataFrame({"code": ["06838", "06847"], "name": ["Thị trấn Bình Liêu", "Xã Đồng Văn"]})
EXPECTATIONS = Path(validation.__file__).parents[1] / "expectations"
RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
SAMPLE = RAW / str(PERIOD)
TT, DV = ["06838", "Thị trấn Bình Liêu"], ["06847", "Xã Đồng Văn"]
WHOLE = "phải là số nguyên không âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)"
WHOLE_EN = "must be a whole number >= 0 written with the digits 0-9 only (no dots, commas, minus signs or letters)"

# A valid 2024-like period for two communes: lines 2-5 of every form are written out; line 4 is Xã
# Đồng Văn. `complete` then appends a row of zeros for every breakdown code a commune lacks (the grid
# must be complete) and takes any other form of forms.yml from the committed sample, same communes.
HAND = {
    "population": [
        ["commune_code", "commune_name", "sex", "children_under_16", "children_under_6", "children_6_to_10",
         "children_11_to_15", "children_ethnic_minority"],
        TT + ["M", "1047", "289", "364", "394", "903"], TT + ["F", "997", "276", "346", "375", "860"],
        DV + ["M", "610", "220", "150", "240", "600"], DV + ["F", "570", "200", "150", "220", "560"]],
    "special_circumstances": [
        ["commune_code", "commune_name", "circumstance", "children", "children_supported"],
        TT + ["orphaned", "3", "3"], TT + ["difficult", "20", "15"],
        DV + ["disabled", "5", "5"], DV + ["difficult", "12", "10"]],
    "support": [
        ["commune_code", "commune_name", "support_type", "children_in_need", "children_supported", "value_dong"],
        TT + ["sponsorship", "7", "7", "42000000"], TT + ["childrens_day_gifts", "199", "199", "34650000"],
        DV + ["sponsorship", "5", "5", "30000000"], DV + ["bicycles", "3", "2", "4000000"]],
    "protection_cases": [
        ["commune_code", "commune_name", "case_type", "cases_received", "cases_handled"],
        TT + ["violence_abuse", "2", "2"], TT + ["other", "1", "1"],
        DV + ["neglect_abandonment", "1", "1"], DV + ["policy_support", "4", "3"]],
    "education": [
        ["commune_code", "commune_name", "level", "population_official_age", "pupils_enrolled",
         "pupils_correct_age", "schools", "schools_national_standard", "pupils_two_sessions"],
        TT + ["primary", "710", "719", "708", "2", "2", "719"],
        TT + ["lower_secondary", "615", "620", "602", "1", "1", "198"],
        DV + ["primary", "300", "305", "298", "1", "1", "305"],
        DV + ["lower_secondary", "250", "240", "236", "1", "0", "0"]],
}


def complete(tables: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    out = copy.deepcopy(tables)
    for name, form in raw.forms().items():
        if name not in out:
            with open(SAMPLE / form.file, encoding="utf-8", newline="") as fh:
                rows = list(csv.reader(fh))
            out[name] = [rows[0]] + [row for row in rows[1:] if row[0] in set(COMMUNES["code"])]
            continue
        breakdown = [k for k in form.key if k != "commune_code"]
        rows = out[name]
        for code, commune_name in zip(COMMUNES["code"], COMMUNES["name"]):
            for value in raw.categories()[breakdown[0]] if breakdown else []:
                if not any(row[0] == code and row[rows[0].index(breakdown[0])] == value for row in rows[1:]):
                    cells = {"commune_code": code, "commune_name": commune_name, breakdown[0]: value}
                    rows.append([cells.get(column, "0") for column in rows[0]])
    return out


VALID = complete(HAND)


def write_period(data_dir: Path, tables: dict[str, list[list[str]]], period: Period = PERIOD) -> dict[str, pd.DataFrame]:
    folder = raw.period_dir(data_dir, period)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / raw.forms()[name].file, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return raw.read_period(data_dir, period)


def set_cell(rows: list[list[str]], line: int, column: str, value: str) -> None:
    rows[line - 1][rows[0].index(column)] = value


def broken(tmp_path: Path, form: str, edit, lang: str = "vi") -> list[str]:
    """Messages for one form of a copy of the valid fixture changed by `edit(rows)`."""
    tables = copy.deepcopy(VALID)
    edit(tables[form])
    frames = write_period(tmp_path, tables)
    return [p.message for p in validation.validate_form(form, frames[form], PERIOD, COMMUNES, lang=lang).problems]


def suite(name: str) -> dict:
    return json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def valid_frames(tmp_path_factory):
    return write_period(tmp_path_factory.mktemp("valid"), VALID)


@pytest.fixture(scope="module")
def valid_outcome(valid_frames):
    return validation.validate_period(valid_frames, PERIOD, COMMUNES)


def test_valid_fixture_passes(valid_outcome):
    assert valid_outcome.problems == [] and valid_outcome.ok
    assert [(form, name, res["success"]) for form, name, res in valid_outcome.results] == [
        (form, f"{form}.{kind}", True) for form in raw.forms() for kind in validation.KINDS]
    json.dumps([res for _f, _n, res in valid_outcome.results])  # a record that can be kept


def test_negative_count_as_typed(tmp_path):
    tables = copy.deepcopy(VALID)
    set_cell(tables["population"], 4, "children_under_16", "-3")
    frame = write_period(tmp_path, tables)["population"]
    problems = validation.validate_form("population", frame, PERIOD, COMMUNES).problems
    assert [(p.file, p.line, p.column, p.commune_code, p.commune_name, p.rule, p.value, p.severity, p.key, p.sheet,
             p.message) for p in problems] == [(
        "population.csv", 4, "children_under_16", "06847", "Xã Đồng Văn", "expect_column_values_to_match_regex", "-3",
        "error", "cell", None, f"population.csv dòng 4, cột children_under_16, xã Đồng Văn (06847): giá trị -3 {WHOLE}")]


def test_negative_count_in_typed_frame(tmp_path, monkeypatch):
    """Typed in a CSV, "-3" is stopped by the whole-number rule; the >= 0 rule guards the typed frame."""
    typed = raw.typed
    monkeypatch.setattr(raw, "typed", lambda name, frame: typed(name, frame).assign(
        children_ethnic_minority=lambda t: t["children_ethnic_minority"].where(t.index != 4, -3)))
    assert broken(tmp_path, "population", lambda rows: None) == [
        "population.csv dòng 4, cột children_ethnic_minority, xã Đồng Văn (06847): giá trị -3 phải >= 0"]


def test_count_not_a_whole_number(tmp_path):
    assert broken(tmp_path, "special_circumstances", lambda rows: set_cell(rows, 3, "children", "2.5")) == [
        f"special_circumstances.csv dòng 3, cột children, thị trấn Bình Liêu (06838): giá trị 2.5 {WHOLE}"]


def test_empty_required_cell(tmp_path):
    assert broken(tmp_path, "education", lambda rows: set_cell(rows, 3, "schools", "")) == [
        "education.csv dòng 3, cột schools, thị trấn Bình Liêu (06838): ô để trống, bắt buộc phải điền"]


def test_commune_code_without_leading_zero_is_reported_once(tmp_path):
    def edit(rows):
        set_cell(rows, 2, "commune_code", "6838")
        set_cell(rows, 5, "value_dong", "abc")
    assert broken(tmp_path, "support", edit) == [
        "support.csv dòng 2, cột commune_code, mã xã 6838: giá trị 6838 không phải mã xã hợp lệ: mã xã gồm đúng "
        "5 chữ số, giữ cả số 0 ở đầu (ví dụ 06847)",
        f"support.csv dòng 5, cột value_dong, xã Đồng Văn (06847): giá trị abc {WHOLE}"]


def _structure_errors(rows):
    """Unknown code (line 2), not a whole number (3), wrong commune name (4), blank (5), line 4 repeated."""
    rows.append(rows[3][:])
    set_cell(rows, 2, "commune_code", "99999")
    set_cell(rows, 3, "children_under_6", "1.400")
    set_cell(rows, 4, "commune_name", "Xã Đồng Tâm")
    set_cell(rows, 5, "sex", "")


def test_structure_problems(tmp_path):
    end = len(VALID["population"]) + 1
    assert broken(tmp_path, "population", _structure_errors) == [
        "population.csv dòng 2, cột commune_code, mã xã 99999: giá trị 99999 không có trong danh mục đơn vị hành "
        "chính cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024",
        f"population.csv dòng 3, cột children_under_6, thị trấn Bình Liêu (06838): giá trị 1.400 {WHOLE}",
        "population.csv dòng 4, cột commune_code + sex, xã Đồng Văn (06847): giá trị (06847, M) bị trùng: mỗi xã chỉ "
        f"được khai một dòng cho mỗi giá trị sex (trùng ở các dòng 4, {end})",
        'population.csv dòng 4, cột commune_name, xã Đồng Văn (06847): giá trị "Xã Đồng Tâm" phải là "Xã Đồng Văn"',
        "population.csv dòng 5, cột sex, xã Đồng Văn (06847): ô để trống, bắt buộc phải điền"]  # a key: once


def test_structure_problems_in_english(tmp_path):
    end = len(VALID["population"]) + 1
    assert broken(tmp_path, "population", _structure_errors, lang="en") == [
        "population.csv line 2, column commune_code, commune code 99999: value 99999 is not in the official list of "
        "commune-level units of Bình Liêu district in force for period 2024",
        f"population.csv line 3, column children_under_6, Bình Liêu township (06838): value 1.400 {WHOLE_EN}",
        "population.csv line 4, column commune_code + sex, Đồng Văn commune (06847): value (06847, M) is repeated: "
        f"each commune reports one row per value of sex (repeated on lines 4, {end})",
        'population.csv line 4, column commune_name, Đồng Văn commune (06847): value "Xã Đồng Tâm" must be '
        '"Xã Đồng Văn"',
        "population.csv line 5, column sex, Đồng Văn commune (06847): empty cell, must be filled in"]


def _rename_column(rows):
    i = rows[0].index("cases_handled")
    rows[:] = [row[:i] + [row[i] if n else "notes"] for n, row in enumerate(rows)]


@pytest.mark.parametrize("lang, expected", [
    ("vi", ["protection_cases.csv, cột cases_handled: thiếu cột bắt buộc",
            "protection_cases.csv, cột notes: cột không có trong mẫu biểu, cần xóa hoặc sửa tên cột"]),
    ("en", ["protection_cases.csv, column cases_handled: required column is missing",
            "protection_cases.csv, column notes: column is not in the form: delete or rename it"])])
def test_missing_and_extra_column(tmp_path, lang, expected):
    assert broken(tmp_path, "protection_cases", _rename_column, lang=lang) == expected


def test_unit_named_by_caller(tmp_path):
    tables = copy.deepcopy(VALID)
    set_cell(tables["protection_cases"], 3, "commune_code", "06841")  # Hoành Mô: official, not in this list
    frame = write_period(tmp_path, tables)["protection_cases"]
    one = validation.validate_form("protection_cases", frame, PERIOD, COMMUNES.iloc[:1], unit_name="Thị trấn Bình Liêu")
    lines = [i + 1 for i, row in enumerate(tables["protection_cases"]) if row[0] in ("06841", "06847")]
    assert lines[:3] == [3, 4, 5] and [p.message for p in one.problems] == [
        f"protection_cases.csv dòng {line}, cột commune_code, mã xã {code}: giá trị {code} không có trong danh mục đơn "
        "vị hành chính cấp xã của thị trấn Bình Liêu áp dụng cho kỳ 2024"
        for line in lines for code in [tables["protection_cases"][line - 1][0]]]


PAIRS = {form: [(e["kwargs"]["column_A"], e["kwargs"]["column_B"], e["meta"]["rule_vi"])
                for e in suite(f"{form}.values")["expectations"]
                if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b"] for form in raw.forms()}


@pytest.mark.parametrize("form", [form for form, pairs in PAIRS.items() if pairs])
def test_every_part_above_whole_rule(tmp_path, form):
    """Every part of line 4 raised above its whole (a part that is also a whole is raised first), one run per form."""
    header, row = VALID[form][0], VALID[form][3][:]
    value = lambda column: int(row[header.index(column)])  # noqa: E731
    changed = True
    while changed:  # parts within wholes form chains (under 1 <= under 5): raise until every part is above
        changed = False
        for whole, part, _rule in PAIRS[form]:
            if value(part) <= value(whole):
                row[header.index(part)], changed = str(value(whole) + 1), True
    messages = broken(tmp_path, form, lambda rows: rows.__setitem__(3, row))
    for whole, part, rule_vi in PAIRS[form]:
        assert (f"{raw.forms()[form].file} dòng 4, cột {part}, xã Đồng Văn (06847): giá trị {part} = {value(part)} lớn "
                f"hơn {whole} = {value(whole)} ({rule_vi})") in messages


def test_missing_forms():
    outcome = validation.validate_period({}, PERIOD, COMMUNES)
    assert not outcome.ok and outcome.results == []
    assert [p.message for p in outcome.problems] == sorted(
        f"{form.file}: thiếu tệp biểu mẫu của kỳ 2024" for form in raw.forms().values())
    assert validation.validate_period({}, PERIOD, COMMUNES, lang="en").problems[0].message.endswith(
        ": form file missing for period 2024")


# Our own GX expectations: totals, official names, the complete grid ---------------------------------


def test_total_not_the_sum_of_its_parts_and_part_above_whole_in_both_languages(tmp_path):
    def edit(rows):
        set_cell(rows, 4, "children_under_16", "611")  # 220 + 150 + 240 = 610
        set_cell(rows, 5, "children_ethnic_minority", "571")  # above children_under_16 = 570
    assert broken(tmp_path, "population", edit) == [
        "population.csv dòng 4, cột children_under_16, xã Đồng Văn (06847): giá trị children_under_16 = 611 khác tổng "
        "children_under_6 + children_6_to_10 + children_11_to_15 = 220 + 150 + 240 = 610 (số trẻ em dưới 16 tuổi "
        "phải bằng số trẻ em dưới 6 tuổi + từ 6 đến 10 tuổi + từ 11 đến 15 tuổi)",
        "population.csv dòng 5, cột children_ethnic_minority, xã Đồng Văn (06847): giá trị children_ethnic_minority "
        "= 571 lớn hơn children_under_16 = 570 (số trẻ em dân tộc thiểu số không được nhiều hơn tổng số trẻ em "
        "dưới 16 tuổi)"]
    assert broken(tmp_path, "population", edit, lang="en") == [
        "population.csv line 4, column children_under_16, Đồng Văn commune (06847): value children_under_16 = 611 is "
        "not the sum children_under_6 + children_6_to_10 + children_11_to_15 = 220 + 150 + 240 = 610 (children "
        "under 16 must equal children under 6 + aged 6 to 10 + aged 11 to 15)",
        "population.csv line 5, column children_ethnic_minority, Đồng Văn commune (06847): value "
        "children_ethnic_minority = 571 is greater than children_under_16 = 570 (ethnic-minority children cannot be "
        "more than all children under 16)"]


def test_commune_names_are_compared_in_nfc(valid_frames):
    frame = valid_frames["support"].copy()
    frame["commune_name"] = frame["commune_name"].map(lambda n: unicodedata.normalize("NFD", n)).astype("string")
    assert frame.at[4, "commune_name"] != "Xã Đồng Văn"  # same letters, decomposed: a byte comparison would fail
    assert validation.validate_form("support", frame, PERIOD, COMMUNES).problems == []


def _missing_rows(rows):
    """Đồng Văn reports nothing; Bình Liêu's row for `disabled` is gone."""
    rows[:] = [row for row in rows if row[0] != "06847" and not (row[0] == "06838" and row[2] == "disabled")]


@pytest.mark.parametrize("lang, expected", [
    ("vi", ["special_circumstances.csv: thiếu số liệu của xã Đồng Văn (06847)",
            "special_circumstances.csv, cột circumstance, thị trấn Bình Liêu (06838): thiếu dòng có mã disabled "
            "(mỗi xã phải khai đủ một dòng cho mỗi mã circumstance, ghi 0 nếu không có)"]),
    ("en", ["special_circumstances.csv: no data from Đồng Văn commune (06847)",
            "special_circumstances.csv, column circumstance, Bình Liêu township (06838): missing the row for code "
            "disabled (each commune reports one row for every circumstance code, 0 where there is none)"])])
def test_missing_commune_and_missing_row_are_named(tmp_path, lang, expected):
    assert broken(tmp_path, "special_circumstances", _missing_rows, lang=lang) == expected


def test_problem_names_the_sheet_of_a_workbook(tmp_path):
    tables = copy.deepcopy(VALID)
    set_cell(tables["population"], 3, "sex", "Nữ")
    frame = write_period(tmp_path, tables)["population"]
    frame.attrs.update(file="bieu-mau-2024-198.xlsx", sheet="population")  # as a workbook reader leaves them
    vi, en = (validation.validate_form("population", frame, PERIOD, COMMUNES, lang=lang).problems
              for lang in ("vi", "en"))
    assert [(p.file, p.sheet, p.line, p.column, p.value) for p in vi] == [
        ("bieu-mau-2024-198.xlsx", "population", 3, "sex", "Nữ")]
    assert vi[0].message == (
        "bieu-mau-2024-198.xlsx (trang tính population) dòng 3, cột sex, thị trấn Bình Liêu (06838): giá trị Nữ "
        "không phải mã hợp lệ của cột sex (config/categories.yml); chỉ dùng: M, F")
    assert en[0].message == (
        "bieu-mau-2024-198.xlsx (sheet population) line 3, column sex, Bình Liêu township (06838): value Nữ is not a "
        "valid code of column sex (config/categories.yml); use only: M, F")


def test_severity_comes_from_the_rule_meta(tmp_path, monkeypatch):
    spec = suite("population.values")
    total = next(e for e in spec["expectations"] if e["type"] == "expect_multicolumn_total_to_equal_sum_of_parts")
    total["meta"]["severity"] = "warning"
    load = validation.load_suite
    monkeypatch.setattr(validation, "load_suite", lambda form, kind: validation.build_suite(spec)
                        if (form, kind) == ("population", "values") else load(form, kind))
    tables = copy.deepcopy(VALID)
    set_cell(tables["population"], 4, "children_under_16", "611")
    one = validation.validate_form("population", write_period(tmp_path, tables)["population"], PERIOD, COMMUNES)
    assert [(p.severity, p.line, p.rule) for p in one.problems] == [
        ("warning", 4, "expect_multicolumn_total_to_equal_sum_of_parts")] and one.ok
    failed = [r["expectation_config"]["severity"] for r in one.results[1][2]["results"] if not r["success"]]
    assert failed == ["warning"]  # GX's own record says the same
    total["meta"]["severity"] = "fatal"
    with pytest.raises(ValueError, match="meta.severity 'fatal'"):
        validation.build_suite(spec)


# Across forms and periods (config/validation.yml) ------------------------------------------------------


def test_cross_form_rules(valid_frames):
    frames = {name: frame.copy() for name, frame in valid_frames.items()}
    frames["education"].loc[4, "population_official_age"] = "320"  # primary, Đồng Văn: population.csv says 150 + 150
    frames["education"].loc[3, "population_official_age"] = "770"  # lower secondary, Bình Liêu: at most 394 + 375
    names = dict(zip(COMMUNES["code"], COMMUNES["name"]))
    sources = {name: (raw.forms()[name].file, None) for name in frames}
    vi, en = (sorted(p.message for p in crosscheck.cross_form(frames, names, lang, sources)) for lang in ("vi", "en"))
    assert vi == [
        "education.csv dòng 3, cột population_official_age, thị trấn Bình Liêu (06838): giá trị 770 không được lớn hơn "
        "số trẻ em từ 11 đến 15 tuổi của xã (cả hai giới) trong population.csv (children_11_to_15 = 769)",
        "education.csv dòng 4, cột population_official_age, xã Đồng Văn (06847): giá trị 320 phải bằng số trẻ em từ 6 "
        "đến 10 tuổi của xã (cả hai giới) trong population.csv (children_6_to_10 = 300)"]
    assert en[1] == (
        "education.csv line 4, column population_official_age, Đồng Văn commune (06847): value 320 must equal the "
        "commune's children aged 6 to 10 (both sexes) in population.csv (children_6_to_10 = 300)")


def test_previous_period():
    assert [str(crosscheck.previous_period(Period.parse(p))) for p in ("2024", "2025-H1", "2025-H2", "2024-Q1", "2024-Q3")] == [
        "2023", "2024-H2", "2025-H1", "2023-Q4", "2024-Q2"]
    assert str(crosscheck.previous_period(Period.parse("2024"), RAW.parent)) == "2023"  # the latest earlier folder present
    assert crosscheck.previous_period(Period.parse("2022"), RAW.parent) is None
    before, frames = crosscheck.previous_frames(RAW.parent, PERIOD)
    assert str(before) == "2023" and list(frames) == list(raw.forms())
    assert crosscheck.previous_frames(RAW.parent, Period.parse("2022")) == (None, None)


def test_change_from_previous_period(valid_frames):
    frames = {name: frame.copy() for name, frame in valid_frames.items()}
    frames["special_circumstances"].loc[2, "children"] = "30"  # orphaned 3 → 30: previous below 10, not checked
    frames["special_circumstances"].loc[3, "children"] = "31"  # difficult 20 → 31: (31 - 20) / 20 = +55,0 %
    frames["special_circumstances"].loc[5, "children"] = "18"  # difficult 12 → 18: +50 % exactly, not above 50 %
    frames["support"].loc[3, "value_dong"] = "17000000"  # 34.650.000 → 17.000.000: -17,65 / 34,65 = -50,94 %
    names = dict(zip(COMMUNES["code"], COMMUNES["name"]))
    sources = {name: (raw.forms()[name].file, None) for name in frames}
    vi, en = (crosscheck.outliers(frames, valid_frames, "2023", names, lang, sources) for lang in ("vi", "en"))
    assert [(p.severity, p.line, p.column, p.commune_code, p.rule, p.value, p.message) for p in vi] == [
        ("warning", 3, "children", "06838", "change_from_previous_period", "31",
         "special_circumstances.csv dòng 3, cột children, thị trấn Bình Liêu (06838): giá trị 31 thay đổi +55,0 % so "
         "với kỳ 2023 (20); kiểm tra lại"),
        ("warning", 3, "value_dong", "06838", "change_from_previous_period", "17000000",
         "support.csv dòng 3, cột value_dong, thị trấn Bình Liêu (06838): giá trị 17000000 thay đổi -50,9 % so với kỳ "
         "2023 (34650000); kiểm tra lại")]
    assert [p.message for p in en] == [
        "special_circumstances.csv line 3, column children, Bình Liêu township (06838): value 31 changed by +55.0% "
        "from period 2023 (20); please check",
        "support.csv line 3, column value_dong, Bình Liêu township (06838): value 17000000 changed by -50.9% from "
        "period 2023 (34650000); please check"]
    assert crosscheck.config()["outliers"] == {"threshold": 0.5, "min_previous": 10, "severity": "warning"}


# The committed sample (written by samplegen/sample.py), copied and broken ------------------------------


def sample_copy(tmp_path: Path, periods=(PERIOD,)) -> Path:
    """The sample's periods and its deployment settings (the default scope) in a new data folder."""
    for period in periods:
        shutil.copytree(RAW / str(period), raw.period_dir(tmp_path, period))
    shutil.copy(RAW.parent / "baocao.yml", tmp_path / "baocao.yml")
    return raw.period_dir(tmp_path, PERIOD)


def edit_csv(path: Path, line: int, column: str, value) -> list[str]:
    """Set one cell of a CSV file; returns the row as it was."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    before = rows[line - 1][:]
    set_cell(rows, line, column, str(value(dict(zip(rows[0], before))) if callable(value) else value))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return before


def edit_rows(path: Path, edit) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(edit(rows))
    return rows


# Hoành Mô's primary pupils: 388 in 2023, 392 in 2024 in the sample; set to 630: (630 - 388) / 388 = +62,37 %
OUTLIER_VI = ("education.csv dòng 7, cột pupils_enrolled, xã Hoành Mô (06841): giá trị 630 thay đổi +62,4 % so với kỳ "
              "2023 (388); kiểm tra lại")


def outlier_sample(tmp_path: Path) -> Path:
    folder = sample_copy(tmp_path, ("2023", PERIOD))
    row = edit_csv(folder / "education.csv", 7, "pupils_enrolled", 630)
    before = edit_csv(raw.period_dir(tmp_path, "2023") / "education.csv", 7, "level", lambda r: r["level"])
    assert row[:3] == before[:3] == ["06841", "Xã Hoành Mô", "primary"] and (before[4], row[4]) == ("388", "392")
    return folder


@pytest.fixture(scope="module")
def outlier_outcome(tmp_path_factory):
    """The 2024 sample with one count changed by more than 50 % from 2023, validated against 2023."""
    folder = tmp_path_factory.mktemp("outlier")
    outlier_sample(folder)
    communes = reference.communes_of(PERIOD, "198", "district")[["code", "name"]]
    return validation.validate_period(raw.read_period(folder, PERIOD), PERIOD, communes,
                                      previous=raw.read_period(folder, "2023"))


def test_sample_with_an_outlier_only_has_a_warning_and_passes(outlier_outcome):
    assert [(p.severity, p.message) for p in outlier_outcome.problems] == [("warning", OUTLIER_VI)]
    assert outlier_outcome.ok and outlier_outcome.warnings == outlier_outcome.problems and outlier_outcome.errors == []


def test_problems_csv_and_frame(outlier_outcome):
    text = validation.problems_csv(outlier_outcome)
    lines = text.splitlines()
    assert lines[0] == "severity,file,sheet,line,column,commune_code,commune_name,rule,value,message"
    assert lines[1] == ("warning,education.csv,,7,pupils_enrolled,06841,Xã Hoành Mô,change_from_previous_period,630,"
                        f'"{OUTLIER_VI}"')
    assert len(lines) == 2 and text.endswith("\n") and text == validation.problems_csv(outlier_outcome)
    frame = validation.problems_frame(outlier_outcome)
    assert list(frame.columns) == lines[0].split(",") and len(frame) == 1
    assert frame["sheet"].isna().all() and frame.iloc[0].to_dict() == {
        "severity": "warning", "file": "education.csv", "sheet": None, "line": 7, "column": "pupils_enrolled",
        "commune_code": "06841", "commune_name": "Xã Hoành Mô", "rule": "change_from_previous_period",
        "value": "630", "message": OUTLIER_VI}
    assert list(validation.problems_frame(validation.ValidationOutcome([], [])).columns) == list(frame.columns)


# The suites themselves ------------------------------------------------------------------------------


def test_one_structure_and_one_values_suite_per_form():
    assert sorted(p.name for p in EXPECTATIONS.glob("*.json")) == sorted(
        f"{form}.{kind}.json" for form in raw.forms() for kind in validation.KINDS)


@pytest.mark.parametrize("name", [f"{form}.{kind}" for form in raw.forms() for kind in validation.KINDS])
def test_every_expectation_loads_into_a_gx_object(name):
    """Each entry is built on its own: GX's ExpectationSuite would log and drop a bad one."""
    gx.load()  # registers our own expectation types
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    spec = suite(name)
    assert spec["name"] == name and spec["expectations"]
    for entry in spec["expectations"]:
        assert set(entry) == {"type", "kwargs", "meta"} and entry["meta"]["rule_vi"].strip()
        assert entry["meta"].get("severity", "error") in ("error", "warning")
        expectation = ExpectationConfiguration(**entry).to_domain_obj()
        assert isinstance(expectation, Expectation) and expectation.expectation_type == entry["type"]
    assert len(validation.load_suite(*name.split(".")).expectations) == len(spec["expectations"])


@pytest.mark.parametrize("name", [f"{form}.{kind}" for form in raw.forms() for kind in validation.KINDS])
def test_every_rule_has_an_english_text(name):
    assert [e["type"] for e in suite(name)["expectations"] if not e["meta"].get("rule_en", "").strip()] == []


def test_our_expectations_are_registered_with_gx():
    gx.load()
    from great_expectations.expectations.registry import get_expectation_impl
    for kind in ("expect_multicolumn_total_to_equal_sum_of_parts", "expect_column_pair_values_to_match_official_name",
                 "expect_table_to_have_full_grid"):
        assert get_expectation_impl(kind).__module__ == "pipelines.validate.gx_custom"


def test_gx_drops_unknown_types_silently_so_we_build_entries_one_by_one():
    ge = gx.load()[0]
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    unknown = {"type": "expect_column_values_to_be_positive", "kwargs": {"column": "x"}}
    assert ge.ExpectationSuite(name="unknown", expectations=[unknown]).expectations == []  # only a log line
    with pytest.raises(Exception, match="not found"):
        ExpectationConfiguration(**unknown).to_domain_obj()
    with pytest.raises(Exception, match="extra fields not permitted"):
        ExpectationConfiguration(type="expect_column_values_to_be_between",
                                 kwargs={"column": "x", "min_valeu": 0}).to_domain_obj()


@pytest.mark.parametrize("form", list(raw.forms()))
def test_suites_cover_the_form(form):
    spec = raw.forms()[form]
    structure, values = suite(f"{form}.structure")["expectations"], suite(f"{form}.values")["expectations"]
    of = lambda exps, kind: [e["kwargs"] for e in exps if e["type"] == kind]  # noqa: E731
    assert of(structure, "expect_table_columns_to_match_set") == [
        {"column_set": list(spec.columns), "exact_match": True}]
    assert {k["column"] for k in of(structure, "expect_column_values_to_not_be_null")} == set(spec.columns)
    whole = {k["column"] for k in of(structure, "expect_column_values_to_match_regex") if k["regex"] == "^[0-9]+$"}
    assert whole == set(spec.counts)
    non_negative = {k["column"] for k in of(values, "expect_column_values_to_be_between")
                    if k.get("min_value") == 0 and k.get("max_value") is None}
    assert non_negative == set(spec.counts)
    assert {"column": "commune_code", "regex": "^[0-9]{5}$"} in of(structure, "expect_column_values_to_match_regex")
    assert {"column": "commune_code", "value_set": {"$PARAMETER": "commune_codes"}} in of(
        structure, "expect_column_values_to_be_in_set")
    assert of(structure, "expect_column_pair_values_to_match_official_name") == [
        {"column_A": "commune_code", "column_B": "commune_name", "names": {"$PARAMETER": "commune_names"}}]
    assert of(structure, "expect_compound_columns_to_be_unique") == [{"column_list": list(spec.key)}]
    breakdown = [k for k in spec.key if k != "commune_code"]
    grid = {"key_column": "commune_code", "key_values": {"$PARAMETER": "commune_list"}}
    if breakdown:
        grid.update(breakdown_column=breakdown[0], breakdown_values=list(raw.categories()[breakdown[0]]))
    assert of(values, "expect_table_to_have_full_grid") == [grid]


@pytest.mark.parametrize("form", list(raw.forms()))
def test_every_column_has_a_presence_a_format_and_a_range_rule(form):
    """Each column of forms.yml: not blank; a format or code list; counts also a range."""
    spec, exps = raw.forms()[form], suite(f"{form}.structure")["expectations"] + suite(f"{form}.values")["expectations"]
    def ruled(kinds: set[str]) -> set[str]:
        return {e["kwargs"].get("column", e["kwargs"].get("column_B")) for e in exps if e["type"] in kinds}
    assert set(spec.columns) <= ruled({"expect_column_values_to_not_be_null"})
    assert set(spec.columns) <= ruled({"expect_column_values_to_match_regex", "expect_column_values_to_be_in_set",
                                      "expect_column_pair_values_to_match_official_name"})
    assert set(spec.counts) <= ruled({"expect_column_values_to_be_between"})


def test_category_codes_equal_categories_yml():
    seen = set()
    for form, spec in raw.forms().items():
        for e in suite(f"{form}.structure")["expectations"]:
            column = e["kwargs"].get("column")
            if e["type"] == "expect_column_values_to_be_in_set" and column != "commune_code":
                assert e["kwargs"]["value_set"] == list(raw.categories()[column]), (form, column)
                seen.add((form, column))
    assert seen == {(form, c) for form, spec in raw.forms().items() for c in spec.text if c in raw.categories()}


def test_population_totals_rule():
    assert [e["kwargs"] for e in suite("population.values")["expectations"]
            if e["type"] == "expect_multicolumn_total_to_equal_sum_of_parts"] == [{
                "column_list": ["children_under_16", "children_under_6", "children_6_to_10", "children_11_to_15"],
                "total_column": "children_under_16"}]


# The page -------------------------------------------------------------------------------------------


def test_validation_page_is_deterministic_offline_and_names_the_suites(tmp_path, valid_frames, valid_outcome):
    one, again = (validation.validate_form("protection_cases", valid_frames["protection_cases"], PERIOD, COMMUNES)
                  for _ in range(2))
    assert validation.validation_page(one, PERIOD) == validation.validation_page(again, PERIOD)  # separate runs
    page = validation.validation_page(valid_outcome, PERIOD)
    assert page == validation.validation_page(valid_outcome, PERIOD)
    assert page.startswith("<!DOCTYPE html>") and "Kiểm tra dữ liệu thô kỳ 2024" in page
    for form in raw.forms():
        assert f"{form}.structure" in page and f"{form}.values" in page
    assert not re.search(r"https?://|<script|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", page)
    assert str(tmp_path) not in page


def test_validation_page_in_english_has_no_vietnamese_word_of_ours(valid_outcome):
    """The page's words and our rules' descriptions come from locales/<lang>/gx_page.yml; the
    Vietnamese page stays as it was (the other tests), the English one is English throughout."""
    page = validation.validation_page(valid_outcome, PERIOD, "en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and "<h1>Validation of the raw data of period 2024</h1>" in page
    assert "<p><b>The data passed every rule.</b></p>" in page
    assert ("On every line: children_under_16 must equal the sum children_under_6 + children_6_to_10 + "
            "children_11_to_15.") in page
    assert ("On every line: commune_name must be the official name of code commune_code in the list of "
            "administrative units (compared in Unicode NFC).") in page
    assert "Kiểm tra" not in page and "Mỗi dòng" not in page and "Đạt" not in page
    assert "Mỗi dòng: children_under_16 phải bằng tổng" in validation.validation_page(valid_outcome, PERIOD)


def test_validation_page_lists_the_problems(tmp_path, outlier_outcome):
    tables = copy.deepcopy(VALID)
    set_cell(tables["population"], 4, "children_ethnic_minority", "1400")
    frame = write_period(tmp_path, tables)["population"]
    outcome = validation.validate_form("population", frame, PERIOD, COMMUNES)
    page = validation.validation_page(outcome, PERIOD)
    assert "CHƯA ĐẠT" in page and len(outcome.problems) == 1 and outcome.problems[0].message in page
    page = validation.validation_page(outlier_outcome, PERIOD)
    assert "CHƯA ĐẠT" not in page and "có 1 cảnh báo cần kiểm tra lại" in page and "Cảnh báo" in page
    assert OUTLIER_VI in page


def validate_cli(data_dir: Path, capsys, *extra) -> tuple[int, list[str], list[str]]:
    """`baocao validate` (= `python -m pipelines validate`) in this process: exit status, stdout, stderr lines."""
    status = cli.main(["validate", "--period", str(PERIOD), "--data-dir", str(data_dir), *extra])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def test_sample_passes_on_the_command_line(tmp_path, capsys):
    folder = sample_copy(tmp_path, ("2023", PERIOD))
    assert validate_cli(tmp_path, capsys) == (0, [f"Kiểm tra dữ liệu thô kỳ {PERIOD} từ {folder}"], [])


def test_broken_sample_fails_with_every_problem_named(tmp_path, capsys):
    communes = reference.communes_of(PERIOD, "198", "district")[["code", "name"]]
    name = lambda code: validation._with_level(dict(zip(communes["code"], communes["name"]))[code])  # noqa: E731
    folder = sample_copy(tmp_path)
    pop = edit_csv(folder / "population.csv", 3, "children_ethnic_minority", lambda r: int(r["children_under_16"]) + 1)
    sup = edit_csv(folder / "support.csv", 2, "value_dong", lambda r: f"{int(r['value_dong']):,}".replace(",", "."))
    renamed = edit_csv(folder / "support.csv", 7, "commune_name", "Xã Đồng Tâm")
    edit_csv(folder / "protection_cases.csv", 2, "commune_code", "06862")  # not a commune of Bình Liêu
    edit_rows(folder / "special_circumstances.csv", lambda rows: [r for r in rows if r[0] != "06859"])
    header = edit_rows(folder / "education.csv", lambda rows: [row[:-1] for row in rows])[0]
    status, out, err = validate_cli(tmp_path, capsys)
    under_16, typed_value = int(pop[3]), f"{int(sup[5]):,}".replace(",", ".")
    assert status == 2 and out == [f"Kiểm tra dữ liệu thô kỳ {PERIOD} từ {folder}"]
    assert err == [
        f"education.csv, cột {header[-1]}: thiếu cột bắt buộc",
        f"population.csv dòng 3, cột children_ethnic_minority, {name(pop[0])} ({pop[0]}): giá trị "
        f"children_ethnic_minority = {under_16 + 1} lớn hơn children_under_16 = {under_16} (số trẻ em dân tộc thiểu "
        "số không được nhiều hơn tổng số trẻ em dưới 16 tuổi)",
        "protection_cases.csv dòng 2, cột commune_code, mã xã 06862: giá trị 06862 không có trong danh mục đơn vị "
        "hành chính cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024",
        "special_circumstances.csv: thiếu số liệu của xã Húc Động (06859)",
        f"support.csv dòng 2, cột value_dong, {name(sup[0])} ({sup[0]}): giá trị {typed_value} {WHOLE}",
        f'support.csv dòng 7, cột commune_name, {name(renamed[0])} ({renamed[0]}): giá trị "Xã Đồng Tâm" phải là '
        f'"{renamed[1]}"']


def test_command_line_exits_1_on_warnings_only(tmp_path, capsys):
    outlier_sample(tmp_path)
    status, out, err = validate_cli(tmp_path, capsys)
    assert status == 1 and err == [] and out[-1] == OUTLIER_VI


def test_the_problems_csv_keeps_a_value_a_spreadsheet_would_run_as_text():
    """A raw value quoted in validation-problems.csv (opened in Excel) cannot run as a formula;
    a negative count stays a number."""
    from pipelines.validate.problems import Problem, problems_csv

    class Outcome:
        problems = [Problem("population.csv", 8, "commune_name", "06847", "Xã Đồng Văn", "r",
                            '=HYPERLINK("http://evil","click")', "error", "missing_column"),
                    Problem("population.csv", 9, "children_under_16", "06847", "Xã Đồng Văn", "r", "-3", "error",
                            "missing_column")]
    rows = problems_csv(Outcome()).splitlines()
    assert rows[1].split(",")[8:10] == ['"\'=HYPERLINK(""http://evil""', '""click"")"']
    assert rows[2].split(",")[8] == "-3"
