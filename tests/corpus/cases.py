"""The intake corpus: odd and bad files as commune offices really send them, one named case each.

Every case is built deterministically from the committed 2024 sample rows of Xã Đồng Văn (06847),
so an accepted case must give back exactly the sample's canonical lines, and a refused case has
the exact message line an officer reads. `python tests/corpus/cases.py DIR` writes every case
into DIR, to try them by hand with `baocao ingest --period 2024 DIR/<case>/<file>`.
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from pipelines.intake import raw, tcvn3
from pipelines.intake.template import HEADINGS, fixed_times

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "raw" / "2024"
CODE = "06847"
FORMS = ", ".join(raw.forms())  # forms.yml grows: messages that list the forms follow it


def sample(form_file: str, code: str = CODE) -> tuple[list[str], list[list[str]]]:
    """(header, rows of one commune) of a committed sample file."""
    header, *rows = list(csv.reader((SAMPLE / form_file).read_text(encoding="utf-8").splitlines()))
    return header, [r for r in rows if r[0] == code]


def expected_lines(form_file: str, code: str = CODE, change=None) -> list[str]:
    """The canonical file intake must write for one commune: the sample's header and lines."""
    lines = (SAMPLE / form_file).read_text(encoding="utf-8").splitlines()
    return [lines[0], *(change(line) if change else line for line in lines[1:] if line.startswith(code + ","))]


