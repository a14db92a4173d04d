"""The one place indicators are computed: every figure is numerator / denominator × factor.

Both parts are sums of raw counts. Communes are computed from their own rows; an aggregate unit
(district, province, the country) sums the numerators and the denominators of its communes and
divides once: a mean of commune rates would weigh a commune of 300 children like one of 3.000.

Computed a column at a time for all the units of the run (issue 12): one sum per term and commune
(`Term.sum_by_commune`), then arrays, never a Python row per commune and indicator, which for the
10,035 communes of the country meant 600,000 rows built one by one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.core.deployment import LocalTarget
from pipelines.indicators import given as given_parts, targets
from pipelines.indicators.catalogue import RESULT_COLUMNS, Indicator, Target, entries
from pipelines.units.period import Period
from pipelines.units.scope import Aggregate


def ratio(num: np.ndarray, den: np.ndarray | None, factor: int) -> np.ndarray:
    """num / den × factor as float64; NaN where a part is missing (NaN) or the denominator is 0.
    A count (no denominator) is its numerator. The same IEEE operations, in the same order, as
    `num / den * factor` on whole numbers (exact in float64 below 2**53)."""
    num = np.asarray(num, dtype="float64")
    if den is None:
        return num
    den = np.asarray(den, dtype="float64")
    value = np.full(num.shape, np.nan)
    ok = ~np.isnan(num) & ~np.isnan(den) & (den != 0)
    value[ok] = num[ok] / den[ok] * factor
    return value


def _targets(ind: Indicator, year: int, codes: list[str], plan: dict) -> list[Target | None]:
    """The target of each unit: the national one, unless the local plan has its own for the unit."""
    national = targets.target_for(ind, year)
    return [targets.target_for(ind, year, plan[code][ind.id]) if ind.id in plan.get(code, {}) else national
            for code in codes]


def _block(label: str, ind: Indicator, levels: list[str], codes: list[str], names: list[str], num: np.ndarray,
           den: np.ndarray | None, expected: np.ndarray, included: np.ndarray, chosen: list[Target | None]) -> dict:
    """The rows of one indicator as columns (RESULT_COLUMNS); parts as float64 with NaN for <NA>."""
    n = len(codes)
    return {"period": [label] * n, "level": levels, "unit_code": codes, "unit_name": names,
            "indicator_id": [ind.id] * n, "numerator": num, "denominator": np.full(n, np.nan) if den is None else den,
            "factor": np.full(n, ind.factor, dtype="int64"), "value": ratio(num, den, ind.factor), "unit": [ind.unit] * n,
            "target": np.array([t.value if t else np.nan for t in chosen], dtype="float64"),
            "target_year": np.array([t.year if t else np.nan for t in chosen], dtype="float64"),
            "target_comparison": [t.comparison if t else None for t in chosen],
            "communes_expected": expected, "communes_included": included, "complete": included == expected}


def _frame(blocks: list[dict]) -> pd.DataFrame:
    """The blocks one under the other, in the dtypes of the processed files."""
    columns = {}
    for column in RESULT_COLUMNS:
        parts = [block[column] for block in blocks]
        columns[column] = np.concatenate(parts) if isinstance(parts[0], np.ndarray) else [v for p in parts for v in p]
    result = pd.DataFrame(columns, columns=RESULT_COLUMNS)
    return result.astype({"numerator": "Int64", "denominator": "Int64", "factor": "int64", "value": "float64",
                          "target": "Float64", "target_year": "Int64", "communes_expected": "int64",
                          "communes_included": "int64", "complete": "bool"}).astype(
        {c: "string" for c in ("period", "level", "unit_code", "unit_name", "indicator_id", "unit", "target_comparison")})


def indicators(frames: dict[str, pd.DataFrame], period: Period, communes: pd.DataFrame,
               aggregates: list[Aggregate] | tuple[str, str, str], local: tuple[LocalTarget, ...] = (),
               given: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every indicator for each commune and for each aggregate unit.

    `frames` are validated, typed forms (raw.typed); `communes` has columns code and name. An
    aggregate sums the numerators and denominators of its communes that reported both; a commune
    without them is left out and the aggregate is marked incomplete (`complete` False,
    `communes_included` < `communes_expected`), never filled in with an average.
    A (level, code, name) tuple stands for one aggregate of all the communes given. `local`: the
    targets of the deployment's own plan (pipelines.indicators.targets), overlaid on the national ones.
    Rows: for each indicator of the catalogue, its communes in the order given, then its aggregates.
    `given`: the parts of communes covered by a package of the level below (pipelines.indicators.given),
    laid over what their raw rows give.
    """
    if isinstance(aggregates, tuple):
        aggregates = [Aggregate(*aggregates, tuple(communes["code"]))]
    year, label = period.year, str(period)
    own, names = list(communes["code"]), list(communes["name"])
    codes = own + sorted({c for agg in aggregates for c in agg.communes} - set(own))  # communes that did not report
    plan = targets.by_unit(local, aggregates, codes)
    members = [pd.Index(codes).get_indexer(list(agg.communes)) for agg in aggregates]
    blocks, sums, mine = [], {}, slice(0, len(own))
    for ind in entries().values():
        for term in (ind.numerator, ind.denominator):
            if term is not None and term not in sums:
                sums[term] = term.sum_by_commune(frames, codes).to_numpy(dtype="float64", na_value=np.nan)
        num = sums[ind.numerator]
        den = None if ind.denominator is None else sums[ind.denominator]
        num, den = given_parts.overlay(given, ind.id, codes, num, den)
        reported = ~np.isnan(num) & (True if den is None else ~np.isnan(den))
        blocks.append(_block(label, ind, ["commune"] * len(own), own, names, num[mine], None if den is None else den[mine],
                             np.ones(len(own), dtype="int64"), reported[mine].astype("int64"),
                             _targets(ind, year, own, plan)))
        for agg, where in zip(aggregates, members):
            kept = where[reported[where]]
            blocks.append(_block(label, ind, [agg.level], [agg.code], [agg.name], np.array([num[kept].sum()]),
                                 None if den is None else np.array([den[kept].sum()]),
                                 np.array([len(agg.communes)], dtype="int64"), np.array([len(kept)], dtype="int64"),
                                 _targets(ind, year, [agg.code], plan)))
    return _frame(blocks)
