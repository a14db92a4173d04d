"""The words of validation messages, in Vietnamese (default) and English.

One message is one line: where (file, sheet, line, column, commune), then what (the value found and
the rule). Rule texts live with the rules (`meta.rule_vi` / `meta.rule_en` in the suites,
`rule_vi` / `rule_en` in config/validation.yml); the fixed words and sentence shapes live here.
Numbers in Vietnamese use vi_VN (62,3 %), rounded half up like every figure of a report.
"""

from __future__ import annotations

import unicodedata

from pipelines.core import formats
from pipelines.units import reference

LANGS = ("vi", "en")

TEXTS = {
    "vi": {
        "line": "dòng", "column": "cột", "sheet": "trang tính",
        "commune_code": "mã xã {code}",
        "unit_default": "đơn vị báo cáo",
        "missing_column": "thiếu cột bắt buộc",
        "extra_column": "cột không có trong mẫu biểu, cần xóa hoặc sửa tên cột",
        "rule_failed": "không chạy được quy tắc {rule} ({reason})",
        "table_rule": "{rule} (kết quả: {observed})",
        "cell": "giá trị {value} {rule}",
        "empty": "ô để trống, {rule}",
        "duplicate": "giá trị ({value}) {rule} (trùng ở các dòng {lines})",
        "above": "giá trị {part} = {value} lớn hơn {whole} = {whole_value} ({rule})",
        "sum": "giá trị {total} = {value} khác tổng {parts} = {part_values} = {sum} ({rule})",
        "name": 'giá trị "{value}" phải là "{expected}"',
        "missing_commune": "thiếu số liệu của {commune}",
        "missing_row": "thiếu dòng có mã {value} ({rule})",
        "missing_file": "thiếu tệp biểu mẫu của kỳ {period}",
        "outlier": "giá trị {value} thay đổi {change} so với kỳ {previous_period} ({previous}); kiểm tra lại",
        "cross_form": "giá trị {value} {rule} ({other_column} = {other_value})",
        # Codes of the other list of units (reform of 1 July 2025: pipelines.crosswalk).
        "legacy_code": "giá trị {value} là mã xã cũ ({name}), từ {date} thuộc {successors}",
        "new_code": "giá trị {value} là mã xã mới ({name}) từ {date}, không dùng cho kỳ {period}",
        "not_reported": "giá trị {value} ({name}) không thuộc các xã được báo cáo kỳ {period}",
        "and": " và ",
        "rebased": "{period} (số liệu quy đổi theo đơn vị hành chính từ {date})",
    },
    "en": {
        "line": "line", "column": "column", "sheet": "sheet",
        "commune_code": "commune code {code}",
        "unit_default": "the reporting unit",
        "missing_column": "required column is missing",
        "extra_column": "column is not in the form: delete or rename it",
        "rule_failed": "rule {rule} could not run ({reason})",
        "table_rule": "{rule} (result: {observed})",
        "cell": "value {value} {rule}",
        "empty": "empty cell, {rule}",
        "duplicate": "value ({value}) {rule} (repeated on lines {lines})",
        "above": "value {part} = {value} is greater than {whole} = {whole_value} ({rule})",
        "sum": "value {total} = {value} is not the sum {parts} = {part_values} = {sum} ({rule})",
        "name": 'value "{value}" must be "{expected}"',
        "missing_commune": "no data from {commune}",
        "missing_row": "missing the row for code {value} ({rule})",
        "missing_file": "form file missing for period {period}",
        "outlier": "value {value} changed by {change} from period {previous_period} ({previous}); please check",
        "cross_form": "value {value} {rule} ({other_column} = {other_value})",
        "legacy_code": "value {value} is a former commune code ({name}); from {date} it is part of {successors}",
        "new_code": "value {value} is a commune code new from {date} ({name}), not used for period {period}",
        "not_reported": "value {value} ({name}) is not one of the communes reported for period {period}",
        "and": " and ",
        "rebased": "{period} (re-based to the administrative units in force from {date})",
    },
}

# Level words of official names, for English: "Xã Đồng Văn" → "Đồng Văn commune".
_LEVEL_EN = {"thị trấn": "township", "xã": "commune", "phường": "ward", "huyện": "district", "thị xã": "town",
             "thành phố": "city", "quận": "urban district", "tỉnh": "province"}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"ngôn ngữ '{lang}' không hỗ trợ: dùng {' hoặc '.join(LANGS)}")
    return lang


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def text(lang: str, key: str, **values) -> str:
    return TEXTS[lang][key].format(**values)


def unit_name(name: str, lang: str) -> str:
    """An official name inside a sentence: `thị trấn Bình Liêu` (level word in lower case) or, in
    English, `Bình Liêu township`."""
    short = reference.short_name(name)
    level = name[: len(name) - len(short)].strip().lower()
    if lang == "en":
        return f"{short} {_LEVEL_EN[level]}" if level in _LEVEL_EN else name
    return f"{level} {short}" if level else short


def commune(code: str | None, name: str | None, lang: str) -> str:
    """`xã Đồng Văn (06847)` / `Đồng Văn commune (06847)`; a code not in the list: `mã xã 99999`."""
    if name:
        return f"{unit_name(name, lang)} ({code})"
    return text(lang, "commune_code", code=code) if code else ""


def where(lang: str, file: str, sheet: str | None = None, line: int | None = None, column: str | None = None,
          commune_label: str = "") -> str:
    """`education.csv dòng 7, cột pupils_enrolled, xã Đồng Văn (06847)`; without a line:
    `population.csv, cột sex, ...`; without a column: `population.csv`."""
    words = TEXTS[lang]
    head = file + (f" ({words['sheet']} {sheet})" if sheet else "")
    if line is not None:
        head += f" {words['line']} {line}"
    parts = [head] + ([f"{words['column']} {column}"] if column else []) + ([commune_label] if commune_label else [])
    return ", ".join(parts)


def message(lang: str, key: str, place: str, **values) -> str:
    return f"{place}: {text(lang, key, **values)}"


def percent_change(change: float, lang: str) -> str:
    """0.6220 → `+62,2 %` (vi) / `+62.2%` (en); rounded half up to one decimal."""
    sign = "+" if change > 0 else "-" if change < 0 else ""
    if lang == "en":
        return f"{sign}{formats.round_half_up(abs(change) * 100, 1)}%"
    return f"{sign}{formats.number(abs(change) * 100, 1)} %"


def reform_date(lang: str) -> str:
    """The day the 2025 list of units came into force: `01/07/2025` (vi) / `1 July 2025` (en)."""
    day = reference.REFORM_DATE
    return f"{day:%d/%m/%Y}" if lang == "vi" else f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def rule_text(meta: dict, lang: str, **values) -> str:
    """The rule in the language asked for (rule_en falls back to rule_vi), placeholders filled."""
    rule = (meta.get(f"rule_{lang}") or meta["rule_vi"]) if lang != "vi" else meta["rule_vi"]
    for key, value in values.items():
        rule = rule.replace("{" + key + "}", value)
    return rule
