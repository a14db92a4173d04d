"""Intake: every corpus case (tests/corpus/cases.py), the round trip of a filled template, raw data
immutability and all-or-nothing, the TCVN3 table, and the real `baocao ingest` command line."""

import functools
import hashlib
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from conftest import SAMPLE, baocao, tree_bytes
from corpus.cases import ACCEPTED, CODE, POP, POP_HEAD, REFUSED, table
from pipelines import cli
from pipelines.intake import csvfile, ingest, raw, tcvn3, template
from pipelines.units.period import Period

PERIOD = "2024"
PERIOD_2024 = Period.parse(PERIOD)  # as intake takes it: the command line parses --period


def quiet(line):
    """`say` that prints nothing: the tests read what was written, not the progress lines."""


def inbox(tmp_path: Path, name: str, data: bytes, folder: str = "inbox") -> Path:
    path = tmp_path / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def sample_copy(tmp_path: Path) -> Path:
    """A data dir holding the committed 2024 sample (canonical CSVs, no originals)."""
    shutil.copytree(SAMPLE / PERIOD, tmp_path / "data" / "raw" / PERIOD)
    return tmp_path / "data"


def filled_template(tmp_path: Path, code: str = CODE, period: str = PERIOD, forms=None, change=None) -> Path:
    """`baocao template` filled with openpyxl from the sample's numbers, as an officer would type them."""
    path = tmp_path / "inbox" / f"bao-cao-{code}.xlsx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(_filled(code, period, tuple(forms or raw.forms()), change))
    return path


@functools.lru_cache(maxsize=None)
def _filled(code: str, period: str, forms: tuple[str, ...], change) -> bytes:
    book = load_workbook(io.BytesIO(template.build(Period.parse(period), code)))
    for name in forms:
        form = raw.forms()[name]
        lines = (SAMPLE / PERIOD / form.file).read_text(encoding="utf-8").splitlines()
        rows = [line.split(",") for line in lines[1:] if line.startswith(code + ",")]
        ws = book[name]
        for i, row in enumerate(rows):
            assert [ws.cell(5 + i, j).value for j in (1, 2, 3)] == row[:3]  # pre-filled from the reference list
            for j, value in enumerate(row[3:], 4):
                ws.cell(5 + i, j).value = int(value)
        if change:
            change(ws)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sample_lines(form_file: str, *codes: str) -> list[str]:
    lines = (SAMPLE / PERIOD / form_file).read_text(encoding="utf-8").splitlines()
    return [lines[0]] + [line for line in lines[1:] if line[:5] in codes]


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda case: case.name)
def test_accepted_case_gives_the_canonical_rows(tmp_path, case):
    path = inbox(tmp_path, case.file, case.data)
    ingest.ingest(PERIOD_2024, [path], tmp_path / "data", say=quiet)
    folder = tmp_path / "data" / "raw" / PERIOD
    written = (folder / case.form_file).read_bytes()
    assert written.decode("utf-8").split("\n") == [*case.lines, ""]  # UTF-8, no BOM, "\n", final newline
    assert not written.startswith(b"\xef\xbb\xbf") and b"\r" not in written
    digest = hashlib.sha256(case.data).hexdigest()
    stored = f"{digest[:12]}-{case.file}"
    assert (folder / "original" / stored).read_bytes() == case.data
    assert (folder / "original" / "SHA256SUMS").read_text(encoding="utf-8") == f"{digest}  {stored}\n"
    assert sorted(p.name for p in folder.iterdir()) == sorted([case.form_file, "original", "submissions.csv"])
    log = (folder / "submissions.csv").read_text(encoding="utf-8").splitlines()
    assert log[0] == "submission,submitted_at,kind,form,commune_code,rows,source,sha256,by,reason,supersedes"
    form = Path(case.form_file).stem
    assert [re.sub(r",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,", ",<UTC>,", line) for line in log[1:]] == [
        f"{n},<UTC>,new,{form},{code},{len([l for l in case.lines[1:] if l.startswith(code)])},{case.file},{digest},,,"
        for n, code in enumerate(sorted({line[:5] for line in case.lines[1:]}), 1)]
    assert list(raw.read_form(folder / case.form_file).columns) == list(raw.forms()[Path(case.form_file).stem].columns)


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.name)
def test_refused_case_names_file_and_reason_and_writes_nothing(tmp_path, case):
    data = sample_copy(tmp_path)
    before = tree_bytes(data / "raw")
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [inbox(tmp_path, case.file, case.data)], data, say=quiet)
    assert refused.value.problems == list(case.problems)
    assert str(refused.value) == "\n".join(case.problems)
    assert tree_bytes(data / "raw") == before


