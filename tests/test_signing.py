"""`baocao sign` and what `verify` checks of it (issue 18, "Signatures, as Decree 30 asks").

A test CA and signer are made here with `cryptography`; the document signed is a small PDF the
product renders (pipelines.report.render), published with a keyed manifest as a run writes it
(signing_fixtures.publish), so no whole run is needed. Each hand edit of the issue is made on a
copy and `verify --quick` must fail naming the file it found changed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import baocao_here
from pypdf import PdfReader
from signing_fixtures import NAME, PUBLISHED, certificates, images, publish, small_report_html

from pipelines.core.text import t
from pipelines.publish import signatures
from pipelines.report import render

BY = f"{NAME}, Chủ tịch"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """(certificates, signature image, seal image, the rendered PDF): made once for the module."""
    folder = tmp_path_factory.mktemp("signing")
    return certificates(folder / "certs"), *images(folder), render.html_to_pdf(small_report_html())


@pytest.fixture
def published(tmp_path, made):
    certs, _, _, pdf = made
    data, reports, document = publish(tmp_path, pdf, trust=["ca.pem"])
    shutil.copy(certs["ca.pem"], data / "ca.pem")
    return data, reports, document


def _sign(capsys, data, reports, document, made, *key):
    certs, signature, seal, _ = made
    key = key or ("--pkcs12", certs["signer.p12"], "--passphrase-file", certs["passphrase"])
    return baocao_here(capsys, "sign", "--period", "2024", "--report", document, *key, "--signature-image", signature,
                       "--seal-image", seal, "--by", BY, "--data-dir", data, "--reports-dir", reports)


def _verify(capsys, data, reports):
    return baocao_here(capsys, "verify", "--period", "2024", "--quick", "--data-dir", data, "--reports-dir", reports)


@pytest.fixture
def signed(capsys, published, made):
    data, reports, document = published
    done = _sign(capsys, data, reports, document, made)
    assert done.returncode == 0, done.stderr
    return data, reports, document


def _line(path: Path, key: str, **values) -> str:
    return t("vi", "signing.verify_line", file=path, verdict=t("vi", key, **values))


def test_sign_keeps_the_signed_file_places_its_copy_and_verify_passes(capsys, signed):
    data, reports, document = signed
    kept, copy = data / "signed" / "2024" / PUBLISHED, reports / "2024" / "bao-cao-thu.signed.pdf"
    assert kept.read_bytes() == copy.read_bytes()
    assert kept.read_bytes().startswith(document.read_bytes())  # an incremental update of the published bytes
    assert (data / ".keys" / "deployment.key").stat().st_mode & 0o777 == 0o600
    done = _verify(capsys, data, reports)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert _line(kept, "signing.verify_ok") in done.stdout.splitlines()
    assert done.stdout.endswith("Kiểm chứng: KHỚP\n")


def test_the_appearance_carries_the_signing_time_with_viet_nams_offset_over_the_signers_name(signed):
    data, _, _ = signed
    reader = PdfReader(data / "signed" / "2024" / PUBLISHED)
    widget = next(annot.get_object() for annot in reader.pages[-1]["/Annots"])
    appearance = widget["/AP"]["/N"].get_object().get_data()
    shown = re.sub(rb"\\(\d{3})", lambda m: bytes([int(m.group(1), 8)]), re.search(rb"\((.*?)\) Tj", appearance).group(1))
    assert re.fullmatch(rb"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", shown), shown  # ISO 8601, Viet Nam's offset
    assert len(widget["/AP"]["/N"]["/Resources"]["/XObject"]) >= 1  # the signature image with the seal over it
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    found = []
    reader.pages[-1].extract_text(visitor_text=lambda text, cm, tm, *_: found.append((text.strip(), cm[5] - 0.75 * tm[5])))
    name_y = next(y for text, y in found if text == NAME)
    title_y = next(y for text, y in found if text == "CHỦ TỊCH")
    assert name_y < y1 < y2 <= title_y  # between the name and the title above it


def test_one_changed_byte_of_the_signed_file_fails_naming_it(capsys, signed):
    data, reports, _ = signed
    kept = data / "signed" / "2024" / PUBLISHED
    content = kept.read_bytes()
    kept.write_bytes(content[:200] + bytes([content[200] ^ 1]) + content[201:])
    done = _verify(capsys, data, reports)
    assert done.returncode == 1
    assert _line(kept, "signing.verify_changed") in done.stdout.splitlines()
    assert done.stdout.endswith("Kiểm chứng: KHÔNG KHỚP (xem các dòng trên)\n")


def test_a_signature_changed_with_its_new_hash_still_fails_by_pyhanko(capsys, signed):
    """A byte changed inside the signed range: only the cryptographic check can tell."""
    from pipelines.core.text import t as words

    data, reports, document = signed
    kept = data / "signed" / "2024" / PUBLISHED
    content = kept.read_bytes()
    at = len(document.read_bytes()) + 40  # in the signing update, before the signature's contents
    changed = content[:at] + bytes([content[at] ^ 1]) + content[at + 1:]
    assert signatures._signatures(changed, len(document.read_bytes()), [], "vi") == words(
        "vi", "signing.verify_no_roots_here")
    roots = signatures.trust_roots(signatures.Folders.at(data), signatures_site(data))
    verdict = signatures._signatures(changed, len(document.read_bytes()), roots, "vi")
    assert verdict is not None and verdict != words("vi", "signing.verify_ok")
    assert signatures._signatures(content, len(document.read_bytes()), roots, "vi") is None


def signatures_site(data: Path):
    from pipelines.core import deployment

    return deployment.load(data)


def test_a_removed_signature_fails_naming_the_file(capsys, signed):
    """The published copy replaced by the unsigned PDF; then the kept signed file too."""
    data, reports, document = signed
    copy = reports / "2024" / "bao-cao-thu.signed.pdf"
    copy.write_bytes(document.read_bytes())
    done = _verify(capsys, data, reports)
    kept = data / "signed" / "2024" / PUBLISHED
    assert done.returncode == 1
    assert _line(kept, "signing.verify_copy", copy=copy) in done.stdout.splitlines()
    kept.write_bytes(document.read_bytes())
    assert _line(kept, "signing.verify_changed") in _verify(capsys, data, reports).stdout.splitlines()
    kept.unlink()
    copy.unlink()
    done = _verify(capsys, data, reports)
    assert done.returncode == 1 and _line(kept, "signing.verify_removed") in done.stdout.splitlines()


def test_an_edited_approval_line_fails_naming_the_file_and_line(capsys, signed):
    data, reports, _ = signed
    approvals = data / "approvals" / "2024.jsonl"
    approvals.write_text(approvals.read_text(encoding="utf-8").replace(NAME, "Nguyễn Văn B"), encoding="utf-8")
    done = _verify(capsys, data, reports)
    assert done.returncode == 1
    reason = t("vi", "keyed.line_changed", path=approvals, line=1)
    assert t("vi", "signing.verify_approvals_broken", reason=reason) in done.stdout.splitlines()


def test_a_forged_line_with_the_right_hash_an_emptied_file_and_a_garbage_line_fail(capsys, signed):
    data, reports, _ = signed
    approvals = data / "approvals" / "2024.jsonl"
    original = approvals.read_text(encoding="utf-8")
    approvals.write_text(original + original.replace(NAME, "Nguyễn Văn B"), encoding="utf-8")  # a copied line
    assert t("vi", "keyed.line_changed", path=approvals, line=2) in _verify(capsys, data, reports).stdout
    approvals.write_text("", encoding="utf-8")
    done = _verify(capsys, data, reports)
    assert done.returncode == 1
    assert t("vi", "keyed.lines_removed", path=approvals, expected=1, found=0) in done.stdout
    approvals.write_text(original + "not json\n", encoding="utf-8")
    done = _verify(capsys, data, reports)
    assert done.returncode == 1 and t("vi", "keyed.not_a_line", path=approvals, line=2) in done.stdout


def test_a_hand_edited_manifest_fails_even_the_quick_check(capsys, published):
    """The PDF changed and its new hash written into manifest.json: the seal no longer matches."""
    from pipelines.publish import manifest

    data, reports, document = published
    document.write_bytes(document.read_bytes() + b"%\n")
    path = reports / "2024" / "manifest.json"
    content = path.read_text(encoding="utf-8")
    old = re.search(r'"reports/2024/bao-cao-thu.pdf": "([0-9a-f]{64})"', content).group(1)
    path.write_text(content.replace(old, manifest.sha256(document)), encoding="utf-8")
    done = _verify(capsys, data, reports)
    assert done.returncode == 1
    assert t("vi", "keyed.verify_manifest", reason=t("vi", "keyed.manifest_changed", path=path)) in done.stdout.splitlines()
    assert "[1/3] Tệp đã công bố so với manifest: 1/1 tệp khớp" in done.stdout


def test_a_run_places_the_copy_again_only_beside_the_same_bytes(signed, tmp_path):
    data, reports, document = signed
    staged = tmp_path / "staged"
    staged.mkdir()
    shutil.copy(document, staged / PUBLISHED)
    signatures.place_copies(signatures.Folders.at(data, reports), "2024", staged)
    assert (staged / "bao-cao-thu.signed.pdf").read_bytes() == (data / "signed" / "2024" / PUBLISHED).read_bytes()
    other = tmp_path / "other"
    other.mkdir()
    (other / PUBLISHED).write_bytes(document.read_bytes() + b"%\n")  # rendered again, differently
    signatures.place_copies(signatures.Folders.at(data, reports), "2024", other)
    assert sorted(p.name for p in other.iterdir()) == [PUBLISHED]


def test_pdfsig_reads_the_signature(signed):
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (poppler-utils) is not installed")
    data, _, _ = signed
    out = subprocess.run(["pdfsig", str(data / "signed" / "2024" / PUBLISHED)], capture_output=True, text=True).stdout
    assert f"Signer Certificate Common Name: {NAME}" in out
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out


def test_published_pdfs_are_tagged_archival_and_reproducible(made, tmp_path):
    _, _, _, pdf = made
    assert render.html_to_pdf(small_report_html()) == pdf  # a second render, byte for byte
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    (tmp_path / "a.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "a.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    meta = subprocess.run(["pdfinfo", "-meta", str(tmp_path / "a.pdf")], capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1" pdfaid:part="2" pdfaid:conformance="A"' in meta
    assert "CreationDate" not in info and "ModDate" not in info


def test_a_wrong_passphrase_is_refused_in_one_line(capsys, published, made, tmp_path):
    data, reports, document = published
    certs = made[0]
    wrong = tmp_path / "wrong"
    wrong.write_text("sai\n")
    done = _sign(capsys, data, reports, document, made, "--pkcs12", certs["signer.p12"], "--passphrase-file", wrong)
    assert done.returncode == 3
    assert done.stderr == t("vi", "cli.failed", reason=t("vi", "signing.no_pkcs12", path=certs["signer.p12"])) + "\n"
    assert not (data / "signed").exists()


def test_the_signing_settings_are_checked_naming_the_key(tmp_path):
    from pipelines.core import deployment

    settings = tmp_path / "baocao.yml"
    settings.write_text("signing:\n  trust_roots: [khong-co.pem]\n", encoding="utf-8")
    with pytest.raises(deployment.SettingsError) as refused:
        deployment.load(tmp_path)
    assert str(refused.value) == t("vi", "errors.settings.trust_root_missing", path=settings, key="signing.trust_roots",
                                   root=tmp_path / "khong-co.pem")
    settings.write_text("signing:\n  roots: []\n", encoding="utf-8")
    with pytest.raises(deployment.SettingsError) as refused:
        deployment.load(tmp_path)
    assert str(refused.value) == t("vi", "errors.settings.signing", path=settings, key="signing",
                                   keys="trust_roots, timestamp_url")
    settings.write_text('signing:\n  trust_roots: []\n  timestamp_url: "http://tsa.example/tsr"\n', encoding="utf-8")
    assert deployment.load(tmp_path).timestamp_url == "http://tsa.example/tsr"


def test_the_office_signs_after_the_leader_and_both_signatures_hold(capsys, signed, made):
    data, reports, document = signed
    kept = data / "signed" / "2024" / PUBLISHED
    first = kept.read_bytes()
    done = _sign(capsys, data, reports, document, made)
    assert done.returncode == 0, done.stderr
    assert kept.read_bytes().startswith(first) and len(PdfReader(kept).get_fields() or {}) == 2
    done = _verify(capsys, data, reports)
    assert done.returncode == 0, done.stdout
    assert "[3/3] Văn bản đã ký duyệt: 2" in done.stdout.splitlines()


def test_an_image_that_is_not_one_is_refused_before_signing(capsys, published, made, tmp_path):
    data, reports, document = published
    certs, _, seal, _ = made
    bad = tmp_path / "chu-ky.png"
    bad.write_text("không phải ảnh")
    done = baocao_here(capsys, "sign", "--period", "2024", "--report", document, "--pkcs12", certs["signer.p12"],
                       "--passphrase-file", certs["passphrase"], "--signature-image", bad, "--by", BY,
                       "--data-dir", data, "--reports-dir", reports)
    assert done.returncode == 3 and done.stderr.startswith(t("vi", "cli.failed", reason=f"{bad}: "))
    assert not (data / "signed").exists()


def test_a_lost_key_is_said_as_such_never_as_a_change(capsys, signed):
    data, reports, _ = signed
    key = data / ".keys" / "deployment.key"
    key.unlink()
    done = _verify(capsys, data, reports)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert t("vi", "keyed.verify_manifest", reason=t("vi", "keyed.no_key", path=key)) in lines
    reason = t("vi", "keyed.no_key_for", path=data / "approvals" / "2024.jsonl")
    assert t("vi", "signing.verify_approvals_broken", reason=reason) in lines
