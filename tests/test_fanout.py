"""Reports rendered on a real Dask cluster, and reports that fail.

`make test`: one commune's 2024 fact sheet and the catalogue page rendered against a real `dask
scheduler` with two `dask worker` processes (`--scheduler tcp://…`), compared byte for byte with the
same files of the shared run `published_variants` (rendered in the run's own process); failures of
single reports as a test of the part (fanout.render). `make test-all` adds the province-scope period
(2025: the province and its three communes with their fact sheets and the catalogue page) run three
ways on copies of the same data: `--jobs 1`, on the cluster, and `--jobs 2` with one report made to
fail (`BAOCAO_FAIL_REPORT`, which the local workers inherit). Every published byte is compared."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FACT_SHEET_SCOPE, copy_sample, tree_bytes
from pipelines.core.folders import Folders
from pipelines.publish import fanout, jobs, manifest
from pipelines.report.notebooks import NOTEBOOK_DIR
from pipelines.units.period import Period


def _manifest(work: Path, period: str = "2025") -> manifest.Manifest | None:
    return manifest.read(Folders.at(work / "data", work / "reports"), Period.parse(period))

PERIODS = ("2024", "2025")
FACT_SHEET = "bao-cao-tre-em-2024-xa-06847"
FAILING = "bao-cao-tre-em-2025-xa-06841"
BIN = Path(sys.executable).parent


def _run(work, *args, env=None, period="2025"):
    done = subprocess.run([sys.executable, "-m", "pipelines", "run", "--period", period, "--data-dir", "data",
                           "--reports-dir", "reports", *args], cwd=work, capture_output=True, text=True,
                          timeout=900, env={**os.environ, **(env or {})})
    return done.returncode, done.stdout, done.stderr


def _published(work):
    """Processed data and reports of 2025, without the two files that hold times (manifest, log)."""
    reports = tree_bytes(work / "reports" / "2025")
    return {"processed": tree_bytes(work / "data" / "processed" / "2025"),
            "reports": {name: data for name, data in reports.items() if name not in (manifest.NAME, manifest.LOG)}}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    work = copy_sample(tmp_path_factory.mktemp("jobs-1"), PERIODS)
    status, out, err = _run(work, "--jobs", "1")
    assert status == 0, err
    return work, out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """`dask scheduler` on a free port of 127.0.0.1 and `dask worker` with two processes, each in
    its own session; both ended (the whole session) after the module."""
    logs = tmp_path_factory.mktemp("cluster")
    scheduler = subprocess.Popen([BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"],
                                 stderr=open(logs / "scheduler.log", "w"), start_new_session=True)
    address = None
    for _ in range(600):
        found = re.search(r"Scheduler at:\s+(tcp://127\.0\.0\.1:\d+)", (logs / "scheduler.log").read_text())
        if found:
            address = found[1]
            break
        time.sleep(0.1)
    assert address, (logs / "scheduler.log").read_text()
    workers = subprocess.Popen([BIN / "dask", "worker", address, "--nworkers", "2", "--nthreads", "1",
                                "--no-dashboard"], stderr=open(logs / "worker.log", "w"), start_new_session=True)
    yield address, workers
    for process in (workers, scheduler):
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def commune_on_cluster(cluster, tmp_path_factory):
    """The run of `published_variants` for its first variant only (vi, internal), on the cluster."""
    address, workers = cluster
    work = copy_sample(tmp_path_factory.mktemp("scheduler-commune"))
    status, out, err = _run(work, "--scheduler", address, "--scope", FACT_SHEET_SCOPE, period="2024")
    return work, status, out, err, address, workers


@pytest.mark.slow
def test_a_commune_on_a_dask_cluster_gives_the_bytes_of_the_run_s_own_process(commune_on_cluster, published_variants):
    work, status, out, err, address, _ = commune_on_cluster
    assert (status, err) == (0, "")
    assert f"      2 báo cáo cần làm, trên {address}\n" in out
    assert "      6 báo cáo cần làm, trên 1 tiến trình\n" in published_variants[1].stdout
    mine = {**tree_bytes(work / "reports" / "2024"), **tree_bytes(work / "data" / "processed" / "2024")}
    theirs = {**tree_bytes(published_variants[0] / "reports" / "2024"),
              **tree_bytes(published_variants[0] / "data" / "processed" / "2024")}
    common = sorted(set(mine) - {manifest.NAME, manifest.LOG})
    assert {f"{FACT_SHEET}.pdf", "danh-muc-chi-tieu.pdf", f"notebooks/{FACT_SHEET}.ipynb", "indicators.parquet"} <= set(common)
    assert {name: mine[name] for name in common} == {name: theirs[name] for name in common}


@pytest.mark.slow
def test_the_cluster_workers_keep_no_kernel_after_the_run(commune_on_cluster):
    workers = commune_on_cluster[5]
    assert [cmd for cmd in _descendants(workers.pid) if "ipykernel" in cmd] == []


@pytest.fixture(scope="module")
def on_cluster(cluster, tmp_path_factory):
    address, workers = cluster
    work = copy_sample(tmp_path_factory.mktemp("scheduler"), PERIODS)
    status, out, err = _run(work, "--scheduler", address)
    return work, status, out, err, address, workers


@pytest.mark.slow
def test_a_province_on_a_dask_cluster_gives_the_bytes_of_jobs_1(local, on_cluster):
    work, status, out, err, address, _ = on_cluster
    assert (status, err) == (0, "")
    assert f"      5 báo cáo cần làm, trên {address}\n" in out
    assert "      5 báo cáo cần làm, trên 1 tiến trình\n" in local[1]
    mine, theirs = _published(work), _published(local[0])
    assert sorted(mine["reports"]) == sorted(theirs["reports"]) and len(mine["reports"]) == 18  # status.html since issue 19
    assert mine == theirs
    assert _manifest(work).outputs == _manifest(local[0]).outputs


def _descendants(pid: int) -> list[str]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError):
            continue
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        try:
            found.append(Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            continue
        todo += children.get(child, [])
    return found


def test_an_unreachable_scheduler_is_named_and_nothing_is_published(tmp_path, monkeypatch):
    monkeypatch.setattr(fanout, "CONNECT", 2)
    with pytest.raises(fanout.ClusterUnavailable, match=r"^không dùng được cụm Dask tcp://127\.0\.0\.1:9: "):
        with fanout._client(fanout.Pool(scheduler="tcp://127.0.0.1:9"), 3):
            pass


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    """--jobs 2 with one commune's fact sheet failing: first without, then with --publish-partial,
    then again with nothing failing."""
    work = copy_sample(tmp_path_factory.mktemp("failing"), PERIODS)
    env = {"BAOCAO_FAIL_REPORT": FAILING}
    refused = _run(work, "--jobs", "2", env=env)
    after_refused = (work / "reports" / "2025").exists(), (work / "data" / "processed" / "2025").exists()
    partial = _run(work, "--jobs", "2", "--publish-partial", env=env)
    after_partial = (_published(work), _manifest(work),
                     (work / "reports" / "index.html").read_text(encoding="utf-8"))
    checked = subprocess.run([sys.executable, "-m", "pipelines", "verify", "--period", "2025", "--quick", "--data-dir",
                              "data", "--reports-dir", "reports"], cwd=work, capture_output=True, text=True, timeout=300)
    mended = _run(work, "--jobs", "2")
    return work, refused, after_refused, partial, after_partial + (checked,), mended


REASON = f"InjectedFailure: lỗi được gây ra để thử nghiệm (BAOCAO_FAIL_REPORT={FAILING})"


@pytest.mark.slow
def test_a_failed_report_is_listed_while_the_others_render_and_nothing_is_published(failing):
    _, (status, out, err), after_refused, *_ = failing
    assert status == 5
    assert err == (f"{FAILING}: {REASON}\n"
                   "LỖI: 1 báo cáo không làm được; không công bố gì của kỳ này "
                   "(dùng --publish-partial để công bố các báo cáo đã làm được)\n")
    assert "      5/5 báo cáo (100,0 %)" in out and "1 lỗi" in out
    assert f"        - {FAILING} (Báo cáo trẻ em năm 2025 – Xã Hoành Mô): {REASON}\n" in out
    assert after_refused == (False, False)


@pytest.mark.slow
def test_publish_partial_publishes_the_others_exactly_and_says_what_is_missing(local, failing):
    _, _, _, (status, out, err), (published, record, index, checked), _ = failing
    assert status == 6
    assert err.endswith("LỖI: đã công bố 4 báo cáo; 1 báo cáo không làm được (liệt kê ở trên), chạy lại sau khi sửa\n")
    assert record.failed == {FAILING: REASON}
    whole = _published(local[0])
    assert published["processed"] == whole["processed"]
    assert published["reports"] == {name: data for name, data in whole["reports"].items() if FAILING not in name}
    assert f"{FAILING}.html" not in index and "bao-cao-tre-em-2025-xa-06838.html" in index
    assert checked.returncode == 1  # `verify` does not call an incomplete period whole
    assert f"      THIẾU {FAILING}: không làm được khi chạy ({REASON})\n" in checked.stdout


@pytest.mark.slow
def test_the_next_run_makes_only_the_missing_report(local, failing):
    work, *_, (status, out, err) = failing
    assert (status, err) == (0, "")
    assert "      4 báo cáo không đổi (cùng số liệu, mã nguồn và tham số): dùng lại bản đã công bố\n" in out
    assert "      1 báo cáo cần làm, trên 1 tiến trình\n" in out
    assert _published(work) == _published(local[0])


def test_a_small_run_renders_in_its_own_process_and_lists_each_failure(tmp_path):
    """No --jobs and few reports: no cluster is started; a report that fails comes back as a Failure
    with its reason and the next one is still made (here: two notebooks that do not exist)."""
    (tmp_path / "data").mkdir()
    todo = [jobs.Job(f"bao-cao-{n}", f"khong-co-{n}.ipynb", {"data_dir": "data"}, "x") for n in (1, 2)]
    said = []
    made = list(fanout.render(todo, tmp_path, fanout.Pool(), said.append, "any fingerprint"))
    assert [(job.stem, type(outcome).__name__) for job, outcome in made] == [("bao-cao-1", "Failure"),
                                                                              ("bao-cao-2", "Failure")]
    assert [outcome.reason for _, outcome in made] == [f"không tìm thấy notebook {NOTEBOOK_DIR / 'khong-co-1.ipynb'}",
                                                       f"không tìm thấy notebook {NOTEBOOK_DIR / 'khong-co-2.ipynb'}"]
    assert len(said) == 1 and said[0].startswith("      2/2 báo cáo (100,0 %), ") and said[0].endswith(" báo cáo/phút; 2 lỗi")
