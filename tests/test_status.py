"""`baocao status` (issue 19): who has sent which form of a period, when, on time or late, and the
reporting rates as DHIS2 defines them, on the sample remapped onto Huyện Ba Chẽ (202) where five
communes send on time through intake, one late, and one nothing. Figures are computed by hand in the
comments; no run is needed (status reads raw data)."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil

import pandas as pd
import pytest

from conftest import REPO
from pipelines import cli
from pipelines.core.errors import EXIT_INCOMPLETE, EXIT_OK
from pipelines.core.folders import Folders
from pipelines.core.schema import forms
from pipelines.intake import csvfile, ingest, raw, receipts
from pipelines.publish import status, status_page
from pipelines.units.period import Period
from pipelines.units.scope import Scope
from samplegen.remap import write_remapped

P2024 = Period.parse("2024")
ON_TIME = ["06970", "06973", "06976", "06979", "06982"]
LATE, SILENT = "06985", "06988"
UTC = dt.timezone.utc
SENT = dt.datetime(2025, 1, 10, 2, 0, tzinfo=UTC)       # 09:00 on 10 January in Vietnam
SENT_LATE = dt.datetime(2025, 1, 16, 3, 0, tzinfo=UTC)  # 10:00 on 16 January: after the 15th, before the 20th
FIXED = dt.datetime(2025, 1, 12, 1, 30, tzinfo=UTC)     # a correction of 06973's population
SETTINGS = ('default_scope:\n  legacy: "district:202"\ndeadlines:\n  days_after_end: {year: 15}\n'
            '  forms: {protection_cases: 20}\n')


def quiet(_line: str) -> None:
    pass


def _send(folder, frames: dict[str, pd.DataFrame], codes: list[str]) -> list:
    """One CSV per form holding the rows of `codes`, named as the form's file (intake recognises it)."""
    folder.mkdir(parents=True)
    return csvfile.write_forms(folder, {name: frame[frame["commune_code"].isin(codes)] for name, frame in frames.items()})


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """Ba Chẽ's deployment: five communes ingested on 10 January 2025, one on the 16th, one never;
    06973's population corrected on the 12th."""
    work = tmp_path_factory.mktemp("status")
    write_remapped(REPO / "data", work / "remapped", "202", periods=("2024",))
    source = raw.period_dir(work / "remapped", P2024)
    frames = {name: raw.read_form(source / form.file) for name, form in forms().items()}
    data = work / "data"
    data.mkdir()
    (data / "baocao.yml").write_text(SETTINGS, encoding="utf-8")
    ingest.ingest(P2024, _send(work / "first", frames, ON_TIME), data, say=quiet, now=SENT)
    ingest.ingest(P2024, _send(work / "late", frames, [LATE]), data, say=quiet, now=SENT_LATE)
    population = frames["population"]
    fixed = population[population["commune_code"] == "06973"].copy()
    fixed.loc[fixed.index[0], "children_ethnic_minority"] = str(int(fixed.iloc[0]["children_ethnic_minority"]) + 1)
    (work / "fix").mkdir()
    csvfile.write_forms(work / "fix", {"population": fixed})
    ingest.ingest(P2024, [work / "fix" / "population.csv"], data, say=quiet, replace=True, by="Nguyễn Thị Lan",
                  reason="Sai số trẻ dân tộc thiểu số", now=FIXED)
    return data


def _status(data, as_of: str, scope: str = "district:202", counts=None) -> status.Status:
    return status.status(Folders.at(data), P2024, Scope.parse(scope), dt.date.fromisoformat(as_of), counts=counts)


def _cli(data, capsys, *options: str) -> tuple[int, str]:
    code = cli.main(["status", "--period", "2024", "--data-dir", str(data), *options])
    return code, capsys.readouterr().out


