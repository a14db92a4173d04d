"""Issue 11, corrections: a commune's new figures for a form it already sent supersede the earlier
ones (`baocao ingest --replace --by --reason`) while the raw CSV only grows: the correction is
appended, the submissions log says who, when, why and what it supersedes, and every reader gets the
latest rows of each commune with the line numbers of the file. Without --replace the old refusal
stands, now saying how to correct; a folder without a log reads exactly as a plain CSV."""

import datetime as dt
import hashlib
import shutil

import pandas as pd
import pytest

from conftest import SAMPLE, baocao_here, tree_bytes
from pipelines.core import datasets
from pipelines.intake import ingest, raw
from pipelines.report import sections
from pipelines.report.context import ReportContext
from pipelines.units.period import Period
from test_intake import filled_template, quiet, sample_lines

PERIOD, CODE = "2024", "06847"
PERIOD_2024 = Period.parse(PERIOD)
WHEN = dt.datetime(2025, 3, 4, 8, 30, tzinfo=dt.timezone.utc)
BY, WHY = "Nguyễn Thị Hoa", "Nhầm số trẻ em nam 11-15 tuổi"
HEADER = "submission,submitted_at,kind,form,commune_code,rows,source,sha256,by,reason,supersedes"


def corrected(ws):
    """The officer's correction: boys aged 11-15 are 208, not 207, so boys under 16 are 669."""
    if ws.title == "population":
        ws.cell(5, 4).value, ws.cell(5, 7).value = 669, 208


def sample_data(tmp_path):
    shutil.copytree(SAMPLE / PERIOD, tmp_path / "data" / "raw" / PERIOD)
    return tmp_path / "data"


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_correction_is_appended_and_logged_and_read_as_the_latest(tmp_path, capsys):
    data = sample_data(tmp_path)
    folder = data / "raw" / PERIOD
    before = tree_bytes(folder)
    workbook = filled_template(tmp_path, change=corrected)
    result = ingest.ingest(PERIOD_2024, [workbook], data, say=quiet, replace=True, by=BY, reason=WHY, now=WHEN)

    assert result == ("kỳ 2024, thêm mới: không có; đã có và giống hệt: special_circumstances 06847, support 06847, "
                      "protection_cases 06847, education 06847, health 06847, early_childhood 06847; bản sửa thay "
                      f"bản trước: population 06847 (2); 1 tệp gốc mới lưu trong {folder}/original")
    after = tree_bytes(folder)
    assert after["population.csv"] == before["population.csv"] + (
        "06847,Xã Đồng Văn,M,669,229,232,208,656\n06847,Xã Đồng Văn,F,633,217,220,196,622\n").encode()
    assert {k: v for k, v in after.items() if k != "submissions.csv" and not k.startswith("original")} == {
        **before, "population.csv": after["population.csv"]}
    assert after["submissions.csv"].decode() == (
        f"{HEADER}\n1,2025-03-04T08:30:00Z,correction,population,06847,2,bao-cao-06847.xlsx,{sha(workbook)},{BY},{WHY},\n")

    population = raw.read_period(data, Period.parse(PERIOD))["population"]
    assert list(population.index) == [2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17]  # lines 8-9 superseded
    assert list(population.loc[16, ["commune_code", "sex", "children_under_16", "children_11_to_15"]]) == ["06847", "M", "669", "208"]
    assert len(raw.read_form(folder / "population.csv", latest=False)) == 16  # the original rows stay in the file

    table = raw.corrections(data, Period.parse(PERIOD))
    assert table.to_dict("records") == [{
        "submission": "1", "submitted_at": "2025-03-04T08:30:00Z", "form": "population", "file": "population.csv",
        "first_line": 16, "last_line": 17, "commune_code": CODE, "rows": 2, "source": "bao-cao-06847.xlsx",
        "sha256": sha(workbook), "by": BY, "reason": WHY, "supersedes": ""}]
    assert raw.file_hashes(data, Period.parse(PERIOD))[-1] == ("submissions.csv", hashlib.sha256(after["submissions.csv"]).hexdigest())


