"""Report variants a run publishes: internal and public editions, Vietnamese and English, and the
one-to-two-page fact sheet of each commune (the same notebook with a commune as the unit)."""

import json
import re
import stat
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import NUMBER, SIGNER, baocao_here
from pipelines.core import formats
from pipelines.core.folders import Folders
from pipelines.publish import jobs, manifest
from pipelines.report import notebooks
from pipelines.units.period import Period
from test_end_to_end import COMMUNES, FACT_SHEET, STEM, html_text

# Variants are read from the shared `published_variants` run (tests/conftest.py): commune 06847,
# --lang vi,en --edition internal,public. Document parameters from `published`, the district run.


def test_variants_are_ordered_and_default_to_project_settings():
    assert jobs.variants(None, None) == [("vi", "internal")]
    assert jobs.variants(("en", "vi"), ("public", "internal")) == [
        ("vi", "internal"), ("vi", "public"), ("en", "internal"), ("en", "public")]
    with pytest.raises(ValueError, match="ấn bản 'secret' không có; dùng: internal, public"):
        jobs.variants(None, ("secret",))


def test_a_run_publishes_every_requested_variant(published_variants):
    """The internal editions and the catalogue in the internal tree, the public editions in the
    public one, each tree with an index of its own reports."""
    work, done = published_variants
    names = sorted(p.name for p in (work / "reports" / "2024").glob("*.pdf"))
    assert names == [f"{FACT_SHEET}-en.pdf", f"{FACT_SHEET}.pdf", "danh-muc-chi-tieu-en.pdf", "danh-muc-chi-tieu.pdf"]
    assert sorted(p.name for p in (work / "public" / "2024").glob("*.pdf")) == [
        f"{FACT_SHEET}-cong-khai-en.pdf", f"{FACT_SHEET}-cong-khai.pdf"]
    assert "Xã Đồng Văn (vi/internal, vi/public, en/internal, en/public)" in done.stdout
    processed = work / "data" / "processed" / "2024"
    assert (processed / "validation-problems-en.parquet").is_file()
    index = (work / "public" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="2024/{FACT_SHEET}-cong-khai-en.html">Children&#x27;s report 2024 – ' in index
    assert "validation" not in index and "danh-muc" not in index
    internal = (work / "reports" / "index.html").read_text(encoding="utf-8")
    assert "cong-khai" not in internal and f'<a href="2024/{FACT_SHEET}-en.html">' in internal
    assert '<a href="2024/validation.html">' in internal


# What the public tree may hold, by name; anything else in it is an internal file that left by the wrong door.
PUBLIC_TREE = (r"index\.html", r"\d{4}(-H[12]|-Q[1-4])?/manifest\.json",
               r"\d{4}(-H[12]|-Q[1-4])?/bao-cao-tre-em-\d{4}(-H[12]|-Q[1-4])?-(xa|huyen|tinh)-\d+-cong-khai(-[a-z]{2})?"
               r"\.(html|pdf)")


def _modes(tree: Path) -> set[tuple[str, int]]:
    """{("folder"|"file", mode)} of a tree and everything in it."""
    return {("folder" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode)) for p in [tree, *tree.rglob("*")]}


