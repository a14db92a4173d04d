"""The rows an export carries: one period's indicator values for the scope, in one edition.

Read from the processed files (pipelines.core.datasets: the internal edition, or `public/` for the
public one) of the published period, or of the run being built. What travels: each indicator of the
catalogue for each commune of the scope and for the scope's own unit (a higher unit the table also
holds, partly covered, is left out: its figure is not that unit's), with its numerator, denominator,
completeness (communes included ÷ communes expected × 100) and target; rates to PLACES decimals. A row without a value (no
data, a denominator of 0) is absent. The public edition carries only what the public reports show:
an indicator the catalogue marks `sensitive` is absent where its count is 1–4, and a cell the public
edition suppressed (no value) is absent, never sent with its count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.core import datasets
from pipelines.indicators import catalogue
from pipelines.units.period import Period
from pipelines.units.scope import Scope

COLUMNS = ["indicator_id", "level", "unit_code", "unit_name", "value", "numerator", "denominator", "factor", "unit",
           "target", "target_year", "target_comparison", "completeness"]
PLACES = 4  # decimals of a rate in an export (95.0398 %): the numerator and denominator travel exact


@dataclass(frozen=True)
class Rows:
    """What one export is made of."""
    period: Period
    scope: Scope
    edition: str          # internal or public
    table: pd.DataFrame   # COLUMNS, one row per indicator and unit, in catalogue then unit-code order
    exchange: dict        # the deployment's `exchange:` settings (identifiers for DHIS2 and ADX)
    lang: str = "vi"      # the language of the names an export carries (SDMX structure); "" for none


def load(folder: Path, period: Period, scope: Scope, edition: str, exchange: dict | None = None,
         lang: str = "vi") -> Rows:
    """The rows of the processed folder `folder` (published, or staged by a run)."""
    table = pd.read_parquet(datasets.in_folder(folder, datasets.INDICATORS, edition))
    return Rows(period, scope, edition, select(table, scope, edition), dict(exchange or {}), lang)


def select(table: pd.DataFrame, scope: Scope, edition: str) -> pd.DataFrame:
    """The rows that travel (see the module's docstring), with `completeness` in percent."""
    entries = catalogue.entries()
    order = {name: i for i, name in enumerate(entries)}
    keep = (table["level"] == "commune") | (table["level"] == scope.level)
    if scope.code:  # the scope's own unit; for a commune's scope, no other commune
        keep &= ((table["level"] == "commune") & (scope.level != "commune")) | (table["unit_code"] == scope.code)
    keep &= table["value"].notna() & table["indicator_id"].isin(list(order))
    if edition == "public":
        sensitive = table["indicator_id"].map(lambda name: entries[name].sensitive if name in entries else True)
        small = table["numerator"].fillna(0).between(1, 4)
        keep &= ~(sensitive.astype(bool) & small.astype(bool))
    rows = table[keep].copy()
    expected = rows["communes_expected"].astype("float64")
    rows["completeness"] = (rows["communes_included"].astype("float64") / expected * 100).where(expected > 0).round(2)
    rows["value"] = rows["value"].astype("float64").round(PLACES)
    rows["_order"] = rows["indicator_id"].map(order)
    rows = rows.sort_values(["_order", "unit_code"], kind="stable").reset_index(drop=True)
    return rows[COLUMNS]


def number(value: object) -> str:
    """A value as exchange formats write it: shortest exact decimal, no thousands mark, '.' for the
    decimal point (2044, 95.0, 0.0357); "" for none."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(float(value)) if isinstance(value, float) else str(int(value))


