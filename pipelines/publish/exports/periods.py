"""A reporting period in each exchange format's notation, from one `Period`.

The same half is `2024-S1` in SDMX (semester), `2024S1` in DHIS2 and `2024-01-01/P6M` in ADX (an
ISO 8601 start and duration); the product writes `2024-H1`. Spelled here once, from the Period's own
year, kind and part, never by editing its text.
"""

from __future__ import annotations

import datetime as dt

from pipelines.units.period import Period

_SDMX = {"half": "S", "quarter": "Q"}
_DHIS2 = {"half": "S", "quarter": "Q"}


def sdmx(period: Period) -> str:
    """SDMX reporting period: `2024`, `2024-S1`, `2024-Q3`."""
    return str(period.year) if period.kind == "year" else f"{period.year}-{_SDMX[period.kind]}{period.part}"


def dhis2(period: Period) -> str:
    """DHIS2 period identifier: `2024`, `2024S1`, `2024Q3`."""
    return str(period.year) if period.kind == "year" else f"{period.year}{_DHIS2[period.kind]}{period.part}"


def start(period: Period) -> dt.date:
    """The first day of the period: 2024-Q3 → 2024-07-01."""
    return dt.date(period.year, (period.part - 1) * period.months + 1, 1)


def adx(period: Period) -> str:
    """ADX period: the first day and the length, `2024-01-01/P1Y`, `2024-01-01/P6M`, `2024-07-01/P3M`."""
    length = "P1Y" if period.kind == "year" else f"P{period.months}M"
    return f"{start(period).isoformat()}/{length}"
