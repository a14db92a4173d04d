"""Render an executed report notebook to a standalone HTML file and to a PDF.

Leaders read only these two files, often offline and on a phone, so:

* the HTML must stand alone: no code, no prompts, no JavaScript, no CDN, images
  inline as ``data:`` URIs, CSS inline;
* the PDF follows Decree 30/2020/ND-CP (A4, fixed margins, a serif face with
  full Vietnamese coverage, page numbers in the top margin except on page 1);
* both are reproducible: the same notebook gives the same bytes, so a re-run of
  an unchanged period can be detected by comparing files (and checksums stay
  meaningful in an archive).

The HTML is made by nbconvert with the project's own template
(``pipelines/templates/baocao``); the PDF is made by WeasyPrint from that very
HTML, so the two editions cannot drift apart.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from pipelines.core import errors
from pipelines.core.text import failure
from pipelines.report import fonts

#: Folder holding the nbconvert template directories shipped with the package
#: (``package-data`` in pyproject.toml), so rendering works from a wheel too.
TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_NAME = "baocao"


def _exporter_config() -> Config:
    """nbconvert settings that make the output offline, input-free and stable."""
    c = Config()
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    # The lab template's pygments preprocessor only feeds CSS that our template
    # never prints; skip the work.
    c.CSSHTMLHeaderPreprocessor.enabled = False
    # Heading anchors are deterministic but print as a stray pilcrow.
    c.HTMLExporter.exclude_anchor_links = True
    # Markdown cells that reference local images get them inlined too.
    c.HTMLExporter.embed_images = True
    # Notes for analysts (Markdown cells tagged "remove-cell") stay in the notebook, not the report.
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    return c


def notebook_to_html(nb: nbformat.NotebookNode, title: str, lang: str = "vi") -> str:
    """Return the report as one self-contained, NFC-normalised HTML string.

    ``nb`` is an executed notebook (e.g. from papermill).  Code cells' sources
    are never shown; only their outputs are.  ``title`` goes into ``<title>``
    (and from there into the PDF metadata); ``lang`` into ``<html lang>`` so
    screen readers and hyphenation pick Vietnamese.

    The result depends only on ``nb``, ``title`` and ``lang``: the template
    uses no dates or random ids, and nbconvert's own additions (alt texts,
    ``tabindex``) are deterministic.
    """
    exporter = _exporter()
    exporter.language_code = lang
    resources = {"baocao_title": title}
    # nbconvert's preprocessors may touch the node; keep the caller's intact.
    body, _ = exporter.from_notebook_node(_without_empty_outputs(nb), resources=resources)
    # Vietnamese text can arrive composed (NFC) or decomposed (NFD, e.g. typed
    # on macOS or read from some spreadsheets); search, copy-paste and PDF text
    # extraction only behave if it is all one form.
    return unicodedata.normalize("NFC", body)


_EXPORTERS = threading.local()


def _exporter() -> HTMLExporter:
    """This thread's exporter, made on first use. Why kept: an exporter compiles its Jinja templates
    the first time it renders (about 45 ms, two thirds of a fact sheet's HTML); nothing else of a
    report stays in it (resources, title and language are given at each call). One per thread: a
    Dask worker may render on several threads."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _EXPORTERS.exporter = HTMLExporter(config=_exporter_config(), template_name=TEMPLATE_NAME,
                                                      extra_template_basedirs=[str(TEMPLATES_DIR)])
    return exporter


