"""Whether a hidden count can be worked out from what a public edition publishes.

What is published about a breakdown table (pipelines.indicators.suppression): the shown cells, each
row's sum over each group of columns (all groups, the legal groups…) and each column's total in the
total row. A hidden cell is recoverable when those sums, with "< 5" meaning 1 to 4 and "x" meaning 0
or more, leave one whole value possible.

Two ways to decide it, which give the same answer (tests/test_recovery.py checks them on random
tables):

- `recoverable_lp`, the definition: for each hidden cell, the smallest and the largest value
  consistent with every published sum, by linear programming (two programs per cell). Right for any
  groups of columns, but a table of the whole country (10,035 communes) has thousands of hidden
  cells and the suppression asks again after each cell it hides: hours.
- `Published`, when the groups split the columns into parts whose row sums are all published (all
  columns, and a subset: its rest is published by difference). Each row then adds up per part and
  each column down to the total row, so the hidden cells are the edges of a bipartite graph (row
  parts on one side, columns on the other) in which every node's sum is known. A hidden value can
  change only along a cycle alternating increases and decreases that every cell on it allows ("< 5"
  between 1 and 4, "x" at least 0; the total row counts with the opposite sign). The equations have a
  network matrix, so the programs' bounds are whole numbers and "one value possible" is "no such
  cycle through the cell". Columns are few (15), so a cycle is found on the graph of the columns:
  column a leads to column b when some other row part can give up a on taking b.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

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


def recoverable_lp(cells: pd.DataFrame, hidden: dict[tuple[str, str], str], row_sums: list[list[str]],
                   total_row: str, only: str | None = None) -> list[tuple[str, str]]:
    """Hidden cells (of kind `only`, if given) whose value the published sums pin down to one whole
    number, by linear programming; in the order of the sorted keys."""
    from scipy.optimize import linprog  # 0.5 s to import: only for tables the graph cannot decide

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


def parts(columns: list, row_sums: list[list[str]]) -> list[int] | None:
    """The part of each column when the groups split the columns into parts whose row sums all follow
    from the published ones (every column in a group; as many independent groups as parts); None
    otherwise (then only `recoverable_lp` decides)."""
    member = np.array([[c in set(group) for group in row_sums] for c in columns], dtype=bool)
    if len(columns) == 0 or not member.any(axis=1).all():
        return None
    signatures = {tuple(row): i for i, row in enumerate(dict.fromkeys(map(tuple, member)))}
    if np.linalg.matrix_rank(member.T.astype(float)) != len(signatures):
        return None
    return [signatures[tuple(row)] for row in member]


def _reached(succ: list[int], sources: int, cut: dict[int, int]) -> int:
    """The columns (a bit each) reached from `sources` through at least one arc, by the successors
    of each column (`succ`, bits), leaving out the arcs of `cut` (column → bits)."""
    reached, frontier = 0, sources
    while frontier:
        low = frontier & -frontier
        a = low.bit_length() - 1
        frontier ^= low
        step = succ[a] & ~cut.get(a, 0) & ~reached
        reached |= step
        frontier |= step
    return reached


class Published:
    """The hidden cells of a table as the bipartite graph of `recovery`'s docstring, kept up to date
    as cells are hidden (`hide`); `pinned` says whether a hidden cell is recoverable. Build it with
    `Published.of`, which gives None when the groups do not split the columns (see `parts`).
    Columns are bits of an int; for each arc a → b of the graph of the columns, how many row parts
    give it and, when only one does, which: a cycle through a cell may not use its own row part."""

    def __init__(self, cells: pd.DataFrame, part: list[int], total_row: str):
        self.rows = {r: i for i, r in enumerate(cells.index)}
        self.columns = {c: j for j, c in enumerate(cells.columns)}
        self.values, self.part, self.total = cells.to_numpy(dtype="int64"), part, total_row
        self.ups: dict[tuple, int] = {}    # row part → columns whose hidden cell can take one more
        self.downs: dict[tuple, int] = {}  # row part → columns whose hidden cell can give one up
        self.succ = [0] * len(self.columns)             # a → b: some row part gives up a and takes b
        self.count: dict[tuple[int, int], int] = {}     # how many row parts give (a, b)
        self.sole: dict[tuple[int, int], tuple] = {}    # the one row part that gives (a, b)
        self.alone: dict[tuple, dict[int, int]] = {}    # row part → a → the b it alone gives

    @classmethod
    def of(cls, cells: pd.DataFrame, hidden: dict, row_sums: list[list[str]], total_row: str) -> "Published | None":
        part = parts(list(cells.columns), row_sums)
        if part is None:
            return None
        graph = cls(cells, part, total_row)
        for key, mark in hidden.items():
            graph.hide(key, mark)
        return graph

    def _node(self, key) -> tuple[tuple, int]:
        row, column = self.rows[key[0]], self.columns[key[1]]
        return (row, self.part[column]), column

    def _give(self, node: tuple, a: int, b: int) -> None:
        arc = (a, b)
        n = self.count.get(arc, 0) + 1
        self.count[arc] = n
        if n == 1:
            self.succ[a] |= 1 << b
            self.sole[arc] = node
            self.alone.setdefault(node, {})[a] = self.alone.get(node, {}).get(a, 0) | 1 << b
        elif n == 2:
            first = self.alone[self.sole.pop(arc)]
            first[a] &= ~(1 << b)

    def hide(self, key, mark: str) -> None:
        """Add a hidden cell: "< 5" lies between 1 and 4, "x" is 0 or more."""
        node, column = self._node(key)
        value = int(self.values[node[0], column])
        low, high = (1, 4) if mark == PRIMARY else (0, math.inf)
        more, fewer = value < high, value > low        # the cell can take one more / give one up
        if key[0] == self.total:                       # the total row is subtracted in its column
            more, fewer = fewer, more
        ups, downs, bit = self.ups.get(node, 0), self.downs.get(node, 0), 1 << column
        if more:
            for a in _bits(downs & ~bit):
                self._give(node, a, column)
            ups |= bit
        if fewer:
            for b in _bits(ups & ~bit):
                self._give(node, column, b)
            downs |= bit
        self.ups[node], self.downs[node] = ups, downs

    def pinned(self, key) -> bool:
        """No cycle of allowed changes through the cell: its value is the only one possible."""
        node, column = self._node(key)
        ups, downs, bit = self.ups.get(node, 0), self.downs.get(node, 0), 1 << column
        if not (ups | downs) & ~bit:
            return True  # no other hidden cell of its row part can make up for a change
        cut = self.alone.get(node, {})
        if ups & bit and _reached(self.succ, bit, cut) & downs & ~bit:
            return False
        return not (downs & bit and ups & ~bit and _reached(self.succ, ups & ~bit, cut) & bit)


def _bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]