def test_after_the_due_date_the_late_commune_is_late_and_the_silent_one_missing(district):
    found = _status(district, "2025-01-21")
    states = {(r.code, r.form): r.state for r in found.rows}
    assert {states[(code, form)] for code in ON_TIME for form in forms()} == {"on_time"}
    assert [states[(LATE, form)] for form in forms()] == ["late"] * 3 + ["on_time"] + ["late"] * 3  # protection_cases: due 20 Jan
    assert {states[(SILENT, form)] for form in forms()} == {"missing"}
    # 6 of 7 communes sent all 7 forms: 42/49; on time: 5 × 7 + 06985's protection_cases = 36
    assert found.rate() == status.Rate(49, 42, 36)
    assert found.rate(form="population") == status.Rate(7, 6, 5)
    assert found.rate(form="protection_cases") == status.Rate(7, 6, 6)
    assert found.rate(code=LATE) == status.Rate(7, 7, 1) and found.rate(code=SILENT) == status.Rate(7, 0, 0)
    corrected = next(r for r in found.rows if (r.code, r.form) == ("06973", "population"))
    assert (corrected.got.submission, corrected.got.corrections, corrected.got.at) == ("2", 1, SENT)
    assert not found.complete and not found.checked


def test_the_text_table_and_rates(district, capsys):
    code, out = _cli(district, capsys, "--as-of", "2025-01-21")
    assert code == EXIT_INCOMPLETE
    lines = out.splitlines()
    assert lines[:4] == ["Tình hình nộp biểu mẫu kỳ 2024: Huyện Ba Chẽ", "Tính đến hết ngày 21/01/2025",
                         "Chưa kiểm tra số liệu hiện có (lỗi, cảnh báo: —): chạy baocao validate --period 2024",
                         "Đã nhận 42/49 biểu mẫu (đầy đủ 85,7 %; đúng hạn 73,5 %)"]
    for line in [
        "06973  Xã Thanh Sơn     population             10/01/2025 09:00         #2       1           —    —         15/01/2025  đúng hạn",
        "06985  Xã Lương Minh    population             16/01/2025 10:00         #36      0           —    —         15/01/2025  muộn",
        "06985  Xã Lương Minh    protection_cases       16/01/2025 10:00         #39      0           —    —         20/01/2025  đúng hạn",
        "06988  Xã Đồn Đạc       early_childhood        chưa nhận                —        —           —    —         15/01/2025  thiếu",
        "population             7         6        5         85,7 %        71,4 %",  # 6/7, 5/7
        "protection_cases       7         6        6         85,7 %        85,7 %",
        "06985  Xã Lương Minh    7         7        1         100 %         14,3 %",  # 1/7
        "06988  Xã Đồn Đạc       7         0        0         0 %           0 %",
        "Huyện Ba Chẽ  49        42       36        85,7 %        73,5 %"]:  # 42/49, 36/49
        assert line in lines, line


def test_before_the_due_date_what_has_not_come_is_awaited_not_missing(district, capsys):
    found = _status(district, "2025-01-14")  # 06985 sent on the 16th: not yet received on the 14th
    assert {r.state for r in found.rows if r.code in (LATE, SILENT)} == {"awaited"}
    assert found.rate() == status.Rate(49, 35, 35)  # 5 × 7
    code, out = _cli(district, capsys, "--scope", f"commune:{LATE}", "--as-of", "2025-01-14")
    assert code == EXIT_INCOMPLETE
    rows = "".join(f"06985  Xã Lương Minh  {form.ljust(21)}  chưa nhận                —        —           —    —"
                   f"         {'20' if form == 'protection_cases' else '15'}/01/2025  chưa đến hạn\n" for form in forms())
    rates = "".join(f"{form.ljust(21)}  1         0        0         0 %           0 %\n" for form in forms())
    assert out == (
        "Tình hình nộp biểu mẫu kỳ 2024: Xã Lương Minh\nTính đến hết ngày 14/01/2025\n"
        "Chưa kiểm tra số liệu hiện có (lỗi, cảnh báo: —): chạy baocao validate --period 2024\n"
        "Đã nhận 0/7 biểu mẫu (đầy đủ 0 %; đúng hạn 0 %)\n\nBiểu mẫu theo đơn vị\n"
        "Mã     Đơn vị         Biểu mẫu               Nhận lúc (giờ Việt Nam)  Lần nộp  Đính chính  Lỗi  Cảnh báo"
        "  Hạn nộp     Tình trạng\n" + rows +
        "\nTỷ lệ theo biểu mẫu\nBiểu mẫu               Phải nộp  Đã nhận  Đúng hạn  Tỷ lệ đầy đủ  Tỷ lệ đúng hạn\n" + rates +
        "\nTỷ lệ theo đơn vị\nMã     Đơn vị         Phải nộp  Đã nhận  Đúng hạn  Tỷ lệ đầy đủ  Tỷ lệ đúng hạn\n"
        "06985  Xã Lương Minh  7         0        0         0 %           0 %\n"
        "\nTỷ lệ chung\nĐơn vị         Phải nộp  Đã nhận  Đúng hạn  Tỷ lệ đầy đủ  Tỷ lệ đúng hạn\n"
        "Xã Lương Minh  7         0        0         0 %           0 %\n")


