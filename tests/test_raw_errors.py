"""Issue 11, bad raw files: a raw form that cannot be read as the contract says stops `baocao run`
and `baocao validate` with exit 2 and one line naming file, line, column and value (RawDataError),
never a traceback, a pandas message or a bare key name, and nothing under data/raw changes."""

import os
import shutil

import pytest

from conftest import baocao_here, copy_sample, tree_bytes
from pipelines.intake import raw
from pipelines.units.period import Period

POP_COLUMNS = "commune_name, sex, children_under_16, children_under_6, children_6_to_10, children_11_to_15, children_ethnic_minority"


def _edit(name, old, new, count=1):
    def edit(folder):
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text
        (folder / name).write_text(text.replace(old, new, count), encoding="utf-8")
    return edit


def _drop_first_column(name):
    def edit(folder):
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        (folder / name).write_text("".join(line.split(",", 1)[1] + "\n" for line in lines), encoding="utf-8")
    return edit


def _symlink(name):
    def edit(folder):
        target = folder.parent.parent / f"elsewhere-{name}"
        shutil.move(folder / name, target)
        os.symlink(target, folder / name)
    return edit


def _folder(name):
    def edit(folder):
        (folder / name).unlink()
        (folder / name).mkdir()
    return edit


def _fifo(name):
    def edit(folder):
        (folder / name).unlink()
        os.mkfifo(folder / name)  # reading it would wait for a writer for ever
    return edit


MEGA = "A" * 1_048_576
CASES = {
    "key column missing": (_drop_first_column("population.csv"),
                           f"population.csv dòng 1: thiếu cột khóa commune_code của biểu population; các cột có: {POP_COLUMNS}"),
    "breakdown column missing": (_edit("support.csv", "commune_code,commune_name,support_type,", "commune_code,commune_name,loai,"),
                                 "support.csv dòng 1: thiếu cột khóa support_type của biểu support; các cột có: commune_code, "
                                 "commune_name, loai, children_in_need, children_supported, value_dong"),
    "column twice in the header": (_edit("population.csv", ",children_under_6,", ",sex,"),
                                   'population.csv dòng 1: cột "sex" có hai lần (cột 3 và cột 5); mỗi cột chỉ được có một lần'),
    "one megabyte cell": (_edit("education.csv", "Thị trấn Bình Liêu", MEGA),
                          'education.csv dòng 2, cột commune_name: ô dài 1.048.576 ký tự (tối đa 1000), '
                          'bắt đầu bằng "AAAAAAAAAAAAAAAAAAAA…"'),
    "long quoted cell over several lines": (_edit("health.csv", "Xã Hoành Mô", '"' + "x\n" * 600 + '"', 2),
                                            'health.csv dòng 4, cột commune_name: ô dài 1.200 ký tự (tối đa 1000), '
                                            'bắt đầu bằng "x x x x x x x x x x …"'),
    "oversized header cell": (_edit("support.csv", "commune_name", "tên" * 400),
                              'support.csv dòng 1, cột thứ 2: ô dài 1.200 ký tự (tối đa 1000), bắt đầu bằng "têntêntêntêntêntêntê…"'),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_bad_raw_file_is_named_with_line_and_column_and_nothing_changes(tmp_path, capsys, case, command):
    work = copy_sample(tmp_path, periods=("2023", "2024"))
    edit, expected = CASES[case]
    edit(work / "data" / "raw" / "2024")
    before = tree_bytes(work / "data" / "raw")
    done = baocao_here(capsys, command, "--period", "2024", "--data-dir", work / "data", "--reports-dir", work / "reports")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"LỖI: {expected}"
    assert "Traceback" not in done.stderr and len(done.stderr) < 2000
    assert tree_bytes(work / "data" / "raw") == before
    assert not (work / "reports" / "2024").exists()


@pytest.mark.parametrize("make, words", [(_symlink, "là liên kết tượng trưng (symlink), không phải tệp thường; "
                                                   "dữ liệu thô chỉ gồm tệp do baocao ingest ghi"),
                                         (_folder, "không phải tệp thường"), (_fifo, "không phải tệp thường")])
def test_a_raw_form_that_is_not_a_regular_file_is_refused(tmp_path, capsys, make, words):
    work = copy_sample(tmp_path, periods=("2024",))
    folder = work / "data" / "raw" / "2024"
    make("health.csv")(folder)
    with pytest.raises(raw.RawDataError) as error:
        raw.read_period(work / "data", Period.parse("2024"))
    assert str(error.value) == f"health.csv: {words} ({folder / 'health.csv'})"
    with pytest.raises(raw.RawDataError) as error:
        raw.file_hashes(work / "data", Period.parse("2024"))
    assert str(error.value) == f"health.csv: {words} ({folder / 'health.csv'})"
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", work / "data")
    assert (done.returncode, done.stderr.splitlines()[-1]) == (2, f"LỖI: health.csv: {words} ({folder / 'health.csv'})")


def test_a_1000_character_cell_is_read_and_1001_is_not(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("commune_code,note\n06847," + "a" * 1000 + "\n", encoding="utf-8")
    assert raw.read_form(path).loc[2, "note"] == "a" * 1000
    path.write_text("commune_code,note\n06847," + "a" * 1001 + "\n", encoding="utf-8")
    with pytest.raises(raw.RawDataError) as error:
        raw.read_form(path)
    assert str(error.value) == 'x.csv dòng 2, cột note: ô dài 1.001 ký tự (tối đa 1000), bắt đầu bằng "aaaaaaaaaaaaaaaaaaaa…"'
