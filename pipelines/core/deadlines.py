"""When a period's forms are due, and what a unit that has not reported by then means.

Reporting has deadlines: a commune sends its forms so many days after the period ends, and the
level above must report on time with the units that did, saying which did not. The deadlines belong
to the deployment (a province sets its districts' dates), so they live in its settings,
`baocao.yml`:

    deadlines:
      days_after_end: {year: 15, half: 10, quarter: 10}  # forms due so many days after the period ends
      forms: {protection_cases: 20}                      # a form due later (days, every kind)
      missing_after_due: publish                         # or: error

Without `deadlines:` nothing is due on a date: a unit without data stops the run whatever the day,
as before. With it, a missing unit stops the run until the due date (the message names the unit and
the date) and, after it, `publish` publishes with the units that reported (the report says which did
not) while `error` keeps refusing. Days are calendar days after the period's last day.

Core knows no Period type (pipelines.units is a later stage): callers give the period's end date
and kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.core import errors
from pipelines.core.text import failure

KINDS = ("year", "half", "quarter")
AFTER_DUE = ("publish", "error")  # what a unit without data means once its forms are overdue
KEYS = ("days_after_end", "forms", "missing_after_due")
# Days a unit is given, from the day it is asked (`baocao feedback --as-of`), once its forms are
# overdue or when nothing is due on a date: one week, the time a commune needs to correct a
# workbook and have it signed.
GRACE_DAYS = 7


@dataclass(frozen=True)
class Deadlines:
    days_after_end: dict[str, int] = field(default_factory=dict)  # period kind → days
    forms: dict[str, int] = field(default_factory=dict)           # form → days, overriding the kind's
    missing_after_due: str = "publish"

    @property
    def set(self) -> bool:
        """Whether the deployment has deadlines at all."""
        return bool(self.days_after_end or self.forms)

    def due(self, end: dt.date, kind: str, form: str | None = None) -> dt.date | None:
        """The date `form` (or, without a form, every form: the latest of them) of the period that
        ends on `end` is due; None when the settings give it none."""
        if form is not None:
            days = [self.forms[form]] if form in self.forms else [self.days_after_end.get(kind)]
        else:
            days = [self.days_after_end.get(kind), *self.forms.values()]
        days = [d for d in days if d is not None]
        return end + dt.timedelta(days=max(days)) if days else None

    def overdue(self, end: dt.date, kind: str, today: dt.date, form: str | None = None) -> bool:
        """Whether the forms are past due on `today` (a unit without data may then be left out)."""
        due = self.due(end, kind, form)
        return due is not None and today > due

    def asked_by(self, end: dt.date, kind: str, form: str, today: dt.date) -> dt.date:
        """The date a unit asked on `today` to send or correct `form` must send it by: the form's due
        date while it is not past; after it, or without one, `GRACE_DAYS` after `today`."""
        due = self.due(end, kind, form)
        return due if due is not None and today <= due else today + dt.timedelta(days=GRACE_DAYS)

    def publishes_without(self, end: dt.date, kind: str, today: dt.date) -> bool:
        """Whether a run on `today` publishes without the units that have not reported: every form
        overdue and the settings say so."""
        return self.missing_after_due == "publish" and self.overdue(end, kind, today)


class DeadlinesError(errors.UsageError):
    """`deadlines:` of a settings file that cannot be used; the message names the file and the key."""


def _days(path: Path, key: str, table: object, allowed: tuple[str, ...]) -> dict[str, int]:
    if not isinstance(table, dict) or set(map(str, table)) - set(allowed) or not all(
            isinstance(days, int) and not isinstance(days, bool) and 0 <= days <= 366 for days in table.values()):
        raise failure(DeadlinesError, "errors.settings.deadline_days", path=path, key=f"deadlines.{key}",
                      keys=", ".join(allowed))
    return {str(name): int(days) for name, days in table.items()}


def parse(path: Path, spec: object, forms: tuple[str, ...]) -> Deadlines:
    """The `deadlines:` table of the settings file `path` (`forms`: the form names it may name)."""
    if spec is None:
        return Deadlines()
    if not isinstance(spec, dict) or set(spec) - set(KEYS):
        raise failure(DeadlinesError, "errors.settings.deadlines", path=path, key="deadlines", keys=", ".join(KEYS))
    after = str(spec.get("missing_after_due") or "publish")
    if after not in AFTER_DUE:
        raise failure(DeadlinesError, "errors.settings.missing_after_due", path=path,
                      key="deadlines.missing_after_due", choices=", ".join(AFTER_DUE))
    return Deadlines(_days(path, "days_after_end", spec.get("days_after_end") or {}, KINDS),
                     _days(path, "forms", spec.get("forms") or {}, forms), after)
