"""What a public edition may say about the data it was made from: the same disclosure rule as its
tables, applied to the data-quality appendix and the provenance list.

Suppression (pipelines.indicators.editions) hides the small counts of sensitive groups ("< 5") and,
to protect them, further cells of the same tables ("x"), in every group of the table. A validation
warning about a row of those forms gives away what the table hides: its value, the previous period's
value and the change, and its line (one line per commune and group: the line names the group). The
cell it is about may be hidden in this period or in the one it is compared with, and a cell the
table shows can still be what makes a hidden one recoverable. So the rule is by structure, not by
what a message happens to say: a problem, correction or file of a protected form (a form with a
breakdown that has a sensitive group) is not detailed in the public edition, whatever its group;
the appendix says, in one counted sentence, how many were left out and that the internal edition
has them. A raw form's SHA-256 is left out for the same reason: with the rest of the file known,
it lets a patient reader test guesses of the hidden counts. The internal edition is unchanged.
"""

from __future__ import annotations

import functools

import pandas as pd
from babel import Locale
from markupsafe import Markup

from pipelines.core import formats
from pipelines.indicators import editions
from pipelines.intake import raw
from pipelines.report import templates
from pipelines.report.context import ReportContext


@functools.cache
def protected_forms() -> frozenset[str]:
    """The forms whose breakdown has a sensitive group (categories.yml `sensitive: true`): the ones
    suppression protects."""
    categories = raw.categories()
    return frozenset(form for form, _, column, _ in editions.BREAKDOWNS
                     if any(label.get("sensitive") for label in categories[column].values()))


@functools.cache
def protected_files() -> frozenset[str]:
    """The raw files of the protected forms (`special_circumstances.csv`, …)."""
    return frozenset(raw.forms()[form].file for form in protected_forms())


def is_protected(file: object, sheet: object = None) -> bool:
    """A problem's place is in a protected form: its file, or the sheet of a workbook it was read from."""
    return str(file) in protected_files() or (isinstance(sheet, str) and sheet in protected_forms())


def warnings_shown(ctx: ReportContext, warnings: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """(the warnings the edition prints, how many it leaves out): every one in the internal edition;
    in the public one, all but those about a protected form."""
    if ctx.edition != "public" or warnings.empty:
        return warnings, 0
    sheets = warnings["sheet"] if "sheet" in warnings else pd.Series(None, index=warnings.index, dtype=object)
    hidden = pd.Series([is_protected(f, None if pd.isna(s) else s) for f, s in zip(warnings["file"], sheets)],
                       index=warnings.index, dtype=bool)
    return warnings[~hidden], int(hidden.sum())


def corrections_shown(ctx: ReportContext, forms: list[str]) -> list[bool]:
    """Which corrections (by the form each is of) the edition details: in the public one, none of
    a protected form (their lines name a group, their reason is free text)."""
    return [ctx.edition != "public" or form not in protected_forms() for form in forms]


def hashes_shown(ctx: ReportContext, hashes: list[tuple[str, str]]) -> list[tuple[str, str | None]]:
    """The (file, SHA-256) list of the provenance appendix; in the public edition every file keeps its
    name and loses its hash (None): a raw form is internal data, and a hash of it lets a reader test
    guesses (of a protected form's hidden counts; of a correction's reason in submissions.csv)."""
    if ctx.edition != "public":
        return list(hashes)
    return [(name, None) for name, _ in hashes]


def withheld(ctx: ReportContext, key: str, count: int) -> Markup | str:
    """One sentence (`quality.withheld.<key>` in the reader's language and plural form, HTML) saying
    how many items the public edition does not detail; "" when none."""
    if not count:
        return ""
    form = Locale.parse(formats.LOCALES[ctx.lang]).plural_form(count)
    return templates.t(ctx.lang, f"quality.withheld.{key}.{form}", count=formats.number(count, 0, ctx.lang))


def packages_used(ctx: ReportContext) -> list[dict]:
    """The packages of lower units the figures come from (`packages.json` of the edition read): in the
    internal edition unit, the maker's manifest SHA-256 and date; the public edition's file holds the
    unit and the date only (no hash of internal data)."""
    import json

    from pipelines.core import datasets

    if ctx.processed is None:
        return []
    path = datasets.in_folder(ctx.processed, datasets.PACKAGES, ctx.edition)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
