"""Kernels on IPC transport (Unix domain sockets), never TCP ports.

Over TCP jupyter_client picks five free ports, closes them and hands them to the kernel, which binds
them a moment later; two kernels started at the same moment (a run's two Dask workers, or two runs)
can be handed the same port, and one dies with `ZMQError: Address already in use` before it answers
(papermill issue 511, jupyter_client issue 487). Socket files in a folder that belongs to one kernel
cannot collide. Used by every kernel the product starts (pipelines.report.kept, notebooks).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref

from jupyter_client.manager import AsyncKernelManager

# Unix domain socket paths are limited to about 100 bytes (108 on Linux, 104 on macOS).
_SOCKET_PATH_ROOM = 90


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
