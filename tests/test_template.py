"""The Excel template: deterministic bytes, layout, protection, drop-downs, units from the reference
list; and `baocao template` on the command line (in process: same entry point as `baocao`)."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from pipelines import cli
from pipelines.intake import raw, tcvn3, template
from pipelines.units import reference
from pipelines.units.period import Period


@pytest.fixture(scope="module")
def book():
    return load_workbook(io.BytesIO(template.build(Period.parse("2024"), "06847")))


def test_same_arguments_give_byte_identical_files(tmp_path):
    first = template.write_template(Period.parse("2024"), "06847", tmp_path / "a.xlsx")
    second = template.write_template(Period.parse("2024"), " 06847", tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 12, 31, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2024-12-31T00:00:00Z") == 2 and "baocao period=2024 unit=06847" in core
    assert template.build(Period.parse("2025-H1"), "06847") != template.build(Period.parse("2024"), "06847")


def test_one_sheet_per_form_after_the_instructions(book):
    assert book.sheetnames == ["Hướng dẫn", *raw.forms()]
    assert book.active.title == "Hướng dẫn"


def test_headings_commune_and_prefilled_grid_come_from_config_and_reference(book):
    for name, form in raw.forms().items():
        ws = book[name]
        assert ws["A1"].value == form.title_vi.upper()
        assert ws["A2"].value == "Xã Đồng Văn (mã 06847) - kỳ báo cáo 2024"
        assert [c.value for c in ws[3]] == [template.heading(c) for c in form.columns]
        assert [c.value for c in ws[4]] == list(form.columns)
        codes = list(raw.categories()[template.breakdown_column(form)])
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
        assert rows == [["06847", "Xã Đồng Văn", code] + [None] * len(form.counts) for code in codes]
    population = book["population"]
    assert [c.value for c in population[3]][:4] == ["Mã xã", "Tên xã", "Giới tính", "Số trẻ em dưới 16 tuổi"]


def test_header_protected_data_cells_unlocked(book):
    ws = book["population"]
    assert ws.protection.sheet is True
    assert all(cell.protection.locked for row in ws["A1:H4"] for cell in row)
    assert all(ws.cell(r, c).protection.locked for r in (5, 6) for c in (1, 2))  # code and name: from the reference list
    assert not any(ws.cell(r, c).protection.locked for r in (5, 6) for c in range(3, 9))
    assert book["Hướng dẫn"].protection.sheet is True


def test_drop_down_of_codes_and_whole_numbers_at_least_zero(book):
    ws = book["special_circumstances"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    codes = rules["C5:C19"]
    assert (codes.type, codes.formula1) == ("list", '"' + ",".join(raw.categories()["circumstance"]) + '"')
    counts = rules["D5:E19"]
    assert (counts.type, counts.operator, counts.formula1, counts.showErrorMessage) == ("whole", "greaterThanOrEqual", "0", True)
    assert counts.error == "Chỉ nhập số nguyên không âm (0, 1, 2, ...); ghi 0 nếu không có."
    assert {str(dv.sqref) for dv in book["population"].data_validations.dataValidation} == {"C5:C6", "D5:H6"}


def test_instructions_in_vietnamese_with_code_labels(book):
    lines = [row[0].value for row in book["Hướng dẫn"].iter_rows() if row[0].value]
    assert lines[:3] == ["BIỂU MẪU BÁO CÁO SỐ LIỆU TRẺ EM", "Kỳ báo cáo: 2024",
                         "Đơn vị: Xã Đồng Văn (mã 06847), Huyện Bình Liêu, Tỉnh Quảng Ninh"]
    assert "    orphaned: Trẻ em mồ côi cả cha và mẹ" in lines and "    F: Nữ" in lines
    assert "Trang support: Nhận đỡ đầu, quà tặng và hỗ trợ khác" in lines
    assert "    value_dong: Tổng giá trị hỗ trợ (đồng)" in lines


def test_english_words_around_the_vietnamese_headings():
    """`--lang en`: instructions, title lines, code labels and Excel's prompts in English; headings
    and form titles are the forms' contract and stay Vietnamese; intake reads either workbook."""
    english = load_workbook(io.BytesIO(template.build(Period.parse("2024"), "06847", "en")))
    assert english.sheetnames == ["Instructions", *raw.forms()]
    lines = [row[0].value for row in english["Instructions"].iter_rows() if row[0].value]
    assert lines[:5] == ["CHILDREN'S STATISTICS REPORTING FORM", "Reporting period: 2024",
                         "Unit: Xã Đồng Văn (code 06847), Huyện Bình Liêu, Tỉnh Quảng Ninh", "How to fill it in",
                         "1. Each form is one sheet named after the form. Do not rename sheets, nor add, delete or "
                         "move columns and rows."]
    assert "Sheet support: Nhận đỡ đầu, quà tặng và hỗ trợ khác" in lines and "    F: Female" in lines
    assert "Codes of giới tính (sex):" in lines and "    value_dong: Tổng giá trị hỗ trợ (đồng)" in lines
    ws = english["special_circumstances"]
    assert ws["A2"].value == "Xã Đồng Văn (code 06847) - reporting period 2024"
    assert [c.value for c in ws[3]] == [template.heading(c) for c in raw.forms()["special_circumstances"].columns]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert (rules["C5:C19"].errorTitle, rules["C5:C19"].error) == (
        "Code not valid", "Choose a code from the list; the codes are explained on sheet Instructions.")
    assert (rules["D5:E19"].error, rules["D5:E19"].promptTitle, rules["D5:E19"].prompt) == (
        "Type a whole number of 0 or more only (0, 1, 2, ...); type 0 for none.", "Whole number ≥ 0", "Type 0 for none.")
    assert english.properties.title == "Children's statistics reporting form 2024 - Xã Đồng Văn"


