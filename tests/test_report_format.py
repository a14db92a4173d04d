"""What a leader reads: the official layout, every figure from the data, charts with alt text,
fonts embedded with every glyph, and HTML that fits a phone screen."""

import re
import shutil
import subprocess
import unicodedata

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from conftest import NUMBER
from headless import CHROMIUM, Browser
from pipelines.core import formats

STEM = "bao-cao-tre-em-2024-huyen-198"
FACT_SHEET = "bao-cao-tre-em-2024-xa-06847"
BOTH = pytest.mark.parametrize("stem", [STEM, FACT_SHEET])  # the district report and a commune's fact sheet


def _soup(work, stem=STEM):
    return BeautifulSoup((work / "reports" / "2024" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")


def test_header_block_follows_decree_30(published):
    """The shared run gives the district report a number (--param number=12); a commune's fact
    sheet keeps the notebook's default, a number left blank to fill in by hand."""
    work, _ = published
    header = " ".join(_soup(work).find("header", class_="official-header").get_text(" ").split())
    assert header.startswith(f"ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU Số: {NUMBER}/BC-UBND CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
                             "Độc lập - Tự do - Hạnh phúc Bình Liêu, ngày 05 tháng 01 năm 2025 BÁO CÁO")
    sheet = " ".join(_soup(work, FACT_SHEET).find("header", class_="official-header").get_text(" ").split())
    assert sheet.startswith("ỦY BAN NHÂN DÂN XÃ ĐỒNG VĂN Số: …/BC-UBND CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM "
                            "Độc lập - Tự do - Hạnh phúc")


def test_page_number_absent_on_page_one_and_centred_on_page_two(published):
    work, _ = published
    pages = PdfReader(work / "reports" / "2024" / f"{STEM}.pdf").pages
    assert len(pages) >= 3
    lines = [[line.strip() for line in unicodedata.normalize("NFC", p.extract_text()).splitlines()] for p in pages[:3]]
    assert lines[0][0].startswith("ỦY BAN NHÂN DÂN") and "1" not in lines[0]
    assert "2" in lines[1] and "3" in lines[2]
    # and it sits in the top margin, centred over the text column (A4 595 pt wide; margins 30 mm left, 15 mm right)
    found = []

    def on_page(text, cm, tm, *_):  # position on the page = text matrix × current transformation matrix
        found.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    pages[1].extract_text(visitor_text=on_page)
    x, y = next((x, y) for text, x, y in found if text == "2")
    mm = 72 / 25.4
    assert y > 841.89 - 20 * mm  # above the text area: in the top margin
    assert abs(x - (30 + (210 - 30 - 15) / 2) * mm) < 12  # near the centre of the text column


def test_narrative_figures_equal_the_processed_data(published):
    work, _ = published
    table = pd.read_parquet(work / "data" / "processed" / "2024" / "indicators.parquet")
    district = table[table.unit_code == "198"].set_index("indicator_id")["value"]
    text = " ".join(_soup(work).get_text(" ").split()).replace("( ", "(").replace(" )", ")")
    expected = [
        f"có {formats.number(district['children_under_16'])} trẻ em dưới 16 tuổi",
        f"là {formats.number(district['children_ethnic_minority'])} trẻ ({formats.percent(district['ethnic_minority_share'])})",
        f"trẻ em dưới 6 tuổi là {formats.number(district['children_under_6'])} trẻ",
        f"khó khăn là {formats.number(district['children_special_or_difficult'])} trẻ",
        f"Có {formats.number(district['children_sponsored'])} trẻ được các cơ quan, đơn vị nhận đỡ đầu, đạt "
        f"{formats.percent(district['sponsorship_coverage'])}",
        f"Tết thiếu nhi 1/6 là {formats.money(district['childrens_day_support_value'])}",
        f"cấp tiểu học đạt {formats.percent(district['net_enrolment_primary'])}",
    ]
    for sentence in expected:
        assert sentence in text, sentence


@pytest.mark.parametrize("stem, charts", [(STEM, 4), (FACT_SHEET, 1)])
def test_every_chart_has_alt_text_in_words(published, stem, charts):
    work, _ = published
    images = _soup(work, stem).find_all("img")
    assert len(images) == charts
    for image in images:
        assert image["src"].startswith("data:image/png;base64,")
        assert len(image.get("alt", "")) > 40 and image["alt"] != "Biểu đồ"


@BOTH
def test_every_pdf_font_is_embedded_and_no_glyph_is_missing(published, stem):
    work, _ = published
    pdf = work / "reports" / "2024" / f"{stem}.pdf"
    reader = PdfReader(pdf)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            assert "Noto-Serif" in font["/BaseFont"]
    # every character of the report exists in the embedded font (a missing one would print as .notdef)
    import fontpkg_noto_serif

    cmap = TTFont(fontpkg_noto_serif.ROOT / "files" / "NotoSerif[wdth,wght].ttf").getBestCmap()
    text = _soup(work, stem).get_text()
    assert sorted({c for c in text if not c.isspace() and ord(c) not in cmap}) == []


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) not installed; .ci/run installs it")
@BOTH
def test_pdffonts_reports_every_font_embedded(published, stem):
    work, _ = published
    out = subprocess.run(["pdffonts", work / "reports" / "2024" / f"{stem}.pdf"], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    assert out and all(re.split(r"\s+", line.strip())[-5] == "yes" for line in out), out


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; .ci/run installs it")
@pytest.mark.parametrize("width", [390, 1280])
@BOTH
def test_html_fits_phone_and_desktop_widths_without_horizontal_overflow(published, tmp_path, width, stem):
    work, _ = published
    page = (work / "reports" / "2024" / f"{stem}.html").resolve()
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
              f"--window-size={width},900"]
    shot = tmp_path / f"report-{width}.png"
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000
    # the page's own measurement: the document is no wider than the screen. `--window-size` gives a
    # headless window of at least 500 px, so the width is set with the DevTools protocol (headless.py).
    with Browser() as browser:
        browser.open(page, width)
        scroll, inner, screen = browser.evaluate("[document.documentElement.scrollWidth, "
                                                 "document.documentElement.clientWidth, screen.width]")
    assert screen == width  # the inner width leaves out a desktop's scroll bar
    assert scroll <= inner, f"page is {scroll}px wide on a {inner}px screen"
