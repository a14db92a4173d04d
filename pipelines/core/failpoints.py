"""Named points where a crash test kills the run: `BAOCAO_KILL_AT=<point>`.

"Nothing lost, ever" is a promise about what a kill at any moment leaves on disk. A kill from
outside lands where it lands; these points let a test land one exactly where the risk is (between
two moves of a publication, in the middle of rendering) and then check the bytes. The kill is the
real one: SIGKILL to the run's whole process group (Dask workers and kernels with it), with no
chance to clean up. Unset, a point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "BAOCAO_KILL_AT"


def reached(point: str) -> None:
    if os.environ.get(VARIABLE) == point:
        os.killpg(os.getpgrp(), signal.SIGKILL)
