"""Packages of a lower unit's figures (`baocao export --format package`), read and checked.

Why intake: a package is input data from outside, like a commune's form, and it must be proved
intact before anything uses it: the zip's SHA-256 against the `.sha256` file sent beside it, and
each member's SHA-256 against the list in its `package.json`. A package that fails is refused in one
line (the file and the reason), never half read. What a package says (period, list in force, unit)
is checked against the deployment that imports it by pipelines.publish.imports.

The layout (written by pipelines.publish.package): a zip whose `package.json` names the maker's
unit, the period, the list of units in force, the communes whose figures it holds, the maker's
manifest (its SHA-256 and date) and every other member with its SHA-256; members are the period's
processed data under `processed/` and the maker's `manifest.json`.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.core import folders
from pipelines.core.errors import DataError
from pipelines.core.text import failure

FORMAT, VERSION = "baocao-package", 1
META = "package.json"
SUFFIX, HASH_SUFFIX = ".baocao.zip", ".sha256"
PROCESSED = f"{folders.PROCESSED}/"  # members: the maker's processed data of the period, as a manifest names them
MANIFEST = "manifest.json"     # member: the maker's manifest
LIMIT = 256 * 1024 * 1024      # a package's members once unpacked: far above a country's processed data


class PackageRefused(DataError):
    """A package that cannot be used; its message is one line: the file and the reason."""


def refused(path: Path, key: str, **values) -> PackageRefused:
    return failure(PackageRefused, "packages.refused", file=path.name,
                   reason=lambda lang: _reason(lang, key, values))


def _reason(lang: str, key: str, values: dict) -> str:
    from pipelines.core.text import t

    return t(lang, key, **{name: value(lang) if callable(value) else value for name, value in values.items()})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_file(path: Path) -> Path:
    """`<package>.sha256` beside a package: its SHA-256 as `sha256sum` writes it."""
    return path.with_name(path.name + HASH_SUFFIX)


class Described:
    """What a package, or an imported SDMX file (pipelines.publish.sdmx_import), says of itself in its
    `meta`: the period, the maker's unit and the communes whose figures it holds. The import checks
    ask these of both alike."""
    meta: dict

    @property
    def period(self) -> str:
        return str(self.meta["period"])

    @property
    def unit(self) -> tuple[str, str, str]:
        """(level, code, name) of the maker's unit."""
        unit = self.meta["unit"]
        return str(unit["level"]), str(unit["code"]), str(unit["name"])

    @property
    def communes(self) -> list[str]:
        return [str(code) for code in self.meta["communes"]]


@dataclass(frozen=True)
class Package(Described):
    """A package proved intact: where it is, what it says, and its members' bytes."""
    path: Path
    digest: str                 # SHA-256 of the zip
    meta: dict
    members: dict[str, bytes]

    def table(self, name: str) -> pd.DataFrame | None:
        """A processed table of the package (`indicators.parquet`, `history.parquet`…), or None."""
        data = self.members.get(PROCESSED + name)
        return None if data is None else pd.read_parquet(io.BytesIO(data))

    def record(self) -> dict:
        """What a run says of the package: unit, the maker's manifest hash and date, the package's hash."""
        level, code, name = self.unit
        return {"level": level, "code": code, "name": name, "period": self.period,
                "manifest_sha256": self.meta["manifest"]["sha256"], "date": self.meta["manifest"]["date"],
                "package_sha256": self.digest, "file": self.path.name}


def read(path: Path) -> Package:
    """The package at `path`, proved intact, or PackageRefused (one line)."""
    path = Path(path)
    if not path.is_file() or path.is_symlink():
        raise refused(path, "packages.not_a_file")
    data = path.read_bytes()
    digest = sha256(data)
    told = hash_file(path)
    if not told.is_file():
        raise refused(path, "packages.no_hash", hash_file=told.name)
    expected = told.read_text(encoding="utf-8", errors="replace").split()[:1]
    if expected != [digest]:
        raise refused(path, "packages.hash_differs", hash_file=told.name, found=digest[:12],
                      expected=(expected or ["—"])[0][:12])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > LIMIT:
                raise refused(path, "packages.too_large")
            members = {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        if isinstance(error, PackageRefused):
            raise
        raise refused(path, "packages.not_a_package") from None
    try:
        meta = json.loads(members.pop(META).decode("utf-8"))
        listed = dict(meta["members"])
        assert meta["format"] == FORMAT and isinstance(meta["unit"], dict) and meta["period"]
    except (KeyError, ValueError, TypeError, AssertionError, UnicodeDecodeError):
        raise refused(path, "packages.not_a_package") from None
    for name in sorted(set(listed) | set(members)):
        if name not in members:
            raise refused(path, "packages.member_missing", member=name)
        if name not in listed:
            raise refused(path, "packages.member_extra", member=name)
        if sha256(members[name]) != listed[name]:
            raise refused(path, "packages.member_differs", member=name)
    if sha256(members.get(MANIFEST, b"")) != meta["manifest"]["sha256"]:
        raise refused(path, "packages.member_differs", member=MANIFEST)
    return Package(path, digest, meta, members)


def stored(folder: Path) -> list[Package]:
    """The packages imported into a period's folder (`Folders.packages_of`), in name order, each
    proved intact again: a file changed after its import is refused, not used."""
    if not folder.is_dir():
        return []
    return [read(path) for path in sorted(folder.glob("*" + SUFFIX))]
