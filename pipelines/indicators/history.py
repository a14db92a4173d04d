"""The indicators of earlier periods, for trends: computed on the units of the period reported on.

Why its own step: a trend is only as good as the periods it compares. Earlier periods are taken
from raw/ when they are of the same kind as the period reported on (quarters with quarters: a year
is not an earlier period of its own third quarter), validated against the same scope as the run
(another deployment's data must not be checked against the sample's units), and, when they fall
before the 2025 reform and the run after it, re-based onto the new communes and marked `rebased`.
A period whose data has errors is left out of the trend and named, with the command to see why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core.deployment import LocalTarget
from pipelines.indicators import compute
from pipelines.intake import raw
from pipelines.units import crosswalk, reference
from pipelines.units.period import Period, same_kind_before
from pipelines.units.scope import NATIONAL, Coverage, Scope, earlier_communes
from pipelines.validate import remembered, validation


def reported_communes(frames: dict[str, pd.DataFrame]) -> list[str]:
    """The commune codes a period's data holds (the population form is the roll of communes)."""
    return sorted(set(frames["population"]["commune_code"].dropna())) if "population" in frames else []


def earlier_tables(data_dir: Path | str, period: Period, cover: Coverage, scope: Scope,
                   local: tuple[LocalTarget, ...], say: Callable[[str], None], remember: bool = True) -> list[pd.DataFrame]:
    """Indicators of every usable earlier period, oldest first, each validated once (or its verdict
    remembered from a run on the same bytes, unless not `remember`: pipelines.validate.remembered)."""
    tables = []
    for earlier in same_kind_before(raw.periods(data_dir), period):
        frames = raw.read_period(data_dir, earlier)
        communes = earlier_communes(cover, period, earlier, reported_communes(frames))
        if communes.empty:
            say(f"      kỳ {earlier}: không có số liệu của {cover.aggregate.name}, không dùng cho xu hướng")
            continue
        if not remembered.usable(data_dir, earlier, communes,
                                 lambda: validation.validate_period(frames, earlier, communes).ok, remember):
            say(f"      kỳ {earlier}: dữ liệu có lỗi, không dùng cho xu hướng "
                f"(chạy: baocao validate --period {earlier} --scope {scope})")
            continue
        typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
        rebased = earlier.unit_list != period.unit_list
        if rebased:
            typed = _rebased(typed, earlier, period, cover)
        table = compute.indicators(typed, earlier, cover.communes, cover.aggregates, local)
        tables.append(table.assign(rebased=rebased))
    return tables


def _rebased(typed: dict[str, pd.DataFrame], earlier: Period, period: Period, cover: Coverage) -> dict[str, pd.DataFrame]:
    """An earlier period's typed forms on the new communes of the run: the conversion table is by
    province, so a national run re-bases the old communes of each province of its communes in turn."""
    if cover.aggregate.level != NATIONAL:
        province = reference.unit(period, cover.aggregate.code, cover.aggregate.level)["province_code"]
        return crosswalk.rebase(typed, earlier, period, str(province))
    table = reference.units(period)
    provinces = sorted(set(table[(table["level"] == "commune") & table["code"].isin(list(cover.communes["code"]))]
                           ["province_code"].tolist()))
    parts: dict[str, list[pd.DataFrame]] = {}
    for province in provinces:
        olds = set(crosswalk.conversion(province)["legacy_code"].tolist())
        subset = {name: frame[frame["commune_code"].isin(list(olds))] for name, frame in typed.items()}
        for name, frame in crosswalk.rebase(subset, earlier, period, province).items():
            parts.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
