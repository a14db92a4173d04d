"""Progress status against targets, computed by hand (Open SDG / ESCAP compound-growth method)."""

import math

import pandas as pd
import pytest

from pipelines.indicators import trends
from pipelines.indicators.catalogue import Target
from pipelines.units.period import Period

AT_LEAST_99 = Target(2030, 99.0, ">=", "test")
BELOW_15 = Target(2030, 15.0, "<", "test")


def test_ratio_of_observed_to_required_growth():
    # 90 → 92 over 2 years: (92/90)^(1/2) - 1 = 0.011050; required 90 → 99 over 8 years: (99/90)^(1/8) - 1 = 0.011985
    ratio = trends.progress_ratio(2022, 90.0, 2024, 92.0, AT_LEAST_99)
    assert ratio == pytest.approx(0.011050 / 0.011985, rel=1e-3)
    assert trends.progress_status(pd.Series([90.0, 91.0, 92.0], index=[2022, 2023, 2024]), AT_LEAST_99) == (
        "off_track", pytest.approx(0.92196, rel=1e-3))


def test_fast_enough_is_on_track_and_met_is_achieved():
    assert trends.progress_status(pd.Series([90.0, 93.0], index=[2022, 2024]), AT_LEAST_99)[0] == "on_track"
    assert trends.progress_status(pd.Series([98.0, 99.2], index=[2023, 2024]), AT_LEAST_99)[0] == "achieved"


def test_lower_is_better_targets():
    # 20 ‰ → 18 ‰ in 2 years: g_a = -0.05132; required 20 → 15 by 2030 (8 years): g_r = -0.03534; ratio 1.45
    status, ratio = trends.progress_status(pd.Series([20.0, 18.0], index=[2022, 2024]), BELOW_15)
    assert status == "on_track" and ratio == pytest.approx(1.452, rel=1e-3)
    assert trends.progress_status(pd.Series([20.0, 21.0], index=[2022, 2024]), BELOW_15)[0] == "off_track"
    assert trends.progress_status(pd.Series([16.0, 14.0], index=[2022, 2024]), BELOW_15)[0] == "achieved"


def test_no_data_cases():
    assert trends.progress_status(pd.Series([95.0], index=[2024]), AT_LEAST_99)[0] == "no_data"
    assert trends.progress_status(pd.Series([95.0, math.nan], index=[2023, 2024]), AT_LEAST_99)[0] == "no_data"
    assert trends.progress_status(pd.Series([0.0, 5.0], index=[2023, 2024]), AT_LEAST_99)[0] == "no_data"
    assert trends.progress_status(pd.Series([1.0, 2.0], index=[2023, 2024]), None) == (None, pytest.approx(math.nan, nan_ok=True))


def test_trend_table_gives_change_on_previous_period():
    history = pd.DataFrame({
        "period": ["2022", "2023", "2024"], "level": ["district"] * 3, "unit_code": ["198"] * 3,
        "unit_name": ["Huyện Bình Liêu"] * 3, "indicator_id": ["net_enrolment_primary"] * 3,
        "value": [98.0, 98.5, 99.2], "target": [99.9] * 3, "target_year": [2030] * 3,
        "target_comparison": [">="] * 3}).astype({"period": "string", "unit_code": "string", "indicator_id": "string"})
    row = trends.trend_table(history, Period.parse("2024")).iloc[0]
    assert (row.previous_period, row.previous_value, row.base_period) == ("2023", 98.5, "2022")
    assert row.change == pytest.approx(0.7)
    # 98 → 99,2 in 2 years vs 98 → 99,9 by 2030 (8 years): ratio = 0.006104 / 0.002403
    assert row.status == "on_track" and row.progress_ratio == pytest.approx(2.540, rel=1e-3)
    assert trends.trend_table(history, Period.parse("2023")).iloc[0].status == "on_track"
