"""`baocao init`: start a new deployment for any commune, district or province.

A deployment is a data folder with its settings file (`baocao.yml`, pipelines.core.deployment) and
one folder per reporting period under `raw/`. `init` checks the scope against the reference list
in force for the first period (so a mistyped code is caught before any data is collected), writes
the settings with that scope as the default, creates the empty period folder, and says what to run
next. It never overwrites: an existing settings file is refused with its path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipelines.core import deployment, errors, text
from pipelines.core.folders import Folders
from pipelines.units import reference, types
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope, national_name


class InitRefused(errors.UsageError):
    """Nothing was written; the message says why."""


def init(scope: Scope, data_dir: Path | str, period: Period | None = None, lang: str = "vi") -> list[str]:
    """Write `<data_dir>/baocao.yml` and `<data_dir>/raw/<period>/`; return what to tell the user (in `lang`)."""
    period = period or Period(dt.date.today().year)
    data_dir = Path(data_dir)
    settings_file = data_dir / deployment.FILE
    if settings_file.exists():
        raise InitRefused(text.t(lang, "run.init_exists", path=settings_file))
    if scope.level == "district" and period.unit_list != "legacy":
        raise InitRefused(text.t(lang, "run.init_no_district", period=period))
    if scope.level == NATIONAL:  # the whole country: every commune of the list in force
        name, units = national_name(), reference.units(period)
        communes = units[units["level"] == "commune"]
    else:
        name = reference.unit(period, scope.code, scope.level)["name"]  # UnknownUnit names the code and the period
        communes = reference.communes_of(period, scope.code, scope.level)
    folder = Folders.at(data_dir).raw_of(period)
    folder.mkdir(parents=True, exist_ok=True)
    settings_file.write_text(deployment.new_settings(str(scope), period.unit_list, str(name)), encoding="utf-8")
    first = communes["code"].iloc[0]
    return [text.t(lang, "run.init_settings", path=settings_file, name=name, scope=scope,
                   communes=types.counted(lang, communes["name"], "commune")),
            text.t(lang, "run.init_folder", folder=folder),
            text.t(lang, "run.init_next", period=period, unit=first, data=data_dir,
                   units=types.set_noun(lang, communes["name"], "commune", 1))]
