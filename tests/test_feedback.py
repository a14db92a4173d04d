"""`baocao feedback` (issue 19, item 3): a Decree 30 letter to each unit with a form missing or data
to correct, HTML and PDF, and the officer's list (HTML and CSV), in `<reports>/phan-hoi/<period>/`.

The folder: the sample's 2024 raw data of Bình Liêu district, where Xã Húc Động (06859) sent nothing
(its rows taken out of every form) and Xã Đồng Văn (06847) typed "12a" for its boys under 16; the
settings say forms are due 15 days after the period ends (2025-01-15). One command, no run: two
letters, each read part by part; the PDF text read back; the list's CSV byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import copy_sample

from pipelines import cli
from pipelines.core.deadlines import Deadlines
from pipelines.intake import template
from pipelines.publish import index
from pipelines.report import letter
from pipelines.units.period import Period

PERIOD, AS_OF = "2024", "2025-01-10"
ERROR, SILENT = "06847", "06859"  # Xã Đồng Văn: "12a"; Xã Húc Động: sends nothing
NBSP = "\u00a0"
FORMS = [("Dân số trẻ em theo nhóm tuổi, giới tính và dân tộc", "population"),
         ("Trẻ em có hoàn cảnh đặc biệt và hoàn cảnh khó khăn", "special_circumstances"),
         ("Nhận đỡ đầu, quà tặng và hỗ trợ khác", "support"),
         ("Hồ sơ bảo vệ trẻ em tiếp nhận và xử lý", "protection_cases"),
         ("Giáo dục theo cấp học", "education"),
         ("Đăng ký khai sinh, tiêm chủng, dinh dưỡng, tử vong và tai nạn thương tích ở trẻ em", "health"),
         ("Trẻ em 5 tuổi đi học mẫu giáo", "early_childhood")]
RULE = ("Giá trị 12a phải là số nguyên không âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ "
        "hay chữ)")
PLACE_12A = "trang tính population, dòng 5 (Giới tính: M, Nam), cột D (Số trẻ em dưới 16 tuổi)"


def _folder(root: Path) -> Path:
    """The sample's 2024 forms with Húc Động taken out and Đồng Văn's "12a"; deadlines in the settings."""
    data = copy_sample(root, ("2024",)) / "data"
    for path in sorted((data / "raw" / PERIOD).glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not line.startswith(SILENT + ",")), encoding="utf-8")
    population = data / "raw" / PERIOD / "population.csv"
    text = population.read_text(encoding="utf-8")
    assert "06847,Xã Đồng Văn,M,668," in text  # line 8, the first row of Đồng Văn
    population.write_text(text.replace("06847,Xã Đồng Văn,M,668,", "06847,Xã Đồng Văn,M,12a,"), encoding="utf-8")
    with open(data / "baocao.yml", "a", encoding="utf-8") as settings:
        settings.write("deadlines:\n  days_after_end: {year: 15}\n")
    return data


def _feedback(data: Path, reports: Path, *more: str) -> int:
    return cli.main(["feedback", "--period", PERIOD, "--data-dir", str(data), "--reports-dir", str(reports),
                     "--as-of", AS_OF, *more])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    data, reports = _folder(root), root / "reports"
    assert _feedback(data, reports) == 0
    return reports / "phan-hoi" / PERIOD


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _texts(soup: BeautifulSoup, selector: str) -> list[str]:
    return [" ".join(part.get_text().split()) for part in soup.select(selector)]


def _cells(soup: BeautifulSoup) -> list[list[str]]:
    return [[" ".join(cell.get_text().split()) for cell in row.find_all(["td", "th"])]
            for row in soup.select("table.feedback tbody tr")]


def test_two_letters_and_the_list_with_the_internal_modes(written):
    names = sorted(path.name for path in written.iterdir())
    assert names == ["danh-sach-phan-hoi-2024.csv", "danh-sach-phan-hoi-2024.html",
                     "phan-hoi-2024-06847.html", "phan-hoi-2024-06847.pdf",
                     "phan-hoi-2024-06859.html", "phan-hoi-2024-06859.pdf"]
    assert {oct(path.stat().st_mode & 0o777) for path in written.iterdir()} == {"0o640"}
    assert oct(written.stat().st_mode & 0o777) == oct(written.parent.stat().st_mode & 0o777) == "0o750"
    assert sorted(path.name for path in written.parent.parent.parent.iterdir()) == ["data", "reports"]  # no staging left


def _common_parts(soup: BeautifulSoup) -> None:
    """The parts of Decree 30 every letter has: issuing body and motto, number, summary line, date,
    recipients and signature."""
    assert [line.get_text() for line in soup.select(".issuer-name .line")] == ["ỦY BAN NHÂN DÂN", "HUYỆN BÌNH LIÊU"]
    assert _texts(soup, ".doc-number") == ["Số: …/UBND-…"]
    assert soup.select_one(".excerpt").get_text() == f"V/v bổ sung, sửa số liệu trẻ{NBSP}em kỳ{NBSP}2024"
    assert _texts(soup, ".official-header .nation") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert _texts(soup, ".motto-line") == ["Độc lập - Tự do - Hạnh phúc"]
    assert _texts(soup, ".date-line") == ["Bình Liêu, ngày 10 tháng 01 năm 2025"]
    assert soup.select("h1") == []  # a letter has no title: its summary line says what it is about
    assert _texts(soup, "td.recipients p, td.recipients li") == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert [p.get_text(" / ") for p in soup.select("td.signature p")] == ["TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
                                                                           "(chữ ký, họ và tên)"]
    assert _texts(soup, "thead th") == ["TT", "Biểu, vị trí", "Nội dung", "Việc cần làm"]  # one due date: said below


def test_the_letter_to_the_unit_with_an_error(written):
    soup = _soup(written / "phan-hoi-2024-06847.html")
    _common_parts(soup)
    assert soup.title.get_text() == "Công văn gửi xã Đồng Văn: bổ sung, sửa số liệu trẻ em kỳ 2024"
    assert soup.html["lang"] == "vi"
    assert _texts(soup, "p.addressee") == ["Kính gửi: Ủy ban nhân dân xã Đồng Văn."]
    assert _texts(soup, "main > p:not(.addressee)") == [
        "Qua kiểm tra số liệu về trẻ em kỳ 2024 nhận được đến ngày 10 tháng 01 năm 2025, Ủy ban nhân dân huyện "
        "Bình Liêu thấy số liệu của xã Đồng Văn còn thiếu hoặc cần sửa như sau (vị trí ghi theo biểu mẫu Excel "
        "của kỳ: trang tính, dòng, cột):",
        "Đề nghị Ủy ban nhân dân xã Đồng Văn kiểm tra, gửi bổ sung, sửa số liệu theo các nội dung trên về Ủy ban "
        "nhân dân huyện Bình Liêu trước ngày 15 tháng 01 năm 2025; số liệu sửa của một biểu được gửi thay cho số "
        "liệu đã gửi của biểu đó./."]
    assert _cells(soup) == [["1", f"Dân số trẻ em theo nhóm tuổi, giới tính và dân tộc: {PLACE_12A}", f"Lỗi: {RULE}",
                             "Sửa và gửi lại biểu"]]


def test_the_letter_to_the_unit_that_sent_nothing(written):
    soup = _soup(written / "phan-hoi-2024-06859.html")
    _common_parts(soup)
    assert _texts(soup, "p.addressee") == ["Kính gửi: Ủy ban nhân dân xã Húc Động."]
    assert _cells(soup) == [[str(n), f"{title}: trang tính {sheet}, cả biểu", "Thiếu: Chưa nhận được số liệu của biểu này",
                             "Gửi số liệu của biểu"] for n, (title, sheet) in enumerate(FORMS, 1)]
    # validation's own "thiếu số liệu của xã Húc Động" for each form is not said a second time
    assert "thiếu số liệu của" not in soup.get_text()


def test_the_place_is_the_cell_of_the_excel_template(written):
    """Sheet population, row 5, column D of the commune's template: the boys' count under 16."""
    sheet = load_workbook(io.BytesIO(template.build(Period.parse(PERIOD), ERROR)))["population"]
    assert (sheet["C5"].value, sheet["D3"].value, sheet["A5"].value) == ("M", "Số trẻ em dưới 16 tuổi", ERROR)


def _pdf_text(path: Path) -> tuple[str, int]:
    """The PDF's text with white space evened out (pdftotext when installed, else pypdf), and its pages."""
    pages = len(PdfReader(path).pages)
    if shutil.which("pdftotext"):
        said = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    else:
        said = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(said.split()), pages


