"""Publishing a period all at once: processed data, both trees' reports and indexes, or nothing.

A run builds everything aside, on the same file system as where it will go (so a move is a
rename): `processed/.staging-<period>/`, and beside each tree T (internal reports, public),
`.T.staging-<period>/` and `.T.staging-<period>-index.html` (pipelines.core.folders: never inside
a served tree). Only when every report rendered does it publish:

1. it writes a journal, `processed/.publish-<period>.json`, naming every move (atomic: written
   aside, then renamed into place);
2. it moves each published item to `.previous-…` and each staged item into its place;
3. it deletes the journal: this is the moment the period is published;
4. it deletes the `.previous-…` items.

A kill (SIGKILL, power cut) before 3 leaves a journal; whoever next takes the period's lock
(pipelines.core.locks) rolls every move back, so the previously published bytes are back before
anything reads them through this program. A kill after 3 leaves only `.previous-…` leftovers, which
the next run deletes. Staging folders of a killed run are deleted the same way.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipelines.core import errors, failpoints
from pipelines.core.folders import PUBLIC, REPORTS, Folders
from pipelines.core.text import failure


@dataclass(frozen=True)
class Move:
    """One published item: `staged` goes to `final`; the `final` it replaces waits in `previous`."""
    final: Path
    staged: Path
    previous: Path


def journal_path(data_dir: Path | str, period: object) -> Path:
    return Folders.at(data_dir).journal(period)


class Moves(NamedTuple):
    """The five items a run of a period may publish, with absolute paths (the journal must be
    readable by a later run started from any folder), in the order they are moved. A run that
    renders no public edition stages neither public item and leaves the public tree untouched."""
    processed: Move     # <data>/processed/<period>
    reports: Move       # <reports>/<period>: the internal tree
    index: Move         # <reports>/index.html
    public: Move        # <public>/<period>: the public tree
    public_index: Move  # <public>/index.html

    def staged_of(self, name: str) -> Path:
        """Where the file a manifest names (`reports/<period>/…`, `public/<period>/…`) is staged."""
        top, _, rest = name.partition("/")
        return {REPORTS: self.reports, PUBLIC: self.public}[top].staged / rest.partition("/")[2]

    def staged(self) -> tuple[Move, ...]:
        """The items this run staged: what it publishes (every item of a journal is staged)."""
        return tuple(item for item in self if item.staged.exists() or item.staged.is_symlink())


def moves(data_dir: Path | str, reports_dir: Path | str, public_dir: Path | str, period: object) -> Moves:
    return Moves(*(Move(*item) for item in Folders.at(data_dir, reports_dir, public_dir).resolved().publication(period)))


def former(data_dir: Path | str, reports_dir: Path | str, period: object) -> tuple[Move, ...]:
    """The staging places of earlier versions, inside the reports folder (see clean_leftovers)."""
    return tuple(Move(*item) for item in Folders.at(data_dir, reports_dir).resolved().former_places(period))


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _write_journal(path: Path, items: tuple[Move, ...]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(path.name + ".new")
    with open(aside, "w", encoding="utf-8") as out:
        json.dump([{"final": str(m.final), "staged": str(m.staged), "previous": str(m.previous)} for m in items], out)
        out.flush()
        os.fsync(out.fileno())
    aside.replace(path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a power cut after it must not undo it)."""
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _roll_back(item: Move) -> None:
    """Undo whatever part of one move happened. Staged item still there: it was not moved, so the
    published one is in `final`, or in `previous` if only that half happened. Staged item gone: the
    new one is in `final` and the published one (if there was one) in `previous`."""
    if item.staged.exists():
        if item.previous.exists() and not item.final.exists():
            item.previous.rename(item.final)
        remove(item.staged)
    else:  # every item is staged before the journal is written: gone means moved
        remove(item.final)
        if item.previous.exists():
            item.previous.rename(item.final)


def recover(data_dir: Path | str, period: object) -> bool:
    """Roll back a publication a killed run left half done; True when there was one. Call only
    while holding the period's lock."""
    journal = journal_path(data_dir, period)
    if not journal.is_file():
        return False
    try:
        items = tuple(Move(Path(i["final"]), Path(i["staged"]), Path(i["previous"]))
                      for i in json.loads(journal.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError):
        items = ()  # a journal cut short was never renamed into place; this one is not ours
    for item in items:
        _roll_back(item)
    journal.unlink()
    return True


def clean_leftovers(items: tuple[Move, ...]) -> None:
    """Delete what a killed run left beside the published items: staging, and `.previous-…` after a
    publication that committed. A `.previous-…` without its published item (a run of an earlier
    version died mid-swap) is put back instead."""
    for item in items:
        if item.previous.exists() and not item.final.exists():
            item.previous.rename(item.final)
        remove(item.previous)
        remove(item.staged)


def publish(data_dir: Path | str, items: tuple[Move, ...], period: object) -> None:
    """Move every staged item into place, as one publication (see the module's docstring). Every
    item must be staged (Moves.staged): a roll-back takes a missing staged item for a moved one."""
    journal = journal_path(data_dir, period)
    _write_journal(journal, items)
    for n, item in enumerate(items):
        if item.final.exists():
            item.final.rename(item.previous)
        failpoints.reached(f"publication-{n}")
        item.staged.rename(item.final)
    for folder in {place.parent for item in items for place in (item.final, item.previous)}:
        _sync_folder(folder)
    journal.unlink()
    _sync_folder(journal.parent)  # the commit point: from here on, the new version is the published one
    left = []
    for item in items:
        try:
            remove(item.previous)
        except OSError as error:
            left.append(f"{item.previous} ({error.strerror or error})")
    if left:  # said as what it is: published, with something to delete (the next run deletes it too)
        raise failure(errors.CleanupFailed, "errors.publication.cleanup", period=period, left="; ".join(left))
