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

import hashlib
import json
import platform
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from pipelines.core import fingerprint
from pipelines.core.fingerprint import PACKAGE
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
    and the raw forms of this period and of every period that ended before it (trends, history,
    the outlier check). Counting a few files too many only costs a needless rebuild."""
    found = {}
    for name in ("baocao.yml", "raw/notes.yml"):
        if (data_dir / name).is_file():
            found[name] = sha256(data_dir / name)
    for earlier in raw.periods(data_dir):
        if earlier.end <= period.end:
            found.update(folder_hashes(raw.period_dir(data_dir, earlier), f"raw/{earlier}"))
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


def read(reports_dir: Path, period: Period) -> dict | None:
    """The published manifest of `period`, or None (never published, or by a version without one)."""
    path = reports_dir / str(period) / NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def path_of(name: str, data_dir: Path, reports_dir: Path) -> Path:
    """The file a manifest name stands for: `processed/…` in the data folder, `reports/…` in the
    reports folder."""
    top, _, rest = name.partition("/")
    return data_dir / name if top == "processed" else reports_dir / rest


def differences(expected: dict[str, str], found: dict[str, str]) -> list[str]:
    """Files that differ between two {name: hash} lists, each as '<name>: <how>' in Vietnamese."""
    lines = []
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            lines.append(f"{name}: thiếu")
        elif name not in expected:
            lines.append(f"{name}: có thêm, không có trong manifest")
        elif expected[name] != found[name]:
            lines.append(f"{name}: khác (SHA-256 {found[name][:12]}…, manifest ghi {expected[name][:12]}…)")
    return lines
