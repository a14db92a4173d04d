"""Verdicts on earlier periods, remembered by content: `<data>/.cache/validation/`.

A run of 2024 uses 2022 and 2023 for its trends and validates each against its scope
(pipelines.indicators.history). Their raw files rarely change, and each validation costs seconds
of Great Expectations. So the verdict (usable or not) is kept under a key of everything it depends
on: the period, the bytes of every raw file of it, the communes checked, the code (package
fingerprint) and the Great Expectations and pandas versions. Any changed byte gives a new key, so a
remembered verdict is never stale; `baocao run --force` and `baocao verify` do not read it.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import fingerprint
from pipelines.core.folders import Folders
from pipelines.intake import raw
from pipelines.units.period import Period


def _key(data_dir: Path, period: Period, communes: pd.DataFrame) -> str:
    digest = hashlib.sha256()
    folder = raw.period_dir(data_dir, period)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    parts = [str(period), sorted(map(str, communes["code"])), fingerprint.code(),
             metadata.version("great-expectations"), metadata.version("pandas")]
    digest.update(json.dumps(parts).encode())
    return digest.hexdigest()


def usable(data_dir: Path | str, period: Period, communes: pd.DataFrame, check: Callable[[], bool],
           remember: bool = True) -> bool:
    """`check()` (does the period validate without errors?), or its remembered answer."""
    if not remember:
        return check()
    path = Folders.at(data_dir).cache("validation") / f"{_key(Path(data_dir), period, communes)}.json"
    if path.is_file():
        return bool(json.loads(path.read_text(encoding="utf-8"))["usable"])
    verdict = check()
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(path.name + ".new")
    aside.write_text(json.dumps({"period": str(period), "usable": verdict}), encoding="utf-8")
    aside.replace(path)  # a killed run leaves a `.new` file, never half a verdict
    return verdict
