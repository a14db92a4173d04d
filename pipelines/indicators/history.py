"""The indicators of earlier periods, for trends: computed on the units of the period reported on.

Why its own step: a trend is only as good as the periods it compares. Earlier periods are taken
from raw/ when they are of the same kind as the period reported on (quarters with quarters: a year
is not an earlier period of its own third quarter), validated against the same scope as the run
(another deployment's data must not be checked against the sample's units), and, when they fall
before the 2025 reform and the run after it, re-based onto the new communes and marked `rebased`,
all through the one pipeline of a period (pipelines.indicators.period_tables). A period whose data
has errors is left out of the trend and named, with the command to see why.

A unit left out of the period reported on (it sent nothing by its due date:
pipelines.indicators.coverage) is left out of every earlier period's aggregates too: the district's
2023 figure beside a 2024 made of six wards of seven is the 2023 figure of those six. A trend then
compares the same children, never a change of who reported; the alternative, flagging the point
and keeping the seven-ward figure, would still draw a fall a reader takes for a fall in children.
The earlier periods are still validated against every expected unit (their data holds it).

Packages of the level below carry their maker's history (`history.parquet`): the numerators and
denominators of its communes in every earlier period, already on the units of the period reported
on (the maker re-based them). The communes a package covers take those parts in each earlier period
(pipelines.indicators.given), those with raw forms of their own keep them, and the run's aggregates
add both up: the same trend as from the communes' raw files, whatever the source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import text
from pipelines.core.deployment import LocalTarget
from pipelines.indicators import compute, given as given_parts, period_tables
from pipelines.indicators.period_tables import ABSENT, ERRORS
from pipelines.intake import raw
from pipelines.units.period import Period, same_kind_before
from pipelines.units.scope import Coverage, Scope
from pipelines.validate import remembered, validation


def earlier_tables(data_dir: Path | str, period: Period, cover: Coverage, scope: Scope,
                   local: tuple[LocalTarget, ...], say: Callable[[str], None], remember: bool = True,
                   lang: str = "vi", given: pd.DataFrame | None = None, wide: Coverage | None = None) -> list[pd.DataFrame]:
    """Indicators of every usable earlier period, oldest first, each validated once (or its verdict
    remembered from a run on the same bytes, unless not `remember`: pipelines.validate.remembered).
    `lang`: the language of the messages. `given`: the commune rows of earlier periods from the
    packages' history (`packages_history`), for the run's whole coverage `wide`; `cover` holds the
    communes raw forms are checked against."""
    given = given if given is not None and not given.empty else None
    from_packages = {} if given is None else {Period.parse(label): rows for label, rows in given.groupby("period")}
    found = []
    for earlier in same_kind_before({*raw.periods(data_dir), *from_packages}, period):
        rows = from_packages.get(earlier)
        if rows is not None:
            rows = rows[~rows["unit_code"].isin(list(cover.communes["code"]))]
        tables = period_tables.Tables(earlier, cover.communes, None, False, ABSENT)
        if earlier in raw.periods(data_dir):
            frames = raw.read_period(data_dir, earlier)
            tables = period_tables.tables(earlier, frames, cover, period, _valid(data_dir, earlier, frames, remember))
        if tables.unusable == ERRORS:
            say(text.t(lang, "run.earlier_errors", period=earlier, scope=scope))
        if rows is not None:  # the packages' communes, with the raw forms' when usable
            typed = tables.typed or {name: raw.typed(name, frame) for name, frame in given_parts.empty_forms().items()}
            table = compute.indicators(typed, earlier, wide.communes, wide.same_units().aggregates, local, rows)
            found.append(table.assign(rebased=earlier.unit_list != period.unit_list))
        elif not tables.unusable:
            found.append(tables.indicators(cover.same_units(), local).assign(rebased=tables.rebased))
        elif tables.unusable == ABSENT:
            say(text.t(lang, "run.earlier_absent", period=earlier, unit=cover.aggregate.name))
    return found


def _valid(data_dir: Path | str, earlier: Period, frames: dict[str, pd.DataFrame],
           remember: bool) -> Callable[[pd.DataFrame], bool]:
    """Whether an earlier period validates without errors against the communes it is checked
    against: its verdict remembered from a run on the same bytes, or validated now."""
    return lambda communes: remembered.usable(
        data_dir, earlier, communes, lambda: validation.validate_period(frames, earlier, communes).ok, remember)
