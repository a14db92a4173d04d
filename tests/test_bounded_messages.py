"""Bounded messages: a file of thousands of bad rows gives a few lines per rule, not one per row.

Each rule of each file lists at most `max_lines_per_rule` lines (project.yml, default 20) and one
line counting the rest; a key repeated on many lines is one line with its count and its first lines.
The same bounded list is printed, written to validation-problems.csv and shown on the validation
page. Small files: the sample's population.csv (14 rows) edited or pasted again.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conftest import SAMPLE, baocao_here, copy_sample
from pipelines.intake import raw
from pipelines.units import reference
from pipelines.validate import bounds, codes, messages, validation
from pipelines.validate.problems import Problem, ValidationOutcome, problems_csv
from pipelines.units.period import Period

BINH_LIEU = reference.communes_of(Period.parse("2024"), "198", "district")[["code", "name"]].reset_index(drop=True)
WHOLE_VI = "phải là số nguyên không âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)"
WHOLE_EN = "must be a whole number >= 0 written with the digits 0-9 only (no dots, commas, minus signs or letters)"
REPEATED_VI = "bị trùng: mỗi xã chỉ được khai một dòng cho mỗi giá trị sex"
REPEATED_EN = "is repeated: each commune reports one row per value of sex"
LINE_8 = "population.csv dòng 8, cột commune_code + sex, xã Đồng Văn (06847): giá trị (06847, M) " + REPEATED_VI
LINE_8_EN = "population.csv line 8, column commune_code + sex, Đồng Văn commune (06847): value (06847, M) " + REPEATED_EN


def _rows(path: Path = SAMPLE / "2024" / "population.csv") -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _validate(tmp_path: Path, rows: list[list[str]], **options) -> ValidationOutcome:
    frame = raw.read_form(_write(tmp_path / "population.csv", rows))
    return validation.validate_form("population", frame, Period.parse("2024"), BINH_LIEU, **options)


def _set(rows: list[list[str]], lines, column: str, value: str) -> list[list[str]]:
    for line in lines:
        rows[line - 1][rows[0].index(column)] = value
    return rows


# A repeated key: once, with its count -----------------------------------------------------------

def test_a_key_pasted_1200_times_is_one_line_with_its_count(tmp_path):
    rows = _rows()
    outcome = _validate(tmp_path, rows + [rows[7]] * 1200)  # line 8 (Xã Đồng Văn, M) again on lines 16-1215
    [problem] = outcome.problems
    assert (problem.line, problem.value, problem.key) == (8, "06847, M", "duplicates")
    assert problem.message_in("vi") == LINE_8 + " (trùng ở 1.201 dòng: 8, 16, 17, 18, 19, …)"
    assert problem.message_in("en") == LINE_8_EN + " (repeated on 1,201 lines: 8, 16, 17, 18, 19, …)"


@pytest.mark.parametrize("copies, said", [
    (4, " (trùng ở các dòng 8, 16, 17, 18, 19)"),  # up to FEW lines: every line named, as before
    (5, " (trùng ở 6 dòng: 8, 16, 17, 18, 19, …)")])
def test_a_few_lines_are_all_named_more_are_counted(tmp_path, copies, said):
    rows = _rows()
    assert [p.message for p in _validate(tmp_path, rows + [rows[7]] * copies).problems] == [LINE_8 + said]


def test_many_repeated_keys_are_bounded_per_rule(tmp_path):
    rows = _rows()
    outcome = _validate(tmp_path, rows + rows[1:], max_lines_per_rule=3)  # the 14 rows pasted again
    assert [(p.line, p.key) for p in outcome.problems] == [(2, "duplicate"), (3, "duplicate"), (4, "duplicate"),
                                                           (None, "more_values")]
    assert outcome.problems[0].message.endswith(f"{REPEATED_VI} (trùng ở các dòng 2, 16)")
    assert outcome.problems[-1].message_in("vi") == f"population.csv, cột commune_code + sex: … và 11 giá trị khác {REPEATED_VI}"
    assert outcome.problems[-1].message_in("en") == (
        f"population.csv, column commune_code + sex: … and 11 more values ({REPEATED_EN})")


# Lines per rule and file -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_bad_columns(tmp_path_factory):
    """children_under_6 typed "1.400" on all 14 rows; children_6_to_10 "x" on lines 2 and 3; at most 3 lines per rule."""
    rows = _set(_set(_rows(), range(2, 16), "children_under_6", "1.400"), [2, 3], "children_6_to_10", "x")
    return _validate(tmp_path_factory.mktemp("two"), rows, max_lines_per_rule=3)


def test_each_rule_lists_its_first_lines_then_counts_the_rest(two_bad_columns):
    assert [(p.line, p.column, p.key, p.value) for p in two_bad_columns.problems] == [
        (2, "children_6_to_10", "cell", "x"), (2, "children_under_6", "cell", "1.400"),
        (3, "children_6_to_10", "cell", "x"), (3, "children_under_6", "cell", "1.400"),
        (4, "children_under_6", "cell", "1.400"),
        (None, "children_under_6", "more", "")]  # the rule of children_6_to_10 is within the limit
    more = two_bad_columns.problems[-1]
    assert (more.severity, more.rule) == ("error", "expect_column_values_to_match_regex")
    assert more.message_in("vi") == f"population.csv, cột children_under_6: … và 11 dòng khác ({WHOLE_VI})"
    assert more.message_in("en") == f"population.csv, column children_under_6: … and 11 more lines ({WHOLE_EN})"
    assert not two_bad_columns.ok


def test_csv_and_page_show_the_same_bounded_list(two_bad_columns):
    lines = problems_csv(two_bad_columns, "en").splitlines()
    assert len(lines) == 1 + 6 and lines[-1] == (
        f'error,population.csv,,,children_under_6,,,expect_column_values_to_match_regex,,'
        f'"population.csv, column children_under_6: … and 11 more lines ({WHOLE_EN})"')
    page = validation.validation_page(two_bad_columns, "2024")
    assert "Danh sách lỗi và cảnh báo (6 lỗi, 0 cảnh báo; 11 thông báo khác không liệt kê, xem các dòng “… và”)" in page
    assert "population.csv, cột children_under_6: … và 11 dòng khác" in page
    assert "population.csv dòng 5, cột children_under_6" not in page
    # GX's own section: its count and partial list, not every failing line (`df.filter(items=[2, 3, …])`)
    assert "14 unexpected values found. 100% of 14 total rows." in page and "df.filter(items=" not in page


def test_the_default_comes_from_project_yml(tmp_path, monkeypatch):
    assert bounds.max_lines_per_rule() == 20 == bounds.settings.load("project.yml")["validation"]["max_lines_per_rule"]
    load = bounds.settings.load
    monkeypatch.setattr(bounds.settings, "load",
                        lambda name: {"validation": {"max_lines_per_rule": 2}} if name == "project.yml" else load(name))
    outcome = _validate(tmp_path, _set(_rows(), range(2, 16), "children_under_6", "1.400"))
    assert [(p.line, p.key) for p in outcome.problems] == [(2, "cell"), (3, "cell"), (None, "more")]
    assert outcome.problems[-1].message.startswith("population.csv, cột children_under_6: … và 12 dòng khác")


@pytest.mark.parametrize("value", [0, -1, "5", True, 2.5])
def test_a_limit_below_one_or_not_whole_is_refused(value):
    with pytest.raises(ValueError, match="max_lines_per_rule phải là số nguyên từ 1 trở lên"):
        bounds.max_lines_per_rule(value)


def test_code_list_lines_use_the_same_limit(tmp_path):
    """Codes of several other units: the rule's own count line, cut at the common limit."""
    rows = _set(_rows(), range(2, 16), "commune_code", "06862")  # a commune of another district
    outcome = _validate(tmp_path, _set(rows, [2], "commune_code", "06838"), max_lines_per_rule=4)
    code_lines = [p for p in outcome.problems if p.column == "commune_code"]
    assert codes.LIMIT is None and [(p.line, p.key) for p in code_lines] == [
        (3, "cell"), (4, "cell"), (5, "cell"), (6, "cell"), (None, "more_lines")]
    assert code_lines[-1].message_in("vi") == (
        "population.csv, cột commune_code: … và 9 dòng khác có mã xã không thuộc huyện Bình Liêu")


