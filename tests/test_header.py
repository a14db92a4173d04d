"""The Decree 30 header block holds for any unit's name (pipelines/report/header.py): the issuing
body's name on at most two balanced lines of whole words, the two rules of Appendix I, and a title
that never splits "trẻ em" or a figure from its word. Fast: contexts are built by hand (a header
needs only the unit's name, level, period and language), one PDF is rendered for all the names."""

from __future__ import annotations

import functools
import io
import re
import unicodedata

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_notebook, new_output
from pypdf import PdfReader

from pipelines.core import text
from pipelines.report import context, header, render
from pipelines.units import reference
from pipelines.units.period import Period

NBSP = "\u00a0"


def _ctx(name: str, level: str, period: str = "2024", lang: str = "vi") -> context.ReportContext:
    empty = pd.DataFrame()
    return context.ReportContext(period=Period.parse(period), level=level, code="000", name=name, table=empty,
                                 aggregate_code="000", trend=empty, history=empty, lang=lang)


def _soup(fragment: str) -> BeautifulSoup:
    return BeautifulSoup(fragment, "html.parser")


def _issuer(fragment: str) -> list[str]:
    return [line.get_text() for line in _soup(fragment).select(".issuer-name .line")]


@functools.cache
def _longest() -> list[tuple[str, str, str]]:
    """(period, level, name): the longest name at each level of the legacy list and of the 2025 one."""
    found = []
    for period in ("2024", "2025"):
        for level, group in reference.units(Period.parse(period)).groupby("level"):
            found.append((period, level, max(group["name"], key=len)))
    return found


# --- line splits ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, level, period, lang, expected", [
    ("Huyện Ba Chẽ", "district", "2024", "vi", "ỦY BAN NHÂN DÂN / HUYỆN BA CHẼ"),
    ("Thành phố Hồ Chí Minh", "province", "2025", "vi", "ỦY BAN NHÂN DÂN / THÀNH PHỐ HỒ CHÍ MINH"),
    ("Tỉnh Bà Rịa - Vũng Tàu", "province", "2024", "vi", "ỦY BAN NHÂN DÂN / TỈNH BÀ RỊA - VŨNG TÀU"),
    # too long for the body over the unit: balanced, keeping the level word and the proper name whole
    ("Thành phố Phan Rang - Tháp Chàm", "district", "2024", "vi", "ỦY BAN NHÂN DÂN THÀNH PHỐ / PHAN RANG - THÁP CHÀM"),
    ("Thị trấn Nông trường Việt Trung", "commune", "2024", "vi", "ỦY BAN NHÂN DÂN THỊ TRẤN / NÔNG TRƯỜNG VIỆT TRUNG"),
    ("Phường Văn Miếu - Quốc Tử Giám", "commune", "2025", "vi", "ỦY BAN NHÂN DÂN PHƯỜNG / VĂN MIẾU - QUỐC TỬ GIÁM"),
    ("Thành phố Phan Rang - Tháp Chàm", "district", "2024", "en", "PEOPLE'S COMMITTEE OF / PHAN RANG - THÁP CHÀM CITY"),
])
def test_issuing_body_breaks_into_balanced_lines_of_whole_words(name, level, period, lang, expected):
    assert _issuer(header.header_html(_ctx(name, level, period, lang))) == expected.split(" / ")


