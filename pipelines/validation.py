"""Validation of every raw form of a period, before anything is computed.

Rules are data, not code: two Great Expectations (GX 1.x) suites per form in `expectations/`.
`<form>.structure.json` runs on the text frame as typed (columns, blanks, number and code formats,
official commune codes, category codes, one row per key), so a bad cell is reported as written;
`<form>.values.json` runs on the typed frame (`raw.typed`) only once the structure passed.

GX gives tested checks, a result record and an HTML rendering, but no message an officer can act
on. So each failed check becomes a `Problem` naming the file, the line as seen in an editor (the
frame index is that line number; GX returns it in `unexpected_index_list`), the column, the
commune by its official name, the value found and the rule text kept in `meta.rule_vi`.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from pipelines import raw, reference

KINDS, RESULT_FORMAT = ("structure", "values"), {"result_format": "COMPLETE"}
# A cell breaking several rules ("6847": not 5 digits, not an official code) gets the first of these only.
_RULE_ORDER = ("expect_column_values_to_not_be_null", "expect_column_values_to_match_regex")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # as the user sees it: header = 1; None for a table-level problem
    column: str | None
    commune_code: str | None
    commune_name: str | None
    rule: str  # short rule id: the expectation type
    value: str  # the value found, as typed ("" for an empty cell)
    severity: str
    message: str  # Vietnamese, one line


@dataclass(frozen=True)
class ValidationOutcome:
    problems: list[Problem]
    results: list[tuple[str, str, dict]]  # (form, suite name, GX validation result as JSON dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@lru_cache(maxsize=1)
def _gx() -> Any:
    """Import GX once per process (about 4 s) and build one in-memory context. Analytics are off
    (a scheduled run must not phone home); progress bars and logging are silenced (the log is for officers)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("raw_forms")
    return gx, context


@lru_cache(maxsize=None)
def _batch_definition(form: str) -> Any:
    """One dataframe asset per form, so a result says which form it is about."""
    asset = _gx()[1].data_sources.get("raw_forms").add_dataframe_asset(form)
    return asset.add_batch_definition_whole_dataframe("whole_table")


@lru_cache(maxsize=None)
def load_suite(form: str, kind: str) -> Any:
    """Build each expectation explicitly: `gx.ExpectationSuite(expectations=[dicts])` logs and DROPS
    an entry whose type it does not know, so a misspelt type would silently lose a rule; this raises."""
    gx = _gx()[0]
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    path = resources.files("pipelines") / "expectations" / f"{form}.{kind}.json"
    spec, built = json.loads(path.read_text(encoding="utf-8")), []
    for i, entry in enumerate(spec["expectations"]):
        if not (entry.get("meta") or {}).get("rule_vi"):
            raise ValueError(f"{form}.{kind}.json, quy tắc thứ {i + 1} ({entry.get('type')}): thiếu meta.rule_vi")
        config = ExpectationConfiguration(type=entry["type"], kwargs=entry["kwargs"], meta=entry["meta"])
        built.append(config.to_domain_obj())
    return gx.ExpectationSuite(name=spec["name"], expectations=built, meta=spec.get("meta"))


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
    return name[: len(name) - len(reference.short_name(name))].lower() + reference.short_name(name)