def _without_empty_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the outputs of sections that have nothing to say for this unit (a commune's
    fact sheet has no district charts: the section returns ""), so they leave no blank space."""
    copy = nbformat.from_dict(nb)
    for cell in copy.cells:
        if cell.get("outputs"):
            cell.outputs = [o for o in cell.outputs if o.get("data", {}).get("text/html", None) != ""]
    return copy


# --------------------------------------------------------------------------- PDF

#: Archival and accessible (issue 18): PDF/A-2a is PDF/A-2 with a structure tree (tagged: headings,
#: paragraphs, tables and figures with their alt texts for screen readers), the level of PDF/A
#: WeasyPrint makes that includes tags; WeasyPrint writes one variant's identification, so the
#: PDF/UA-1 identification is added to the same XMP description (`_identify_pdf_ua`). Neither adds a date or a random id (the
#: only random XMP id WeasyPrint writes is PDF/X-4's), so the bytes stay reproducible.
PDF_VARIANT = "pdf/a-2a"
PDF_UA = b' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"'  # added by _identify_pdf_ua

#: Serialises PDF rendering: the timestamp pinning below goes through an
#: environment variable, which is process-wide.
_PDF_LOCK = threading.Lock()


def _font_face_css() -> str:
    """@font-face rules of the four static Noto Serif faces (pipelines.report.fonts)."""
    return fonts.font_face_css()


@functools.lru_cache(maxsize=1)
def _font_epoch() -> str:
    """A fixed timestamp for the embedded font subsets, as SOURCE_DATE_EPOCH.

    WeasyPrint subsets and instantiates the fonts with fontTools, which stamps
    each subset's ``head.modified`` with the current time unless
    SOURCE_DATE_EPOCH is set; that was the only byte difference between two
    renders.  The source font's own ``head.modified`` is a stable, meaningful
    choice (it changes only when the font package does).
    """
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import TTFont

    with TTFont(fonts.variable_files()[0], lazy=True) as font:
        return str(int(font["head"].modified + epoch_diff))


@functools.lru_cache(maxsize=1)
def _offline_fetcher_class():
    """WeasyPrint URL fetcher that allows ``data:`` URIs and the report fonts only.

    A notebook output could contain ``<img src="https://...">``; fetching it
    would make an unattended run depend on the network and the PDF on what a
    server returns that day.  Refused resources are skipped by WeasyPrint
    (with a logged warning) and the alt text is shown instead.  Built lazily so
    that importing this module (e.g. only for the HTML) does not load
    WeasyPrint.
    """
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"})
            self._fonts = {p.resolve() for p in fonts.static_faces().values()}

        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                if Path(unquote(urlsplit(url).path)).resolve() not in self._fonts:
                    raise failure(errors.UsageError, "defects.refused_local_file", url=url)
            elif not url.startswith("data:"):
                raise failure(errors.UsageError, "defects.refused_external", url=url)
            return super().fetch(url, headers)

    return OfflineFetcher


_FONTS = threading.local()


def _pdf_fonts() -> tuple:
    """This thread's (URL fetcher, WeasyPrint font configuration, @font-face stylesheet), made on
    first use. Why kept: Pango then loads and shapes the faces once for all the PDFs of a process
    (about 50 ms a fact sheet); each PDF still embeds its own subsets, byte for byte as with a new
    configuration. One per thread, as the configuration is not shared between threads."""
    kept = getattr(_FONTS, "kept", None)
    if kept is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fetcher, font_config = _offline_fetcher_class()(), FontConfiguration()
        kept = _FONTS.kept = (fetcher, font_config,
                              CSS(string=_font_face_css(), font_config=font_config, url_fetcher=fetcher))
    return kept


@atexit.register
def _drop_pdf_fonts() -> None:
    """Let this thread's font configuration remove its temporary folder while the interpreter can
    still run its clean-up (at shutdown WeasyPrint's `__del__` finds its modules gone)."""
    vars(_FONTS).pop("kept", None)


def _identify_pdf_ua(document, pdf) -> None:
    """Add the PDF/UA-1 identification (pdfuaid:part) to the XMP description that holds the PDF/A
    one, in the metadata stream WeasyPrint made (a WeasyPrint `finisher`: the PDF is not written yet),
    and ask viewers to show the document's title, not its file name (PDF/UA-1, 7.1)."""
    import pydyf

    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    for stream in pdf.objects:
        content = getattr(stream, "stream", None)
        if getattr(stream, "extra", {}).get("Type") == "/Metadata" and content:
            content[0] = content[0].replace(b'pdfaid:part=', PDF_UA.lstrip() + b' pdfaid:part=', 1)


def html_to_pdf(html: str) -> bytes:
    """Render ``notebook_to_html`` output to PDF bytes with WeasyPrint.

    Page size, margins and page numbers come from ``report.css`` (already in
    the HTML, so a browser's "print" gives the same layout); this adds the
    Noto Serif faces, which are embedded as subsets.

    Tagged PDF/A-2a with the PDF/UA-1 identification (``PDF_VARIANT``).

    Byte-identical output for identical input: WeasyPrint 70 writes no
    creation or modification date unless the HTML carries
    ``<meta name=dcterms.created>`` (ours does not); the font subsets'
    timestamps are pinned (see ``_font_epoch``); and the trailer /ID, which
    PDF readers and archives use to tell documents apart, is derived from
    the HTML instead of being left out or random.

    Cost: the faces are static instances made once per process
    (pipelines.report.fonts); what is left is subsetting, done by fontTools
    when the system lacks libharfbuzz-subset (Debian: libharfbuzz-subset0).
    """
    from weasyprint import HTML

    html = unicodedata.normalize("NFC", html)
    fetcher, font_config, faces = _pdf_fonts()
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with _PDF_LOCK:
        saved = os.environ.get("SOURCE_DATE_EPOCH")
        if saved is None:  # a caller's reproducible-build epoch wins
            os.environ["SOURCE_DATE_EPOCH"] = _font_epoch()
        try:
            return HTML(string=html, url_fetcher=fetcher).write_pdf(
                stylesheets=[faces],
                font_config=font_config,
                pdf_identifier=identifier,
                pdf_variant=PDF_VARIANT,
                pdf_tags=True,
                finisher=_identify_pdf_ua,
            )
        finally:
            if saved is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
