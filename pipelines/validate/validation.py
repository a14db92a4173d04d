"""Validation of every raw form of a period, before anything is computed.

Rules are data, not code: two Great Expectations (GX 1.x) suites per form in `expectations/`.
`<form>.structure.json` runs on the text frame as typed (columns, blanks, number and code formats,
official commune codes and names, category codes, one row per key), so a bad cell is reported as
written; `<form>.values.json` runs on the typed frame (`raw.typed`) only once the structure has no
error (ranges, parts within wholes, totals equal to the sum of their parts, every commune and every
breakdown code present). Rules no built-in expectation states are our own GX expectations
(`gx_custom`). Rules across forms and periods (`crosscheck`, config/validation.yml) run on the forms
that passed: a form against another form of the period, and each count against the previous period.

GX gives tested checks, a result record and an HTML rendering (`gx_page`), but no message an officer
can act on. So each failed check becomes a `Problem` naming the file (and sheet), the line as seen in
an editor (the frame index is that line number; GX returns it in `unexpected_index_list`), the column,
the commune by its official name, the value found and the rule text kept in `meta.rule_vi` /
`meta.rule_en` (`gx_results`); `meta.severity` ("error", the default, or "warning") says whether it stops
the run. A file whose commune codes all belong to another unit gets one line naming it (`codes`).
Each rule of each file lists at most `max_lines_per_rule` lines (project.yml, default 20) and one line
counting the rest, and a repeated key is one line (`bounds`): a file of 200,000 bad rows gives a few
hundred lines, wherever they are shown.
A Problem is stored without language and written in Vietnamese or English when shown (`messages`),
so a run validates each period once whatever the languages of its reports.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from pipelines.core.errors import UsageError
from pipelines.core.text import check_lang, failure, t
from pipelines.intake import raw
from pipelines.units.period import Period
from pipelines.validate import bounds, codes, crosscheck, gx, gx_results, messages
from pipelines.validate.codes import other_list, unit_label  # noqa: F401 - part of this module's API
from pipelines.validate.gx_page import validation_page  # noqa: F401 - part of this module's API
from pipelines.validate.problems import SEVERITIES, Problem, ValidationOutcome, problems_csv, problems_frame  # noqa: F401

KINDS, RESULT_FORMAT = ("structure", "values"), {"result_format": "COMPLETE"}
# A cell breaking several rules ("6847": not 5 digits, not an official code) gets the first of these only.
_RULE_ORDER = ("expect_column_values_to_not_be_null", "expect_column_values_to_match_regex")


@lru_cache(maxsize=None)
def _batch_definition(form: str) -> Any:
    """One dataframe asset per form, so a result says which form it is about."""
    asset = gx.load()[1].data_sources.get("raw_forms").add_dataframe_asset(form)
    return asset.add_batch_definition_whole_dataframe("whole_table")


@lru_cache(maxsize=None)
def load_suite(form: str, kind: str) -> Any:
    """The suite `expectations/<form>.<kind>.json` as a GX ExpectationSuite (see `build_suite`)."""
    path = resources.files("pipelines") / "expectations" / f"{form}.{kind}.json"
    return build_suite(json.loads(path.read_text(encoding="utf-8")), f"{form}.{kind}.json")


def build_suite(spec: dict, source: str = "") -> Any:
    """Build each expectation explicitly: `gx.ExpectationSuite(expectations=[dicts])` logs and DROPS
    an entry whose type it does not know, so a misspelt type would silently lose a rule; this raises.
    `meta.severity` also sets GX's own severity (error → critical), so GX's record agrees."""
    ge = gx.load()[0]
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    built = []
    for i, entry in enumerate(spec["expectations"]):
        meta = entry.get("meta") or {}
        where = lambda lang, i=i, entry=entry: t(lang, "checks.suite_rule", suite=source or spec["name"],  # noqa: E731
                                                 number=i + 1, type=entry.get("type"))
        if not meta.get("rule_vi"):
            raise failure(UsageError, "checks.no_rule_text", where=where)
        if meta.get("severity", "error") not in SEVERITIES:
            raise failure(UsageError, "checks.suite_severity", where=where, severity=meta["severity"])
        severity = "critical" if meta.get("severity", "error") == "error" else "warning"  # GX's own words
        config = ExpectationConfiguration(type=entry["type"], kwargs=entry["kwargs"], meta=meta, severity=severity)
        built.append(config.to_domain_obj())
    return ge.ExpectationSuite(name=spec["name"], expectations=built, meta=spec.get("meta"))


_columns_of = gx_results.columns_of


def _with_level(name: str) -> str:
    """`Thị trấn Ba Chẽ` → `thị trấn Ba Chẽ`: the level word in lower case inside a sentence."""
    return messages.unit_name(name, "vi")


def _source(name: str, frame: pd.DataFrame) -> tuple[str, str | None]:
    """(file, sheet) a form was read from: the form's CSV file, unless the reader of a workbook left
    `frame.attrs["file"]` / `frame.attrs["sheet"]`."""
    return str(frame.attrs.get("file") or raw.forms()[name].file), frame.attrs.get("sheet")


def run_suite(form: str, kind: str, frame: pd.DataFrame, period: Period, parameters: dict) -> dict:
    """Validate one frame with one suite; the result as a deterministic JSON dict. The index is named
    `line` so GX reports each failing row as {"line": n, ...}; GX's one clock reading (`ge_load_time`)
    is dropped and the run is stamped with the period end: same data, same record, same page."""
    batch = _batch_definition(form).get_batch(batch_parameters={"dataframe": frame.rename_axis("line")})
    with gx.shared_configurations():  # the same result, without GX copying the commune list 100 times
        result = batch.validate(load_suite(form, kind), result_format=RESULT_FORMAT, expectation_parameters=parameters)
    out = result.to_json_dict()
    out["meta"].get("batch_markers", {}).pop("ge_load_time", None)
    out["meta"].setdefault("batch_spec", {})["data_asset_name"] = form
    out["meta"]["run_id"] = {"run_name": f"kiem-tra-{period}", "run_time": f"{period.end}T00:00:00Z"}
    out["results"].sort(key=lambda r: (_columns_of(r["expectation_config"]["kwargs"]), r["expectation_config"]["type"]))
    for r in out["results"]:  # tracebacks name this machine's paths; the exception message is kept
        for info in [r.get("exception_info") or {}, *(r.get("exception_info") or {}).values()]:
            if isinstance(info, dict) and info.get("exception_traceback"):
                info["exception_traceback"] = info.get("exception_message") or ""
    return out


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """Drop a problem on a cell that a more basic rule (see _RULE_ORDER) already flags."""
    rank = lambda p: _RULE_ORDER.index(p.rule) if p.rule in _RULE_ORDER else len(_RULE_ORDER)  # noqa: E731
    best: dict[tuple, int] = {}
    for p in problems:
        best[(p.file, p.line, p.column)] = min(rank(p), best.get((p.file, p.line, p.column), len(_RULE_ORDER)))
    return [p for p in problems if p.line is None or rank(p) <= best[(p.file, p.line, p.column)]]


def validate_period(frames: dict[str, pd.DataFrame], period: Period, communes: pd.DataFrame,
                    unit_name: str | None = None, previous: dict[str, pd.DataFrame] | None = None,
                    lang: str = "vi", previous_period: Period | None = None,
                    max_lines_per_rule: int | None = None) -> ValidationOutcome:
    """Validate every form of forms.yml, then the rules across forms and, given `previous` (the text
    frames of the previous period, as `raw.read_period` gives them), the change of every count from the
    previous period (`previous_period` names it in messages; default: the period before, 2024 → 2023;
    a previous period under the list of units before 1 July 2025 is re-based onto the new communes
    first, `crosscheck.comparable`). `communes` (code, name): the official communes of the unit
    reported on (from 1 July 2025 possibly only those present in the data), whose codes fill the
    suites' commune parameters (`suite_parameters`: every one must report) and whose names go into messages; a
    code outside them is also looked up in the whole lists before and after the reform (`other_list`),
    so an old code in 2025 data names the commune it became. `unit_name` ("Huyện Ba Chẽ") names the
    unit for unknown codes, derived if not given. `lang`: "vi" (default) or "en". `max_lines_per_rule`:
    lines listed per rule and file before one line counts the rest (default: project.yml's
    `validation.max_lines_per_rule`, `bounds`), for the forms' rules and the rules across forms alike."""
    lang, problems, results = check_lang(lang), [], []
    limit = bounds.max_lines_per_rule(max_lines_per_rule)
    passed = {}
    for name, form in raw.forms().items():
        if name not in frames:
            problems.append(Problem(form.file, None, None, None, None, "missing_file", "", "error", "missing_file",
                                    messages.facts(period=period), lang=lang))
            continue
        one = validate_form(name, frames[name], period, communes, unit_name, lang, limit)
        problems, results = problems + one.problems, results + one.results
        if one.ok:
            passed[name] = frames[name]
    names = _names(communes)
    sources = {name: _source(name, frame) for name, frame in passed.items()}
    problems += crosscheck.cross_form(passed, names, lang, sources)
    if previous:
        before = previous_period or crosscheck.previous_period(period)
        previous, before = crosscheck.comparable(previous, before, period, names, lang)  # across 1 July 2025
        problems += crosscheck.outliers(passed, previous, before, names, lang, sources)
    return ValidationOutcome(sorted(bounds.fold(problems, limit), key=_order), results)


