"""Breakdown tables of sensitive counts, in an internal and a public edition.

Indicators add whole groups together; the breakdown tables keep the counts by commune and by
group (e.g. children by the 14 groups of Article 10, case files by type), which is what a
provincial officer needs and what can identify a child in a small commune. The internal edition
keeps every count. The public edition applies pipelines.suppression: sensitive groups
(categories.yml `sensitive: true`) with 1–4 children are hidden, and complements are hidden
until no hidden count can be worked out from the totals that are published anyway (all groups,
and the subtotal of the legal groups, which the indicators publish per commune).
"""

from __future__ import annotations

import pandas as pd

from pipelines.indicators import suppression
from pipelines.units.period import Period
from pipelines.intake import raw

# (form, count column, breakdown column, category attribute whose subtotal is published too)
BREAKDOWNS = [
    ("special_circumstances", "children", "circumstance", "special"),
    ("protection_cases", "cases_received", "case_type", None),
]
COLUMNS = ["period", "form", "measure", "breakdown", "level", "unit_code", "code", "count"]


def breakdowns(frames: dict[str, pd.DataFrame], period: Period, communes: pd.DataFrame,
               aggregate: tuple[str, str, str]) -> pd.DataFrame:
    """Counts by commune and code for each breakdown, plus the aggregate's row (their sum)."""
    tables = []
    for form, measure, column, _ in BREAKDOWNS:
        codes = list(raw.categories()[column])
        rows = frames[form].groupby(["commune_code", column])[measure].sum()
        for level, members in [("commune", None), (aggregate[0], list(communes["code"]))]:
            for unit in (communes["code"] if members is None else [aggregate[1]]):
                for code in codes:
                    count = sum(int(rows.get((c, code), 0)) for c in (members or [unit]))
                    tables.append([str(period), form, measure, column, level, unit, code, count])
    return pd.DataFrame(tables, columns=COLUMNS).astype({"count": "int64"})


def public_edition(table: pd.DataFrame) -> pd.DataFrame:
    """The same rows with small sensitive counts and their complements hidden (count <NA>,
    `display` "< 5" or "x")."""
    parts = []
    for form, measure, column, subtotal in BREAKDOWNS:
        part = table[(table["form"] == form) & (table["measure"] == measure)]
        if part.empty:
            continue
        labels = raw.categories()[column]
        codes = list(labels)
        sensitive = [c for c in codes if labels[c].get("sensitive")]
        groups = [codes] + ([[c for c in codes if labels[c].get(subtotal)]] if subtotal else [])
        total_row = part.loc[part["level"] != "commune", "unit_code"].iloc[0]
        parts.append(suppression.public_edition(part, sensitive, groups, total_row))
    return pd.concat(parts, ignore_index=True)