@pytest.mark.parametrize("body, expected", [
    ("SỞ Y TẾ", "SỞ Y TẾ"),  # short, no unit: one line
    ("ỦY BAN NHÂN DÂN HUYỆN BA CHẼ", "ỦY BAN NHÂN DÂN / HUYỆN BA CHẼ"),  # another unit's: balanced by length
    ("ỦY BAN NHÂN DÂN TỈNH\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",  # lines of its own
     "ỦY BAN NHÂN DÂN TỈNH / SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
])
def test_an_issuing_body_given_by_hand(body, expected):
    assert _issuer(header.header_html(_ctx("Huyện Hải Hà", "district"), issuing_body=body)) == expected.split(" / ")


def test_the_unit_is_found_in_an_issuing_body_given_by_hand():
    ctx = _ctx("Thị trấn Nông trường Việt Trung", "commune")
    given = header.header_html(ctx, issuing_body="ỦY BAN NHÂN DÂN THỊ TRẤN NÔNG TRƯỜNG VIỆT TRUNG")
    assert _issuer(given) == _issuer(header.header_html(ctx))


def test_a_line_ends_with_a_dash_rather_than_starts_with_one():
    assert header.issuer_lines("TRUNGTÂMCÔNGTÁCXÃHỘI - BẢOTRỢXÃHỘI") == ["TRUNGTÂMCÔNGTÁCXÃHỘI -", "BẢOTRỢXÃHỘI"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_longest_names_of_the_reference_lists_take_two_lines_of_whole_words(lang):
    for period, level, name in _longest():
        lines = _issuer(header.header_html(_ctx(name, level, period, lang)))
        words = text.t(lang, "header.issuer", unit=context.unit_name(name, lang).upper()).split()
        assert len(lines) == 2 and " ".join(lines).split() == words, (name, lines)
        proper = reference.short_name(name).upper()
        assert any(proper in line for line in lines) or len(proper) > header.LINE_MAX, (name, lines)
        if lang == "vi":
            assert max(map(len, lines)) <= header.LINE_MAX, (name, lines)


def test_names_keep_their_size_unless_too_long_for_the_page():
    assert "font-size" not in header.header_html(_ctx("Huyện Ba Chẽ", "district"))
    longest = _soup(header.header_html(_ctx("Thành phố Phan Rang - Tháp Chàm", "district")))
    sizes = {p["style"] for p in longest.select(".issuer-name, .nation, .motto-line")}
    assert len(sizes) == 1 and 80 <= int(re.search(r"(\d+)%", sizes.pop())[1]) < 100
    # in a commune's fact sheet (set smaller) the same name fits as it is
    assert "font-size" not in header.header_html(_ctx("Thành phố Phan Rang - Tháp Chàm", "commune"))


def test_a_long_place_breaks_the_date_line_after_the_place():
    soup = _soup(header.header_html(_ctx("Thị trấn Nông trường Việt Trung", "commune")))
    assert [s.get_text() for s in soup.select(".date-line .line")] == ["Nông trường Việt Trung,",
                                                                       "ngày 05 tháng 01 năm 2025"]


def test_text_reads_whole_when_copied():
    fragment = header.header_html(_ctx("Huyện Ba Chẽ", "district"))
    words = _soup(fragment).get_text(" ")
    assert "ỦY BAN NHÂN DÂN HUYỆN BA CHẼ" in words and "Ba Chẽ, ngày 05 tháng 01 năm 2025" in words


def test_names_are_escaped():
    fragment = header.header_html(_ctx("Huyện Ba Chẽ", "district"), number="<b>1</b>", issuing_body="SỞ <i>&</i>",
                                  place="<script>")
    soup = _soup(fragment)
    assert not soup.find(["b", "i", "script"])
    assert soup.select_one(".issuer-name").get_text() == "SỞ <i>&</i>" and "<b>1</b>" in soup.get_text()


# --- rules and title ----------------------------------------------------------------------------

def test_both_rules_of_appendix_i_are_in_the_block():
    soup = _soup(header.header_html(_ctx("Huyện Ba Chẽ", "district")))
    issuer = soup.select_one("td.issuer .issuer-block")
    assert [c["class"] for c in issuer.children] == [["issuer-name"], ["rule", "issuer-rule"]]
    motto = soup.select_one("td.motto .motto-block")
    assert [c["class"] for c in motto.children] == [["motto-line"], ["rule", "motto-rule"]]
    assert motto.select_one(".motto-line").get_text() == "Độc lập - Tự do - Hạnh phúc"
    assert all(rule["aria-hidden"] == "true" and not rule.get_text() for rule in soup.select(".rule"))


@pytest.mark.parametrize("lang, together", [("vi", ["trẻ em", "năm 2024"]), ("en", ["in 2024"])])
def test_the_title_keeps_words_that_belong_together(lang, together):
    name = "Thành phố Phan Rang - Tháp Chàm"
    subject = _soup(header.header_html(_ctx(name, "district", lang=lang))).select_one(".subject")
    words = subject.get_text()
    for pair in together:
        assert pair.replace(" ", NBSP) in words and pair not in words
    assert subject.select_one(".keep").get_text() == context.unit_name(name, lang, lower=True)


# --- one PDF with every longest name ------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered() -> tuple[list[dict], PdfReader, str]:
    """The headers of the longest names (and of a short one) in one report, through the report's own
    HTML template and PDF renderer. At the size of a district's report, not a commune's fact sheet
    (smaller): the hardest case for the width of the page."""
    cases = [("2024", "district", "Huyện Ba Chẽ", "vi")] + [(p, lvl, n, lang) for lang in ("vi", "en")
                                                           for p, lvl, n in _longest()]
    headers = []
    for period, _, name, lang in cases:
        fragment = header.header_html(_ctx(name, "district", period, lang))
        headers.append({"name": name, "lang": lang, "html": fragment, "issuer": _issuer(fragment)})
    notebook = new_notebook(cells=[new_code_cell("", outputs=[
        new_output("display_data", data={"text/html": h["html"]}) for h in headers])])
    page = render.notebook_to_html(notebook, title="header")
    return headers, PdfReader(io.BytesIO(render.html_to_pdf(page))), page


def _pdf_lines(reader: PdfReader) -> list[str]:
    text = "\n".join(unicodedata.normalize("NFC", p.extract_text()) for p in reader.pages)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_pdf_keeps_every_line_of_the_issuing_body_whole(rendered):
    headers, reader, _ = rendered
    lines = _pdf_lines(reader)
    words = {w for h in headers for w in BeautifulSoup(h["html"], "html.parser").get_text(" ").split()}
    for h in headers:
        for expected in h["issuer"]:
            assert any(expected in line for line in lines), (expected, lines)
    broken = [w for line in lines for w in line.split() if w not in words and not w.isdigit()]
    assert broken == [], broken  # no word cut in two anywhere in the block


def test_pdf_title_never_splits_tre_em(rendered):
    lines = _pdf_lines(rendered[1])
    assert sum("trẻ em" in line for line in lines) == sum(h["lang"] == "vi" for h in rendered[0])
    assert not [line for line in lines if re.search(r"\btrẻ$", line)]


def test_pdf_header_stays_inside_the_text_column_with_its_rules_sized(rendered):
    """Layout boxes of the same HTML with the same fonts: the block never runs into the margin, the
    issuer's rule is 40 % of the name's longest line and centred under it, the motto's as long as
    the motto."""
    from weasyprint import CSS, HTML

    document = HTML(string=rendered[2]).render(stylesheets=[CSS(string=render._font_face_css())])
    boxes: dict[str, list] = {"header-block": [], "issuer-block": [], "issuer-rule": [], "motto-block": [],
                              "motto-rule": []}
    right = None
    for page in document.pages:
        box = page._page_box
        right = box.margin_width() - box.margin_right
        for b in box.descendants():
            names = (b.element.get("class") or "").split() if getattr(b, "element", None) is not None else []
            if type(b).__name__ in ("TableBox", "InlineBlockBox", "BlockBox"):
                for name in set(names) & set(boxes):
                    boxes[name].append(b)
    tables = [b for b in boxes["header-block"] if type(b).__name__ == "TableBox"]
    assert len(tables) == len(rendered[0])
    assert all(t.position_x + t.margin_width() <= right + 0.5 for t in tables)
    for block, rule in zip(boxes["issuer-block"], boxes["issuer-rule"]):
        assert rule.border_width() == pytest.approx(0.4 * block.border_width(), abs=1)
        assert rule.position_x + rule.margin_left == pytest.approx(
            block.position_x + (block.border_width() - rule.border_width()) / 2, abs=1)
    for block, rule in zip(boxes["motto-block"], boxes["motto-rule"]):
        assert rule.border_width() == pytest.approx(block.border_width(), abs=1)
    assert len(boxes["issuer-rule"]) == len(boxes["motto-rule"]) == len(rendered[0])
