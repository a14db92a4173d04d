"""Periods as values: parsed once, ordered by end date, stepped back within their kind."""

import datetime as dt

import pandas as pd
import pytest

from pipelines.indicators import trends
from pipelines.units.period import Period, PeriodError, same_kind_before


@pytest.mark.parametrize("text, end, previous, unit_list", [
    ("2024", dt.date(2024, 12, 31), "2023", "legacy"),
    ("2025-H1", dt.date(2025, 6, 30), "2024-H2", "legacy"),
    ("2025-H2", dt.date(2025, 12, 31), "2025-H1", "2025"),
    ("2024-Q1", dt.date(2024, 3, 31), "2023-Q4", "legacy"),
    ("2024-Q3", dt.date(2024, 9, 30), "2024-Q2", "legacy"),
    ("2025-Q3", dt.date(2025, 9, 30), "2025-Q2", "2025"),
])
def test_end_previous_and_unit_list(text, end, previous, unit_list):
    period = Period.parse(text)
    assert (str(period), period.end, str(period.previous), period.unit_list) == (text, end, previous, unit_list)


def test_papermill_int_and_lower_case_parse_and_bad_text_says_what_is_accepted():
    assert Period.parse(2024) == Period(2024) and str(Period.parse(" 2024-q3 ")) == "2024-Q3"
    for bad in ("2024-Q5", "2024-H3", "24", "2024-S1", "2024/Q1", ""):
        with pytest.raises(PeriodError, match="dùng năm \\(2024\\), nửa năm \\(2024-H1, 2024-H2\\) hoặc quý"):
            Period.parse(bad)


def test_periods_order_by_end_date_not_by_text():
    texts = ["2024", "2024-H2", "2024-Q3", "2024-Q4", "2024-H1", "2023", "2025-Q1"]
    assert [str(p) for p in sorted(map(Period.parse, texts))] == [
        "2023", "2024-H1", "2024-Q3", "2024-Q4", "2024-H2", "2024", "2025-Q1"]
    assert "2024-H2" < "2024-Q3"  # what string comparison said, and why Period exists


def test_only_periods_of_the_same_kind_are_earlier():
    present = list(map(Period.parse, ["2023", "2024", "2024-H1", "2024-H2", "2024-Q1", "2024-Q2", "2024-Q4"]))
    assert [str(p) for p in same_kind_before(present, Period.parse("2024-Q3"))] == ["2024-Q1", "2024-Q2"]
    assert [str(p) for p in same_kind_before(present, Period.parse("2025"))] == ["2023", "2024"]
    assert [str(p) for p in same_kind_before(present, Period.parse("2025-H1"))] == ["2024-H1", "2024-H2"]


def test_elapsed_years_put_every_kind_on_one_time_line():
    assert [Period.parse(t).elapsed_years for t in ("2024", "2024-H1", "2024-Q3", "2025-Q1")] == [
        2024.0, 2023.5, 2023.75, 2024.25]


def _history(periods, values):
    n = len(periods)
    return pd.DataFrame({
        "period": periods, "level": ["district"] * n, "unit_code": ["100"] * n, "unit_name": ["Huyện X"] * n,
        "indicator_id": ["net_enrolment_primary"] * n, "value": values, "target": [99.0] * n,
        "target_year": [2030] * n, "target_comparison": [">="] * n,
    }).astype({"period": "string", "unit_code": "string", "indicator_id": "string"})


def test_quarterly_trend_compares_quarters_in_order_and_ignores_the_year():
    # The year 2023 (value 50) must not be the base of a quarterly trend, nor its previous value.
    history = _history(["2023", "2023-Q4", "2024-Q2", "2024-Q1", "2024-Q3"], [50.0, 90.0, 91.0, 90.5, 91.5])
    row = trends.trend_table(history, Period.parse("2024-Q3")).iloc[0]
    assert (row.previous_period, row.previous_value, row.base_period) == ("2024-Q2", 91.0, "2023-Q4")
    assert row.change == pytest.approx(0.5)
    # 90 → 91,5 over 0,75 years: (91.5/90)^(1/0.75) - 1 = 0.022290; required 90 → 99 from 2023.0 to 2030: 0.013709
    assert row.progress_ratio == pytest.approx(0.022290 / 0.013709, rel=1e-3) and row.status == "on_track"


def test_half_year_trend_uses_half_years_only():
    history = _history(["2023-H2", "2024", "2024-H1", "2024-H2"], [92.0, 10.0, 92.5, 92.4])
    row = trends.trend_table(history, Period.parse("2024-H2")).iloc[0]
    assert (row.previous_period, row.previous_value, row.base_period) == ("2024-H1", 92.5, "2023-H2")


def test_a_period_that_is_not_one_is_refused_at_the_command_line_with_exit_1(capsys):
    from pipelines import cli

    assert cli.main(["run", "--period", "2024-Q5"]) == 3  # 2 means data errors; a bad argument is a failure
    assert "argument --period: kỳ báo cáo '2024-Q5' không hợp lệ" in capsys.readouterr().err


def test_folders_that_are_not_periods_are_not_periods(tmp_path):
    from pipelines.intake import raw

    for name in ("2024", "2024-H1", "2024-h2", "2023-Q4", "notes", "2024-Q9"):
        (tmp_path / "raw" / name).mkdir(parents=True)
    (tmp_path / "raw" / "2022").write_text("a file, not a folder")
    assert [str(p) for p in raw.periods(tmp_path)] == ["2023-Q4", "2024-H1", "2024"]


def test_a_period_that_has_not_ended_is_not_reported_and_the_message_names_its_last_day(tmp_path, capsys):
    """`raw/2027` once gave a report dated 2028 with exit 0: a period's figures are final only after
    its last day, so a run refuses it (before any file is read); the day after, it is accepted."""
    from conftest import baocao_here
    from pipelines.core import errors
    from pipelines.publish import run

    (tmp_path / "data").mkdir()
    with pytest.raises(errors.UsageError) as refused:
        run.request(Period.parse("2026-Q4"), tmp_path / "data", tmp_path / "reports", today=dt.date(2026, 12, 31))
    assert str(refused.value) == ("kỳ 2026-Q4 chưa kết thúc (kết thúc ngày 31 tháng 12 năm 2026): số liệu chưa phải số "
                                  "liệu cuối kỳ; làm báo cáo sau ngày đó (kiểm tra dữ liệu trước thì được: baocao validate)")
    assert refused.value.text("en").startswith("period 2026-Q4 has not ended (it ends on 31 December 2026): ")
    with pytest.raises(errors.UsageError, match="^không có thư mục|--data-dir"):  # accepted: the next check speaks
        run.request(Period.parse("2026-Q4"), tmp_path / "nowhere", tmp_path / "reports", today=dt.date(2027, 1, 1))
    done = baocao_here(capsys, "run", "--period", "2099", "--data-dir", tmp_path / "data")
    assert done.returncode == 3 and done.stderr.startswith("LỖI: kỳ 2099 chưa kết thúc (kết thúc ngày 31 tháng 12 năm 2099)")
