"""The whole workflow on the embedded sample: real GX, papermill, nbconvert and WeasyPrint."""

import shutil
import subprocess
import sys
import unicodedata

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import REPO, tree_bytes
from pipelines.core.folders import Folders
from pipelines.publish import manifest
from pipelines.units.period import Period

STEM = "bao-cao-tre-em-2024-huyen-198"
COMMUNES = ["06838", "06841", "06844", "06847", "06853", "06856", "06859"]  # Bình Liêu's 7 units before 2025
SEED_FIGURES = ["9.292", "8.824", "95,0 %", "2.973", "407", "47", "100 %"]
FACT_SHEET = "bao-cao-tre-em-2024-xa-06847"


def html_text(path):
    return unicodedata.normalize("NFC", BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" "))


def pdf_text(path):
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in PdfReader(path).pages))


def test_run_prints_each_step_and_publishes_every_output(published):
    work, done = published
    steps = [line[:5] for line in done.stdout.splitlines() if line.startswith("[")]
    assert steps == ["[1/6]", "[2/6]", "[3/6]", "[4/6]", "[5/6]", "[6/6]"]
    assert done.stderr.count("LỖI") == 0
    names = sorted(p.name for p in (work / "reports" / "2024").rglob("*") if p.is_file())
    stems = [STEM, *(f"bao-cao-tre-em-2024-xa-{code}" for code in COMMUNES), "danh-muc-chi-tieu"]
    assert names == sorted([f"{stem}.{ext}" for stem in stems for ext in ("html", "pdf", "ipynb")]
                           + ["validation.html", "validation-problems.csv", "status.html", "manifest.json", "run.log"])
    processed = work / "data" / "processed" / "2024"
    assert sorted(str(p.relative_to(processed)) for p in processed.rglob("*.parquet")) == [
        "breakdowns.parquet", "corrections.parquet", "history.parquet", "indicators.parquet", "public/breakdowns.parquet",
        "public/indicators.parquet", "public/trends.parquet", "trends.parquet", "validation-problems.parquet"]
    leftovers = [p.name for p in (work / "reports").iterdir() if p.name.startswith(".") and p.name != ".index.lock"]
    assert leftovers == []


def test_html_states_the_seed_figures_in_vietnamese(published):
    work, _ = published
    text = html_text(work / "reports" / "2024" / f"{STEM}.html")
    for figure in SEED_FIGURES:
        assert figure in text, figure
    flat = " ".join(text.split()).replace("( ", "(").replace(" )", ")")
    assert "trẻ em người dân tộc thiểu số là 8.824 trẻ (95,0 %)" in flat
    assert "ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU" in text
    assert "Bình Liêu, ngày 05 tháng 01 năm 2025" in text


def test_pdf_states_the_seed_figures(published):
    work, _ = published
    text = " ".join(pdf_text(work / "reports" / "2024" / f"{STEM}.pdf").split())
    for figure in SEED_FIGURES:
        assert figure in text, figure
    assert "Số trẻ em có hoàn cảnh đặc biệt và trẻ em có hoàn cảnh khó khăn là 407" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed; .ci/run installs it")
def test_pdftotext_reads_the_seed_figures(published):
    work, _ = published
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", work / "reports" / "2024" / f"{STEM}.pdf", "-"],
                         capture_output=True, text=True, check=True).stdout
    text = " ".join(unicodedata.normalize("NFC", out).split())
    for figure in SEED_FIGURES:
        assert figure in text, figure


def test_processed_indicators_match_the_seed(published):
    work, _ = published
    table = pd.read_parquet(work / "data" / "processed" / "2024" / "indicators.parquet")
    district = table[table.unit_code == "198"].set_index("indicator_id")
    assert district.loc["children_under_16", "numerator"] == 9292
    assert (district.loc["ethnic_minority_share", "numerator"], district.loc["ethnic_minority_share", "denominator"]) == (8824, 9292)
    assert district.loc["sponsorship_coverage", "value"] == 100.0
    assert district.loc["childrens_day_support_value", "numerator"] > 205_000_000
    assert sorted(table[table.level == "commune"].unit_code.unique()) == COMMUNES


