"""Small-number protection for public editions.

In a commune of a few hundred children, "2 trafficked children" can identify a child. Public
editions therefore hide sensitive counts of 1–4 (shown "< 5"; the primary suppression) and then
hide further cells (shown "x"; the complementary suppression) until no hidden value can be
worked out from what is published: the row totals and subtotals by commune and the column
totals of the district. Whether a hidden cell can be recovered is decided, not guessed: for each
hidden cell the smallest and largest value consistent with every published sum (and with "< 5"
meaning 1 to 4) are what linear programming finds; a cell is safe only if at least two whole
values remain possible (pipelines.indicators.recovery, which answers it on a graph for tables
whose groups split the columns, and by linear programming otherwise). Internal editions keep
every count.

The order of the work is fixed, so the same table always gives the same hidden cells: while some
"< 5" cell is recoverable, the first of them (by commune code, then column) gets the other three
corners of the cheapest rectangle of non-zero cells through it. Hiding cells never makes a hidden
cell easier to recover, so a cell found safe stays safe: the first recoverable cell is found by
walking on from the last one, not by asking again about every cell after each rectangle, and the
rectangle is chosen with arrays over the whole table (a country has 10,035 communes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.core import errors
from pipelines.core.text import failure
from pipelines.indicators.recovery import COMPLEMENT, PRIMARY, Published, recoverable_lp
from pipelines.indicators.rectangles import Rectangles

__all__ = ["COMPLEMENT", "PRIMARY", "public_edition", "recoverable", "suppress"]


def recoverable(cells: pd.DataFrame, hidden: dict[tuple[str, str], str], row_sums: list[list[str]],
                total_row: str, only: str | None = None) -> list[tuple[str, str]]:
    """Hidden cells (of kind `only`, if given) whose value the published sums pin down to one whole
    number, in the order of the sorted keys."""
    graph = Published.of(cells, hidden, row_sums, total_row)
    if graph is None:
        return recoverable_lp(cells, hidden, row_sums, total_row, only)
    return [k for k in sorted(hidden) if (not only or hidden[k] == only) and graph.pinned(k)]


class _ByProgram:
    """`Published`'s two questions answered by linear programming, for groups that do not split the
    columns: every hidden cell at once, again after each change."""

    def __init__(self, cells, hidden, row_sums, total_row):
        self.args, self.hidden, self.found = (cells, hidden, row_sums, total_row), hidden, None

    def hide(self, key, mark) -> None:
        self.found = None  # `hidden` itself is the caller's, already changed

    def pinned(self, key) -> bool:
        if self.found is None:
            cells, hidden, row_sums, total_row = self.args
            self.found = set(recoverable_lp(cells, hidden, row_sums, total_row))
        return key in self.found


def suppress(cells: pd.DataFrame, sensitive: list[str], row_sums: list[list[str]],
             total_row: str) -> dict[tuple[str, str], str]:
    """Cells to hide: {(row, column): "< 5" or "x"}. `cells` holds counts, one row per commune
    plus `total_row` (the district), one column per breakdown code."""
    values = cells.to_numpy(dtype="int64")
    rows, columns = list(cells.index), list(cells.columns)
    row_at, column_at = {r: i for i, r in enumerate(rows)}, {c: j for j, c in enumerate(columns)}
    small = (values >= 1) & (values <= 4)
    hidden = {(r, c): PRIMARY for i, r in enumerate(rows) for c in sensitive if small[i, column_at[c]]}
    # a column that is the difference of two published sums (e.g. "difficult" = all - legal groups)
    # is known anyway: hiding it protects nothing
    known = {c for a in row_sums for b in row_sums for c in set(a) ^ set(b) if len(set(a) ^ set(b)) == 1}
    usable = np.array([column_at[c] for c in cells.columns.drop(sorted(known))], dtype="int64")
    rank = lambda labels: np.argsort(np.argsort(np.array(labels, dtype=object), kind="stable"))  # noqa: E731
    row_rank, column_rank = rank(rows), rank(columns)
    rectangles = Rectangles(values, np.zeros(values.shape, dtype=bool), usable, row_rank, column_rank)
    for r, c in hidden:
        rectangles.hide(row_at[r], column_at[c])
    check = Published.of(cells, hidden, row_sums, total_row) or _ByProgram(cells, hidden, row_sums, total_row)
    waiting, first = sorted(hidden), 0  # the "< 5" cells; those before `first` are safe for good
    for _ in range(cells.size):
        while first < len(waiting) and not check.pinned(waiting[first]):
            first += 1
        if first == len(waiting):
            # complements that the published sums pin down anyway protect nothing: show them
            for k in [k for k in sorted(hidden) if check.pinned(k)]:
                del hidden[k]
            return hidden
        row, column = waiting[first]
        # Hide the other three corners of the cheapest rectangle of non-zero cells through the
        # exposed cell (the "hypercube" method): every row and column sum then has two unknowns
        # that can trade values.
        best = rectangles.best(row_at[row], column_at[column])
        if best is None:
            break
        other_row, other_column = rows[best[0]], columns[best[1]]
        for k in [(row, other_column), (other_row, column), (other_row, other_column)]:
            if k not in hidden:
                hidden[k] = COMPLEMENT
                rectangles.hide(row_at[k[0]], column_at[k[1]])
                check.hide(k, COMPLEMENT)
    raise failure(errors.RunError, "defects.cannot_protect", cells=recoverable(cells, hidden, row_sums, total_row))


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
