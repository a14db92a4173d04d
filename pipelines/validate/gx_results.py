"""A Great Expectations result turned into Problems an officer can act on.

GX says which expectation failed and, with `result_format: COMPLETE`, which rows (the frame index is
the line number as seen in an editor; GX returns it in `unexpected_index_list`). It does not say it
in words. Each failure becomes a `Problem` naming the file (and sheet), the line, the column, the
commune, the value found, and the message as a template key with its values; the rule text kept in
`meta.rule_vi` / `meta.rule_en` travels as a `messages.Rule`, so nothing here is in one language.
A key repeated where one row per key is the rule is one Problem per key, not per row (`_repeated`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.validate import codes, messages
from pipelines.validate.messages import Part, Rule
from pipelines.validate.problems import Problem

_IN_SET = codes.IN_SET
_TOTAL, _NAME, _GRID = ("expect_multicolumn_total_to_equal_sum_of_parts",
                        "expect_column_pair_values_to_match_official_name", "expect_table_to_have_full_grid")
FEW = 5  # lines named for a key repeated on more lines; beyond, their number ("trùng ở 5.000 dòng: 2, 3, …")


def columns_of(kwargs: dict) -> list[str]:
    return [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs] + list(kwargs.get("column_list", []))


def text_of(value: Any) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


def problems_of(result: dict, frame: pd.DataFrame, names: dict[str, str], unit: Part, period: str, lang: str,
                source: tuple[str, str | None]) -> list[Problem]:
    """One Problem per failing cell (or per column or missing row for table-level checks). `lang` is
    only the language `Problem.message` is written in."""
    (f, sheet), out, missing, codes_at = source, [], set(), _codes_at(frame)

    def problem(line, column, code, rule, value, severity, key, /, **values) -> Problem:
        name = names.get(code) if code else None
        return Problem(f, line, column, code or None, name, rule, value, severity, key, messages.facts(**values),
                       sheet, lang)
    for r in result["results"]:  # column set first: a missing column makes other checks raise
        if r["expectation_config"]["type"] == "expect_table_columns_to_match_set" and not r["success"]:
            rule, mismatched = r["expectation_config"]["type"], r["result"]["details"]["mismatched"]
            missing = set(mismatched.get("missing") or [])
            out += [problem(None, c, "", rule, "", "error", "missing_column") for c in sorted(missing)]
            out += [problem(None, c, "", rule, "", "error", "extra_column") for c in mismatched.get("unexpected") or []]
    for r in result["results"]:
        config = r["expectation_config"]
        rule, kw, meta = config["type"], config["kwargs"], config["meta"]
        if r["success"] or rule == "expect_table_columns_to_match_set":
            continue
        severity, rule_text = meta.get("severity", "error"), Rule.of(meta, unit=unit, period=period)
        info = r.get("exception_info") or {}
        errors = [info] + [v for v in info.values() if isinstance(v, dict)]
        raised = [e.get("exception_message") or "" for e in errors if e.get("raised_exception")]
        if raised:
            if not set(columns_of(kw)) & missing:  # a missing column is reported once, above
                out.append(problem(None, None, "", rule, "", "error", "rule_failed", rule=rule, reason=raised[0]))
            continue
        if rule == _GRID:  # missing rows: a commune with no row at all, or a breakdown code missing
            for code, value in r["result"]["details"]["missing"]:
                if value is None:
                    out.append(problem(None, None, code, rule, "", severity, "missing_commune",
                                       commune=messages.Commune(code, names.get(code))))
                else:
                    out.append(problem(None, kw["breakdown_column"], code, rule, value, severity, "missing_row",
                                       value=value, rule=rule_text))
            continue
        hits = r["result"].get("unexpected_index_list") or []
        if not hits:
            out.append(problem(None, None, "", rule, "", severity, "table_rule", rule=rule_text,
                               observed=text_of(r["result"].get("observed_value"))))
        elif "column_list" in kw and rule != _TOTAL:  # one row per key: once per repeated key
            out += _repeated(problem, codes_at(), hits, rule, kw["column_list"], rule_text, severity)
        else:
            at = codes_at()
            out += [_cell(problem, at, hit, rule, kw, rule_text, severity, names, period) for hit in hits]
    return out


def _codes_at(frame: pd.DataFrame):
    """Line → commune code as typed, read once for the whole frame when first asked: `frame.at` per
    failing row cost 0.3 ms, 60 s for a file of 200,000 bad cells."""
    read: list[dict[int, str]] = []

    def codes() -> dict[int, str]:
        if not read:
            column = frame["commune_code"].tolist() if "commune_code" in frame.columns else []
            read.append({int(line): text_of(code) for line, code in zip(frame.index, column)})
        return read[0]
    return codes


def _repeated(problem, codes_at: dict[int, str], hits: list[dict], rule: str, columns: list[str], rule_text: Rule,
              severity: str) -> list[Problem]:
    """One Problem per key found on several lines, at its first line, with how many lines hold it
    and the first `FEW` of them: a block pasted 5,000 times is one line naming 5 lines, not 5,000
    lines naming 5,000 each (which once made 297 MB of messages). Hits are grouped in one pass."""
    lines: dict[tuple[str, ...], list[int]] = {}
    for hit in hits:
        lines.setdefault(tuple(text_of(hit.get(c)) for c in columns), []).append(int(hit["line"]))
    out = []
    for key, found in lines.items():
        found.sort()
        value, many = ", ".join(key), len(found) > FEW
        shown = ", ".join(map(str, found[:FEW]))
        out.append(problem(found[0], " + ".join(columns), codes_at.get(found[0], ""), rule, value, severity,
                           "duplicates" if many else "duplicate", value=value, rule=rule_text, lines=shown,
                           count=messages.Count(len(found))))
    return out


def _cell(problem, codes_at: dict[int, str], hit: dict, rule: str, kw: dict, rule_text: Rule, severity: str,
          names: dict[str, str], period: str) -> Problem:
    """The Problem of one failing row: its key and values by the kind of rule."""
    line = int(hit["line"])
    code = codes_at.get(line, "")
    column = " + ".join(kw["column_list"]) if "column_list" in kw else kw.get("column_B", kw.get("column"))
    column = kw["total_column"] if rule == _TOTAL else column
    value = text_of(hit.get(column))

    def found(key: str, shown: str = value, /, **values) -> Problem:
        return problem(line, column, code, rule, shown, severity, key, **values)
    if rule == _TOTAL:  # a total that is not the sum of its parts: show the parts
        parts = [c for c in kw["column_list"] if c != column]
        return found("sum", total=column, value=value, parts=" + ".join(parts),
                     part_values=" + ".join(text_of(hit.get(c)) for c in parts),
                     sum=str(sum(int(hit[c]) for c in parts)), rule=rule_text)
    if rule == _NAME:  # a name that is not the official name of the code (the rule: for a count line)
        expected = names.get(text_of(hit.get(kw["column_A"])))
        return found("name", value=value, expected=expected, differs=messages.Differs(value, expected), rule=rule_text)
    if "column_B" in kw:  # part above its whole: report the part, show both values
        return found("above", part=column, value=value, whole=kw["column_A"],
                     whole_value=text_of(hit.get(kw["column_A"])), rule=rule_text)
    if rule == _IN_SET and column == "commune_code" and (other := codes.moved(value, period)):
        return found(other.key, **dict(other.values))  # a code of the list before / after 1 July 2025
    return found("cell" if value else "empty", value=value, rule=rule_text)
