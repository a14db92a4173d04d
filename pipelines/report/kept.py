"""One kernel per process, kept for report after report and cleared between them.

Why: starting a kernel and importing pandas, matplotlib and the package cost about 4 s of every
report, more than the report's own work; at 10,000 fact sheets that is the whole national run.
Why not simply reuse a papermill kernel: papermill (with nbclient) starts a kernel per notebook and
offers no way to keep one, but its execution engines are pluggable. `KeptKernelEngine` is the
standard nbclient engine given a kernel that is already running: papermill still injects the
parameters, runs every cell, records its metadata and returns the executed notebook, the report's
audit trail, exactly as with a fresh kernel.

Isolation: before each notebook the kernel runs `kernel_state.clear` silently (no output, no
execution count): a new IPython session in the report's working folder, with figures, settings,
warnings, environment and random state as they were after the imports. A kernel that died (a
crash, memory) is replaced by a new one before the next report. The kernel talks over IPC sockets
(pipelines.report.ipc), so no TCP port is ever raced for.

Threads: a kernel client belongs to the event loop it was made on, so every call to the kernel
runs on one thread of this module's own ("baocao-kernel"), whatever thread asks (a Dask worker
may run tasks on different threads). `stop()` shuts the kernel down; at interpreter exit a kernel
still running is killed.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

from pipelines.core import errors
from pipelines.report.ipc import IPCKernelManager

ENGINE = "baocao-kept-kernel"
_LOG = logging.getLogger("papermill")
START_TIMEOUT = 120  # seconds for a kernel to answer on a busy machine


class KernelSetupFailed(errors.RunError):
    """The kept kernel could not be started or cleared."""


class _Kept:
    """A running kernel, its client and the process it belongs to."""

    def __init__(self, kernel_name: str):
        self.name, self.pid = kernel_name, os.getpid()
        self.km = IPCKernelManager(kernel_name=kernel_name)
        run_sync(self.km.start_kernel)()
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=START_TIMEOUT)
        self.run_silently("import pipelines.report.kernel_state as _baocao_state\n_baocao_state.prepare()")

    def alive(self) -> bool:
        return run_sync(self.km.is_alive)()

    def run_silently(self, code: str) -> None:
        """Run `code` without output or history; raise if it fails."""
        run_sync(self._run_silently)(code)

    async def _run_silently(self, code: str) -> None:
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        while True:
            reply = await self.kc.get_shell_msg(timeout=START_TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelSetupFailed(f"kernel: {content.get('ename')}: {content.get('evalue')}")

    def stop(self) -> None:
        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=False)
        finally:
            self.kill()

    def kill(self) -> None:
        """Synchronous last resort (any thread, at exit): end the kernel process if it still runs."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if self.km._remove_folder:
            self.km._remove_folder()


_lock = threading.Lock()
_thread: ThreadPoolExecutor | None = None
_kernel: _Kept | None = None


def _on_kernel_thread(function, *args):
    global _thread
    with _lock:
        if _thread is None:
            _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baocao-kernel")
    return _thread.submit(function, *args).result()


def _ready(kernel_name: str, cwd: str) -> _Kept:
    """The process's kernel, started if there is none or it died, cleared and moved to `cwd`."""
    global _kernel
    if _kernel is not None and (_kernel.name != kernel_name or _kernel.pid != os.getpid() or not _kernel.alive()):
        _kernel.kill()
        _kernel = None
    if _kernel is None:
        _kernel = _Kept(kernel_name)
    _kernel.run_silently(f"import pipelines.report.kernel_state as _baocao_state\n_baocao_state.clear({cwd!r})")
    return _kernel


def stop() -> None:
    """Shut this process's kernel down (the end of a run, on every worker)."""
    global _kernel, _thread
    if _thread is None:
        return
    if _kernel is not None:
        kernel, _kernel = _kernel, None
        _on_kernel_thread(kernel.stop)
    _thread.shutdown()
    _thread = None


@atexit.register
def _kill_at_exit() -> None:
    if _kernel is not None and _kernel.pid == os.getpid():
        _kernel.kill()


class KeptKernelEngine(NBClientEngine):
    """papermill's nbclient engine on the process's kept kernel (see the module's docstring)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                             log=_LOG, log_output=log_output,
                             stdout_file=stdout_file, stderr_file=stderr_file)
        cwd = os.getcwd()  # papermill.execute_notebook(cwd=…) has moved this process there
        return _on_kernel_thread(_execute, nb_man, final, kernel_name, cwd)


def _execute(nb_man, final: dict, kernel_name: str, cwd: str):
    kernel = _ready(kernel_name, cwd)
    client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
    client.kc = kernel.kc
    return client.execute(cleanup_kc=False)


papermill_engines.register(ENGINE, KeptKernelEngine)
