"""What the signing tests make for themselves: a test CA and signer (with `cryptography`), the images
of a signature and a seal, and one period "published" with a small PDF the product renders and a
keyed manifest, so that `sign` and `verify --quick` run on it without a whole run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSPHRASE, NAME, TITLE = b"mat-khau-thu", "Hoàng Văn An", "CHỦ TỊCH"
PUBLISHED = "bao-cao-thu.pdf"


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _usage(signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=signer, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=not signer, crl_sign=not signer,
                         encipher_only=False, decipher_only=False)


def certificates(folder: Path, common: str = "Test CA") -> dict[str, Path]:
    """A CA (ca.pem), a signer's key and certificate (signer.p12 with PASSPHRASE, signer-key.pem,
    signer.pem) issued by it, and the passphrase file."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca = (x509.CertificateBuilder().subject_name(_name(common)).issuer_name(_name(common))
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(_usage(False), critical=True).sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(_name(NAME)).issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(2).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(_usage(True), critical=True).sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in ("ca.pem", "signer.p12", "signer-key.pem", "signer.pem", "passphrase")}
    paths["ca.pem"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths["signer.pem"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths["signer-key.pem"].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    paths["signer.p12"].write_bytes(pkcs12.serialize_key_and_certificates(
        b"signer", key, cert, [ca], serialization.BestAvailableEncryption(PASSPHRASE)))
    paths["passphrase"].write_bytes(PASSPHRASE + b"\n")
    return paths


def images(folder: Path) -> tuple[Path, Path]:
    """A signature (a blue stroke) and a seal (a red ring), as PNG with transparency."""
    from PIL import Image, ImageDraw

    signature = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(signature).line([(20, 90), (120, 20), (200, 100), (280, 30)], fill=(0, 0, 160, 255), width=6)
    seal = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse((6, 6, 194, 194), outline=(210, 0, 0, 255), width=10)
    paths = folder / "chu-ky.png", folder / "con-dau.png"
    signature.save(paths[0])
    seal.save(paths[1])
    return paths


def small_report_html() -> str:
    """A one-page document with the product's closing block (title, space for the signature, name)."""
    return ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo thử</title></head><body>'
            '<h1>Báo cáo tình hình trẻ em</h1><p>Nội dung.</p><footer class="closing"><table><tr>'
            '<td class="recipients"><p>Nơi nhận:</p></td><td class="signature" style="text-align:center">'
            f'<p class="nation">TM. ỦY BAN NHÂN DÂN<br>{TITLE}</p>'
            f'<p class="signer" style="margin-top:4em;font-weight:bold">{NAME}</p></td></tr></table></footer>'
            '</body></html>')


def publish(work: Path, pdf: bytes, trust: list[str] | None = None) -> tuple[Path, Path, Path]:
    """`work/data` and `work/reports/2024/` holding `pdf` and a keyed manifest listing it, as a run
    publishes them; `trust`: the settings' signing: trust_roots. Returns (data, reports, the PDF)."""
    from pipelines.core import keyed
    from pipelines.core.folders import Folders
    from pipelines.publish import manifest
    from pipelines.publish.manifest import Manifest

    data, reports = work / "data", work / "reports"
    data.mkdir(parents=True, exist_ok=True)
    if trust is not None:
        (data / "baocao.yml").write_text("signing:\n  trust_roots: [" + ", ".join(trust) + "]\n", encoding="utf-8")
    folder = reports / "2024"
    folder.mkdir(parents=True)
    (folder / PUBLISHED).write_bytes(pdf)
    record = Manifest("2024", "district:198", ["bao-cao-thu"], {}, [("vi", "internal")], {}, "k" * 64, {},
                      {f"reports/2024/{PUBLISHED}": manifest.sha256(folder / PUBLISHED)}, {}, 0,
                      {"fingerprint": "f", "git_commit": None, "git_dirty": None}, {}, {"errors": 0, "warnings": 0})
    folders = Folders.at(data, reports)
    manifest.write(folder, record, lambda content: keyed.seal(content, keyed.key(folders, create=True)))
    return data, reports, folder / PUBLISHED
