"""The one place that names the processed files: the writer (publish) and every reader (report
notebooks, explore, tests) build their paths here, so a renamed file cannot leave a reader behind.

`data/processed/<period>/` holds the internal edition; `public/` under it the public edition,
where small sensitive counts are suppressed. A reader of the public edition reads only `public/`.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.core.folders import Folders

INDICATORS = "indicators.parquet"    # every indicator of every unit of the period
HISTORY = "history.parquet"          # the same for every earlier period used for trends
TRENDS = "trends.parquet"            # change on the previous period and progress status
BREAKDOWNS = "breakdowns.parquet"    # sensitive counts by commune and group
PACKAGES = "packages.json"          # packages of lower units a run's figures come from (baocao import)
PACKAGE_PUBLIC = ("level", "code", "name", "date")  # what the public edition says of each: no hash of internal data
CORRECTIONS = "corrections.parquet"  # corrections communes sent for the period (pipelines.intake.raw.corrections)
PUBLIC = "public"                    # folder of the public edition


def validation_problems(lang: str = "vi") -> str:
    """Validation warnings written in the language of a report: `validation-problems[-en].parquet`."""
    return "validation-problems" + ("" if lang == "vi" else f"-{lang}") + ".parquet"


def processed_dir(data_dir: Path | str, period: object) -> Path:
    return Folders.at(data_dir).processed_of(period)


def processed_file(data_dir: Path | str, period: object, name: str, edition: str = "internal") -> Path:
    """The path of one processed file of a period, in the internal or the public edition."""
    return in_folder(processed_dir(data_dir, period), name, edition)


def in_folder(folder: Path | str, name: str, edition: str = "internal") -> Path:
    """One processed file in a period's folder: the published one, or the one a run is building
    (a report is rendered from the figures it will be published with, before they are published)."""
    folder = Path(folder)
    return (folder / PUBLIC / name) if edition == "public" else folder / name
