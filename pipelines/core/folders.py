"""The folders of a deployment, and the one catalogue of the paths in them.

Every path under the data folder (raw forms, processed tables, locks, the cache, approvals, logs,
publication journals) and in the two published trees (a period's reports, the indexes, the staging
and roll-back places beside them) is spelled here and nowhere else, so moving one is one edit, and
tests/test_paths.py fails on a path spelled by hand anywhere else. The names a manifest gives files
(`processed/<period>/…`, `reports/<period>/…`, `public/<period>/…`, `raw/<period>/…`) are spelled
here too, with the way back from a name to a file.

Two trees, two doors: the internal tree (`--reports-dir`, settings `folders.internal`) holds what
only officials may read (internal editions, executed notebooks, the validation page, the full
manifest and log) and is created owner- and group-only; the public tree (`--public-dir`, settings
`folders.public`) is what a web server serves: the public editions, their own index and a manifest
of their hashes only. A run builds each item in a staging place beside its tree, never inside it
(a served tree never shows a half-built period or a roll-back copy), in the same parent folder so
that publishing it is a rename.

The folders are resolved and checked once, before anything runs.

A run only reads `<data>/raw/`, replaces folders under `<data>/processed/` and in both trees.
Pointed at each other by a typo (`--reports-dir data/raw`, `--public-dir reports`), or through a
symbolic link, a run would replace raw files with reports, or serve internal files. So the four are
resolved (symbolic links followed) and none may be, or be inside, another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.core.errors import UsageError
from pipelines.core.text import failure, t

RAW, PROCESSED, REPORTS, PUBLIC, PACKAGES = "raw", "processed", "reports", "public", "packages"  # as manifest names start
# The trees without --reports-dir / --public-dir or settings: relative to the working folder.
DEFAULT_INTERNAL, DEFAULT_PUBLIC = "reports", "public"
# (folder, file) modes set whatever the umask: the internal tree, processed data and logs are for
# the owner and the group (the officials' accounts); the public tree is for anyone (the web server).
INTERNAL_MODES, PUBLIC_MODES = (0o750, 0o640), (0o755, 0o644)
SIGNED_SUFFIX = ".signed.pdf"  # a signed copy beside the published PDF it signs
EXPORTS = "exports"  # a period's data exports (SDMX, DHIS2, ADX: pipelines.publish.exports), in either tree
FEEDBACK = "phan-hoi"  # the internal tree's folder of letters to communes (`baocao feedback`), by period
# Beside a period's processed tables: who reported, of the units expected (pipelines.indicators.coverage);
# written only when the deployment has deadlines or a unit was left out.
COVERAGE = "coverage.json"


class FolderError(UsageError):
    """Folders that would let one part of a run overwrite another's files."""


def _path(given: Path | str | None) -> Path | None:
    return None if given is None else Path(given)


