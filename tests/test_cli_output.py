"""What a command prints, and where it goes (issue 18, smaller breaks): every line printed is in the
command's log, problem lines too; a reader that closes the pipe early does not change the exit
status; an OS error while writing names the file."""

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLE, baocao_here
from pipelines.core import outputs

NEGATIVE = ("population.csv dòng 8, cột children_under_16, xã Đồng Văn (06847): giá trị -3 phải là số nguyên không "
            "âm, chỉ gồm các chữ số 0-9 (không dấu chấm, dấu phẩy, dấu trừ hay chữ)")


@pytest.fixture
def broken(tmp_path):
    """A copy of the sample's 2023 and 2024 data with one negative count in 2024 (line 8)."""
    for period in ("2023", "2024"):
        shutil.copytree(SAMPLE / period, tmp_path / "data" / "raw" / period)
    shutil.copy2(SAMPLE.parent / "baocao.yml", tmp_path / "data" / "baocao.yml")
    population = tmp_path / "data" / "raw" / "2024" / "population.csv"
    text = population.read_text(encoding="utf-8")
    assert text.count("06847,Xã Đồng Văn,M,668,") == 1
    population.write_text(text.replace("06847,Xã Đồng Văn,M,668,", "06847,Xã Đồng Văn,M,-3,"), encoding="utf-8")
    return tmp_path / "data"


def _log(data: Path) -> list[str]:
    (log,) = sorted((data / "logs").glob("2024-*-validate-*.log"))
    return log.read_text(encoding="utf-8").splitlines()


def test_the_log_holds_every_line_the_command_printed_problems_included(broken, capsys):
    done = baocao_here(capsys, "validate", "--period", "2024", "--data-dir", broken)
    assert done.returncode == 2 and done.stderr.splitlines() == [NEGATIVE]
    assert _log(broken) == [*done.stdout.splitlines(), NEGATIVE, "mã thoát: 2"]


def test_a_reader_that_closes_the_pipe_does_not_change_the_exit_status(broken):
    """`baocao validate … | head -1`: the pipe is closed before the command prints anything."""
    process = subprocess.Popen([sys.executable, "-m", "pipelines", "validate", "--period", "2024", "--data-dir", broken],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    err = process.stderr.read().decode()
    assert process.wait(timeout=300) == 2
    assert err.splitlines() == [NEGATIVE]  # no BrokenPipeError, no traceback
    assert NEGATIVE in _log(broken)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device that is always full)")
def test_a_full_disk_names_the_file_being_written():
    with pytest.raises(OSError) as full:
        outputs.write_bytes(Path("/dev/full"), b"x" * 100_000)
    assert full.value.errno == errno.ENOSPC and full.value.filename == "/dev/full"
    assert str(full.value) == "[Errno 28] No space left on device: '/dev/full'"
