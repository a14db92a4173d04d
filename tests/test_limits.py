"""Bounded work on any file (issue 18): what is too large is refused in one line before its content
is read, by ingest and by validation. The hostile workbook is the real one of the issue (the
template with one value at XFD1048576, 20 KB, which grew to 24 GB); the other limits are lowered
for the test, so that no test writes hundreds of megabytes."""

import io
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import SAMPLE, baocao_here
from pipelines.intake import limits, template
from pipelines.units.period import Period

PERIOD = "2024"


@pytest.fixture
def lowered(monkeypatch):
    """The product's limits with `values` in place of some of them."""
    def lower(**values):
        monkeypatch.setattr(limits, "limits", lambda: limits.Limits(**{**vars(limits.Limits(
            **limits.settings.load("project.yml")["limits"])), **values}))
    return lower


def _data(tmp_path):
    shutil.copytree(SAMPLE / PERIOD, tmp_path / "data" / "raw" / PERIOD)
    shutil.copy2(SAMPLE.parent / "baocao.yml", tmp_path / "data" / "baocao.yml")
    return tmp_path / "data"


def test_every_limit_of_the_settings_loads():
    assert limits.limits() == limits.Limits(file_bytes=32 * 2**20, workbook_bytes=128 * 2**20, rows=1_000_000,
                                            columns=200, cells=2_000_000, extra_rows=10_000)


@pytest.mark.parametrize("letters, number", [("A", 1), ("Z", 26), ("AA", 27), ("XFD", 16384)])
def test_column_letters_count_as_excel_counts_them(letters, number):
    assert limits.column_number(letters.encode()) == number


def test_a_workbook_with_one_value_at_the_last_cell_of_excel_is_refused_in_one_line(tmp_path, capsys):
    book = load_workbook(io.BytesIO(template.build(Period.parse(PERIOD), "06847")))
    book.worksheets[1]["XFD1048576"] = 1
    hostile = tmp_path / "inbox" / "bao-cao-06847.xlsx"
    hostile.parent.mkdir()
    book.save(hostile)
    assert hostile.stat().st_size < 100_000
    data = _data(tmp_path)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, hostile)
    assert done.returncode == 2
    assert done.stderr == ("LỖI: bao-cao-06847.xlsx: một trang tính có ô tới dòng 1.048.576, cột thứ 16.384 (giới hạn "
                           "1.000.000 dòng, 200 cột); không đọc. Xóa các ô thừa ở cuối trang tính rồi gửi lại\n")
    english = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, "--lang", "en", hostile)
    assert english.stderr == ("ERROR: bao-cao-06847.xlsx: a sheet holds cells down to row 1,048,576 and out to column "
                              "16,384 (limits: 1,000,000 rows, 200 columns); not read. Delete the stray cells at the "
                              "end of the sheet and send it again\n")


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_opened(tmp_path, capsys, lowered):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", b"\0" * 2_000_000)  # 2 MB of zeros: about 2 KB packed
    hostile = tmp_path / "bomb.xlsx"
    hostile.write_bytes(packed.getvalue())
    lowered(workbook_bytes=1_000_000)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", _data(tmp_path), hostile)
    assert (done.returncode, done.stderr) == (2, "LỖI: bomb.xlsx: tệp Excel giải nén ra 2.000.000 byte, quá giới hạn "
                                                 "1.000.000 byte; không đọc. Lưu lại biểu từ mẫu rồi gửi lại\n")


def test_a_file_sent_beyond_the_byte_limit_is_refused_without_being_read(tmp_path, capsys, lowered):
    garbage = tmp_path / "population.csv"
    garbage.write_bytes(b"x" * 5000 + b"\n")
    lowered(file_bytes=4096)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", _data(tmp_path), garbage)
    assert (done.returncode, done.stderr) == (2, "LỖI: population.csv: tệp 5.001 byte, quá giới hạn 4.096 byte của "
                                                 "một biểu; không đọc. Kiểm tra lại tệp (biểu của một xã chỉ vài KB)\n")


