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
refused if not, unless sent as a correction (`replace`, with who and why): then they are appended
after everything else, the earlier rows stay, and readers take the latest (raw.read_form). Every
submission that adds rows gets a line in `submissions.csv` (raw.LOG: id, UTC time, new or
correction, form, commune, rows, file sent and its SHA-256, who, why, the submission superseded), so
an officer can see in a spreadsheet what came from where. Existing lines stay byte for byte. All or
nothing: everything is read and checked first, staged and read back with `raw.read_form`; one
refusal and nothing is written.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from pipelines.intake import csvfile, raw
from pipelines.intake.template import breakdown_column
from pipelines.intake.reading import IntakeRefused, Context, read_file  # noqa: F401 - IntakeRefused: part of this API
from pipelines.units import reference
from pipelines.units.period import Period

def _ordered(form: raw.Form, rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Rows by commune code then category order (data/raw/README.md)."""
    breakdown = breakdown_column(form)
    order, at = {c: i for i, c in enumerate(raw.categories()[breakdown])}, form.columns.index(breakdown)
    return sorted(rows, key=lambda r: (r[0], order.get(r[at], len(order)), r[at]))


def _canonical(form: raw.Form, rows: list[tuple[str, ...]]) -> str:
    """The CSV text of data/raw/README.md: header, rows by commune code then category order."""
    return csvfile.text(_ordered(form, rows), form.columns)


def _tuples(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [tuple("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False)]


def _rows_of(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    frame = raw.read_form(path, latest=False)
    return list(frame.columns), _tuples(frame)


def _existing(path: Path, form: raw.Form, ctx: Context):
    """(first submissions, correction rows in file order, {commune: (its latest rows sorted, the
    submission they come from)}) of the period's file; refused if that file is not canonical: first
    submissions sorted, then each correction appended (pipelines.intake.raw.split)."""
    if not path.exists():
        return [], [], {}
    try:
        frame = raw.read_form(path, latest=False)
        base, blocks = raw.split(path, frame)
        rows, tail = _tuples(base), [row for _, block in blocks for row in _tuples(block)]
        if list(frame.columns) == list(form.columns) and (_canonical(form, rows) + csvfile.text(tail)).encode() == path.read_bytes():
            logged = {e["commune_code"]: e["submission"] for e in raw.submissions(path.parent) if e["form"] == form.name}
            current = {code: (sorted(r for r in rows if r[0] == code), logged.get(code, "")) for code in {r[0] for r in rows}}
            current.update({e["commune_code"]: (sorted(_tuples(block)), e["submission"]) for e, block in blocks})
            return rows, tail, current
    except raw.RawDataError:
        pass
    raise IntakeRefused(ctx.msg("not_canonical", target=form.file, period=ctx.period))


def _signed(by: str, reason: str, replace: bool, ctx: Context) -> tuple[str, str]:
    """Who and why, on one line each: a correction without them could never be accounted for."""
    by, reason = " ".join(str(by or "").split()), " ".join(str(reason or "").split())
    if replace and not (by and reason):
        raise IntakeRefused(ctx.msg("replace_needs"))
    if len(by) > 100 or len(reason) > 500:
        raise IntakeRefused(ctx.msg("too_long", by=len(by), reason=len(reason)))
    return by, reason


def ingest(period: Period, files, data_dir: Path | str, say=print, lang: str = "vi", replace: bool = False,
           by: str = "", reason: str = "", now: datetime | None = None) -> str:
    """Read every file, check everything, then write all of it or nothing (see the module docstring).
    `replace`: a commune's new figures for a form it already sent are a correction by `by`, for
    `reason`, superseding its earlier submission; `now` (UTC) stamps the submissions log."""
    units = reference.units(period)
    communes = units[units["level"] == "commune"]
    vocabulary = frozenset(word for name in units["name"] for word in name.lower().split())
    ctx = Context(period, lang, say, dict(zip(communes["code"], communes["name"])), vocabulary)
    by, reason = _signed(by, reason, replace, ctx)
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
                earlier = seen.setdefault((form.name, code), (sorted(rows), file, digest))
                if earlier[0] != sorted(rows):
                    problems.append(ctx.msg("conflict_batch", file=file, form=form.name, commune=ctx.commune(code), other=earlier[1]))
    folder, added, same, replaced, texts, entries = raw.period_dir(data_dir, period), [], [], [], {}, []
    try:
        log = raw.submissions(folder)
    except raw.RawDataError as err:
        raise IntakeRefused(str(err)) from None
    for form in (f for f in raw.forms().values() if any(name == f.name for name, _ in seen)):
        try:
            rows, tail, current = _existing(folder / form.file, form, ctx)
        except IntakeRefused as refused:
            problems += refused.problems
            continue
        before, corrected = len(rows), []
        for (name, code), (new, file, digest) in sorted(seen.items()):
            old, entry = current.get(code), (form.name, code, len(new), file, digest)
            if name != form.name:
                continue
            if old is None:  # a commune not yet in the file: its rows are added
                rows += new
                added.append(f"{form.name} {code} ({len(new)})")
                entries.append(("new", *entry, ""))
            elif old[0] == new:  # sent again, identical: nothing changes
                same.append(f"{form.name} {code}")
            elif replace:  # a correction: appended after everything, the earlier rows stay
                corrected += _ordered(form, new)
                replaced.append(f"{form.name} {code} ({len(new)})")
                entries.append(("correction", *entry, old[1]))
            else:  # rows already there are never changed
                problems.append(ctx.msg("conflict_raw", file=file, form=form.name, commune=ctx.commune(code), target=form.file,
                                        period=period))
        if len(rows) > before or corrected:
            texts[form] = (_canonical(form, rows) + csvfile.text(tail + corrected), rows + tail + corrected)
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
                raise RuntimeError(ctx.msg("not_read_back", file=form.file))  # a defect of this module, never the office's
    for stored, data in new_originals.items():
        outputs.write_bytes(folder / "original" / stored, data)
    if new_originals:
        outputs.write_text(manifest, "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)))
    for name, text in [(form.file, text) for form, (text, _) in texts.items()] + _log(folder, log, entries, by, reason, now):
        staged = folder / f".{name}.ingest"
        outputs.write_text(staged, text)
        staged.replace(folder / name)  # a reader never sees a half-written canonical file
    none = ctx.msg("none")
    return ctx.msg("done", period=period, added=", ".join(added) or none, same=", ".join(same) or none,
                   replaced=", ".join(replaced) or none, n=len(new_originals), folder=folder)


def _log(folder: Path, log: list[dict], entries: list[tuple], by: str, reason: str, now: datetime | None) -> list[tuple[str, str]]:
    """[(raw.LOG, its new text)]: one line per submission that added rows, after the earlier ones;
    written last, after the forms (a correction's rows are in its form before the log points at them)."""
    if not entries:
        return []
    at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = max((int(e["submission"]) for e in log if e["submission"].isdigit()), default=0) + 1
    path = folder / raw.LOG
    earlier = path.read_text(encoding="utf-8") if log else ""
    lines = [(str(n), at, kind, form, code, str(rows), csvfile.inert(file), digest, csvfile.inert(by),
              csvfile.inert(reason), supersedes)
             for n, (kind, form, code, rows, file, digest, supersedes) in enumerate(entries, first)]
    return [(raw.LOG, earlier + csvfile.text(lines, None if log else raw.LOG_COLUMNS))]
