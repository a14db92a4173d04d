"""The header block of Decree 30/2020/NĐ-CP (Appendix I), laid out to hold for any unit's name.

Why a module of its own: the block has layout rules that an f-string left to the browser broke on
long names ("ỦY BAN NHÂN DÂN HUYỆN BA / CHẼ"). Here the issuing body's name is set on at most two
balanced lines of whole words: by preference the body ("ỦY BAN NHÂN DÂN") over the unit ("HUYỆN BA
CHẼ"); for a name too long for that, balanced by character count without splitting the level word
or the proper name ("PHAN RANG - THÁP CHÀM") where another break will do. The lines are decided
here, in characters, so that they hold alike in a browser and in WeasyPrint; report.css keeps each
line whole (white-space: nowrap) and draws the two rules of Appendix I: a short one centred under
the issuing body's name, and one as long as the motto under "Độc lập - Tự do - Hạnh phúc". The
longest names are set a little smaller rather than run into the margin (`names_size`). In the
title, words that belong together ("trẻ em", a figure and its word) are joined by no-break spaces
in the locale templates (header.* in pipelines/locales/<lang>/report.yml), and the unit's name is
kept on one line here. The markup is a Jinja2 template with autoescape on
(templates/baocao/header.html.j2), so no name can inject HTML.
"""
from __future__ import annotations

import datetime as dt
import functools
import html
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from pipelines.core import formats, text
from pipelines.report.context import ReportContext, css_class, report_date, unit_name
from pipelines.units import reference

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "baocao" / "header.html.j2"
#: Characters on one line of the issuing body's name: two such lines carry every Vietnamese name of
#: the reference lists (the longest, 47 characters, as 24 + 22).
LINE_MAX = 25
#: Place and date longer than this (Noto Serif italic, 12 pt, right column) break after the place.
DATE_MAX = 40
#: The text column of the A4 page (210 − 30 − 15 mm) in points, and the size of the header's table
#: in print (report.css: 12 pt, 9 pt in a commune's fact sheet).
COLUMN_PT, REPORT_PT, FACT_SHEET_PT = 467.7, 12, 9
#: Widths in em of a character of Noto Serif, with its space, as measured in WeasyPrint: bold
#: capitals of a unit's name (0.72–0.76) and of the nation's (0.70–0.72), bold lower case (the
#: motto: 0.59–0.61), italic (the date: 0.49–0.54); each a little above the widest measured.
CAP_EM, NATION_EM, BOLD_EM, ITALIC_EM = 0.76, 0.72, 0.62, 0.56
#: What a break inside the proper name, or inside the body words, costs, in characters of imbalance.
SPLIT_COST = 6
DASHES = {"-", "–", "—"}


def _span(words: list[str], part: str) -> range:
    """Word positions of `part` inside `words` (the last occurrence), or an empty range."""
    sub = part.split()
    for start in range(len(words) - len(sub), -1, -1):
        if sub and words[start:start + len(sub)] == sub:
            return range(start, start + len(sub))
    return range(0)


def issuer_lines(name: str, unit: str = "", proper: str = "") -> list[str]:
    """The issuing body's name on at most two lines of whole words.

    `unit` is the part of `name` that names the unit ("HUYỆN BA CHẼ") and `proper` the proper name
    inside it ("BA CHẼ"). With a unit, the name breaks before it when both lines fit LINE_MAX
    characters ("ỦY BAN NHÂN DÂN" / "HUYỆN BA CHẼ"); otherwise, and for a name without one that is
    longer than a line, at the most balanced break by character count, where a break inside the
    body words, the level word ("THÀNH PHỐ") or the proper name costs SPLIT_COST characters; a line
    starts with a dash only if nothing else is left. A name with line breaks of its own ("\\n") keeps them.
    """
    if "\n" in name.strip():
        return [" ".join(line.split()) for line in name.strip().splitlines() if line.strip()]
    words = name.split()
    unit_span = _span(words, unit) if unit else range(0)
    if len(words) < 2 or (unit_span.start == 0 and len(name) <= LINE_MAX):  # no body word before a unit
        return [" ".join(words)]
    proper_span = _span(words[unit_span.start:unit_span.stop], proper) if unit_span else range(0)
    proper_span = range(unit_span.start + proper_span.start, unit_span.start + proper_span.stop)

    def lines(at: int) -> list[str]:
        return [" ".join(words[:at]), " ".join(words[at:])]

    if unit_span.start > 0 and max(map(len, lines(unit_span.start))) <= LINE_MAX:
        return lines(unit_span.start)

    # Free breaks: between the body words and the unit, and around the proper name (after "THÀNH PHỐ").
    free = {unit_span.start, proper_span.start, proper_span.stop} if unit_span else set(range(len(words)))

    def cost(at: int) -> tuple[bool, int, int]:
        first, second = lines(at)
        balance = max(len(first), len(second)) + SPLIT_COST * (at not in free)
        return words[at] in DASHES, balance, abs(len(first) - len(second))

    return lines(min(range(1, len(words)), key=cost))


