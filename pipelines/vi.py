"""Vietnamese (vi_VN) formatting of figures and dates for reports.

vi_VN groups thousands with "." and marks decimals with ",": 9.292; 95,0 %; 205.350.000 đồng.
Babel formats the digits, but it rounds half to even; a report must match a hand calculation, so
values are rounded half up here (with Decimal) before Babel sees them. Dates are built by hand
("ngày 05 tháng 01 năm 2025"): Babel's long format differs from the administrative style.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.numbers import format_decimal

LOCALE = "vi_VN"
MISSING = "–"


def round_half_up(value: float, digits: int = 1) -> Decimal:
    """95,04 → 95,0 and 95,05 → 95,1 (not to even); works on the decimal text of the float."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value, digits: int = 0) -> str:
    """9292 → '9.292'; 12.345 with digits=1 → '12,3'."""
    if _missing(value):
        return MISSING
    if digits == 0:
        return format_decimal(int(round_half_up(value, 0)), locale=LOCALE)
    pattern = "#,##0." + "0" * digits
    return format_decimal(round_half_up(value, digits), format=pattern, locale=LOCALE)


def percent(value, digits: int = 1) -> str:
    """A value on the 0–100 scale: 94.96 → '95,0 %'; an exact whole value stays whole: 100 → '100 %'.

    A plain space before %, so a text search for "95,0 %" finds it in the HTML and the PDF.
    """
    if _missing(value):
        return MISSING
    return f"{number(value, 0 if float(value).is_integer() else digits)} %"


def per_mille(value, digits: int = 1) -> str:
    """Rates per 1.000: 15.2 → '15,2 ‰'."""
    return MISSING if _missing(value) else f"{number(value, digits)} ‰"


def money(value) -> str:
    """205350000 → '205.350.000 đồng'."""
    return MISSING if _missing(value) else f"{number(value)} đồng"


def value_with_unit(value, unit: str) -> str:
    """Format an indicator value by its catalogue unit: %, ‰, per 100.000, đồng, or a count."""
    if unit == "%":
        return percent(value)
    if unit == "‰":
        return per_mille(value)
    if unit == "đồng":
        return money(value)
    if unit == "/100.000":
        return f"{number(value, 1)} / 100.000"
    return number(value)


def date_line(place: str, day: dt.date) -> str:
    """'Bình Liêu, ngày 05 tháng 01 năm 2025': day and month below 10 take a leading zero."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