def test_filled_template_round_trips_to_the_sample_rows(tmp_path):
    result = ingest.ingest(PERIOD_2024, [filled_template(tmp_path)], tmp_path / "data", say=quiet)
    for form in raw.forms().values():
        assert (tmp_path / "data" / "raw" / PERIOD / form.file).read_text(encoding="utf-8").splitlines() == sample_lines(form.file, CODE)
    assert result.startswith("kỳ 2024, thêm mới: population 06847 (2), special_circumstances 06847 (15)")


def test_second_commune_adds_rows_and_never_touches_the_first(tmp_path):
    data = tmp_path / "data"
    ingest.ingest(PERIOD_2024, [filled_template(tmp_path, CODE)], data, say=quiet)
    first = {f.file: (data / "raw" / PERIOD / f.file).read_text(encoding="utf-8") for f in raw.forms().values()}
    ingest.ingest(PERIOD_2024, [filled_template(tmp_path, "06838")], data, say=quiet)
    for form in raw.forms().values():
        now = (data / "raw" / PERIOD / form.file).read_text(encoding="utf-8")
        assert now.splitlines() == sample_lines(form.file, "06838", CODE)  # canonical order: 06838 before 06847
        assert all(line in now.splitlines() for line in first[form.file].splitlines())
    assert len((data / "raw" / PERIOD / "original" / "SHA256SUMS").read_text().splitlines()) == 2


def test_resent_identical_figures_change_no_canonical_byte(tmp_path):
    data = sample_copy(tmp_path)
    canonical = tree_bytes(data / "raw" / PERIOD)
    path = filled_template(tmp_path)
    result = ingest.ingest(PERIOD_2024, [path], data, say=quiet)
    assert result.startswith("kỳ 2024, thêm mới: không có; đã có và giống hệt: population 06847, special_circumstances 06847")
    after = tree_bytes(data / "raw" / PERIOD)
    assert {k: v for k, v in after.items() if not k.startswith("original")} == canonical
    stored = f"{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}-{path.name}"
    assert after[f"original/{stored}"] == path.read_bytes()
    ingest.ingest(PERIOD_2024, [path], data, say=quiet)  # the very same file again: nothing at all changes
    assert tree_bytes(data / "raw" / PERIOD) == after


def test_one_writer_for_every_raw_file():
    """Ingest, `baocao sample` and samplegen write through pipelines.intake.csvfile: UTF-8 without
    BOM, comma, `\\n`, `"` only where a value needs it, a missing value as an empty field."""
    assert csvfile.text([("06847", 'Xã "Đồng", Văn', "12")], ("commune_code", "commune_name", "n")) == (
        'commune_code,commune_name,n\n06847,"Xã ""Đồng"", Văn",12\n')
    assert csvfile.text([("1", "")]) == "1,\n"
    frame = pd.DataFrame({"commune_code": ["06847", "06838"], "note": [None, "a,b"], "count": [12, 0]})
    assert csvfile.frame_bytes(frame) == b'commune_code,note,count\n06847,,12\n06838,"a,b",0\n'
    committed = SAMPLE / PERIOD / "population.csv"  # written by samplegen, read back as text
    frame = pd.read_csv(committed, dtype=str, keep_default_na=False)
    assert csvfile.frame_bytes(frame) == committed.read_bytes()


def test_changed_figures_for_a_commune_already_there_are_refused(tmp_path):
    data = sample_copy(tmp_path)
    before = tree_bytes(data / "raw")
    path = filled_template(tmp_path, change=lambda ws: ws.title == "population" and setattr(ws.cell(5, 4), "value", 669))
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [path], data, say=quiet)
    assert refused.value.problems == ["bao-cao-06847.xlsx: biểu population của xã Đồng Văn (06847) đã có trong "
                                      "population.csv kỳ 2024 với số liệu khác; dữ liệu thô không bao giờ bị sửa: nếu đây là bản sửa, gửi lại với "
                                      "--replace --by <người sửa> --reason <lý do>"]
    assert tree_bytes(data / "raw") == before


def test_one_refused_file_and_nothing_is_written(tmp_path):
    good = filled_template(tmp_path, "06838")
    bad = inbox(tmp_path, "population.csv", table(POP_HEAD, [POP[0], [POP[1][0], "Xã Đồng Tâm", *POP[1][2:]]]).encode())
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [good, bad], tmp_path / "data", say=quiet)
    assert refused.value.problems == ['population.csv dòng 3: mã xã 06847 là "Xã Đồng Văn", không phải "Xã Đồng Tâm"']
    assert not (tmp_path / "data").exists()


