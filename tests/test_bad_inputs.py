"""Issue 3's corpus of bad data, through `baocao run`: each case stops the run with its exact
problem line, and neither data/raw nor the previously published reports/2024 change by a byte."""

import csv
import shutil

import pytest

from conftest import tree_bytes
from pipelines import cli

OD = "xã Đồng Văn (06847)"
TT = "thị trấn Bình Liêu (06838)"


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set(name, line, column, value):
    def edit(folder):
        rows = _rows(folder / name)
        rows[line - 1][rows[0].index(column)] = value
        _write(folder / name, rows)
    return edit


def _drop_line(name, line):
    def edit(folder):
        rows = _rows(folder / name)
        _write(folder / name, rows[:line - 1] + rows[line:])
    return edit


def _duplicate_line(name, line):
    def edit(folder):
        rows = _rows(folder / name)
        _write(folder / name, rows[:line] + [rows[line - 1]] + rows[line:])
    return edit


def _drop_column(name, column):
    def edit(folder):
        rows = _rows(folder / name)
        index = rows[0].index(column)
        _write(folder / name, [r[:index] + r[index + 1:] for r in rows])
    return edit


def _drop_commune(name, code):
    def edit(folder):
        rows = _rows(folder / name)
        _write(folder / name, [r for r in rows if r[0] != code])
    return edit


WHOLE = "phải là số nguyên không âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)"
CASES = {
    "negative count": (_set("population.csv", 8, "children_under_16", "-3"),
                       f"population.csv dòng 8, cột children_under_16, {OD}: giá trị -3 {WHOLE}"),
    "fractional count": (_set("support.csv", 2, "children_in_need", "2.5"),
                         f"support.csv dòng 2, cột children_in_need, {TT}: giá trị 2.5 {WHOLE}"),
    "text in a number column": (_set("education.csv", 3, "schools", "hai"),
                                f"education.csv dòng 3, cột schools, {TT}: giá trị hai {WHOLE}"),
    "unknown commune code": (_set("protection_cases.csv", 2, "commune_code", "99999"),
                             "protection_cases.csv dòng 2, cột commune_code, mã xã 99999: giá trị 99999 không có trong "
                             "danh mục đơn vị hành chính cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024"),
    "mismatched commune name": (_set("population.csv", 8, "commune_name", "Xã Đồng Tâm"),
                                f'population.csv dòng 8, cột commune_name, {OD}: giá trị "Xã Đồng Tâm" phải là "Xã Đồng Văn"'),
    "duplicate row": (_duplicate_line("population.csv", 8),
                      f"population.csv dòng 8, cột commune_code + sex, {OD}: giá trị (06847, M) bị trùng: mỗi xã chỉ "
                      "được khai một dòng cho mỗi giá trị sex (trùng ở các dòng 8, 9)"),
    "breakdown not summing to total": (_set("population.csv", 8, "children_under_16", "669"),
                                       f"population.csv dòng 8, cột children_under_16, {OD}: giá trị children_under_16 = "
                                       "669 khác tổng children_under_6 + children_6_to_10 + children_11_to_15 = "
                                       "229 + 232 + 207 = 668"),
    "part above whole": (_set("population.csv", 8, "children_ethnic_minority", "670"),
                         f"population.csv dòng 8, cột children_ethnic_minority, {OD}: giá trị children_ethnic_minority = "
                         "670 lớn hơn children_under_16 = 668"),
    "empty file": (lambda folder: (folder / "support.csv").write_bytes(b""), "LỖI: support.csv: tệp rỗng"),
    "missing column": (_drop_column("education.csv", "schools"), "education.csv, cột schools: thiếu cột bắt buộc"),
    "missing commune": (_drop_commune("special_circumstances.csv", "06859"),
                        "special_circumstances.csv: thiếu số liệu của xã Húc Động (06859)"),
    "missing breakdown row": (_drop_line("special_circumstances.csv", 5),
                              f"special_circumstances.csv, cột circumstance, {TT}: thiếu dòng có mã disabled"),
}


@pytest.fixture(scope="module")
def published_copy(published, tmp_path_factory):
    return published[0]


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_stops_the_run_and_changes_nothing(case, published_copy, tmp_path, capsys):
    shutil.copytree(published_copy / "data", tmp_path / "data")
    shutil.copytree(published_copy / "reports", tmp_path / "reports")
    edit, expected = CASES[case]
    edit(tmp_path / "data" / "raw" / "2024")
    raw_before, reports_before = tree_bytes(tmp_path / "data" / "raw"), tree_bytes(tmp_path / "reports")

    status = cli.main(["run", "--period", "2024", "--data-dir", str(tmp_path / "data"),
                       "--reports-dir", str(tmp_path / "reports")])

    err = capsys.readouterr().err.splitlines()
    assert status == 2
    assert err[0].startswith(expected), err
    assert err[-1].startswith("LỖI: ")
    assert tree_bytes(tmp_path / "data" / "raw") == raw_before
    assert tree_bytes(tmp_path / "reports") == reports_before
