"""The one pipeline of a period: its forms read, validated, typed and re-based onto the run's units.

Why one function for every period: the period reported on and each earlier period its trends use
go through the same steps (read → validate against the communes of the run → type → re-base), and
two copies of those steps drift apart. `tables` is that one path; only what is done with a period
that cannot be used differs (the period itself stops the run, an earlier one is left out of the
trend), so that choice stays with the caller, which also says how to validate (the period itself
fully, with its warnings and the outlier check; an earlier one by its remembered verdict).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from pipelines.core.deployment import LocalTarget
from pipelines.indicators import compute
from pipelines.intake import raw
from pipelines.units import crosswalk, reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Coverage, earlier_communes, provinces_of

ABSENT, ERRORS = "absent", "errors"  # why a period's tables cannot be used


@dataclass(frozen=True)
class Tables:
    """The typed forms of one period on the units of the run, or why there are none."""
    period: Period
    communes: pd.DataFrame   # code, name: the communes its data was checked against
    typed: dict[str, pd.DataFrame] | None  # None when unusable
    rebased: bool            # from the units before the 2025 reform onto the run's
    unusable: str = ""       # ABSENT: no data of the run's units; ERRORS: blocking data problems

    def indicators(self, cover: Coverage, local: tuple[LocalTarget, ...], given: pd.DataFrame | None = None) -> pd.DataFrame:
        """Every indicator of the period for the run's communes and aggregates; `given`: the parts of
        the communes a package covers (pipelines.indicators.given)."""
        return compute.indicators(self.typed, self.period, cover.communes, cover.aggregates, local, given)


def reported_communes(frames: dict[str, pd.DataFrame]) -> list[str]:
    """The commune codes a period's data holds (the population form is the roll of communes)."""
    return sorted(set(frames["population"]["commune_code"].dropna())) if "population" in frames else []


def tables(period: Period, frames: dict[str, pd.DataFrame], cover: Coverage, reported_on: Period,
           valid: Callable[[pd.DataFrame], bool]) -> Tables:
    """The tables of `period` (its text `frames` as read from raw/) for a run on `reported_on` that
    covers `cover`. `valid(communes)` validates the frames against the communes they are checked
    against and says whether they can be used."""
    communes = earlier_communes(cover, reported_on, period, reported_communes(frames))
    rebased = period.unit_list != reported_on.unit_list
    if communes.empty:
        return Tables(period, communes, None, rebased, ABSENT)
    if not valid(communes):
        return Tables(period, communes, None, rebased, ERRORS)
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    if rebased:
        typed = _rebased(typed, period, reported_on, cover)
    return Tables(period, communes, typed, rebased)


def _rebased(typed: dict[str, pd.DataFrame], earlier: Period, period: Period, cover: Coverage) -> dict[str, pd.DataFrame]:
    """An earlier period's typed forms on the new communes of the run: the conversion table is by
    province, so a national run re-bases the old communes of each province of its communes in turn."""
    if cover.aggregate.level != NATIONAL:
        province = reference.unit(period, cover.aggregate.code, cover.aggregate.level)["province_code"]
        return crosswalk.rebase(typed, earlier, period, str(province))
    parts: dict[str, list[pd.DataFrame]] = {}
    for province in provinces_of(period, cover.communes["code"]):
        olds = set(crosswalk.conversion(province)["legacy_code"].tolist())
        subset = {name: frame[frame["commune_code"].isin(list(olds))] for name, frame in typed.items()}
        for name, frame in crosswalk.rebase(subset, earlier, period, province).items():
            parts.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
