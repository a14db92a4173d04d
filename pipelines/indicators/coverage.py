"""Who has reported for a period, and what a unit that sent nothing means on the day of the run.

A district must send its report on time with the communes that did report, saying which did not
(issue 19). A unit "sent nothing" when its rows are absent from every form of the period; one that
sent some forms but not others is a data problem validation names, as before. What the absent unit
means depends on the deployment's deadlines (pipelines.core.deadlines) and the day of the run
(`--as-of`, default today in Viet Nam):

- no `deadlines:` in baocao.yml: nothing is due on a date, validation says "thiếu số liệu của …"
  for each form, as it always did (exit 2);
- before the due date of every form, or after it with `missing_after_due: error`: the run stops
  (exit 2) naming each unit and the due date, before any validation;
- after it, with `missing_after_due: publish`: the run goes on without those units
  (`Coverage.without`): aggregates still count them as expected, so every district total and rate
  is marked incomplete (pipelines.indicators.compute), and the report says who is missing.

What was decided is written as `coverage.json` beside the processed tables (`Folders.COVERAGE`), and
into the manifest, only when the deployment has deadlines or a unit was left out: a deployment
without deadlines and with every unit in gets exactly the files it got before. A scope whose
communes are only those present in the data (a province or the country after the 2025 reform) never
misses one, by definition (pipelines.units.scope).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from pipelines.core import errors, formats, text
from pipelines.core.deadlines import Deadlines
from pipelines.core.folders import COVERAGE
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import Coverage

VIETNAM = dt.timezone(dt.timedelta(hours=7), "UTC+7")


class LateUnits(errors.DataError):
    """Units of the scope that sent nothing, and the run may not go on without them (yet): exit 2."""


def today() -> dt.date:
    """The day in Viet Nam: what "today" means for a due date when `--as-of` is not given."""
    return dt.datetime.now(VIETNAM).date()


@dataclass(frozen=True)
class Reporting:
    """Who reported, of the units the scope expects: what a report and the manifest say about it."""
    expected: tuple[tuple[str, str], ...]  # (code, name) of every commune the scope expects
    missing: tuple[tuple[str, str], ...]   # (code, name) of those left out: nothing sent by the due date
    due: dt.date | None                    # the last due date of the period's forms; None without one

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def reported(self) -> int:
        return len(self.expected) - len(self.missing)

    def record(self) -> dict:
        """As the manifest and `coverage.json` hold it: counts, codes and names, the due date."""
        return {"expected": len(self.expected), "reported": self.reported, "complete": self.complete,
                "missing": [{"code": code, "name": name} for code, name in self.missing],
                "due": self.due.isoformat() if self.due else None}

    def to_json(self) -> str:
        expected = [{"code": code, "name": name} for code, name in self.expected]
        return json.dumps({**self.record(), "units": expected}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, content: str) -> "Reporting":
        found = json.loads(content)
        pairs = lambda items: tuple((str(i["code"]), str(i["name"])) for i in items)  # noqa: E731
        due = dt.date.fromisoformat(found["due"]) if found.get("due") else None
        return cls(pairs(found["units"]), pairs(found["missing"]), due)


def absent(frames: dict[str, pd.DataFrame], codes: list[str], present: Iterable[str] = ()) -> list[str]:
    """The commune codes of `codes` that appear in no form of `frames` (text frames as read) and are
    not `present` otherwise (a commune an imported package covers)."""
    seen: set[str] = set(present)
    for frame in frames.values():
        if "commune_code" in frame.columns:
            seen.update(str(code).strip() for code in frame["commune_code"].dropna())
    return [code for code in codes if code not in seen]


def settle(cover: Coverage, frames: dict[str, pd.DataFrame], deadlines: Deadlines, period: Period,
           on: dt.date, step: Callable[..., None] | None = None, present: Iterable[str] = ()
           ) -> tuple[Coverage, Reporting | None]:
    """The run's coverage on the day `on`, and what to record of it (None: nothing to record, no
    deadlines and nobody left out). Raises LateUnits when a unit sent nothing and may not be left out;
    one that is left out is said with `step(key, **values)` (a command's speaker), for the log.
    `present`: codes that reported otherwise than by raw rows (imported packages)."""
    if not deadlines.set:
        return cover, None
    due = deadlines.due(period.end, period.kind, None)
    missing = absent(frames, list(cover.communes["code"]), present)
    if missing and not frames:  # nothing at all yet: validation names the missing files
        missing = []
    own_missing = any(level == "commune" and code in missing for level, code, _ in cover.reports[:1])
    if missing and (own_missing or not deadlines.publishes_without(period.end, period.kind, on)):
        raise _late(cover, missing, due, period, on)
    if missing:
        cover = cover.without(missing)
        if step is not None:
            step("coverage.left_out", reported=len(cover.communes), expected=len(cover.expected), due=due.isoformat() if due else "",
                 names=", ".join(name for _, name in cover.left_out))
    expected = tuple(zip(cover.expected["code"], cover.expected["name"]))
    return cover, Reporting(expected, cover.left_out, due)


def _late(cover: Coverage, missing: list[str], due: dt.date | None, period: Period, on: dt.date) -> LateUnits:
    names = dict(zip(cover.communes["code"], cover.communes["name"]))
    key = "coverage.not_due" if due is None or on <= due else "coverage.overdue"

    def lines(lang: str) -> str:
        return "\n".join(text.t(lang, key, unit=reference.unit_name(names[code], lang, "lower"), code=code,
                                period=period, due=formats.date(due, lang) if due else "")
                         for code in missing)
    return text.failure(LateUnits, "coverage.units_late", lines=lines)


def write(folder: Path, reporting: Reporting | None) -> None:
    """`coverage.json` in a (staged) processed folder, when there is something to record."""
    if reporting is not None:
        (folder / COVERAGE).write_text(reporting.to_json(), encoding="utf-8")


def read(folder: Path | str) -> Reporting | None:
    """What a run recorded of its coverage in a processed folder; None when it recorded nothing."""
    path = Path(folder) / COVERAGE
    return Reporting.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None
