"""`baocao sign --pkcs11-module`: the key on a token, as offices' USB tokens hold it (issue 18).

SoftHSM2 stands in for the token: a token is made in a temporary SOFTHSM2_CONF, the test signer's
key imported (softhsm2-util) and its certificate stored beside it with the same label
(python-pkcs11), then a published PDF is signed through the PKCS#11 module and `verify` passes.
Skipped, with the reason, where SoftHSM2 is not installed (`.ci/run` installs it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import baocao_here
from signing_fixtures import NAME, PUBLISHED, certificates, images, publish, small_report_html

from pipelines.core.text import t
from pipelines.report import render

MODULES = (Path("/usr/lib/softhsm/libsofthsm2.so"), Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
           Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"))
PIN, TOKEN, LABEL = "123456", "baocao-test", "ky-so"


def _module() -> Path | None:
    return next((path for path in MODULES if path.is_file()), None)


@pytest.fixture
def token(tmp_path, monkeypatch):
    """A SoftHSM2 token holding the test signer's key and certificate; returns (module, certificates)."""
    module = _module()
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.skip("SoftHSM2 is not installed (Debian: softhsm2)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    certs = certificates(tmp_path / "certs")
    for command in (["--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "654321"],
                    ["--import", str(certs["signer-key.pem"]), "--token", TOKEN, "--label", LABEL, "--id", "01",
                     "--pin", PIN]):
        done = subprocess.run(["softhsm2-util", *command], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    _store_certificate(module, certs["signer.pem"])
    return module, certs


def _store_certificate(module: Path, pem: Path) -> None:
    import pkcs11
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from pkcs11 import Attribute, CertificateType, ObjectClass

    cert = x509.load_pem_x509_certificate(pem.read_bytes())
    with pkcs11.lib(str(module)).get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                               Attribute.TOKEN: True, Attribute.LABEL: LABEL, Attribute.ID: b"\x01",
                               Attribute.SUBJECT: cert.subject.public_bytes(),
                               Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER)})


def _published(tmp_path, certs):
    """(data, reports, a published PDF, the PIN file) of a small published report whose settings
    trust the test CA."""
    data, reports, document = publish(tmp_path / "work", render.html_to_pdf(small_report_html()), trust=["ca.pem"])
    shutil.copy(certs["ca.pem"], data / "ca.pem")
    pin = tmp_path / "pin"
    pin.write_text(PIN + "\n")
    return data, reports, document, pin


def test_sign_with_a_pkcs11_token_then_verify_passes(capsys, tmp_path, token):
    module, certs = token
    signature, seal = images(tmp_path)
    data, reports, document, pin = _published(tmp_path, certs)
    done = baocao_here(capsys, "sign", "--period", "2024", "--report", document, "--pkcs11-module", module,
                       "--token-label", TOKEN, "--key-label", LABEL, "--pin-file", pin, "--signature-image", signature,
                       "--seal-image", seal, "--by", f"{NAME}, Chủ tịch", "--data-dir", data, "--reports-dir", reports)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    done = baocao_here(capsys, "verify", "--period", "2024", "--quick", "--data-dir", data, "--reports-dir", reports)
    kept = data / "signed" / "2024" / PUBLISHED
    assert done.returncode == 0, done.stdout
    assert t("vi", "signing.verify_line", file=kept, verdict=t("vi", "signing.verify_ok")) in done.stdout.splitlines()


def test_a_wrong_token_label_is_refused_in_one_line(capsys, tmp_path, token):
    module, certs = token
    signature, seal = images(tmp_path)
    data, reports, document, pin = _published(tmp_path, certs)
    done = baocao_here(capsys, "sign", "--period", "2024", "--report", document, "--pkcs11-module", module,
                       "--token-label", "khong-co", "--key-label", LABEL, "--pin-file", pin, "--signature-image",
                       signature, "--by", NAME, "--data-dir", data, "--reports-dir", reports)
    assert done.returncode == 3
    assert done.stderr.startswith(t("vi", "cli.failed", reason=t("vi", "signing.no_token", module=module,
                                                                  token="khong-co", reason="")).rstrip())
    assert not (data / "signed").exists()
