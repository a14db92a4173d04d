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
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import text
from pipelines.core.deployment import LocalTarget
from pipelines.indicators import period_tables
from pipelines.indicators.period_tables import ABSENT
from pipelines.intake import raw
from pipelines.units.period import Period, same_kind_before
from pipelines.units.scope import Coverage, Scope
from pipelines.validate import remembered, validation


def earlier_tables(data_dir: Path | str, period: Period, cover: Coverage, scope: Scope,
                   local: tuple[LocalTarget, ...], say: Callable[[str], None], remember: bool = True,
                   lang: str = "vi") -> list[pd.DataFrame]:
    """Indicators of every usable earlier period, oldest first, each validated once (or its verdict
    remembered from a run on the same bytes, unless not `remember`: pipelines.validate.remembered).
    `lang`: the language of the messages."""
    found = []
    for earlier in same_kind_before(raw.periods(data_dir), period):
        frames = raw.read_period(data_dir, earlier)
        tables = period_tables.tables(earlier, frames, cover, period, _valid(data_dir, earlier, frames, remember))
        if tables.unusable == ABSENT:
            say(text.t(lang, "run.earlier_absent", period=earlier, unit=cover.aggregate.name))
        elif tables.unusable:
            say(text.t(lang, "run.earlier_errors", period=earlier, scope=scope))
        else:
            found.append(tables.indicators(cover.same_units(), local).assign(rebased=tables.rebased))
    return found


def _valid(data_dir: Path | str, earlier: Period, frames: dict[str, pd.DataFrame],
           remember: bool) -> Callable[[pd.DataFrame], bool]:
    """Whether an earlier period validates without errors against the communes it is checked
    against: its verdict remembered from a run on the same bytes, or validated now."""
    return lambda communes: remembered.usable(
        data_dir, earlier, communes, lambda: validation.validate_period(frames, earlier, communes).ok, remember)
