"""The validation step: GX suites kept as JSON, and the messages officials act on.

Fixtures are written as real CSV files and read with `raw.read_form`, so line numbers in messages
are the ones an officer sees in an editor (header = line 1). Tests on one broken form call
`validate_form` (one form, two suites) to keep the file fast; `validate_period` is exercised on the
whole fixture and on the committed sample.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines import raw, reference, validation

PERIOD = "2024"
COMMUNES = pd.DataFrame({"code": ["06838", "06847"], "name": ["Thị trấn Bình Liêu", "Xã Đồng Văn"]})
EXPECTATIONS = Path(validation.__file__).parent / "expectations"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw" / PERIOD
TT, DV = ["06838", "Thị trấn Bình Liêu"], ["06847", "Xã Đồng Văn"]
WHOLE = "phải là số nguyên không âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)"

# A valid 2024-like period for two communes: lines 2-5 of every form; line 4 is Xã Đồng Văn.
VALID = {
    "population": [
        ["commune_code", "commune_name", "sex", "children_under_16", "children_under_6", "children_6_to_10",
         "children_11_to_15", "children_ethnic_minority"],
        TT + ["M", "1047", "289", "364", "394", "903"], TT + ["F", "997", "276", "346", "375", "860"],
        DV + ["M", "700", "220", "240", "240", "690"], DV + ["F", "650", "200", "230", "220", "640"]],
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


def write_period(data_dir: Path, tables: dict[str, list[list[str]]]) -> dict[str, pd.DataFrame]:
    folder = raw.period_dir(data_dir, PERIOD)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / raw.forms()[name].file, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return raw.read_period(data_dir, PERIOD)


def set_cell(rows: list[list[str]], line: int, column: str, value: str) -> None:
    rows[line - 1][rows[0].index(column)] = value


def broken(tmp_path: Path, form: str, edit) -> list[str]:
    """Messages for one form of a copy of the valid fixture changed by `edit(rows)`."""
    tables = copy.deepcopy(VALID)
    edit(tables[form])
    frames = write_period(tmp_path, tables)
    return [p.message for p in validation.validate_form(form, frames[form], PERIOD, COMMUNES).problems]


def suite(name: str) -> dict:
    return json.loads((EXPECTATIONS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def valid_outcome(tmp_path_factory):
    return validation.validate_period(write_period(tmp_path_factory.mktemp("valid"), VALID), PERIOD, COMMUNES)


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
    assert problems == [validation.Problem(
        "population.csv", 4, "children_under_16", "06847", "Xã Đồng Văn", "expect_column_values_to_match_regex", "-3",
        "error", f"population.csv dòng 4, cột children_under_16, xã Đồng Văn (06847): giá trị -3 {WHOLE}")]


def test_negative_count_in_typed_frame(tmp_path, monkeypatch):
    """Typed in a CSV, "-3" is stopped by the whole-number rule; the >= 0 rule guards the typed frame."""
    typed = raw.typed
    monkeypatch.setattr(raw, "typed", lambda name, frame: typed(name, frame).assign(
        children_ethnic_minority=lambda t: t["children_ethnic_minority"].where(t.index != 4, -3)))
    assert broken(tmp_path, "population", lambda rows: None) == [
        "population.csv dòng 4, cột children_ethnic_minority, xã Đồng Văn (06847): giá trị -3 phải >= 0"]


@pytest.mark.parametrize("form, line, column, value, commune", [
    ("special_circumstances", 3, "children", "2.5", "thị trấn Bình Liêu (06838)"),
    ("support", 5, "value_dong", "abc", "xã Đồng Văn (06847)"),
    ("education", 2, "pupils_enrolled", "1.400", "thị trấn Bình Liêu (06838)"),
])
def test_count_not_a_whole_number(tmp_path, form, line, column, value, commune):
    file = raw.forms()[form].file
    assert broken(tmp_path, form, lambda rows: set_cell(rows, line, column, value)) == [
        f"{file} dòng {line}, cột {column}, {commune}: giá trị {value} {WHOLE}"]


def test_missing_column(tmp_path):
    def drop(rows):
        i = rows[0].index("children_ethnic_minority")
        rows[:] = [row[:i] + row[i + 1:] for row in rows]
    assert broken(tmp_path, "population", drop) == [
        "population.csv, cột children_ethnic_minority: thiếu cột bắt buộc"]


def test_extra_column(tmp_path):
    def add(rows):
        rows[:] = [row + ["ghi chú" if i == 0 else ""] for i, row in enumerate(rows)]
    assert broken(tmp_path, "protection_cases", add) == [
        "protection_cases.csv, cột ghi chú: cột không có trong mẫu biểu, cần xóa hoặc sửa tên cột"]


@pytest.mark.parametrize("form, line, column", [("population", 5, "sex"), ("education", 3, "schools")])
def test_empty_required_cell(tmp_path, form, line, column):
    commune = "xã Đồng Văn (06847)" if line >= 4 else "thị trấn Bình Liêu (06838)"
    assert broken(tmp_path, form, lambda rows: set_cell(rows, line, column, "")) == [
        f"{raw.forms()[form].file} dòng {line}, cột {column}, {commune}: ô để trống, bắt buộc phải điền"]


def test_unknown_commune_code(tmp_path):
    assert broken(tmp_path, "population", lambda rows: set_cell(rows, 4, "commune_code", "99999")) == [
        "population.csv dòng 4, cột commune_code, mã xã 99999: giá trị 99999 không có trong danh mục đơn vị hành "
        "chính cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024"]


def test_commune_code_without_leading_zero_is_reported_once(tmp_path):
    assert broken(tmp_path, "support", lambda rows: set_cell(rows, 2, "commune_code", "6838")) == [
        "support.csv dòng 2, cột commune_code, mã xã 6838: giá trị 6838 không phải mã xã hợp lệ: mã xã gồm đúng "
        "5 chữ số, giữ cả số 0 ở đầu (ví dụ 06847)"]


def test_unit_named_by_caller(tmp_path):
    tables = copy.deepcopy(VALID)
    set_cell(tables["protection_cases"], 3, "commune_code", "06841")  # Hoành Mô: official, not in this list
    frame = write_period(tmp_path, tables)["protection_cases"]
    one = validation.validate_form("protection_cases", frame, PERIOD, COMMUNES.iloc[:1], unit_name="Thị trấn Bình Liêu")
    assert [p.message for p in one.problems] == [
        "protection_cases.csv dòng 3, cột commune_code, mã xã 06841: giá trị 06841 không có trong danh mục đơn vị "
        "hành chính cấp xã của thị trấn Bình Liêu áp dụng cho kỳ 2024",
        "protection_cases.csv dòng 4, cột commune_code, mã xã 06847: giá trị 06847 không có trong danh mục đơn vị "
        "hành chính cấp xã của thị trấn Bình Liêu áp dụng cho kỳ 2024",
        "protection_cases.csv dòng 5, cột commune_code, mã xã 06847: giá trị 06847 không có trong danh mục đơn vị "
        "hành chính cấp xã của thị trấn Bình Liêu áp dụng cho kỳ 2024"]


def test_bad_category_code(tmp_path):
    assert broken(tmp_path, "population", lambda rows: set_cell(rows, 3, "sex", "Nữ")) == [
        "population.csv dòng 3, cột sex, thị trấn Bình Liêu (06838): giá trị Nữ không phải mã hợp lệ của cột sex "
        "(config/categories.yml); chỉ dùng: M, F"]


def test_duplicate_key_names_every_line(tmp_path):
    message = ("special_circumstances.csv dòng {}, cột commune_code + circumstance, xã Đồng Văn (06847): giá trị "
               "(06847, difficult) bị trùng: mỗi xã chỉ được khai một dòng cho mỗi giá trị circumstance "
               "(trùng ở các dòng 5, 6, 7)")
    assert broken(tmp_path, "special_circumstances", lambda rows: rows.extend([rows[4][:], rows[4][:]])) == [
        message.format(5), message.format(6), message.format(7)]


def test_ethnic_minority_above_children(tmp_path):
    assert broken(tmp_path, "population", lambda rows: set_cell(rows, 4, "children_ethnic_minority", "1400")) == [
        "population.csv dòng 4, cột children_ethnic_minority, xã Đồng Văn (06847): giá trị children_ethnic_minority "
        "= 1400 lớn hơn children_under_16 = 700 (số trẻ em dân tộc thiểu số không được nhiều hơn tổng số trẻ em "
        "dưới 16 tuổi)"]


def test_correct_age_pupils_above_population_of_that_age(tmp_path):
    assert broken(tmp_path, "education", lambda rows: set_cell(rows, 4, "pupils_correct_age", "301")) == [
        "education.csv dòng 4, cột pupils_correct_age, xã Đồng Văn (06847): giá trị pupils_correct_age = 301 lớn "
        "hơn population_official_age = 300 (số học sinh đúng độ tuổi không được nhiều hơn dân số trong độ tuổi "
        "của cấp học)"]


PAIRS = [(form, e["kwargs"]["column_A"], e["kwargs"]["column_B"], e["meta"]["rule_vi"])
         for form in raw.forms() for e in suite(f"{form}.values")["expectations"]
         if e["type"] == "expect_column_pair_values_a_to_be_greater_than_b"]


@pytest.mark.parametrize("form, whole, part, rule_vi", PAIRS, ids=[f"{p[0]}-{p[2]}" for p in PAIRS])
def test_every_part_above_whole_rule(tmp_path, form, whole, part, rule_vi):
    rows = VALID[form]
    above = int(rows[3][rows[0].index(whole)]) + 1
    assert (f"{raw.forms()[form].file} dòng 4, cột {part}, xã Đồng Văn (06847): giá trị {part} = {above} lớn hơn "
            f"{whole} = {above - 1} ({rule_vi})") in broken(tmp_path, form, lambda r: set_cell(r, 4, part, str(above)))


def test_missing_form(tmp_path):
    frames = write_period(tmp_path, VALID)
    del frames["education"]
    outcome = validation.validate_period(frames, PERIOD, COMMUNES)
    assert not outcome.ok and [p.message for p in outcome.problems] == ["education.csv: thiếu tệp biểu mẫu của kỳ 2024"]


# The suites themselves ------------------------------------------------------------------------------


def test_one_structure_and_one_values_suite_per_form():
    assert sorted(p.name for p in EXPECTATIONS.glob("*.json")) == sorted(
        f"{form}.{kind}.json" for form in raw.forms() for kind in validation.KINDS)


@pytest.mark.parametrize("name", [f"{form}.{kind}" for form in raw.forms() for kind in validation.KINDS])
def test_every_expectation_loads_into_a_gx_object(name):
    """Each entry is built on its own: GX's ExpectationSuite would log and drop a bad one."""
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    spec = suite(name)
    assert spec["name"] == name and spec["expectations"]
    for entry in spec["expectations"]:
        assert set(entry) == {"type", "kwargs", "meta"} and entry["meta"]["rule_vi"].strip()
        expectation = ExpectationConfiguration(**entry).to_domain_obj()
        assert isinstance(expectation, Expectation) and expectation.expectation_type == entry["type"]
    assert len(validation.load_suite(*name.split(".")).expectations) == len(spec["expectations"])


