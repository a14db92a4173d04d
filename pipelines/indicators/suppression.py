"""Small-number protection for public editions.

In a commune of a few hundred children, "2 trafficked children" can identify a child. Public
editions therefore hide sensitive counts of 1–4 (shown "< 5"; the primary suppression) and then
hide further cells (shown "x"; the complementary suppression) until no hidden value can be
worked out from what is published: the row totals and subtotals by commune and the column
totals of the district. Whether a hidden cell can be recovered is decided, not guessed: for each
hidden cell the smallest and largest value consistent with every published sum (and with "< 5"
meaning 1 to 4) are found by linear programming; a cell is safe only if at least two whole
values remain possible. Internal editions keep every count.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.optimize import linprog

PRIMARY, COMPLEMENT = "< 5", "x"


def _equations(cells: pd.DataFrame, row_sums: list[list[str]], total_row: str) -> list[list[tuple]]:
    """Published linear facts, each a list of (cell, coefficient) summing to 0 with the published
    total as a constant term: every row's sum over each column group, and each column's commune
    cells adding up to the total row's cell."""
    equations = []
    for row in cells.index:
        for group in row_sums:
            equations.append([((row, c), 1) for c in group] + [(None, -int(cells.loc[row, group].sum()))])
    communes = [r for r in cells.index if r != total_row]
    for column in cells.columns:
        equations.append([((r, column), 1) for r in communes] + [((total_row, column), -1)])
    return equations


def recoverable(cells: pd.DataFrame, hidden: dict[tuple[str, str], str], row_sums: list[list[str]],
                total_row: str, only: str | None = None) -> list[tuple[str, str]]:
    """Hidden cells (of kind `only`, if given) whose value the published sums pin down to one whole number."""
    keys = sorted(hidden)
    if not keys:
        return []
    index = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq = [], []
    for terms in _equations(cells, row_sums, total_row):
        coefficients, constant = np.zeros(len(keys)), 0
        for cell, weight in terms:
            if cell in index:
                coefficients[index[cell]] += weight
            else:
                constant += weight * (1 if cell is None else int(cells.loc[cell]))
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(-constant)
    bounds = [(1, 4) if hidden[k] == PRIMARY else (0, None) for k in keys]
    found = []
    for k in keys:
        if only and hidden[k] != only:
            continue
        objective = np.zeros(len(keys))
        objective[index[k]] = 1
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        top = math.inf if high.status == 3 else -high.fun
        if low.status == 0 and math.ceil(low.fun - 1e-9) >= math.floor(top + 1e-9):
            found.append(k)
    return found


def suppress(cells: pd.DataFrame, sensitive: list[str], row_sums: list[list[str]],
             total_row: str) -> dict[tuple[str, str], str]:
    """Cells to hide: {(row, column): "< 5" or "x"}. `cells` holds counts, one row per commune
    plus `total_row` (the district), one column per breakdown code."""
    hidden = {(r, c): PRIMARY for r in cells.index for c in sensitive if 1 <= int(cells.loc[r, c]) <= 4}
    # a column that is the difference of two published sums (e.g. "difficult" = all - legal groups)
    # is known anyway: hiding it protects nothing
    known = {c for a in row_sums for b in row_sums for c in set(a) ^ set(b) if len(set(a) ^ set(b)) == 1}
    usable = cells.columns.drop(sorted(known))
    for _ in range(cells.size):
        exposed = recoverable(cells, hidden, row_sums, total_row, only=PRIMARY)
        if not exposed:
            # complements that the published sums pin down anyway protect nothing: show them
            for k in recoverable(cells, hidden, row_sums, total_row):
                del hidden[k]
            return hidden
        row, column = exposed[0]
        # Hide the other three corners of the cheapest rectangle of non-zero cells through the
        # exposed cell (the "hypercube" method): every row and column sum then has two unknowns
        # that can trade values. Cheapest = fewest new cells, then the least hidden.
        best = None
        for other_row in cells.index.drop(row):
            for other_column in usable.drop(column, errors="ignore"):
                corners = [(row, other_column), (other_row, column), (other_row, other_column)]
                new = [k for k in corners if k not in hidden]
                if any(int(cells.loc[k]) == 0 for k in new):
                    continue  # a hidden 0 in a column or row that sums to little is guessed, or pinned down
                cost = (len(new), sum(int(cells.loc[k]) for k in new), corners)
                if new and (best is None or cost < best):
                    best = cost
        if best is None:
            break
        hidden.update({k: COMPLEMENT for k in best[2] if k not in hidden})
    raise RuntimeError(f"cannot protect the small counts of this table: {recoverable(cells, hidden, row_sums, total_row)}")


def public_edition(breakdown: pd.DataFrame, sensitive: list[str], groups: list[list[str]],
                   total_row: str) -> pd.DataFrame:
    """The long breakdown table (unit_code, code, count) with suppressed counts set to <NA>
    and a `display` column ("< 5", "x" or the count)."""
    cells = breakdown.pivot(index="unit_code", columns="code", values="count").astype(int)
    hidden = suppress(cells, sensitive, groups, total_row)
    out = breakdown.copy()
    marks = [hidden.get((u, c)) for u, c in zip(out["unit_code"], out["code"])]
    out["display"] = [m or str(n) for m, n in zip(marks, out["count"])]
    out["count"] = out["count"].astype("Int64").mask([m is not None for m in marks])
    out["suppressed"] = [m is not None for m in marks]
    return out