def test_two_files_of_one_batch_that_disagree_are_refused(tmp_path):
    one = inbox(tmp_path, "population.csv", table(POP_HEAD, POP).encode(), "a")
    other = inbox(tmp_path, "population.csv", table(POP_HEAD, [POP[0][:3] + ["669"] + POP[0][4:], POP[1]]).encode(), "b")
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [one, other], tmp_path / "data", say=quiet)
    assert refused.value.problems == ["population.csv: biểu population của xã Đồng Văn (06847) khác với tệp population.csv gửi cùng lượt"]
    assert not (tmp_path / "data").exists()


def test_two_communes_files_of_the_same_name_are_both_kept(tmp_path):
    ours = inbox(tmp_path, "population.csv", table(POP_HEAD, POP).encode(), "dong-van")
    theirs_rows = [line.split(",") for line in sample_lines("population.csv", "06838")[1:]]
    theirs = inbox(tmp_path, "population.csv", table(POP_HEAD, theirs_rows).encode("utf-16"), "binh-lieu")
    ingest.ingest(PERIOD_2024, [ours, theirs], tmp_path / "data", say=quiet)
    folder = tmp_path / "data" / "raw" / PERIOD
    sums = (folder / "original" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert sums == sorted(sums, key=lambda line: line.split("  ")[1]) and len(sums) == 2
    for line in sums:
        digest, name = line.split("  ")
        assert re.fullmatch(r"[0-9a-f]{64}", digest) and name == f"{digest[:12]}-population.csv"
        assert hashlib.sha256((folder / "original" / name).read_bytes()).hexdigest() == digest
    assert (folder / "population.csv").read_text(encoding="utf-8").splitlines() == sample_lines("population.csv", "06838", CODE)


def test_an_original_is_never_overwritten(tmp_path):
    path = inbox(tmp_path, "population.csv", table(POP_HEAD, POP).encode())
    stored = f"{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}-population.csv"
    intruder = tmp_path / "data" / "raw" / PERIOD / "original" / stored
    intruder.parent.mkdir(parents=True)
    intruder.write_bytes(b"something else\n")
    before = tree_bytes(tmp_path / "data")
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [path], tmp_path / "data", say=quiet)
    assert refused.value.problems == [f"population.csv: original/{stored} đã có với nội dung khác; không ghi đè"]
    assert tree_bytes(tmp_path / "data") == before


def test_an_existing_file_not_in_canonical_form_is_not_added_to(tmp_path):
    data = sample_copy(tmp_path)
    target = data / "raw" / PERIOD / "population.csv"
    target.write_bytes(target.read_bytes().replace(b"\n", b"\r\n"))
    before = tree_bytes(data / "raw")
    rows = [line.split(",") for line in sample_lines("population.csv", "06838")[1:]]
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [inbox(tmp_path, "population.csv", table(POP_HEAD, rows).encode())], data, say=quiet)
    assert refused.value.problems == ["population.csv kỳ 2024 không đúng định dạng chuẩn (data/raw/README.md); không ghép thêm được"]
    assert tree_bytes(data / "raw") == before


def test_only_sheets_with_figures_are_ingested(tmp_path):
    lines = []
    ingest.ingest(PERIOD_2024, [filled_template(tmp_path, forms={"population"})], tmp_path / "data", say=lines.append)
    assert sorted(p.name for p in (tmp_path / "data" / "raw" / PERIOD).iterdir()) == ["original", "population.csv", "submissions.csv"]
    assert lines == ["Đọc bao-cao-06847.xlsx [population] (Excel): biểu population, xã 06847, 2 dòng"]


def test_workbooks_for_another_period_or_left_empty_are_refused(tmp_path):
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [filled_template(tmp_path, period="2023")], tmp_path / "data", say=quiet)
    assert refused.value.problems == ["bao-cao-06847.xlsx: biểu mẫu lập cho kỳ 2023, không phải kỳ 2024"]
    empty = template.write_template(PERIOD_2024, CODE, tmp_path / "empty.xlsx")
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [empty], tmp_path / "data", say=quiet)
    assert refused.value.problems == ["empty.xlsx: chưa nhập số liệu ở trang nào"]
    assert not (tmp_path / "data").exists()


