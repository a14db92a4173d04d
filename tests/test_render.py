"""Tests for pipelines.render: executed notebook -> standalone HTML -> PDF.

The notebook is built in memory the way papermill leaves one behind: a code
cell whose source must never show, with a Markdown display output (Vietnamese
text with the Bình Liêu figures), an HTML table and a matplotlib PNG.  The
HTML and the PDF are each rendered twice (module fixtures) so the
reproducibility checks compare two real renders.
"""

from __future__ import annotations

import base64
import io
import re
import unicodedata

import matplotlib
import nbformat
import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from pipelines.report.render import html_to_pdf, notebook_to_html

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

A4_W, A4_H = 595.28, 841.89  # points
MM = 72 / 25.4
TOP_MARGIN = 20 * MM
LEFT_MARGIN, RIGHT_MARGIN = 30 * MM, 15 * MM

FIGURES_SENTENCE = (
    "Số trẻ em dưới 16 tuổi là 9.292 trẻ, trong đó trẻ em người dân tộc thiểu số "
    "là 8.824 trẻ (95,0 %)."
)
# Decomposed (NFD) on purpose: the renderer must hand out composed (NFC) text.
NFD_PLACE = unicodedata.normalize("NFD", "Huyện Bình Liêu")


def _png_bytes() -> bytes:
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=72)
    ax.bar(["Hoành Mô", "Đồng Văn", "Lục Hồn"], [1250, 980, 1430])
    ax.set_title("Số trẻ em dưới 16 tuổi theo xã")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


PNG = _png_bytes()


def _notebook() -> nbformat.NotebookNode:
    paragraphs = "\n\n".join(
        f"{i}. Công tác chăm sóc, giáo dục và bảo vệ trẻ em tiếp tục được các cấp ủy "
        "Đảng, chính quyền quan tâm lãnh đạo, chỉ đạo; các ngành, đoàn thể phối hợp "
        "chặt chẽ trong việc triển khai thực hiện Luật Trẻ em năm 2016."
        for i in range(1, 26)
    )
    markdown = (
        "**ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU**\n\n"
        "*Bình Liêu, ngày 05 tháng 01 năm 2025*\n\n"
        "# BÁO CÁO\n\n"
        f"## Kết quả công tác trẻ em năm 2024 — {NFD_PLACE}\n\n"
        f"{FIGURES_SENTENCE}\n\n{paragraphs}\n"
    )
    rows = "".join(
        f"<tr><th>{name}</th><td>{n:,}</td></tr>".replace(",", ".")
        for name, n in [("Hoành Mô", 1250), ("Đồng Văn", 980), ("Lục Hồn", 1430)]
    )
    table = (
        '<table class="dataframe"><thead><tr><th>Xã</th><th>Số trẻ em</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    cell = new_code_cell(
        "secret_code_line = 1\ndisplay(Markdown(text))",
        execution_count=3,
        outputs=[
            new_output("display_data", data={"text/markdown": markdown, "text/plain": "<md>"}),
            new_output("display_data", data={"text/html": table, "text/plain": "<df>"}),
            new_output(
                "display_data",
                data={"image/png": base64.b64encode(PNG).decode("ascii"), "text/plain": "<Figure>"},
            ),
        ],
    )
    cell.id = "ket-qua"
    intro = new_markdown_cell("Báo cáo này được tạo tự động.")
    intro.id = "gioi-thieu"
    nb = new_notebook(cells=[intro, cell])
    nb.metadata.language_info = {"name": "python"}
    return nb


@pytest.fixture(scope="module")
def html() -> str:
    return notebook_to_html(_notebook(), title="Báo cáo công tác trẻ em năm 2024")


@pytest.fixture(scope="module")
def pdf(html: str) -> bytes:
    return html_to_pdf(html)


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _page_text(reader: PdfReader, index: int) -> str:
    return unicodedata.normalize("NFC", reader.pages[index].extract_text())


