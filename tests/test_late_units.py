"""A report on time with what came in (issue 19): the sample remapped onto Quận Lê Chân (305, seven
wards), where Phường Vĩnh Niệm (11407) sends nothing for 2024 (its rows absent from every form).
Forms are due 15 days after the period ends (15 January 2025). Before that day the run stops naming
the ward and the date; after it, it publishes with the six wards that reported, says so, marks the
district's figures incomplete and compares 2023 on the same six wards; once the ward's forms are
ingested, the next run says 7/7. One shared run per state (module fixtures); the two that publish
take about a minute each and are marked slow; the decision on small frames and the words of both
languages on a context made by hand are fast."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import shutil
import subprocess

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from conftest import REPO
from pipelines import cli
from pipelines.core.deadlines import Deadlines
from pipelines.core.errors import EXIT_DATA_ERRORS, EXIT_OK
from pipelines.core.folders import Folders
from pipelines.core.schema import forms
from pipelines.core.text import t
from pipelines.indicators import catalogue, coverage
from pipelines.intake import csvfile, ingest, raw
from pipelines.report import context, narrative, sections
from pipelines.units import reference
from pipelines.units.period import Period
from pipelines.units.scope import Aggregate, Coverage
from samplegen.remap import write_remapped

P2024 = Period.parse("2024")
LATE, LATE_NAME = "11407", "Phường Vĩnh Niệm"
SETTINGS = ('default_scope:\n  legacy: "district:305"\ncommune_reports:\n  legacy: false\n'
            'deadlines:\n  days_after_end: {year: 15}\n  missing_after_due: publish\n')
BEFORE_DUE, AFTER_DUE = "2025-01-01", "2025-01-16"
STEM = "bao-cao-tre-em-2024-huyen-305"


def quiet(_line: str) -> None:
    pass


# --- the decision, on small frames -----------------------------------------------------------------

def _cover() -> Coverage:
    communes = pd.DataFrame({"code": ["00001", "00002", "00003"], "name": ["Phường A", "Phường B", "Phường C"]})
    return Coverage(communes, Aggregate("district", "001", "Quận X", ("00001", "00002", "00003")),
                    (("district", "001", "Quận X"), ("commune", "00003", "Phường C")))


FRAMES = {"population": pd.DataFrame({"commune_code": ["00001", "00002"]}),
          "education": pd.DataFrame({"commune_code": ["00001"]})}
SITE = Deadlines({"year": 15}, {"protection_cases": 20})


def test_a_unit_in_no_form_is_absent_one_in_some_is_not():
    assert coverage.absent(FRAMES, ["00001", "00002", "00003"]) == ["00003"]


def test_without_deadlines_nothing_is_decided_here():
    cover, reporting = coverage.settle(_cover(), FRAMES, Deadlines(), P2024, dt.date(2030, 1, 1))
    assert reporting is None and list(cover.communes["code"]) == ["00001", "00002", "00003"]


@pytest.mark.parametrize("lang, line", [
    ("vi", "thiếu số liệu của phường C (00003): chưa gửi biểu nào của kỳ 2024, hạn nộp ngày 20 tháng 01 năm 2025; "
           "chỉ sau hạn nộp mới lập báo cáo với các đơn vị đã gửi"),
    ("en", "no data from C Ward (00003): no form of 2024 sent, due on 20 January 2025; a report with the units "
           "that sent theirs is made only after the due date")])
def test_until_every_form_is_due_a_silent_unit_stops_the_run_naming_it_and_the_date(lang, line):
    with pytest.raises(coverage.LateUnits) as stopped:
        coverage.settle(_cover(), FRAMES, SITE, P2024, dt.date(2025, 1, 20))  # the last due day itself
    assert stopped.value.text(lang) == line and stopped.value.exit_status == EXIT_DATA_ERRORS


def test_past_due_the_silent_unit_is_left_out_but_still_expected():
    cover, reporting = coverage.settle(_cover(), FRAMES, SITE, P2024, dt.date(2025, 1, 21))
    assert list(cover.communes["code"]) == ["00001", "00002"]
    assert cover.aggregate.communes == ("00001", "00002", "00003")  # counted: the aggregate is incomplete
    assert cover.reports == (("district", "001", "Quận X"),)        # no fact sheet of a unit without data
    assert list(cover.expected["code"]) == ["00001", "00002", "00003"]
    assert cover.same_units().aggregate.communes == ("00001", "00002")  # what earlier periods are computed on
    assert reporting.record() == {"expected": 3, "reported": 2, "complete": False, "due": "2025-01-20",
                                  "missing": [{"code": "00003", "name": "Phường C"}]}
    assert coverage.Reporting.from_json(reporting.to_json()) == reporting
    strict = Deadlines({"year": 15}, {}, "error")
    with pytest.raises(coverage.LateUnits) as stopped:
        coverage.settle(_cover(), FRAMES, strict, P2024, dt.date(2025, 2, 1))
    assert "đã quá hạn nộp ngày 15 tháng 01 năm 2025" in stopped.value.text("vi")


def test_all_in_with_deadlines_records_a_complete_coverage():
    frames = {**FRAMES, "health": pd.DataFrame({"commune_code": ["00003"]})}
    cover, reporting = coverage.settle(_cover(), frames, SITE, P2024, dt.date(2025, 1, 2))
    assert reporting.complete and reporting.record()["reported"] == 3 and not cover.left_out


# --- the words, on a report context made by hand (both languages) --------------------------------

def _context(lang: str, reporting: coverage.Reporting | None) -> context.ReportContext:
    """Quận Lê Chân's report from an indicator table of its six reporting wards (every figure 50)."""
    listed = reference.communes_of(P2024, "305", "district")
    wards = listed[listed["code"] != LATE]
    units = [("district", "305", "Quận Lê Chân")] + [("commune", c, n) for c, n in zip(wards["code"], wards["name"])]
    table = pd.DataFrame([{"indicator_id": i, "level": lv, "unit_code": c, "unit_name": n, "value": 50.0,
                           "target": math.nan, "target_year": math.nan, "target_comparison": None}
                          for i in catalogue.entries() for lv, c, n in units])
    history = pd.DataFrame({"unit_code": [], "period": [], "indicator_id": [], "value": [], "rebased": []})
    trend = pd.DataFrame({"unit_code": [], "indicator_id": [], "status": []})
    return context.ReportContext(P2024, "district", "305", "Quận Lê Chân", table, "305", trend, history, lang,
                                 reporting=reporting)