def test_gx_drops_unknown_types_silently_so_we_build_entries_one_by_one():
    gx = validation._gx()[0]
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    unknown = {"type": "expect_column_values_to_be_positive", "kwargs": {"column": "x"}}
    assert gx.ExpectationSuite(name="unknown", expectations=[unknown]).expectations == []  # only a log line
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
    assert of(structure, "expect_table_columns_to_match_set") == [{"column_set": list(spec.columns), "exact_match": True}]
    assert {k["column"] for k in of(structure, "expect_column_values_to_not_be_null")} == set(spec.columns)
    whole = {k["column"] for k in of(structure, "expect_column_values_to_match_regex") if k["regex"] == "^[0-9]+$"}
    assert whole == set(spec.counts)
    non_negative = {k["column"] for k in of(values, "expect_column_values_to_be_between")
                    if k.get("min_value") == 0 and k.get("max_value") is None}
    assert non_negative == set(spec.counts)
    assert {"column": "commune_code", "regex": "^[0-9]{5}$"} in of(structure, "expect_column_values_to_match_regex")
    assert {"column": "commune_code", "value_set": {"$PARAMETER": "commune_codes"}} in of(
        structure, "expect_column_values_to_be_in_set")
    assert of(structure, "expect_compound_columns_to_be_unique") == [{"column_list": list(spec.key)}]