def test_vietnamese_headings_tell_columns_apart():
    for form in raw.forms().values():
        keys = [tcvn3.plain(template.heading(c)) for c in form.columns] + [tcvn3.plain(c) for c in form.columns]
        assert len(set(keys)) == len(keys), form.name


def test_units_of_the_2025_list_after_the_reform():
    book = load_workbook(io.BytesIO(template.build(Period.parse("2025-H2"), "06841")))
    assert book["population"]["A2"].value == "Xã Hoành Mô (mã 06841) - kỳ báo cáo 2025-H2"
    assert book["Hướng dẫn"]["A3"].value == "Đơn vị: Xã Hoành Mô (mã 06841), Tỉnh Quảng Ninh"
    assert reference.list_in_force(Period.parse("2025-H2")) == "2025"


@pytest.mark.parametrize("period, unit, message", [
    ("2024", "99999", "mã xã 99999 không có trong danh mục đơn vị hành chính cấp xã áp dụng cho kỳ 2024"),
    ("2024", "198", "mã xã 198 không có trong danh mục đơn vị hành chính cấp xã áp dụng cho kỳ 2024"),  # a district
    ("2025-H2", "06847", "mã xã 06847 không có trong danh mục đơn vị hành chính cấp xã áp dụng cho kỳ 2025-H2"),  # merged away
])
def test_unknown_commune_is_a_clear_error(tmp_path, period, unit, message):
    with pytest.raises(template.TemplateError) as error:
        template.write_template(Period.parse(period), unit, tmp_path / "x.xlsx")
    assert str(error.value) == message
    assert not (tmp_path / "x.xlsx").exists()


def test_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["template", "--period", "2024", "--unit", "06847"]) == 0
    assert capsys.readouterr().out == "Đã tạo biểu mẫu: bieu-mau-2024-06847.xlsx\n"
    assert (tmp_path / "bieu-mau-2024-06847.xlsx").read_bytes() == template.build(Period.parse("2024"), "06847")
    assert cli.main(["template", "--period", "2024", "--unit", "99999", "--out", "x.xlsx"]) == 3
    assert capsys.readouterr().err == "LỖI: mã xã 99999 không có trong danh mục đơn vị hành chính cấp xã áp dụng cho kỳ 2024\n"
    assert cli.main(["template", "--period", "2024", "--unit", "99999", "--out", "x.xlsx", "--lang", "en"]) == 3
    assert capsys.readouterr().err == "ERROR: commune code 99999 is not in the list of communes in force for period 2024\n"
    assert cli.main(["template", "--period", "2024", "--unit", "06847", "--out", "en.xlsx", "--lang", "en"]) == 0
    assert (tmp_path / "en.xlsx").read_bytes() == template.build(Period.parse("2024"), "06847", "en")
