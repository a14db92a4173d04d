"""`<public>/<period>/manifest.json`: the record of the public tree, and its check.

Why a manifest of its own: the internal manifest (pipelines.publish.manifest) holds the SHA-256 of
the raw forms and of the processed tables, sensitive breakdowns included, which a patient reader
could test guesses against; it stays in the internal tree. What a reader of the public tree may
check is only what it holds: the period, the scope, the code that made the files (its fingerprint
and git commit) and the SHA-256 of each public file, named as the internal manifest names it
(`public/<period>/<file>`), so the two records can be compared line by line.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.core import text
from pipelines.core.folders import Folders
from pipelines.publish import manifest
from pipelines.publish.manifest import Manifest
from pipelines.units.period import Period


def record(full: Manifest) -> dict[str, object]:
    """The public manifest of a run, taken from its full (internal) manifest: no input, no
    processed file, no internal file."""
    return {"period": full.period, "scope": full.scope, "code": full.code,
            "files": {name: digest for name, digest in sorted(full.outputs.items()) if Folders.is_public(name)}}


def write(folder: Path, full: Manifest) -> None:
    """`<folder>/manifest.json`: the staged public folder of a period."""
    content = json.dumps(record(full), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (folder / manifest.NAME).write_text(content, encoding="utf-8")


def published_hashes(folders: Folders, period: Period) -> dict[str, str]:
    """{name: hash} of the public files published now (the public manifest aside)."""
    folder = folders.public_of(period)
    if not folder.is_dir():
        return {}
    return manifest.folder_hashes(folder, Folders.name_of_public(period), skip=(manifest.NAME,))


def check(folders: Folders, full: Manifest, lang: str = "vi") -> list[str]:
    """What in the public manifest differs from what the internal one says it must be, one line
    each in `lang`; [] when it agrees (or when the run published no public file and none is there)."""
    path = folders.public_of(full.period) / manifest.NAME
    expected = record(full)
    if not path.is_file():
        return [text.t(lang, "run.verify_public_missing", path=path)] if expected["files"] else []
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [text.t(lang, "run.verify_public_unreadable", path=path, error=error)]
    if not isinstance(found, dict):
        return [text.t(lang, "run.verify_public_unreadable", path=path, error=type(found).__name__)]
    lines = [text.t(lang, "run.verify_public_field", path=path, field=key)
             for key in sorted(set(expected) | set(found)) if key != "files" and found.get(key) != expected.get(key)]
    files = found.get("files") if isinstance(found.get("files"), dict) else {}
    return lines + [text.t(lang, "run.verify_public_line", path=path, line=line)
                    for line in manifest.differences(expected["files"], files, lang)]
