"""What validation finds: one `Problem` per failing cell, row or table, and the outcome of a period.

`problems_csv` / `problems_frame` give the same list as a table an officer can filter (in Excel or
LibreOffice: sort by severity, filter by commune) and that the report's data-quality section reads.
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass, fields

import pandas as pd

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
    message: str  # one line, in the language asked for (Vietnamese by default)
    sheet: str | None = None  # the workbook sheet the data came from; None for a CSV file


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


def _row(problem: Problem) -> dict:
    values = dict(zip([f.name for f in fields(Problem)], astuple(problem)))
    return {c: values[c] for c in COLUMNS}


def problems_frame(outcome: ValidationOutcome) -> pd.DataFrame:
    """The problems as a table with the columns of `COLUMNS`, in the outcome's order; `line` is a
    nullable whole number, every other column text."""
    frame = pd.DataFrame([_row(p) for p in outcome.problems], columns=list(COLUMNS))
    types = {c: "string" for c in COLUMNS}
    return frame.astype({**types, "line": "Int64"}).reset_index(drop=True)


def problems_csv(outcome: ValidationOutcome) -> str:
    """The problems as CSV text (write it as UTF-8): a header row, then one row per problem in the
    outcome's (deterministic) order; empty cells for a missing line, sheet, column or commune."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for problem in outcome.problems:
        writer.writerow(["" if v is None else v for v in _row(problem).values()])
    return out.getvalue()
