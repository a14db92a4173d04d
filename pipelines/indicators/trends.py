"""Trends over periods, change on the previous period, and progress towards each target.

Progress status follows the method Open SDG implements (the UN ESCAP "SDG progress" method):
with a base value x0 at time t0, the latest value xt at time t and a target X for the end of year T,

    observed growth  g_a = (xt / x0) ** (1 / (t - t0)) - 1        (compound annual growth)
    required growth  g_r = (X  / x0) ** (1 / (T - t0)) - 1
    ratio            r   = g_a / g_r

and the status is: `achieved` when xt already meets the target; `on_track` when r >= 0.95
(Open SDG's "substantial progress"); `off_track` otherwise (fair or limited progress,
or deterioration, r < 0.95); `no_data` without a value for the latest period, without an
earlier period to compare with, or when a growth rate cannot be computed (a zero value).
Indicators without a target get a trend (change on the previous period) but no status.

Times are the ends of periods counted in years (`Period.elapsed_years`: 2024 → 2024.0, 2024-Q3 →
2023.75), so growth is per year whatever the kind of period; a trend uses periods of one kind only
(quarters with quarters), in time order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pipelines.indicators import catalogue
from pipelines.units.period import Period

ON_TRACK_RATIO = 0.95
# Progress towards a target, as the trends table records it; a reader sees target_progress.<status>
# of locales/<lang>/report_data.yml.
STATUSES = ("achieved", "on_track", "off_track", "no_data")


def progress_ratio(base_time: float, base: float, time: float, value: float, target: catalogue.Target) -> float:
    """Observed over required compound annual growth; NaN when it cannot be computed. Times in
    years (a period's `elapsed_years`); the target is due at the end of its year."""
    if time <= base_time or target.year <= base_time or base <= 0 or value <= 0 or target.value <= 0:
        return float("nan")
    observed = (value / base) ** (1 / (time - base_time)) - 1
    required = (target.value / base) ** (1 / (target.year - base_time)) - 1
    return observed / required if required else float("nan")


def progress_status(series: pd.Series, target: catalogue.Target | None) -> tuple[str | None, float]:
    """Status of one unit's indicator from its values by time (index: elapsed years, ascending)."""
    if target is None:
        return None, float("nan")
    series = series.dropna()
    if series.empty or series.index[-1] != series.index.max():
        return "no_data", float("nan")
    time, value = float(series.index[-1]), float(series.iloc[-1])
    if target.met_by(value):
        return "achieved", float("nan")
    if len(series) < 2:
        return "no_data", float("nan")
    ratio = progress_ratio(float(series.index[0]), float(series.iloc[0]), time, value, target)
    if math.isnan(ratio):
        return "no_data", ratio
    return ("on_track" if ratio >= ON_TRACK_RATIO else "off_track"), ratio


COLUMNS = ["period", "level", "unit_code", "unit_name", "indicator_id", "value", "previous_period", "previous_value",
           "change", "base_period", "status", "progress_ratio"]


def trend_table(history: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per unit and indicator for `period`: value, previous value and change, status.

    `history` is compute.indicators output for several periods (concatenated). Only periods of the
    kind of `period` up to it count: the base of the status is the earliest of them with a value,
    the change is on the latest earlier one with a value. Computed on a unit × period table of
    values, not a group at a time (600,000 groups for a country); only the progress ratio, where a
    status needs it, is computed row by row, by `progress_ratio` itself. Rows sorted by unit code
    and indicator.
    """
    kinds = {label: Period.parse(label) for label in history["period"].unique()}
    order = sorted((label for label, p in kinds.items() if p.kind == period.kind and p <= period), key=kinds.get)
    label, keys = str(period), ["unit_code", "indicator_id"]
    upto = history[history["period"].isin(order)]
    current = upto[upto["period"] == label].sort_values(keys, kind="stable")
    if current.empty:
        return pd.DataFrame([], columns=COLUMNS).astype({"previous_period": "string", "base_period": "string",
                                                         "status": "string", "value": "float64"})
    table = upto.pivot(index=keys, columns="period", values="value").reindex(columns=order)  # one row each, or raises
    values = table.reindex(pd.MultiIndex.from_frame(current[keys])).to_numpy(dtype="float64", na_value=np.nan)
    times = np.array([kinds[p].elapsed_years for p in order])
    present, steps = ~np.isnan(values), np.arange(len(order))
    latest_before = np.where(present[:, :-1], steps[:-1], -1).max(axis=1, initial=-1)
    first, last = np.where(present, steps, len(order)).min(axis=1), np.where(present, steps, -1).max(axis=1)
    rows = np.arange(len(values))
    now = values[:, -1]
    previous = np.where(latest_before >= 0, values[rows, np.maximum(latest_before, 0)], np.nan)
    status, ratio = _statuses(current, values, times, first, last, present.sum(axis=1))
    return pd.DataFrame({
        "period": [label] * len(rows), "level": current["level"].tolist(), "unit_code": current["unit_code"].tolist(),
        "unit_name": current["unit_name"].tolist(), "indicator_id": current["indicator_id"].tolist(), "value": now,
        "previous_period": [order[i] if i >= 0 else None for i in latest_before], "previous_value": previous,
        "change": now - previous, "base_period": [order[i] if i < len(order) else None for i in first],
        "status": status, "progress_ratio": ratio}, columns=COLUMNS).astype(
            {"previous_period": "string", "base_period": "string", "status": "string", "value": "float64"})


def _statuses(current: pd.DataFrame, values: np.ndarray, times: np.ndarray, first: np.ndarray, last: np.ndarray,
              count: np.ndarray) -> tuple[list, np.ndarray]:
    """`progress_status` of every row at once: the unit's target (from its row of the period), its
    values by period (NaN: none), the first and last period with a value and how many have one."""
    goal = current["target"].to_numpy(dtype="float64", na_value=np.nan)
    year = current["target_year"].to_numpy(dtype="float64", na_value=np.nan)
    comparison = current["target_comparison"].fillna("").to_numpy(dtype=object)
    rows = np.arange(len(values))
    latest = values[rows, np.maximum(last, 0)]
    met = np.where(comparison == ">=", latest >= goal, latest < goal)
    has_target, some = ~np.isnan(goal), last >= 0
    status = np.where(~has_target, None, np.where(~some, "no_data", np.where(met, "achieved", "no_data"))).astype(object)
    ratio = np.full(len(values), np.nan)
    for i in np.flatnonzero(has_target & some & ~met & (count >= 2)):
        target = catalogue.Target(int(year[i]), float(goal[i]), str(comparison[i]), "")
        ratio[i] = progress_ratio(float(times[first[i]]), float(values[i, first[i]]), float(times[last[i]]),
                                  float(latest[i]), target)
        if not math.isnan(ratio[i]):
            status[i] = "on_track" if ratio[i] >= ON_TRACK_RATIO else "off_track"
    return status.tolist(), ratio
