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

import pandas as pd

from pipelines.indicators import catalogue
from pipelines.units.period import Period

ON_TRACK_RATIO = 0.95
STATUS_VI = {"achieved": "Đã đạt", "on_track": "Đúng tiến độ", "off_track": "Chậm tiến độ",
             "no_data": "Chưa đủ số liệu"}
STATUS_EN = {"achieved": "Achieved", "on_track": "On track", "off_track": "Off track", "no_data": "No data"}


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


def _target(row: pd.Series) -> catalogue.Target | None:
    """The target the computation attached to the unit's row (national, or the local plan's)."""
    if "target" not in row or pd.isna(row["target"]):
        return None
    return catalogue.Target(int(row["target_year"]), float(row["target"]), str(row["target_comparison"]), "")


COLUMNS = ["period", "level", "unit_code", "unit_name", "indicator_id", "value", "previous_period", "previous_value",
           "change", "base_period", "status", "progress_ratio"]


def trend_table(history: pd.DataFrame, period: Period) -> pd.DataFrame:
    """One row per unit and indicator for `period`: value, previous value and change, status.

    `history` is compute.indicators output for several periods (concatenated). Only periods of the
    kind of `period` up to it count: the base of the status is the earliest of them with a value,
    the change is on the latest earlier one with a value.
    """
    kinds = {label: Period.parse(label) for label in history["period"].unique()}
    usable = [label for label, p in kinds.items() if p.kind == period.kind and p <= period]
    upto = history[history["period"].isin(usable)]
    label = str(period)
    rows = []
    for (code, indicator_id), group in upto.groupby(["unit_code", "indicator_id"], sort=True):
        current = group[group["period"] == label]
        if current.empty:
            continue
        order = sorted(zip(group["period"], group["value"]), key=lambda pair: kinds[pair[0]])
        series = pd.Series([v for _, v in order], index=[kinds[p].elapsed_years for p, _ in order], dtype="float64")
        earlier = [(p, v) for p, v in order if kinds[p] < period and pd.notna(v)]
        present = [p for p, v in order if pd.notna(v)]
        now = float(current["value"].iloc[0])
        previous = float(earlier[-1][1]) if earlier else float("nan")
        status, ratio = progress_status(series, _target(current.iloc[0]))
        rows.append([label, current["level"].iloc[0], code, current["unit_name"].iloc[0], indicator_id, now,
                     earlier[-1][0] if earlier else None, previous, now - previous,
                     present[0] if present else None, status, ratio])
    return pd.DataFrame(rows, columns=COLUMNS).astype({"previous_period": "string", "base_period": "string",
                                                       "status": "string", "value": "float64"})
