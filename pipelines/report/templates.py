"""The Jinja2 templates of the report sections (pipelines/templates/baocao/sections/*.html.j2).

A section function works out what its section says (which rows, which communes, which figures);
its template lays that out as HTML. Autoescape is on, so a unit name, a code or a validation
message from the data cannot break the markup whatever it holds, and nothing is escaped by hand.
Two kinds of text are HTML already and go in as Markup: the locale templates of
locales/<lang>/*.yml, through `t`, which escapes every value it fills in unless that value is
Markup itself; and the figures of `ReportContext.show` and `.target`, escaped where they are made.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pipelines.core import text
from pipelines.report.context import ReportContext, css_class
from pipelines.units.types import Noun

SECTIONS = Path(__file__).resolve().parent.parent / "templates" / "baocao" / "sections"


@functools.cache
def environment() -> jinja2.Environment:
    """One Environment per process, so each template is read and compiled once. trim_blocks and
    lstrip_blocks keep {% %} lines out of the HTML; StrictUndefined makes a misspelt name an error
    rather than an empty cell in a published report."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(SECTIONS), autoescape=True, trim_blocks=True,
                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def t(lang: str, key: str, **values: object) -> Markup:
    """The locale template `key` of `lang` (HTML), each value escaped as it goes in unless Markup; a
    unit-type word stays a `Noun`, escaped, so that a template can write it `{units:start}`."""
    return Markup(text.t(lang, key, **{name: Noun(escape(value)) if isinstance(value, Noun) else escape(value)
                                       for name, value in values.items()}))


def table_box(label: str) -> Markup:
    """The opening tag of the box a table scrolls in on a narrow screen (report.css: `.table-wrap`).
    A box that scrolls must be reachable by keyboard (WCAG 2.1.1: a keyboard user scrolls it with the
    arrow keys once it has focus), so it is in the tab order, and a screen reader announces it as a
    region named `label`, the table's caption or its section's heading: plain text, or Markup (a
    locale template's HTML, of which the text goes in the attribute)."""
    name = label.striptags() if isinstance(label, Markup) else label
    return Markup('<div class="table-wrap" role="region" tabindex="0" aria-label="{}">').format(name)


def render(name: str, ctx: ReportContext, **values: object) -> str:
    """The section template `name` for `ctx`. Besides `ctx` and `values` a template has `t` (in the
    report's language), `show` and `target` (ctx's figures as Markup) and `css` (the class attribute
    of pipelines.report.context.css_class), and `table_box`. Returns a plain str: callers join and
    compare it."""
    helpers = {"t": functools.partial(t, ctx.lang),
               "show": lambda indicator_id, code=None: Markup(ctx.show(indicator_id, code)),
               "target": lambda indicator_id, compact=False: Markup(ctx.target(indicator_id, compact)),
               "css": lambda *names: Markup(css_class(ctx, *names)), "table_box": table_box,
               "incomplete": ctx.incomplete_mark()}
    return str(environment().get_template(name).render(ctx=ctx, **helpers, **values))