def test_each_letter_is_one_tagged_page_whose_text_reads_back(written):
    for code, unit, lines in ((ERROR, "xã Đồng Văn", ["Giá trị 12a phải là số nguyên không âm",
                                                       "cột D (Số trẻ em dưới 16 tuổi)"]),
                              (SILENT, "xã Húc Động", ["Trẻ em 5 tuổi đi học mẫu giáo: trang tính early_childhood"])):
        said, pages = _pdf_text(written / f"phan-hoi-2024-{code}.pdf")
        assert pages == 1
        for expected in ["ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU", "Số: …/UBND-…", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "V/v bổ sung, sửa số liệu trẻ em kỳ 2024", "Bình Liêu, ngày 10 tháng 01 năm 2025",
                         f"Kính gửi: Ủy ban nhân dân {unit}.", "trước ngày 15 tháng 01 năm 2025", "Nơi nhận:",
                         "TM. ỦY BAN NHÂN DÂN", *lines]:
            assert expected in said, (code, expected)
        assert PdfReader(written / f"phan-hoi-2024-{code}.pdf").trailer["/Root"].get("/StructTreeRoot") is not None


def test_the_officers_list_byte_for_byte(written):
    due = "2025-01-15"
    rows = [f'06847,Xã Đồng Văn,population,error,population,5,D,"{PLACE_12A}","{RULE}",Sửa và gửi lại biểu,{due}']
    rows += [f'06859,Xã Húc Động,{sheet},missing,{sheet},,,"trang tính {sheet}, cả biểu",'
             f"Chưa nhận được số liệu của biểu này,Gửi số liệu của biểu,{due}" for _, sheet in FORMS]
    expected = "commune_code,commune_name,form,status,sheet,row,column,where,message,action,due\n" + \
        "".join(row + "\n" for row in rows)
    assert (written / "danh-sach-phan-hoi-2024.csv").read_bytes() == expected.encode("utf-8")
    soup = _soup(written / "danh-sach-phan-hoi-2024.html")
    assert _texts(soup, "h1") == ["Danh sách đơn vị cần bổ sung, sửa số liệu trẻ em kỳ 2024"]
    assert _texts(soup, "main > p") == ["Huyện Bình Liêu, đến ngày 10 tháng 01 năm 2025: 2 đơn vị có số liệu cần bổ "
                                        "sung hoặc sửa; mỗi đơn vị có một công văn (HTML và PDF) trong thư mục này."]
    cells = _cells(soup)
    assert [row[:2] for row in cells] == [["1", "xã Đồng Văn (06847)"]] + [
        [str(n), "xã Húc Động (06859)"] for n in range(2, 9)]
    assert {row[-1] for row in cells} == {"ngày 15 tháng 01 năm 2025"}


