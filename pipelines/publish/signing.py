"""`baocao sign`: a published PDF signed digitally, as Decree 30/2020 makes an electronic document official.

The signature is PAdES (B-B; B-T when the settings name a time-stamping server, `signing:
timestamp_url:`), made with pyHanko from a PKCS#12 file or a PKCS#11 token (the USB tokens offices
are given), as an incremental update: the published bytes are an exact prefix of the signed file,
so `verify` can prove the signed document is the one published (pipelines.publish.signatures).

Its appearance follows Decree 30/2020 Appendix I: the signer's signature image, the issuing body's
seal over its left third, and the signing time in ISO 8601 with Viet Nam's offset (+07:00), in the
space the report leaves between the signer's title and name on the last page that carries them
(found by the name's text; else a box at the right of the last page's lower half).

The signed file is kept in `<data>/signed/<period>/`, its copy placed beside the published PDF, and
an approval line (keyed, pipelines.publish.verify) records both hashes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from contextlib import contextmanager
from pathlib import Path

from pipelines.core import deployment, errors, keyed, text
from pipelines.core.folders import Folders
from pipelines.core.text import failure
from pipelines.publish import manifest, signatures, verify
from pipelines.units.period import Period

VIET_NAM = dt.timezone(dt.timedelta(hours=7))  # no daylight saving time: a fixed offset is exact
FIELD = "Signature{number}"
BOX = (150.0, 75.0)           # width, height of the appearance in points
FALLBACK_TOP = 0.45           # the fallback box's top, as a share of the page's height from the bottom
SEAL_OVERLAP = 1 / 3          # the share of the signature image the seal covers, from the left


class NotSigned(errors.UsageError):
    """A document that cannot be signed, or a key that cannot be used; the message says which."""


@dataclasses.dataclass(frozen=True)
class Key:
    """Where the signing key is: a PKCS#12 file, or a key on a PKCS#11 token (`module` set)."""
    pkcs12: Path | None = None
    passphrase_file: Path | None = None
    module: str = ""
    token_label: str = ""
    key_label: str = ""
    pin_file: Path | None = None


@dataclasses.dataclass(frozen=True)
class Appearance:
    signature_image: Path
    seal_image: Path | None
    by: str  # "Name, title": the name is looked for on the page, the whole goes into the signature


def _secret(path: Path | None) -> bytes | None:
    """A passphrase or PIN from a file (never an argument: it would show in `ps` and shell history)."""
    return None if path is None else path.read_bytes().rstrip(b"\r\n")


@contextmanager
def signer_of(key: Key):
    """The pyHanko signer of `key`; a PKCS#11 session is closed when done."""
    from pyhanko.sign import signers

    if key.module:
        from pyhanko.sign import pkcs11
        from pyhanko.sign.pkcs11 import TokenCriteria

        pin = _secret(key.pin_file)
        try:
            session = pkcs11.open_pkcs11_session(key.module, token_criteria=TokenCriteria(label=key.token_label),
                                                 user_pin=None if pin is None else pin.decode("utf-8"))
        except Exception as error:  # noqa: BLE001 - a token's library raises its own kinds
            raise failure(NotSigned, "signing.no_token", module=key.module, token=key.token_label,
                          reason=error) from None
        try:
            yield pkcs11.PKCS11Signer(session, key_label=key.key_label, cert_label=key.key_label)
        finally:
            session.close()
        return
    signer = signers.SimpleSigner.load_pkcs12(str(key.pkcs12), passphrase=_secret(key.passphrase_file))
    if signer is None:  # pyHanko logs the reason and returns None
        raise failure(NotSigned, "signing.no_pkcs12", path=key.pkcs12)
    yield signer


def stamp_image(appearance: Appearance):
    """The signature image with the seal over its left third (Decree 30/2020 Appendix I), as one
    transparent image for the signature's background."""
    from PIL import Image

    signature = Image.open(appearance.signature_image).convert("RGBA")
    if appearance.seal_image is None:
        return signature
    seal = Image.open(appearance.seal_image).convert("RGBA")
    scale = signature.height / seal.height  # the seal as tall as the signature
    seal = seal.resize((max(1, round(seal.width * scale)), signature.height))
    shift = max(0, seal.width - round(signature.width * SEAL_OVERLAP))  # the seal covers a third of the signature
    canvas = Image.new("RGBA", (shift + signature.width, signature.height), (0, 0, 0, 0))
    canvas.alpha_composite(signature, (shift, 0))
    canvas.alpha_composite(seal, (0, 0))
    return canvas


def _readable(appearance: Appearance) -> None:
    """NotSigned naming the image that cannot be read, before the token is asked for a signature."""
    from PIL import Image, UnidentifiedImageError

    for path in (appearance.signature_image, appearance.seal_image):
        if path is not None:
            try:
                with Image.open(path) as image:
                    image.load()
            except (OSError, UnidentifiedImageError) as error:
                raise failure(NotSigned, "signing.bad_image", path=path, reason=error) from None


