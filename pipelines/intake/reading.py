"""Reading what offices send: workbooks and CSV files of any encoding → rows of a form, or reasons.

Why its own module: recognising forms in Excel sheets and in CSV of any encoding (UTF-8 with or
without BOM, UTF-16, Windows-1258, TCVN3/ABC), normalising codes, names and counts, and naming
file, sheet, line and column of whatever cannot be read with certainty is one job; writing the
result into the immutable raw files, all or nothing, is another (pipelines.intake.ingest).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from pipelines.core import errors, text as locale
from pipelines.intake import csvfile, limits, raw, tcvn3
from pipelines.intake.tcvn3 import Unreadable, plain
from pipelines.intake.template import breakdown_column, find_header, header_columns, sheets
from pipelines.units import reference
from pipelines.units.period import Period

IGNORED_COLUMNS = {"stt", "tt", "so tt"}  # a row-number column: dropping it loses nothing
MAX_PROBLEMS = 20  # per table: a file with a problem on every one of 10,000 rows gets 20 lines and a count


class IntakeRefused(errors.DataError):
    """Nothing was ingested; `problems` holds one line per reason (the message is those lines)."""

    def __init__(self, *problems: str):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class Context:
    period: Period
    lang: str
    say: object
    communes: dict[str, str]  # code → official name, for the period
    vocabulary: frozenset[str]  # words of official unit names: tells Windows-1258 from TCVN3

    def msg(self, key: str, **values) -> str:
        """The message `intake.<key>` of pipelines/locales/<lang>/intake.yml, filled in."""
        return locale.t(self.lang, f"intake.{key}", **values)

    def commune(self, code: str) -> str:
        """A commune named by its type in a message: `phường Phúc Xá (00001)` / `Phúc Xá ward (00001)`."""
        return locale.t(self.lang, "validation.named", name=reference.unit_name(self.communes[code], self.lang, "message"),
                        code=code)


@dataclass
class _Table:
    file: str
    sheet: str | None  # None for a CSV
    rows: list[tuple[int, list[str]]]  # (line or row number, cell texts)
    what: str
    merged: tuple = ()
    formulas: dict = field(default_factory=dict)  # (row, column) → formula never calculated


@functools.cache
def _labels(breakdown: str) -> dict[str, str]:
    """Code, Vietnamese and English label (compared plain) → code, once per breakdown column."""
    return {plain(v): c for c, lab in raw.categories()[breakdown].items() for v in (c, lab["vi"], lab["en"])}


def _row(value: dict[str, str], form: raw.Form, where: str, ctx: Context) -> tuple[str, tuple[str, ...]]:
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
        problems.append(ctx.msg("wrong_name", where=where, code=code, official=official, value=name,
                                differs=locale.differs(ctx.lang, name, official)))
    labels = _labels(breakdown)
    value[breakdown] = labels.get(plain(value[breakdown] or ""), value[breakdown])  # "Nữ" → F; unknown kept for validation
    if problems:
        raise IntakeRefused(*problems)
    return code, tuple(csvfile.inert(value[c]) for c in form.columns)  # as the raw file will hold it


def _part(table: _Table, form: raw.Form, start: int, found: dict[str, int], ctx: Context):
    """(form, file, rows by commune) below the header, or None when no count was typed (an unfilled
    sheet is not a report of zeros); `IntakeRefused` with every problem of the table."""
    problems, out, names, header = [], {}, {j: c for c, j in found.items()}, table.rows[start][1]
    for line, texts in table.rows[start + 1:]:
        where = ctx.msg("where_xlsx" if table.sheet else "where_csv", file=table.file, sheet=table.sheet, line=line)
        problems += [ctx.msg("formula", file=table.file, sheet=table.sheet, cell=f"{get_column_letter(j + 1)}{line}",
                             formula=table.formulas[line, j + 1]) for j in sorted(names) if (line, j + 1) in table.formulas]
        coded = re.match(r"'?\d", texts[found["commune_code"]]) if found["commune_code"] < len(texts) else None
        if not any(texts) or (not coded and len(header_columns(texts, form)) == len(form.columns)):
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
    problems += _repeated(table, form, out, ctx)
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS:] = [ctx.msg("more", file=table.file, count=len(problems) - MAX_PROBLEMS)]
    if problems:
        raise IntakeRefused(*problems)
    if not any(row[form.columns.index(c)] for group in out.values() for row in group for c in form.counts):
        return None
    label = table.file + (f" [{table.sheet}]" if table.sheet else "")
    ctx.say(ctx.msg("read", file=label, what=table.what, form=form.name, codes=", ".join(out), n=sum(map(len, out.values()))))
    return form, table.file, out


def _repeated(table: _Table, form: raw.Form, out: dict, ctx: Context) -> list[str]:
    """One line per key (commune, code) a table holds more than once: never appended, whether the
    rows agree (a pasted block, 10,000 copies of one commune) or not."""
    at = [form.columns.index(c) for c in form.key]
    counts = Counter(tuple(row[i] for i in at) for rows in out.values() for row in rows)
    label = table.file + (f" [{table.sheet}]" if table.sheet else "")
    return [ctx.msg("repeated", file=label, form=form.name, columns=", ".join(form.key), value=", ".join(key), count=n)
            for key, n in counts.items() if n > 1]


def _tables(data: bytes, path: Path, ctx: Context) -> list[_Table]:
    """A workbook's sheets, or a CSV's text parsed with each delimiter (`,` `;` tab: the header decides)."""
    file = path.name
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        limits.check_workbook(data, file)
        try:
            keywords, found = sheets(data)
        except Exception:  # noqa: BLE001 - zip, XML and openpyxl errors all mean the same to the office
            raise IntakeRefused(ctx.msg("broken", file=file)) from None
        made_for = re.search(r"period=(\S+)", keywords)
        if made_for and made_for[1] != str(ctx.period):
            raise IntakeRefused(ctx.msg("wrong_period", file=file, found=made_for[1], period=ctx.period))
        return [_Table(file, title, list(enumerate(grid, 1)), "Excel", merged, formulas) for title, grid, merged, formulas in found]
    try:
        text, encoding = tcvn3.decode(data, ctx.vocabulary)
    except Unreadable as err:
        raise IntakeRefused(err.message(ctx.lang, file)) from None
    limits.check_text(file, text, ",;\t")  # each delimiter is tried below
    if text.count('"') % 2:
        raise IntakeRefused(ctx.msg("open_quote", file=file))
    tables = []
    for delimiter, label in ((",", '","'), (";", '";"'), ("\t", "tab")):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
        limits.check_columns(file, max((len(cells) for _, cells in rows), default=0))
        tables.append(_Table(file, None, rows, f"CSV {encoding} {label}"))
    return tables


def read_file(path: Path, ctx: Context) -> list[tuple]:
    """One file → its parts (form, file, rows by commune); `IntakeRefused` with every reason found."""
    file, forms = path.name, list(raw.forms().values())
    if not path.is_file():
        raise IntakeRefused(ctx.msg("missing", file=file))
    limits.check_bytes(path)
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
