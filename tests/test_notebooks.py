"""pipelines.report.notebooks on a two-cell notebook, not the report: the (kept) kernel is started over IPC
(Unix domain sockets in a private folder), so two kernels started at the same moment cannot race for
a TCP port (`ZMQError: Address already in use`, papermill issue 511), and a failing cell is reported
with the notebook's name. The report notebooks themselves also run through papermill's own command
line (which passes `-p unit 06847` as an int) on the shared processed data of the sample."""

import asyncio
import json
import os
import stat
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from conftest import REPO
from pipelines.report import ipc, kept, notebooks

pytestmark = pytest.mark.skipif(os.name != "posix", reason="IPC transport needs Unix domain sockets")

PROBE = """\
import json, os
from ipykernel.kernelapp import IPKernelApp
app = IPKernelApp.instance()
print(json.dumps({"transport": app.transport, "ip": app.ip, "connection_file": app.connection_file,
                  "files": sorted(os.listdir(os.path.dirname(app.connection_file))), "unit": unit}))
"""


def _notebook(folder, *cells):
    nb = new_notebook(cells=[new_code_cell('unit = "198"', metadata={"tags": ["parameters"]}),
                             *(new_code_cell(cell) for cell in cells)])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def made(monkeypatch):
    """The private folders the kernel managers of a test make."""
    folders, make = [], ipc._private_folder

    def recorded():
        folders.append(make())
        return folders[-1]

    monkeypatch.setattr(ipc, "_private_folder", recorded)
    kept.stop()  # the process's kept kernel, if another test left one, is not this test's
    yield folders
    kept.stop()


def test_the_kernel_manager_puts_the_connection_in_a_private_folder_and_removes_it():
    km = notebooks.IPCKernelManager(kernel_name="python3")
    folder = km.private_folder
    assert km.transport == "ipc" and not km.cache_ports  # no TCP port is picked, cached or bound
    assert os.path.dirname(km.connection_file) == folder and km.ip == os.path.join(folder, "kernel")
    assert stat.S_IMODE(os.stat(folder).st_mode) & 0o777 == 0o700  # only this user may connect
    km.write_connection_file()
    assert km.get_connection_info()["transport"] == "ipc" and km.shell_port > 0
    assert len(os.path.join(folder, f"kernel-{km.shell_port}")) < 100  # fits a Unix socket address
    asyncio.run(km.cleanup_resources())  # what nbclient calls when the notebook is done
    assert not os.path.exists(folder)


def test_a_notebook_runs_in_a_kernel_on_ipc_transport(tmp_path, monkeypatch, made):
    monkeypatch.chdir(tmp_path)
    nb = notebooks.execute(_notebook(tmp_path, PROBE), {"unit": "06847"}, cwd=tmp_path)

    kernel = json.loads(nb.cells[-1].outputs[0]["text"])
    folder = os.path.dirname(kernel["connection_file"])
    assert (kernel["transport"], kernel["unit"]) == ("ipc", "06847")
    assert os.path.basename(folder).startswith("baocao-kernel-") and kernel["ip"] == os.path.join(folder, "kernel")
    # the connection file and the kernel's five sockets (shell, iopub, stdin, control, heartbeat), alone in their folder
    assert kernel["files"] == ["kernel-1", "kernel-2", "kernel-3", "kernel-4", "kernel-5", "kernel.json"]
    assert made == [folder] and os.path.exists(folder)  # the kernel is kept for the next notebook
    kept.stop()
    assert not os.path.exists(folder)  # removed with the kernel
    assert sorted(os.listdir(tmp_path)) == ["probe.ipynb"]  # no socket file in the working folder


def test_a_failing_cell_names_the_notebook_and_the_error(tmp_path, made):
    path = _notebook(tmp_path, "1 / 0")
    with pytest.raises(notebooks.NotebookFailed, match=r"notebook .*probe\.ipynb lỗi ở ô \d+: ZeroDivisionError: "
                                                        r"division by zero"):
        notebooks.execute(path, {}, cwd=tmp_path)
    assert len(made) == 1 and os.path.exists(made[0])  # a failing cell does not end the kept kernel
    kept.stop()
    assert not os.path.exists(made[0])  # the kernel's folder goes with it


def test_report_notebook_runs_from_papermill_command_line_with_numeric_looking_codes(processed_sample, tmp_path):
    out = tmp_path / "out.ipynb"
    done = subprocess.run([sys.executable, "-m", "papermill", REPO / "notebooks" / "04-commune-factsheet.ipynb", out,
                           "-p", "period", "2024", "-p", "unit", "06847", "-p", "data_dir", processed_sample,
                           "-k", "python3", "--cwd", tmp_path], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert '"unit": 6847' in text or "unit = 6847" in text  # papermill really passed an int
    # the header's two lines, as the HTML output is stored in the notebook's JSON (quotes escaped)
    assert 'ỦY BAN NHÂN DÂN</span><br><span class=\\"line\\">XÃ ĐỒNG VĂN</span>' in text
    assert '<span class=\\"figure\\">1.301</span></strong> trẻ em dưới 16 tuổi' in text


def test_exploration_notebook_runs_through_papermill(processed_sample, tmp_path):
    out = tmp_path / "explore.ipynb"
    done = subprocess.run([sys.executable, "-m", "papermill", REPO / "notebooks" / "02-explore-indicators.ipynb", out,
                           "-p", "period", "2024", "-p", "data_dir", processed_sample, "-k", "python3"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "net_enrolment_lower_secondary" in text and "Xã Đồng Văn" in text
