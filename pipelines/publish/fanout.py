"""Reports rendered in parallel: on a local pool of worker processes or on an existing Dask cluster.

Why one code path: `--jobs N` starts a local Dask cluster of N single-threaded worker processes,
`--scheduler tcp://HOST:PORT` connects to a cluster someone else runs (workers on other machines);
from there on both are the same Dask client, the same tasks and the same results, so a province
rendered on a cluster gives the bytes a laptop gives. Each worker keeps one kernel for all its
reports (pipelines.report.kept) and ends it when the run ends.

A small run is rendered in this process instead (`Pool.here`): one worker, without a cluster.
Why: every worker process imports pandas, papermill, nbconvert, WeasyPrint and the package again,
and its kernel imports pandas and matplotlib again: about 6 s of CPU a worker, more than a district's
eight reports cost to make. The reports are made by the same `make_report`, so the bytes are those a
worker gives (tests/test_fanout.py compares `--jobs 1` with a real cluster); `--scheduler`, and
`--jobs N` (N > 1) for more than one report, always go through Dask.

What a worker needs: the package installed with the same code (checked: a worker whose code
fingerprint differs refuses the task) and the data folder at the same path, e.g. a shared NFS
mount (checked too). Tasks carry a report's parameters, results carry its bytes back; only this
process writes.

One failed report does not stop the others: it comes back as a `Failure` with its reason, and the
caller decides whether anything is published (`--publish-partial`).
"""

from __future__ import annotations

import gc
import logging
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipelines.core import errors, failpoints
from pipelines.core.text import failure, t
from pipelines.publish.jobs import Job, WorkerMismatch, make_report
from pipelines.publish.progress import Progress

ONE_PROCESS_UP_TO = 12  # reports a run with no --jobs renders in its own process (a district and its communes)
WORKER_EXIT = 60  # seconds a worker may take to exit (tearing down pandas, matplotlib, … on a busy machine)
CONNECT = 30      # seconds to reach a scheduler, and to wait for its first worker


class ClusterUnavailable(errors.RunError):
    """The scheduler given with --scheduler cannot be reached or has no worker."""


@dataclass(frozen=True)
class Pool:
    """Where reports are rendered: `jobs` local worker processes, or the cluster at `scheduler`."""
    jobs: int = 0          # 0: one per core
    scheduler: str = ""    # tcp://host:port

    def workers(self, reports: int) -> int:
        """Processes to render `reports` on: as asked (--jobs), else one per core, or one for a small run."""
        if not self.jobs and reports <= ONE_PROCESS_UP_TO:
            return 1
        return max(1, min(reports, self.jobs or cores()))

    def here(self, reports: int) -> bool:
        """Render in this process: one worker and no cluster to reach."""
        return not self.scheduler and self.workers(reports) == 1


@dataclass(frozen=True)
class Failure:
    """A report that could not be made, and why, in words an operator can act on."""
    job: Job
    reason: str


def cores() -> int:
    """The cores this process may use (a container or `taskset` may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def render(todo: list[Job], cwd: Path, pool: Pool, say, code: str, lang: str = "vi"
           ) -> Iterator[tuple[Job, tuple | Failure]]:
    """(job, (notebook, HTML, PDF)) or (job, Failure) for every job, as each is done. `code` is the
    code fingerprint every worker must have; `lang` the language of the progress and of the reasons.
    Workers and their kernels have ended when this returns."""
    progress = Progress(len(todo), say, lang=lang)
    made = _in_this_process(todo, cwd, lang) if pool.here(len(todo)) else _on_dask(todo, cwd, pool, code, lang)
    try:
        for n, (job, outcome) in enumerate(made):
            if n == 0:
                failpoints.reached("rendering")  # a kill while other reports are still to render
            progress.step(job.stem, isinstance(outcome, Failure))
            yield job, outcome
    finally:
        progress.close()
        made.close()


def _in_this_process(todo: list[Job], cwd: Path, lang: str) -> Iterator[tuple[Job, tuple | Failure]]:
    """The reports one after the other on this process's kept kernel, ended after the last. What the
    run holds so far (tables, validation, libraries) stays to the end: Python's cyclic garbage
    collections leave it out (`gc.freeze`) instead of walking it again during every report."""
    from pipelines.report import kept

    gc.freeze()
    try:
        for job in todo:
            try:
                yield job, make_report(job, str(cwd))  # this process's own code: nothing to check
            except Exception as error:  # noqa: BLE001 - one failed report does not stop the others
                yield job, Failure(job, _reason(error, lang))
    finally:
        kept.stop()


def _on_dask(todo: list[Job], cwd: Path, pool: Pool, code: str, lang: str) -> Iterator[tuple[Job, tuple | Failure]]:
    from dask.distributed import as_completed

    with _client(pool, len(todo)) as client:
        futures = {client.submit(make_report, job, str(cwd), code, key=f"report-{job.stem}-{uuid.uuid4().hex}"): job
                   for job in todo}
        try:
            for future in as_completed(list(futures)):
                job = futures.pop(future)
                outcome = future.result() if future.status == "finished" else Failure(job, _reason(future.exception(), lang))
                future.release()  # nothing of the run stays on a worker: closing one loses no result
                yield job, outcome
        finally:
            client.cancel(list(futures))


def _reason(error: BaseException, lang: str) -> str:
    from pipelines.report.notebooks import NotebookFailed

    if isinstance(error, NotebookFailed | WorkerMismatch):  # a notebook that failed, a worker that cannot make it
        return error.text(lang)
    if type(error).__name__ == "KilledWorker":
        return t(lang, "progress.killed")
    return f"{type(error).__name__}: {error}"


@contextmanager
def _client(pool: Pool, reports: int):
    """A Dask client on the pool; the kernels, workers (if local) and their processes are ended after."""
    from dask.distributed import Client, LocalCluster

    from pipelines.report import kept

    if pool.scheduler:
        try:
            client = Client(pool.scheduler, timeout=CONNECT)
            client.wait_for_workers(1, timeout=CONNECT)
        except (OSError, TimeoutError) as error:
            raise failure(ClusterUnavailable, "progress.no_cluster", scheduler=pool.scheduler, error=error) from None
        try:
            yield client
        finally:
            client.run(kept.stop)  # the cluster outlives the run; its kernels do not
            client.close()
        return
    with LocalCluster(n_workers=pool.workers(reports), threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:  # failures: ours to tell
        try:
            yield client
        finally:
            client.run(kept.stop)
            for nanny in list(cluster.workers.values()):  # each worker exits in its own time; by default a nanny
                cluster.sync(nanny.close, timeout=WORKER_EXIT)  # kills one still exiting after 4 s, with a warning
    _stop_resource_tracker()


def _stop_resource_tracker() -> None:
    """The worker processes are started by multiprocessing, which also starts a resource tracker that
    lives until this process exits: end it now, so that a command returns only after every process
    it started has ended (a scheduler may count what is left in the run's process group)."""
    from multiprocessing import resource_tracker

    stop = getattr(resource_tracker._resource_tracker, "_stop", None)  # Python ≥ 3.11 (private, stable)
    if stop is not None:
        stop()
