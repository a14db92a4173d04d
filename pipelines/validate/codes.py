"""Commune codes outside the unit reported on: what to tell the officer so the fix is obvious.

The code-list rule (`expect_column_values_to_be_in_set` on `commune_code`) flags each row whose code
is not one of the scope's communes. Row by row is right for a typo; it is wrong for a file of another
district (or, from 1 July 2025, another province), which gave hundreds of lines saying the same thing
and none saying what to do. So, per form: when every code of the file belongs to one other unit of
the list in force, one line names that unit and the `--scope` that would work; when the codes are
spread over several units, the first lines are kept and one more line counts the rest, as for every
rule (`bounds.fold`, here with words naming the unit reported on).
A code of the other list of units (before / after the reform of 1 July 2025) is named by what it
became (`other_list`).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.validate import bounds, messages
from pipelines.validate.messages import Part, Unit, Words
from pipelines.validate.problems import Problem

IN_SET = "expect_column_values_to_be_in_set"
# Code-list lines listed per file before "… và N dòng khác": None, as many as for any rule
# (`bounds.max_lines_per_rule`); a number caps this rule alone lower.
LIMIT: int | None = None


def unit_part(period: Period, communes: pd.DataFrame, unit_name: str | None = None) -> Part:
    """The unit whose commune list applies, for the unknown-code message: given, or the parent all share."""
    if unit_name:
        return Unit(unit_name)
    codes = set(communes["code"].astype(str).tolist())
    if len(codes) == 1:
        return Unit(str(communes["name"].iloc[0]))
    table = reference.units(period)
    listed = table[table["level"] == "commune"]  # looked up in a set: pandas' isin walks a text list in Python
    parents = set(listed["parent_code"][[code in codes for code in listed["code"].tolist()]].tolist())
    hit = table[(table["level"] != "commune") & table["code"].isin(parents)]
    return Unit(str(hit["name"].iloc[0])) if len(parents) == 1 and len(hit) else Words.of("unit_default")


def unit_label(period: Period, communes: pd.DataFrame, unit_name: str | None = None, lang: str = "vi") -> str:
    return unit_part(period, communes, unit_name).text(lang)


def moved(code: str, period: Period) -> Words | None:
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

    new_list = reference.list_in_force(period) == "2025"
    in_force = _commune_names(period).get(code) if code else None
    if in_force is not None:  # from 1 July 2025 the communes checked may be only those present: say so
        return (Words.of("not_reported", value=code, name=messages.Official(in_force), period=period)
                if new_list else None)
    if not code:
        return None
    other = _commune_names(crosswalk.LAST_LEGACY_PERIOD if new_list else crosswalk.FIRST_NEW_PERIOD).get(code)
    if other is None:
        return None
    if not new_list:
        return Words.of("new_code", value=code, name=messages.Official(other), date=messages.ReformDate(),
                        period=period)
    try:
        became = crosswalk.successor(code)
    except crosswalk.CrosswalkError:
        return None
    successors = messages.Joined(tuple(Words.of("named", name=messages.Official(n), code=c) for c, n in became))
    return Words.of("legacy_code", value=code, name=messages.Official(other), date=messages.ReformDate(),
                    successors=successors)


@lru_cache(maxsize=None)
def _commune_names(period: Period) -> dict[str, str]:
    """Code → official name of every commune of the list in force for `period` (the first row of a code
    as listed): `moved` looks up every refused code, and a file of 200,000 rows may refuse them all
    (a filter of the whole table per code took 7 ms: 20 minutes for such a file)."""
    table = reference.units(period)
    found = table[table["level"] == "commune"].drop_duplicates("code")
    return dict(zip(found["code"].astype(str), found["name"].astype(str)))


def other_list(code: str, period: Period, lang: str = "vi") -> str | None:
    """`moved` written in `lang`."""
    found = moved(code, period)
    return None if found is None else found.text(lang)


def owner(frame: pd.DataFrame, communes: pd.DataFrame, period: Period) -> pd.Series | None:
    """The one other unit (a district under the legacy list, a province under the 2025 list) every
    commune code of `frame` belongs to, when none of them is one of `communes`; None otherwise (a code
    of the scope, a code in no list, or codes of several units)."""
    if "commune_code" not in frame.columns:
        return None
    codes = {str(c).strip() for c in frame["commune_code"].dropna()} - {""}
    if not codes or codes & set(communes["code"].astype(str)):
        return None
    table = reference.units(period)
    found = table[(table["level"] == "commune") & table["code"].isin(codes)]
    parents = set(found["parent_code"])
    if set(found["code"]) != codes or len(parents) != 1:
        return None
    parent = table[(table["level"] != "commune") & (table["code"] == parents.pop())]
    return None if parent.empty else parent.iloc[0]


def outside_scope(problems: list[Problem], frame: pd.DataFrame, communes: pd.DataFrame, period: Period,
                  expected: Part, limit: int | None = None) -> list[Problem]:
    """`problems` of one form with its code-list lines folded: one line naming the other unit every
    code belongs to and the `--scope` to run with, or the first `limit` lines (default: project.yml's,
    `bounds.max_lines_per_rule`; at most `LIMIT` if set) and a count of the rest. The lines of a code
    of the other list of units (`moved`) count with the rest. `expected` names the unit reported on."""
    def code_line(p: Problem) -> bool:
        return p.rule == IN_SET and p.column == "commune_code" and p.line is not None
    rows = [p for p in problems if code_line(p)]
    if not rows:
        return problems
    rest = [p for p in problems if not code_line(p)]
    first = rows[0]
    unit = owner(frame, communes, period)
    if unit is not None:
        option = f"{unit['level']}:{unit['code']}"
        return rest + [Problem(first.file, None, "commune_code", None, None, IN_SET, "", first.severity, "other_unit",
                               messages.facts(unit=Unit(str(unit["name"])), code=str(unit["code"]), expected=expected,
                                              option=option), first.sheet, first.lang)]
    limit = bounds.max_lines_per_rule(limit)
    limit = limit if LIMIT is None else min(limit, LIMIT)

    def more(first: Problem, count: int) -> Problem:
        return Problem(first.file, None, "commune_code", None, None, IN_SET, "", first.severity, "more_lines",
                       messages.facts(count=messages.Count(count), expected=expected), first.sheet, first.lang)
    return rest + bounds.fold(rows, limit, more, group=lambda p: (p.file, p.sheet))