@dataclass(frozen=True)
class Folders:
    data: Path       # holds baocao.yml, raw/ and processed/
    reports: Path | None  # the internal tree; None for a command that publishes nothing (ingest)
    public: Path | None = None  # the public tree (what a web server serves)

    @classmethod
    def at(cls, data_dir: Path | str, reports_dir: Path | str | None = None,
           public_dir: Path | str | None = None) -> "Folders":
        """The folders as given, unchecked: for a part that only needs to name a path in them."""
        return cls(Path(data_dir), _path(reports_dir), _path(public_dir))

    def resolved(self) -> "Folders":
        """Absolute paths: a publication journal must be readable by a run started from any folder."""
        return Folders(self.data.resolve(), *(None if tree is None else tree.resolve()
                                              for tree in (self.reports, self.public)))

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

    def coverage_of(self, period: object) -> Path:
        """`<data>/processed/<period>/coverage.json`: who reported, when a run recorded it."""
        return self.processed_of(period) / COVERAGE

    def journal(self, period: object) -> Path:
        """`<data>/processed/.publish-<period>.json`: a publication under way (pipelines.core.publication)."""
        return self.processed / f".publish-{period}.json"

    def journals(self) -> dict[str, Path]:
        """{period: journal} of every publication a killed run may have left half done."""
        return {path.name.removeprefix(".publish-").removesuffix(".json"): path
                for path in sorted(self.processed.glob(".publish-*.json"))}

    def packages_of(self, period: object) -> Path:
        """`<data>/packages/<period>/`: packages of lower units imported for the period (`baocao import`)."""
        return self.data / PACKAGES / str(period)

    def lock(self, period: object) -> Path:
        """`<data>/.locks/<period>.lock`: held by the one command working on the period."""
        return self.data / ".locks" / f"{period}.lock"

    def cache(self, part: str) -> Path:
        """`<data>/.cache/<part>/`: what can be made again, kept to save time (validation verdicts)."""
        return self.data / ".cache" / part

    def receipts(self, period: object) -> Path:
        """`<data>/.receipts/<period>.json`: when each form of a file placed by hand in raw/ was first
        seen (pipelines.intake.receipts); raw/ itself is never written but by intake."""
        return self.data / ".receipts" / f"{period}.json"

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

    # --- the two trees ---
    def reports_of(self, period: object) -> Path:
        """`<reports>/<period>`: the internal reports, notebooks, validation page and manifest of one period."""
        return self.reports / str(period)

    def public_of(self, period: object) -> Path:
        """`<public>/<period>`: the public editions of one period and their manifest."""
        return self.public / str(period)

    def feedback_of(self, period: object) -> Path:
        """`<reports>/phan-hoi/<period>`: the letters to communes of one period and the officer's list
        (`baocao feedback`). Apart from `<reports>/<period>`, which every run replaces whole: the
        letters are made on a day (`--as-of`) by their own command, and a run must not drop them; the
        index lists periods only (`phan-hoi` is not one)."""
        return self.reports / FEEDBACK / str(period)

    def feedback_places(self, period: object) -> tuple[Path, Path, Path]:
        """(final, staged, previous) of `feedback_of(period)`: staged and rolled back beside the
        internal tree, in its parent, like the items of a run (`publication`), so that one rename
        publishes the letters of a day all at once."""
        name = f"feedback-{period}"
        tree = self.reports
        return (self.feedback_of(period), tree.parent / f".{tree.name}.staging-{name}",
                tree.parent / f".{tree.name}.previous-{name}")

    @property
    def public_index(self) -> Path:
        return self.public / "index.html"

    @property
    def index_page(self) -> Path:
        return self.reports / "index.html"

    @property
    def index_lock(self) -> Path:
        """Held while a run writes the index and publishes: every period shares them."""
        return self.reports / ".index.lock"

    def publication(self, period: object) -> tuple[tuple[Path, Path, Path], ...]:
        """(final, staged, previous) of the five items a run of `period` may publish: its processed
        folder, its internal reports folder and index, its public reports folder and index. Each is
        built in a staging place and the published one waits in a `.previous-…` place while it is
        replaced: beside `processed/<period>` for the processed folder; beside a tree, in the tree's
        parent, for the items of a tree (`.reports.staging-2024`, `.public.previous-2024-index.html`),
        so that nothing half built or rolled back is ever inside a served tree, and a move is a
        rename within one file system."""
        def beside(final: Path, name: str) -> tuple[Path, Path, Path]:
            return final, final.parent / f".staging-{name}", final.parent / f".previous-{name}"

        def outside(tree: Path, final: Path, name: str) -> tuple[Path, Path, Path]:
            return final, tree.parent / f".{tree.name}.staging-{name}", tree.parent / f".{tree.name}.previous-{name}"

        return (beside(self.processed_of(period), str(period)),
                outside(self.reports, self.reports_of(period), str(period)),
                outside(self.reports, self.index_page, f"{period}-index.html"),
                outside(self.public, self.public_of(period), str(period)),
                outside(self.public, self.public_index, f"{period}-index.html"))

    def former_places(self, period: object) -> tuple[tuple[Path, Path, Path], ...]:
        """(final, staged, previous) of the places earlier versions staged reports and the index in,
        inside the reports folder: a run deletes what a killed or failed run of theirs left there."""
        return tuple((final, final.parent / f".staging-{name}", final.parent / f".previous-{name}")
                     for final, name in ((self.reports_of(period), str(period)),
                                         (self.index_page, f"{period}-index.html")))

    # --- names in a manifest ---
    @staticmethod
    def name_of_raw(period: object) -> str:
        return f"{RAW}/{period}"

    @staticmethod
    def name_of_packages(period: object) -> str:
        return f"{PACKAGES}/{period}"

    @staticmethod
    def name_of_processed(period: object) -> str:
        return f"{PROCESSED}/{period}"

    @staticmethod
    def name_of_reports(period: object) -> str:
        return f"{REPORTS}/{period}"

    @staticmethod
    def name_of_public(period: object) -> str:
        return f"{PUBLIC}/{period}"

    @staticmethod
    def is_public(name: str) -> bool:
        """Whether a manifest name is a file of the public tree."""
        return name.startswith(f"{PUBLIC}/")

    def named(self, name: str) -> Path:
        """The file a manifest name stands for: `processed/…` or `raw/…` in the data folder,
        `reports/…` in the internal tree, `public/…` in the public tree."""
        top, _, rest = name.partition("/")
        return {REPORTS: self.reports, PUBLIC: self.public}.get(top, self.data / top) / rest

    def name_of(self, path: Path, period: object) -> str | None:
        """The manifest name of a file of `period` in either tree, or None when it is in neither."""
        for folder, prefix in ((self.reports_of(period), self.name_of_reports(period)),
                               (self.public_of(period), self.name_of_public(period))):
            if folder in path.parents:
                return f"{prefix}/{path.relative_to(folder).as_posix()}"
        return None

    @classmethod
    def checked(cls, data_dir: Path | str, reports_dir: Path | str | None = None,
                public_dir: Path | str | None = None) -> "Folders":
        """Resolved folders, or FolderError naming the two that overlap and the option to change, or
        a tree right under the file system's root (its staging places would have to be in `/`)."""
        data = Path(data_dir).expanduser().resolve()
        if not data.is_dir():
            raise failure(FolderError, "folders.no_data_dir", given=data_dir, resolved=data)
        if reports_dir is None:
            return cls(data, None)
        folders = cls(data, *(None if tree is None else Path(tree).expanduser().resolve()
                              for tree in (reports_dir, public_dir)))
        places = {"reports": folders.reports, "raw": folders.raw.resolve(), "processed": folders.processed.resolve()}
        if folders.public is not None:
            places["public"] = folders.public
        for name in ("reports", "public"):
            if name in places and places[name].parent == places[name].parent.parent:
                raise failure(FolderError, "folders.at_root", place=places[name],
                              what=lambda lang, key=name: t(lang, f"folders.{key}"),
                              option=lambda lang, key=name: t(lang, f"folders.option.{key}"))
        for name, place in places.items():
            for other, other_place in places.items():
                if name != other and (place == other_place or other_place in place.parents):
                    raise _overlap(folders, name, place, other, other_place)
        return folders


def _overlap(folders: Folders, name: str, place: Path, other: str, other_place: Path) -> FolderError:
    """FolderError: `place` (folder `name`) is, or is inside, `other_place`; the advice names the
    option to change: the tree's own, or both when the two trees overlap."""
    where = "folders.same" if place == other_place else "folders.inside"
    pair = {name, other}
    advice = "trees" if pair == {"reports", "public"} else "public" if "public" in pair else "reports"
    return failure(FolderError, "folders.overlap", place=place, other_place=other_place,
                   where=lambda lang: t(lang, where),
                   what=lambda lang: t(lang, f"folders.{name}"), other=lambda lang: t(lang, f"folders.{other}"),
                   advice=lambda lang: t(lang, f"folders.advice.{advice}", data=folders.data))
