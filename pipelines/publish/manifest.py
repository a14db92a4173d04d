"""What a run read and wrote: `reports/<period>/manifest.json`, the record `verify` checks against.

A leader who signs a PDF, and an auditor who later asks where its figures came from, need more
than the PDF: the SHA-256 of every input (raw forms of the period and of the earlier periods its
trends use, the deployment's settings), of every output (processed files, reports, executed
notebooks), the code (a fingerprint of the package and notebooks; the git commit and whether the
tree had uncommitted changes), the versions of the packages that shape the output, the run's
parameters, the validation outcome and each step's time. The manifest and the run's log are the
only published files that differ between two runs of the same inputs (they hold times); the hashes
they list do not.

The same hashes make re-runs incremental: `key` sums up everything a run's outputs depend on;
each report's own key adds its notebook, parameters and the processed files it reads. A run whose
key equals the published one's has nothing to do; a report whose key is unchanged is copied.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from pipelines.core import fingerprint, text
from pipelines.core.deployment import FILE, NOTES
from pipelines.core.fingerprint import PACKAGE
from pipelines.core.folders import Folders
from pipelines.intake import raw
from pipelines.units.period import Period

NAME, LOG = "manifest.json", "run.log"
# Packages whose version can change a published byte (figures, layout, the PDF).
VERSIONED = ("baocao-treem", "pandas", "pyarrow", "great-expectations", "papermill", "nbconvert", "nbformat",
             "ipykernel", "matplotlib", "weasyprint", "babel", "jinja2", "openpyxl", "dask", "distributed",
             "vietnamadminunits", "fontpkg-noto-serif")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_hashes(folder: Path, prefix: str, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """{"<prefix>/<relative path>": SHA-256} of every file under `folder`, sorted."""
    return {f"{prefix}/{path.relative_to(folder).as_posix()}": sha256(path)
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name not in skip}


def inputs(data_dir: Path, period: Period) -> dict[str, str]:
    """Every file a run of `period` may read from the data folder: its settings, the dataset's notes
    the raw forms of this period and of every period that ended before it (trends, history,
    the outlier check) and the packages imported for this period (`baocao import`: a run after an
    import is not "unchanged"). Counting a few files too many only costs a needless rebuild."""
    found, folders = {}, Folders.at(data_dir)
    for name in (FILE, NOTES.as_posix()):
        if folders.named(name).is_file():
            found[name] = sha256(folders.named(name))
    for earlier in raw.periods(data_dir):
        if earlier.end <= period.end:
            found.update(folder_hashes(folders.raw_of(earlier), Folders.name_of_raw(earlier)))
    if folders.packages_of(period).is_dir():  # the packages imported for the period give figures too
        found.update(folder_hashes(folders.packages_of(period), Folders.name_of_packages(period)))
    return found


@lru_cache(maxsize=1)
def code() -> dict[str, object]:
    """The code that made the outputs: its fingerprint (pipelines.core.fingerprint), the git commit
    and whether the working tree differed from it (None outside a git checkout)."""
    commit = dirty = None
    if (PACKAGE.parent / ".git").exists():
        try:
            commit = _git("rev-parse", "HEAD")
            dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
        except (OSError, subprocess.SubprocessError):
            commit = dirty = None
    return {"fingerprint": fingerprint.code(), "git_commit": commit, "git_dirty": dirty}


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PACKAGE.parent, capture_output=True, text=True, check=True,
                          timeout=30).stdout.strip()


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def key(*parts: object) -> str:
    """A content key of JSON-able parts: equal keys, equal outputs."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class ReportEntry:
    """One published report: its key (pipelines.publish.build.report_key) and its files' names."""
    key: str
    files: list[str]


@dataclass(frozen=True)
class Manifest:
    """`reports/<period>/manifest.json`, field for field (the JSON keys are these names, sorted)."""
    period: str
    scope: str
    stems: list[str]                  # the reports published, the scope's own first
    failed: dict[str, str]            # stem → reason: left out with --publish-partial
    variants: list[tuple[str, str]]   # (language, edition)
    parameters: dict[str, str]        # document parameters of the scope's own report
    key: str                          # everything the outputs depend on (build.Request.key)
    inputs: dict[str, str]            # name → SHA-256 of every input (see `inputs`)
    outputs: dict[str, str]           # name → SHA-256 of every published file but the manifest and log
    reports: dict[str, ReportEntry]   # stem → its key and files
    reused: int                       # reports copied from the previous publication
    code: dict[str, object]           # see `code`
    versions: dict[str, str]          # see `versions`
    validation: dict[str, int]        # {"errors": n, "warnings": n}
    started: str = ""                 # UTC time the run started (set when published)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    log: str = ""                     # the run's log file beside the manifest
    exports: list = field(default_factory=list)  # [format, edition] of the exports published (pipelines.publish.exports)
    coverage: dict = field(default_factory=dict)  # who reported (pipelines.indicators.coverage); {}: not recorded

    def to_json(self) -> str:
        fields = dataclasses.asdict(self)
        if not fields["coverage"]:  # not recorded: a manifest as before deadlines existed
            del fields["coverage"]
        return json.dumps(fields, indent=1, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, content: str) -> "Manifest":
        """A manifest read back; keys of a later version are ignored, missing ones take their default."""
        found = json.loads(content)
        known = {f.name for f in dataclasses.fields(cls)}
        values = {name: value for name, value in found.items() if name in known}
        values["variants"] = [tuple(variant) for variant in values.get("variants", [])]
        values["reports"] = {stem: ReportEntry(**entry) for stem, entry in values.get("reports", {}).items()}
        return cls(**values)


def read(folders: Folders, period: Period) -> Manifest | None:
    """The published manifest of `period`, or None (never published, by a version without one, or unreadable)."""
    try:
        return Manifest.from_json((folders.reports_of(period) / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write(folder: Path, record: Manifest, seal: Callable[[str], str] | None = None) -> None:
    """`<folder>/manifest.json`: a period's reports folder, published or staged; `seal` adds the keyed
    seal to the content (pipelines.core.keyed), which `verify` checks."""
    folder.mkdir(parents=True, exist_ok=True)
    content = record.to_json()
    (folder / NAME).write_text(seal(content) if seal else content, encoding="utf-8")


def differences(expected: dict[str, str], found: dict[str, str], lang: str = "vi") -> list[str]:
    """Files that differ between two {name: hash} lists, each as '<name>: <how>' in `lang`."""
    lines = []
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            lines.append(text.t(lang, "run.file_missing", name=name))
        elif name not in expected:
            lines.append(text.t(lang, "run.file_extra", name=name))
        elif expected[name] != found[name]:
            lines.append(text.t(lang, "run.file_changed", name=name, found=found[name][:12], expected=expected[name][:12]))
    return lines