EXPECTED_WARDS = tuple(zip(reference.communes_of(P2024, "305", "district")["code"],
                           reference.communes_of(P2024, "305", "district")["name"]))
WORDS = {"vi": ("Số liệu kỳ này: 6/7 phường; chưa có số liệu: Phường Vĩnh Niệm.", "Toàn quận (chưa đủ số liệu) có",
                "Để so sánh trên cùng đơn vị, số liệu các kỳ trước được tính lại chỉ gồm 6 phường có số liệu kỳ này.",
                "Số liệu kỳ này: 7/7 phường (đủ số liệu)."),
         "en": ("Figures this period: 6/7 wards; no data yet: Vĩnh Niệm Ward.", "In the urban district (incomplete)",
                "To compare the same units, earlier periods are recomputed on the 6 wards with figures this period only.",
                "Figures this period: 7/7 wards (complete).")}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_section_one_and_the_trend_say_who_reported_in_both_languages(lang):
    line, where, note, complete = WORDS[lang]
    late = _context(lang, coverage.Reporting(EXPECTED_WARDS, ((LATE, LATE_NAME),), dt.date(2025, 1, 15)))
    general = _words(narrative.general_situation_html(late))
    assert general.endswith(line) and where in general
    assert _words(narrative.trend_html(late)).endswith(note)
    mark = " (chưa đủ số liệu)" if lang == "vi" else " (incomplete)"
    assert late.incomplete_mark() == mark
    total = BeautifulSoup(sections.commune_table_html(late), "html.parser").select("tr.total th")[0].get_text()
    assert total == late.unit_name() + mark  # the appendix's district row
    whole = _context(lang, coverage.Reporting(EXPECTED_WARDS, (), dt.date(2025, 1, 15)))
    assert narrative.coverage_line(whole) == complete and whole.incomplete_mark() == ""
    assert mark not in sections.commune_table_html(whole)
    assert narrative.coverage_line(_context(lang, None)) == ""  # no deadlines, nobody left out: as before


