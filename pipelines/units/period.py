"""A reporting period as a value: a year (`2024`), a half (`2025-H1`) or a quarter (`2025-Q3`).

Why a type and not a string: periods are compared, ordered and stepped back through in many
places (history, trends, outlier checks, the unit list in force), and string comparison gets
them wrong (`"2024-H2" < "2024-Q3"` says nothing about time; `"2024" < "2024-Q3"` makes a year an
earlier period of its own third quarter). A `Period` is parsed once where a value comes in (the
command line, a notebook parameter, a folder name) and carries its end date, its kind and the
period before it of the same kind. Periods order by end date; on the same end date a longer
period sorts after a shorter one (2024-Q4 < 2024-H2 < 2024), so a sort is total and stable.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import total_ordering

from pipelines.core import errors
from pipelines.core.text import failure

REFORM_DATE = dt.date(2025, 7, 1)  # districts abolished, communes merged (Resolution 202/2025/QH15)
KINDS = {"year": 1, "half": 2, "quarter": 4}  # kind → periods in a year
_MARK = {"half": "H", "quarter": "Q"}
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?P<mark>[HQ])(?P<part>\d))?$")


class PeriodError(errors.UsageError):
    """Text that is not a reporting period; the message says which forms are accepted."""


@total_ordering
@dataclass(frozen=True)
class Period:
    year: int
    kind: str = "year"  # year, half or quarter
    part: int = 1       # which half or quarter (1 for a year)

    @classmethod
    def parse(cls, value: object) -> "Period":
        """`2024`, `2024-H1`, `2024-Q3` (also the int 2024 papermill's CLI makes of `-p period 2024`)."""
        if isinstance(value, Period):
            return value
        text = str(value).strip().upper()
        m = _PATTERN.match(text)
        kind = {None: "year", "H": "half", "Q": "quarter"}[m["mark"]] if m else None
        if not m or not 1 <= int(m["part"] or 1) <= KINDS[kind] or not 1900 < int(m["year"]) < 2200:
            raise failure(PeriodError, "errors.period.invalid", value=str(value).strip())
        return cls(int(m["year"]), kind, int(m["part"] or 1))

    @classmethod
    def latest(cls, kind: str = "year", today: dt.date | None = None) -> "Period":
        """The last period of `kind` that ended before `today`: what a scheduled run publishes
        (`--period latest`; on 29 November 2026: 2025, 2026-H1 or 2026-Q3)."""
        if kind not in KINDS:
            raise failure(PeriodError, "errors.period.kind", kind=kind, kinds=", ".join(KINDS))
        today = today or dt.date.today()
        found = cls(today.year, kind, KINDS[kind])
        while found.end >= today:
            found = found.previous
        return found

    def __str__(self) -> str:
        return str(self.year) if self.kind == "year" else f"{self.year}-{_MARK[self.kind]}{self.part}"

    @property
    def months(self) -> int:
        return 12 // KINDS[self.kind]

    @property
    def end(self) -> dt.date:
        """Last day: 2024 → 2024-12-31, 2025-H1 → 2025-06-30, 2024-Q3 → 2024-09-30."""
        month = self.part * self.months
        first_of_next = dt.date(self.year + month // 12, month % 12 + 1, 1)
        return first_of_next - dt.timedelta(days=1)

    @property
    def elapsed_years(self) -> float:
        """The end as a count of years (2024 → 2024.0, 2024-H1 → 2023.5, 2024-Q3 → 2023.75), so that
        the time between two periods of any kind, or to a target year, is a difference in years."""
        return self.year - 1 + self.part * self.months / 12

    @property
    def previous(self) -> "Period":
        """The period just before, of the same kind: 2024 → 2023, 2025-H1 → 2024-H2, 2024-Q1 → 2023-Q4."""
        if self.part > 1:
            return Period(self.year, self.kind, self.part - 1)
        return Period(self.year - 1, self.kind, KINDS[self.kind])

    @property
    def unit_list(self) -> str:
        """The administrative-unit list in force at the end of the period: `legacy` (province–district–
        commune) before 1 July 2025, `2025` (province–commune) from then on."""
        return "legacy" if self.end < REFORM_DATE else "2025"

    def _key(self) -> tuple:
        return self.end, -KINDS[self.kind]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()


def same_kind_before(periods, period: Period) -> list[Period]:
    """The periods of `periods` of the same kind as `period` that end before it, oldest first: the
    history a trend or an outlier check may use (2024 and 2024-H2 are not earlier than 2024-Q3)."""
    return sorted(p for p in periods if p.kind == period.kind and p < period)