def _text_positions(reader: PdfReader, index: int) -> list[tuple[str, float, float]]:
    """(text, x, y) in PDF user space (origin bottom left) for a page."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y))

    reader.pages[index].extract_text(visitor_text=visit)
    return found


# ----------------------------------------------------------------------- HTML


def test_html_shows_no_code_and_no_prompts(html: str) -> None:
    assert "secret_code_line" not in html
    assert "display(Markdown" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html


def test_html_is_standalone(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert "<script" not in html.lower()
    assert soup.find("link") is None
    for tag in soup.find_all(src=True) + soup.find_all(href=True):
        for attr in ("src", "href"):
            value = tag.get(attr, "")
            assert not re.match(r"\s*(https?:)?//", value), (tag.name, value)
    for word in ("require.js", "mathjax", "cdnjs", "unpkg"):
        assert word not in html.lower()
    imgs = soup.find_all("img")
    assert len(imgs) == 1
    src = imgs[0]["src"]
    assert src.startswith("data:image/png;base64,")
    assert base64.b64decode(src.split(",", 1)[1]) == PNG
    assert imgs[0]["alt"] == "Biểu đồ"


def test_html_head(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "vi"
    assert soup.find("meta", charset=True)["charset"].lower() == "utf-8"
    viewport = soup.find("meta", attrs={"name": "viewport"})
    assert "width=device-width" in viewport["content"]
    assert soup.title.string == "Báo cáo công tác trẻ em năm 2024"
    css = "\n".join(s.get_text() for s in soup.find_all("style"))
    assert "margin: 20mm 15mm 20mm 30mm" in css
    assert "display: table-header-group" in css
    assert "max-width: 100%" in css
    assert "@media print" in css
    # none of JupyterLab's own stylesheet
    assert "--jp-" not in css


def test_html_text_is_vietnamese_nfc(html: str) -> None:
    assert unicodedata.is_normalized("NFC", html)
    text = BeautifulSoup(html, "html.parser").get_text()
    assert FIGURES_SENTENCE in text
    assert "Huyện Bình Liêu" in text  # came in as NFD
    assert "Báo cáo này được tạo tự động." in text
    assert "Hoành Mô" in text and "1.430" in text


def test_html_is_deterministic(html: str) -> None:
    assert notebook_to_html(_notebook(), title="Báo cáo công tác trẻ em năm 2024") == html


# ------------------------------------------------------------------------ PDF


def test_pdf_is_a4_portrait_with_several_pages(reader: PdfReader) -> None:
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4_W, abs=1)
        assert float(box.height) == pytest.approx(A4_H, abs=1)


def test_pdf_text_keeps_figures_and_diacritics(reader: PdfReader) -> None:
    text = "\n".join(_page_text(reader, i) for i in range(len(reader.pages)))
    flat = " ".join(text.split())
    for figure in ("9.292", "8.824", "95,0 %", "1.430"):
        assert figure in flat
    assert FIGURES_SENTENCE in flat
    for words in ("ỦY BAN NHÂN DÂN HUYỆN BÌNH LIÊU", "ngày 05 tháng 01 năm 2025",
                  "Huyện Bình Liêu", "Đồng Văn", "thiểu số"):
        assert words in flat


def test_page_numbers_top_centre_not_on_first_page(reader: PdfReader) -> None:
    column_centre = (LEFT_MARGIN + A4_W - RIGHT_MARGIN) / 2
    first_lines = _page_text(reader, 0).splitlines()
    assert "1" not in [line.strip() for line in first_lines]
    assert not [t for t, _, y in _text_positions(reader, 0) if y > A4_H - TOP_MARGIN]

    second_lines = [line.strip() for line in _page_text(reader, 1).splitlines()]
    assert "2" in second_lines
    in_margin = [(t, x, y) for t, x, y in _text_positions(reader, 1) if y > A4_H - TOP_MARGIN]
    assert [t for t, _, _ in in_margin] == ["2"]
    _, x, _ = in_margin[0]
    assert abs(x + 3.5 - column_centre) < 8  # glyph "2" is ~7 pt wide at 13 pt


def _fonts(reader: PdfReader):
    """Yield (page number, font dict) for every font used on every page."""
    for number, page in enumerate(reader.pages, 1):
        resources = page.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            yield number, font.get_object()
        for xobject in resources.get("/XObject", {}).values():
            xobject = xobject.get_object()
            for font in xobject.get("/Resources", {}).get("/Font", {}).values():
                yield number, font.get_object()


def _descriptor_and_widths(font):
    if font["/Subtype"] == "/Type0":
        descendant = font["/DescendantFonts"][0].get_object()
        return descendant["/FontDescriptor"].get_object(), descendant
    return font["/FontDescriptor"].get_object(), font


def test_all_fonts_embedded_and_noto_serif(reader: PdfReader) -> None:
    names = set()
    for number, font in _fonts(reader):
        descriptor, _ = _descriptor_and_widths(font)
        files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
        assert files, f"page {number}: font {font['/BaseFont']} not embedded"
        names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    assert names >= {"Noto-Serif", "Noto-Serif-Bold", "Noto-Serif-Italic"}, names
    assert all(name.startswith("Noto-Serif") for name in names), names


def test_bold_is_a_real_bold_instance(reader: PdfReader) -> None:
    """Bold text uses the wght=700 instance for both layout and outlines.

    WeasyPrint lays text out with Pango and embeds a separately instantiated
    font; if the two disagree (it happens when @font-face declares
    font-weight for a variable font) the /W advances no longer match the
    embedded glyphs.  Check they match, and that bold glyphs are wider.
    """
    advances = {}
    for _, font in _fonts(reader):
        descriptor, descendant = _descriptor_and_widths(font)
        name = str(font["/BaseFont"]).split("+", 1)[-1]
        tt = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        assert "fvar" not in tt  # instantiated, not a variable font
        order, scale = tt.getGlyphOrder(), 1000 / tt["head"].unitsPerEm
        widths, w = {}, list(descendant["/W"])
        while w:
            start, values = w.pop(0), w.pop(0)
            widths.update({start + i: v for i, v in enumerate(values)})
        for gid, width in widths.items():
            assert width == pytest.approx(tt["hmtx"][order[gid]][0] * scale, abs=1), (name, gid)
        advances[name] = widths
    regular, bold = advances["Noto-Serif"], advances["Noto-Serif-Bold"]
    common = [g for g in regular if g in bold and regular[g] > 300]
    assert common and sum(bold[g] for g in common) > sum(regular[g] for g in common)


def test_pdf_is_reproducible(pdf: bytes, html: str, reader: PdfReader) -> None:
    assert html_to_pdf(html) == pdf
    info = reader.metadata or {}
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert info.get("/Title") == "Báo cáo công tác trẻ em năm 2024"
    file_id = reader.trailer["/ID"]
    assert len(file_id) == 2


def test_the_kept_exporter_and_fonts_give_the_bytes_of_fresh_ones(pdf: bytes, html: str) -> None:
    """The HTML exporter and the PDF fonts are kept per thread (pipelines.report.render): a report made
    after another one (other language, title and figures) equals the one a new thread makes fresh."""
    from concurrent.futures import ThreadPoolExecutor

    other = _notebook()
    other.cells[1].outputs = other.cells[1].outputs[1:]
    html_to_pdf(notebook_to_html(other, title="Children report 2024", lang="en"))
    again = notebook_to_html(_notebook(), title="Báo cáo công tác trẻ em năm 2024")
    with ThreadPoolExecutor(max_workers=1) as fresh:
        made_fresh = fresh.submit(lambda: (notebook_to_html(_notebook(), title="Báo cáo công tác trẻ em năm 2024"),
                                           html_to_pdf(html))).result()
    assert (again, html_to_pdf(again)) == (html, pdf) == made_fresh


def test_the_pdf_fetcher_refuses_the_network_and_local_files_in_the_run_s_language(tmp_path) -> None:
    """A report that points at a server or at a file other than the report fonts is refused (WeasyPrint
    then shows the alt text), with the reason in the store's words."""
    from pipelines.core import errors
    from pipelines.report.render import _offline_fetcher_class

    fetcher = _offline_fetcher_class()()
    with pytest.raises(errors.UsageError) as refused:
        fetcher.fetch("https://example.org/logo.png")
    assert str(refused.value) == ("báo cáo dẫn tới tài nguyên bên ngoài (báo cáo phải mở được khi không có mạng): "
                                  "https://example.org/logo.png")
    assert refused.value.text("en") == "refused external resource in report (a report must open offline): https://example.org/logo.png"
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(errors.UsageError, match="^báo cáo dẫn tới tệp cục bộ không được phép: file:"):
        fetcher.fetch(secret.as_uri())
    assert fetcher.fetch("data:text/plain,ok")  # data: URIs (the charts) are allowed
