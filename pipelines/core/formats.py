"""Vietnamese (vi_VN) formatting of figures and dates for reports (and English, for `--lang en`).

vi_VN groups thousands with "." and marks decimals with ",": 9.292; 95,0 %; 205.350.000 đồng.
Babel formats the digits, but it rounds half to even; a report must match a hand calculation, so
values are rounded half up here (with Decimal) before Babel sees them. Dates are built by hand
("ngày 05 tháng 01 năm 2025"): Babel's long format differs from the administrative style.
With lang="en" the same figures are written the English way: 9,292; 95.0%; 205,350,000 VND.
The words around the figures (the currency, the date pattern) are `formats.*` of the locale store.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

from pipelines.core.text import t

LOCALE = "vi_VN"
LOCALES = {"vi": "vi_VN", "en": "en_GB"}
MISSING = "–"


def round_half_up(value: float, digits: int = 1) -> Decimal:
    """95,04 → 95,0 and 95,05 → 95,1 (not to even); works on the decimal text of the float."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value, digits: int = 0, lang: str = "vi") -> str:
    """9292 → '9.292'; 12.345 with digits=1 → '12,3' (English: '9,292'; '12.3')."""
    if _missing(value):
        return MISSING
    if digits == 0:
        return format_decimal(int(round_half_up(value, 0)), locale=LOCALES[lang])
    pattern = "#,##0." + "0" * digits
    return format_decimal(round_half_up(value, digits), format=pattern, locale=LOCALES[lang])


def percent(value, digits: int = 1, lang: str = "vi") -> str:
    """A value on the 0–100 scale: 94.96 → '95,0 %'; an exact whole value stays whole: 100 → '100 %'.

    A plain space before % in Vietnamese, so a text search for "95,0 %" finds it in the HTML and
    the PDF; none in English ('95.0%').
    """
    if _missing(value):
        return MISSING
    return number(value, 0 if float(value).is_integer() else digits, lang) + (" %" if lang == "vi" else "%")


def per_mille(value, digits: int = 1, lang: str = "vi") -> str:
    """Rates per 1.000: 15.2 → '15,2 ‰'."""
    return MISSING if _missing(value) else f"{number(value, digits, lang)} ‰"


def money(value, lang: str = "vi") -> str:
    """205350000 → '205.350.000 đồng' (English: '205,350,000 VND')."""
    return MISSING if _missing(value) else t(lang, "formats.money", amount=number(value, 0, lang))


def value_with_unit(value, unit: str, lang: str = "vi") -> str:
    """Format an indicator value by its catalogue unit: %, ‰, per 100.000, đồng, or a count. The units
    are the codes of indicators.yml (data, the same in every language), not words."""
    if unit == "%":
        return percent(value, lang=lang)
    if unit == "‰":
        return per_mille(value, lang=lang)
    if unit == "đồng":  # the catalogue's unit code, not a word
        return money(value, lang)
    if unit == "/100.000":
        return f"{number(value, 1, lang)} / {number(100000, 0, lang)}"
    return number(value, 0, lang)


def date(day: dt.date, lang: str = "vi") -> str:
    """'ngày 05 tháng 01 năm 2025' / '5 January 2025', by Babel, with the pattern `formats.date`: Decree
    30/2020 writes dates "ngày 05 tháng 01 năm 2025" (Babel's default long vi_VN format differs)."""
    return format_date(day, t(lang, "formats.date"), locale=LOCALES[lang])


def date_line(place: str, day: dt.date, lang: str = "vi") -> str:
    """'Ba Chẽ, ngày 05 tháng 01 năm 2025': day and month below 10 take a leading zero
    (English: 'Ba Chẽ, 5 January 2025')."""
    return f"{place}, {date(day, lang)}"
