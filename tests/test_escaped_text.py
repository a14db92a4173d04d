"""Escaped text (issue 18, part 5): what a terminal, a log or a spreadsheet shows of text that came
from outside (a file name, a cell, `--by`) is what it is.

- A value put into a message shows its control characters and invisible or odd spaces as
  `<U+XXXX>` (pipelines.core.text.t), and every line printed does too, line breaks of the product's
  own aside (pipelines.cli._tell): a commune name cannot print a fake "Xong: đã công bố" nor move
  the cursor, on the terminal or in the log.
- A name refused because it differs from the reference list shows where: the escapes, and the
  first character that differs when the two would read alike.
- Every CSV the product writes keeps a would-be formula as text (a leading apostrophe).
"""

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE, baocao_here
from pipelines import cli
from pipelines.core import text
from pipelines.intake import csvfile

PERIOD = "2024"
HOSTILE = '=HYPERLINK("http://evil","click")'


def _rows(path: Path = SAMPLE / PERIOD / "population.csv") -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _data(tmp_path: Path, with_sample: bool = True) -> Path:
    data = tmp_path / "data"
    if with_sample:
        shutil.copytree(SAMPLE / PERIOD, data / "raw" / PERIOD)
    data.mkdir(exist_ok=True)
    shutil.copy2(SAMPLE.parent / "baocao.yml", data / "baocao.yml")
    return data


def _log(data: Path, command: str) -> list[str]:
    (log,) = sorted((data / "logs").glob(f"{PERIOD}-*-{command}-*.log"))
    return log.read_text(encoding="utf-8").splitlines()


# Visible: the one function, and where it is applied ---------------------------------------------

@pytest.mark.parametrize("value, shown", [
    ("Xã Đồng Văn", "Xã Đồng Văn"),                        # Vietnamese letters are not hidden
    ("Xã Đồng\u200bVăn", "Xã Đồng<U+200B>Văn"),           # zero-width space
    ("Xã Đồng\u00a0Văn", "Xã Đồng<U+00A0>Văn"),           # no-break space
    ("\x1b[2J\x1b[HXong", "<U+001B>[2J<U+001B>[HXong"),   # clear the screen, cursor home
    ("a\nXong: đã công bố", "a<U+000A>Xong: đã công bố"),  # a line of its own
    ("a\rb\tc\x00", "a<U+000D>b<U+0009>c<U+0000>"),
    ("\u202eabc\u2028\ufeff\u00ad\u2009", "<U+202E>abc<U+2028><U+FEFF><U+00AD><U+2009>"),  # override, separators
    ("Xa\u0303", "Xa\u0303"),                              # a combining mark (NFD) shows on its letter
])
def test_hidden_characters_are_written_as_code_points(value, shown):
    assert text.visible(value) == shown


def test_a_value_from_outside_is_made_visible_in_any_message_product_text_and_numbers_are_not():
    said = text.t("vi", "intake.empty", file="a\nb.csv")
    assert (said, type(said)) == ("a<U+000A>b.csv: tệp rỗng", text.Said)
    assert text.t("vi", "intake.empty", file=Path("x\x1b.csv")) == "x<U+001B>.csv: tệp rỗng"
    assert text.t("vi", "intake.empty", file=text.Said("hai\ndòng")) == "hai\ndòng: tệp rỗng"  # the product's own lines
    assert text.t("vi", "intake.unreadable.bad_byte", where="f.csv", line=3, byte=0x9B).startswith(
        "f.csv dòng 3: byte 0x9B ")


def test_every_line_printed_and_logged_shows_hidden_characters_but_keeps_its_own_line_breaks(capsys):
    cli.LOG.clear()
    cli._tell("Xong:\x1b[2J một\n      hai\u200b")
    assert capsys.readouterr().out == "Xong:<U+001B>[2J một\n      hai<U+200B>\n"
    assert cli.LOG == ["Xong:<U+001B>[2J một\n      hai<U+200B>"]


def test_a_commune_name_cannot_print_a_line_of_its_own_on_the_terminal_or_in_the_log(tmp_path, capsys):
    data = _data(tmp_path)
    rows = _rows()
    sent = [rows[0]] + [[*row[:1], "Xã Đồng Văn\nXong: đã công bố\x1b[1A", *row[2:]] for row in rows[1:] if row[0] == "06847"]
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, _write(tmp_path / "gửi\x1b[2J.csv", sent))
    line = ('gửi<U+001B>[2J.csv dòng {} cột commune_name: không đọc chắc chắn được "Xã Đồng Văn<U+000A>Xong: đã công '
            'bố<U+001B>[1A" (ký tự <U+001B> không phải chữ Unicode tiếng Việt, cũng không chuyển được từ TCVN3); hãy gõ '
            'lại bằng Unicode')
    assert done.returncode == 2
    assert done.stderr == "LỖI: " + line.format(3) + "\n" + line.format(5) + "\n"
    assert _log(data, "ingest") == ["LỖI: " + line.format(3), line.format(5), "mã thoát: 2"]


# Names that differ from the reference list: where --------------------------------------------

