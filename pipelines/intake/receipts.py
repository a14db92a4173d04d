"""Who has sent what, and when: the one place that answers it, per commune and form of a period.

A commune has sent a form when the form's file in `raw/<period>/` holds rows of it. When it sent
them is the time of its first submission in the folder's submissions log (pipelines.intake.ingest
writes it); a file placed in raw/ by hand has no log line, so its rows count from when the product
first saw them: the first command that reads the folder (`baocao status`, a run's status page)
records that time in `<data>/.receipts/<period>.json` (pipelines.core.folders), outside raw/, which
only intake writes. Once recorded, a time never changes, so a page made from it is the same on every
later run. Corrections are counted from the log (each one a later submission of the same rows).

Callers (the status table, the run's missing units, the feedback letters) use `receipts` and the
`Receipts` it gives; nothing else here is part of the API.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines.core import errors
from pipelines.core.folders import Folders
from pipelines.core.schema import forms
from pipelines.intake import limits, raw
from pipelines.units.period import Period

STAMP = "%Y-%m-%dT%H:%M:%SZ"  # UTC, as the submissions log writes it


@dataclass(frozen=True)
class Receipt:
    """One form of one commune that has been received."""
    at: dt.datetime | None  # UTC: its first submission, or when its rows were first seen (None: not shown)
    submission: str      # the log's submission id; "" for rows placed by hand
    corrections: int     # later submissions of the same form by the same commune


@dataclass(frozen=True)
class Receipts:
    """What the communes asked about have sent for a period: `got[(commune, form)]` for each form received."""
    period: Period
    communes: tuple[str, ...]           # the communes asked about, in the order given
    forms: tuple[str, ...]              # every form of config/forms.yml, in its order
    got: dict[tuple[str, str], Receipt]

    def get(self, commune: str, form: str) -> Receipt | None:
        return self.got.get((commune, form))

    def missing(self, commune: str) -> tuple[str, ...]:
        """The forms `commune` has not sent, in the forms' order."""
        return tuple(form for form in self.forms if (commune, form) not in self.got)

    @property
    def silent(self) -> tuple[str, ...]:
        """The communes that have sent no form at all."""
        return tuple(c for c in self.communes if len(self.missing(c)) == len(self.forms))


def _codes(path: Path) -> set[str]:
    """The commune codes a form file holds rows of (every row: a correction is of a commune already there)."""
    if not os.path.lexists(path):
        return set()
    try:  # the one column, by Arrow: read_form parses every cell (0,5 s a form for a country)
        limits.check_bytes(path)
        if os.path.isfile(path) and not os.path.islink(path):
            table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                include_columns=["commune_code"], column_types={"commune_code": pa.string()}, strings_can_be_null=True))
            return {code.strip() for code in table.column("commune_code").drop_null().to_pylist()} - {""}
    except (pa.ArrowException, errors.BaocaoError, OSError):
        pass  # read_form names what is wrong with the file, by line and column
    return set(raw.read_form(path, latest=False)["commune_code"].dropna().tolist())


def _first_seen(folders: Folders, period: Period, unlogged: dict[str, set[str]], now: dt.datetime
                ) -> dict[tuple[str, str], dt.datetime]:
    """{(commune, form): first seen} of rows without a log line, recording `now` for those seen for
    the first time. A folder that cannot be written (read-only data) still answers, with `now`."""
    path = folders.receipts(period)
    try:
        seen = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        seen = {}
    stamp, added = now.astimezone(dt.timezone.utc).strftime(STAMP), False
    for form, codes in unlogged.items():
        known = seen.setdefault(form, {})
        for code in codes - set(known):
            known[code], added = stamp, True
    if added:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            aside = path.with_name(path.name + ".new")
            aside.write_text(json.dumps(seen, indent=0, sort_keys=True) + "\n", encoding="utf-8")
            aside.replace(path)  # never half a record
        except OSError:
            pass
    return {(code, form): _utc(at) for form, codes in unlogged.items() for code, at in seen[form].items() if code in codes}


@lru_cache(maxsize=4096)  # a log or record holds few distinct times, each read for thousands of forms
def _utc(stamp: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(stamp, STAMP).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def receipts(data_dir: Path | str, period: Period, communes, now: dt.datetime | None = None) -> Receipts:
    """What each of `communes` (codes) has sent of every form of `period`, read from raw/<period>/
    (the forms and the submissions log) and the first-seen record; `now` (UTC, default: the clock)
    is the time recorded for rows seen for the first time. A period without a folder: nothing sent."""
    folders, wanted = Folders.at(data_dir), tuple(dict.fromkeys(map(str, communes)))
    folder, names = folders.raw_of(period), tuple(forms())
    log = raw.submissions(folder) if folder.is_dir() else []
    first, corrections = {}, {}
    for entry in log:
        key = (entry["commune_code"], entry["form"])
        if entry["kind"] == "correction":
            corrections[key] = corrections.get(key, 0) + 1
        elif _utc(entry["submitted_at"]) is not None:  # a line edited by hand to no time: as if placed by hand
            first.setdefault(key, entry)
    wanted_set, unlogged, held = set(wanted), {}, {}
    for name in names:
        codes = _codes(folder / forms()[name].file) & wanted_set
        held[name] = codes
        unlogged[name] = {code for code in codes if (code, name) not in first}
    seen = _first_seen(folders, period, unlogged, now or dt.datetime.now(dt.timezone.utc))
    got = {}
    for name in names:
        for code in held[name]:
            entry = first.get((code, name))
            fixed = corrections.get((code, name), 0)
            got[(code, name)] = (Receipt(_utc(entry["submitted_at"]), entry["submission"], fixed) if entry
                                 else Receipt(seen[(code, name)], "", fixed))
    return Receipts(period, wanted, names, got)
