"""Half-year and quarterly test fixtures made from the annual sample (never committed).

Why this module exists: the pipeline accepts half-year (`2024-H1`) and quarterly (`2024-Q3`) periods,
and trends, outlier checks and "the period before" work within one kind of period; testing them
needs several sub-annual periods in a row whose figures are plausible, keep every rule of
data/raw/README.md, and can be checked by hand against the annual sample. They are made on the fly
into a folder of the caller's (`write_subannual(tmp_path / "data", "quarter")`), deterministically,
with whole numbers only, so the committed data/raw/ holds only the annual sample.

Default periods, four in a row of one kind, all before 1 July 2025 (legacy unit list, Bình Liêu's
seven communes, codes and names as in the annual files): quarters `2024-Q1` … `2024-Q4`; halves
`2023-H1`, `2023-H2`, `2024-H1`, `2024-H2`. Each year Y is made from the annual sample of Y-1 and Y,
so Y can be 2023 or 2024.

How each figure of a sub-period p of n in year Y is made from the annual figures:

- Stocks (what is there at the end of the period: children by age, sex and circumstance, children
  supported in a circumstance, children sponsored and needing a sponsor, pupils, schools, children
  under 5 and under 1 with their registration, vaccination and weighing, 5-year-olds): p/n of the
  way from the annual value of Y-1 to that of Y, rounded half up. So they move slightly from period
  to period, and the last period of the year equals the annual figure exactly. Children aged 11-15
  are what is left of those under 16 (as in the annual sample), the primary-age population is the
  commune's children aged 6-10, and a part is capped by its whole, so every rule holds.
- Events spread over the year (case files received and handled, live births, deaths, injuries,
  sponsorship money): the annual figure split into n near-equal whole parts that add up to it
  exactly; the period that gets one more rotates from row to row. Deaths under 1 go where the deaths
  under 5 are, injury deaths where the injuries are, case files not handled by the end of the year
  into the last periods (each within what was received), so a part is never above its whole.
- Gifts given at one occasion (`OCCASIONS`): children in need, supported and value all in the
  period of the occasion (Tết gifts: Tết Nguyên Đán, January or February; Children's Day: 1 June;
  bicycles: the new school year, September; gifts for disabled and orphaned children: the
  Mid-Autumn festival, September), 0 in the other periods.

So the periods of a year add up to the annual figure for every event, gift and đồng value, and the
last one equals it for every stock. A run of the period after an occasion lists outlier warnings
for the gift rows that fell to 0 (as real quarterly data would); stocks never move enough for one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.core.schema import forms
from samplegen.arith import allocate, between, spread
from samplegen.files import records_frame, refuse_repository_data, write_frames
from samplegen.legacy import build_legacy
from samplegen.weights import LEGACY_PERIODS, VALUE_STEP

KINDS = {"half": ("H", 2), "quarter": ("Q", 4)}  # kind -> mark in the period name, periods in a year
DEFAULT_YEARS = {"quarter": ("2024",), "half": ("2023", "2024")}
# Gifts given at one occasion: the month it falls in (the period that holds that month gets them all).
OCCASIONS = {"tet_gifts_pupils": 2, "childrens_day_gifts": 6, "bicycles": 9, "disability_orphan_gifts": 9}
# Events of health.csv spread over the year, (whole, part within it) in a cell.
HEALTH_EVENTS = (("deaths_under_5", "deaths_under_1"), ("child_injuries", "child_injury_deaths"))


def subannual_periods(kind: str = "quarter", years: tuple[str, ...] | None = None) -> list[str]:
    """The period names made for `kind` and `years`, in time order (`2024-Q1`, ..., `2024-Q4`)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    mark, n = KINDS[kind]
    years = tuple(str(y) for y in (DEFAULT_YEARS[kind] if years is None else years))
    made_from = LEGACY_PERIODS[1:]  # a year needs the annual sample of the year before it
    for year in years:
        if year not in made_from:
            raise ValueError(f"sub-annual periods are made for the years {', '.join(made_from)} (each from the annual "
                             f"sample of that year and the year before), not {year}")
    if list(years) != sorted(set(years)):
        raise ValueError(f"years must be distinct and in order: {years}")
    return [f"{year}-{mark}{p}" for year in years for p in range(1, n + 1)]


