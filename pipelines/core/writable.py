"""Every folder a command will write, checked writable before the command reads anything.

Why: with `reports/2024/` not writable a run validated, computed and rendered for minutes, published
the processed data, then failed on the reports and left `.previous-2024` behind; an ingest whose
period folder is read-only would read and check every file sent before failing on the first write.
A folder that cannot be written is known before any of that, so each command first lists the
folders it writes (`written_by`) and `check` refuses the first one that cannot be written, in one
line naming it and what the system said.

The check writes: a probe file is created and deleted in the folder (or, for a folder not made
yet, in the nearest folder above it that exists, where it would be made). Asking `os.access`
instead would be wrong twice: it says yes to root whatever the mode, and it knows nothing of a file
system mounted read-only. The list is a list, so a command that writes one more tree (a public
one, say) adds one entry.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pipelines.core.folders import FolderError, Folders
from pipelines.core.text import failure

PROBE = ".baocao-probe-"


class NotWritable(FolderError):
    """A folder the command must write that cannot be written: nothing was read, nothing written."""


def _tree(folder: Path) -> list[Path]:
    """`folder` and every folder under it: a run replaces a period's published folder, and deleting
    the version it replaces needs each of them writable (`reports/2024/` read-only once published the
    new version, then failed to delete the old one and left `.previous-2024` in the served tree)."""
    return [folder, *sorted(path for path in folder.rglob("*") if path.is_dir() and not path.is_symlink())]


def written_by(command: str, folders: Folders, period: object) -> list[Path]:
    """The folders `command` writes, as the catalogue names them (pipelines.core.folders): its log and
    its lock always; a run the processed data, both published trees and the folders beside them where
    their staging and previous copies go (the period's published folders and all under them, which
    it replaces), the validation verdicts and the deployment's key; validate the verdicts; ingest the
    period's raw folder; approve the approvals and the key; sign those and the signed files and the
    period's internal reports, where the signed copy goes; feedback the internal tree, beside which its
    letters are staged, and the period's folder of letters, which it replaces."""
    common = [folders.log("-").parent, folders.lock(period).parent]
    keyed = [folders.approvals(period).parent, folders.secret_key.parent]
    if command == "run":
        own = [folders.processed, *_tree(folders.processed_of(period)), folders.cache("validation"),
               folders.secret_key.parent]
        for tree, of_period in ((folders.reports, folders.reports_of), (folders.public, folders.public_of)):
            if tree is not None:
                own += [tree.parent, tree, *_tree(of_period(period))]
    else:
        own = {"validate": [folders.cache("validation")],
               "ingest": [folders.raw_of(period)],
               "import": [folders.packages_of(period)],
               "approve": keyed,
               "sign": [*keyed, folders.signed_of(period), *_tree(folders.reports_of(period))],
               "feedback": [folders.reports.parent, folders.reports, folders.feedback_of(period).parent,
                            *_tree(folders.feedback_of(period))] if folders.reports else []}.get(command, [])
    return own + common


def _existing(folder: Path) -> Path:
    """`folder`, or the nearest folder above it that exists: where it would be made."""
    for place in (folder, *folder.parents):
        if place.exists():
            return place
    return folder


def probe(folder: Path) -> OSError | None:
    """Create and delete a file where `folder`'s files would go; the OS error if that fails."""
    place = _existing(Path(folder))
    try:
        handle, name = tempfile.mkstemp(prefix=PROBE, dir=place)
    except OSError as error:
        return error
    os.close(handle)
    os.unlink(name)
    return None


def check(folders: Iterable[Path], command: str) -> None:
    """NotWritable for the first of `folders` that cannot be written, naming it and the system's reason."""
    for folder in folders:
        error = probe(folder)
        if error is not None:
            place = _existing(Path(folder))
            raise failure(NotWritable, "folders.not_writable" if place == Path(folder) else "folders.not_writable_above",
                          folder=folder, place=place, reason=error.strerror or type(error).__name__, command=command)
