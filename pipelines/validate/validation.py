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
`meta.rule_en`; `meta.severity` ("error", the default, or "warning") says whether it stops the run.
Messages are Vietnamese, or English with `lang="en"` (`messages`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from pipelines.intake import raw
from pipelines.units import reference
from pipelines.validate import crosscheck, messages
from pipelines.validate import gx
from pipelines.validate.gx_page import validation_page  # noqa: F401 - part of this module's API
from pipelines.validate.problems import SEVERITIES, Problem, ValidationOutcome, problems_csv, problems_frame  # noqa: F401

KINDS, RESULT_FORMAT = ("structure", "values"), {"result_format": "COMPLETE"}
# A cell breaking several rules ("6847": not 5 digits, not an official code) gets the first of these only.
_RULE_ORDER = ("expect_column_values_to_not_be_null", "expect_column_values_to_match_regex")
_IN_SET = "expect_column_values_to_be_in_set"
_TOTAL, _NAME, _GRID = ("expect_multicolumn_total_to_equal_sum_of_parts",
                        "expect_column_pair_values_to_match_official_name", "expect_table_to_have_full_grid")


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
        meta, where = entry.get("meta") or {}, f"{source or spec['name']}, quy tắc thứ {i + 1} ({entry.get('type')})"
        if not meta.get("rule_vi"):
            raise ValueError(f"{where}: thiếu meta.rule_vi")
        if meta.get("severity", "error") not in SEVERITIES:
            raise ValueError(f"{where}: meta.severity '{meta['severity']}' không hợp lệ (dùng error hoặc warning)")
        severity = "critical" if meta.get("severity", "error") == "error" else "warning"  # GX's own words
        config = ExpectationConfiguration(type=entry["type"], kwargs=entry["kwargs"], meta=meta, severity=severity)
        built.append(config.to_domain_obj())
    return ge.ExpectationSuite(name=spec["name"], expectations=built, meta=spec.get("meta"))


def _columns_of(kwargs: dict) -> list[str]:
    return [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs] + list(kwargs.get("column_list", []))


def run_suite(form: str, kind: str, frame: pd.DataFrame, period: str, parameters: dict) -> dict:
    """Validate one frame with one suite; the result as a deterministic JSON dict. The index is named
    `line` so GX reports each failing row as {"line": n, ...}; GX's one clock reading (`ge_load_time`)
    is dropped and the run is stamped with the period end: same data, same record, same page."""
    batch = _batch_definition(form).get_batch(batch_parameters={"dataframe": frame.rename_axis("line")})
    result = batch.validate(load_suite(form, kind), result_format=RESULT_FORMAT, expectation_parameters=parameters)
    out = result.to_json_dict()
    out["meta"].get("batch_markers", {}).pop("ge_load_time", None)
    out["meta"].setdefault("batch_spec", {})["data_asset_name"] = form
    out["meta"]["run_id"] = {"run_name": f"kiem-tra-{period}", "run_time": f"{reference.period_end(period)}T00:00:00Z"}
    out["results"].sort(key=lambda r: (_columns_of(r["expectation_config"]["kwargs"]), r["expectation_config"]["type"]))
    for r in out["results"]:  # tracebacks name this machine's paths; the exception message is kept
        for info in [r.get("exception_info") or {}, *(r.get("exception_info") or {}).values()]:
            if isinstance(info, dict) and info.get("exception_traceback"):
                info["exception_traceback"] = info.get("exception_message") or ""
    return out


def _with_level(name: str) -> str:
    """`Thị trấn Bình Liêu` → `thị trấn Bình Liêu`: the level word in lower case inside a sentence."""
    return messages.unit_name(name, "vi")


def unit_label(period: str, communes: pd.DataFrame, unit_name: str | None = None, lang: str = "vi") -> str:
    """The unit whose commune list applies, for the unknown-code message: given, or the parent all share."""
    if unit_name:
        return messages.unit_name(unit_name, lang)
    codes = set(communes["code"].astype(str))
    if len(codes) == 1:
        return messages.unit_name(str(communes["name"].iloc[0]), lang)
    table = reference.units(period)
    parents = set(table[(table["level"] == "commune") & table["code"].isin(codes)]["parent_code"])
    hit = table[(table["level"] != "commune") & table["code"].isin(parents)]
    return (messages.unit_name(str(hit["name"].iloc[0]), lang) if len(parents) == 1 and len(hit)
            else messages.text(lang, "unit_default"))


def other_list(code: str, period: str, lang: str = "vi") -> str | None:
    """What to say of a commune code refused by the code-list rule when it is an official code of the
    OTHER list of units (the reform of 1 July 2025): in a period under the 2025 list, an old code that
    list no longer has (`06844` Xã Đồng Tâm, now part of Xã Lục Hồn); in an earlier period, a code that
    only the 2025 list has. Checked against the whole lists of pipelines.reference, not only the
    communes of the unit reported on, since a caller may pass only the communes present in the data.
    A code of the 2025 list outside the communes checked is named as such (the rule's own message would
    say "not in the list of tỉnh Quảng Ninh" of a Quảng Ninh commune absent from the data). None for a
    code of the legacy list outside the unit (the rule's own message says so) and for a code in neither
    list. Codes the new communes kept (06838, 06841, 06856) are in both lists."""
    from pipelines.units import crosswalk

    def commune(period_of_list: str) -> pd.Series | None:
        table = reference.units(period_of_list)
        hits = table[(table["level"] == "commune") & (table["code"] == code)]
        return None if hits.empty else hits.iloc[0]

    new_list = reference.list_in_force(period) == "2025"
    name = lambda n: messages.nfc(n) if lang == "vi" else messages.unit_name(messages.nfc(n), lang)  # noqa: E731
    in_force = commune(period) if code else None
    if in_force is not None:  # from 1 July 2025 the communes checked may be only those present: say so
        return messages.text(lang, "not_reported", value=code, name=name(str(in_force["name"])),
                             period=period) if new_list else None
    if not code:
        return None
    other = commune(crosswalk.LAST_LEGACY_PERIOD if new_list else crosswalk.FIRST_NEW_PERIOD)
    if other is None:
        return None
    if not new_list:
        return messages.text(lang, "new_code", value=code, name=name(str(other["name"])),
                             date=messages.reform_date(lang), period=period)
    try:
        became = crosswalk.successor(code)
    except crosswalk.CrosswalkError:
        return None
    successors = messages.text(lang, "and").join(f"{name(n)} ({c})" for c, n in became)
    return messages.text(lang, "legacy_code", value=code, name=name(str(other["name"])),
                         date=messages.reform_date(lang), successors=successors)


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def _source(name: str, frame: pd.DataFrame) -> tuple[str, str | None]:
    """(file, sheet) a form was read from: the form's CSV file, unless the reader of a workbook left
    `frame.attrs["file"]` / `frame.attrs["sheet"]`."""
    return str(frame.attrs.get("file") or raw.forms()[name].file), frame.attrs.get("sheet")


def _problems(result: dict, frame: pd.DataFrame, names: dict[str, str], unit: str, period: str, lang: str,
              source: tuple[str, str | None]) -> list[Problem]:
    """Turn a GX result into one Problem per failing cell (or per column or missing row for table-level checks)."""
    (f, sheet), out, missing = source, [], set()

    def place(line: int | None = None, column: str | None = None, code: str = "") -> str:
        label = messages.commune(code, names.get(code), lang) if code else ""
        return messages.where(lang, f, sheet, line, column, label)

    def problem(line, column, code, rule, value, severity, text) -> Problem:
        name = names.get(code) if code else None
        return Problem(f, line, column, code or None, name, rule, value, severity, text, sheet)
    for r in result["results"]:  # column set first: a missing column makes other checks raise
        if r["expectation_config"]["type"] == "expect_table_columns_to_match_set" and not r["success"]:
            rule, mismatched = r["expectation_config"]["type"], r["result"]["details"]["mismatched"]
            missing = set(mismatched.get("missing") or [])
            out += [problem(None, c, "", rule, "", "error", messages.message(lang, "missing_column", place(column=c)))
                    for c in sorted(missing)]
            out += [problem(None, c, "", rule, "", "error", messages.message(lang, "extra_column", place(column=c)))
                    for c in mismatched.get("unexpected") or []]
    for r in result["results"]:
        config = r["expectation_config"]
        rule, kw, meta = config["type"], config["kwargs"], config["meta"]
        if r["success"] or rule == "expect_table_columns_to_match_set":
            continue
        severity, rule_text = meta.get("severity", "error"), messages.rule_text(meta, lang, unit=unit, period=period)
        info = r.get("exception_info") or {}
        errors = [info] + [v for v in info.values() if isinstance(v, dict)]
        raised = [e.get("exception_message") or "" for e in errors if e.get("raised_exception")]
        if raised:
            if not set(_columns_of(kw)) & missing:  # a missing column is reported once, above
                out.append(problem(None, None, "", rule, "", "error",
                                   messages.message(lang, "rule_failed", place(), rule=rule, reason=raised[0])))
            continue
        if rule == _GRID:  # missing rows: a commune with no row at all, or a breakdown code missing
            for code, value in r["result"]["details"]["missing"]:
                if value is None:
                    text = messages.message(lang, "missing_commune", place(),
                                            commune=messages.commune(code, names.get(code), lang))
                else:
                    text = messages.message(lang, "missing_row", place(None, kw["breakdown_column"], code),
                                            value=value, rule=rule_text)
                out.append(problem(None, value and kw["breakdown_column"], code, rule, value or "", severity, text))
            continue
        hits = r["result"].get("unexpected_index_list") or []
        if not hits:
            out.append(problem(None, None, "", rule, "", severity, messages.message(
                lang, "table_rule", place(), rule=rule_text, observed=_text(r["result"].get("observed_value")))))
        for hit in hits:
            line = int(hit["line"])
            code = _text(frame.at[line, "commune_code"]) if "commune_code" in frame.columns else ""
            column = " + ".join(kw["column_list"]) if "column_list" in kw else kw.get("column_B", kw.get("column"))
            column = kw["total_column"] if rule == _TOTAL else column
            value = _text(hit.get(column))
            if rule == _TOTAL:  # a total that is not the sum of its parts: show the parts
                parts = [c for c in kw["column_list"] if c != column]
                detail = messages.text(lang, "sum", total=column, value=value, parts=" + ".join(parts),
                                       part_values=" + ".join(_text(hit.get(c)) for c in parts),
                                       sum=str(sum(int(hit[c]) for c in parts)), rule=rule_text)
            elif "column_list" in kw:  # one row per key: name every line holding the same key
                key = [_text(hit.get(c)) for c in kw["column_list"]]
                value = ", ".join(key)
                lines = sorted(int(h["line"]) for h in hits if [_text(h.get(c)) for c in kw["column_list"]] == key)
                detail = messages.text(lang, "duplicate", value=value, rule=rule_text, lines=", ".join(map(str, lines)))
            elif rule == _NAME:  # a name that is not the official name of the code
                detail = messages.text(lang, "name", value=value, expected=names.get(_text(hit.get(kw["column_A"]))))
            elif "column_B" in kw:  # part above its whole: report the part, show both values
                detail = messages.text(lang, "above", part=column, value=value, whole=kw["column_A"],
                                       whole_value=_text(hit.get(kw["column_A"])), rule=rule_text)
            elif rule == _IN_SET and column == "commune_code" and (moved := other_list(value, period, lang)):
                detail = moved  # a code of the list before / after 1 July 2025: say which unit it is now
            else:
                detail = messages.text(lang, "cell" if value else "empty", value=value, rule=rule_text)
            out.append(problem(line, column, code, rule, value, severity, f"{place(line, column, code)}: {detail}"))
    return out


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """Drop a problem on a cell that a more basic rule (see _RULE_ORDER) already flags."""
    rank = lambda p: _RULE_ORDER.index(p.rule) if p.rule in _RULE_ORDER else len(_RULE_ORDER)  # noqa: E731
    best: dict[tuple, int] = {}
    for p in problems:
        best[(p.file, p.line, p.column)] = min(rank(p), best.get((p.file, p.line, p.column), len(_RULE_ORDER)))
    return [p for p in problems if p.line is None or rank(p) <= best[(p.file, p.line, p.column)]]


def validate_period(frames: dict[str, pd.DataFrame], period: str, communes: pd.DataFrame,
                    unit_name: str | None = None, previous: dict[str, pd.DataFrame] | None = None,
                    lang: str = "vi", previous_period: str | None = None) -> ValidationOutcome:
    """Validate every form of forms.yml, then the rules across forms and, given `previous` (the text
    frames of the previous period, as `raw.read_period` gives them), the change of every count from the
    previous period (`previous_period` names it in messages; default: the period before, 2024 → 2023;
    a previous period under the list of units before 1 July 2025 is re-based onto the new communes
    first, `crosscheck.comparable`). `communes` (code, name): the official communes of the unit
    reported on (from 1 July 2025 possibly only those present in the data), whose codes fill the
    suites' `commune_codes` parameter (every one must report) and whose names go into messages; a
    code outside them is also looked up in the whole lists before and after the reform (`other_list`),
    so an old code in 2025 data names the commune it became. `unit_name` ("Huyện Bình Liêu") names the
    unit for unknown codes, derived if not given. `lang`: "vi" (default) or "en"."""
    period, lang, problems, results = reference.normalise_period(period), messages.check_lang(lang), [], []
    passed = {}
    for name, form in raw.forms().items():
        if name not in frames:
            problems.append(Problem(form.file, None, None, None, None, "missing_file", "", "error", messages.message(
                lang, "missing_file", messages.where(lang, form.file), period=period)))
            continue
        one = validate_form(name, frames[name], period, communes, unit_name, lang)
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
    return ValidationOutcome(sorted(problems, key=_order), results)


def _names(communes: pd.DataFrame) -> dict[str, str]:
    return {str(code): messages.nfc(str(name)) for code, name in zip(communes["code"], communes["name"])}


def validate_form(name: str, frame: pd.DataFrame, period: str, communes: pd.DataFrame,
                  unit_name: str | None = None, lang: str = "vi") -> ValidationOutcome:
    """One form: the structure suite on the text frame, then, if it found no error, the values suite."""
    period, lang, names = reference.normalise_period(period), messages.check_lang(lang), _names(communes)
    parameters = {"commune_codes": sorted(names), "commune_names": names}
    unit, source = unit_label(period, communes, unit_name, lang), _source(name, frame)
    problems, results = [], []
    for kind in KINDS:
        data = frame if kind == "structure" else raw.typed(name, frame)
        result = run_suite(name, kind, data, period, parameters)
        results.append((name, result["suite_name"], result))
        found = _problems(result, frame, names, unit, period, lang, source)
        problems += found
        if any(p.severity == "error" for p in found) or (not result["success"] and not found):
            break
    return ValidationOutcome(sorted(_first_per_cell(problems), key=_order), results)


def _order(p: Problem) -> tuple:
    return p.file, p.line is not None, p.line or 0, p.column or "", p.message