def test_the_public_tree_holds_only_public_editions_with_their_own_index_and_manifest(published_variants):
    work, done = published_variants
    public = work / "public"
    held = sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file())
    assert [name for name in held if not any(re.fullmatch(pattern, name) for pattern in PUBLIC_TREE)] == []
    assert held == sorted(["index.html", "2024/manifest.json", *(f"2024/{FACT_SHEET}-cong-khai{lang}.{ext}"
                                                                 for lang in ("", "-en") for ext in ("html", "pdf"))])
    # the internal tree keeps its own reports, and the public editions' executed notebooks (the audit trail)
    assert sorted(p.relative_to(work / "reports").as_posix() for p in (work / "reports").rglob("*cong-khai*")) == [
        f"2024/notebooks/{FACT_SHEET}-cong-khai-en.ipynb", f"2024/notebooks/{FACT_SHEET}-cong-khai.ipynb"]
    record = manifest.read(Folders.at(work / "data", work / "reports", public), Period.parse("2024"))
    mine = json.loads((public / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(mine) == ["code", "files", "period", "scope"]
    assert mine["files"] == {name: digest for name, digest in record.outputs.items() if name.startswith("public/")}
    assert mine["files"] == {f"public/{name}": manifest.sha256(public / name) for name in held if "cong-khai" in name}
    text = (public / "2024" / "manifest.json").read_text(encoding="utf-8")
    internal = {**record.inputs, **{k: v for k, v in record.outputs.items() if not k.startswith("public/")}}
    assert [name for name, digest in internal.items() if digest in text or name in text] == []
    assert [p.name for p in work.iterdir() if p.name.startswith(".")] == []  # no staging or roll-back left beside
    assert f"Công bố vào {work / 'reports' / '2024'}, {work / 'public' / '2024'} (công khai) và " in done.stdout


def test_the_internal_tree_processed_data_and_logs_are_for_owner_and_group_under_umask_022(published_variants):
    """The run was started under umask 022 (tests/conftest.py): the internal tree, processed data and
    logs are 0750/0640 all the same; the public tree 0755/0644."""
    work, _ = published_variants
    for tree in (work / "reports", work / "data" / "processed", work / "data" / "logs"):
        assert _modes(tree) == {("folder", 0o750), ("file", 0o640)}, tree
    assert _modes(work / "public") == {("folder", 0o755), ("file", 0o644)}


def test_english_report_is_marked_english_and_writes_numbers_the_english_way(published_variants):
    work, _ = published_variants
    folder = work / "reports" / "2024"
    table = pd.read_parquet(work / "data" / "processed" / "2024" / "indicators.parquet")
    own = table[table.unit_code == "06847"].set_index("indicator_id")["value"]
    english = (folder / f"{FACT_SHEET}-en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="vi">' in (folder / f"{FACT_SHEET}.html").read_text("utf-8")
    text = " ".join(html_text(folder / f"{FACT_SHEET}-en.html").split())
    vietnamese = " ".join(html_text(folder / f"{FACT_SHEET}.html").split())
    share = own["ethnic_minority_share"]
    assert formats.percent(share, lang="en") in text and formats.percent(share) in vietnamese
    assert formats.percent(share, lang="en") == f"{share:.1f}%" and formats.percent(share) == f"{share:.1f} %".replace(".", ",")
    for word in ("Tình hình chung", "Đánh giá", "Nơi nhận", "trẻ em"):
        assert word not in text and word in vietnamese


def test_document_parameters_reach_the_report_of_the_scope(published):
    """--param number=12 --param signer=… of the `published` run reach the scope's own report (the
    district's) and none of the communes' fact sheets, which keep the notebook's defaults."""
    work, _ = published
    text = " ".join(html_text(work / "reports" / "2024" / f"{STEM}.html").split())
    assert f"ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU Số: {NUMBER}/BC-UBND" in text
    assert f"TM. ỦY BAN NHÂN DÂN CHỦ TỊCH {SIGNER}" in text
    for code in COMMUNES:
        sheet = " ".join(html_text(work / "reports" / "2024" / f"bao-cao-tre-em-2024-xa-{code}.html").split())
        assert "Số: …/BC-UBND" in sheet and SIGNER not in sheet, code


def test_document_parameters_go_to_every_variant_of_the_scope_s_own_report_only():
    """What a run asks papermill for: the parameters in all four variants of the scope's own
    report, in none of the fact sheets nor in the catalogue pages."""
    from pipelines.units.period import Period
    from pipelines.units.scope import Scope, coverage

    period = Period.parse("2024")
    cover = coverage(period, Scope.parse("district:198"), [], True)
    todo = jobs.jobs(period, "data", "data/processed/.staging-2024", cover,
                     jobs.variants(("vi", "en"), ("internal", "public")), {"number": NUMBER, "signer": SIGNER})
    assert len(todo) == (1 + len(COMMUNES)) * 4 + 2
    given = sorted(job.stem for job in todo if job.parameters.get("number") == NUMBER
                   and job.parameters.get("signer") == SIGNER)
    assert given == sorted(f"{STEM}{variant}" for variant in ("", "-cong-khai", "-en", "-cong-khai-en"))
    assert all("number" not in job.parameters and "signer" not in job.parameters
               for job in todo if job.stem not in given)


def test_document_parameters_reach_the_english_report(published):
    """The parameters a run gives the scope's own report (here a commune's fact sheet, as with
    --scope commune:06847), in English: the notebook as papermill runs it in a run, on the published
    data (no PDF: the words are the point)."""
    work, _ = published
    nb = notebooks.execute("01-children-report.ipynb", {"period": "2024", "unit": "06847", "lang": "en",
                                                        "edition": "internal", "data_dir": str(work / "data"),
                                                        "number": NUMBER, "signer": SIGNER})
    english = " ".join(BeautifulSoup(_html_outputs(nb), "html.parser").get_text(" ").split())
    assert f"No.: {NUMBER}/BC-UBND" in english and SIGNER in english


def test_an_unknown_document_parameter_is_refused_before_anything_runs(tmp_path, capsys):
    done = baocao_here(capsys, "run", "--period", "2024", "--param", "signature=X", "--data-dir", tmp_path / "data",
                       "--reports-dir", tmp_path / "reports")
    assert done.returncode == 3
    assert done.stderr.strip() == ("LỖI: --param 'signature=X' không hợp lệ: dùng TÊN=GIÁ_TRỊ với TÊN là issuing_body, "
                                   "place, number, report_date, signer, signer_title, recipients")
    assert not (tmp_path / "reports").exists()


def test_each_edition_says_which_it_is(published_variants):
    work, _ = published_variants
    folder, public = work / "reports" / "2024", work / "public" / "2024"
    assert "Bản nội bộ:" in html_text(folder / f"{FACT_SHEET}.html")
    assert "Bản công khai:" in html_text(public / f"{FACT_SHEET}-cong-khai.html")
    assert "Public edition:" in html_text(public / f"{FACT_SHEET}-cong-khai-en.html")
    assert "Internal edition:" in html_text(folder / f"{FACT_SHEET}-en.html")


def test_every_commune_fact_sheet_fits_two_pages_and_the_district_report_does_not(published_2025):
    work, _ = published_2025
    sheets = [*(f"2024/bao-cao-tre-em-2024-xa-{code}" for code in COMMUNES),
              *(f"2025/bao-cao-tre-em-2025-xa-{code}" for code in ("06838", "06841", "06856"))]
    pages = {sheet: len(PdfReader(work / "reports" / f"{sheet}.pdf").pages) for sheet in sheets}
    assert all(1 <= n <= 2 for n in pages.values()), pages
    assert len(PdfReader(work / "reports" / "2024" / "bao-cao-tre-em-2024-huyen-198.pdf").pages) > 2
    assert len(PdfReader(work / "reports" / "2025" / "bao-cao-tre-em-2025-tinh-22.pdf").pages) > 2


def _breakdown(soup, caption_start):
    """A breakdown table of the report as {(row label, column label): cell text}."""
    table = next(t for t in soup.find_all("table", class_="breakdown") if t.caption.get_text().startswith(caption_start))
    columns = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")][1:]
    return {(tr.th.get_text(" ", strip=True), column): td.get_text(strip=True)
            for tr in table.tbody.find_all("tr") for column, td in zip(columns, tr.find_all("td"))}


def _html_outputs(nb):
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))


@pytest.mark.parametrize("edition", ["internal", "public"])
def test_breakdown_appendix_shows_the_counts_of_its_edition(published, edition):
    """The district report's notebook run through papermill on the published 2024 data, as each
    edition: the internal one as the `published` run executed it, the public one here."""
    work, _ = published
    if edition == "internal":
        nb = nbformat.read(work / "reports" / "2024" / "notebooks" / f"{STEM}.ipynb", as_version=4)
    else:
        nb = notebooks.execute("01-children-report.ipynb", {"period": "2024", "unit": "198", "edition": edition,
                                                            "data_dir": str(work / "data")})
    soup = BeautifulSoup(_html_outputs(nb), "html.parser")
    cells = _breakdown(soup, "Trẻ em có hoàn cảnh đặc biệt")
    folder = work / "data" / "processed" / "2024"
    internal = pd.read_parquet(folder / "breakdowns.parquet").set_index(["unit_code", "code"])["count"]
    public = pd.read_parquet(folder / "public" / "breakdowns.parquet").set_index(["unit_code", "code"])["display"]
    # thị trấn Bình Liêu (06838): 1–4 children in conflict with the law, a sensitive group
    assert 1 <= internal[("06838", "conflict_with_law")] <= 4 and public[("06838", "conflict_with_law")] == "< 5"
    shown = cells[("Trẻ em vi phạm pháp luật", "Bình Liêu")]
    assert shown == (str(internal[("06838", "conflict_with_law")]) if edition == "internal" else "< 5")
    assert cells[("Trẻ em khuyết tật", "Tổng")] == formats.number(internal[("198", "disabled")])
    hidden = [key for key, text in cells.items() if text in ("< 5", "x")]
    assert (len(hidden) > 0) == (edition == "public")


def test_pdf_bookmarks_follow_the_headings(published):
    work, _ = published
    reader = PdfReader(work / "reports" / "2024" / "bao-cao-tre-em-2024-huyen-198.pdf")
    top = reader.outline
    assert top[0].title.startswith("BÁO CÁO Kết quả thực hiện công tác bảo vệ")
    chapters = [(item.title, reader.get_destination_page_number(item) + 1) for item in top[1]
                if not isinstance(item, list)]
    titles = [title for title, _ in chapters]
    assert titles[:4] == ["I. Tình hình chung", "II. Kết quả thực hiện", "III. Đánh giá so với mục tiêu",
                          "IV. Các đơn vị cấp xã cần quan tâm"]
    assert "Phụ lục: Trẻ em và hồ sơ theo nhóm, theo đơn vị cấp xã" in titles
    pages = [page for _, page in chapters]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] <= len(reader.pages)


