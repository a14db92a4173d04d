"""Deadlines of a deployment (pipelines.core.deadlines): dates computed by hand, settings refused
with the file and the key."""

import datetime as dt

import pytest

from pipelines.core import deployment, errors, schema
from pipelines.core.deadlines import Deadlines
from pipelines.core.text import t

YEAR_END, HALF_END = dt.date(2024, 12, 31), dt.date(2025, 6, 30)
SITE = Deadlines({"year": 15, "half": 10}, {"protection_cases": 20})


def test_a_form_is_due_days_after_the_period_ends_and_a_form_of_its_own_later():
    assert SITE.due(YEAR_END, "year", "population") == dt.date(2025, 1, 15)
    assert SITE.due(YEAR_END, "year", "protection_cases") == dt.date(2025, 1, 20)
    assert SITE.due(HALF_END, "half", "population") == dt.date(2025, 7, 10)
    assert SITE.due(YEAR_END, "year") == dt.date(2025, 1, 20)  # every form: the latest
    assert SITE.due(dt.date(2025, 3, 31), "quarter", "population") is None  # no deadline for quarters
    assert Deadlines().due(YEAR_END, "year") is None and not Deadlines().set


def test_a_run_publishes_without_late_units_only_after_every_form_is_due():
    assert not SITE.publishes_without(YEAR_END, "year", dt.date(2025, 1, 20))  # the last due day itself
    assert SITE.publishes_without(YEAR_END, "year", dt.date(2025, 1, 21))
    assert SITE.overdue(YEAR_END, "year", dt.date(2025, 1, 16), "population")
    strict = Deadlines({"year": 15}, {}, "error")
    assert strict.overdue(YEAR_END, "year", dt.date(2025, 2, 1)) and not strict.publishes_without(
        YEAR_END, "year", dt.date(2025, 2, 1))
    assert not Deadlines().publishes_without(YEAR_END, "year", dt.date(2030, 1, 1))


def test_settings_with_deadlines_load(tmp_path):
    (tmp_path / "baocao.yml").write_text(
        "deadlines:\n  days_after_end: {year: 15, half: 10}\n  forms: {protection_cases: 20}\n"
        "  missing_after_due: error\n", encoding="utf-8")
    assert deployment.load(tmp_path).deadlines == Deadlines({"year": 15, "half": 10}, {"protection_cases": 20}, "error")


@pytest.mark.parametrize("spec, key, message", [
    ("deadlines: {days: 3}", "errors.settings.deadlines", {"key": "deadlines",
                                                          "keys": "days_after_end, forms, missing_after_due"}),
    ("deadlines: {days_after_end: {month: 3}}", "errors.settings.deadline_days",
     {"key": "deadlines.days_after_end", "keys": "year, half, quarter"}),
    ("deadlines: {days_after_end: {year: -1}}", "errors.settings.deadline_days",
     {"key": "deadlines.days_after_end", "keys": "year, half, quarter"}),
    ("deadlines: {forms: {nope: 3}}", "errors.settings.deadline_days", {"key": "deadlines.forms", "keys": ", ".join(schema.forms())}),
    ("deadlines: {missing_after_due: later}", "errors.settings.missing_after_due",
     {"key": "deadlines.missing_after_due", "choices": "publish, error"}),
])
def test_bad_deadlines_are_refused_naming_the_file_and_the_key(tmp_path, spec, key, message):
    path = tmp_path / "baocao.yml"
    path.write_text(spec + "\n", encoding="utf-8")
    with pytest.raises(errors.UsageError) as refused:
        deployment.load(tmp_path)
    assert refused.value.text("vi") == t("vi", key, path=path, **message)
