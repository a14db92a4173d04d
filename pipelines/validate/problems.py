"""What validation finds: one `Problem` per failing cell, row or table, and the outcome of a period.

A Problem holds facts, not a sentence: where (file, sheet, line, column, commune), which rule, the
value found, and the message as a template key with its values (`messages`). It is written in a
language only when shown (`message_in`), so one validation serves the messages on the command line
and the data-quality section of the report in every language. `message` is the line in the language
validation was asked for (the command line's `--lang`), for callers that print it.

`problems_csv` / `problems_frame` give the same list as a table in a language, that an officer can
filter (in Excel or LibreOffice: sort by severity, filter by commune) and that the report's
data-quality section reads.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipelines.intake import csvfile
from pipelines.validate import messages

SEVERITIES = ("error", "warning")
COLUMNS = ("severity", "file", "sheet", "line", "column", "commune_code", "commune_name", "rule", "value", "message")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # as the user sees it: header = 1; None for a table-level problem
    column: str | None
    commune_code: str | None
    commune_name: str | None
    rule: str  # short rule id: the expectation type, or the cross-check's id
    value: str  # the value found, as typed ("" for an empty cell or a missing row)
    severity: str  # "error" stops the run; "warning" is listed and the run goes on
    key: str  # what is wrong: a template of locales/<lang>/validation.yml (without "validation.")
    values: tuple[tuple[str, Any], ...] = ()  # its values (`messages.facts`): text, or parts written per language
    sheet: str | None = None  # the workbook sheet the data came from; None for a CSV file
    lang: str = field(default="vi", compare=False)  # the language `message` is written in; not a fact

    def message_in(self, lang: str) -> str:
        """One line in `lang` ("vi" or "en"): `<where>: <what>`."""
        return messages.render(self, lang)

    @property
    def message(self) -> str:
        return messages.render(self, self.lang)


@dataclass(frozen=True)
class ValidationOutcome:
    problems: list[Problem]
    results: list[tuple[str, str, dict]]  # (form, suite name, GX validation result as JSON dict)

    @property
    def ok(self) -> bool:
        """True when nothing blocks the run: no problem, or warnings only."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _row(problem: Problem, lang: str | None) -> dict:
    facts = {c: getattr(problem, c) for c in COLUMNS if c != "message"}
    return {**facts, "message": problem.message_in(lang or problem.lang)}


def problems_frame(outcome: ValidationOutcome, lang: str | None = None) -> pd.DataFrame:
    """The problems as a table with the columns of `COLUMNS`, in the outcome's order, messages in
    `lang` (default: the language validation was asked for); `line` is a nullable whole number,
    every other column text."""
    frame = pd.DataFrame([_row(p, lang) for p in outcome.problems], columns=list(COLUMNS))
    types = {c: "string" for c in COLUMNS}
    return frame.astype({**types, "line": "Int64"}).reset_index(drop=True)


def problems_csv(outcome: ValidationOutcome, lang: str | None = None) -> str:
    """The problems as CSV text (write it as UTF-8): a header row, then one row per problem in the
    outcome's (deterministic) order, messages in `lang`; empty cells for a missing line, sheet,
    column or commune."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for problem in outcome.problems:
        writer.writerow(["" if v is None else csvfile.inert(v) for v in _row(problem, lang).values()])
    return out.getvalue()
