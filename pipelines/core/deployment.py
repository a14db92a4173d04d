"""The settings of one deployment, kept beside its data: `<data-dir>/baocao.yml`.

Why beside the data and not in the package: the package serves any commune, district or province;
which unit a deployment reports on by default, who issues its reports and the targets of its own
plan belong to that deployment, are reviewed by its own officers and travel with its data. The
package holds only what is true everywhere (forms, the indicator catalogue with the national
targets, the wording). `baocao init` writes a new file; a run without it takes `--scope`, or the
unit every commune of its data belongs to (pipelines.publish.scoping).

Where the deployment publishes is a setting too (`folders: {internal: PATH, public: PATH}`, relative
to the data folder): the internal tree is for officials, the public one is what a web server serves;
`--reports-dir` and `--public-dir` win over them (`trees`).

Statements about a dataset (that it is synthetic, where its real figures come from) are not
settings: they live in the dataset's own notes file, `<data-dir>/raw/notes.yml`, and are printed
in a report only when that file is present.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.core import deadlines, errors, schema
from pipelines.core.folders import DEFAULT_INTERNAL, DEFAULT_PUBLIC, Folders
from pipelines.core.text import failure

FILE = "baocao.yml"
NOTES = Folders.at(".").notes  # relative to the data folder
UNIT_LISTS = ("legacy", "2025")  # the unit list in force: before / from 1 July 2025
REPORT_KEYS = ("issuing_body", "place", "signer_title", "recipients")
TARGET_KEYS = {"indicator", "year", "value", "comparison", "source", "units"}
SIGNING_KEYS = ("trust_roots", "timestamp_url")  # `signing:` of a deployment (pipelines.publish.signing)
PERIOD_KINDS = ("year", "half", "quarter")  # `period:` of a deployment: the kind of its reporting periods
TREE_KEYS = ("internal", "public")  # `folders:` of a deployment: where its two trees are


class SettingsError(errors.UsageError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class LocalTarget:
    """A target of a local plan, for the units it names (and the communes within them)."""
    indicator: str
    year: int
    value: float
    comparison: str  # ">=" or "<"
    source: str
    units: tuple[str, ...]  # scopes as written: "district:198", "commune:06847"


@dataclass(frozen=True)
class Deployment:
    path: Path | None
    default_scope: dict[str, str] = field(default_factory=dict)    # unit list → "level:code"
    commune_reports: dict[str, bool] = field(default_factory=dict)  # unit list → a fact sheet per commune
    languages: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    report: dict[str, str] = field(default_factory=dict)           # REPORT_KEYS: the defaults of the documents
    targets: tuple[LocalTarget, ...] = ()
    period_kind: str = "year"  # year, half or quarter: what `--period latest` means
    trees: dict[str, str] = field(default_factory=dict)  # TREE_KEYS: the folders as written, relative to the data folder
    trust_roots: tuple[str, ...] = ()  # certificates (PEM/DER, relative to the data folder) `verify` trusts
    timestamp_url: str = ""            # an RFC 3161 time-stamping server: `sign` makes PAdES B-T with it
    deadlines: deadlines.Deadlines = field(default_factory=deadlines.Deadlines)  # when forms are due
    exchange: dict = field(default_factory=dict)  # `exchange:` as written; checked by pipelines.publish.exports


def _fail(path: Path, key: str, why: str, **values: object) -> SettingsError:
    """`<path>: mục '<key>' <why>`: the message `errors.settings.<why>`."""
    return failure(SettingsError, f"errors.settings.{why}", path=path, key=key, **values)


def _targets(path: Path, entries: object) -> tuple[LocalTarget, ...]:
    if not isinstance(entries, list):
        raise _fail(path, "targets", "list")
    found = []
    for i, entry in enumerate(entries, 1):
        key = f"targets[{i}]"
        if not isinstance(entry, dict) or set(entry) != TARGET_KEYS:
            raise _fail(path, key, "target_keys", keys=", ".join(sorted(TARGET_KEYS)))
        if entry["comparison"] not in (">=", "<"):
            raise _fail(path, f"{key}.comparison", "comparison")
        units = entry["units"]
        if not isinstance(units, list) or not units or not all(isinstance(u, str) and ":" in u for u in units):
            raise _fail(path, f"{key}.units", "units")
        try:
            found.append(LocalTarget(str(entry["indicator"]), int(entry["year"]), float(entry["value"]),
                                     entry["comparison"], str(entry["source"]), tuple(units)))
        except (TypeError, ValueError):
            raise _fail(path, key, "not_numbers") from None
    return tuple(found)


def load(data_dir: Path | str) -> Deployment:
    """The deployment of `data_dir`; an empty one (everything from the command line) without a file."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        return Deployment(None)
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise failure(SettingsError, "errors.settings.unreadable", path=path, kind=error.__class__.__name__, error=error) from None
    if not isinstance(spec, dict):
        raise failure(SettingsError, "errors.settings.not_a_table", path=path)
    unknown = set(spec) - {"default_scope", "commune_reports", "languages", "editions", "report", "targets", "period",
                           "folders", "signing", "deadlines", "exchange"}
    if unknown:
        raise _fail(path, sorted(unknown)[0], "unknown")
    scopes = spec.get("default_scope") or {}
    each = spec.get("commune_reports") or {}
    for key, table in (("default_scope", scopes), ("commune_reports", each)):
        if not isinstance(table, dict) or set(map(str, table)) - set(UNIT_LISTS):
            raise _fail(path, key, "unit_lists", lists=", ".join(UNIT_LISTS))
    report = spec.get("report") or {}
    if not isinstance(report, dict) or set(report) - set(REPORT_KEYS):
        raise _fail(path, "report", "report", keys=", ".join(REPORT_KEYS))
    kind = str(spec.get("period") or "year")
    if kind not in PERIOD_KINDS:
        raise _fail(path, "period", "period", kinds=", ".join(PERIOD_KINDS))
    trees = spec.get("folders") or {}
    if not isinstance(trees, dict) or set(trees) - set(TREE_KEYS) or not all(
            isinstance(value, str) and value.strip() for value in trees.values()):
        raise _fail(path, "folders", "folders", keys=", ".join(TREE_KEYS))
    roots, stamper = _signing(path, spec.get("signing") or {})
    if not isinstance(spec.get("exchange") or {}, dict):
        raise _fail(path, "exchange", "not_a_table")
    return Deployment(path, {str(k): str(v) for k, v in scopes.items()}, {str(k): bool(v) for k, v in each.items()},
                      tuple(spec.get("languages") or ()), tuple(spec.get("editions") or ()),
                      {k: str(v) for k, v in report.items()}, _targets(path, spec.get("targets") or []), kind,
                      dict(trees), roots, stamper, deadlines.parse(path, spec.get("deadlines"), tuple(schema.forms())),
                      dict(spec.get("exchange") or {}))