def test_csv_bytes(district, capsys):
    code, out = _cli(district, capsys, "--scope", f"commune:{LATE}", "--as-of", "2025-01-16", "--format", "csv")
    assert code == EXIT_INCOMPLETE
    header = ("level,code,unit,form,received,submission,corrections,errors,warnings,due,state,"
              "expected,received_count,on_time,completeness,timeliness\n")
    rows = "".join(f"row,06985,Xã Lương Minh,{form},2025-01-16T03:00:00Z,#{n},0,—,—,"
                   + ("20/01/2025,đúng hạn" if form == "protection_cases" else "15/01/2025,muộn") + ",,,,,\n"
                   for n, form in enumerate(forms(), 36))
    rates = "".join(f"form,,,{form},,,,,,,,1,1," + ("1,100 %,100 %" if form == "protection_cases" else "0,100 %,0 %") + "\n"
                    for form in forms())
    assert out.encode() == (header + rows + rates + 'unit,06985,Xã Lương Minh,,,,,,,,,7,7,1,100 %,"14,3 %"\n'
                            'overall,,Xã Lương Minh,,,,,,,,,7,7,1,100 %,"14,3 %"\n').encode()


def test_html_page_is_escaped_and_accessible(district, capsys):
    code, page = _cli(district, capsys, "--as-of", "2025-01-21", "--format", "html", "--lang", "en")
    assert code == EXIT_INCOMPLETE
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Forms received for 2024: Huyện Ba Chẽ</title>" in page
    assert "<p>42/49 forms received (completeness 85.7%; timeliness 73.5%)</p>" in page
    assert page.count('role="region" tabindex="0"') == 4 and page.count("<caption>") == 4
    assert '<th scope="col">Timeliness</th>' in page
    assert "<tr><td>06985</td><td>Xã Lương Minh</td><td>7</td><td>7</td><td>1</td><td>100%</td><td>14.3%</td></tr>" in page
    assert ("<tr><td>06988</td><td>Xã Đồn Đạc</td><td>population</td><td>not received</td><td>—</td><td>—</td><td>—</td>"
            "<td>—</td><td>15 Jan 2025</td><td>missing</td></tr>") in page


def test_everything_in_on_time_exits_0_and_errors_do_not(district, capsys):
    assert _cli(district, capsys, "--scope", "commune:06970", "--as-of", "2025-01-21")[0] == EXIT_OK
    assert cli.main(["status", "--period", "2024", "--data-dir", str(district), "--as-of", "21/01/2025"]) == 3
    assert "'21/01/2025' không phải ngày dạng NNNN-TT-NN" in capsys.readouterr().err  # a bad argument: status 3
    with_errors = _status(district, "2025-01-21", "commune:06970", counts={("06970", "health"): (1, 2)})
    row = next(r for r in with_errors.rows if r.form == "health")
    assert (row.errors, row.warnings, with_errors.checked, with_errors.complete) == (1, 2, True, False)
    assert status_page.cells(row, "vi")[6:8] == ["1", "2"]


