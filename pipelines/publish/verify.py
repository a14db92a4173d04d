"""`baocao verify` and `baocao approve`: proof that a published document is what its inputs give.

`verify` checks two things against the published manifest: that every published file, in both trees,
still has the hash the manifest lists (nobody edited a PDF after the run), and the public tree's own
manifest says what the internal one says of it (pipelines.publish.public), and that building the period
again from the raw files, with the code installed now, gives the same bytes; it builds into the
run's staging places and throws the build away, so nothing published is touched. `approve`
records the hash of the document a leader signed, in `<data>/approvals/<period>.jsonl`
(append-only, beside the data: a later run replaces the reports folder, never this record);
`verify` then also says whether each signed document is still the one published.

Hand edits are caught by keys (pipelines.core.keyed): the approvals are a chained, keyed record (an
edited, forged, dropped or garbled line, or an emptied file, is named), and the manifest carries a
seal, so a PDF changed with its new hash written into manifest.json fails even `verify --quick`.
Documents signed with `baocao sign` are checked by pipelines.publish.signatures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Callable

from pipelines.core import deployment, errors, keyed, text
from pipelines.core.folders import Folders
from pipelines.publish import build, manifest, public, signatures
from pipelines.publish.manifest import Manifest
from pipelines.units.period import Period
from pipelines.units.scope import Scope


class NotVerifiable(errors.UsageError):
    """No manifest to verify against, or a document that is not a published output."""


@dataclasses.dataclass(frozen=True)
class Approval:
    """One line of `<data>/approvals/<period>.jsonl`: a published file a leader signed, as it was."""
    file: str       # its name in the manifest
    sha256: str
    by: str
    run_key: str    # the key of the run that published it
    at: str         # UTC time of the approval
    signed: str = ""  # SHA-256 of the signed PDF `baocao sign` made of it (pipelines.publish.signatures)


def _record(folders: Folders, period: Period, lang: str) -> Manifest:
    record = manifest.read(folders, period)
    if record is None:
        raise NotVerifiable(text.t(lang, "run.not_published", period=period,
                                   manifest=folders.reports_of(period) / manifest.NAME))
    return record


def published_hashes(folders: Folders, period: Period) -> dict[str, str]:
    """{name: hash} of what is published now, named as in the manifest."""
    found = {}
    if folders.processed_of(period).is_dir():
        found.update(manifest.folder_hashes(folders.processed_of(period), Folders.name_of_processed(period)))
    if folders.reports_of(period).is_dir():
        found.update({name: digest for name, digest in manifest.folder_hashes(
            folders.reports_of(period), Folders.name_of_reports(period), skip=(manifest.NAME, manifest.LOG)).items()
            if not Folders.is_signed_copy(name)})  # signed copies are checked by pipelines.publish.signatures
    return {**found, **public.published_hashes(folders, period)}  # the public tree holds no signed copy


def _checked(data_dir: Path | str, reports_dir: Path | str | None, public_dir: Path | str | None) -> Folders:
    return Folders.checked(data_dir, *deployment.trees(data_dir, reports_dir, public_dir))


def verify(period: Period, data_dir: Path | str, reports_dir: Path | str | None, say: Callable[[str], None] = print,
           lang: str = "vi", rebuild: bool = True, public_dir: Path | str | None = None) -> bool:
    """True when the published files of both trees, the public manifest, a fresh build (unless not
    `rebuild`: a quick daily check) and every approval agree with the manifest."""
    folders, step = _checked(data_dir, reports_dir, public_dir), text.speaker(say, lang)
    record = _record(folders, period, lang)
    expected = record.outputs
    changed = manifest.differences(expected, published_hashes(folders, period), lang)
    step("run.verify_published", same=len(expected) - len(changed), total=len(expected))
    changed += public.check(folders, record, lang)
    for line in changed:
        step("run.verify_published_line", line=line)

    for stem, reason in record.failed.items():  # published with --publish-partial: the period is not whole
        step("run.verify_missing", stem=stem, reason=reason)
    unsealed = _unsealed(folders, period, lang)
    if unsealed:
        step("keyed.verify_manifest", reason=unsealed)
    rebuilt = _rebuild(folders, period, record, say, lang) if rebuild else []
    try:
        approvals = read_approvals(folders, period)
    except keyed.NotKeyed as error:
        step("signing.verify_approvals_broken", reason=error.text(lang))
        return False
    step("run.verify_approvals", count=len(approvals))
    stale = 0
    for entry in approvals:
        path = folders.named(entry.file)
        same = path.is_file() and manifest.sha256(path) == entry.sha256
        stale += not same
        step("run.verify_approval", file=entry.file, by=entry.by, at=entry.at,
             verdict=text.t(lang, "run.verify_approval_same" if same else "run.verify_approval_changed"))
    unsigned = signatures.check(folders, period, deployment.load(folders.data),
                                {entry.file: entry.signed for entry in approvals if entry.signed}, say, lang)
    return not changed and not unsealed and not rebuilt and not stale and not unsigned and not record.failed


def _unsealed(folders: Folders, period: Period, lang: str) -> str:
    """Why the published manifest's seal does not hold (pipelines.core.keyed), or ""."""
    path = folders.reports_of(period) / manifest.NAME
    secret = keyed.key(folders)
    if secret is None:
        return text.t(lang, "keyed.no_key", path=folders.secret_key)
    return "" if keyed.sealed(path.read_text(encoding="utf-8"), secret) else text.t(lang, "keyed.manifest_changed",
                                                                                 path=path)


