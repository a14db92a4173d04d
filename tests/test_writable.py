"""Every target folder's permissions checked before any work (issue 18, smaller breaks): a command
refuses, in one line naming the folder, before it reads anything, when a folder it will write
cannot be written.

Tests run as root, for whom `os.access` and file modes say yes to everything, so a folder that
cannot be written is made for real: a read-only bind mount, in a mount namespace of the command's
own (`unshare --mount`), which ends with it and leaves no mount behind. Skipped, with the reason,
where the container allows no such namespace."""

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE
from pipelines.core import writable
from pipelines.core.folders import Folders
from pipelines.units.period import Period

PERIOD = "2024"


@pytest.fixture(scope="module")
def read_only_mounts(tmp_path_factory):
    """Skip unless a read-only bind mount can be made in a private mount namespace."""
    folder = tmp_path_factory.mktemp("probe")
    if not shutil.which("unshare"):
        pytest.skip("needs unshare (util-linux) to make a read-only folder as root")
    tried = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            f"mount --bind -o ro {folder} {folder} && ! touch {folder}/x"], capture_output=True)
    if tried.returncode != 0:
        pytest.skip(f"no read-only bind mount in this container: {tried.stderr.decode().strip()}")


def _read_only(folders: list[Path], *args) -> subprocess.CompletedProcess:
    """`baocao *args` with each of `folders` mounted read-only, for this command only."""
    mounts = " && ".join(f"mount --bind -o ro {shlex.quote(str(f))} {shlex.quote(str(f))}" for f in folders)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", mounts + ' && exec "$@"', "sh",
                           sys.executable, "-m", "pipelines", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=300)


def _data(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE / PERIOD, tmp_path / "data" / "raw" / PERIOD)
    shutil.copy2(SAMPLE.parent / "baocao.yml", tmp_path / "data" / "baocao.yml")
    return tmp_path / "data"


def test_a_probe_leaves_nothing_and_a_missing_folder_is_probed_where_it_would_be_made(tmp_path):
    assert writable.probe(tmp_path / "not" / "yet") is None
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "file").write_text("x")
    assert isinstance(writable.probe(tmp_path / "file"), NotADirectoryError)


def test_each_command_lists_the_folders_it_writes(tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    (reports / PERIOD / "notebooks").mkdir(parents=True)
    folders, period = Folders.at(data, reports), Period.parse(PERIOD)
    logs, locks = data / "logs", data / ".locks"
    assert writable.written_by("run", folders, period) == [
        data / "processed", data / "processed" / PERIOD, data / ".cache" / "validation", data / ".keys", tmp_path,
        reports, reports / PERIOD, reports / PERIOD / "notebooks", logs, locks]
    public = tmp_path / "www" / "public"
    assert writable.written_by("run", Folders(data, reports, public), period) == [
        data / "processed", data / "processed" / PERIOD, data / ".cache" / "validation", data / ".keys", tmp_path,
        reports, reports / PERIOD, reports / PERIOD / "notebooks", tmp_path / "www", public, public / PERIOD, logs, locks]
    assert writable.written_by("validate", folders, period) == [data / ".cache" / "validation", logs, locks]
    assert writable.written_by("ingest", folders, period) == [data / "raw" / PERIOD, logs, locks]
    assert writable.written_by("approve", folders, period) == [data / "approvals", data / ".keys", logs, locks]
    assert writable.written_by("sign", folders, period) == [
        data / "approvals", data / ".keys", data / "signed" / PERIOD, reports / PERIOD, reports / PERIOD / "notebooks",
        logs, locks]
    assert writable.written_by("verify", folders, period) == [logs, locks]


def test_a_run_whose_published_reports_folder_is_read_only_is_refused_before_anything(tmp_path, read_only_mounts):
    """The issue's case: `reports/2024/` not writable. The run used to publish, then fail to delete
    the old version and leave `.previous-2024` behind; now it stops before reading the raw data."""
    data, published = _data(tmp_path), tmp_path / "reports" / PERIOD
    published.mkdir(parents=True)
    (published / "old.html").write_text("đã công bố", encoding="utf-8")
    done = _read_only([published], "run", "--period", PERIOD, "--data-dir", data, "--reports-dir", tmp_path / "reports")
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == (f"LỖI: không ghi được vào thư mục {published} (Read-only file system), nơi lệnh run cần ghi; "
                           "chưa đọc, chưa làm gì. Cấp quyền ghi cho người chạy lệnh hoặc chọn thư mục khác\n")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [PERIOD]
    assert sorted(p.name for p in data.iterdir()) == ["baocao.yml", "logs", "raw"]  # no lock, no processed/


def test_an_ingest_into_a_read_only_period_folder_is_refused_naming_it(tmp_path, read_only_mounts):
    data = _data(tmp_path)
    sent = tmp_path / "population.csv"
    shutil.copy2(SAMPLE / PERIOD / "population.csv", sent)
    done = _read_only([data / "raw" / PERIOD], "ingest", "--period", PERIOD, "--data-dir", data, "--lang", "en", sent)
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr == (f"ERROR: cannot write to the folder {data / 'raw' / PERIOD} (Read-only file system), which "
                           "the ingest command writes; nothing was read or done. Let the user running the command "
                           "write there, or choose another folder\n")


def test_a_validate_in_a_read_only_data_folder_names_the_folder_it_cannot_make(tmp_path, read_only_mounts):
    data = _data(tmp_path)
    done = _read_only([data], "validate", "--period", PERIOD, "--data-dir", data)
    assert done.returncode == 3
    assert done.stderr == (f"LỖI: không tạo được thư mục {data / '.cache' / 'validation'} trong {data} (Read-only file "
                           "system), nơi lệnh validate cần ghi; chưa đọc, chưa làm gì. Cấp quyền ghi cho người chạy "
                           "lệnh hoặc chọn thư mục khác\n")
