"""A fingerprint of the code that turns inputs into outputs: every source and data file of the
package and of its notebooks, hashed in a fixed order. Two installs with the same fingerprint make
the same bytes from the same inputs (with the same package versions), which is what a manifest
records and what a remembered result is keyed by."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
SUFFIXES = {".py", ".yml", ".yaml", ".json", ".j2", ".html", ".css", ".csv", ".ipynb"}


@lru_cache(maxsize=1)
def code() -> str:
    digest = hashlib.sha256()
    for root in (PACKAGE, NOTEBOOKS):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PACKAGE.parent).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