def test_messages_in_english_and_progress_lines(tmp_path):
    wrong = table(POP_HEAD, [POP[0], [POP[1][0], "Xã Đồng Tâm", *POP[1][2:]]]).encode()
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [inbox(tmp_path, "population.csv", wrong)], tmp_path / "data", say=quiet, lang="en")
    assert refused.value.problems == ['population.csv line 3: commune code 06847 is "Xã Đồng Văn", not "Xã Đồng Tâm"']
    said = []
    abc = table(POP_HEAD, [[CODE, "X· §ång V¨n", *POP[0][2:]], [CODE, "Xa Dong Van", *POP[1][2:]]]).encode()
    ingest.ingest(PERIOD_2024, [inbox(tmp_path, "population.csv", abc)], tmp_path / "data", say=said.append)
    assert said == ['  population.csv dòng 2 cột commune_name: "X· §ång V¨n" đọc theo bảng mã TCVN3 (ABC) là "Xã Đồng Văn"',
                    '  population.csv dòng 3: tên xã "Xa Dong Van" ghi theo tên chính thức "Xã Đồng Văn"',
                    'Đọc population.csv (CSV UTF-8 ","): biểu population, xã 06847, 2 dòng']


def test_tcvn3_table_is_the_vn3_subset_of_tcvn_5712():
    lower = {c for c in tcvn3.LETTERS if c.islower()}
    assert len(lower) == 67 and set(tcvn3.TABLE.values()) - set("ĂÂÊÔƠƯĐ\u00a0") == lower
    assert [tcvn3.TABLE[b] for b in range(0xA1, 0xA8)] == list("ĂÂÊÔƠƯĐ")
    assert len(set(tcvn3.TABLE.values())) == len(tcvn3.TABLE) == 75  # 67 + 7 capitals + no-break space
    for legacy, unicode in [("X· §ång V¨n", "Xã Đồng Văn"), ("B¶o Th¾ng", "Bảo Thắng"), ("M\u00adêng Kh\u00ad¬ng", "Mường Khương"), ("B¸t X¸t", "Bát Xát")]:
        assert tcvn3.fix(legacy) == (unicode, True)
    assert tcvn3.fix("Xã Hoành Mô") == ("Xã Hoành Mô", False)  # Vietnamese letters that happen to be Latin-1 stay Unicode
    assert tcvn3.decode("Xã Đồng Văn".encode("utf-16")) == ("Xã Đồng Văn", "UTF-16")


@pytest.mark.parametrize("typed, canonical", [
    ("668", "668"), ("1.234", "1234"), ("42.000.000", "42000000"), ("1 234", "1234"), ("1\u00a0234", "1234"),
    ("1,234,567", "1234567"), ("2,5", "2.5"), ("1.234,5", "1234.5"), ("0,234", "0.234"), ("1.5", "1.5"),
    ("-1.234", "-1234"), ("", ""), ("khoảng 20", "khoảng 20"),
])
def test_numbers_are_read_the_vi_vn_way(typed, canonical):
    assert tcvn3.number(typed) == canonical


def test_a_comma_before_three_digits_is_refused_not_guessed():
    with pytest.raises(tcvn3.Unreadable) as error:
        tcvn3.number("1,234")
    assert error.value.message("vi", "x.csv dòng 2 cột children") == (
        'x.csv dòng 2 cột children: "1,234" không rõ là 1234 hay số thập phân 1,234; nếu là số nguyên hãy ghi 1234')
    assert error.value.message("en", "x.csv line 2 column children") == (
        'x.csv line 2 column children: "1,234" may be 1234 or the decimal 1,234; write 1234 if it is a whole number')


