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
    """Counts by commune and code for each breakdown, plus the aggregate's row (their sum): a
    commune × code grid of one groupby per form, not a lookup per commune and code."""
    tables = []
    for form, measure, column, _ in BREAKDOWNS:
        codes = list(raw.categories()[column])
        units = list(communes["code"])
        grid = (frames[form].groupby(["commune_code", column])[measure].sum().unstack(column)
                .reindex(index=units, columns=codes).fillna(0).astype("int64"))
        for level, unit_codes, counts in [("commune", units, grid.to_numpy()),
                                          (aggregate[0], [aggregate[1]], grid.to_numpy().sum(axis=0, keepdims=True))]:
            n = len(unit_codes) * len(codes)
            tables.append(pd.DataFrame({"period": [str(period)] * n, "form": [form] * n, "measure": [measure] * n,
                                        "breakdown": [column] * n, "level": [level] * n,
                                        "unit_code": [u for u in unit_codes for _ in codes], "code": codes * len(unit_codes),
                                        "count": counts.reshape(-1)}))
    return pd.concat(tables, ignore_index=True).astype({"count": "int64"})


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
    if not parts:  # no commune with raw forms (a run from packages alone): no breakdown to show
        return table.astype({"count": "Int64"}).assign(display=pd.Series([], dtype="object"))
    return pd.concat(parts, ignore_index=True)