def test_same_inputs_give_byte_identical_outputs(published, published_variants):
    """The second real run is `published_variants`: the same sample, copied to another folder and run
    from there with relative paths like `published`, for one commune's fact sheet (in four variants)
    instead of the district. A commune scope covers the same communes (those of its district), so it
    computes the same processed data, and the commune's fact sheet is the same notebook with the same
    parameters whether it is the scope's own report or one of the district's fact sheets. So every file
    both runs publish must have the same bytes: the fact sheet (HTML, PDF, executed notebook), the
    catalogue page, the validation page and CSV, the status page (the sample's forms are placed by
    hand: the page shows no first-seen time, which is no input), and all processed data. What differs
    is by design: the files only one run makes (the district's reports; the other variants and the English
    validation problems), index.html, which lists the run's reports, and the records of each run
    (manifest.json and run.log: its scope, times and key), whose hashes of the common files agree."""
    first, second = published[0], published_variants[0]
    reports = tree_bytes(first / "reports" / "2024"), tree_bytes(second / "reports" / "2024")
    common = sorted(set(reports[0]) & set(reports[1]) - {"manifest.json", "run.log"})
    assert common == sorted([f"{stem}.{ext}" for stem in (FACT_SHEET, "danh-muc-chi-tieu") for ext in ("html", "pdf")]
                            + [f"notebooks/{stem}.ipynb" for stem in (FACT_SHEET, "danh-muc-chi-tieu")]
                            + ["validation.html", "validation-problems.csv", "status.html"])
    for name in common:
        assert reports[0][name] == reports[1][name], name
    records = [{name: digest for name, digest in manifest.read(Folders.at(work / "data", work / "reports"),
                                                               Period.parse("2024")).outputs.items()}
               for work in (first, second)]
    assert {k: v for k, v in records[0].items() if k in records[1]} == {k: records[1][k] for k in records[0] if k in records[1]}
    assert len(set(records[0]) & set(records[1])) == len(common) + len(tree_bytes(first / "data" / "processed"))
    processed = tree_bytes(first / "data" / "processed"), tree_bytes(second / "data" / "processed")
    assert sorted(processed[1]) == sorted([*processed[0], "2024/validation-problems-en.parquet"])
    assert processed[0] == {name: processed[1][name] for name in processed[0]}


def test_catalogue_page_is_published_with_every_indicator(published):
    from pipelines.indicators import catalogue

    work, _ = published
    text = " ".join(html_text(work / "reports" / "2024" / "danh-muc-chi-tieu.html").split())
    for ind in catalogue.entries().values():
        assert ind.name_vi in text, ind.id
    assert "Năm 2025: dưới 6,5 % (Quyết định 23/QĐ-TTg)" in text
    assert "Năm 2030: đạt ít nhất 99,9 % (Kế hoạch của huyện Bình Liêu) – áp dụng cho Huyện Bình Liêu (198)" in text
    assert (work / "reports" / "2024" / "danh-muc-chi-tieu.pdf").read_bytes().startswith(b"%PDF-")


def test_report_assesses_progress_and_lists_data_quality(published):
    work, _ = published
    flat = " ".join(html_text(work / "reports" / "2024" / f"{STEM}.html").split())
    assert "III. Đánh giá so với mục tiêu" in flat
    assert "Phụ lục: Chất lượng số liệu" in flat
    trend = pd.read_parquet(work / "data" / "processed" / "2024" / "trends.parquet")
    primary = trend[(trend.unit_code == "198") & (trend.indicator_id == "net_enrolment_primary")].iloc[0]
    assert (primary.previous_period, primary.base_period) == ("2023", "2022")
    assert primary.status in ("on_track", "off_track", "achieved")
