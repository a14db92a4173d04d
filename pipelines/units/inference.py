"""Which unit a folder's data belongs to, for a command on a folder without settings.

Why: a new user tries `baocao validate` on a folder of forms before writing any `baocao.yml`, and
the commune codes of the period's data already say which unit the forms come from. The smallest
unit of the list in force for the period that holds every commune of the data (before 1 July 2025 a
district, else a province; after it a province; the commune itself when the data holds only one,
as a commune's own deployment does) is the scope such a folder reports on. The whole
country is never inferred: data from two provinces is more often a mix-up than a ministry's run, so
then the units holding the data are named, level by level, for the user to choose. Only levels of
the period's own list are named: there is no district after the reform.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope

# The levels above the commune, smallest first, of each unit list: where a scope can be inferred.
AGGREGATE_LEVELS = {"legacy": ("district", "province"), "2025": ("province",)}


@dataclass(frozen=True)
class Holder:
    """A unit that holds communes of the data: a `--scope` a user may choose."""
    scope: Scope
    name: str      # the official name ("Huyện Bình Liêu"); "" for the whole country
    communes: int  # how many of the data's communes it holds


@dataclass(frozen=True)
class Inference:
    """The units of each aggregate level of the period's list that hold the data's communes."""
    period: Period
    communes: int                                        # communes of the data found in the list in force
    levels: tuple[tuple[str, tuple[Holder, ...]], ...]   # (level, holders by code), smallest level first
    single: Holder | None = None                         # the commune, when the data holds only one

    @property
    def inferred(self) -> Holder | None:
        """The smallest unit holding every commune of the data; None without data or when only the
        whole country does."""
        return self.single or next((holders[0] for _, holders in self.levels if len(holders) == 1), None)

    @property
    def national(self) -> Holder:
        return Holder(Scope(NATIONAL, ""), "", self.communes)


def infer(period: Period, codes: list[str]) -> Inference:
    """The units holding the communes `codes` (as the period's data writes them); codes that are not
    communes of the list in force are left out (validation names them)."""
    table = reference.units(period)
    communes = table[(table["level"] == "commune") & table["code"].isin(list(codes))]
    levels = []
    for level in AGGREGATE_LEVELS[period.unit_list]:
        column = "parent_code" if level == "district" else "province_code"
        counts = communes[column].value_counts()
        names = table[(table["level"] == level) & table["code"].isin(list(counts.index))].set_index("code")["name"]
        holders = tuple(Holder(Scope(level, str(code)), str(names[code]), int(counts[code])) for code in sorted(counts.index))
        levels.append((level, holders))
    single = None
    if len(communes) == 1:
        single = Holder(Scope("commune", str(communes["code"].iloc[0])), str(communes["name"].iloc[0]), 1)
    return Inference(period, len(communes), tuple(levels), single)
