"""Named points where a crash test kills the run (`BAOCAO_KILL_AT=<point>`) or fails one report
(`BAOCAO_FAIL_REPORT=<stem>`).

"Nothing lost, ever" is a promise about what a kill at any moment leaves on disk. A kill from
outside lands where it lands; these points let a test land one exactly where the risk is (between
two moves of a publication, in the middle of rendering) and then check the bytes. The kill is the
real one: SIGKILL to the run's whole process group (Dask workers and kernels with it), with no
chance to clean up. Unset, a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

from pipelines.core import errors
from pipelines.core.text import failure

VARIABLE = "BAOCAO_KILL_AT"
FAIL_REPORT = "BAOCAO_FAIL_REPORT"  # a report (file stem) whose making fails, as a broken notebook would


class InjectedFailure(errors.RunError):
    """The failure `BAOCAO_FAIL_REPORT` asked for."""


def reached(point: str) -> None:
    if os.environ.get(VARIABLE) == point:
        os.killpg(os.getpgrp(), signal.SIGKILL)


def failing(report: str) -> None:
    """Fail the making of `report` when `BAOCAO_FAIL_REPORT` names it: a test sees that one failed
    report is listed while the others are made (a worker inherits the variable from the run)."""
    if os.environ.get(FAIL_REPORT) == report:
        raise failure(InjectedFailure, "errors.injected", variable=FAIL_REPORT, report=report)
