"""A failed run publishes nothing and loses nothing: raw files and published reports keep their bytes.

Each run stops at reading or validating the data, before any report is rendered, so it goes through
the command line in this process (`baocao_here`), not a new one."""

import shutil

import pytest

from conftest import baocao_here, tree_bytes


@pytest.fixture
def work(published, tmp_path):
    """A copy of a folder where 2024 was already published successfully."""
    source, _ = published
    shutil.copytree(source / "data", tmp_path / "data")
    shutil.copytree(source / "reports", tmp_path / "reports")
    return tmp_path


@pytest.fixture
def run(work, capsys):
    def _run(period="2024"):
        return baocao_here(capsys, "run", "--period", period, "--data-dir", work / "data",
                           "--reports-dir", work / "reports")
    return _run


def _replace_line(path, line, old, new):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_negative_count_stops_the_run_with_an_actionable_message(work, run):
    population = work / "data" / "raw" / "2024" / "population.csv"
    _replace_line(population, 8, "06847,Xã Đồng Văn,M,668,", "06847,Xã Đồng Văn,M,-3,")
    raw_before = tree_bytes(work / "data" / "raw")
    published_before = tree_bytes(work / "reports")
    processed_before = tree_bytes(work / "data" / "processed")

    done = run()

    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "population.csv dòng 8, cột children_under_16, xã Đồng Văn (06847): giá trị -3 phải là số nguyên không âm, "
        "chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)")
    assert "LỖI: 1 lỗi dữ liệu; không công bố báo cáo" in done.stderr
    assert tree_bytes(work / "data" / "raw") == raw_before
    assert tree_bytes(work / "reports") == published_before
    assert tree_bytes(work / "data" / "processed") == processed_before


def test_part_above_whole_names_file_column_and_commune(work, run):
    education = work / "data" / "raw" / "2024" / "education.csv"
    line = education.read_text(encoding="utf-8").split("\n")[1]  # Thị trấn Bình Liêu, preschool
    fields = line.split(",")
    fields[5] = str(int(fields[3]) + 7)  # pupils_correct_age above population_official_age
    _replace_line(education, 2, line, ",".join(fields))
    published_before = tree_bytes(work / "reports")

    done = run()

    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith(
        f"education.csv dòng 2, cột pupils_correct_age, thị trấn Bình Liêu (06838): giá trị pupils_correct_age = "
        f"{int(fields[3]) + 7} lớn hơn population_official_age = {fields[3]}")
    assert tree_bytes(work / "reports") == published_before


def test_missing_raw_file_is_a_data_error(work, run):
    (work / "data" / "raw" / "2024" / "support.csv").unlink()
    published_before = tree_bytes(work / "reports")
    done = run()
    assert done.returncode == 2
    assert "support.csv" in done.stderr and "LỖI" in done.stderr
    assert tree_bytes(work / "reports") == published_before


def test_unknown_period_fails_with_reason_and_touches_nothing(work, run):
    published_before = tree_bytes(work / "reports")
    done = run(period="2019")
    assert done.returncode == 2
    assert done.stderr.strip().endswith(f"không có dữ liệu thô cho kỳ 2019: thiếu thư mục {work / 'data' / 'raw' / '2019'}")
    assert tree_bytes(work / "reports") == published_before