def _words(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


# --- end to end (each state one whole run, over 30 s: slow) ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def quan(tmp_path_factory):
    """Quận Lê Chân's data folder, 2023 and 2024 remapped from the sample, 2024 without Vĩnh Niệm's
    rows; its forms kept aside in `late/` for the third state."""
    work = tmp_path_factory.mktemp("late")
    data = work / "data"
    write_remapped(REPO / "data", data, "305", periods=("2023", "2024"))
    (data / "baocao.yml").write_text(SETTINGS, encoding="utf-8")
    folder = raw.period_dir(data, P2024)
    frames = {name: raw.read_form(folder / form.file) for name, form in forms().items()}
    (work / "without").mkdir()
    for path in csvfile.write_forms(work / "without", {n: f[f["commune_code"] != LATE] for n, f in frames.items()}):
        shutil.copyfile(path, folder / path.name)
    (work / "late").mkdir()
    late = csvfile.write_forms(work / "late", {n: f[f["commune_code"] == LATE] for n, f in frames.items()})
    return work, data, late


def _text(path) -> str:
    return " ".join(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ").split())


@pytest.fixture(scope="module")
def before_due(quan):
    work, data, _ = quan
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(work / "reports"),
                         "--as-of", BEFORE_DUE])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def after_due(quan, before_due):
    work, data, _ = quan
    code = cli.main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(work / "reports"),
                     "--public-dir", str(work / "public"), "--edition", "internal,public", "--lang", "vi,en",
                     "--as-of", AFTER_DUE])
    return code, work / "reports" / "2024", Folders.at(data).processed_of(P2024)


@pytest.fixture(scope="module")
def arrived(quan, after_due):
    work, data, late = quan
    after = {path.name: path.read_bytes() for path in (work / "reports" / "2024").glob(f"{STEM}*.html")}
    ingest.ingest(P2024, late, data, say=quiet)
    code = cli.main(["run", "--period", "2024", "--data-dir", str(data), "--reports-dir", str(work / "reports"),
                     "--public-dir", str(work / "public"), "--edition", "internal,public", "--lang", "vi,en",
                     "--as-of", AFTER_DUE])
    return code, work / "reports" / "2024", Folders.at(data).processed_of(P2024), after


def test_before_the_due_date_the_run_stops_naming_the_ward_and_the_date(before_due, quan):
    work, data, _ = quan
    code, err = before_due
    assert code == EXIT_DATA_ERRORS
    line = ("thiếu số liệu của phường Vĩnh Niệm (11407): chưa gửi biểu nào của kỳ 2024, hạn nộp ngày 15 tháng 01 "
            "năm 2025; chỉ sau hạn nộp mới lập báo cáo với các đơn vị đã gửi")
    assert err.strip() == t("vi", "cli.failed", reason=line)
    assert not (work / "reports" / "2024").exists() and not Folders.at(data).processed_of(P2024).exists()


def test_validate_takes_the_same_day_and_says_who_is_left_out(quan, capsys):
    """Runs before the ward's forms arrive (the module's tests run in order, on one worker)."""
    _, data, _ = quan
    code = cli.main(["validate", "--period", "2024", "--data-dir", str(data), "--as-of", AFTER_DUE])
    out = capsys.readouterr().out
    assert code in (EXIT_OK, 1)  # warnings allowed, no error: the ward is left out, not missing
    assert ("Quá hạn nộp (2025-01-15): báo cáo lập với 6/7 đơn vị đã gửi số liệu; chưa có số liệu: Phường Vĩnh Niệm"
            in out.splitlines())
    assert cli.main(["validate", "--period", "2024", "--data-dir", str(data), "--as-of", BEFORE_DUE]) == EXIT_DATA_ERRORS
    assert "thiếu số liệu của phường Vĩnh Niệm (11407)" in capsys.readouterr().err
    assert cli.main(["validate", "--period", "2024", "--data-dir", str(data), "--as-of", "16/01/2025"]) == 3