def trees(data_dir: Path | str, reports_dir: Path | str | None = None,
          public_dir: Path | str | None = None) -> tuple[Path, Path]:
    """(internal, public) trees of a run: `--reports-dir` / `--public-dir` when given, else the
    settings' `folders:` (relative to the data folder), else `reports` and `public` in the working
    folder. Unchecked: pipelines.core.folders.Folders.checked checks them."""
    site = load(data_dir) if Path(data_dir).is_dir() else Deployment(None)

    def tree(given: Path | str | None, key: str, default: str) -> Path:
        if given is not None:
            return Path(given)
        if key in site.trees:
            return Path(data_dir) / Path(site.trees[key]).expanduser()  # an absolute path stays itself
        return Path(default)

    return tree(reports_dir, "internal", DEFAULT_INTERNAL), tree(public_dir, "public", DEFAULT_PUBLIC)


def _signing(path: Path, signing: object) -> tuple[tuple[str, ...], str]:
    """(trust roots, time-stamping server) of `signing:`; the roots are files relative to the data folder."""
    if not isinstance(signing, dict) or set(signing) - set(SIGNING_KEYS):
        raise _fail(path, "signing", "signing", keys=", ".join(SIGNING_KEYS))
    roots = signing.get("trust_roots") or []
    if not isinstance(roots, list) or not all(isinstance(root, str) and root.strip() for root in roots):
        raise _fail(path, "signing.trust_roots", "trust_roots")
    for root in roots:
        if not (path.parent / root).is_file():
            raise _fail(path, "signing.trust_roots", "trust_root_missing", root=path.parent / root)
    return tuple(roots), str(signing.get("timestamp_url") or "")


def dataset_notes(data_dir: Path | str, lang: str) -> str:
    """What the dataset's own notes file says about it, in `lang` (or Vietnamese); "" without a file."""
    path = Path(data_dir) / NOTES
    if not path.is_file():
        return ""
    notes = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(notes, dict):
        raise failure(SettingsError, "errors.settings.notes", path=path)
    return str(notes.get(lang) or notes.get("vi") or "").strip()


def new_settings(scope: str, unit_list: str, unit_name: str) -> str:
    """The text of a new `baocao.yml` for `baocao init`: the scope as default for its unit list. The
    file's words (comments for whoever edits it) are in the package's config/baocao.template.yml."""
    lines = (Path(__file__).parent.parent / "config" / "baocao.template.yml").read_text(encoding="utf-8").splitlines(True)
    text = "".join(line for line in lines if not line.startswith("##"))  # `##`: about the template itself
    return text.format(scope=scope, unit_list=unit_list, unit_name=unit_name)
