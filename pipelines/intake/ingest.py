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
from pathlib import Path

import pandas as pd

from pipelines.intake import raw
from pipelines.intake.template import breakdown_column
from pipelines.intake.reading import IntakeRefused, Context, read_file  # noqa: F401 - IntakeRefused: part of this API
from pipelines.units import reference
from pipelines.units.period import Period, PeriodError

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


def _existing(path: Path, form: raw.Form, ctx: Context) -> list[tuple[str, ...]]:
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


def ingest(period: Period | str, files, data_dir: Path | str, say=print, lang: str = "vi") -> str:
    """Read every file, check everything, then write all of it or nothing (see the module docstring)."""
    try:
        period = Period.parse(period)  # the API's edge: a Period, or text from a caller
    except PeriodError as err:
        raise IntakeRefused(str(err)) from None
    units = reference.units(period)
    communes = units[units["level"] == "commune"]
    vocabulary = frozenset(word for name in units["name"] for word in name.lower().split())
    ctx = Context(period, lang, say, dict(zip(communes["code"], communes["name"])), vocabulary)
    problems, seen, received = [], {}, {}
    for path in map(Path, files):
        try:
            parts = read_file(path, ctx)
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