def _rebuild(folders: Folders, period: Period, record: Manifest, say: Callable[[str], None], lang: str) -> list[str]:
    """Build the period again into the staging places, compare, throw the build away."""
    expected, step = record.outputs, text.speaker(say, lang)
    step("run.verify_rebuild", period=period)
    inputs_now = manifest.inputs(folders.data, period)
    for line in manifest.differences(record.inputs, inputs_now, lang):
        step("run.verify_input_line", line=line)
    if record.code["fingerprint"] != manifest.code()["fingerprint"]:
        step("run.verify_code", commit=record.code["git_commit"] or text.t(lang, "run.verify_commit_unknown"))
    req = build.Request(period, folders, Scope.parse(record.scope), list(record.variants), record.parameters, lang,
                        fresh=True, publish_partial=bool(record.failed),
                        exports=tuple(tuple(made) for made in record.exports))
    built = build.build(req, lambda line: say("      " + line), inputs=inputs_now)
    try:
        rebuilt = manifest.differences(expected, built.manifest.outputs, lang)
    finally:
        build.discard(built.moves)
    step("run.verify_rebuilt", same=len(expected) - len(rebuilt), total=len(expected))
    for line in rebuilt:
        step("run.verify_rebuilt_line", line=line)
    return rebuilt


def read_approvals(folders: Folders, period: Period) -> list[Approval]:
    """The approvals of `period`, checked against their keys (keyed.NotKeyed names the file and line)."""
    fields = {field.name for field in dataclasses.fields(Approval)}
    entries = keyed.read(folders.approvals(period), folders.approvals_head(period), keyed.key(folders))
    return [Approval(**{name: value for name, value in entry.items() if name in fields}) for entry in entries]


def published_output(folders: Folders, period: Period, document: Path | str, lang: str) -> tuple[str, Path]:
    """(manifest name, path) of `document`, a published output of `period` (in either tree) with the
    hash the manifest gives it; NotVerifiable otherwise."""
    record = _record(folders, period, lang)
    path = Path(document).expanduser().resolve()
    folder = folders.reports_of(period)
    name = folders.name_of(path, period)
    if name is None or name not in record.outputs:
        raise NotVerifiable(text.t(lang, "run.not_an_output", document=document, period=period, folder=folder))
    if manifest.sha256(path) != record.outputs[name]:
        raise NotVerifiable(text.t(lang, "run.approve_changed", document=document))
    return name, path


def record_approval(folders: Folders, period: Period, name: str, digest: str, by: str, lang: str,
                    signed: str = "") -> Approval:
    """One more line of the keyed approvals record (the deployment's key is made on first need)."""
    if not by.strip():
        raise NotVerifiable(text.t(lang, "run.approve_no_signer"))
    entry = Approval(name, digest, by.strip(), _record(folders, period, lang).key,
                     dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), signed)
    keyed.append(folders.approvals(period), folders.approvals_head(period), dataclasses.asdict(entry),
                 keyed.key(folders, create=True))
    return entry


def approve(period: Period, document: Path | str, by: str, data_dir: Path | str, reports_dir: Path | str | None,
            lang: str = "vi", public_dir: Path | str | None = None) -> str:
    """Record that `by` signed `document` (a published file of `period`, in either tree) as it is now."""
    folders = _checked(data_dir, reports_dir, public_dir)
    name, path = published_output(folders, period, document, lang)
    digest = manifest.sha256(path)
    entry = record_approval(folders, period, name, digest, by, lang)
    return text.t(lang, "run.approved", name=name, digest=digest[:12], by=entry.by, target=folders.approvals(period))
