"""The signed PDFs of a period, checked: `verify`'s part on `baocao sign` (pipelines.publish.signing).

A signed PDF is kept in `<data>/signed/<period>/`, named as the published PDF it signs, and a copy is
placed beside that one as `<stem>.signed.pdf` (Folders.signed_copy). Why kept in the data folder: a
run replaces the reports folder atomically; the signature, a leader's act, must survive it. Each run
places the copy again (`place_copies`, in the staging folder, so it is published with the rest) only
while the PDF it publishes is byte for byte the one that was signed.

`check` says, for every signed document, whether
- its signatures are intact, valid and chain to a trust root named in the settings (`signing:
  trust_roots:`), with pyHanko, and the last one covers the whole file;
- the revision it signs is the published PDF, byte for byte (signing is an incremental update, so
  the published bytes are an exact prefix of the signed file);
- its copy in the reports folder is the same file, and the approval line `sign` wrote (keyed,
  pipelines.core.keyed) still finds it: a signature removed or replaced by the unsigned PDF is named.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Callable

from pipelines.core import text
from pipelines.core.deployment import Deployment
from pipelines.core.folders import Folders
from pipelines.publish import manifest
from pipelines.units.period import Period


def kept(folders: Folders, period: Period) -> dict[str, Path]:
    """{path relative to the period's reports folder: kept signed file} of every signed PDF."""
    root = folders.signed_of(period)
    if not root.is_dir():
        return {}
    return {path.relative_to(root).as_posix(): path for path in sorted(root.rglob("*.pdf")) if path.is_file()}


def place_copies(folders: Folders, period: Period, staged: Path) -> None:
    """Beside each PDF in the staged reports folder `staged` that is byte for byte the prefix of a
    kept signed file, its copy `<stem>.signed.pdf`. A PDF rendered again differently gets none (its
    signature signs another document; `verify` says so). A copy that cannot be written is left out:
    the run publishes, and `verify` names the missing copy."""
    for relative, signed in kept(folders, period).items():
        published = staged / relative
        try:
            if published.is_file() and signed.read_bytes().startswith(published.read_bytes()):
                write_atomically(Folders.signed_copy(published), signed.read_bytes())
        except OSError:
            continue


def write_atomically(path: Path, data: bytes) -> None:
    """`path` holds either its old bytes or `data`, never a part: written aside, synced, renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.tmp")
    with open(staged, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(staged, path)


def trust_roots(folders: Folders, site: Deployment) -> list:
    """The certificates of the settings' `signing: trust_roots:` (PEM or DER files, relative to the
    data folder), as pyHanko reads them."""
    from pyhanko.keys import load_certs_from_pemder

    return list(load_certs_from_pemder([str(folders.data / name) for name in site.trust_roots]))


def check(folders: Folders, period: Period, site: Deployment, signed_digests: dict[str, str],
          say: Callable[[str], None], lang: str) -> int:
    """Every signed document of `period` checked (see the module's docstring); returns how many fail.
    `signed_digests`: {published name: SHA-256 of the signed file} from the keyed approvals."""
    step, documents = text.speaker(say, lang), kept(folders, period)
    reports, prefix = folders.reports_of(period), Folders.name_of_reports(period)
    copies = ({path.relative_to(reports).as_posix() for path in reports.rglob("*") if Folders.is_signed_copy(path)}
              if reports.is_dir() else set())
    named = {f"{prefix}/{relative}" for relative in documents}
    step("signing.verify_count", count=len(documents))
    if not documents and not copies and not signed_digests:
        return 0
    roots = trust_roots(folders, site) if site.trust_roots else []
    if not roots:
        step("signing.verify_no_roots", settings=site.path or folders.data / "baocao.yml")
    failed = 0
    for relative, path in documents.items():
        problem = _problem(folders, period, relative, path, roots, signed_digests.get(f"{prefix}/{relative}"), lang)
        failed += problem is not None
        step("signing.verify_line", file=path, verdict=problem or text.t(lang, "signing.verify_ok"))
    for name in sorted(set(signed_digests) - named):  # signed, then the kept file removed
        failed += 1
        step("signing.verify_line", file=folders.signed_of(period) / name.removeprefix(prefix + "/"),
             verdict=text.t(lang, "signing.verify_removed"))
    for relative in sorted(copies):
        stem = relative.removesuffix(".signed.pdf") + ".pdf"
        if stem not in documents:  # a copy no `sign` made
            failed += 1
            step("signing.verify_line", file=reports / relative, verdict=text.t(lang, "signing.verify_stray_copy"))
    return failed


def _problem(folders: Folders, period: Period, relative: str, path: Path, roots: list, digest: str | None,
             lang: str) -> str | None:
    """Why the signed file `path` is not a valid signature of the published PDF, or None."""
    data, published = path.read_bytes(), folders.reports_of(period) / relative
    if digest is None:
        return text.t(lang, "signing.verify_no_approval")
    if manifest.sha256(path) != digest:
        return text.t(lang, "signing.verify_changed")
    if not published.is_file() or not data.startswith(published.read_bytes()):
        return text.t(lang, "signing.verify_not_published", published=published)
    copy = Folders.signed_copy(published)
    if not copy.is_file() or copy.read_bytes() != data:
        return text.t(lang, "signing.verify_copy", copy=copy)
    return _signatures(data, len(published.read_bytes()), roots, lang)


def _signatures(data: bytes, published_size: int, roots: list, lang: str) -> str | None:
    """Why the signatures of `data` do not hold (pyHanko), or None: every signature intact, valid and
    trusted, the first one made on the published bytes, the last one covering the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not roots:
        return text.t(lang, "signing.verify_no_roots_here")
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as error:  # noqa: BLE001 - a file pyHanko cannot read is a failed check, said with its reason
        return text.t(lang, "signing.verify_unreadable", reason=error)
    if not signatures:
        return text.t(lang, "signing.verify_unsigned")
    first_end = signatures[0].byte_range[2] + signatures[0].byte_range[3]
    if first_end <= published_size:
        return text.t(lang, "signing.verify_not_published_revision")
    for signature in signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        if not status.bottom_line:
            return text.t(lang, "signing.verify_invalid", field=signature.field_name, summary=status.summary())
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return text.t(lang, "signing.verify_added_after")
    return None
