"""The one place indicators are computed: every figure is numerator / denominator × factor.

Both parts are sums of raw counts. Communes are computed from their own rows; an aggregate unit
(district, province) sums the numerators and the denominators of its communes and divides once: a
mean of commune rates would weigh a commune of 300 children like one of 3.000.
"""

from __future__ import annotations

import pandas as pd

from pipelines.core.deployment import LocalTarget
from pipelines.indicators import targets
from pipelines.indicators.catalogue import RESULT_COLUMNS, entries
from pipelines.units.period import Period
from pipelines.units.scope import Aggregate


def _row(period, level, code, name, ind, num, den, expected, included, target) -> list:
    if pd.isna(num) or (ind.denominator is not None and pd.isna(den)):
        value = float("nan")
    elif ind.denominator is None:
        value = float(num)
    else:
        value = num / den * ind.factor if den else float("nan")
    return [period, level, code, name, ind.id, num, den, ind.factor, value, ind.unit,
            target.value if target else None, target.year if target else None, target.comparison if target else None,
            expected, included, included == expected]


def indicators(frames: dict[str, pd.DataFrame], period: Period, communes: pd.DataFrame,
            aggregates: list[Aggregate] | tuple[str, str, str], local: tuple[LocalTarget, ...] = ()) -> pd.DataFrame:
    """Every indicator for each commune and for each aggregate unit.

    `frames` are validated, typed forms (raw.typed); `communes` has columns code and name. An
    aggregate sums the numerators and denominators of its communes that reported both; a commune
    without them is left out and the aggregate is marked incomplete (`complete` False,
    `communes_included` < `communes_expected`), never filled in with an average.
    A (level, code, name) tuple stands for one aggregate of all the communes given. `local`: the
    targets of the deployment's own plan (pipelines.indicators.targets), overlaid on the national ones.
    """
    if isinstance(aggregates, tuple):
        aggregates = [Aggregate(*aggregates, tuple(communes["code"]))]
    year, label = period.year, str(period)
    codes = list(communes["code"])
    codes += sorted({c for agg in aggregates for c in agg.communes} - set(codes))  # communes that did not report
    plan = targets.by_unit(local, aggregates, codes)
    rows = []
    for ind in entries().values():
        num = ind.numerator.sum_by_commune(frames, codes)
        den = ind.denominator.sum_by_commune(frames, codes) if ind.denominator else None
        for code, name in zip(communes["code"], communes["name"]):
            d = None if den is None else den[code]
            reported = not pd.isna(num[code]) and (den is None or not pd.isna(d))
            rows.append(_row(label, "commune", code, name, ind, num[code], d, 1, int(reported),
                             targets.target_for(ind, year, plan.get(code, {}).get(ind.id, ()))))
        for agg in aggregates:
            members = [c for c in agg.communes if not pd.isna(num[c]) and (den is None or not pd.isna(den[c]))]
            total_den = None if den is None else int(den[members].sum())
            rows.append(_row(label, agg.level, agg.code, agg.name, ind, int(num[members].sum()), total_den,
                             len(agg.communes), len(members),
                             targets.target_for(ind, year, plan.get(agg.code, {}).get(ind.id, ()))))
    result = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    return result.astype({"numerator": "Int64", "denominator": "Int64", "factor": "int64", "value": "float64",
                          "target": "Float64", "target_year": "Int64", "communes_expected": "int64",
                          "communes_included": "int64", "complete": "bool"}).astype(
        {c: "string" for c in ("period", "level", "unit_code", "unit_name", "indicator_id", "unit", "target_comparison")})
