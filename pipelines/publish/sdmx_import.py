"""`baocao import --period P FILE.sdmx.csv`: the SDMX-CSV export of the level below, taken in as a package.

Why: a district that sends its figures in SDMX (its `baocao export --format sdmx-csv`, or the `sdmx/`
members of its package, or another system writing our dataflow) should not have to send them again
as a package. The file is read with pysdmx against the structure message beside it (as exported:
`structure.sdmx.xml` or `structure.<lang>.sdmx.xml`; as stored: `<name>.structure.sdmx.xml`), so a
file that does not fit the structure is refused, not half read. What a run needs of it are the
NUMERATOR and DENOMINATOR attributes of each indicator and commune: `Figures` gives them in the
shape of a package's processed table, and pipelines.publish.imports checks and uses it exactly like
a package (period, list of units, scope, contradictions; pipelines.indicators.given).

The maker's unit is the one area of the file that is not a commune of the list in force (a
district's export holds the district and its communes). pysdmx 1.21 reads a CSV's `06838` as
`6838`: the structure's area code list gives each back its code. The date named in the appendix is
the structure message's `Prepared` (our exports write the period's last day); there is no manifest
to name, so none is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.indicators import catalogue
from pipelines.intake.packages import Described, refused
from pipelines.publish.exports import periods, sdmx
from pipelines.units import reference
from pipelines.units.period import Period

SUFFIX = ".sdmx.csv"                       # what is imported as SDMX-CSV
STRUCTURE_SUFFIX = ".structure.sdmx.xml"   # the structure stored beside an imported file
PREPARED = re.compile(rb"<(?:\w+:)?Prepared>([^<]{1,40})</")


def is_sdmx(path: Path) -> bool:
    return Path(path).name.endswith(SUFFIX)


def structure_of(path: Path) -> Path | None:
    """The structure message beside an SDMX-CSV file: its stored one, else the exported one."""
    stem = path.name[: -len(SUFFIX)]
    for candidate in (path.with_name(stem + STRUCTURE_SUFFIX), path.with_name(sdmx.STRUCTURE),
                      *sorted(path.parent.glob("structure.*.sdmx.xml"))):
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return None


@dataclass(frozen=True)
class Figures(Described):
    """An SDMX-CSV file read against its structure, with what pipelines.publish.imports asks of a package."""
    path: Path
    structure: Path
    digest: str                # SHA-256 of the data file
    meta: dict                 # period, unit_list, unit, communes, date
    rows: pd.DataFrame         # level, unit_code, period, indicator_id, numerator, denominator

    def table(self, name: str) -> pd.DataFrame | None:
        """The figures as a package's `indicators.parquet`; an SDMX file holds no other table."""
        return self.rows if name == "indicators.parquet" else None

    def stored_name(self) -> str:
        """`district-198-2024.sdmx.csv`: the unit and the period, as a package is named."""
        level, code, _ = self.unit
        return f"{level}-{code}-{self.period}{SUFFIX}"

    def record(self) -> dict:
        level, code, name = self.unit
        return {"level": level, "code": code, "name": name, "period": self.period, "manifest_sha256": "",
                "date": self.meta["date"], "package_sha256": self.digest, "file": self.path.name}


def _key(code: object) -> str:
    """A code as pysdmx may read it back from CSV (`06838` → `6838`), to match the code list's."""
    text = str(code)
    return str(int(text)) if text.isdigit() else text


def read(path: Path, period: Period) -> Figures:
    """The SDMX-CSV file at `path` for a run of `period`, read against its structure, or PackageRefused."""
    from pysdmx.io import get_datasets  # pysdmx loads in about a second: only when a file is imported

    path = Path(path)
    if not path.is_file() or path.is_symlink():
        raise refused(path, "packages.not_a_file")
    structure = structure_of(path)
    if structure is None:
        raise refused(path, "packages.sdmx_no_structure", structure=sdmx.STRUCTURE)
    try:
        [found] = get_datasets(path, structure)
        areas = {_key(code.id): (code.id, str(code.name)) for code in found.structure.components["REF_AREA"].local_codes}
        data = found.data
        flow = (found.structure.agency, found.structure.id)
    except Exception:  # noqa: BLE001 - whatever pysdmx finds wrong, the line names the file and the structure
        raise refused(path, "packages.sdmx_unreadable", structure=structure.name) from None
    if flow != (sdmx.AGENCY, sdmx.FLOW):
        raise refused(path, "packages.sdmx_other_flow", found=":".join(flow), expected=f"{sdmx.AGENCY}:{sdmx.FLOW}")
    written = sorted(set(data["TIME_PERIOD"].astype(str)))
    if written != [periods.sdmx(period)]:
        raise refused(path, "packages.wrong_period", found=", ".join(written), expected=period)
    ids = {sdmx.indicator_code(entry): entry for entry in catalogue.entries()}
    unknown = sorted(set(data["INDICATOR"].astype(str)) - set(ids))
    if unknown:
        raise refused(path, "packages.sdmx_indicator", code=unknown[0])
    codes = [areas.get(_key(value), (str(value), ""))[0] for value in data["REF_AREA"]]
    listed = reference.units(period)
    levels = dict(zip(listed["code"].astype(str), listed["level"].astype(str)))  # codes of two levels never clash
    stray = sorted(set(codes) - set(levels))
    if stray:
        raise refused(path, "packages.unknown_unit", unit=stray[0], period=period)
    makers = sorted({code for code in codes if levels[code] != "commune"})
    if len(makers) != 1:
        raise refused(path, "packages.sdmx_units", count=len(makers), codes=", ".join(makers))
    unit = reference.unit(period, makers[0], levels[makers[0]])
    rows = pd.DataFrame({"level": [levels[code] for code in codes], "unit_code": codes, "period": str(period),
                         "indicator_id": [ids[code] for code in data["INDICATOR"].astype(str)],
                         "numerator": pd.array(data["NUMERATOR"], dtype="Int64"),
                         "denominator": pd.array(data["DENOMINATOR"], dtype="Int64")})
    prepared = PREPARED.search(structure.read_bytes())
    meta = {"period": str(period), "unit_list": period.unit_list, "date": prepared.group(1).decode() if prepared else "",
            "unit": {"level": str(unit["level"]), "code": str(unit["code"]), "name": str(unit["name"])},
            "communes": sorted({code for code in codes if levels[code] == "commune"})}
    return Figures(path, structure, hashlib.sha256(path.read_bytes()).hexdigest(), meta, rows)


def stored(folder: Path, period: Period) -> list[Figures]:
    """The SDMX-CSV files imported into a period's folder, in name order, each read again."""
    if not folder.is_dir():
        return []
    return [read(path, period) for path in sorted(folder.glob("*" + SUFFIX))]


def store(figures: Figures, folder: Path) -> list[tuple[Path, bytes]]:
    """(where, bytes) of the data file and its structure once stored in `folder`."""
    name = figures.stored_name()
    return [(folder / name, figures.path.read_bytes()),
            (folder / (name[: -len(SUFFIX)] + STRUCTURE_SUFFIX), figures.structure.read_bytes())]