def test_due_date_from_the_deadlines_until_it_is_past_then_a_week_from_the_letter():
    end, deadlines = dt.date(2024, 12, 31), Deadlines({"year": 15}, {"protection_cases": 20})
    assert deadlines.asked_by(end, "year", "population", dt.date(2025, 1, 10)) == dt.date(2025, 1, 15)
    assert deadlines.asked_by(end, "year", "population", dt.date(2025, 1, 15)) == dt.date(2025, 1, 15)
    assert deadlines.asked_by(end, "year", "protection_cases", dt.date(2025, 1, 16)) == dt.date(2025, 1, 20)
    assert deadlines.asked_by(end, "year", "population", dt.date(2025, 1, 16)) == dt.date(2025, 1, 23)
    assert Deadlines().asked_by(end, "year", "population", dt.date(2025, 3, 1)) == dt.date(2025, 3, 8)


def _item(**given) -> letter.Item:
    facts = {"commune_code": ERROR, "commune_name": "Xã Đồng Văn", "form": "population", "kind": "error",
             "due": dt.date(2025, 1, 15), **given}
    return letter.Item(**facts)


def test_a_letter_in_english_with_dates_per_form_and_a_row_code_as_typed_escaped():
    issuer = letter.Issuer("Huyện Bình Liêu", Period.parse(PERIOD), dt.date(2025, 1, 16))
    items = [_item(kind="missing", form="protection_cases", due=dt.date(2025, 1, 20)),
             _item(kind="missing", due=dt.date(2025, 1, 23), breakdown="<b>X</b>", column="children_under_6")]
    soup = BeautifulSoup(letter.letter_html(issuer, ERROR, "Xã Đồng Văn", items, "en"), "html.parser")
    assert _texts(soup, "p.addressee") == ["To: the People's Committee of Đồng Văn Commune."]
    assert _texts(soup, ".doc-number") == ["No.: …/UBND-…"]
    assert _texts(soup, ".date-line") == ["Bình Liêu, 16 January 2025"]
    assert _texts(soup, "thead th")[-1] == "Due"  # two dates: one per row
    assert _cells(soup) == [
        ["1", 'Dân số trẻ em theo nhóm tuổi, giới tính và dân tộc: sheet population, the row whose Giới tính is '
              '"<b>X</b>", column E (Số trẻ em dưới 6 tuổi)', "Missing: No data of this form received",
         "Send the form's data", "23 January 2025"],
        ["2", "Hồ sơ bảo vệ trẻ em tiếp nhận và xử lý: sheet protection_cases, whole form",
         "Missing: No data of this form received", "Send the form's data", "20 January 2025"]]
    assert soup.find("b") is None  # the value typed went in as text