def unit_label(period: str, communes: pd.DataFrame, unit_name: str | None = None) -> str:
    """The unit whose commune list applies, for the unknown-code message: given, or the parent all share."""
    if unit_name:
        return _with_level(unit_name)
    codes = set(communes["code"].astype(str))
    if len(codes) == 1:
        return _with_level(str(communes["name"].iloc[0]))
    table = reference.units(period)
    parents = set(table[(table["level"] == "commune") & table["code"].isin(codes)]["parent_code"])
    hit = table[(table["level"] != "commune") & table["code"].isin(parents)]
    return _with_level(str(hit["name"].iloc[0])) if len(parents) == 1 and len(hit) else "đơn vị báo cáo"


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def _problems(form: raw.Form, result: dict, frame: pd.DataFrame, names: dict[str, str], unit: str,
              period: str) -> list[Problem]:
    """Turn a GX result into one Problem per failing cell (or per column for table-level checks)."""
    f, out, missing = form.file, [], set()
    def table_problem(rule: str, msg: str, column: str | None = None) -> Problem:  # no line: the whole table
        return Problem(f, None, column, None, None, rule, "", "error", msg)
    for r in result["results"]:  # column set first: a missing column makes other checks raise
        if r["expectation_config"]["type"] == "expect_table_columns_to_match_set" and not r["success"]:
            rule, mismatched = r["expectation_config"]["type"], r["result"]["details"]["mismatched"]
            missing = set(mismatched.get("missing") or [])
            out += [table_problem(rule, f"{f}, cột {c}: thiếu cột bắt buộc", c) for c in sorted(missing)]
            out += [table_problem(rule, f"{f}, cột {c}: cột không có trong mẫu biểu, cần xóa hoặc sửa tên cột", c)
                    for c in mismatched.get("unexpected") or []]
    for r in result["results"]:
        rule, kw = r["expectation_config"]["type"], r["expectation_config"]["kwargs"]
        if r["success"] or rule == "expect_table_columns_to_match_set":
            continue
        rule_vi = r["expectation_config"]["meta"]["rule_vi"].replace("{unit}", unit).replace("{period}", period)
        info = r.get("exception_info") or {}
        errors = [info] + [v for v in info.values() if isinstance(v, dict)]
        raised = [e.get("exception_message") or "" for e in errors if e.get("raised_exception")]
        if raised:
            if not set(_columns_of(kw)) & missing:  # a missing column is reported once, above
                out.append(table_problem(rule, f"{f}: không chạy được quy tắc {rule} ({raised[0]})"))
            continue
        hits = r["result"].get("unexpected_index_list") or []
        if not hits:
            out.append(table_problem(rule, f"{f}: {rule_vi} (kết quả: {_text(r['result'].get('observed_value'))})"))
        for hit in hits:
            line = int(hit["line"])
            code = _text(frame.at[line, "commune_code"]) if "commune_code" in frame.columns else ""
            name = names.get(code)
            column = " + ".join(kw["column_list"]) if "column_list" in kw else kw.get("column_B", kw.get("column"))
            value = _text(hit.get(column))
            if "column_list" in kw:  # one row per key: name every line holding the same key
                key = [_text(hit.get(c)) for c in kw["column_list"]]
                value = ", ".join(key)
                lines = sorted(int(h["line"]) for h in hits if [_text(h.get(c)) for c in kw["column_list"]] == key)
                detail = f"giá trị ({value}) {rule_vi} (trùng ở các dòng {', '.join(map(str, lines))})"
            elif "column_B" in kw:  # part above its whole: report the part, show both values
                whole = kw["column_A"]
                detail = f"giá trị {column} = {value} lớn hơn {whole} = {_text(hit.get(whole))} ({rule_vi})"
            else:
                detail = f"giá trị {value} {rule_vi}" if value else f"ô để trống, {rule_vi}"
            where = f"{_with_level(name)} ({code})" if name else (f"mã xã {code}" if code else "")
            message = f"{f} dòng {line}, cột {column}{', ' + where if where else ''}: {detail}"
            out.append(Problem(f, line, column, code or None, name, rule, value, "error", message))
    return out


def _first_per_cell(problems: list[Problem]) -> list[Problem]:
    """Drop a problem on a cell that a more basic rule (see _RULE_ORDER) already flags."""
    rank = lambda p: _RULE_ORDER.index(p.rule) if p.rule in _RULE_ORDER else len(_RULE_ORDER)  # noqa: E731
    best: dict[tuple, int] = {}
    for p in problems:
        best[(p.file, p.line, p.column)] = min(rank(p), best.get((p.file, p.line, p.column), len(_RULE_ORDER)))
    return [p for p in problems if p.line is None or rank(p) <= best[(p.file, p.line, p.column)]]


def validate_period(frames: dict[str, pd.DataFrame], period: str, communes: pd.DataFrame,
                    unit_name: str | None = None) -> ValidationOutcome:
    """Validate every form of forms.yml. `communes` (code, name): the official communes of the unit
    reported on, whose codes fill the suites' `commune_codes` parameter and whose names go into
    messages; `unit_name` ("Huyện Bình Liêu") names the unit for unknown codes, derived if not given."""
    period, problems, results = reference.normalise_period(period), [], []
    for name, form in raw.forms().items():
        if name not in frames:
            problems.append(Problem(form.file, None, None, None, None, "missing_file", "", "error",
                                    f"{form.file}: thiếu tệp biểu mẫu của kỳ {period}"))
            continue
        one = validate_form(name, frames[name], period, communes, unit_name)
        problems, results = problems + one.problems, results + one.results
    return ValidationOutcome(sorted(problems, key=_order), results)


def validate_form(name: str, frame: pd.DataFrame, period: str, communes: pd.DataFrame,
                  unit_name: str | None = None) -> ValidationOutcome:
    """One form: the structure suite on the text frame, then, if it passed, the values suite."""
    period, form = reference.normalise_period(period), raw.forms()[name]
    names = dict(zip(communes["code"].astype(str), communes["name"].astype(str)))
    parameters, unit = {"commune_codes": sorted(names)}, unit_label(period, communes, unit_name)
    problems, results = [], []
    for kind in KINDS:
        data = frame if kind == "structure" else raw.typed(name, frame)
        result = run_suite(name, kind, data, period, parameters)
        results.append((name, result["suite_name"], result))
        problems += _problems(form, result, frame, names, unit, period)
        if not result["success"]:
            break
    return ValidationOutcome(sorted(_first_per_cell(problems), key=_order), results)


