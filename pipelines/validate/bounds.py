"""At most `max_lines_per_rule` message lines per rule and file, then one line counting the rest.

A raw file of 10,000 copied rows once gave 297 MB of messages: one per row, each naming the 5,000
lines of its key. Nobody reads that, and a scheduled run writing it fills the log. A file that
breaks a rule thousands of times breaks it the same way each time (a column typed with dots, a
block pasted twice), so the first lines show what to fix: each rule of each file lists its first
`limit` lines, by line number, and one more line counts the rest ("… và 9.980 dòng khác (…)").

Bounding is done on the language-free `Problem` list, where validation ends (`validation.validate_form`
and `validate_period`), not where messages are written: the command line, validation-problems.csv and
.parquet in every language and the validation page then show one and the same bounded list, and the
count line is itself a Problem (a `more…` key with a `messages.Count`), written in each language when
shown. The complete record of failing rows stays in GX's results (`ValidationOutcome.results`).

A rule here is one check of one file: the problems sharing file, sheet, rule id, column, severity and
rule text (one expectation of a suite, one cross-form rule, the outlier check on one column).
Table-level problems (no line: a column that should not be there, a missing commune or breakdown
row) are bounded too, per file, rule and kind of message: a raw form with 150 stray columns gave one
line per column, and a national file missing its communes one per commune. Their first `limit`
lines are kept by column and commune, then one line counts the columns (`more_columns`) or the
other problems (`more_problems`) left out.
"""

from __future__ import annotations

from typing import Callable, Hashable

from pipelines.core import settings
from pipelines.core.errors import UsageError
from pipelines.core.text import failure
from pipelines.intake import limits, raw
from pipelines.validate import messages
from pipelines.validate.problems import Problem

DEFAULT = 20  # when project.yml has no validation.max_lines_per_rule
# Count lines, by what the rule's lines were: the templates of locales/<lang>/validation.yml.
MORE_KEYS = ("more", "more_values", "more_outlier", "more_plain", "more_lines", "more_columns", "more_problems")


def max_lines_per_rule(value: int | None = None) -> int:
    """`value` if given, else `validation.max_lines_per_rule` of config/project.yml, else DEFAULT.
    At least 1: a count line alone ("… và 40 dòng khác") would not show what is wrong."""
    if value is None:
        value = (settings.load("project.yml").get("validation") or {}).get("max_lines_per_rule", DEFAULT)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise failure(UsageError, "checks.max_lines", value=repr(value))
    return value


def too_many_rows(name: str, frame, communes, source: tuple[str, str | None], lang: str) -> Problem | None:
    """A table-level problem when a form holds more rows than one per commune of the scope and value
    of its breakdown column, plus `limits.extra_rows` (rows repeated or of other codes, which
    validation lists): None otherwise. Great Expectations spends about a millisecond on each row a
    rule fails, whatever is shown of it: 375,000 rows of garbage under a valid header took 270 s and
    3.5 GB. Such a form is refused in one line before any rule runs."""
    form = raw.forms()[name]
    breakdown = next(column for column in form.key if column != "commune_code")
    categories = len(raw.categories()[breakdown])
    expected = len(communes) * categories
    if len(frame) <= expected + limits.limits().extra_rows:
        return None
    facts = messages.facts(rows=messages.Count(len(frame)), communes=messages.Communes(tuple(communes["name"])),
                           categories=messages.Count(categories), column=breakdown, expected=messages.Count(expected),
                           extra=messages.Count(limits.limits().extra_rows))
    return Problem(source[0], None, None, None, None, "row_count", "", "error", "too_many_rows", facts, source[1], lang)


def is_more(problem: Problem) -> bool:
    """A count line (`fold`, `codes.outside_scope`), placed after the lines of its file."""
    return problem.key in MORE_KEYS


def rule_of(problem: Problem) -> Hashable:
    """The rule a problem is counted under (see the module's docstring)."""
    text = dict(problem.values).get("rule")
    return problem.file, problem.sheet, problem.rule, problem.column, problem.severity, text


def count_line(first: Problem, count: int) -> Problem:
    """The line counting the `count` problems of `first`'s rule left out, worded by what they are:
    keys repeated (`more_values`), lines breaking a rule text (`more`), changes from the previous
    period (`more_outlier`), anything else (`more_plain`)."""
    values = dict(first.values)
    if first.key in ("duplicate", "duplicates"):
        key, kept = "more_values", ("rule",)
    elif first.key == "outlier":
        key, kept = "more_outlier", ("previous_period",)
    elif "rule" in values:
        key, kept = "more", ("rule",)
    else:
        key, kept = "more_plain", ()
    facts = messages.facts(count=messages.Count(count), **{name: values[name] for name in kept})
    return Problem(first.file, None, first.column, None, None, first.rule, "", first.severity, key, facts,
                   first.sheet, first.lang)


def table_rule_of(problem: Problem) -> Hashable:
    """The rule a problem without a line is counted under: its file, check and kind of message."""
    return problem.file, problem.sheet, problem.rule, problem.key, problem.severity


def table_count_line(first: Problem, count: int) -> Problem:
    """The line counting the `count` table-level problems of `first`'s rule left out: columns when
    they name a column, else problems."""
    return Problem(first.file, None, None, None, None, first.rule, "", first.severity,
                   "more_columns" if first.column else "more_problems", messages.facts(count=messages.Count(count)),
                   first.sheet, first.lang)


def fold(problems: list[Problem], limit: int, more: Callable[[Problem, int], Problem] = count_line,
         group: Callable[[Problem], Hashable] = rule_of) -> list[Problem]:
    """`problems` with every rule (`group`) holding more than `limit` lines cut to its first `limit`
    lines by line number, followed by `more(first problem of the rule, number left out)`; the same
    for problems without a line (`table_rule_of`), kept by column and commune, counted by
    `table_count_line`. Rules within the limit and count lines are kept as they are, in their order,
    so folding again with the same or a larger limit changes nothing. The order of the result is for
    `validation._order` to set."""
    rules: dict[Hashable, list[Problem]] = {}
    tables: dict[Hashable, list[Problem]] = {}
    for problem in problems:
        if problem.line is not None:
            rules.setdefault(group(problem), []).append(problem)
        elif not is_more(problem):
            tables.setdefault(table_rule_of(problem), []).append(problem)
    over = [sorted(lines, key=lambda p: p.line) for lines in rules.values() if len(lines) > limit]
    wide = [sorted(found, key=lambda p: (p.column or "", p.commune_code or "", p.value))
            for found in tables.values() if len(found) > limit]
    if not (over or wide):
        return problems
    dropped = {id(p) for lines in over + wide for p in lines[limit:]}
    return ([p for p in problems if id(p) not in dropped] + [more(lines[0], len(lines) - limit) for lines in over]
            + [table_count_line(found[0], len(found) - limit) for found in wide])


def left_out(problems: list[Problem]) -> int:
    """How many problems the count lines of `problems` stand for (for the validation page)."""
    total = 0
    for problem in problems:
        count = dict(problem.values).get("count") if is_more(problem) else None
        total += count.n if isinstance(count, messages.Count) else int(count or 0)
    return total
