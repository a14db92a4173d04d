"""Exports published with their period: written by a run into its staged trees, or by `baocao export`
into the published ones, and hashed in the period's manifest either way (see the package docstring
for why both ways share this code).

A run makes the formats its deployment lists (`exchange: formats:`) for each edition it renders, and
every export the published manifest records (`exports`), so that a format asked once by `baocao
export` is not lost by the next run, and `baocao verify` rebuilds what it must compare.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from pipelines.core import datasets, errors, keyed, outputs, publication
from pipelines.core.deployment import Deployment
from pipelines.core.folders import EXPORTS, INTERNAL_MODES, PUBLIC_MODES, Folders
from pipelines.core.text import failure
from pipelines.publish import manifest, public
from pipelines.publish.exports import EDITIONS, WRITERS, entry, rows
from pipelines.publish.manifest import Manifest
from pipelines.units.period import Period
from pipelines.units.scope import Scope


class NotExported(errors.UsageError):
    """An export that cannot be made: the period is not published, or has no such edition."""


def wanted(site: Deployment, chosen: list[tuple[str, str]], *recorded) -> list[tuple[str, str, str]]:
    """(format, edition, language) of every export a run makes, sorted: the settings' formats for each
    variant (language, edition) rendered, and every one an earlier manifest (or `verify`'s record) lists."""
    formats = list((site.exchange or {}).get("formats") or [])
    if any(name not in WRITERS for name in formats):
        raise failure(errors.UsageError, "exchange.formats", formats=", ".join(WRITERS))
    found = {entry(name, edition, language) for name in formats for language, edition in chosen}
    found |= {entry(*(str(part) for part in made)) for made_list in recorded for made in (made_list or ())}
    return sorted(found)


def stage(moves: publication.Moves, period: Period, scope: Scope, site: Deployment,
          asked: list[tuple[str, str, str]]) -> list[list[str]]:
    """Write the exports `asked` from the staged processed data into the staged trees; what was made."""
    for name, edition, language in asked:
        if edition == "public":
            outputs.make_folder(moves.public.final.parent, PUBLIC_MODES[0])
            moves.public.staged.mkdir(parents=True, exist_ok=True)
        tree = moves.public.staged if edition == "public" else moves.reports.staged
        made = WRITERS[name](rows.load(moves.processed.staged, period, scope, edition, site.exchange, language))
        for file, data in made.items():
            outputs.write_bytes(tree / EXPORTS / file, data)
    return [list(made) for made in asked]


def make(folders: Folders, period: Period, name: str, edition: str, site: Deployment,
         lang: str = "vi") -> tuple[Manifest, dict[str, bytes]]:
    """(the published manifest, {file: bytes}) of one export of a published period."""
    record = manifest.read(folders, period)
    if record is None:
        raise failure(NotExported, "exchange.not_published", period=period,
                      manifest=folders.reports_of(period) / manifest.NAME)
    processed = folders.processed_of(period)
    if edition == "public" and not datasets.in_folder(processed, datasets.INDICATORS, edition).is_file():
        raise failure(NotExported, "exchange.no_public", period=period, folder=processed)
    scope = Scope.parse(record.scope)
    return record, WRITERS[name](rows.load(processed, period, scope, edition, site.exchange, lang))


def write_out(out: Path, files: dict[str, bytes]) -> list[Path]:
    """`--out DIR`: the files in DIR, nothing published touched."""
    out.mkdir(parents=True, exist_ok=True)
    for file, data in files.items():
        outputs.write_bytes(out / file, data)
    return [out / file for file in files]


def publish(folders: Folders, period: Period, record: Manifest, name: str, edition: str,
            files: dict[str, bytes], lang: str = "vi") -> list[Path]:
    """Write one export into its published tree and record it in the manifest (sealed again) and, for
    the public edition, in the public manifest: `verify` then checks them like any output."""
    tree, modes = ((folders.public_of(period), PUBLIC_MODES) if edition == "public"
                   else (folders.reports_of(period), INTERNAL_MODES))
    if edition == "public":
        outputs.make_folder(folders.public, PUBLIC_MODES[0])
    outputs.make_folder(tree, modes[0])
    outputs.make_folder(tree / EXPORTS, modes[0])
    written, hashes = [], dict(record.outputs)
    for file, data in files.items():
        path = tree / EXPORTS / file
        temporary = path.with_name(f".{file}.part")
        temporary.write_bytes(data)
        os.chmod(temporary, modes[1])
        os.replace(temporary, path)  # a reader sees the old file or the new one, never half of it
        hashes[folders.name_of(path, period)] = manifest.sha256(path)
        written.append(path)
    exports = sorted({*(entry(*made) for made in record.exports), entry(name, edition, lang)})
    record = dataclasses.replace(record, outputs=dict(sorted(hashes.items())), exports=[list(e) for e in exports])
    manifest.write(folders.reports_of(period), record, lambda content: keyed.seal(content, keyed.key(folders, create=True)))
    if edition == "public" or any(Folders.is_public(file) for file in record.outputs):
        public.write(folders.public_of(period), record)
    return written


__all__ = ["EDITIONS", "NotExported", "make", "publish", "stage", "wanted", "write_out"]