def test_verify_checks_both_trees_and_the_public_manifest(published_variants, tmp_path, capsys):
    """`verify --quick` on a copy of the variants run: every file of both trees matches; a changed
    byte of a public PDF, a file slipped into the public tree and a hand-edited public manifest are
    each named; `approve` takes a public document."""
    import shutil

    for part in ("data", "reports", "public"):
        shutil.copytree(published_variants[0] / part, tmp_path / part)
    dirs = ("--data-dir", tmp_path / "data", "--reports-dir", tmp_path / "reports", "--public-dir", tmp_path / "public")
    count = len(manifest.read(Folders.at(tmp_path / "data", tmp_path / "reports"), Period.parse("2024")).outputs)
    done = baocao_here(capsys, "verify", "--period", "2024", "--quick", *dirs)
    assert (done.returncode, done.stderr) == (0, "")
    assert f"[1/3] Tệp đã công bố so với manifest: {count}/{count} tệp khớp\n" in done.stdout
    pdf = tmp_path / "public" / "2024" / f"{FACT_SHEET}-cong-khai.pdf"
    done = baocao_here(capsys, "approve", "--period", "2024", "--report", pdf, "--by", "Hoàng Văn An", *dirs)
    assert done.returncode == 0 and f"Đã ghi: public/2024/{FACT_SHEET}-cong-khai.pdf (SHA-256 " in done.stdout

    signed = pdf.read_bytes()
    pdf.write_bytes(signed[:-10] + bytes([signed[-10] ^ 1]) + signed[-9:])
    (tmp_path / "public" / "2024" / "validation.html").write_text("nội bộ", encoding="utf-8")
    page = tmp_path / "public" / "2024" / "manifest.json"
    record = json.loads(page.read_text(encoding="utf-8"))
    record["files"][f"public/2024/{FACT_SHEET}-cong-khai-en.pdf"] = "0" * 64
    page.write_text(json.dumps(record), encoding="utf-8")
    done = baocao_here(capsys, "verify", "--period", "2024", "--quick", *dirs)
    assert done.returncode == 1
    assert f"[1/3] Tệp đã công bố so với manifest: {count - 2}/{count} tệp khớp\n" in done.stdout
    assert f"      đã công bố public/2024/{FACT_SHEET}-cong-khai.pdf: khác (SHA-256 " in done.stdout
    assert "      đã công bố public/2024/validation.html: có thêm, không có trong manifest\n" in done.stdout
    assert (f"      đã công bố {page}: public/2024/{FACT_SHEET}-cong-khai-en.pdf: khác (SHA-256 000000000000…, "
            "manifest ghi ") in done.stdout
    assert f"public/2024/{FACT_SHEET}-cong-khai.pdf (ký duyệt bởi Hoàng Văn An, " in done.stdout
    assert done.stdout.endswith("Kiểm chứng: KHÔNG KHỚP (xem các dòng trên)\n")