def test_category_codes_equal_categories_yml():
    seen = set()
    for form, spec in raw.forms().items():
        for e in suite(f"{form}.structure")["expectations"]:
            column = e["kwargs"].get("column")
            if e["type"] == "expect_column_values_to_be_in_set" and column != "commune_code":
                assert e["kwargs"]["value_set"] == list(raw.categories()[column]), (form, column)
                seen.add((form, column))
    assert seen == {(form, c) for form, spec in raw.forms().items() for c in spec.text if c in raw.categories()}


# The page -------------------------------------------------------------------------------------------


def test_validation_page_is_deterministic_offline_and_names_the_suites(tmp_path, valid_outcome):
    again = validation.validate_period(write_period(tmp_path, VALID), PERIOD, COMMUNES)  # a second, separate run
    page = validation.validation_page(valid_outcome, PERIOD)
    assert page == validation.validation_page(again, PERIOD) == validation.validation_page(valid_outcome, PERIOD)
    assert page.startswith("<!DOCTYPE html>") and "Kiểm tra dữ liệu thô kỳ 2024" in page
    for form in raw.forms():
        assert f"{form}.structure" in page and f"{form}.values" in page
    assert not re.search(r"https?://|<script|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", page)
    assert str(tmp_path) not in page


def test_validation_page_lists_the_problems(tmp_path):
    tables = copy.deepcopy(VALID)
    set_cell(tables["population"], 4, "children_ethnic_minority", "1400")
    frame = write_period(tmp_path, tables)["population"]
    outcome = validation.validate_form("population", frame, PERIOD, COMMUNES)
    page = validation.validation_page(outcome, PERIOD)
    assert "CHƯA ĐẠT" in page and len(outcome.problems) == 1 and outcome.problems[0].message in page


