"""Validate once, write in any language; and errors that point at the fix.

A Problem holds facts and a message key with its values, never a finished sentence, so one
validation gives the command line's messages and every report language's table. A file whose
commune codes all belong to another unit is one line naming that unit and the `--scope` that would
work, not one line per row. All in-process and small: one form through GX, or a run whose
validation is counted (and faked) and which stops before any notebook.
"""

from __future__ import annotations

import collections
import csv
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines.intake import raw
from pipelines.units import reference
from pipelines.validate import codes, messages, validation
from pipelines.validate.messages import Change, Words
from pipelines.validate.problems import Problem, ValidationOutcome, problems_csv, problems_frame
from pipelines.units.period import Period

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
BINH_LIEU = reference.communes_of(Period.parse("2024"), "198", "district")[["code", "name"]].reset_index(drop=True)
WHOLE_VI = "phải là số nguyên không âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)"
WHOLE_EN = "must be a whole number >= 0 written with the digits 0-9 only (no dots, commas, minus signs or letters)"


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _form(folder: Path, rows: list[list[str]], name: str = "population") -> pd.DataFrame:
    path = folder / raw.forms()[name].file
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return raw.read_form(path)


def _remapped(period: str, mapping: dict[str, tuple[str, str]]) -> list[list[str]]:
    """The sample's population.csv of `period` with each commune's code and name replaced."""
    rows = _rows(RAW / period / "population.csv")
    return [rows[0]] + [[*mapping[row[0]], *row[2:]] for row in rows[1:]]


def _communes_of(period: str, parent: str) -> list[tuple[str, str]]:
    table = reference.units(period)
    found = table[(table["level"] == "commune") & (table["parent_code"] == parent)]
    return list(zip(found["code"], found["name"]))


# One stored problem, two languages ---------------------------------------------------------------

def test_one_validated_problem_is_written_in_both_languages(tmp_path):
    rows = _rows(RAW / "2024" / "population.csv")
    rows[7][rows[0].index("children_under_16")] = "-3"
    outcome = validation.validate_form("population", _form(tmp_path, rows), Period.parse("2024"), BINH_LIEU)
    [problem] = outcome.problems
    assert (problem.file, problem.line, problem.column, problem.commune_code, problem.rule, problem.value,
            problem.key) == ("population.csv", 8, "children_under_16", "06847", "expect_column_values_to_match_regex",
                             "-3", "cell")
    vi = f"population.csv dòng 8, cột children_under_16, xã Đồng Văn (06847): giá trị -3 {WHOLE_VI}"
    en = f"population.csv line 8, column children_under_16, Đồng Văn commune (06847): value -3 {WHOLE_EN}"
    assert (problem.message_in("vi"), problem.message_in("en"), problem.message) == (vi, en, vi)
    assert messages.render(problem, "en") == en
    assert list(problems_frame(outcome, "en")["message"]) == [en]
    assert list(problems_frame(outcome)["message"]) == [vi]  # default: the language validation was asked in
    assert [row[-1] for row in csv.reader(problems_csv(outcome, "en").splitlines())] == ["message", en]
    assert not any(vi in str(value) or en in str(value) for value in vars(problem).values())  # no sentence stored


def test_parts_of_a_message_are_written_per_language():
    """An outlier against a re-based period: the percentage, the date and the nested sentence are
    written in the language shown; the problem survives a pickle (Dask) and compares by its facts."""
    problem = Problem("population.csv", 4, "children_under_16", "06838", "Xã Bình Liêu",
                      "change_from_previous_period", "630", "warning", "outlier",
                      messages.facts(value="630", previous="300", change=Change(1.1),
                                     previous_period=Words.of("rebased", period="2024", date=messages.ReformDate())))
    assert problem.message_in("vi") == (
        "population.csv dòng 4, cột children_under_16, xã Bình Liêu (06838): giá trị 630 thay đổi +110,0 % so với kỳ "
        "2024 (số liệu quy đổi theo đơn vị hành chính từ 01/07/2025) (300); kiểm tra lại")
    assert problem.message_in("en") == (
        "population.csv line 4, column children_under_16, Bình Liêu commune (06838): value 630 changed by +110.0% "
        "from period 2024 (re-based to the administrative units in force from 1 July 2025) (300); please check")
    again = pickle.loads(pickle.dumps(problem))
    assert again == problem and hash(again) == hash(problem) and again.message_in("en") == problem.message_in("en")
    with pytest.raises(ValueError):
        problem.message_in("fr")


