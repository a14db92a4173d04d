"""The index of a tree: every published report of every period, with links to HTML and PDF.

Each tree has its own (pipelines.core.folders): the internal one lists the internal reports and
links each period's validation page and, when the run made one, its status page (who sent what); the public one lists only the public editions, and no
validation page (it is not in the public tree). Rebuilt at the end of each run from what is on
disk in that tree (the period being published is read from its staging folder), sorted by period
and file name, so the page is the same whenever the reports are.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pipelines.core import text
from pipelines.units.period import Period, PeriodError

LANG = "vi"  # the index lists reports of every language; its own words are Vietnamese
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def _reports(folder: Path) -> list[tuple[str, str]]:
    """(file stem, title) of every HTML report in a period folder that has its PDF beside it."""
    found = []
    for page in sorted(folder.glob("*.html")):
        if page.with_suffix(".pdf").is_file():
            match = _TITLE.search(page.read_text(encoding="utf-8"))
            found.append((page.stem, html.unescape(match.group(1).strip()) if match else page.stem))
    return found


def page_html(tree: Path | str, staged: Path, period: Period, validation: bool = True) -> str:
    """The index of `tree` with `period` read from `staged`; `validation`: link each period's
    validation page (the internal tree only)."""
    periods = {}
    for folder in sorted(Path(tree).iterdir()) if Path(tree).is_dir() else ():
        try:
            found = Period.parse(folder.name)
        except PeriodError:
            continue  # index.html, staging folders
        if folder.is_dir() and str(found) == folder.name and found != period:
            periods[found] = folder
    periods[period] = staged
    sections = []
    for found in sorted(periods, reverse=True):  # the latest period first
        name = str(found)
        items = "".join(
            f'<li><a href="{name}/{stem}.html">{html.escape(title)}</a> '
            f'(<a href="{name}/{stem}.pdf">PDF</a>)</li>' for stem, title in _reports(periods[found]))
        link = (f'<p><a href="{name}/validation.html">{text.t(LANG, "run.index_validation")}</a></p>'
                if validation else "")
        if validation and (periods[found] / "status.html").is_file():  # who sent what (issue 19)
            link += f'<p><a href="{name}/status.html">{text.t(LANG, "status.index_link")}</a></p>'
        sections.append(f'<section><h2>{html.escape(text.t(LANG, "run.index_period", period=name))}</h2><ul>{items}</ul>'
                        f'{link}</section>')
    return f"""<!DOCTYPE html>
<html lang="{LANG}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text.t(LANG, "run.index_title")}</title>
<style>body{{font-family:"Noto Serif","Times New Roman",serif;max-width:46rem;margin:1rem auto;padding:0 1rem;line-height:1.5}}
a{{color:#1f3b5c}}li{{margin:.3em 0}}</style></head>
<body><main><h1>{text.t(LANG, "run.index_heading")}</h1>{''.join(sections)}</main></body></html>
"""
