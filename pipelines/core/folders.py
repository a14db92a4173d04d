"""The folders of a deployment, and the one catalogue of the paths in them.

Every path under the data folder (raw forms, processed tables, locks, the cache, approvals, logs,
publication journals) and under the reports folder (a period's reports, the index, staging places)
is spelled here and nowhere else, so moving one is one edit, and tests/test_paths.py fails on a
path spelled by hand anywhere else. The names a manifest gives files (`processed/<period>/…`,
`reports/<period>/…`, `raw/<period>/…`) are spelled here too, with the way back from a name to a file.

The folders are resolved and checked once, before anything runs.

A run only reads `<data>/raw/`, replaces folders under `<data>/processed/` and under the reports
folder. Pointed at each other by a typo (`--reports-dir data/raw`), or through a symbolic link, a
run would replace raw files with reports. So the three are resolved (symbolic links followed) and
none may be, or be inside, another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.core.errors import UsageError
from pipelines.core.text import failure, t

RAW, PROCESSED, REPORTS = "raw", "processed", "reports"  # top folders, as manifest names start
SIGNED_SUFFIX = ".signed.pdf"  # a signed copy beside the published PDF it signs


class FolderError(UsageError):
    """Folders that would let one part of a run overwrite another's files."""


@dataclass(frozen=True)
class Folders:
    data: Path       # holds baocao.yml, raw/ and processed/
    reports: Path | None  # None for a command that publishes nothing (ingest)

    @classmethod
    def at(cls, data_dir: Path | str, reports_dir: Path | str | None = None) -> "Folders":
        """The folders as given, unchecked: for a part that only needs to name a path in them."""
        return cls(Path(data_dir), None if reports_dir is None else Path(reports_dir))

    def resolved(self) -> "Folders":
        """Absolute paths: a publication journal must be readable by a run started from any folder."""
        return Folders(self.data.resolve(), None if self.reports is None else self.reports.resolve())

    # --- the data folder ---
    @property
    def raw(self) -> Path:
        return self.data / RAW

    @property
    def processed(self) -> Path:
        return self.data / PROCESSED

    @property
    def notes(self) -> Path:
        """`<data>/raw/notes.yml`: what the dataset is, printed in every report made from it."""
        return self.raw / "notes.yml"

    def raw_of(self, period: object) -> Path:
        """`<data>/raw/<period>`: the forms of one period, as intake wrote them."""
        return self.raw / str(period)

    def processed_of(self, period: object) -> Path:
        """`<data>/processed/<period>`: the published tables of one period."""
        return self.processed / str(period)

    def journal(self, period: object) -> Path:
        """`<data>/processed/.publish-<period>.json`: a publication under way (pipelines.core.publication)."""
        return self.processed / f".publish-{period}.json"

    def journals(self) -> dict[str, Path]:
        """{period: journal} of every publication a killed run may have left half done."""
        return {path.name.removeprefix(".publish-").removesuffix(".json"): path
                for path in sorted(self.processed.glob(".publish-*.json"))}

    def lock(self, period: object) -> Path:
        """`<data>/.locks/<period>.lock`: held by the one command working on the period."""
        return self.data / ".locks" / f"{period}.lock"

    def cache(self, part: str) -> Path:
        """`<data>/.cache/<part>/`: what can be made again, kept to save time (validation verdicts)."""
        return self.data / ".cache" / part

    def approvals(self, period: object) -> Path:
        """`<data>/approvals/<period>.jsonl`: signatures on published documents (append-only)."""
        return self.data / "approvals" / f"{period}.jsonl"

    def approvals_head(self, period: object) -> Path:
        """`<data>/approvals/<period>.head.json`: how many approval lines there are and the MAC of the
        last (pipelines.core.keyed), so that an emptied or shortened approvals file is detected."""
        return self.data / "approvals" / f"{period}.head.json"

    @property
    def secret_key(self) -> Path:
        """`<data>/.keys/deployment.key`: the deployment's secret key (pipelines.core.keyed), 0600, under
        the data folder: never inside a published tree."""
        return self.data / ".keys" / "deployment.key"

    def signed_of(self, period: object) -> Path:
        """`<data>/signed/<period>/`: the signed PDFs of a period (`baocao sign`), named as the published
        PDF they sign. Kept in the data folder: a run replaces the reports folder, never these."""
        return self.data / "signed" / str(period)

    @staticmethod
    def signed_copy(published: Path) -> Path:
        """`<stem>.signed.pdf` beside a published `<stem>.pdf`: the copy of its signed version that
        readers of the reports folder get (placed again by each run while it signs the same bytes)."""
        return published.with_name(published.stem + SIGNED_SUFFIX)

    @staticmethod
    def is_signed_copy(path: Path | str) -> bool:
        return str(path).endswith(SIGNED_SUFFIX)

    def log(self, name: str) -> Path:
        """`<data>/logs/<name>`: what one command printed."""
        return self.data / "logs" / name

    # --- the reports folder ---
    def reports_of(self, period: object) -> Path:
        """`<reports>/<period>`: the published reports, validation page and manifest of one period."""
        return self.reports / str(period)

    @property
    def index_page(self) -> Path:
        return self.reports / "index.html"

    @property
    def index_lock(self) -> Path:
        """Held while a run writes the index and publishes: every period shares them."""
        return self.reports / ".index.lock"

    def publication(self, period: object) -> tuple[tuple[Path, Path, Path], ...]:
        """(final, staged, previous) of the three items a run of `period` publishes: its processed
        folder, its reports folder and the index; each is built in `.staging-…` beside where it goes
        (a move is then a rename) and the published one waits in `.previous-…` while it is replaced."""
        items = ((self.processed_of(period), str(period)), (self.reports_of(period), str(period)),
                 (self.index_page, f"{period}-index.html"))
        return tuple((final, final.parent / f".staging-{name}", final.parent / f".previous-{name}")
                     for final, name in items)

    # --- names in a manifest ---
    @staticmethod
    def name_of_raw(period: object) -> str:
        return f"{RAW}/{period}"

    @staticmethod
    def name_of_processed(period: object) -> str:
        return f"{PROCESSED}/{period}"

    @staticmethod
    def name_of_reports(period: object) -> str:
        return f"{REPORTS}/{period}"

    def named(self, name: str) -> Path:
        """The file a manifest name stands for: `processed/…` or `raw/…` in the data folder,
        `reports/…` in the reports folder."""
        top, _, rest = name.partition("/")
        return self.reports / rest if top == REPORTS else self.data / name

    @classmethod
    def checked(cls, data_dir: Path | str, reports_dir: Path | str | None = None) -> "Folders":
        """Resolved folders, or FolderError naming the two that overlap and the option to change."""
        data = Path(data_dir).expanduser().resolve()
        if not data.is_dir():
            raise failure(FolderError, "folders.no_data_dir", given=data_dir, resolved=data)
        if reports_dir is None:
            return cls(data, None)
        folders = cls(data, Path(reports_dir).expanduser().resolve())
        places = {"reports": folders.reports, "raw": folders.raw.resolve(), "processed": folders.processed.resolve()}
        for name, place in places.items():
            for other, other_place in places.items():
                if name != other and (place == other_place or other_place in place.parents):
                    where = "folders.same" if place == other_place else "folders.inside"
                    raise failure(FolderError, "folders.overlap", place=place, other_place=other_place,
                                  data=folders.data, where=lambda lang, key=where: t(lang, key),
                                  what=lambda lang, key=name: t(lang, f"folders.{key}"),
                                  other=lambda lang, key=other: t(lang, f"folders.{key}"))
        return folders