# The committed sample (written by pipelines/sample.py), copied and broken ------------------------------


def sample_copy(tmp_path: Path) -> Path:
    target = raw.period_dir(tmp_path, PERIOD)
    shutil.copytree(SAMPLE, target)
    return target


def edit_csv(path: Path, line: int, column: str, value) -> list[str]:
    """Set one cell of a CSV file; returns the row as it was."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    before = rows[line - 1][:]
    set_cell(rows, line, column, str(value(dict(zip(rows[0], before))) if callable(value) else value))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return before


def test_sample_passes_and_broken_sample_fails(tmp_path):
    communes = reference.communes_of(PERIOD, "198", "district")[["code", "name"]]
    folder = sample_copy(tmp_path)
    assert validation.validate_period(raw.read_period(tmp_path, PERIOD), PERIOD, communes).problems == []

    pop = edit_csv(folder / "population.csv", 3, "children_ethnic_minority", lambda r: int(r["children_under_16"]) + 1)
    sup = edit_csv(folder / "support.csv", 2, "value_dong", lambda r: f"{int(r['value_dong']):,}".replace(",", "."))
    outcome = validation.validate_period(raw.read_period(tmp_path, PERIOD), PERIOD, communes)
    name = lambda code: validation._with_level(dict(zip(communes["code"], communes["name"]))[code])  # noqa: E731
    under_16 = int(pop[3])
    typed_value = f"{int(sup[5]):,}".replace(",", ".")
    assert [p.message for p in outcome.problems] == [
        f"population.csv dòng 3, cột children_ethnic_minority, {name(pop[0])} ({pop[0]}): giá trị "
        f"children_ethnic_minority = {under_16 + 1} lớn hơn children_under_16 = {under_16} (số trẻ em dân tộc thiểu "
        "số không được nhiều hơn tổng số trẻ em dưới 16 tuổi)",
        f"support.csv dòng 2, cột value_dong, {name(sup[0])} ({sup[0]}): giá trị {typed_value} {WHOLE}"]
    assert not outcome.ok


def test_sample_with_unknown_commune_and_missing_column(tmp_path):
    communes = reference.communes_of(PERIOD, "198", "district")[["code", "name"]]
    folder = sample_copy(tmp_path)
    edit_csv(folder / "protection_cases.csv", 2, "commune_code", "06862")  # not a commune of Bình Liêu
    path = folder / "education.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([row[:-1] for row in rows])
    messages = [p.message for p in validation.validate_period(raw.read_period(tmp_path, PERIOD), PERIOD,
                                                              communes).problems]
    assert messages == [
        f"education.csv, cột {rows[0][-1]}: thiếu cột bắt buộc",
        "protection_cases.csv dòng 2, cột commune_code, mã xã 06862: giá trị 06862 không có trong danh mục đơn vị "
        "hành chính cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024"]