def test_a_code_of_the_other_list_is_named_in_both_languages(tmp_path):
    """06844 Xã Đồng Tâm is a code of the legacy list only: in 2025 data it names what it became."""
    rows = _rows(RAW / "2025" / "population.csv")
    rows[1][0], rows[2][0] = "06844", "06844"
    communes = reference.units(Period.parse("2025"))
    communes = communes[(communes["level"] == "commune") & communes["code"].isin({r[0] for r in _rows(
        RAW / "2025" / "population.csv")[1:]})][["code", "name"]]
    outcome = validation.validate_form("population", _form(tmp_path, rows), Period.parse("2025"), communes)
    problem = next(p for p in outcome.problems if p.rule == codes.IN_SET)
    assert problem.key == "legacy_code"
    assert problem.message_in("vi").endswith(": giá trị 06844 là mã xã cũ (Xã Đồng Tâm), từ 01/07/2025 thuộc "
                                             "Xã Lục Hồn (06856)")
    assert problem.message_in("en").endswith(": value 06844 is a former commune code (Đồng Tâm commune); from "
                                             "1 July 2025 it is part of Lục Hồn commune (06856)")


# Codes of another unit ----------------------------------------------------------------------------

def test_codes_all_of_another_district_are_one_line_with_the_scope_to_use(tmp_path):
    own = list(dict.fromkeys(row[0] for row in _rows(RAW / "2024" / "population.csv")[1:]))
    frame = _form(tmp_path, _remapped("2024", dict(zip(own, _communes_of(Period.parse("2024"), "199")))))  # Huyện Tiên Yên
    outcome = validation.validate_form("population", frame, Period.parse("2024"), BINH_LIEU)
    assert [(p.severity, p.line, p.column, p.key) for p in outcome.problems] == [
        ("error", None, "commune_code", "other_unit")]
    [problem] = outcome.problems
    assert problem.message_in("vi") == (
        "population.csv, cột commune_code: tất cả mã xã thuộc huyện Tiên Yên (199), không thuộc huyện Bình Liêu: "
        "chạy với --scope district:199")
    assert problem.message_in("en") == (
        "population.csv, column commune_code: every commune code belongs to Tiên Yên district (199), not to Bình Liêu "
        "district: run with --scope district:199")


def test_codes_all_of_another_province_name_the_province_from_2025(tmp_path):
    rows = _rows(RAW / "2025" / "population.csv")
    own = list(dict.fromkeys(row[0] for row in rows[1:]))
    table = reference.units(Period.parse("2025"))
    communes = table[(table["level"] == "commune") & table["code"].isin(own)][["code", "name"]]
    frame = _form(tmp_path, _remapped("2025", dict(zip(own, _communes_of(Period.parse("2025"), "04")))))  # Tỉnh Cao Bằng
    [problem] = validation.validate_form("population", frame, Period.parse("2025"), communes, lang="en").problems
    assert problem.message == (
        "population.csv, column commune_code: every commune code belongs to Cao Bằng province (04), not to Quảng Ninh "
        "province: run with --scope province:04")
    assert problem.message_in("vi").endswith(
        ": tất cả mã xã thuộc tỉnh Cao Bằng (04), không thuộc tỉnh Quảng Ninh: chạy với --scope province:04")