def test_a_second_correction_supersedes_the_first_and_new_communes_still_go_in_order(tmp_path):
    data = tmp_path / "data"
    folder = data / "raw" / PERIOD
    first = filled_template(tmp_path, forms=("population",))
    ingest.ingest(PERIOD_2024, [first], data, say=quiet, now=WHEN)
    fix = filled_template(tmp_path, forms=("population",), change=corrected)
    ingest.ingest(PERIOD_2024, [fix], data, say=quiet, replace=True, by=BY, reason=WHY, now=WHEN + dt.timedelta(days=1))
    again = filled_template(tmp_path, forms=("population",))  # the first figures were right after all
    ingest.ingest(PERIOD_2024, [again], data, say=quiet, replace=True, by="Lê Văn Nam", reason="Bản sửa trước sai", now=WHEN + dt.timedelta(days=2))
    other = filled_template(tmp_path, "06838", forms=("population",))
    ingest.ingest(PERIOD_2024, [other], data, say=quiet, by="Trần Văn Bình", now=WHEN + dt.timedelta(days=3))

    lines = (folder / "population.csv").read_text(encoding="utf-8").splitlines()
    sent = sample_lines("population.csv", "06838", CODE)
    assert lines == [*sent, "06847,Xã Đồng Văn,M,669,229,232,208,656", sent[4], sent[3], sent[4]]
    log = (folder / "submissions.csv").read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[:6] + line.split(",")[8:] for line in log[1:]] == [
        ["1", "2025-03-04T08:30:00Z", "new", "population", CODE, "2", "", "", ""],
        ["2", "2025-03-05T08:30:00Z", "correction", "population", CODE, "2", BY, WHY, "1"],
        ["3", "2025-03-06T08:30:00Z", "correction", "population", CODE, "2", "Lê Văn Nam", "Bản sửa trước sai", "2"],
        ["4", "2025-03-07T08:30:00Z", "new", "population", "06838", "2", "Trần Văn Bình", "", ""]]
    population = raw.read_form(folder / "population.csv")
    assert list(population.index) == [2, 3, 8, 9]  # 06838 as sent, 06847 from the last correction
    assert list(population["children_under_16"]) == ["1047", "997", "668", "633"]
    assert list(raw.corrections(data, Period.parse(PERIOD))[["submission", "first_line", "last_line", "supersedes"]]
                .itertuples(index=False, name=None)) == [("2", 6, 7, "1"), ("3", 8, 9, "2")]


def test_without_replace_a_changed_form_is_refused_saying_how_to_correct(tmp_path, capsys):
    data = sample_data(tmp_path)
    before = tree_bytes(data / "raw")
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, filled_template(tmp_path, change=corrected))
    assert done.returncode == 2
    assert done.stderr == ("LỖI: bao-cao-06847.xlsx: biểu population của xã Đồng Văn (06847) đã có trong "
                           "population.csv kỳ 2024 với số liệu khác; dữ liệu thô không bao giờ bị sửa: nếu đây là bản sửa, gửi lại với --replace "
                           "--by <người sửa> --reason <lý do>\n")
    assert tree_bytes(data / "raw") == before


def test_the_command_line_takes_a_correction(tmp_path, capsys):
    data = sample_data(tmp_path)
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, "--replace", "--by", BY, "--reason", WHY,
                       filled_template(tmp_path, change=corrected))
    assert done.returncode == 0, done.stderr
    assert "bản sửa thay bản trước: population 06847 (2);" in done.stdout.splitlines()[-1]
    log = (data / "raw" / PERIOD / "submissions.csv").read_text(encoding="utf-8").splitlines()
    assert log[1].split(",")[2:6] + log[1].split(",")[8:] == ["correction", "population", CODE, "2", BY, WHY, ""]


@pytest.mark.parametrize("by, reason", [("", WHY), (BY, ""), ("  ", "  ")])
def test_a_correction_must_say_who_and_why(tmp_path, capsys, by, reason):
    data = sample_data(tmp_path)
    before = tree_bytes(data / "raw")
    done = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, "--replace", "--by", by, "--reason", reason,
                       filled_template(tmp_path, change=corrected))
    assert (done.returncode, done.stderr) == (2, "LỖI: bản sửa (--replace) phải ghi người sửa (--by) và lý do (--reason)\n")
    english = baocao_here(capsys, "ingest", "--period", PERIOD, "--data-dir", data, "--lang", "en", "--replace",
                          "--by", by, "--reason", reason, filled_template(tmp_path, change=corrected))
    assert english.stderr == "ERROR: a correction (--replace) must name who makes it (--by) and why (--reason)\n"
    assert tree_bytes(data / "raw") == before


def test_identical_figures_sent_with_replace_change_nothing(tmp_path):
    data = sample_data(tmp_path)
    before = tree_bytes(data / "raw" / PERIOD)
    result = ingest.ingest(PERIOD_2024, [filled_template(tmp_path)], data, say=quiet, replace=True, by=BY, reason=WHY)
    assert "; bản sửa thay bản trước: không có;" in result
    after = tree_bytes(data / "raw" / PERIOD)
    assert {k: v for k, v in after.items() if not k.startswith("original")} == before


