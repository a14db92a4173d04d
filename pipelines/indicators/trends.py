"""Trends over periods, change on the previous period, and progress towards each target.

Progress status follows the method Open SDG implements (the UN ESCAP "SDG progress" method):
with a base value x0 in year t0, the latest value xt in year t and a target X for year T,

    observed growth  g_a = (xt / x0) ** (1 / (t - t0)) - 1        (compound annual growth)
    required growth  g_r = (X  / x0) ** (1 / (T - t0)) - 1
    ratio            r   = g_a / g_r

and the status is: `achieved` when xt already meets the target; `on_track` when r >= 0.95
(Open SDG's "substantial progress"); `off_track` otherwise (fair or limited progress,
or deterioration, r < 0.95); `no_data` without a value for the latest period, without an
earlier period to compare with, or when a growth rate cannot be computed (a zero value).
Indicators without a target get a trend (change on the previous period) but no status.
"""

from __future__ import annotations

import math

import pandas as pd

from pipelines.indicators import catalogue, compute

ON_TRACK_RATIO = 0.95
STATUS_VI = {"achieved": "Đã đạt", "on_track": "Đúng tiến độ", "off_track": "Chậm tiến độ",
             "no_data": "Chưa đủ số liệu"}
STATUS_EN = {"achieved": "Achieved", "on_track": "On track", "off_track": "Off track", "no_data": "No data"}


def progress_ratio(base_year: int, base: float, year: int, value: float, target: catalogue.Target) -> float:
    """Observed over required compound annual growth; NaN when it cannot be computed."""
    if year <= base_year or target.year <= base_year or base <= 0 or value <= 0 or target.value <= 0:
        return float("nan")
    observed = (value / base) ** (1 / (year - base_year)) - 1
    required = (target.value / base) ** (1 / (target.year - base_year)) - 1
    return observed / required if required else float("nan")


def progress_status(series: pd.Series, target: catalogue.Target | None) -> tuple[str | None, float]:
    """Status of one unit's indicator from its values by year (index: int years, ascending)."""
    if target is None:
        return None, float("nan")
    series = series.dropna()
    if series.empty or series.index[-1] != series.index.max():
        return "no_data", float("nan")
    year, value = int(series.index[-1]), float(series.iloc[-1])
    if target.met_by(value):
        return "achieved", float("nan")
    if len(series) < 2:
        return "no_data", float("nan")
    ratio = progress_ratio(int(series.index[0]), float(series.iloc[0]), year, value, target)
    if math.isnan(ratio):
        return "no_data", ratio
    return ("on_track" if ratio >= ON_TRACK_RATIO else "off_track"), ratio


def trend_table(history: pd.DataFrame, period: str) -> pd.DataFrame:
    """One row per unit and indicator for `period`: value, previous value and change, status.

    `history` is compute.indicators output for several periods (concatenated). The base of the
    status is the earliest period present; change is on the period just before `period`.
    """
    year = int(period[:4])
    upto = history[history["period"].str[:4].astype(int) <= year]
    entries = catalogue.entries()
    rows = []
    for (code, indicator_id), group in upto.groupby(["unit_code", "indicator_id"], sort=True):
        series = pd.Series(group["value"].to_numpy(), index=group["period"].str[:4].astype(int)).sort_index()
        current = group[group["period"] == period]
        if current.empty:
            continue
        now = float(current["value"].iloc[0])
        earlier = series[series.index < year].dropna()
        previous = float(earlier.iloc[-1]) if len(earlier) else float("nan")
        status, ratio = progress_status(series[series.index <= year], entries[indicator_id].target_for(year))
        rows.append([period, current["level"].iloc[0], code, current["unit_name"].iloc[0], indicator_id, now,
                     int(earlier.index[-1]) if len(earlier) else None, previous, now - previous,
                     int(series.dropna().index[0]) if series.notna().any() else None, status, ratio])
    columns = ["period", "level", "unit_code", "unit_name", "indicator_id", "value", "previous_year", "previous_value",
               "change", "base_year", "status", "progress_ratio"]
    return pd.DataFrame(rows, columns=columns).astype({"previous_year": "Int64", "base_year": "Int64",
                                                       "status": "string", "value": "float64"})