def date_lines(line: str, broken: bool = False) -> list[str]:
    """The place-and-date line, broken after the place when it is longer than DATE_MAX characters
    (or `broken`); the date itself ("ngày 05 tháng 01 năm 2025") is never split."""
    place, _, day = line.rpartition(", ")
    return [place + ",", day] if place and (broken or len(line) > DATE_MAX) else [line]


def names_size(issuer: list[str], nation: str, motto: str, date: list[str],
               size_pt: float = REPORT_PT) -> int:
    """The size of the names and the motto, in percent of the header's: 100, unless the issuer's
    longest line does not fit beside the right column (nation, motto, date) in the text column.
    Noto Serif, the stand-in for Times New Roman, is about a seventh wider, so the longest names
    (two lines of 25 capitals) are set at about 10 pt instead of 12 rather than run into the margin."""
    room = COLUMN_PT / size_pt - 1  # in em, less the cells' padding
    name = CAP_EM * max(1, *map(len, issuer))
    right = max(NATION_EM * len(nation), BOLD_EM * len(motto))  # both scaled with the issuer
    scale = min(1, room / (name + right), (room - ITALIC_EM * max(map(len, date))) / name)
    return int(100 * scale)


def keep_together(words: str) -> Markup:
    """`words` on one line (a unit's name inside the title: "huyện Ba Chẽ"). A span that does not
    wrap (report.css), not no-break spaces: a line may still break after the "-" of "Phan Rang - Tháp
    Chàm" when a no-break space follows it (Unicode line breaking, rule LB12a)."""
    return Markup('<span class="keep">{}</span>').format(" ".join(words.split()))


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE.parent), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
    return env.get_template(TEMPLATE.name)


def header_html(ctx: ReportContext, number: str = "…", date: str = "", issuing_body: str = "",
                place: str = "") -> str:
    """The header block of Decree 30/2020/NĐ-CP: issuing body and national motto, number, date, title.
    By default the People's Committee of the unit (its own name says its level) and the unit's place
    name. Locale templates are HTML: values go into them escaped; text that is split into lines is
    taken back to plain text and escaped again by the template."""
    unit_in_title = keep_together(ctx.unit_name(lower=True))
    return official_block(ctx.name, ctx.lang, Markup(ctx.t("header.number", number=escape(number))),
                          report_date(ctx.period, date), issuing_body, place,
                          FACT_SHEET_PT if ctx.is_sheet else REPORT_PT,
                          header_class=Markup(css_class(ctx, "official-header")), title=Markup(ctx.t("header.title")),
                          subject=Markup(ctx.t("header.subject", period=escape(str(ctx.period)), unit=unit_in_title)))


def official_block(name: str, lang: str, number: Markup, day: dt.date, issuing_body: str = "", place: str = "",
                   size_pt: float = REPORT_PT, header_class: Markup = Markup(' class="official-header"'),
                   title: Markup = Markup(""), subject: Markup = Markup(""), excerpt: Markup = Markup("")) -> str:
    """The header block of any document the People's Committee of the unit `name` issues: a report
    (`header_html`: with its title and subject) or an official letter (pipelines.report.letter: its
    summary line, `excerpt`, under the number, and no title). `number` is the number line, as HTML."""
    unit = unit_name(name, lang).upper()
    proper = reference.short_name(name).upper()
    body = issuing_body or html.unescape(text.t(lang, "header.issuer", unit=html.escape(unit)))
    place = place or reference.short_name(name)
    lines = issuer_lines(body, unit if unit in body else "", proper)
    nation, motto = text.t(lang, "header.nation"), text.t(lang, "header.motto")
    stamp = formats.date_line(place, day, lang)
    # the date on one line, or broken after the place if that leaves the names larger (a tie: one line)
    sizes = {names_size(lines, html.unescape(nation), html.unescape(motto), when, size_pt): when
             for when in (date_lines(stamp, broken=True), date_lines(stamp))}
    size = max(sizes)
    return _template().render(
        header_class=header_class,
        issuer=lines,
        names_size=size,
        number=number,
        excerpt=excerpt,
        nation=Markup(nation),
        motto=Markup(motto),
        date=sizes[size],
        title=title,
        subject=subject,
    )
