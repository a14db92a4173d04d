"""`baocao import`: packages of the level below taken in by a higher level's deployment, and the
figures they give a run.

Why checked here and not when a run reads them: a package is accepted once, by someone who can be
told why not, and a scheduled run should find only packages that fit. `import_packages` checks each
package (intact: pipelines.intake.packages; the period and the list of units in force; its unit and
every commune of it inside the deployment's scope) and that it contradicts nothing already there
(another package or the communes' own raw files with other figures for the same communes and
period), then stores it in `<data>/packages/<period>/`. Every refusal is one line (the file and the
reason); one refusal stores nothing.

A run (`given`) then treats each stored package as its unit's data: the communes it covers that have
no raw rows of their own take the package's numerators and denominators (pipelines.indicators.given),
the package's unit is added up as an aggregate of its own, and the run records the packages it used
(`packages.json` in the processed folder) for the report's appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from pipelines.core import outputs, text
from pipelines.core.deployment import Deployment
from pipelines.core.errors import DataError
from pipelines.core.folders import INTERNAL_MODES
from pipelines.core.folders import Folders
from pipelines.indicators import compute, given as given_parts
from pipelines.indicators.period_tables import reported_communes
from pipelines.intake import packages, raw
from pipelines.intake.packages import Package, PackageRefused, refused
from pipelines.publish import sdmx_import
from pipelines.units import reference
from pipelines.units.reference import UnknownUnit
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Aggregate, Coverage, Scope, coverage


class ImportRefused(DataError):
    """Packages refused, one PackageRefused each (one line: file and reason); nothing was stored."""

    def __init__(self, refusals: list[PackageRefused]):
        self.refusals = refusals
        super().__init__("\n".join(str(refusal) for refusal in refusals))

    def lines_in(self, lang: str) -> list[str]:
        return [refusal.text(lang) for refusal in self.refusals]


def _inside(period: Period, scope: Scope, level: str, code: str) -> bool:
    """Whether the unit (level, code) lies inside `scope`, below it."""
    if scope.level == NATIONAL:
        return level != NATIONAL
    unit = reference.unit(period, code, level)
    if scope.level == "province":
        return level != "province" and str(unit["province_code"]) == scope.code
    return scope.level == "district" and level == "commune" and str(unit["parent_code"]) == scope.code


def _check(package: Package, period: Period, scope: Scope) -> None:
    """PackageRefused unless the package is of `period`, its list of units and inside `scope`."""
    path, meta = package.path, package.meta
    if package.period != str(period):
        raise refused(path, "packages.wrong_period", found=package.period, expected=period)
    if meta.get("unit_list") != period.unit_list:
        raise refused(path, "packages.wrong_list", found=meta.get("unit_list"), expected=period.unit_list)
    level, code, name = package.unit
    try:
        inside = _inside(period, scope, level, code)
        communes = set(reference.communes_of(period, code, level)["code"].astype(str))
    except UnknownUnit:
        raise refused(path, "packages.unknown_unit", unit=f"{level}:{code}", period=period) from None
    if not inside:
        raise refused(path, "packages.outside_scope", name=name, unit=f"{level}:{code}", scope=str(scope))
    stray = sorted(set(package.communes) - communes)
    if stray:
        raise refused(path, "packages.commune_outside", code=stray[0], name=name)


def _rows(package: Package) -> pd.DataFrame:
    return given_parts.commune_rows([package.table("indicators.parquet")], package.period)


def _raw_rows(folders: Folders, period: Period, codes: set[str]) -> tuple[pd.DataFrame, list[str]]:
    """The commune rows the raw files of `period` give for `codes` (those present in them)."""
    if not folders.raw_of(period).is_dir():
        return pd.DataFrame(columns=given_parts.KEY + given_parts.PARTS), []
    try:
        frames = raw.read_period(folders.data, period)
    except DataError:  # no forms yet (a folder `init` made), or unreadable ones, which a run refuses itself
        return pd.DataFrame(columns=given_parts.KEY + given_parts.PARTS), []
    present = sorted(codes & set(reported_communes(frames)))
    if not present:
        return pd.DataFrame(columns=given_parts.KEY + given_parts.PARTS), []
    typed = {name: raw.typed(name, frame) for name, frame in frames.items()}
    names = pd.DataFrame({"code": present, "name": present})
    return given_parts.commune_rows([compute.indicators(typed, period, names, [])], str(period)), present


def stored(folders: Folders, period: Period) -> list[Package | sdmx_import.Figures]:
    """The packages and SDMX-CSV files imported for `period`, each proved intact or read again."""
    place = folders.packages_of(period)
    return [*packages.stored(place), *sdmx_import.stored(place, period)]


def _read(path: Path, period: Period) -> Package | sdmx_import.Figures:
    return sdmx_import.read(path, period) if sdmx_import.is_sdmx(path) else packages.read(path)


def _files(package: Package | sdmx_import.Figures, place: Path) -> list[tuple[Path, bytes]]:
    """(where, bytes) of what is stored of an accepted package or SDMX-CSV file."""
    if isinstance(package, sdmx_import.Figures):
        return sdmx_import.store(package, place)
    target = place / package.path.name
    return [(target, package.path.read_bytes()), (packages.hash_file(target), packages.hash_file(package.path).read_bytes())]


def import_packages(folders: Folders, period: Period, paths: list[Path], scope: Scope,
                    replace: bool = False) -> list[Path]:
    """Check every package (or SDMX-CSV file: pipelines.publish.sdmx_import) and store them all in
    `<data>/packages/<period>/`, or store none and raise ImportRefused with one line per file
    refused. Returns the stored paths.

    `replace` (`baocao import --replace`): a unit that corrected its figures sends its package again;
    what is stored of the same unit is then not a contradiction but the version the new one replaces,
    and is removed once the new one is stored (the raw files are still checked against it)."""
    place = folders.packages_of(period)
    there = {package.path.name: package for package in stored(folders, period)}
    lines, accepted = [], []
    for path in paths:
        try:
            package = _read(Path(path), period)
            _check(package, period, scope)
            kept = [old for old in there.values() if not (replace and old.unit[:2] == package.unit[:2])]
            _agrees(package, [*kept, *accepted], folders, period)
        except PackageRefused as error:
            lines.append(error)
            continue
        accepted.append(package)
    if lines:
        raise ImportRefused(lines)
    done, written = [], set()
    for package in accepted:
        outputs.make_folder(place, INTERNAL_MODES[0])
        files = _files(package, place)
        for target, data in files:
            outputs.write_bytes(target, data)
            written.add(target)
        done.append(files[0][0])
    units = {package.unit[:2] for package in accepted}
    for old in there.values() if replace else ():
        if old.unit[:2] in units:
            for path in _kept_files(old):
                if path not in written:
                    path.unlink(missing_ok=True)
    return done


def _kept_files(package: Package | sdmx_import.Figures) -> list[Path]:
    """The files that store an imported package or SDMX-CSV file in `<data>/packages/<period>/`."""
    if isinstance(package, sdmx_import.Figures):
        return [package.path, package.structure]
    return [package.path, packages.hash_file(package.path)]


def _agrees(package: Package, others: list[Package], folders: Folders, period: Period) -> None:
    """PackageRefused naming both when another package (a different file or unit) or the raw files
    give other figures for a commune of `package`."""
    rows = _rows(package)
    for other in others:
        if other.digest == package.digest or not set(other.communes) & set(package.communes):
            continue
        differ = given_parts.differing(rows, _rows(other))
        if differ:
            raise refused(package.path, "packages.contradicts", other=other.path.name, code=differ[0])
    found, present = _raw_rows(folders, period, set(package.communes))
    differ = given_parts.differing(rows, found) if present else []
    if differ:
        raise refused(package.path, "packages.contradicts_raw", other=str(folders.raw_of(period)), code=differ[0])


@dataclass(frozen=True)
class Given:
    """What a run takes from the stored packages of its period."""
    cover: Coverage                    # the run's units: the raw files' communes and the packages'
    rows: pd.DataFrame | None = None   # parts of the communes only packages cover
    history: pd.DataFrame | None = None  # their parts in earlier periods (the packages' history.parquet)
    used: list[dict] = field(default_factory=list)  # each package used (Package.record)


def given(folders: Folders, period: Period, scope: Scope, frames: dict[str, pd.DataFrame], checked: Coverage | None,
          site: Deployment) -> Given:
    """The coverage and given figures of a run whose raw files give `checked` (None: no raw form of
    any commune, the packages alone); with no package stored for the period, `checked` itself."""
    found = stored(folders, period)
    if not found:
        return Given(checked)
    have = set(reported_communes(frames))
    used = [package for package in found if set(package.communes) - have]
    if not used:
        return Given(checked)
    codes = sorted(have | {code for package in used for code in package.communes})
    wide = coverage(period, scope, codes, site.commune_reports.get(period.unit_list, False))
    known, units = {(aggregate.level, aggregate.code) for aggregate in wide.aggregates}, []
    for package in used:  # a province package nationally is already a province; a unit's package and SDMX, once
        level, code, name = package.unit
        if (level, code) not in known:
            known.add((level, code))
            units.append(Aggregate(level, code, name, tuple(sorted(set(package.communes)))))
    rows = given_parts.commune_rows([package.table("indicators.parquet") for package in used], str(period))
    rows = rows[~rows["unit_code"].isin(list(have))].reset_index(drop=True)
    history = given_parts.earlier_rows([package.table("history.parquet") for package in used], str(period))
    return Given(replace(wide, above=(*wide.above, *units)), rows, history, [package.record() for package in used])


def said(lang: str, stored: list[Path]) -> str:
    return text.t(lang, "packages.imported", count=len(stored), names=", ".join(path.name for path in stored))