# The mechanism itself ----------------------------------------------------------------------------

def _problem(line, column="a", file="x.csv", key="cell") -> Problem:
    return Problem(file, line, column, None, None, "r", "v", "error", key, messages.facts(value="v"))


def test_fold_cuts_each_rule_of_each_file_and_twice_is_once():
    found = [_problem(n) for n in (9, 3, 7, 5)] + [_problem(4, "b"), _problem(2, file="y.csv"), _problem(None)]
    once = bounds.fold(found, 2)
    assert [(p.file, p.line, p.column, p.key) for p in once] == [
        ("x.csv", 3, "a", "cell"), ("x.csv", 5, "a", "cell"), ("x.csv", 4, "b", "cell"), ("y.csv", 2, "a", "cell"),
        ("x.csv", None, "a", "cell"), ("x.csv", None, "a", "more_plain")]
    assert once[-1].message_in("vi") == "x.csv, cột a: … và 2 dòng khác"
    assert once[-1].message_in("en") == "x.csv, column a: … and 2 more lines"
    assert bounds.fold(once, 2) == once and bounds.fold(found, 4) == found
    assert bounds.left_out(once) == 2 and bounds.left_out(found) == 0


def test_counts_are_written_per_language():
    assert (messages.Count(297000).text("vi"), messages.Count(297000).text("en")) == ("297.000", "297,000")