def test_the_index_of_the_internal_tree_lists_no_period_for_the_letters_folder(written):
    page = index.page_html(written.parent.parent, written.parent.parent / "staged", Period.parse(PERIOD))
    assert "phan-hoi" not in page


def test_a_second_run_replaces_the_letters_of_the_first(tmp_path):
    data, reports = _folder(tmp_path), tmp_path / "reports"
    assert _feedback(data, reports) == 0
    population = data / "raw" / PERIOD / "population.csv"
    population.write_text(population.read_text(encoding="utf-8").replace(",12a,", ",668,"), encoding="utf-8")
    assert _feedback(data, reports, "--scope", "commune:06859") == 0
    folder = reports / "phan-hoi" / PERIOD
    assert sorted(path.name for path in folder.iterdir()) == [
        "danh-sach-phan-hoi-2024.csv", "danh-sach-phan-hoi-2024.html", "phan-hoi-2024-06859.html",
        "phan-hoi-2024-06859.pdf"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["data", "reports"]
    assert not list((data / "processed").glob(".publish-*"))


def test_a_cell_of_the_list_a_spreadsheet_would_run_gets_an_apostrophe():
    items = [_item(commune_code=None, commune_name=None, kind="missing", breakdown="=HYPERLINK(1)")]
    lines = letter.list_csv(items, "vi").splitlines()
    assert lines[1] == (',,population,missing,population,,,"trang tính population, dòng có Giới tính là ""=HYPERLINK(1)""",'
                        "Chưa nhận được số liệu của biểu này,Gửi số liệu của biểu,2025-01-15")
    items = [_item(commune_name="=cmd|' /C calc'!A0", kind="missing")]
    assert letter.list_csv(items, "vi").splitlines()[1].startswith("06847,'=cmd|' /C calc'!A0,population,")


def test_no_letters_for_the_whole_country(written, capsys):
    data = written.parent.parent.parent / "data"
    assert _feedback(data, written.parent.parent, "--scope", "national") == 3
    assert capsys.readouterr().err.startswith("LỖI: Không viết phản hồi cho --scope national")
