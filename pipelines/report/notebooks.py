"""Executes the report notebooks with papermill's Python API.

Notebooks live in the repository's `notebooks/` folder (next to this package), are parameterised
by a cell tagged `parameters`, and are run in a kernel of the same Python environment. The
executed notebook is returned, not written: pipelines.outputs keeps it as the audit trail.

Kernels talk to papermill over IPC (Unix domain sockets), not TCP. Over TCP jupyter_client picks
five free ports, closes them and hands them to the kernel, which binds them a moment later; two
kernels started at the same moment (a run's two Dask workers, or two runs) can be handed the same
port, and one dies with `ZMQError: Address already in use` before it answers (papermill issue 511,
jupyter_client issue 487). Socket files in a folder that belongs to one kernel cannot collide.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent.parent / "notebooks"
# Unix domain socket paths are limited to about 100 bytes (108 on Linux, 104 on macOS).
_SOCKET_PATH_ROOM = 90


class NotebookFailed(RuntimeError):
    """A report notebook raised; the message names the notebook and the error."""


def _private_folder() -> str:
    """A new folder only this process can enter, short enough to hold socket paths."""
    folder = tempfile.mkdtemp(prefix="baocao-kernel-")
    if len(folder) > _SOCKET_PATH_ROOM and os.path.isdir("/tmp"):  # a long TMPDIR
        os.rmdir(folder)
        folder = tempfile.mkdtemp(prefix="baocao-kernel-", dir="/tmp")
    return folder


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel listens on IPC sockets in a private temporary folder.

    The connection file and the five sockets (`kernel-1` … `kernel-5`) live in a folder made for
    this kernel alone (mode 0700), removed when the kernel is shut down, or at the latest when the
    manager is garbage-collected or the process exits (a kernel that never started). On a system
    without Unix domain sockets (Windows) it falls back to jupyter_client's TCP transport.
    """

    def __init__(self, **kwargs):
        self.private_folder = self._remove_folder = None
        if os.name == "posix":
            self.private_folder = _private_folder()
            self._remove_folder = weakref.finalize(self, shutil.rmtree, self.private_folder, ignore_errors=True)
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("connection_file", os.path.join(self.private_folder, "kernel.json"))
            kwargs.setdefault("ip", os.path.join(self.private_folder, "kernel"))
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._remove_folder:
            self._remove_folder()

    # AsyncKernelManager binds cleanup_resources to the base class's function, not by name
    cleanup_resources = _async_cleanup_resources

    async def _async_interrupt_kernel(self) -> None:
        """No interrupt on the way out: jupyter_client interrupts a kernel before asking it to shut
        down, and an idle kernel then logs "ERROR | KeyboardInterrupt caught in kernel" on stderr of
        every run; a kernel that does not stop is still terminated, then killed, by the shutdown."""
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel


def execute(name: str | Path, parameters: dict[str, str], cwd: Path | str | None = None,
            fresh: bool = False) -> nbformat.NotebookNode:
    """Run notebooks/<name> (or the notebook at an absolute path) with the given parameters on the
    process's kept kernel (pipelines.report.kept), or in a kernel of its own when `fresh`; both on
    IPC transport, both give the same executed notebook."""
    from pipelines.report import kept

    path = NOTEBOOK_DIR / name
    if not path.is_file():
        raise NotebookFailed(f"không tìm thấy notebook {path}")
    engine = {"kernel_manager_class": IPCKernelManager} if fresh else {"engine_name": kept.ENGINE}
    try:
        return papermill.execute_notebook(str(path), None, parameters=parameters, kernel_name="python3",
                                          progress_bar=False, log_output=False, cwd=str(cwd or os.getcwd()), **engine)
    except papermill.PapermillExecutionError as err:
        raise NotebookFailed(f"notebook {name} lỗi ở ô {err.exec_count}: {err.ename}: {err.evalue}") from None
