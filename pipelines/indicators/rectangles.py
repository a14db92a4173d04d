"""The cheapest rectangle of cells to hide through an exposed cell, for pipelines.indicators.suppression.

The rule (the "hypercube" method): through an exposed cell (row r, column c), hide the other three
corners (r, j), (i, c), (i, j) of the rectangle that needs the fewest new hidden cells, then the least
hidden in total, then the first other column j, then the first other row i (by label); a new corner
may not be a 0 (a hidden 0 in a row or column that sums to little is guessed, or pinned down).

Why its own module: the suppression of a whole country's table adds tens of thousands of rectangles,
and scanning every (row, column) for each costs a second per thousand. Nearly every rectangle needs
one new cell, when two of its corners are hidden already: (r, j) and (i, c) hidden, (i, j) new; (r, j)
and (i, j) hidden, (i, c) new; or (i, c) and (i, j) hidden, (r, j) new. For each pair of columns
(c, j) the rows that offer each of these three are kept in heaps ordered by what they would cost, and
kept up to date as cells are hidden (a row is added when it starts to qualify; one that no longer
does is dropped when it comes to the top). Only when no rectangle with one new cell exists is the
whole table scanned (`scan`).
"""

from __future__ import annotations

import heapq

import numpy as np

# The three ways of needing one new cell, for the column pair (c, j), by the state of row i:
# "a": (i, c) hidden, (i, j) new; "b": (i, c) new, (i, j) hidden; "d": both hidden, the new cell is (r, j).
WAYS = ("a", "b", "d")


def scan(values: np.ndarray, shut: np.ndarray, row: int, column: int, usable: np.ndarray,
         row_rank: np.ndarray, column_rank: np.ndarray) -> tuple[int, int] | None:
    """(other row, other column) of the cheapest rectangle through (row, column), by looking at every
    candidate at once; None when there is none. `shut`: the hidden cells."""
    others = usable[usable != column]
    new_1, new_2, new_3 = ~shut[row, others], ~shut[:, column], ~shut[:, others]
    v_1, v_2, v_3 = values[row, others], values[:, column], values[:, others]
    count = new_1[None, :].astype("int64") + new_2[:, None] + new_3
    zero = (new_1 & (v_1 == 0))[None, :] | (new_2 & (v_2 == 0))[:, None] | (new_3 & (v_3 == 0))
    ok = ~zero & (count > 0)
    ok[row, :] = False
    if not ok.any():
        return None
    cost = (new_1 * v_1)[None, :] + (new_2 * v_2)[:, None] + new_3 * v_3
    ok &= count == count[ok].min()
    ok &= cost == cost[ok].min()
    rows, columns = np.nonzero(ok)
    best = np.lexsort((row_rank[rows], column_rank[others[columns]]))[0]
    return int(rows[best]), int(others[columns[best]])


class Rectangles:
    """The hidden cells of a table (`shut`, shared with the caller, who hides through `hide`) and the
    heaps of rows offering a rectangle with one new cell, built for a column pair when first asked."""

    def __init__(self, values: np.ndarray, shut: np.ndarray, usable: np.ndarray, row_rank: np.ndarray,
                 column_rank: np.ndarray):
        self.values, self.shut, self.usable = values, shut, usable
        self.row_rank, self.column_rank = row_rank, column_rank
        self.heaps: dict[tuple[str, int, int], list] = {}
        self.by_first: dict[int, list[int]] = {}   # column c → the j of its built pairs
        self.by_second: dict[int, list[int]] = {}  # column j → the c of its built pairs

    def _qualifies(self, way: str, i: int, c: int, j: int) -> bool:
        shut, values = self.shut, self.values
        if way == "a":
            return shut[i, c] and not shut[i, j] and values[i, j] != 0
        if way == "b":
            return not shut[i, c] and values[i, c] != 0 and shut[i, j]
        return shut[i, c] and shut[i, j]

    def _entry(self, way: str, i: int, c: int, j: int) -> tuple:
        cost = self.values[i, j] if way == "a" else self.values[i, c] if way == "b" else 0
        return int(cost), int(self.row_rank[i]), i

    def _build(self, c: int, j: int) -> None:
        shut, values = self.shut, self.values
        masks = {"a": shut[:, c] & ~shut[:, j] & (values[:, j] != 0),
                 "b": ~shut[:, c] & (values[:, c] != 0) & shut[:, j], "d": shut[:, c] & shut[:, j]}
        for way, mask in masks.items():
            heap = [self._entry(way, i, c, j) for i in np.flatnonzero(mask).tolist()]
            heapq.heapify(heap)
            self.heaps[(way, c, j)] = heap
        self.by_first.setdefault(c, []).append(j)
        self.by_second.setdefault(j, []).append(c)

    def _top(self, way: str, c: int, j: int) -> tuple | None:
        heap = self.heaps[(way, c, j)]
        while heap and not self._qualifies(way, heap[0][2], c, j):
            heapq.heappop(heap)  # it will not qualify again: cells are only ever hidden
        return heap[0] if heap else None

    def hide(self, i: int, x: int) -> None:
        """Cell (i, x) is now hidden: row i may start to offer a rectangle for the pairs of column x."""
        self.shut[i, x] = True
        for c, j in [(x, j) for j in self.by_first.get(x, ())] + [(c, x) for c in self.by_second.get(x, ())]:
            for way in WAYS:
                if self._qualifies(way, i, c, j):
                    heapq.heappush(self.heaps[(way, c, j)], self._entry(way, i, c, j))

    def best(self, row: int, column: int) -> tuple[int, int] | None:
        """(other row, other column) of the cheapest rectangle through (row, column), as `scan` finds it."""
        found = None
        for j in self.usable.tolist():
            if j == column:
                continue
            if ("a", column, j) not in self.heaps:
                self._build(column, j)
            if self.shut[row, j]:
                offers = [(self._top("a", column, j), 0), (self._top("b", column, j), 0)]
            elif self.values[row, j] != 0:
                offers = [(self._top("d", column, j), int(self.values[row, j]))]
            else:
                continue
            for offer, own in offers:
                if offer is not None:
                    cost = (offer[0] + own, int(self.column_rank[j]), offer[1], offer[2], j)
                    found = cost if found is None or cost < found else found
        if found is not None:
            return found[3], found[4]
        return scan(self.values, self.shut, row, column, self.usable, self.row_rank, self.column_rank)