def test_cli_ingest_accepts_a_filled_template(tmp_path):
    (tmp_path / "data").mkdir()  # as `baocao init` leaves it: a mistyped --data-dir is not created
    done = baocao("ingest", "--period", PERIOD, "--data-dir", tmp_path / "data", filled_template(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Đọc bao-cao-06847.xlsx [population] (Excel): biểu population, xã 06847, 2 dòng"
    assert done.stdout.splitlines()[-1].startswith("Xong: kỳ 2024, thêm mới: population 06847 (2), ")
    assert (tmp_path / "data" / "raw" / PERIOD / "population.csv").read_text(encoding="utf-8").splitlines() == sample_lines("population.csv", CODE)


def test_cli_ingest_refuses_with_the_reason_and_exit_2(tmp_path, capsys):
    data = sample_copy(tmp_path)
    before = tree_bytes(data / "raw")
    bad = inbox(tmp_path, "population.csv", table(POP_HEAD, [POP[0], [POP[1][0], "Xã Đồng Tâm", *POP[1][2:]]]).encode())
    good = filled_template(tmp_path, "06838")
    done = baocao("ingest", "--period", PERIOD, "--data-dir", data, good, bad)
    assert done.returncode == 2
    assert done.stderr == 'LỖI: population.csv dòng 3: mã xã 06847 là "Xã Đồng Văn", không phải "Xã Đồng Tâm"\n'
    assert tree_bytes(data / "raw") == before
    english = cli.main(["ingest", "--period", PERIOD, "--data-dir", str(data), "--lang", "en", str(inbox(tmp_path, "empty.csv", b""))])
    assert (english, capsys.readouterr().err) == (2, "ERROR: empty.csv: empty file\n")  # same entry point, in process; English throughout


def _with_cached_value(data: bytes, formula: bytes, value: bytes) -> bytes:
    """The workbook as Excel saves it: the formula with the value it calculated (openpyxl writes none)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = re.sub(rb"<f>" + re.escape(formula) + rb"</f>(<v ?/>|<v></v>)?", b"<f>" + formula + b"</f><v>" + value + b"</v>",
                              body)  # openpyxl writes an empty value as <v /> with ElementTree, <v/> with lxml
            dst.writestr(info, body)
    return out.getvalue()


def _sum_formula(ws):
    if ws.title == "population":
        ws.cell(5, 4).value = "=E5+F5+G5"


def test_a_formula_never_calculated_is_refused_naming_file_sheet_cell_and_formula(tmp_path):
    data = sample_copy(tmp_path)
    before = tree_bytes(data / "raw")
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [filled_template(tmp_path, change=_sum_formula)], data, say=quiet)
    assert refused.value.problems == [
        "bao-cao-06847.xlsx trang population ô D5: công thức =E5+F5+G5 chưa được tính (tệp không lưu kết quả); hãy mở "
        "tệp bằng Excel, lưu lại rồi gửi, hoặc ghi số thay cho công thức"]
    assert tree_bytes(data / "raw") == before


def test_a_formula_is_read_by_the_value_excel_saved_with_it(tmp_path):
    path = filled_template(tmp_path, forms=("population",), change=_sum_formula)
    path.write_bytes(_with_cached_value(path.read_bytes(), b"E5+F5+G5", b"668"))
    ingest.ingest(PERIOD_2024, [path], tmp_path / "data", say=quiet)
    written = (tmp_path / "data" / "raw" / PERIOD / "population.csv").read_text(encoding="utf-8").splitlines()
    assert written == sample_lines("population.csv", CODE)  # 668 = 229 + 232 + 207, as typed in the sample


@pytest.mark.slow  # a long stress case (ten thousand rows or more), run by make test-all
def test_a_workbook_repeating_one_communes_rows_is_refused_with_one_line(tmp_path):
    def repeat(ws):
        if ws.title == "population":
            for row in range(7, 10_005):
                for column in range(1, 9):
                    ws.cell(row, column).value = ws.cell(5, column).value

    data = sample_copy(tmp_path)
    before = tree_bytes(data / "raw")
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [filled_template(tmp_path, forms=("population",), change=repeat)], data, say=quiet)
    assert refused.value.problems == [
        "bao-cao-06847.xlsx [population]: biểu population, khóa (commune_code, sex) = (06847, M) có 9999 dòng; mỗi xã "
        "chỉ một dòng cho mỗi mã, tệp không được nhận"]
    assert tree_bytes(data / "raw") == before


def test_a_csv_with_a_duplicated_key_is_refused_even_into_an_empty_folder(tmp_path):
    rows = sample_lines("population.csv", CODE)
    path = inbox(tmp_path, "population.csv", "\n".join([*rows, rows[2]]).encode())
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [path], tmp_path / "data", say=quiet, lang="en")
    assert refused.value.problems == [
        "population.csv: form population, key (commune_code, sex) = (06847, F) is on 2 rows; one row per commune and "
        "code, the file is not taken"]
    assert not (tmp_path / "data").exists()


def test_a_problem_on_every_row_gives_twenty_lines_and_a_count(tmp_path):
    rows = [f"{CODE},Xã Đồng Tâm,{'M' if i % 2 else 'F'},1,1,0,0,1" for i in range(500)]
    path = inbox(tmp_path, "population.csv", "\n".join([sample_lines("population.csv")[0], *rows]).encode())
    with pytest.raises(ingest.IntakeRefused) as refused:
        ingest.ingest(PERIOD_2024, [path], tmp_path / "data", say=quiet)
    assert len(refused.value.problems) == 21
    assert refused.value.problems[0] == 'population.csv dòng 2: mã xã 06847 là "Xã Đồng Văn", không phải "Xã Đồng Tâm"'
    assert refused.value.problems[-1] == "population.csv: và 480 lỗi khác"