def test_a_folder_without_a_log_reads_as_the_plain_csv():
    for period in raw.periods(SAMPLE.parent):
        assert not (SAMPLE / str(period) / "submissions.csv").exists()
        for name, frame in raw.read_period(SAMPLE.parent, period).items():
            plain = pd.read_csv(SAMPLE / str(period) / raw.forms()[name].file, dtype="string", keep_default_na=False)
            plain.index = pd.Index(range(2, len(plain) + 2), name="line")
            pd.testing.assert_frame_equal(frame, plain.replace("", pd.NA))
        assert raw.corrections(SAMPLE.parent, period).empty


def test_a_log_that_does_not_match_its_form_is_refused_by_name(tmp_path):
    data = sample_data(tmp_path)
    ingest.ingest(PERIOD_2024, [filled_template(tmp_path, change=corrected)], data, say=quiet, replace=True, by=BY, reason=WHY, now=WHEN)
    log = data / "raw" / PERIOD / "submissions.csv"
    log.write_text(log.read_text(encoding="utf-8").replace(",06847,2,", ",06847,3,"), encoding="utf-8")
    with pytest.raises(raw.RawDataError) as error:
        raw.read_period(data, Period.parse(PERIOD))
    assert str(error.value) == ("population.csv dòng 15–17: submissions.csv dòng 2 ghi bản sửa của xã 06847, "
                                "các dòng này là của xã 06847, 06859")


def _context(folder, edition="internal", lang="vi"):
    table = pd.DataFrame({"level": ["commune", "commune", "district"], "unit_code": ["06838", CODE, "198"],
                          "unit_name": ["Thị trấn Bình Liêu", "Xã Đồng Văn", "Huyện Bình Liêu"]})
    return ReportContext(Period.parse(PERIOD), "district", "198", "Huyện Bình Liêu", table, "198", pd.DataFrame(),
                         pd.DataFrame(), lang, edition, "", folder)


def test_the_data_quality_appendix_lists_corrections_when_there_are_any(tmp_path):
    data = sample_data(tmp_path)
    processed = tmp_path / "processed"
    processed.mkdir()
    assert "Số liệu đã được xã gửi bản sửa" not in sections.data_quality_html(_context(processed))  # no file
    pd.DataFrame(columns=list(raw.CORRECTION_COLUMNS)).to_parquet(processed / datasets.CORRECTIONS)
    assert "<h3>" not in sections.data_quality_html(_context(processed))  # a file without rows
    ingest.ingest(PERIOD_2024, [filled_template(tmp_path, change=corrected)], data, say=quiet, replace=True, by=BY,
                  reason="Nhầm <số> & tuổi", now=WHEN)
    raw.corrections(data, Period.parse(PERIOD)).to_parquet(processed / datasets.CORRECTIONS)
    html = sections.data_quality_html(_context(processed))
    assert ("<h3>Số liệu đã được xã gửi bản sửa</h3>\n<ul><li>Biểu population của Xã Đồng Văn: bản sửa ngày 04 tháng 03 "
            "năm 2025 (population.csv dòng 16–17) thay bản gửi đầu tiên; lý do: Nhầm &lt;số&gt; &amp; tuổi "
            "(người sửa: Nguyễn Thị Hoa)</li></ul>") in html
    public = sections.data_quality_html(_context(processed, "public", "en"))
    assert ("<li>Form population of Đồng Văn Commune: correction of 4 March 2025 (population.csv lines 16–17) "
            "supersedes the first submission; reason: Nhầm &lt;số&gt; &amp; tuổi</li>") in public  # no name in public


def test_a_name_or_reason_that_a_spreadsheet_would_run_is_logged_as_plain_text(tmp_path):
    """`--by '=HYPERLINK("http://evil","click")'` once landed in submissions.csv as a live formula:
    the log (a CSV an officer opens in Excel) keeps it as text, behind an apostrophe."""
    data = sample_data(tmp_path)
    workbook = filled_template(tmp_path, change=corrected)
    hostile = '=HYPERLINK("http://evil","click")'
    ingest.ingest(PERIOD_2024, [workbook], data, say=quiet, replace=True, by=hostile, reason="@SUM(A1)", now=WHEN)
    log = (data / "raw" / PERIOD / "submissions.csv").read_text(encoding="utf-8")
    assert log == (f"{HEADER}\n1,2025-03-04T08:30:00Z,correction,population,06847,2,bao-cao-06847.xlsx,{sha(workbook)},"
                   "\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\")\",'@SUM(A1),\n")
    entry = raw.submissions(data / "raw" / PERIOD)[0]
    assert (entry["by"], entry["reason"]) == ("'" + hostile, "'@SUM(A1)")