def suite_parameters(names: dict[str, str]) -> dict[str, Any]:
    """The suites' parameters for the communes of the unit (code → name): `commune_codes` for the
    built-in code-list rule, which takes a list; `commune_list` (codes) and `commune_names` (code, tab,
    name) one commune a line, as text, for our own rules (`gx_custom`): GX handles a text as one
    item, a list or a dict item by item in each of its many copies (seconds per form for a country)."""
    codes = sorted(names)
    return {"commune_codes": codes, "commune_list": "\n".join(codes),
            "commune_names": "\n".join(f"{code}\t{names[code]}" for code in codes)}


def _names(communes: pd.DataFrame) -> dict[str, str]:
    return {str(code): messages.nfc(str(name)) for code, name in zip(communes["code"].tolist(), communes["name"].tolist())}


def validate_form(name: str, frame: pd.DataFrame, period: Period, communes: pd.DataFrame,
                  unit_name: str | None = None, lang: str = "vi", max_lines_per_rule: int | None = None
                  ) -> ValidationOutcome:
    """One form: the structure suite on the text frame, then, if it found no error, the values suite.
    Bounded before it is sorted (sorting writes each message): at most `max_lines_per_rule` lines per
    rule, as in `validate_period`."""
    lang, names = check_lang(lang), _names(communes)
    limit = bounds.max_lines_per_rule(max_lines_per_rule)
    parameters = suite_parameters(names)
    unit, source = codes.unit_part(period, communes, unit_name), _source(name, frame)
    if (beyond := bounds.too_many_rows(name, frame, communes, source, lang)) is not None:
        return ValidationOutcome([beyond], [])  # no rule run: each failing row costs GX a millisecond
    problems, results = [], []
    for kind in KINDS:
        data = frame if kind == "structure" else _whole(raw.typed(name, frame))
        result = run_suite(name, kind, data, period, parameters)
        results.append((name, result["suite_name"], result))
        found = gx_results.problems_of(result, frame, names, unit, period, lang, source)
        problems += found
        if any(p.severity == "error" for p in found) or (not result["success"] and not found):
            break
    problems = bounds.fold(codes.outside_scope(_first_per_cell(problems), frame, communes, period, unit, limit), limit)
    return ValidationOutcome(sorted(problems, key=_order), results)


def _whole(typed: pd.DataFrame) -> pd.DataFrame:
    """The typed frame for the values suite with counts as numpy whole numbers when none is missing
    (so after a clean structure suite): GX compares those at once, but calls a Python function per
    cell for pandas' nullable Int64 (1.4 s a period for a country); the results are the same."""
    counts = [c for c in typed.columns if str(typed[c].dtype) == "Int64" and not typed[c].isna().any()]
    return typed.astype({c: "int64" for c in counts}) if counts else typed


def _order(p: Problem) -> tuple:
    """File by file: its table-level problems, its lines in order, then the count lines of the rules
    whose lines were not all listed (`bounds`); ties in the order of the message in the language asked."""
    placement = 2 if bounds.is_more(p) else int(p.line is not None)
    return p.file, placement, p.line or 0, p.column or "", p.message
