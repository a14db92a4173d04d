"""The scope a `run` or a `validate` reports on: `--scope`, else the settings', else the data's.

Why a folder without settings is not simply refused: the first thing a new user does is try a
folder of forms, before any `baocao.yml`. When every commune of the period's data belongs to one
unit of the list in force (pipelines.units.inference), that unit is used, the command says so in
one line and prints the `init` command that records it, with the real folder. A run uses it too: a
run without settings is someone trying the product by hand (a scheduled run has its `baocao.yml`),
and the line it prints is in its log. Otherwise (no data yet, or communes of several provinces) the
command stops and names the exact `--scope` choices, in levels of the period's own list.
A folder with a settings file is never guessed for: its `default_scope` decides (pipelines.units.scope).
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Callable

from pipelines.core import deployment, errors, formats, text
from pipelines.core.text import Said, failure
from pipelines.intake import roll
from pipelines.units import inference, reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope, default

LISTED = 10  # units of one level named one by one; beyond, the level is named with its count


def scope_of(period: Period, data_dir: Path | str, site: deployment.Deployment, scope: Scope | None, lang: str,
             say: Callable[[str], None], codes: Callable[[], list[str]] | None = None) -> Scope:
    """`scope` when given; the settings' default when there is a settings file; else the unit the
    data's communes (`codes()`, by default read from the population form) all belong to."""
    if scope is not None:
        return scope
    if site.path is not None:
        return default(period, site)
    found = inference.infer(period, codes() if codes else roll.commune_codes(data_dir, period))
    folder = Path(data_dir).absolute()
    holder = found.inferred
    if holder is None:
        raise _choices(found, folder)
    say(text.t(lang, "run.scope_inferred", file=deployment.FILE, scope=str(holder.scope),
               unit=reference.unit_name(holder.name, lang, "message"), command=init_command(holder.scope, folder, period)))
    return holder.scope


def init_command(scope: Scope | str, folder: Path, period: Period) -> str:
    """The `baocao init` that records `scope` for `folder`, ready to paste into a shell."""
    return f"baocao init --scope {scope} --data-dir {shlex.quote(str(folder))} --period {period}"


def _choices(found: inference.Inference, folder: Path) -> errors.UsageError:
    """Why no scope is inferred, and the `--scope` choices the data allows (levels of its list only)."""
    period, file, quoted = found.period, deployment.FILE, shlex.quote(str(folder))
    if not found.communes:
        return failure(errors.UsageError, "errors.scope.no_data", file=file, folder=folder, period=period, quoted=quoted,
                       levels=lambda lang: text.t(lang, f"errors.scope.levels.{period.unit_list}"))

    def listed(lang: str) -> Said:
        lines = []
        for level, holders in found.levels:
            if len(holders) > LISTED:
                lines.append(text.t(lang, f"errors.scope.choice_many.{level}", count=formats.number(len(holders), lang=lang)))
                continue
            lines += [text.t(lang, "errors.scope.choice", scope=str(h.scope), unit=reference.unit_name(h.name, lang, "message"),
                             communes=formats.number(h.communes, lang=lang)) for h in holders]
        lines.append(text.t(lang, "errors.scope.choice_national", scope=NATIONAL,
                            communes=formats.number(found.communes, lang=lang)))
        return Said("\n".join(lines))

    return failure(errors.UsageError, "errors.scope.choose", file=file, folder=folder, period=period,
                   quoted=quoted, communes=lambda lang: formats.number(found.communes, lang=lang), choices=listed)
