"""Nothing lost, end to end, as a hostile but realistic user would try it: two runs of one period at
once, re-runs, `verify` and `approve`, and SIGKILL of the whole run at validation, rendering and
publication, each followed by a byte comparison of what was published. One commune's fact sheet
(plus the catalogue page) keeps each real run to two reports; the tests run in file order on one
folder, the last one changing its raw data."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_sample, tree_bytes
from pipelines.core.folders import Folders
from pipelines.publish import manifest
from pipelines.units.period import Period


def _manifest(work: Path, period: str = "2024") -> manifest.Manifest | None:
    return manifest.read(Folders.at(work / "data", work / "reports"), Period.parse(period))

SCOPE = ["--scope", "commune:06847"]
STEM = "bao-cao-tre-em-2024-xa-06847"


def _start(work, *args, env=None):
    """`baocao …` in its own session (its own process group), as cron or systemd would start it."""
    return subprocess.Popen([sys.executable, "-m", "pipelines", *args, "--data-dir", "data"], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, **(env or {})})


def _baocao(work, *args, env=None):
    process = _start(work, *args, env=env)
    out, err = process.communicate(timeout=900)
    return process.returncode, out, err, process.pid


def _session(sid: int) -> list[int]:
    """Processes still alive in a session (a run started with start_new_session has sid = its pid)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _published(work):
    """Every published byte of 2024: processed data, reports (with the manifest) and the index."""
    return {"processed": tree_bytes(work / "data" / "processed" / "2024"),
            "reports": tree_bytes(work / "reports" / "2024"), "index": (work / "reports" / "index.html").read_bytes()}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The first run of 2024 for one commune, and a second run started while it reads the data."""
    work = copy_sample(tmp_path_factory.mktemp("nothing-lost"))
    running = _start(work, "run", "--period", "2024", *SCOPE, "--reports-dir", "reports")
    assert running.stdout.readline().startswith("[1/6]")
    second = _baocao(work, "run", "--period", "2024", *SCOPE, "--reports-dir", "reports")
    out, err = running.communicate(timeout=900)
    left = _session(running.pid)
    assert running.returncode == 0, err
    return work, second, left, err


def test_a_second_run_of_the_period_exits_4_naming_the_first(first):
    work, (status, out, err, _), _, _ = first
    assert status == 4 and out == ""
    assert err.startswith("LỖI: kỳ 2024 đang được một lần chạy khác xử lý (tiến trình ")
    assert ": baocao run --period 2024 --scope commune:06847 --reports-dir reports --data-dir data, từ " in err


def test_nothing_of_a_run_is_left_running_or_said_on_stderr_when_it_returns(first):
    work, _, left, err = first
    assert left == []
    assert err == ""


def test_the_manifest_lists_every_input_and_output_with_its_hash(first):
    work = first[0]
    record = _manifest(work)
    files = {**{f"processed/2024/{k}": v for k, v in tree_bytes(work / "data" / "processed" / "2024").items()},
             **{f"reports/2024/{k}": v for k, v in tree_bytes(work / "reports" / "2024").items()
                if k not in ("manifest.json", "run.log")}}
    assert record.outputs == {name: manifest.sha256(Folders.at(work / "data", work / "reports").named(name))
                                 for name in files}
    assert f"reports/2024/{STEM}.pdf" in record.outputs and "processed/2024/indicators.parquet" in record.outputs
    raw = sorted(str(p.relative_to(work / "data")) for p in (work / "data" / "raw").rglob("*") if p.is_file())
    assert sorted(record.inputs) == sorted(["baocao.yml", *raw])
    assert record.inputs["raw/2024/population.csv"] == manifest.sha256(work / "data/raw/2024/population.csv")
    assert (record.period, record.scope, record.variants, record.stems) == (
        "2024", "commune:06847", [("vi", "internal")], [STEM, "danh-muc-chi-tieu"])
    assert record.validation["errors"] == 0 and sorted(record.timings) == ["compute", "read", "render", "validate"]
    assert record.code["fingerprint"] == manifest.code()["fingerprint"] and record.versions["papermill"]
    assert len(record.code["git_commit"] or "x" * 40) == 40
    log = (work / "reports" / "2024" / "run.log").read_text(encoding="utf-8").splitlines()
    assert log[0].startswith("[1/6]") and log[-1].startswith("[6/6]")


def test_an_unchanged_rerun_does_nothing_and_changes_no_byte(first):
    """… but deletes what a killed run left beside the trees (staging, previous copies)."""
    work = first[0]
    before, raw_before = _published(work), tree_bytes(work / "data" / "raw")
    leftovers = [work / ".reports.staging-2024", work / ".public.staging-2024", work / ".reports.previous-2024",
                 work / "data" / "processed" / ".staging-2024"]
    for folder in leftovers:
        (folder / "notebooks").mkdir(parents=True)
        (folder / "notebooks" / "half.html").write_text("<p>nửa chừng</p>", encoding="utf-8")
    (work / ".reports.staging-2024-index.html").write_text("<p>nửa chừng</p>", encoding="utf-8")
    status, out, err, _ = _baocao(work, "run", "--period", "2024", *SCOPE, "--reports-dir", "reports")
    assert (status, err) == (0, "")
    assert out == (f"Không có gì thay đổi: báo cáo kỳ 2024 đã công bố ({work / 'reports' / '2024'}) được làm từ đúng "
                   "các tệp đầu vào, mã nguồn và tham số này; dùng --force để làm lại\n")
    assert _published(work) == before
    assert tree_bytes(work / "data" / "raw") == raw_before
    assert [p for p in [*leftovers, work / ".reports.staging-2024-index.html"] if p.exists()] == []


def test_approve_then_verify_quick_names_a_changed_byte_and_the_signed_document(first):
    work = first[0]
    pdf = work / "reports" / "2024" / f"{STEM}.pdf"
    status, out, err, _ = _baocao(work, "approve", "--period", "2024", "--report", pdf, "--by", "Hoàng Văn An",
                                  "--reports-dir", "reports")
    assert status == 0, err
    status, out, err, _ = _baocao(work, "verify", "--period", "2024", "--quick", "--reports-dir", "reports")
    assert (status, err) == (0, ""), out
    count = len(_manifest(work).outputs)
    assert f"[1/3] Tệp đã công bố so với manifest: {count}/{count} tệp khớp" in out
    assert f"reports/2024/{STEM}.pdf (ký duyệt bởi Hoàng Văn An, " in out and "đúng bản đang công bố" in out
    assert out.endswith("Kiểm chứng: KHỚP\n")

    signed = pdf.read_bytes()
    pdf.write_bytes(signed[:-10] + bytes([signed[-10] ^ 1]) + signed[-9:])
    try:
        status, out, err, _ = _baocao(work, "verify", "--period", "2024", "--quick", "--reports-dir", "reports")
    finally:
        pdf.write_bytes(signed)
    assert status == 1
    assert f"      đã công bố reports/2024/{STEM}.pdf: khác (SHA-256 " in out
    assert "ĐÃ THAY ĐỔI hoặc không còn: không phải bản đã ký" in out
    assert out.endswith("Kiểm chứng: KHÔNG KHỚP (xem các dòng trên)\n")


@pytest.mark.slow
def test_verify_rebuilds_aside_and_every_file_matches(first):
    work = first[0]
    status, out, err, _ = _baocao(work, "verify", "--period", "2024", "--reports-dir", "reports")
    assert (status, err) == (0, ""), out
    count = len(_manifest(work).outputs)
    assert f"[1/3] Tệp đã công bố so với manifest: {count}/{count} tệp khớp" in out
    assert f"      làm lại: {count}/{count} tệp khớp" in out
    assert out.endswith("Kiểm chứng: KHỚP\n")


@pytest.fixture(scope="module")
def changed(first):
    """The folder of `first` with new, valid figures for Đồng Văn (two more boys under 6), and what
    was published and the raw bytes before any kill."""
    work = first[0]
    published = _published(work)
    population = work / "data" / "raw" / "2024" / "population.csv"
    text = population.read_text(encoding="utf-8")
    assert text.count("06847,Xã Đồng Văn,M,668,229,") == 1
    population.write_text(text.replace("06847,Xã Đồng Văn,M,668,229,", "06847,Xã Đồng Văn,M,670,231,"),
                          encoding="utf-8")
    return work, published, tree_bytes(work / "data" / "raw")


RUN = ("run", "--period", "2024", *SCOPE, "--reports-dir", "reports")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["validation", "rendering", "publication-1"])
def test_a_kill_leaves_the_published_bytes_and_the_raw_files(changed, point):
    work, published, raw = changed
    status, out, _, pid = _baocao(work, *RUN, env={"BAOCAO_KILL_AT": point})
    assert status == -signal.SIGKILL, (point, out)
    assert _session(pid) == [], point  # the workers and kernels went with it
    if point == "publication-1":  # processed data moved in, the reports half moved: a journal says so
        assert (work / "data" / "processed" / ".publish-2024.json").is_file()
        status, out, _, _ = _baocao(work, "validate", "--period", "2024", *SCOPE)
        assert out.splitlines()[0] == ("Đã hoàn tác lần công bố kỳ 2024 bị ngắt giữa chừng: giữ nguyên bản đã "
                                       "công bố trước đó")
    assert _published(work) == published, point
    assert tree_bytes(work / "data" / "raw") == raw, point


@pytest.mark.slow
def test_after_the_kills_a_run_publishes_the_new_figures_and_verify_names_the_signed_document(changed):
    work, published, raw = changed
    status, out, err, _ = _baocao(work, *RUN)
    assert (status, err) == (0, "")
    assert tree_bytes(work / "data" / "raw") == raw
    assert _published(work)["processed"]["indicators.parquet"] != published["processed"]["indicators.parquet"]
    leftovers = [p.name for folder in (work / "data" / "processed", work / "reports", work) for p in folder.iterdir()
                 if p.name.startswith((".staging-", ".previous-", ".publish-", ".reports.", ".public."))]
    assert leftovers == []
    assert not (work / "public").exists()  # no public edition rendered: the public tree is not touched
    status, out, _, _ = _baocao(work, "verify", "--period", "2024", "--quick", "--reports-dir", "reports")
    count = len(_manifest(work).outputs)
    assert f"[1/3] Tệp đã công bố so với manifest: {count}/{count} tệp khớp" in out
    # the fact sheet a leader signed before the new figures is no longer the one published: verify says so
    assert status == 1 and "ĐÃ THAY ĐỔI hoặc không còn: không phải bản đã ký" in out