def test_a_csv_sent_with_too_many_lines_or_columns_is_refused_in_one_line(tmp_path, capsys, lowered):
    data = _data(tmp_path)
    lines = tmp_path / "many-lines" / "population.csv"
    lines.parent.mkdir()
    lines.write_text("a\n" * 30, encoding="utf-8")
    lowered(rows=20, columns=5)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, lines)
    assert (done.returncode, done.stderr) == (2, "LỖI: population.csv: 31 dòng, quá giới hạn 20 dòng; không đọc\n")
    wide = tmp_path / "wide" / "population.csv"
    wide.parent.mkdir()
    wide.write_text(",".join(f"c{n}" for n in range(8)) + "\n", encoding="utf-8")
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, wide)
    assert (done.returncode, done.stderr) == (2, "LỖI: population.csv: 8 cột, quá giới hạn 5 cột (một biểu có tối đa "
                                                 "15 cột); không đọc\n")


def test_a_raw_form_of_ten_thousand_columns_is_refused_by_validation_in_one_line(tmp_path, capsys):
    data = _data(tmp_path)
    form = data / "raw" / PERIOD / "population.csv"
    header, rest = form.read_text(encoding="utf-8").split("\n", 1)
    form.write_text(header + "".join(f",extra_{n}" for n in range(10_000)) + "\n" + rest, encoding="utf-8")
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert done.returncode == 2
    assert done.stderr == ("LỖI: population.csv: 10.008 cột, quá giới hạn 200 cột (một biểu có tối đa 15 cột); "
                           "không đọc\n")


def test_a_raw_form_beyond_the_byte_or_line_limit_is_refused_by_validation(tmp_path, capsys, lowered):
    data = _data(tmp_path)
    form = data / "raw" / PERIOD / "support.csv"
    size = form.stat().st_size
    lowered(file_bytes=size - 1)
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert done.returncode == 2 and done.stderr.startswith("LỖI: ") and "quá giới hạn" in done.stderr
    assert done.stderr.count("\n") == 1
    lowered(rows=10)
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert done.returncode == 2 and done.stderr.endswith(" dòng, quá giới hạn 10 dòng; không đọc\n")


def test_a_csv_sent_with_more_cells_than_the_limit_is_refused_before_it_is_parsed(tmp_path, capsys, lowered):
    """Lines × delimiters bound what each of the three parses (`,` `;` tab) makes: 10 lines of 9
    semicolons are 100 cells."""
    sent = tmp_path / "inbox" / "population.csv"
    sent.parent.mkdir()
    sent.write_text("a;b;c;d;e;f;g;h;i;j\n" * 10, encoding="utf-8")
    lowered(cells=99)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", _data(tmp_path), sent)
    assert (done.returncode, done.stderr) == (2, "LỖI: population.csv: 101 ô (dòng × cột), quá giới hạn 99 ô; không đọc\n")


def test_a_sheet_whose_extent_holds_more_cells_than_the_limit_is_refused(tmp_path, capsys, lowered):
    """A1 and GR1000000 are within the row and column limits, but the reader makes the whole grid."""
    book = load_workbook(io.BytesIO(template.build(Period.parse(PERIOD), "06847")))
    book.worksheets[1]["GR1000"] = 1
    hostile = tmp_path / "far.xlsx"
    book.save(hostile)
    lowered(cells=100_000)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", _data(tmp_path), "--lang", "en", hostile)
    assert (done.returncode, done.stderr) == (2, "ERROR: far.xlsx: a sheet holds cells down to row 1,000 and out to "
                                                 "column 200: 200,000 cells, above the limit of 100,000 cells; not read. "
                                                 "Delete the stray cells at the end of the sheet and send it again\n")


def test_a_raw_form_with_far_more_rows_than_communes_and_values_is_refused_before_any_rule(tmp_path, capsys, lowered):
    """The sample district has 7 communes and 2 values of sex: 14 rows of population, plus at most
    `extra_rows` repeated or mistyped; beyond, one line and no rule run (each failing row costs GX
    a millisecond)."""
    data = _data(tmp_path)
    form = data / "raw" / PERIOD / "population.csv"
    header = form.read_text(encoding="utf-8").split("\n", 1)[0]
    form.write_text(header + "\n" + "ab,ab,ab,ab,ab,ab,ab,ab\n" * 30, encoding="utf-8")
    lowered(extra_rows=15)
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert (done.returncode, done.stderr) == (2, "population.csv: 30 dòng số liệu: kỳ này có 7 đơn vị hành chính cấp xã × 2 "
                                                 "giá trị sex = 14 dòng, thêm tối đa 15 dòng trùng hay sai mã; không kiểm tra biểu "
                                                 "này. Kiểm tra lại tệp\n")
    lowered(extra_rows=16)
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert done.returncode == 2 and "không kiểm tra biểu" not in done.stderr  # within the bound: every rule runs