def table(header, rows, delimiter=",", newline="\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows([header, *rows])
    return out.getvalue()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: vowel marks precomposed, tones combining."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            vowel = unicodedata.normalize("NFC", parts[0] + "".join(m for m in parts[1:] if m in "\u0302\u0306\u031b"))
            out += (vowel + "".join(m for m in parts[1:] if m not in "\u0302\u0306\u031b")).encode("cp1258")
    return out


def to_tcvn3(text: str) -> str:
    """TCVN3 bytes read as Latin-1, i.e. what a cell typed in an ABC font holds ("X· §ång V¨n")."""
    inverse = {letter: chr(byte) for byte, letter in tcvn3.TABLE.items()}
    return "".join(inverse.get(c, c) for c in unicodedata.normalize("NFC", text))


def workbook(sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None) -> bytes:
    """A workbook of our own (not the template), as an office might make it; deterministic bytes."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in (merged or {}).get(title, []):
            ws.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_times(buffer.getvalue(), __import__("datetime").date(2025, 1, 5))


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    data: bytes
    form_file: str = "population.csv"
    lines: tuple[str, ...] = ()  # accepted: the canonical file written
    problems: tuple[str, ...] = ()  # refused: every message line, exactly


POP_HEAD, POP = sample("population.csv")
SUP_HEAD, SUP = sample("support.csv")
POP_LINES, SUP_LINES = tuple(expected_lines("population.csv")), tuple(expected_lines("support.csv"))
NAME = POP[0][1]  # Xã Đồng Văn
VI_HEAD = [HEADINGS[c] for c in POP_HEAD]


def _with(rows, column, values, head=POP_HEAD):
    at = head.index(column)
    return [r[:at] + [v] + r[at + 1:] for r, v in zip(rows, values)]


def _thousands(sep):
    return [r[:5] + [f"{int(r[5]):,}".replace(",", sep)] for r in SUP]


_CUT = table(POP_HEAD, POP).encode()
_CUT_ROW = _CUT[: _CUT.index(b",217,") + 4]  # "06847,Xã Đồng Văn,F,633,217" then nothing
_CUT_CHAR = _CUT[: _CUT.index("Văn".encode()) + 2]  # inside the two bytes of "ă"

ACCEPTED = [
    Case("utf8_bom_copy_name", "population (1).csv", codecs.BOM_UTF8 + table(POP_HEAD, POP).encode(), lines=POP_LINES),
    Case("utf16_tab_unicode_text", "population.txt", codecs.BOM_UTF16_LE + table(POP_HEAD, POP, "\t").encode("utf-16-le"), lines=POP_LINES),
    Case("cp1258_combining_tones", "population.csv", to_cp1258(table(POP_HEAD, POP)), lines=POP_LINES),
    Case("tcvn3_file", "population.csv", to_tcvn3(table(POP_HEAD, POP)).encode("latin-1"), lines=POP_LINES),
    Case("tcvn3_cells_in_utf8", "population.csv", table(POP_HEAD, _with(POP, "commune_name", [to_tcvn3(NAME)] * 2)).encode(), lines=POP_LINES),
    Case("semicolon_thousands_dot", "support.csv", table(SUP_HEAD, _thousands("."), ";").encode(), "support.csv", SUP_LINES),
    Case("thousands_space_and_nbsp", "support.csv", table(SUP_HEAD, _thousands(" ")[:3] + _thousands("\u00a0")[3:]).encode(), "support.csv", SUP_LINES),
    Case("trailing_blank_rows_and_columns", "population.csv",
         table([*POP_HEAD, "", ""], [r + ["", ""] for r in POP] + [[""] * 10] * 3).encode(), lines=POP_LINES),
    Case("title_rows_above_header", "population.csv",
         table(["BÁO CÁO DÂN SỐ TRẺ EM NĂM 2024"], [["Xã Đồng Văn, huyện Bình Liêu"], [], POP_HEAD, *POP]).encode(), lines=POP_LINES),
    Case("names_without_diacritics_and_sex_labels", "population.csv",
         table(POP_HEAD, _with(_with(POP, "commune_name", ["Xa Dong Van", "XA DONG VAN"]), "sex", ["Nam", "Nu"])).encode(), lines=POP_LINES),
    Case("decomposed_unicode_nfd", "population.csv", unicodedata.normalize("NFD", table(POP_HEAD, POP)).encode(), lines=POP_LINES),
    Case("recognised_by_header", "so lieu Dong Van.csv", table(POP_HEAD, POP).encode(), lines=POP_LINES),
    Case("vietnamese_headings", "population.csv", table(VI_HEAD, POP).encode(), lines=POP_LINES),
    Case("excel_dropped_leading_zero", "population.csv", table(POP_HEAD, _with(POP, "commune_code", ["6847"] * 2)).encode(), lines=POP_LINES),
    Case("decimal_comma_kept_for_validation", "population.csv", table(POP_HEAD, _with(POP, "children_under_6", ["2,5", POP[1][4]]), ";").encode(),
         lines=tuple(expected_lines("population.csv", change=lambda line: line.replace(f",{POP[0][4]},", ",2.5,") if ",M," in line else line))),
    Case("merged_title_rows_xlsx", "Dong Van.xlsx", workbook(
        {"Dân số trẻ em": [["BÁO CÁO DÂN SỐ TRẺ EM"], ["Năm 2024"], VI_HEAD, POP_HEAD, *[[int(v) if v.isdigit() and i > 2 else v for i, v in enumerate(r)] for r in POP]]},
        {"Dân số trẻ em": ["A1:H1", "A2:H2", "B5:B6", "A5:A6"]}), lines=POP_LINES),
    Case("tcvn3_cells_in_xlsx", "Dong Van ABC.xlsx", workbook({"population": [POP_HEAD, *_with(POP, "commune_name", [to_tcvn3(NAME)] * 2)]}), lines=POP_LINES),
]

_WHERE2, _WHERE3 = "population.csv dòng 2", "population.csv dòng 3"
REFUSED = [
    Case("empty_file", "population.csv", b"", problems=("population.csv: tệp rỗng",)),
    Case("only_bom_and_blank_line", "population.csv", codecs.BOM_UTF8 + b"\r\n", problems=("population.csv: tệp rỗng",)),
    Case("truncated_xlsx", "Dong Van.xlsx", workbook({"population": [POP_HEAD, *POP]})[:1500],
         problems=("Dong Van.xlsx: tệp Excel bị hỏng hoặc không trọn vẹn, không mở được; hãy gửi lại tệp",)),
    Case("csv_cut_mid_row", "population.csv", _CUT_ROW, problems=(f"{_WHERE3}: dòng bị cắt (5 ô, tiêu đề có 8 ô)",)),
    Case("csv_cut_mid_character", "population.csv", _CUT_CHAR,
         problems=("population.csv: tệp bị cắt giữa một ký tự (UTF-8 không trọn vẹn ở cuối tệp)",)),
    Case("csv_cut_inside_quotes", "population.csv", _CUT[:-30] + '"Xã'.encode(), problems=("population.csv: dấu ngoặc kép không được đóng (tệp bị cắt?)",)),
    Case("utf16_without_bom", "population.txt", table(POP_HEAD, POP, "\t").encode("utf-16-le"),
         problems=("population.txt: không phải tệp văn bản CSV (có byte NUL)",)),
    Case("tcvn3_vn1_capital_byte", "population.csv", to_tcvn3(table(POP_HEAD, POP)).replace("ång", "\u00dbNG").encode("latin-1"),
         problems=(f"{_WHERE2}: byte 0xDB không thuộc UTF-8, Windows-1258 hay bảng mã TCVN3 (ABC); "
                   "không chuyển đổi chắc chắn được, hãy lưu tệp bằng Unicode (UTF-8)",)),
    Case("tcvn3_uncertain_cell", "population.csv", table(POP_HEAD, _with(POP, "commune_name", ["X· §Ûng V¨n", NAME])).encode(),
         problems=(f"{_WHERE2} cột commune_name: không đọc chắc chắn được \"X· §Ûng V¨n\" (ký tự Û không phải chữ Unicode tiếng Việt, "
                   "cũng không chuyển được từ TCVN3); hãy gõ lại bằng Unicode",)),
    Case("single_byte_cp1258_or_tcvn3", "population.csv", table(POP_HEAD, _with(POP, "commune_name", ["Kh\u00e3m"] * 2)).encode("latin-1"),
         problems=("population.csv: không chắc tệp dùng bảng mã Windows-1258 hay TCVN3 (ABC); hãy lưu tệp bằng Unicode (UTF-8)",)),
    Case("unknown_commune_code", "population.csv", table(POP_HEAD, _with(POP, "commune_code", ["99999", CODE])).encode(),
         problems=(f"{_WHERE2}: mã xã 99999 không có trong danh mục đơn vị hành chính cấp xã áp dụng cho kỳ 2024",)),
    Case("name_does_not_match_code", "population.csv", table(POP_HEAD, _with(POP, "commune_name", [NAME, "Xã Đồng Tâm"])).encode(),
         problems=(f'{_WHERE3}: mã xã 06847 là "Xã Đồng Văn", không phải "Xã Đồng Tâm"',)),
    Case("commune_code_missing", "population.csv", table(POP_HEAD, [POP[0], ["", "Tổng cộng", "", "1301"] + [""] * 4]).encode(),
         problems=(f"{_WHERE3}: thiếu mã xã",)),
    Case("comma_thousands_ambiguous", "support.csv", table(SUP_HEAD, [SUP[0][:5] + ["42,000"], *SUP[1:]], ";").encode(), "support.csv",
         problems=("support.csv dòng 2 cột value_dong: \"42,000\" không rõ là 42000 hay số thập phân 42,000; nếu là số nguyên hãy ghi 42000",)),
    Case("excel_97_2003_xls", "population.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
         problems=("population.xls: tệp Excel 97-2003 (.xls) không đọc được; hãy lưu lại thành .xlsx",)),
    Case("not_a_form", "ghi chu.csv", "Người lập biểu,Nguyễn Văn A\r\n".encode(),
         problems=(f"ghi chu.csv: không nhận ra biểu mẫu: không dòng nào có đủ tên cột của một biểu ({FORMS})",)),
    Case("missing_column", "population.csv", table(POP_HEAD[:-1], [r[:-1] for r in POP]).encode(),
         problems=("population.csv: biểu population thiếu cột children_ethnic_minority",)),
    Case("extra_column_with_data", "population.csv", table([*POP_HEAD, "ghi_chu"], [POP[0] + ["số liệu ước tính"], POP[1] + [""]]).encode(),
         problems=('population.csv: cột "ghi_chu" không thuộc biểu population',)),
    Case("merged_count_cells_xlsx", "Dong Van.xlsx", workbook({"population": [POP_HEAD, *POP]}, {"population": ["D2:D3"]}),
         problems=("Dong Van.xlsx trang population dòng 2: ô gộp nhiều dòng ở cột số liệu; hãy tách ô, ghi số cho từng dòng",)),
    Case("workbook_without_forms", "Dong Van.xlsx", workbook({"Sheet1": [["Xin gửi số liệu"]]}),
         problems=(f"Dong Van.xlsx: không có trang nào là biểu mẫu ({FORMS})",)),
]
CASES = {case.name: case for case in ACCEPTED + REFUSED}


if __name__ == "__main__":
    for case in CASES.values():
        folder = Path(sys.argv[1]) / case.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / case.file).write_bytes(case.data)
