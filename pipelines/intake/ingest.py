"""Intake: the workbooks and CSV files communes send → the canonical raw CSVs of data/raw/<period>/.

Why: offices send what their software produces (Excel with title rows and merged cells; CSV in
UTF-8 with or without BOM, UTF-16 with tabs, Windows-1258 or typed in the TCVN3/ABC fonts; `;`
delimiters; "1.234" thousands; names without diacritics). Intake reads all of it into exactly the
format of data/raw/README.md, names file, line, column and value of what it cannot read with
certainty (Vietnamese, or English), refuses it, and never loses or alters what was sent.

Recognising: a workbook's sheets by name (form names), a CSV by name (`population (1).csv`) or else
by header; the header row holds every column of the form, by name or template heading. Unfilled
sheets are skipped. Codes keep 5 digits; a name must be its code's official name (compared without
case and diacritics) and is written in the official spelling. Counts: "1.234", "1 234" → "1234";
"2,5" is a decimal, kept as "2.5" for validation to report (intake reads, validation judges);
"1,234" (1234 or 1.234?) is refused; anything else is kept as typed.

Nothing lost: each file is kept byte for byte as `original/<12 hex of SHA-256>-<name>`, listed in
`original/SHA256SUMS` (sha256sum format, sorted); an original is never overwritten.
Immutable raw data (design choice): a canonical CSV only grows. A commune's rows of a form are added
when the file has none for it; otherwise they are accepted only if identical (a re-sent file) and
refused if not. Existing lines stay byte for byte. All or nothing: everything is read and checked
first, staged and read back with `raw.read_form`; one refusal and nothing is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.intake import raw, tcvn3
from pipelines.units import reference
from pipelines.intake.tcvn3 import Unreadable, plain
from pipelines.intake.template import breakdown_column, find_header, header_columns, sheets

IGNORED_COLUMNS = {"stt", "tt", "so tt"}  # a row-number column: dropping it loses nothing
M = {  # key → (Vietnamese, English)
    "where_csv": ("{file} dòng {line}", "{file} line {line}"),
    "where_xlsx": ("{file} trang {sheet} dòng {line}", "{file} sheet {sheet} row {line}"),
    "column": ("{where} cột {column}", "{where} column {column}"),
    "missing": ("{file}: không tìm thấy tệp", "{file}: file not found"),
    "empty": ("{file}: tệp rỗng", "{file}: empty file"),
    "xls": ("{file}: tệp Excel 97-2003 (.xls) không đọc được; hãy lưu lại thành .xlsx", "{file}: Excel 97-2003 (.xls) is not read; save it as .xlsx"),
    "broken": ("{file}: tệp Excel bị hỏng hoặc không trọn vẹn, không mở được; hãy gửi lại tệp",
               "{file}: the Excel file is damaged or incomplete and cannot be opened; send it again"),
    "open_quote": ("{file}: dấu ngoặc kép không được đóng (tệp bị cắt?)", "{file}: a quotation mark is never closed (truncated file?)"),
    "no_header": ("{file}: không nhận ra biểu mẫu: không dòng nào có đủ tên cột của một biểu ({forms})",
                  "{file}: no form recognised: no row holds all the column names of a form ({forms})"),
    "no_sheet": ("{file}: không có trang nào là biểu mẫu ({forms})", "{file}: no sheet is a form ({forms})"),
    "missing_columns": ("{file}: biểu {form} thiếu cột {columns}", "{file}: form {form} lacks columns {columns}"),
    "extra_column": ('{file}: cột "{column}" không thuộc biểu {form}', '{file}: column "{column}" is not in form {form}'),
    "unnamed_data": ('{where}: có dữ liệu "{value}" ở cột không có tiêu đề', '{where}: data "{value}" in a column with no header'),
    "short_row": ("{where}: dòng bị cắt ({found} ô, tiêu đề có {needed} ô)", "{where}: truncated row ({found} cells, the header has {needed})"),
    "merged": ("{where}: ô gộp nhiều dòng ở cột số liệu; hãy tách ô, ghi số cho từng dòng",
               "{where}: cells merged over rows in a count column; unmerge them, one number per row"),
    "no_rows": ("{file}: không có số liệu nào", "{file}: no figures"),
    "nothing_filled": ("{file}: chưa nhập số liệu ở trang nào", "{file}: no figures entered on any sheet"),
    "wrong_period": ("{file}: biểu mẫu lập cho kỳ {found}, không phải kỳ {period}", "{file}: the template is for period {found}, not {period}"),
    "no_code": ("{where}: thiếu mã xã", "{where}: commune code missing"),
    "bad_code": ('{where}: mã xã "{value}" không hợp lệ (cần 5 chữ số, ví dụ 06847)',
                '{where}: commune code "{value}" is not valid (5 digits: 06847)'),
    "unknown_code": ("{where}: mã xã {code} không có trong danh mục đơn vị hành chính cấp xã áp dụng cho kỳ {period}",
                     "{where}: commune code {code} is not in the official list of communes for period {period}"),
    "no_name": ('{where}: thiếu tên xã (mã xã {code} là "{official}")', '{where}: commune name missing (code {code} is "{official}")'),
    "wrong_name": ('{where}: mã xã {code} là "{official}", không phải "{value}"', '{where}: commune code {code} is "{official}", not "{value}"'),
    "conflict_batch": ("{file}: biểu {form} của xã {code} khác với tệp {other} gửi cùng lượt",
                      "{file}: form {form} of commune {code} differs from {other}"),
    "conflict_raw": ("{file}: biểu {form} của xã {code} đã có trong {target} kỳ {period} với số liệu khác; dữ liệu thô không bao giờ bị sửa",
                     "{file}: form {form} of commune {code} is already in {target} of period {period} with other figures; raw data is never changed"),
    "not_canonical": ("{target} kỳ {period} không đúng định dạng chuẩn (data/raw/README.md); không ghép thêm được",
                      "{target} of period {period} is not in the canonical format (data/raw/README.md); nothing can be added"),
    "clash": ("{file}: original/{stored} đã có với nội dung khác; không ghi đè",
             "{file}: original/{stored} exists with other content; not overwritten"),
    "read": ("Đọc {file} ({what}): biểu {form}, xã {codes}, {n} dòng", "Read {file} ({what}): form {form}, commune {codes}, {n} rows"),
    "renamed": ('  {where}: tên xã "{value}" ghi theo tên chính thức "{official}"', '  {where}: name "{value}" written as the official "{official}"'),
    "converted": ('  {where}: "{value}" đọc theo bảng mã TCVN3 (ABC) là "{text}"', '  {where}: "{value}" read from TCVN3 (ABC) as "{text}"'),
    "done": ("kỳ {period}, thêm mới: {added}; đã có và giống hệt: {same}; {n} tệp gốc mới lưu trong {folder}/original",
             "period {period}, added: {added}; already there, identical: {same}; {n} new originals kept in {folder}/original"),
}


class IntakeRefused(ValueError):
    """Nothing was ingested; `problems` holds one line per reason (the message is those lines)."""

    def __init__(self, *problems: str):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class _Ctx:
    period: str
    lang: str
    say: object
    communes: dict[str, str]  # code → official name, for the period
    vocabulary: frozenset[str]  # words of official unit names: tells Windows-1258 from TCVN3

    def msg(self, key: str, **values) -> str:
        return M[key][self.lang == "en"].format(**values)


@dataclass
class _Table:
    file: str
    sheet: str | None  # None for a CSV
    rows: list[tuple[int, list[str]]]  # (line or row number, cell texts)
    what: str
    merged: tuple = ()


def _row(value: dict[str, str], form: raw.Form, where: str, ctx: _Ctx) -> tuple[str, tuple[str, ...]]:
    """One row: code checked, text read (TCVN3), name made official, breakdown label → code, counts."""
    code = re.fullmatch(r"'?(\d{1,5})(?:\.0+)?", value["commune_code"])  # Excel drops leading zeros: 6847
    if not code:
        bad = ctx.msg("bad_code", where=where, value=value["commune_code"]) if value["commune_code"] else ctx.msg("no_code", where=where)
        raise IntakeRefused(bad)
    code = value["commune_code"] = code[1].zfill(5)
    if code not in ctx.communes:
        raise IntakeRefused(ctx.msg("unknown_code", where=where, code=code, period=ctx.period))
    problems, official, breakdown = [], ctx.communes[code], breakdown_column(form)
    for column in form.text[1:] + form.counts:
        at, before = ctx.msg("column", where=where, column=column), value[column]
        try:
            if column in form.counts:
                value[column] = tcvn3.number(before)
                continue
            value[column], converted = tcvn3.fix(before)
            if converted:
                ctx.say(ctx.msg("converted", where=at, value=before, text=value[column]))
        except Unreadable as err:
            problems.append(err.message(ctx.lang, at))
            value[column] = None
    name = value["commune_name"]
    if name == "":
        problems.append(ctx.msg("no_name", where=where, code=code, official=official))
    elif name is not None and plain(name) in (plain(official), plain(reference.short_name(official))):
        if name != official:
            ctx.say(ctx.msg("renamed", where=where, value=name, official=official))
        value["commune_name"] = official
    elif name is not None:
        problems.append(ctx.msg("wrong_name", where=where, code=code, official=official, value=name))
    labels = {plain(v): c for c, lab in raw.categories()[breakdown].items() for v in (c, lab["vi"], lab["en"])}
    value[breakdown] = labels.get(plain(value[breakdown] or ""), value[breakdown])  # "Nữ" → F; unknown kept for validation
    if problems:
        raise IntakeRefused(*problems)
    return code, tuple(value[c] for c in form.columns)


def _part(table: _Table, form: raw.Form, start: int, found: dict[str, int], ctx: _Ctx):
    """(form, file, rows by commune) below the header, or None when no count was typed (an unfilled
    sheet is not a report of zeros); `IntakeRefused` with every problem of the table."""
    problems, out, names, header = [], {}, {j: c for c, j in found.items()}, table.rows[start][1]
    for line, texts in table.rows[start + 1:]:
        where = ctx.msg("where_xlsx" if table.sheet else "where_csv", file=table.file, sheet=table.sheet, line=line)
        if not any(texts) or len(header_columns(texts, form)) == len(form.columns):
            continue  # blank rows; the column-name row under the Vietnamese headings
        if table.sheet is None and len(texts) <= max(found.values()):
            problems.append(ctx.msg("short_row", where=where, found=len(texts), needed=len(header)))
            continue
        for j, text in enumerate(texts):
            name = header[j] if j < len(header) else ""
            if text and j not in names and plain(name) not in IGNORED_COLUMNS:
                problem = (ctx.msg("extra_column", file=table.file, column=name, form=form.name) if name
                           else ctx.msg("unnamed_data", where=where, value=text))
                problems += [problem] if problem not in problems else []
        if any(r.min_row == line and any(r.min_col <= found[c] + 1 <= r.max_col for c in form.counts) for r in table.merged):
            problems.append(ctx.msg("merged", where=where))
        try:
            code, row = _row({c: texts[j] if j < len(texts) else "" for c, j in found.items()}, form, where, ctx)
            out.setdefault(code, []).append(row)
        except IntakeRefused as refused:
            problems += refused.problems
    if problems:
        raise IntakeRefused(*problems)
    if not any(row[form.columns.index(c)] for group in out.values() for row in group for c in form.counts):
        return None
    label = table.file + (f" [{table.sheet}]" if table.sheet else "")
    ctx.say(ctx.msg("read", file=label, what=table.what, form=form.name, codes=", ".join(out), n=sum(map(len, out.values()))))
    return form, table.file, out


def _tables(data: bytes, path: Path, ctx: _Ctx) -> list[_Table]:
    """A workbook's sheets, or a CSV's text parsed with each delimiter (`,` `;` tab: the header decides)."""
    file = path.name
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            keywords, found = sheets(data)
        except Exception:  # noqa: BLE001 - zip, XML and openpyxl errors all mean the same to the office
            raise IntakeRefused(ctx.msg("broken", file=file)) from None
        made_for = re.search(r"period=(\S+)", keywords)
        if made_for and made_for[1] != ctx.period:
            raise IntakeRefused(ctx.msg("wrong_period", file=file, found=made_for[1], period=ctx.period))
        return [_Table(file, title, list(enumerate(grid, 1)), "Excel", merged) for title, grid, merged in found]
    try:
        text, encoding = tcvn3.decode(data, ctx.vocabulary)
    except Unreadable as err:
        raise IntakeRefused(err.message(ctx.lang, file)) from None
    if text.count('"') % 2:
        raise IntakeRefused(ctx.msg("open_quote", file=file))
    tables = []
    for delimiter, label in ((",", '","'), (";", '";"'), ("\t", "tab")):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
        tables.append(_Table(file, None, rows, f"CSV {encoding} {label}"))
    return tables


def _read(path: Path, ctx: _Ctx) -> list[tuple]:
    """One file → its parts (form, file, rows by commune); `IntakeRefused` with every reason found."""
    file, forms = path.name, list(raw.forms().values())
    if not path.is_file():
        raise IntakeRefused(ctx.msg("missing", file=file))
    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf\xff\xfe").strip(b" \t\r\n\x00"):
        raise IntakeRefused(ctx.msg("empty", file=file))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IntakeRefused(ctx.msg("xls", file=file))
    tables = _tables(data, path, ctx)
    if tables[0].sheet is None:  # a CSV named after a form ("population (1).csv"), or else recognised by its header
        stem = re.sub(r"\s*(\(\d+\)|-? ?copy)$", "", path.stem, flags=re.IGNORECASE)
        groups = [(tables, [f for f in forms if plain(stem) in (plain(f.name), plain(Path(f.file).stem))])]
    else:
        groups = [([t], [f for f in forms if plain(f.name) == plain(t.sheet)]) for t in tables]
    parts, problems, recognised = [], [], 0
    for group, named in groups:
        table, form, start, found = find_header(group, named or forms)
        if found is None and (named or (form and table.sheet is None)):
            form, missing = form or (named[0], named[0].columns)
            label = file + (f" [{table.sheet}]" if table.sheet else "")
            problems.append(ctx.msg("missing_columns", file=label, form=form.name, columns=", ".join(missing)))
        elif found is not None:
            recognised += 1
            try:
                parts += [p for p in [_part(table, form, start, found, ctx)] if p]
            except IntakeRefused as refused:
                problems += refused.problems
    if not (problems or parts):
        key = ("no_rows" if recognised else "no_header") if tables[0].sheet is None else ("nothing_filled" if recognised else "no_sheet")
        problems.append(ctx.msg(key, file=file, forms=", ".join(f.name for f in forms)))
    if problems:
        raise IntakeRefused(*problems)
    return parts


def _canonical(form: raw.Form, rows: list[tuple[str, ...]]) -> str:
    """The CSV text of data/raw/README.md: header, rows by commune code then category order."""
    breakdown = breakdown_column(form)
    order, at = {c: i for i, c in enumerate(raw.categories()[breakdown])}, form.columns.index(breakdown)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(form.columns)
    writer.writerows(sorted(rows, key=lambda r: (r[0], order.get(r[at], len(order)), r[at])))
    return buffer.getvalue()


def _rows_of(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    frame = raw.read_form(path)
    return list(frame.columns), [tuple("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False)]


def _existing(path: Path, form: raw.Form, ctx: _Ctx) -> list[tuple[str, ...]]:
    """Rows already in the period's canonical file; refused if that file is not canonical."""
    if not path.exists():
        return []
    try:
        columns, rows = _rows_of(path)
        if columns == list(form.columns) and _canonical(form, rows).encode() == path.read_bytes():
            return rows
    except raw.RawDataError:
        pass
    raise IntakeRefused(ctx.msg("not_canonical", target=form.file, period=ctx.period))


