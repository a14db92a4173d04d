"""Where a period's reporting stands: per unit and form, received or not, on time or late, valid or
not, and the reporting rates as DHIS2 defines them (`baocao status`, and the run's status page).

Completeness is forms received / forms expected; timeliness is forms received by their due date /
forms expected (DHIS2's "reporting rate" and "reporting rate on time"), per form, per unit and
overall. Every commune of the scope in the list in force is expected, seven forms each; after the
2025 reform a province's communes too, although a run covers only those present in the data.

Who sent what, when: pipelines.intake.receipts. When a form is due: the deployment's `deadlines:`
(pipelines.core.deadlines); a time is judged by its date in Vietnam (UTC+7, no summer time), the
calendar the deadlines are set in. `as_of` is "today": a form received after it counts as not yet
received, a form not received is `awaited` until its due date and `missing` after it. Without
`as_of` (the page a run publishes) nothing depends on the day it is made: a form not received is
`missing`, so a rebuild (`baocao verify`) gives the same page.

Validation state: errors and warnings per unit and form are read, not made, because running Great
Expectations on a country takes minutes and `status` must answer in seconds: a run passes its own
outcome; the command reads the problems of the period's last published run
(`processed/<period>/validation-problems.parquet`) when its manifest says it was made from the raw
files there now, and otherwise says "not checked" (`baocao validate` checks them). A problem about a
whole file, not a commune's row, counts for no unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
import pandas as pd

from pipelines.core import datasets, deployment
from pipelines.core.folders import Folders
from pipelines.core.schema import forms
from pipelines.intake import receipts
from pipelines.publish import manifest
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope, national_name

VIETNAM = dt.timezone(dt.timedelta(hours=7), "UTC+7")
STATES = ("on_time", "late", "received", "awaited", "missing")  # received: no deadline to judge it by


@dataclass(frozen=True)
class Row:
    """One form of one unit."""
    code: str
    name: str
    form: str
    got: receipts.Receipt | None
    due: dt.date | None
    state: str                 # one of STATES
    errors: int | None         # None: not checked
    warnings: int | None


@dataclass(frozen=True)
class Rate:
    expected: int
    received: int
    on_time: int | None        # None without deadlines

    @property
    def completeness(self) -> float:
        return 100 * self.received / self.expected if self.expected else float("nan")

    @property
    def timeliness(self) -> float | None:
        return None if self.on_time is None else 100 * self.on_time / self.expected if self.expected else float("nan")


@dataclass(frozen=True)
class Status:
    period: Period
    unit: str                          # the scope's name
    as_of: dt.date | None
    rows: tuple[Row, ...]              # unit by unit in code order, forms in config/forms.yml's order
    due: dict[str, dt.date | None]     # form → due date
    checked: bool                      # whether validation counts are known

    def rate(self, code: str | None = None, form: str | None = None) -> Rate:
        """The rates of one unit, one form, or (neither) the whole scope."""
        if code is not None:
            rows = [r for r in self._by_code.get(code, ()) if form is None or r.form == form]
        else:
            rows = self.rows if form is None else self._by_form.get(form, [])
        timed = any(self.due.values())
        return Rate(len(rows), sum(r.got is not None for r in rows),
                    sum(r.state == "on_time" for r in rows) if timed else None)

    @cached_property
    def _by_code(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for row in self.rows:
            found.setdefault(row.code, []).append(row)
        return found

    @cached_property
    def _by_form(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for row in self.rows:
            found.setdefault(row.form, []).append(row)
        return found

    @property
    def units(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys((r.code, r.name) for r in self.rows))

    @property
    def complete(self) -> bool:
        """Everything in, on time where there are deadlines, and no error: what a scheduler waits for."""
        return all(r.state in ("on_time", "received") and not r.errors for r in self.rows)


def expected(period: Period, scope: Scope) -> pd.DataFrame:
    """(code, name) of every commune of the scope in the list in force, by code."""
    if scope.level == NATIONAL:
        table = reference.units(period)
        table = table[table["level"] == "commune"].drop_duplicates("code").sort_values("code")
    else:
        table = reference.communes_of(period, scope.code, scope.level)
    return table[["code", "name"]].reset_index(drop=True)


def scope_name(period: Period, scope: Scope, lang: str) -> str:
    return national_name(lang) if scope.level == NATIONAL else str(reference.unit(period, scope.code, scope.level)["name"])


def local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(VIETNAM).date()


def _state(got: receipts.Receipt | None, due: dt.date | None, as_of: dt.date | None) -> str:
    if got is not None:
        return "received" if due is None else "on_time" if local_date(got.at) <= due else "late"
    return "awaited" if due is not None and as_of is not None and as_of <= due else "missing"


def counts_of(problems: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    """{(commune, form): (errors, warnings)} of a table of problems (severity, file, commune_code)."""
    files = {form.file: name for name, form in forms().items()}
    found: dict[tuple[str, str], list[int]] = {}
    for severity, file, code in zip(problems["severity"], problems["file"], problems["commune_code"]):
        if pd.isna(code) or file not in files:
            continue
        tally = found.setdefault((str(code), files[file]), [0, 0])
        tally[0 if severity == "error" else 1] += 1
    return {key: (e, w) for key, (e, w) in found.items()}


def published_counts(folders: Folders, period: Period) -> dict[tuple[str, str], tuple[int, int]] | None:
    """The validation counts of the period's last published run, or None when there is none or it
    was made from other raw files than those there now."""
    record = manifest.read(folders, period) if folders.reports is not None else None
    problems = datasets.in_folder(folders.processed_of(period), datasets.validation_problems())
    if record is None or not problems.is_file():
        return None
    prefix = Folders.name_of_raw(period) + "/"
    made_from = {name: digest for name, digest in record.inputs.items() if name.startswith(prefix)}
    if made_from != manifest.folder_hashes(folders.raw_of(period), Folders.name_of_raw(period)):
        return None
    return counts_of(pd.read_parquet(problems, columns=["severity", "file", "commune_code"]))


def status(folders: Folders, period: Period, scope: Scope, as_of: dt.date | None = None, lang: str = "vi",
           counts: dict[tuple[str, str], tuple[int, int]] | None = None, now: dt.datetime | None = None) -> Status:
    """The status of `period` for every commune of `scope`. `counts`: validation counts when the
    caller has them (a run); else those of the published run (`published_counts`), if current."""
    site = deployment.load(folders.data)
    communes = expected(period, scope)
    got = receipts.receipts(folders.data, period, communes["code"], now)
    due = {form: site.deadlines.due(period.end, period.kind, form) for form in got.forms}
    counts = counts if counts is not None else published_counts(folders, period)
    rows = []
    for code, name in zip(communes["code"], communes["name"]):
        for form in got.forms:
            found = got.get(code, form)
            if found is not None and as_of is not None and local_date(found.at) > as_of:
                found = None  # received after the day asked about
            errors, warnings = (None, None) if counts is None or found is None else counts.get((code, form), (0, 0))
            rows.append(Row(code, name, form, found, due[form], _state(found, due[form], as_of), errors, warnings))
    return Status(period, scope_name(period, scope, lang), as_of, tuple(rows), due, counts is not None)


def run_counts(outcome) -> dict[tuple[str, str], tuple[int, int]]:
    """The validation counts of a run's own outcome (pipelines.validate.problems.ValidationOutcome)."""
    frame = pd.DataFrame([(p.severity, p.file, p.commune_code) for p in outcome.problems],
                         columns=["severity", "file", "commune_code"])
    return counts_of(frame)