def build_subannual(kind: str = "quarter", years: tuple[str, ...] | None = None) -> dict[str, dict[str, pd.DataFrame]]:
    """Period name -> (form name -> frame) for every period of `subannual_periods(kind, years)`."""
    names = subannual_periods(kind, years)
    n = KINDS[kind][1]
    out = {}
    for year in dict.fromkeys(name[:4] for name in names):
        for p, frames in enumerate(_year(year, n), start=1):
            out[f"{year}-{KINDS[kind][0]}{p}"] = frames
    return out


def write_subannual(target_data_dir: Path | str, kind: str = "quarter", *,
                    years: tuple[str, ...] | None = None) -> list[Path]:
    """Write `<target_data_dir>/raw/<period>/<form file>` for each sub-annual period; return the paths.

    Only the sub-annual folders are written (copy the annual ones beside them if a test needs both).
    The repository's own data folder is refused: these are fixtures, not the committed sample.
    """
    refuse_repository_data(target_data_dir, "sub-annual periods")
    written = []
    for period, frames in build_subannual(kind, years).items():
        written += write_frames(target_data_dir, period, frames)
    return written


def _year(year: str, n: int) -> list[dict[str, pd.DataFrame]]:
    """The n sub-periods of `year`, each as form name -> frame (see the module docstring)."""
    before, now = build_legacy(str(int(year) - 1)), build_legacy(year)
    pairs = {}
    for name, form in forms().items():
        a, b = before[name].to_dict("records"), now[name].to_dict("records")
        if [[r[k] for k in form.key] for r in a] != [[r[k] for k in form.key] for r in b]:
            raise ValueError(f"{name}: the annual forms of {int(year) - 1} and {year} have different rows")
        pairs[name] = list(zip(a, b))
    rows = {p: {} for p in range(1, n + 1)}
    for p in rows:
        rows[p]["population"] = [_population(a, b, p, n) for a, b in pairs["population"]]
        rows[p]["special_circumstances"] = [_stock(a, b, p, n, (("children_supported", "children"),))
                                            for a, b in pairs["special_circumstances"]]
        rows[p]["education"] = _education(pairs["education"], rows[p]["population"], p, n)
        rows[p]["health"] = [_health_stocks(a, b, p, n, pop)
                             for (a, b), pop in zip(pairs["health"], rows[p]["population"], strict=True)]
        rows[p]["early_childhood"] = [
            _stock(a, b, p, n, (("children_aged_5", pop["children_under_6"]),
                                ("children_aged_5_in_kindergarten", "children_aged_5")))
            for (a, b), pop in zip(pairs["early_childhood"], rows[p]["population"], strict=True)]
        rows[p]["support"], rows[p]["protection_cases"] = [], []
    for j, (a, b) in enumerate(pairs["support"]):
        for p, row in enumerate(_support(a, b, n, j), start=1):
            rows[p]["support"].append(row)
    for j, (_, b) in enumerate(pairs["protection_cases"]):
        for p, row in enumerate(_cases(b, n, j), start=1):
            rows[p]["protection_cases"].append(row)
    for j, (_, b) in enumerate(pairs["health"]):
        for p, events in enumerate(_health_events(b, n, j), start=1):
            rows[p]["health"][j].update(events)
    return [{name: records_frame(name, rows[p][name]) for name in forms()} for p in sorted(rows)]


def _stock(a: dict, b: dict, p: int, n: int, within: tuple[tuple[str, str | int], ...] = ()) -> dict:
    """Every count of the row p/n of the way from a to b; then each (part, whole) of `within` capped
    by its whole (a column of the row, already capped, or a number), in the order given."""
    row = {**b, **{c: between(a[c], b[c], p, n) for c in b if not isinstance(b[c], str)}}
    for part, whole in within:
        row[part] = min(row[part], row[whole] if isinstance(whole, str) else whole)
    return row


def _population(a: dict, b: dict, p: int, n: int) -> dict:
    """Children under 16, under 6 and aged 6-10 move (so the headline total moves steadily); aged
    11-15 is what is left of under 16, as in the annual sample; ethnic-minority children = under 16
    less the other children, who move too."""
    row = _stock(a, b, p, n)
    row["children_11_to_15"] = row["children_under_16"] - row["children_under_6"] - row["children_6_to_10"]
    others = between(a["children_under_16"] - a["children_ethnic_minority"],
                     b["children_under_16"] - b["children_ethnic_minority"], p, n)
    row["children_ethnic_minority"] = row["children_under_16"] - min(others, row["children_under_16"])
    if row["children_11_to_15"] < 0:
        raise ValueError(f"population of {b['commune_code']} {b['sex']}: the age groups do not fit under 16")
    return row