def place(pdf: bytes, name: str) -> tuple[int, tuple[int, int, int, int]]:
    """(page index, box) of the appearance: centred over the signer's name on the last page that
    shows it, in the space between the name and the line above it (the title); else on the last
    page, at the right of its lower half."""
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    width, height = BOX
    for index in range(len(pages) - 1, -1, -1):
        lines = _lines(pages[index]) if name else []
        named = [line for line in lines if line[0] == name]
        if named:
            _, x, y, size = named[-1]
            centre, bottom = x + 0.25 * size * len(name), y + size  # half an em a letter: about the name's middle
            above = min((other[2] for other in lines if other[2] > bottom and other[1] >= centre - width / 2),
                        default=bottom + height)  # the line above in the signer's column (not the recipients')
            top = bottom + min(height, max(above - bottom - 2, height / 2))
            return index, (round(centre - width / 2), round(bottom), round(centre + width / 2), round(top))
    box = pages[-1].mediabox
    right, top = float(box.right) - 72, float(box.bottom) + float(box.height) * FALLBACK_TOP
    return len(pages) - 1, (round(right - width), round(top - height), round(right), round(top))


def _lines(page) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size) of each piece of text on `page`, in page space (points from the bottom left)."""
    found = []

    def seen(chunk, cm, tm, font, size):
        if chunk.strip():
            x, y = cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((chunk.strip(), x, y, size * abs(cm[3] * (tm[3] or 1))))

    page.extract_text(visitor_text=seen)
    return found


def sign_bytes(pdf: bytes, signer, appearance: Appearance, when: dt.datetime, timestamp_url: str = "") -> bytes:
    """`pdf` with one more signature, as an incremental update (the input is a prefix of the output)."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import TextStampStyle

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    number = len(writer.prev.embedded_signatures) + 1
    page, box = place(pdf, appearance.by.split(",")[0].strip())
    style = TextStampStyle(stamp_text="%(when)s", background=PdfImage(stamp_image(appearance)), background_opacity=1.0,
                           border_width=0, inner_content_layout=layout.SimpleBoxLayoutRule(
                               x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MIN))
    meta = signers.PdfSignatureMetadata(field_name=FIELD.format(number=number), name=appearance.by,
                                        subfilter=fields.SigSeedSubFilter.PADES, use_pades_lta=False)
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style,
                                   timestamper=timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None,
                                   new_field_spec=fields.SigFieldSpec(meta.field_name, on_page=page, box=box))
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out, appearance_text_params={"when": when.isoformat()})
    signed = out.getvalue()
    if not signed.startswith(pdf):  # an incremental update by construction; checked, as verify relies on it
        raise failure(NotSigned, "signing.not_incremental")
    return signed


def sign(period: Period, document: Path | str, key: Key, appearance: Appearance, data_dir: Path | str,
         reports_dir: Path | str, lang: str = "vi", public_dir: Path | str | None = None) -> str:
    """Sign the published PDF `document` of `period` (signed again when it was signed before: the
    office's signature over the leader's); keep it, place its copy, record the approval."""
    folders = Folders.checked(data_dir, reports_dir, public_dir)
    name, path = verify.published_output(folders, period, document, lang)
    if Folders.is_public(name):  # the official document is the internal edition; the public one is posted as published
        raise failure(NotSigned, "signing.public_edition", document=document)
    if path.suffix.lower() != ".pdf":
        raise failure(NotSigned, "signing.not_a_pdf", document=document)
    if not appearance.by.strip():
        raise failure(NotSigned, "signing.no_signer")
    verify.read_approvals(folders, period)  # a record edited by hand refuses the signature before it is made
    _readable(appearance)
    relative = path.relative_to(folders.reports_of(period)).as_posix()
    target = folders.signed_of(period) / relative
    published = path.read_bytes()
    before = target.read_bytes() if target.is_file() and target.read_bytes().startswith(published) else published
    when = dt.datetime.now(VIET_NAM).replace(microsecond=0)
    with signer_of(key) as signer:
        signed = sign_bytes(before, signer, appearance, when, deployment.load(folders.data).timestamp_url)
    signatures.write_atomically(target, signed)
    signatures.write_atomically(Folders.signed_copy(path), signed)
    keyed.key(folders, create=True)
    verify.record_approval(folders, period, name, manifest.sha256(path), appearance.by.strip(), lang,
                           signed=manifest.sha256(target))
    return text.t(lang, "signing.signed", name=name, by=appearance.by.strip(), when=when.isoformat(), target=target,
                  copy=Folders.signed_copy(path))
