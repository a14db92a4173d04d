"""`baocao export --format package`: a period's published figures as one file for the level above.

Why a package and not the communes' raw files again: the district has validated its communes'
forms and published its figures; the province should take those figures as they were published,
with proof of where they come from (the maker's manifest and its SHA-256), not validate and compute
them a second time from files that may since have changed. The package is a zip holding the
period's processed data and the maker's manifest, with `package.json` listing each member's
SHA-256 (layout: pipelines.intake.packages, which reads it), and `<name>.sha256` beside it.

Byte-identical for the same published run: members in name order, fixed timestamps (1980-01-01),
fixed permissions, one compression; nothing of the moment of export goes in (the date is the
maker's run's). `extra` adds members (the SDMX-CSV export of the same figures, issue 20 item 2).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd

from pipelines.core import datasets, outputs
from pipelines.core.errors import UsageError
from pipelines.core.folders import Folders
from pipelines.core.text import failure
from pipelines.intake import packages
from pipelines.publish import manifest
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no time of export in the bytes
MEMBER_MODE = 0o644
SDMX = "sdmx/"  # members: the SDMX-CSV export of the same figures and its structure message


def name_of(level: str, code: str, period: Period) -> str:
    """`district-198-2024.baocao.zip`: the unit and the period, as the importer lists it."""
    return f"{level}-{code}-{period}{packages.SUFFIX}"


def _zip(members: dict[str, bytes]) -> bytes:
    """The members in name order, each with a fixed time, mode and compression."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever the machine: the mode below is then read as such
            info.external_attr = (0o100000 | MEMBER_MODE) << 16
            archive.writestr(info, members[name], compresslevel=6)
    return buffer.getvalue()


def contents(folders: Folders, period: Period, extra: dict[str, bytes] | None = None) -> tuple[str, dict[str, bytes]]:
    """(file name, members) of the package of `period`'s published run, `package.json` included."""
    published = manifest.read(folders, period)
    processed = folders.processed_of(period)
    if published is None or not processed.is_dir():
        raise failure(UsageError, "packages.not_published", period=period)
    scope = Scope.parse(published.scope)
    if scope.level == NATIONAL:
        raise failure(UsageError, "packages.national", period=period)
    unit = reference.unit(period, scope.code, scope.level)
    made = (folders.reports_of(period) / manifest.NAME).read_bytes()
    members = {packages.MANIFEST: made}
    for path in sorted(processed.rglob("*")):
        if path.is_file():
            members[packages.PROCESSED + path.relative_to(processed).as_posix()] = path.read_bytes()
    members.update(extra or {})
    table = pd.read_parquet(datasets.in_folder(processed, datasets.INDICATORS))
    communes = sorted(set(table.loc[table["level"] == "commune", "unit_code"].astype(str)))
    meta = {"format": packages.FORMAT, "version": packages.VERSION, "period": str(period),
            "unit_list": period.unit_list, "unit": {"level": scope.level, "code": scope.code, "name": str(unit["name"])},
            "communes": communes,
            "manifest": {"sha256": packages.sha256(made), "date": published.started},
            "members": {name: packages.sha256(data) for name, data in sorted(members.items())}}
    members[packages.META] = (json.dumps(meta, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    return name_of(scope.level, scope.code, period), members


def export(folders: Folders, period: Period, out: Path, extra: dict[str, bytes] | None = None) -> Path:
    """Write the package of `period` and its `.sha256` into `out`; returns the package's path."""
    name, members = contents(folders, period, extra)
    data = _zip(members)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    outputs.write_bytes(path, data)
    outputs.write_text(packages.hash_file(path), f"{packages.sha256(data)}  {name}\n")
    return path
