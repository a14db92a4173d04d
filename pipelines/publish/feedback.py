"""`baocao feedback --period P`: a letter to each unit with a form missing or data to correct, and
the officer's list of who is missing what, in `<reports>/phan-hoi/<period>/`.

What is asked of a unit comes from two places. Missing forms: the units of the scope with no row in
a form (`missing_forms`, from pipelines.intake.receipts as `baocao status` says it). Data to correct: the product's own validation of the period
(pipelines.publish.build.validate, as `baocao validate` and `baocao run` do), one item per problem
about a unit, its place taken from the problem's facts (file, line, column) and the row of the
form it points at, never from the text of a message. A form missing for a unit is not also listed
as validation's "thiếu số liệu của xã …" for that form.

By when (`Deadlines.asked_by`, pipelines.core.deadlines): the form's due date from the settings'
`deadlines:` while it is not past on the letters' date (`--as-of`, default today); once it is past,
or when the settings give no deadlines, `GRACE_DAYS` (7) days after the letters' date.

Where the files go: the letters are made on a day by their own command, not by a run, and a run
replaces `<reports>/<period>` whole; so they have a folder of their own in the internal tree
(`Folders.feedback_of`), replaced whole by each `baocao feedback` of the period through the same
staging and journalled publication as a run (pipelines.core.publication), under the period's lock,
with the internal tree's modes (0750 / 0640).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Callable

import pandas as pd

from pipelines.core import deployment, outputs, publication, text
from pipelines.core.errors import UsageError
from pipelines.core.folders import INTERNAL_MODES, Folders
from pipelines.core.text import failure
from pipelines.intake import raw, receipts
from pipelines.intake.template import breakdown_column
from pipelines.publish import build, scoping, sources
from pipelines.report import letter, render
from pipelines.report.letter import Issuer, Item
from pipelines.units.period import Period
from pipelines.units.scope import NATIONAL, Scope

# Validation's problems that say what `missing_forms` says (a unit's rows, or a whole file, not there).
_MISSING = {"missing_commune", "missing_file"}


def read_forms(data_dir: Path, period: Period) -> dict[str, pd.DataFrame]:
    """The period's forms that have a file, as text frames (pipelines.intake.raw.read_form): a form
    no unit has sent yet has none, and is missing for every unit, not a reason to stop."""
    folder = raw.period_dir(data_dir, period)
    if not folder.is_dir():
        raise failure(raw.RawDataError, "errors.raw.no_folder", period=period, folder=folder)
    return {name: raw.read_form(folder / form.file) for name, form in raw.forms().items()
            if os.path.lexists(folder / form.file)}


def missing_forms(data_dir: Path, period: Period, communes: pd.DataFrame) -> dict[str, list[str]]:
    """For each form, the codes of `communes` (code, name) that have not sent it, as `baocao status`
    says (pipelines.intake.receipts: no row in the form's file)."""
    got = receipts.receipts(data_dir, period, communes["code"])
    return {form: [code for code in got.communes if form in got.missing(code)] for form in got.forms}


def _form_of(file: str) -> str | None:
    return next((name for name, form in raw.forms().items() if form.file == file), None)


def _place(problem, form: str, frames: dict[str, pd.DataFrame]) -> tuple[str | None, str | None]:
    """(breakdown code of the problem's row, its column) as the template shows them: the row the
    problem's line holds in the form; for a missing row, the code validation says is missing."""
    column, frame = breakdown_column(raw.forms()[form]), frames.get(form)
    if problem.line is not None and frame is not None and problem.line in frame.index:
        code = frame.at[problem.line, column]
        return (None if pd.isna(code) else str(code)), problem.column
    if problem.line is None and problem.column == column and problem.value:
        return problem.value, None
    return None, problem.column


def items(frames: dict[str, pd.DataFrame], communes: pd.DataFrame, missing: dict[str, list[str]], problems: list,
          due: Callable[[str], dt.date]) -> list[Item]:
    """Every item to ask: each form `missing` ({form: codes}) for a unit of `communes`, then each
    validation problem (`due(form)`: its send-by date). A problem about no unit, or a unit of no
    letter, stays in the list."""
    names = dict(zip(communes["code"], communes["name"]))
    found = [Item(code, names[code], form, "missing", due(form)) for form, codes in missing.items() for code in codes]
    for problem in problems:
        form = _form_of(problem.file)
        if form is None or problem.key in _MISSING:
            continue
        breakdown, column = _place(problem, form, frames)
        found.append(Item(problem.commune_code, problem.commune_name, form, problem.severity, due(form), breakdown,
                          column, problem))
    return found


def _issuer(period: Period, cover, site: deployment.Deployment, as_of: dt.date) -> Issuer:
    report = site.report
    return Issuer(cover.aggregate.name, period, as_of, report.get("issuing_body", ""), report.get("place", ""),
                  report.get("signer_title", ""))


def stem(period: Period, code: str, lang: str) -> str:
    """`phan-hoi-2024-06847` (`-en` in English): the letter to one unit."""
    return f"phan-hoi-{period}-{code}" + ("" if lang == "vi" else f"-{lang}")


def list_stem(period: Period, lang: str) -> str:
    """`danh-sach-phan-hoi-2024` (`-en` in English): the officer's list."""
    return f"danh-sach-phan-hoi-{period}" + ("" if lang == "vi" else f"-{lang}")


def feedback(period: Period, data_dir: Path | str, reports_dir: Path | str | None, scope: Scope | None = None,
             as_of: dt.date | None = None, lang: str = "vi", say: Callable[[str], None] = print) -> Path:
    """Write the letters and the list of `period` for `scope` (default: the deployment's) as of
    `as_of` (default: today) into `<reports>/phan-hoi/<period>/`, replacing what was there; the folder."""
    folders = Folders.checked(data_dir, deployment.trees(data_dir, reports_dir, None)[0])
    site, day = deployment.load(folders.data), as_of or dt.date.today()
    scope = scoping.scope_of(period, folders.data, site, scope, lang, say)
    if scope.level == NATIONAL:
        raise failure(UsageError, "feedback.no_national")
    say(text.t(lang, "feedback.start", period=period, date=day.isoformat(),
               folder=raw.period_dir(folders.data, period)))
    frames = read_forms(folders.data, period)
    cover = sources.cover_of(period, scope, frames, site)
    outcome = build.validate(period, folders.data, frames, cover.communes, lang)
    communes, problems = cover.communes, outcome.problems
    if scope.level == "commune":  # one commune's letter: what is about it only
        communes = communes[communes["code"] == scope.code]
        problems = [p for p in problems if p.commune_code == scope.code]
    asked = items(frames, communes, missing_forms(folders.data, period, communes), problems,
                  lambda form: site.deadlines.asked_by(period.end, period.kind, form, day))
    issuer = _issuer(period, cover, site, day)
    letters = {code: [i for i in asked if i.commune_code == code] for code in communes["code"]}
    letters = {code: found for code, found in letters.items() if found}
    files = {}
    for code, found in letters.items():
        page = letter.letter_html(issuer, code, found[0].commune_name, found, lang)
        files[f"{stem(period, code, lang)}.html"] = page.encode("utf-8")
        files[f"{stem(period, code, lang)}.pdf"] = render.html_to_pdf(page)
    files[f"{list_stem(period, lang)}.html"] = letter.list_html(issuer, asked, lang).encode("utf-8")
    files[f"{list_stem(period, lang)}.csv"] = letter.list_csv(asked, lang).encode("utf-8")
    folder = publish(folders, period, files)
    say(text.t(lang, "feedback.done", count=len(letters), folder=folder))
    return folder


def publish(folders: Folders, period: Period, files: dict[str, bytes]) -> Path:
    """`files` (name → bytes) as the whole of `<reports>/phan-hoi/<period>/`, all at once: staged
    beside the internal tree, given its modes, then moved into place by one journalled publication
    (a kill leaves the previous letters, rolled back by the next holder of the period's lock)."""
    move = publication.Move(*folders.feedback_places(period))
    publication.clean_leftovers((move,))
    for tree in (folders.reports, move.final.parent):
        outputs.make_folder(tree, INTERNAL_MODES[0])
    try:
        outputs.make_folder(move.staged, INTERNAL_MODES[0])
        for name, data in files.items():
            outputs.write_bytes(move.staged / name, data)
        outputs.set_modes(move.staged, *INTERNAL_MODES)
        publication.publish(folders.data, (move,), period)
    except BaseException:
        publication.remove(move.staged)
        raise
    return move.final