def _education(pairs: list[tuple[dict, dict]], population: list[dict], p: int, n: int) -> list[dict]:
    """Pupils and schools move like stocks; the primary population is the commune's children aged
    6-10 of the same period, the lower-secondary one within its children aged 11-15."""
    ages = {}
    for r in population:
        sums = ages.setdefault(r["commune_code"], {"children_6_to_10": 0, "children_11_to_15": 0})
        for c in sums:
            sums[c] += r[c]
    out = []
    for a, b in pairs:
        row = _stock(a, b, p, n)
        age = ages[b["commune_code"]]
        if b["level"] == "primary":
            row["population_official_age"] = age["children_6_to_10"]
        elif b["level"] == "lower_secondary":
            row["population_official_age"] = min(row["population_official_age"], age["children_11_to_15"])
        for part, whole in (("pupils_correct_age", "population_official_age"), ("pupils_correct_age", "pupils_enrolled"),
                            ("schools_national_standard", "schools"), ("pupils_two_sessions", "pupils_enrolled")):
            row[part] = min(row[part], row[whole])
        out.append(row)
    return out


def _health_stocks(a: dict, b: dict, p: int, n: int, population: dict) -> dict:
    """Children under 5 (below the cell's under 6) and under 1 and their parts move like stocks."""
    if (population["commune_code"], population["sex"]) != (b["commune_code"], b["sex"]):
        raise ValueError("health.csv and population.csv rows are not in the same order")
    return _stock(a, b, p, n, (("children_under_5", population["children_under_6"] - 1),
                               ("children_under_1", "children_under_5"),
                               ("children_under_5_birth_registered", "children_under_5"),
                               ("children_under_1_fully_vaccinated", "children_under_1"),
                               ("children_under_5_weighed", "children_under_5"),
                               ("children_under_5_underweight", "children_under_5_weighed"),
                               ("children_under_5_stunted", "children_under_5_weighed")))


def _health_events(b: dict, n: int, j: int) -> list[dict]:
    """Births, deaths and injuries of a cell's year spread over its periods; a part where its whole is."""
    parts = [{"live_births": v} for v in spread(b["live_births"], n, j)]
    for k, (whole, part) in enumerate(HEALTH_EVENTS, start=1):
        wholes = spread(b[whole], n, j + 2 * k)
        for row, w, v in zip(parts, wholes, allocate(b[part], wholes)):
            row[whole], row[part] = w, v
    return parts


def _support(a: dict, b: dict, n: int, j: int) -> list[dict]:
    """Sponsorship: children sponsored and needing a sponsor are stocks, the money is spread over the
    year; a gift of `OCCASIONS`: all of it in the period of the occasion, nothing in the others."""
    t = b["support_type"]
    if t in OCCASIONS:
        at = (OCCASIONS[t] - 1) * n // 12 + 1
        zero = {"children_in_need": 0, "children_supported": 0, "value_dong": 0}
        return [dict(b) if p == at else {**b, **zero} for p in range(1, n + 1)]
    if b["value_dong"] % VALUE_STEP:
        raise ValueError(f"support {t} of {b['commune_code']}: {b['value_dong']} đồng is not in steps of {VALUE_STEP}")
    money = spread(b["value_dong"] // VALUE_STEP, n, j)
    return [{**_stock(a, b, p, n, (("children_supported", "children_in_need"),)), "value_dong": VALUE_STEP * money[p - 1]}
            for p in range(1, n + 1)]


def _cases(b: dict, n: int, j: int) -> list[dict]:
    """Case files received spread over the year; those still open at its end are the latest ones."""
    received = spread(b["cases_received"], n, j)
    open_files, left = [0] * n, b["cases_received"] - b["cases_handled"]
    for p in reversed(range(n)):
        open_files[p] = min(left, received[p])
        left -= open_files[p]
    return [{**b, "cases_received": r, "cases_handled": r - o} for r, o in zip(received, open_files)]