def test_codes_spread_over_several_units_are_listed_up_to_a_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(codes, "LIMIT", 5)
    own = list(dict.fromkeys(row[0] for row in _rows(RAW / "2024" / "population.csv")[1:]))
    mixed = dict(zip(own, _communes_of(Period.parse("2024"), "199")[:4] + _communes_of(Period.parse("2024"), "200")[:3]))
    outcome = validation.validate_form("population", _form(tmp_path, _remapped("2024", mixed)), Period.parse("2024"), BINH_LIEU)
    assert [(p.line, p.key) for p in outcome.problems] == [(line, "cell") for line in range(2, 7)] + [
        (None, "more_lines")]
    assert outcome.problems[0].message_in("vi") == (
        "population.csv dòng 2, cột commune_code, mã xã 06862: giá trị 06862 không có trong danh mục đơn vị hành chính "
        "cấp xã của huyện Bình Liêu áp dụng cho kỳ 2024")
    assert outcome.problems[-1].message_in("vi") == (
        "population.csv, cột commune_code: … và 9 dòng khác có mã xã không thuộc huyện Bình Liêu")
    assert outcome.problems[-1].message_in("en") == (
        "population.csv, column commune_code: … and 9 more lines with a commune code not of Bình Liêu district")


def test_a_code_of_the_scope_among_others_keeps_the_lines(tmp_path):
    """One row of the scope's own commune: not a file of another unit, so each row is named."""
    own = list(dict.fromkeys(row[0] for row in _rows(RAW / "2024" / "population.csv")[1:]))
    mapping = dict(zip(own, _communes_of(Period.parse("2024"), "199")))
    mapping[own[0]] = tuple(BINH_LIEU.iloc[0])
    outcome = validation.validate_form("population", _form(tmp_path, _remapped("2024", mapping)), Period.parse("2024"), BINH_LIEU)
    assert {p.key for p in outcome.problems} == {"cell"} and len(outcome.problems) == 12


# A run validates each period once ------------------------------------------------------------------

class _Stop(Exception):
    """Raised where the run would start the notebooks: everything validation feeds is written by then."""


def test_a_run_validates_each_period_once_and_writes_each_language_from_it(tmp_path, monkeypatch):
    from pipelines.core import outputs
    from pipelines.publish import fanout, run
    from pipelines.units.period import Period
    from pipelines.units.scope import Scope

    data = tmp_path / "data"
    for period in ("2023", "2024"):
        shutil.copytree(RAW / period, data / "raw" / period)
    if (RAW.parent / "baocao.yml").is_file():
        shutil.copy(RAW.parent / "baocao.yml", data / "baocao.yml")
    warning = Problem("population.csv", 4, "children_under_16", "06847", "Xã Đồng Văn", "change_from_previous_period",
                      "630", "warning", "outlier", messages.facts(value="630", previous="300", change=Change(1.1),
                                                                  previous_period=Period.parse("2023")))
    calls = collections.Counter()

    def validate_period(frames, period, communes, *args, **kwargs):
        calls[str(period)] += 1
        return ValidationOutcome([warning], [])
    written = {}

    def write_parquet(frame, path, *args, **kwargs):
        written[Path(path).name] = frame.copy()

    def render(todo, cwd, pool, say, code, lang="vi"):
        raise _Stop
    monkeypatch.setattr(validation, "validate_period", validate_period)
    monkeypatch.setattr(outputs, "write_parquet", write_parquet)
    monkeypatch.setattr(outputs, "write_text", lambda *args, **kwargs: None)
    monkeypatch.setattr(fanout, "render", render)
    with pytest.raises(_Stop):
        run.run_period(Period.parse("2024"), data, tmp_path / "reports", say=lambda _: None, scope=Scope("district", "198"),
                       languages=("vi", "en"), report_editions=("internal",))
    assert calls == {"2024": 1, "2023": 1}
    assert list(written["validation-problems.parquet"]["message"]) == [warning.message_in("vi")]
    assert list(written["validation-problems-en.parquet"]["message"]) == [
        "population.csv line 4, column children_under_16, Đồng Văn commune (06847): value 630 changed by +110.0% "
        "from period 2023 (300); please check"]