@pytest.mark.slow
def test_after_the_due_date_the_report_says_who_reported(after_due):
    code, reports, _ = after_due
    assert code == EXIT_OK
    text = _text(reports / f"{STEM}.html")
    line = "Số liệu kỳ này: 6/7 phường; chưa có số liệu: Phường Vĩnh Niệm."
    assert text.count(line) == 2  # section I and the data-quality appendix
    assert "Toàn quận (chưa đủ số liệu) có" in text
    assert "Quận Lê Chân: chỉ tiêu chủ yếu qua các kỳ (chưa đủ số liệu)" in text
    # section I; the captions of the education, assessment and trend tables and of charts 1 and 4; the appendix's row
    assert text.count("(chưa đủ số liệu)") == 7
    assert ("Để so sánh trên cùng đơn vị, số liệu các kỳ trước được tính lại chỉ gồm 6 phường có số liệu kỳ này."
            in text)
    english = _text(reports / f"{STEM}-en.html")
    assert english.count("Figures this period: 6/7 wards; no data yet: Vĩnh Niệm Ward.") == 2
    assert "(incomplete)" in english
    public = _text(reports.parent.parent / "public" / "2024" / f"{STEM}-cong-khai.html")
    assert public.count(line) == 2
    if shutil.which("pdftotext"):
        pdf = subprocess.run(["pdftotext", str(reports / f"{STEM}.pdf"), "-"], capture_output=True, text=True).stdout
        assert "6/7 phường; chưa có số liệu: Phường Vĩnh Niệm" in " ".join(pdf.split())


@pytest.mark.slow
def test_the_manifest_and_coverage_json_record_who_reported(after_due):
    _, reports, processed = after_due
    record = {"expected": 7, "reported": 6, "complete": False, "due": "2025-01-15",
              "missing": [{"code": LATE, "name": LATE_NAME}]}
    assert json.loads((reports / "manifest.json").read_text(encoding="utf-8"))["coverage"] == record
    assert json.loads((processed / "coverage.json").read_text(encoding="utf-8"))["missing"] == record["missing"]


@pytest.mark.slow
def test_the_trend_compares_the_same_six_wards(after_due):
    """The district's 2023 figure in history is the sum of its six reporting wards' 2023 figures (not
    seven), so the change on 2023 is the change of those six wards' children."""
    _, _, processed = after_due
    history = pd.read_parquet(processed / "history.parquet")
    rows = history[history["indicator_id"] == "children_under_16"]
    wards = rows[(rows["level"] == "commune") & (rows["period"] == "2023")]
    district = rows[(rows["level"] == "district") & (rows["period"] == "2023")].iloc[0]
    assert LATE not in set(wards["unit_code"]) and len(wards) == 6
    assert int(district["numerator"]) == int(wards["numerator"].sum())
    now = rows[(rows["level"] == "district") & (rows["period"] == "2024")].iloc[0]
    assert not bool(now["complete"]) and int(now["communes_included"]) == 6 and int(now["communes_expected"]) == 7
    trends = pd.read_parquet(processed / "trends.parquet")
    change = trends[(trends["indicator_id"] == "children_under_16") & (trends["level"] == "district")].iloc[0]
    assert float(change["change"]) == float(now["numerator"]) - float(district["numerator"])


@pytest.mark.slow
def test_when_the_ward_s_forms_arrive_the_next_run_says_seven_of_seven(arrived):
    code, reports, processed, after = arrived
    assert code == EXIT_OK
    text = _text(reports / f"{STEM}.html")
    assert text.count("Số liệu kỳ này: 7/7 phường (đủ số liệu).") == 2
    assert "chưa đủ số liệu" not in text and "chưa có số liệu" not in text
    assert (reports / f"{STEM}.html").read_bytes() != after[f"{STEM}.html"]
    assert json.loads((processed / "coverage.json").read_text(encoding="utf-8"))["complete"] is True
    assert "(incomplete)" not in _text(reports / f"{STEM}-en.html")