def _order(p: Problem) -> tuple:
    return p.file, p.line is not None, p.line or 0, p.column or "", p.message


def validation_page(outcome: ValidationOutcome, period: str) -> str:
    """The HTML page for `reports/<period>/`: GX's `ValidationResultsPageRenderer` renders each suite
    result, after two GX tables of ours (status per suite, the problems in Vietnamese). GX's page
    template pulls Bootstrap, jQuery and Font Awesome from CDNs, stamps its logo URL with the clock and
    gives blocks random ids: we swap in an offline template with inline CSS and fixed ids."""
    gx = _gx()[0]
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.render import RenderedDocumentContent, RenderedSectionContent, RenderedTableContent
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView
    from jinja2 import ChoiceLoader, DictLoader

    view = DefaultJinjaPageView()
    view.env.loader = ChoiceLoader([DictLoader({"page.j2": _PAGE}), view.env.loader])
    # GX appends a uuid4 to collapse ids; the id before it is already unique on the page.
    view.env.filters["generate_html_element_uuid"] = lambda prefix=None: f"{prefix or ''}0"

    def table(title: str, header: list[str], rows: list[list[Any]]) -> RenderedSectionContent:
        cells = [[html.escape(_text(c)) for c in row] for row in rows]
        return RenderedSectionContent(content_blocks=[RenderedTableContent(
            header=f"<h4>{html.escape(title)}</h4>", header_row=header, table=cells or [["—"] * len(header)],
            styling={"classes": ["col-12"], "body": {"classes": ["table", "table-sm"]}})])

    status = []
    for form, name, res in outcome.results:
        stats = res["statistics"]
        status.append([form, name, "Đạt" if res["success"] else "Không đạt",
                       f"{stats['successful_expectations']}/{stats['evaluated_expectations']}"])
        if name.endswith(".structure") and not res["success"]:
            status.append([form, f"{form}.values", "Không chạy: cấu trúc chưa đạt", ""])
    sections = [table(f"Tình trạng các bộ quy tắc, kỳ {period}", ["Biểu", "Bộ quy tắc", "Kết quả", "Đạt"], status),
                table(f"Danh sách lỗi ({len(outcome.problems)})", ["Tệp", "Dòng", "Thông báo"],
                      [[p.file, p.line, p.message] for p in outcome.problems])]
    schema, renderer = ExpectationSuiteValidationResultSchema(), ValidationResultsPageRenderer()
    for _form, _suite, res in outcome.results:
        sections += renderer.render(schema.load(res)).sections
    document = RenderedDocumentContent(sections=sections, renderer_type="ValidationResultsPageRenderer",
                                       page_title=f"Kiểm tra dữ liệu thô kỳ {period}")
    verdict = "đạt mọi quy tắc kiểm tra." if outcome.ok else "CHƯA ĐẠT: sửa các lỗi dưới đây rồi chạy lại."
    page = view.render(document, period=period, verdict=f"Dữ liệu {verdict}", gx_version=gx.__version__)
    # GX links each suite name to its page in a Data Docs site, which we don't build.
    return re.sub(r'<a href="(?:\.\./)+expectations/[^"]*" >([^<]*)</a>', r"\1", page)


_PAGE = """<!DOCTYPE html>
<html lang="vi"><head>
<meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page_title }}</title>
<style>
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 1.5rem 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; } th { background: #f0f0f0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; font-size: .9rem; }
.ge-section { border-top: 2px solid #888; margin-top: 1rem; padding-top: .5rem; } .alert { background: #eef; }
.text-success { color: #17723a; } .text-danger { color: #b00020; } .fas, .fa { font-style: normal; }
.fa-check-circle::before, .fa-check::before { content: "\\2714"; } .fa-times::before { content: "\\2718"; }
a[data-toggle="collapse"] { display: none; } .collapse { display: block; } /* no Bootstrap JS offline: show all */
</style></head><body>
<h1>{{ page_title }}</h1><p><b>{{ verdict }}</b></p>
<p>Kết quả do Great Expectations {{ gx_version }} tạo từ các bộ quy tắc trong pipelines/expectations/.</p>
{% for section in sections %}{% set section_loop = loop -%}
{% include 'section.j2' %}
{% endfor %}
</body>
</html>
"""