def ingest(period: object, files, data_dir: Path | str, say=print, lang: str = "vi") -> str:
    """Read every file, check everything, then write all of it or nothing (see the module docstring)."""
    try:
        period = reference.normalise_period(period)
    except ValueError as err:
        raise IntakeRefused(str(err)) from None
    units = reference.units(period)
    communes = units[units["level"] == "commune"]
    vocabulary = frozenset(word for name in units["name"] for word in name.lower().split())
    ctx = _Ctx(period, lang, say, dict(zip(communes["code"], communes["name"])), vocabulary)
    problems, seen, received = [], {}, {}
    for path in map(Path, files):
        try:
            parts = _read(path, ctx)
        except IntakeRefused as refused:
            problems += refused.problems
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        received[digest[:12] + "-" + re.sub(r"[\\/\r\n]", "_", path.name)] = (path.name, data, digest)
        for form, file, by_code in parts:
            for code, rows in by_code.items():
                earlier = seen.setdefault((form.name, code), (sorted(rows), file))
                if earlier[0] != sorted(rows):
                    problems.append(ctx.msg("conflict_batch", file=file, form=form.name, code=code, other=earlier[1]))
    folder, added, same, texts = raw.period_dir(data_dir, period), [], [], {}
    for form in (f for f in raw.forms().values() if any(name == f.name for name, _ in seen)):
        try:
            rows = _existing(folder / form.file, form, ctx)
        except IntakeRefused as refused:
            problems += refused.problems
            continue
        before = len(rows)
        for (name, code), (new, file) in sorted(seen.items()):
            old = sorted(row for row in rows[:before] if row[0] == code)
            if name != form.name:
                continue
            if not old:  # a commune not yet in the file: its rows are added
                rows += new
                added.append(f"{form.name} {code} ({len(new)})")
            elif old == new:  # sent again, identical: nothing changes
                same.append(f"{form.name} {code}")
            else:  # rows already there are never changed
                problems.append(ctx.msg("conflict_raw", file=file, form=form.name, code=code, target=form.file, period=period))
        if len(rows) > before:
            texts[form] = (_canonical(form, rows), rows)
    manifest = folder / "original" / "SHA256SUMS"
    sums = dict(reversed(line.split("  ", 1)) for line in manifest.read_text("utf-8").splitlines()) if manifest.exists() else {}
    new_originals = {}
    for stored, (name, data, digest) in sorted(received.items()):
        target = folder / "original" / stored
        if (target.exists() and target.read_bytes() != data) or sums.get(stored, digest) != digest:
            problems.append(ctx.msg("clash", file=name, stored=stored))
        elif not target.exists():
            new_originals[stored] = data
        sums[stored] = digest
    if problems:
        raise IntakeRefused(*problems)
    from pipelines.core import outputs  # the one writer; imported late: it pulls in nbformat, which a refusal never needs

    with tempfile.TemporaryDirectory() as tmp:  # stage and read back before touching data/raw
        for form, (text, rows) in texts.items():
            outputs.write_text(Path(tmp) / form.file, text)
            columns, back = _rows_of(Path(tmp) / form.file)
            if columns != list(form.columns) or sorted(back) != sorted(rows):
                raise RuntimeError(f"{form.file}: the canonical text does not read back as written")
    for stored, data in new_originals.items():
        outputs.write_bytes(folder / "original" / stored, data)
    if new_originals:
        outputs.write_text(manifest, "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)))
    for form, (text, _) in texts.items():
        staged = folder / f".{form.file}.ingest"
        outputs.write_text(staged, text)
        staged.replace(folder / form.file)  # a reader never sees a half-written canonical file
    none = "none" if lang == "en" else "không có"
    return ctx.msg("done", period=period, added=", ".join(added) or none, same=", ".join(same) or none, n=len(new_originals), folder=folder)
