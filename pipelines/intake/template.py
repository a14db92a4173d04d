"""Excel templates: one workbook per commune and period, made so that an officer only types counts.

Why: communes report in Excel. A workbook that already holds the commune's official code and name
and one row per breakdown code (the canonical grid of data/raw/README.md) leaves nothing to mistype
but the counts; the header rows are protected, codes come from drop-down lists and counts must be
whole numbers >= 0, so most mistakes are stopped while typing. `pipelines.intake` reads the filled
workbook back: it recognises sheets by name (the form names of forms.yml) and header rows by column
name or by the Vietnamese headings below (`HEADINGS`, shared with intake). The other words of the
workbook (instructions, title lines, the prompts of Excel's data validation) are in the language of
the command, from `template.*` in pipelines/locales/<lang>/template.yml; headings and form titles
are the forms' contract and stay Vietnamese in every language.

Units come from `pipelines.reference`, never typed here. The file is deterministic: same period and
commune → byte-identical workbook (openpyxl stamps the save time into docProps/core.xml and the
zip entries; both are set to the period's end date). `sheets` and `header_columns` are the other
half of the layout, used by intake to read a workbook back (any workbook, not only ours).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipelines.core import errors
from pipelines.intake import tcvn3
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.intake.raw import categories, forms
from pipelines.core.text import failure, t

# Vietnamese column headings (row 3 of each sheet); intake accepts them in place of column names. A
# column added to forms.yml but not here is headed by its name until a heading is written here.
# Data, not words of the locale store: they are the forms' contract, the headings officers already
# type and intake must recognise, whatever language the command speaks.
HEADINGS = {
    "commune_code": "Mã xã", "commune_name": "Tên xã", "sex": "Giới tính",
    "children_under_16": "Số trẻ em dưới 16 tuổi", "children_under_6": "Số trẻ em dưới 6 tuổi",
    "children_6_to_10": "Số trẻ em từ 6 đến 10 tuổi", "children_11_to_15": "Số trẻ em từ 11 đến 15 tuổi",
    "children_ethnic_minority": "Số trẻ em dân tộc thiểu số dưới 16 tuổi",
    "circumstance": "Nhóm hoàn cảnh", "children": "Số trẻ em thuộc nhóm",
    "children_supported": "Số trẻ em đã được hỗ trợ", "support_type": "Loại hỗ trợ",
    "children_in_need": "Số trẻ em cần hỗ trợ", "value_dong": "Tổng giá trị hỗ trợ (đồng)",
    "case_type": "Loại hồ sơ", "cases_received": "Số hồ sơ đã tiếp nhận", "cases_handled": "Số hồ sơ đã xử lý",
    "level": "Cấp học", "population_official_age": "Dân số trong độ tuổi của cấp học",
    "pupils_enrolled": "Tổng số học sinh đang học", "pupils_correct_age": "Số học sinh đúng độ tuổi",
    "schools": "Số trường", "schools_national_standard": "Số trường đạt chuẩn quốc gia",
    "pupils_two_sessions": "Số học sinh học 2 buổi/ngày",
    "children_under_5": "Số trẻ em dưới 5 tuổi", "children_under_5_birth_registered": "Số trẻ em dưới 5 tuổi đã đăng ký khai sinh",
    "children_under_1": "Số trẻ em dưới 1 tuổi", "children_under_1_fully_vaccinated": "Số trẻ em dưới 1 tuổi tiêm chủng đầy đủ",
    "children_under_5_weighed": "Số trẻ em dưới 5 tuổi được cân, đo",
    "children_under_5_underweight": "Số trẻ em dưới 5 tuổi suy dinh dưỡng thể nhẹ cân",
    "children_under_5_stunted": "Số trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi", "live_births": "Số trẻ đẻ ra sống",
    "deaths_under_1": "Số trẻ em dưới 1 tuổi tử vong", "deaths_under_5": "Số trẻ em dưới 5 tuổi tử vong",
    "child_injuries": "Số trẻ em bị tai nạn thương tích", "child_injury_deaths": "Số trẻ em tử vong do tai nạn thương tích",
    "children_aged_5": "Số trẻ em 5 tuổi", "children_aged_5_in_kindergarten": "Số trẻ em 5 tuổi đang học mẫu giáo",
}
FIRST_DATA_ROW = 5  # 1 title, 2 commune and period, 3 Vietnamese headings, 4 column names
_BOLD, _HEAD_FILL = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")


class TemplateError(errors.UsageError):
    """A template that cannot be made (a code that is not a commune of the period's list)."""


def heading(column: str) -> str:
    return HEADINGS.get(column, column)


def header_columns(cells: list[str], form) -> dict[str, int]:
    """Column → position of the form's columns found in one row, by column name or Vietnamese heading."""
    aliases = {tcvn3.plain(key): c for c in form.columns for key in (c, heading(c))}
    found = {}
    for j, cell in enumerate(cells):
        try:
            column = aliases.get(tcvn3.plain(tcvn3.fix(cell)[0]))
        except tcvn3.Unreadable:
            continue
        if column and column not in found:
            found[column] = j
    return found


def find_header(tables: list, candidates: list):
    """(table, form, header index, column → position) of the first row of a table (an object with
    `.rows`, a list of (line, cells)) holding every column of a candidate form; when there is none,
    (table, (form, missing columns) of the best partial match or None, None, None)."""
    best = (0, None, tables[0])
    for table in tables:
        for i, (_, cells) in enumerate(table.rows[:30]):
            for form in candidates:
                found = header_columns(cells, form)
                if len(found) == len(form.columns):
                    return table, form, i, found
                if len(found) > best[0]:
                    best = (len(found), (form, [c for c in form.columns if c not in found]), table)
    return best[2], best[1], None, None


def cell_text(value) -> str:
    """A cell as the text the officer sees: 668.0 → "668", 2.5 → "2.5", a date in ISO form."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value).strip()


def _uncalculated(data: bytes, book) -> dict[str, dict[tuple[int, int], str]]:
    """Sheet → {(row, column): formula} of the formula cells that hold no calculated value: a
    workbook written by a script (openpyxl, pandas) is never calculated, and reading only values
    would take its formulas for blank cells. The formulas are read (a second load) only when a sheet
    has any."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if not any(re.search(rb"<(?:\w+:)?f[ >/]", z.read(n)) for n in z.namelist() if n.startswith("xl/worksheets/")):
            return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        formulas = load_workbook(io.BytesIO(data))
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and book[ws.title].cell(cell.row, cell.column).value is None:
                    out.setdefault(ws.title, {})[(cell.row, cell.column)] = str(getattr(cell.value, "text", cell.value))
    return out


def sheets(data: bytes):
    """(keywords, [(sheet title, rows as lists of cell texts, multi-row merged ranges, {(row,
    column): formula} of formulas never calculated)]) of a workbook.

    A formula is read by the value Excel saved with it. A merged cell's value is copied to every
    cell it covers: a commune name merged over its two sex rows belongs to both. Raises whatever
    zipfile and openpyxl raise on a damaged file.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "extension is not supported": Excel features openpyxl drops
        book = load_workbook(io.BytesIO(data), data_only=True)
    out, uncalculated = [], _uncalculated(data, book)
    for ws in book.worksheets:
        grid = [[cell_text(value) for value in row] for row in ws.iter_rows(values_only=True)]
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
                for c in range(rng.min_col, min(rng.max_col, len(grid[r - 1])) + 1):
                    grid[r - 1][c - 1] = grid[rng.min_row - 1][rng.min_col - 1]
        merged = [rng for rng in ws.merged_cells.ranges if rng.max_row > rng.min_row]
        out.append((ws.title, grid, merged, uncalculated.get(ws.title, {})))
    return book.properties.keywords or "", out


def breakdown_column(form) -> str:
    """The column of a form that takes breakdown codes (sex, circumstance, ...)."""
    return next(c for c in form.key if c != "commune_code")


def _commune(period: Period, code: str):
    try:
        return reference.communes_of(period, code, "commune").iloc[0]
    except reference.UnknownUnit:
        raise failure(TemplateError, "template.unknown_commune", code=code, period=period) from None


def _instructions(ws, period: Period, commune, where: str, lang: str) -> None:
    lines = [(t(lang, "template.title"), True), (t(lang, "template.period", period=period), False),
             (t(lang, "template.unit", name=commune["name"], code=commune["code"], where=where), False), ("", False),
             (t(lang, "template.how"), True)]
    lines += [(f"{i}. {rule}", False) for i, rule in enumerate(t(lang, "template.rules").split("\n"), 1)]
    for name, form in forms().items():
        column = breakdown_column(form)
        lines += [("", False), (t(lang, "template.sheet", name=name, title=form.title_vi), True)]
        lines += [(f"    {c}: {heading(c)}", False) for c in form.columns]
        lines += [(t(lang, "template.codes", heading=heading(column).lower(), column=column), True)]
        lines += [(f"    {code}: {label[lang]}", False) for code, label in categories()[column].items()]
    for row, (text, bold) in enumerate(lines, 1):
        ws.cell(row, 1, text).font = Font(bold=bold)
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _form_sheet(ws, form, period: Period, commune, lang: str) -> None:
    columns, column = form.columns, breakdown_column(form)
    codes = list(categories()[column])
    last_col, last_row = get_column_letter(len(columns)), FIRST_DATA_ROW + len(codes) - 1
    ws.cell(1, 1, f"{form.title_vi.upper()}").font = Font(bold=True, size=13)
    ws.cell(2, 1, t(lang, "template.sheet_unit", name=commune["name"], code=commune["code"], period=period)).font = Font(italic=True)
    for row in (1, 2):
        ws.merge_cells(f"A{row}:{last_col}{row}")
    for j, name in enumerate(columns, 1):
        head = ws.cell(3, j, heading(name))
        head.font, head.fill = _BOLD, _HEAD_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.cell(4, j, name).font = Font(italic=True, color="808080", size=9)
        ws.column_dimensions[get_column_letter(j)].width = 13 if name == "commune_code" else 22 if j <= 3 else 17
    ws.row_dimensions[3].height = 45
    for i, code in enumerate(codes):
        row = FIRST_DATA_ROW + i
        for j, value in enumerate((commune["code"], commune["name"], code), 1):
            ws.cell(row, j, value).number_format = "@"
        ws.cell(row, 3).protection = Protection(locked=False)
        for j in range(4, len(columns) + 1):
            cell = ws.cell(row, j)
            cell.protection, cell.number_format = Protection(locked=False), "#,##0"
    choice = DataValidation(type="list", formula1='"' + ",".join(codes) + '"', allow_blank=False,
                            showErrorMessage=True, errorTitle=t(lang, "template.code_error_title"),
                            error=t(lang, "template.code_error", sheet=t(lang, "template.instructions_sheet")))
    choice.add(f"C{FIRST_DATA_ROW}:C{last_row}")
    whole = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                           showErrorMessage=True, errorTitle=t(lang, "template.count_error_title"),
                           error=t(lang, "template.count_error"), showInputMessage=True,
                           promptTitle=t(lang, "template.count_prompt_title"), prompt=t(lang, "template.count_prompt"))
    whole.add(f"D{FIRST_DATA_ROW}:{last_col}{last_row}")
    ws.add_data_validation(choice)
    ws.add_data_validation(whole)
    ws.freeze_panes = f"D{FIRST_DATA_ROW}"
    ws.protection.sheet = True


def build(period: Period, unit: str, lang: str = "vi") -> bytes:
    """The workbook for one commune and period, as bytes (deterministic), its words in `lang`."""
    commune = _commune(period, str(unit).strip())
    parents = [reference.unit(period, commune["parent_code"])["name"]]
    if commune["parent_code"] != commune["province_code"]:
        parents.append(reference.unit(period, commune["province_code"], "province")["name"])
    wb = Workbook()
    _instructions(wb.active, period, commune, ", ".join(parents), lang)
    wb.active.title = t(lang, "template.instructions_sheet")
    for name, form in forms().items():
        _form_sheet(wb.create_sheet(name), form, period, commune, lang)
    end = period.end
    props = wb.properties
    props.creator, props.title = "baocao", t(lang, "template.file_title", period=period, name=commune["name"])
    props.keywords = f"baocao period={period} unit={commune['code']}"  # intake checks the period
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_times(buffer.getvalue(), end)


def fixed_times(data: bytes, day) -> bytes:
    """Rewrite the zip with every time set to `day`: entry dates and docProps created/modified."""
    stamp = day.strftime("%Y-%m-%dT00:00:00Z").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", lambda m: m.group(1) + stamp, body)
            entry = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def write_template(period: Period, unit: str, out: Path | str | None = None, lang: str = "vi") -> Path:
    """Write the template (default name `bieu-mau-<period>-<code>.xlsx`, the same in every language:
    a file name, not words) and return its path."""
    from pipelines.core import outputs  # the one writer (imported here: it pulls in nbformat, slow to import)

    data = build(period, unit, lang)
    path = Path(out) if out else Path(f"bieu-mau-{period}-{str(unit).strip()}.xlsx")
    outputs.write_bytes(path, data)
    return path
