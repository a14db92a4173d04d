"""One run at a time per period: a lock file per period in `<data-dir>/.locks/`.

A scheduled run and a manual one of the same period, or an ingest while a run reads the raw
files, would otherwise build and publish over each other. `run`, `validate`, `ingest` and
`verify` hold the period's lock for their whole duration. It is an operating-system lock
(`flock`, through the filelock package): the system releases it when the holder dies, even by
SIGKILL, so a killed run never leaves a stale lock. Whoever takes the lock first rolls back a
publication a killed run left half done (pipelines.core.publication).
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from filelock import FileLock, Timeout

from pipelines.core import errors, publication, text
from pipelines.core.folders import INTERNAL_MODES, Folders


LANG = "vi"  # a lock is taken before a command's language is known to this module


class Locked(errors.PeriodBusy):
    """Another run holds the period's lock and did not let go within --wait seconds."""


def lock_path(data_dir: Path | str, period: object) -> Path:
    return Folders.at(data_dir).lock(period)


def _holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it down: pid, command and start time (UTC)."""
    try:
        info = json.loads(path.with_suffix(".holder").read_text(encoding="utf-8"))
        return text.t(LANG, "run.lock_holder", pid=info["pid"], command=info["command"], since=info["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextmanager
def _held(path: Path, wait: float, busy: Callable[[], str]) -> Iterator[None]:
    """Hold the lock file `path`, waiting up to `wait` seconds; Locked(busy()) if it stays taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=max(wait, 0), poll_interval=0.2, thread_local=False,
                    mode=INTERNAL_MODES[1])  # the index lock sits in the internal tree: its mode, whatever the umask
    try:
        lock.acquire()
    except Timeout:
        raise Locked(busy()) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def period_lock(data_dir: Path | str, period: object, wait: float = 0) -> Iterator[bool]:
    """Hold the lock of `period` in `data_dir`, waiting up to `wait` seconds for it. Yields whether
    a half-done publication of a killed run was rolled back."""
    path = lock_path(data_dir, period)
    with _held(path, wait, lambda: text.t(LANG, "run.locked", period=period, holder=_holder(path), lock=path)):
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        path.with_suffix(".holder").write_text(json.dumps(
            {"pid": os.getpid(), "command": " ".join(["baocao", *sys.argv[1:]])[:300], "since": since}), encoding="utf-8")
        yield publication.recover(data_dir, period)


@contextmanager
def reports_lock(reports_dir: Path | str, wait: float = 600) -> Iterator[None]:
    """Held while a run writes `index.html` and publishes: runs of different periods share the
    reports folder and its index."""
    path = Folders.at(reports_dir, reports_dir).index_lock
    with _held(path, wait, lambda: text.t(LANG, "run.reports_locked", folder=reports_dir, lock=path)):
        yield