def test_a_problem_counts_for_its_commune_and_form():
    problems = pd.DataFrame({"severity": ["error", "warning", "warning", "error"],
                             "file": ["health.csv", "health.csv", "health.csv", "population.csv"],
                             "commune_code": ["06970", "06970", "06970", None]})  # a whole-file problem: no unit
    assert status.counts_of(problems) == {("06970", "health"): (1, 2)}


def test_files_placed_by_hand_count_from_when_they_were_first_seen(tmp_path):
    write_remapped(REPO / "data", tmp_path / "data", "202", periods=("2024",))
    folder = raw.period_dir(tmp_path / "data", P2024)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    first, later = dt.datetime(2025, 1, 13, 4, 0, tzinfo=UTC), dt.datetime(2025, 1, 30, tzinfo=UTC)
    seen = receipts.receipts(tmp_path / "data", P2024, ["06970", "06988"], now=first)
    assert seen.get("06988", "health") == receipts.Receipt(first, "", 0) and seen.missing("06970") == ()
    again = receipts.receipts(tmp_path / "data", P2024, ["06970", "06988"], now=later)
    assert again.get("06970", "population").at == first  # recorded once, never moved
    assert Folders.at(tmp_path / "data").receipts(P2024).is_file()
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before  # raw untouched
    without = pd.read_csv(folder / "health.csv", dtype=str)
    (folder / "health.csv").write_bytes(csvfile.frame_bytes(without[without["commune_code"] != "06988"]))
    left = receipts.receipts(tmp_path / "data", P2024, ["06970", "06988"], now=later)
    assert left.missing("06988") == ("health",) and left.silent == ()


def test_without_deadlines_nothing_is_late_and_timeliness_is_a_dash(district, tmp_path, capsys):
    shutil.copytree(raw.period_dir(district, P2024), raw.period_dir(tmp_path, P2024))
    (tmp_path / "baocao.yml").write_text('default_scope:\n  legacy: "district:202"\n', encoding="utf-8")
    found = status.status(Folders.at(tmp_path), P2024, Scope.parse("district:202"), dt.date(2025, 1, 21))
    assert {r.state for r in found.rows if r.code != SILENT} == {"received"}
    assert {r.state for r in found.rows if r.code == SILENT} == {"missing"} and found.rate() == status.Rate(49, 42, None)
    code, out = _cli(tmp_path, capsys, "--as-of", "2025-01-21", "--lang", "en")
    assert code == EXIT_INCOMPLETE
    assert "No deadlines set (deadlines: in baocao.yml): timeliness is not computed" in out.splitlines()
    assert "42/49 forms received (completeness 85.7%; timeliness —)" in out.splitlines()
    assert "Huyện Ba Chẽ  49        42        —        85.7%         —" in out.splitlines()


def test_the_page_a_run_publishes_depends_on_no_day_and_is_linked_from_the_index(district, tmp_path):
    from pipelines.publish import index
    from pipelines.units.scope import Aggregate
    from pipelines.validate.problems import ValidationOutcome

    staged = tmp_path / "reports" / ".staging-2024"
    staged.mkdir(parents=True)
    status_page.publish(staged, Folders.at(district), P2024, Aggregate("district", "202", "Huyện Ba Chẽ", ()),
                        ValidationOutcome([], []))
    page = (staged / status_page.PAGE).read_text(encoding="utf-8")
    assert "Tính đến" not in page and "<td>thiếu</td>" in page and "chưa đến hạn" not in page
    assert "<td>0</td><td>0</td><td>15/01/2025</td><td>đúng hạn</td>" in page  # checked: 0 errors, 0 warnings
    assert '<a href="2024/status.html">Tình hình nộp biểu mẫu</a>' in index.page_html(tmp_path / "reports", staged, P2024)