# Across forms and periods, and on the command line ------------------------------------------------

def test_changes_from_the_previous_period_are_bounded_too(tmp_path):
    """2023's population divided by 3: every count of every row changed by about +200 %."""
    copy_sample(tmp_path, periods=("2023", "2024"))
    rows = _rows(tmp_path / "data" / "raw" / "2023" / "population.csv")
    _write(tmp_path / "data" / "raw" / "2023" / "population.csv",
           [rows[0]] + [row[:3] + [str(int(v) // 3) for v in row[3:]] for row in rows[1:]])
    frames, previous = (raw.read_period(tmp_path / "data", p) for p in ("2024", "2023"))
    outcome = validation.validate_period(frames, Period.parse("2024"), BINH_LIEU, previous=previous, max_lines_per_rule=2)
    counts = [c for c in raw.forms()["population"].counts]
    assert outcome.ok and [(p.line, p.column, p.key) for p in outcome.problems] == [
        (line, column, "outlier") for line in (2, 3) for column in sorted(counts)] + [
        (None, column, "more_outlier") for column in sorted(counts)]
    assert outcome.problems[-1].message_in("vi") == (
        f"population.csv, cột {sorted(counts)[-1]}: … và 12 dòng khác thay đổi nhiều so với kỳ 2023; kiểm tra lại")
    assert outcome.problems[-1].message_in("en") == (
        f"population.csv, column {sorted(counts)[-1]}: … and 12 more lines changed a lot from period 2023; please check")


def test_baocao_validate_prints_a_bounded_list(tmp_path, capsys):
    """The 14 rows pasted 300 times more (14 keys on 301 lines each) with "1.400" in children_under_6 on
    every row: 4,214 bad cells and 4,214 repeated rows, in 35 lines."""
    data = copy_sample(tmp_path, periods=("2024",)) / "data"
    rows = _rows()
    _write(data / "raw" / "2024" / "population.csv",
           _set(rows + rows[1:] * 300, range(2, 14 * 301 + 2), "children_under_6", "1.400"))
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data, "--reports-dir", tmp_path / "reports")
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 14 + 20 + 1 and len(done.stderr.encode()) < 12_000
    assert lines[0] == ("population.csv dòng 2, cột children_under_6, thị trấn Bình Liêu (06838): giá trị 1.400 "
                        + WHOLE_VI)
    assert lines[1] == ("population.csv dòng 2, cột commune_code + sex, thị trấn Bình Liêu (06838): giá trị (06838, M) "
                        f"{REPEATED_VI} (trùng ở 301 dòng: 2, 16, 30, 44, 58, …)")
    assert lines[-1] == f"population.csv, cột children_under_6: … và 4.194 dòng khác ({WHOLE_VI})"


# Problems without a line are bounded too --------------------------------------------------------

STRAY = "cột không có trong mẫu biểu, cần xóa hoặc sửa tên cột"


def test_a_form_with_150_stray_columns_gets_20_lines_and_a_count(tmp_path, capsys):
    """Within the column limit (200), each stray column was one line: 150 lines, 9,992 for the
    issue's 10,000 columns before the limit. Now 20, by column, and one counting the rest."""
    data = copy_sample(tmp_path, periods=("2024",)) / "data"
    rows = _rows()
    stray = [f"col_{n:03}" for n in range(150)]
    _write(data / "raw" / "2024" / "population.csv", [rows[0] + stray] + [row + [""] * 150 for row in rows[1:]])
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"population.csv, cột col_{n:03}: {STRAY}" for n in range(20)] + [
        "population.csv: … và 130 cột khác"]
    english = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", data, "--lang", "en")
    assert english.stderr.splitlines()[-1] == "population.csv: … and 130 more columns"


def test_table_level_problems_are_cut_per_file_rule_and_kind():
    def missing(code: str) -> Problem:
        return Problem("x.csv", None, None, code, None, "grid", "", "error", "missing_commune",
                       messages.facts(commune=messages.Commune(code, None)))
    problems = [missing(f"{n:05}") for n in range(5, 0, -1)] + [Problem("y.csv", None, None, None, None, "grid", "",
                                                                         "error", "missing_file")]
    folded = bounds.fold(problems, 2)
    assert [(p.file, p.commune_code, p.key) for p in folded] == [
        ("x.csv", "00002", "missing_commune"), ("x.csv", "00001", "missing_commune"), ("y.csv", None, "missing_file"),
        ("x.csv", None, "more_problems")]
    assert folded[-1].message_in("vi") == "x.csv: … và 3 vấn đề khác"
    assert bounds.fold(folded, 2) == folded  # folding again changes nothing