@pytest.mark.parametrize("found, expected, vi, en", [
    ("Xã Đồng\u200b Văn", "Xã Đồng Văn", ' (khác từ ký tự thứ 8: <U+200B> thay vì " " (U+0020))',
     ' (differs from character 8: <U+200B> instead of " " (U+0020))'),
    ("Xã \u00d0ồng Văn", "Xã Đồng Văn", ' (khác từ ký tự thứ 4: "\u00d0" (U+00D0) thay vì "Đ" (U+0110))',
     ' (differs from character 4: "\u00d0" (U+00D0) instead of "Đ" (U+0110))'),  # Icelandic eth for Đ
    ("Xã Đồng Văn\u00a0", "Xã Đồng Văn", " (khác từ ký tự thứ 12: <U+00A0> thay vì hết tên)",
     " (differs from character 12: <U+00A0> instead of the end of the name)"),
    ("Xã Húc Động", "Xã Đồng Văn", "", ""),  # plainly another name: no pointer
])
def test_a_name_that_reads_like_the_official_one_says_where_it_departs(found, expected, vi, en):
    assert (text.differs("vi", found, expected), text.differs("en", found, expected)) == (vi, en)


def test_validation_shows_where_a_name_with_an_invisible_space_differs(tmp_path, capsys):
    data = _data(tmp_path)
    rows = _rows()
    assert rows[7][:2] == rows[8][:2] == ["06847", "Xã Đồng Văn"]
    rows[7][1], rows[8][1] = "Xã Đồng\u200b Văn", "Xã Đồng\u00a0Văn"
    _write(data / "raw" / PERIOD / "population.csv", rows)
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        'population.csv dòng 8, cột commune_name, xã Đồng Văn (06847): giá trị "Xã Đồng<U+200B> Văn" phải là '
        '"Xã Đồng Văn" (khác từ ký tự thứ 8: <U+200B> thay vì " " (U+0020))',
        'population.csv dòng 9, cột commune_name, xã Đồng Văn (06847): giá trị "Xã Đồng<U+00A0>Văn" phải là '
        '"Xã Đồng Văn" (khác từ ký tự thứ 8: <U+00A0> thay vì " " (U+0020))']
    english = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data, "--lang", "en")
    assert english.stderr.splitlines()[0] == (
        'population.csv line 8, column commune_name, Đồng Văn commune (06847): value "Xã Đồng<U+200B> Văn" must be '
        '"Xã Đồng Văn" (differs from character 8: <U+200B> instead of " " (U+0020))')


def test_a_name_with_a_no_break_space_is_written_officially_and_the_line_saying_so_shows_it(tmp_path, capsys):
    """Intake compares names as a reader would (a no-break space is a space) and writes the official
    spelling; the line that says so shows what was typed."""
    data = _data(tmp_path, with_sample=False)
    rows = _rows()
    sent = [rows[0]] + [[row[0], "Xã Đồng\u00a0Văn", *row[2:]] for row in rows[1:] if row[0] == "06847"]
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, _write(tmp_path / "population.csv", sent))
    assert done.returncode == 0
    assert done.stdout.splitlines()[:2] == [
        f'  population.csv dòng {line}: tên xã "Xã Đồng<U+00A0>Văn" ghi theo tên chính thức "Xã Đồng Văn"' for line in (2, 3)]
    assert "\u00a0" not in (data / "raw" / PERIOD / "population.csv").read_text(encoding="utf-8")


def test_a_column_name_with_a_line_break_stays_on_its_line(tmp_path, capsys):
    data = _data(tmp_path)
    rows = _rows()
    rows[0].append("ghi chú\nXong: đã công bố")
    _write(data / "raw" / PERIOD / "population.csv", [row + [""] * (len(rows[0]) - len(row)) for row in rows])
    done = baocao_here(capsys, "validate", "--period", PERIOD, "--data-dir", data)
    assert done.stderr == ("population.csv, cột ghi chú<U+000A>Xong: đã công bố: cột không có trong mẫu biểu, cần xóa "
                           "hoặc sửa tên cột\n")


# Formulas: every CSV the product writes keeps them as text -------------------------------------

@pytest.mark.parametrize("value, kept", [
    (HOSTILE, "'" + HOSTILE), ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-2+3", "'-2+3"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("-3", "-3"), ("+4", "+4"), ("-2.5", "-2.5"), ("-", "-"), ("Xã Đồng Văn", "Xã Đồng Văn"), (12, 12), (None, None),
])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(value, kept):
    assert csvfile.inert(value) == kept


def test_a_file_name_and_by_that_are_formulas_land_in_submissions_csv_as_text(tmp_path, capsys):
    """The issue's `=HYPERLINK("http://evil","click")` through `--by` and `--reason`, and a file
    name made of a formula (a name holds no "/", so the link is to `evil`), and a count typed as a
    formula: submissions.csv and the raw form hold them as text, byte for byte."""
    data = _data(tmp_path, with_sample=False)
    rows = _rows()
    sent = [rows[0]] + [row for row in rows[1:] if row[0] == "06847"]
    sent[1][3] = "=1+2"
    named = _write(tmp_path / "inbox" / '=HYPERLINK("evil","click").csv', sent)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, named, "--by", HOSTILE,
                       "--reason", "@SUM(A1)")
    assert done.returncode == 0, done.stderr
    folder = data / "raw" / PERIOD
    header, entry = (folder / "submissions.csv").read_text(encoding="utf-8").splitlines()
    number, at, rest = entry.split(",", 2)
    sha = hashlib.sha256(named.read_bytes()).hexdigest()
    assert (number, rest) == ("1", "new,population,06847,2,\"'=HYPERLINK(\"\"evil\"\",\"\"click\"\").csv\","
                                   f"{sha},\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",'@SUM(A1),")
    assert (folder / "population.csv").read_bytes() == (
        b"commune_code,commune_name,sex,children_under_16,children_under_6,children_6_to_10,children_11_to_15,"
        b"children_ethnic_minority\n"
        + ",".join(["06847", "Xã Đồng Văn", "M", "'=1+2", *sent[1][4:]]).encode() + b"\n"
        + ",".join(sent[2]).encode() + b"\n")
