"""Where a run's figures come from: the communes' raw forms, the packages imported from the level
below, or both.

Why a step of its own: a province or the ministry may receive nothing but packages (each district
or province has validated its own communes' forms and published its figures), and such a
deployment must run without a single raw file. So the period is read from packages alone when the
period has no raw forms of any commune (no folder, a folder `baocao init` left empty, forms without
a commune row) and at least one package is stored for it: the forms are then empty, there is
nothing to validate (the run says so in its lines) and every commune's numerators and denominators
come from the packages (pipelines.publish.imports, pipelines.indicators.given). Without a package,
a period without raw data stops the run with the same message as ever (pipelines.intake.raw).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, replace
from typing import Callable

import pandas as pd

from pipelines.core.deployment import Deployment
from pipelines.core.folders import Folders
from pipelines.indicators import coverage as reported, editions, given as given_parts, period_tables
from pipelines.intake import raw
from pipelines.publish import imports
from pipelines.units.period import Period
from pipelines.units.scope import Coverage, Scope, coverage
from pipelines.validate.problems import ValidationOutcome


@dataclass(frozen=True)
class Sources:
    """The period's forms (empty when only packages give figures), the units validated (`checked`,
    None when there is no raw form to check) and what the packages give."""
    frames: dict[str, pd.DataFrame]
    checked: Coverage | None
    given: imports.Given
    reporting: reported.Reporting | None = None  # who reported, to record (deadlines set, or units left out)


def _no_forms(folders: Folders, period: Period) -> bool:
    """Whether the period has no raw form at all: no folder, or none of the forms' files in it."""
    folder = folders.raw_of(period)
    return not folder.is_dir() or not any(os.path.lexists(folder / form.file) for form in raw.forms().values())


def cover_of(period: Period, scope: Scope, frames: dict[str, pd.DataFrame], site: Deployment) -> Coverage:
    return coverage(period, scope, period_tables.reported_communes(frames),
                    site.commune_reports.get(period.unit_list, False))


def settled(folders: Folders, period: Period, scope: Scope, frames: dict, site: Deployment, on: dt.date | None,
            step=None) -> tuple[Coverage, imports.Given, reported.Reporting | None]:
    """The units of the raw files (`checked`) and with imported packages (`Given.cover`) a run covers on
    the day `on`, and what to record of who reported (pipelines.indicators.coverage): a commune a
    package covers has reported; one that sent nothing is left out of both once overdue."""
    checked = cover_of(period, scope, frames, site)
    found = imports.given(folders, period, scope, frames, checked, site)
    packaged = {code for unit in found.cover.above if unit not in checked.above for code in unit.communes}
    checked, reporting = reported.settle(checked, frames, site.deadlines, period, on or reported.today(), step, packaged)
    left = [code for code, _ in checked.left_out]
    return checked, dataclasses.replace(found, cover=found.cover.without(left)) if left else found, reporting


def read(folders: Folders, period: Period, scope: Scope, site: Deployment, on: dt.date | None = None,
         step=None) -> Sources:
    """The period's sources for a run on `scope` on the day `on`. With no package stored, the raw
    forms as ever (a period without raw data stops the run: RawDataError); with packages and raw
    forms, both (`settled`); with packages and no commune in raw forms, the packages alone (no due
    date to settle: every commune a package covers has reported)."""
    stored = imports.stored(folders, period)
    if stored and _no_forms(folders, period):
        frames = given_parts.empty_forms()
    else:
        frames = raw.read_period(folders.data, period)
    if stored and not period_tables.reported_communes(frames):
        return Sources(frames, None, imports.given(folders, period, scope, frames, None, site))
    checked, found, reporting = settled(folders, period, scope, frames, site, on, step)
    return Sources(frames, checked, found, reporting)


def nothing_to_check(period: Period, frames: dict[str, pd.DataFrame], cover: Coverage, used: list[dict],
                     step: Callable[..., None]) -> tuple[ValidationOutcome, period_tables.Tables]:
    """Step 2 of a run from packages alone: no raw form to validate (said in the run's lines, with
    the packages the figures come from), an outcome without problems, the empty forms typed."""
    step("run.validate_none", period=period, count=len(used), names=", ".join(entry["file"] for entry in used))
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    return ValidationOutcome([], []), period_tables.Tables(period, cover.communes, typed, False)


def unchecked(cover: Coverage) -> Coverage:
    """`cover` without its communes: the units checked against raw forms when there is none."""
    return replace(cover, communes=cover.communes.iloc[0:0])


def breakdowns(typed: dict[str, pd.DataFrame], period: Period, checked: Coverage,
               aggregate: tuple[str, str, str]) -> pd.DataFrame:
    """The breakdowns of sensitive counts of the raw forms' communes (pipelines.indicators.editions);
    none at all when no commune has raw forms: a package carries no breakdown, and a row of zeros
    for the aggregate would say that none of its children is in any group."""
    table = editions.breakdowns(typed, period, checked.communes, aggregate)
    return table if not checked.communes.empty else table.iloc[0:0].reset_index(drop=True)
