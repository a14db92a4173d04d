"""The validation page for `reports/<period>/validation.html`, rendered by Great Expectations."""

from __future__ import annotations

import html
import re
from typing import Any

from pipelines.core import formats
from pipelines.core.text import check_lang, t
from pipelines.validate import bounds
from pipelines.validate.problems import SEVERITIES, ValidationOutcome

# Parts of a GX result (COMPLETE format) that grow with the file; GX's partial lists (20 values) stay.
_UNBOUNDED = ("unexpected_list", "unexpected_index_list", "unexpected_index_query")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def validation_page(outcome: ValidationOutcome, period: object, lang: str = "vi") -> str:
    """The HTML page for `reports/<period>/`: GX's `ValidationResultsPageRenderer` renders each suite
    result, after two GX tables of ours (status per suite, the errors and warnings), with our words in
    `lang` (locales/<lang>/gx_page.yml; the problems' messages are the outcome's). GX's page
    template pulls Bootstrap, jQuery and Font Awesome from CDNs, stamps its logo URL with the clock and
    gives blocks random ids: we swap in an offline template with inline CSS and fixed ids.
    The list of problems is the outcome's, already bounded per rule and file (`bounds`): its heading
    says how many messages the count lines stand for. GX's own sections are rendered without the
    lists that grow with the file (`_bounded`), so the page stays a few hundred kB whatever its size."""
    from pipelines.validate.gx import load
    gx = load()[0]
    from pipelines.validate.gx_custom import PAGE_LANG
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.render import RenderedDocumentContent, RenderedSectionContent, RenderedTableContent
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView
    from jinja2 import ChoiceLoader, DictLoader

    view = DefaultJinjaPageView()
    view.env.loader = ChoiceLoader([DictLoader({"page.j2": _PAGE}), view.env.loader])
    # GX appends a uuid4 to collapse ids; the id before it is already unique on the page.
    view.env.filters["generate_html_element_uuid"] = lambda prefix=None: f"{prefix or ''}0"

    def table(title: str, header: list[str], rows: list[list[Any]]) -> RenderedSectionContent:
        cells = [[html.escape(_text(c)) for c in row] for row in rows]
        return RenderedSectionContent(content_blocks=[RenderedTableContent(
            header=html.escape(title), header_row=header, table=cells or [["—"] * len(header)],
            styling={"classes": ["col-12"], "body": {"classes": ["table", "table-sm"]}})])

    words = lambda key, **values: t(lang, f"gx_page.{key}", **values)  # noqa: E731
    status, ran = [], {(form, name) for form, name, _res in outcome.results}
    for form, name, res in outcome.results:
        stats = res["statistics"]
        status.append([form, name, words("passed" if res["success"] else "failed"),
                       f"{stats['successful_expectations']}/{stats['evaluated_expectations']}"])
        if name.endswith(".structure") and (form, f"{form}.values") not in ran:
            status.append([form, f"{form}.values", words("not_run"), ""])
    hidden = bounds.left_out(outcome.problems)
    hidden_text = words("hidden", count=formats.number(hidden, lang=lang)) if hidden else ""
    sections = [table(words("status", period=period),
                      [words("form"), words("suite"), words("result"), words("successful")], status),
                table(words("problems", errors=len(outcome.errors), warnings=len(outcome.warnings), hidden=hidden_text),
                      [words("level"), words("file"), words("line"), words("message")],
                      [[words(p.severity) if p.severity in SEVERITIES else p.severity, p.file, p.line, p.message]
                       for p in outcome.problems])]
    schema, renderer = ExpectationSuiteValidationResultSchema(), ValidationResultsPageRenderer()
    described = PAGE_LANG.set(check_lang(lang))  # our rules' descriptions, in the page's language
    try:
        for _form, _suite, res in outcome.results:
            sections += renderer.render(schema.load(_bounded(res))).sections
    finally:
        PAGE_LANG.reset(described)
    document = RenderedDocumentContent(sections=sections, renderer_type="ValidationResultsPageRenderer",
                                       page_title=words("title", period=period))
    verdict = (words("verdict_errors") if not outcome.ok else
               words("verdict_warnings", warnings=len(outcome.warnings)) if outcome.problems
               else words("verdict_clean"))
    if not outcome.problems and not outcome.results:  # nothing was validated: figures from packages alone
        verdict = None
    page = view.render(document, period=period, lang=lang,
                       verdict=words("verdict", verdict=verdict) if verdict else words("nothing_checked"),
                       made_by=words("made_by", version=gx.__version__))
    # GX links each suite name to its page in a Data Docs site, which we don't build.
    page = re.sub(r'<a href="(?:\.\./)+expectations/[^"]*" >([^<]*)</a>', r"\1", page)
    # GX's "Show more info..." links open collapsed blocks with Bootstrap's JavaScript, which the page
    # has not: the blocks are shown open, and the links (pointing at ids that are not on the page,
    # `aria-controls`) are dropped.
    return _COLLAPSE_LINK.sub("", page)


_COLLAPSE_LINK = re.compile(r'<(p|span) class="m-0">\s*<a data-toggle="collapse"[^>]*>.*?</a>\s*</\1>', re.S)


def _bounded(result: dict) -> dict:
    """A suite result as GX's page renders it, without `_UNBOUNDED`: GX printed every failing line of a
    rule (`df.filter(items=[2, 3, …])`), 2.8 MB for a file of 200,000 rows. The lines are in the list of
    problems above; the full record stays in the outcome."""
    def trimmed(check: dict) -> dict:
        if not isinstance(check.get("result"), dict):
            return check
        return {**check, "result": {k: v for k, v in check["result"].items() if k not in _UNBOUNDED}}
    return {**result, "results": [trimmed(check) for check in result.get("results", [])]}


_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head>
<meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page_title }}</title>
<style>
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 1.5rem 2rem; color: #222; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; } th { background: #f0f0f0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; font-size: .9rem; }
.ge-section { border-top: 2px solid #888; margin-top: 1rem; padding-top: .5rem; } .alert { background: #eef; }
.text-success { color: #17723a; } .text-danger { color: #b00020; } .fas, .fa { font-style: normal; }
.fa-check-circle::before, .fa-check::before { content: "\\2714"; } .fa-times::before { content: "\\2718"; }
.collapse { display: block; } /* no Bootstrap JS offline: show all */
th, td { overflow-wrap: anywhere; } /* a form, suite or column name breaks rather than widen a phone's page */
@media (max-width: 600px) { body { margin: 1rem .5rem; } th, td { padding: .2rem .3rem; } }
</style></head><body><main>
<h1>{{ page_title }}</h1><p><b>{{ verdict }}</b></p>
<p>{{ made_by }}</p>
{% for section in sections %}{% set section_loop = loop -%}
{% include 'section.j2' %}
{% endfor %}
</main></body>
</html>
"""
