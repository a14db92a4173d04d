"""Figures given by the level below: the numerators and denominators of a package's communes.

Why here and not as rows pasted into the result: a unit covered by a package (a district's
published figures imported by the province) must give exactly the rows the communes' raw files
would give, and its communes must add up into the aggregates the same way. So the package's
numerator and denominator of each commune and indicator are laid over the sums computed from the
raw forms (`overlay`), before compute.indicators decides who reported and adds them up: one way of
computing, whatever the source of the parts. Targets, completeness and values are then the
importing deployment's, as for its own communes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.intake import raw

KEY = ["unit_code", "indicator_id"]
PARTS = ["numerator", "denominator"]


def empty_forms() -> dict[str, pd.DataFrame]:
    """Every form with its columns and no row, as raw.read_period gives a form without data: the
    forms of a period whose figures all come from packages."""
    return {name: pd.DataFrame({column: pd.Series([], dtype="string") for column in form.columns},
                               index=pd.Index([], name="line", dtype="int64"))
            for name, form in raw.forms().items()}


def earlier_rows(tables: list[pd.DataFrame], period: str) -> pd.DataFrame:
    """The commune rows of the periods before `period` in the packages' history tables: period,
    unit_code, indicator_id, numerator, denominator (a period's rows from the first package holding them)."""
    return _commune_parts(tables, period, this_period=False)


def commune_rows(tables: list[pd.DataFrame], period: str) -> pd.DataFrame:
    """The commune rows of `period` in the packages' tables (indicators or history), one per
    commune and indicator: unit_code, indicator_id, numerator, denominator."""
    return _commune_parts(tables, period, this_period=True)


def _commune_parts(tables: list[pd.DataFrame], period: str, this_period: bool) -> pd.DataFrame:
    """The commune rows of `period` (or of every other period, with its `period` column) in `tables`,
    the first table's row kept where several hold one."""
    key = KEY if this_period else ["period", *KEY]
    rows = [table[(table["level"] == "commune") & ((table["period"].astype(str) == period) == this_period)][key + PARTS]
            for table in tables if table is not None]
    if not rows:
        return pd.DataFrame(columns=key + PARTS)
    found = pd.concat(rows, ignore_index=True).astype({column: "string" for column in key})
    return found.drop_duplicates(key).reset_index(drop=True)


def overlay(given: pd.DataFrame | None, indicator: str, codes: list[str], num: np.ndarray,
            den: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """`num` and `den` (per commune of `codes`, float64 with NaN) with the given communes' parts of
    `indicator` laid over them; the arrays given are not changed."""
    if given is None or given.empty:
        return num, den
    mine = given[given["indicator_id"] == indicator]
    where = pd.Index(codes).get_indexer(list(mine["unit_code"]))
    kept = where >= 0
    if not kept.any():
        return num, den
    num = num.copy()
    num[where[kept]] = mine["numerator"].to_numpy(dtype="float64", na_value=np.nan)[kept]
    if den is not None:
        den = den.copy()
        den[where[kept]] = mine["denominator"].to_numpy(dtype="float64", na_value=np.nan)[kept]
    return num, den


def differing(one: pd.DataFrame, other: pd.DataFrame) -> list[str]:
    """The commune codes whose numerator or denominator differ between two sets of commune rows,
    on the communes and indicators both hold, sorted."""
    both = one[KEY + PARTS].merge(other[KEY + PARTS], on=KEY, suffixes=("", "_other"))
    if both.empty:
        return []
    differs = pd.Series(False, index=both.index)
    for part in PARTS:
        a, b = both[part].astype("Float64"), both[f"{part}_other"].astype("Float64")
        differs |= ~((a == b).fillna(False) | (a.isna() & b.isna()))
    return sorted(set(both.loc[differs, "unit_code"].astype(str)))
