"""What a kept kernel restores between two reports, run inside the kernel itself.

A kernel kept for many reports (pipelines.report.kept) imports pandas, matplotlib and the package
once; everything a notebook can change besides its imports is put back before the next report, so
that a report gives the same bytes whether it is the first or the thousandth of its kernel:
IPython's namespace, history and execution counter (a new session: the first cell is `[1]` again),
open figures and matplotlib's settings, warning filters, environment variables, `sys.path`, the
random generators and the working folder. Imported modules stay: that is the point, and the
package's own caches hold code and configuration only, never a period's data.

Kept small and free of heavy imports beyond the ones a report needs anyway: this module is
imported into the kernel, not into the process that drives it.
"""

from __future__ import annotations

import copy
import gc
import os
import random
import sys
import warnings

# Imported once by `prepare`: what every report notebook imports, so that the first report of a
# kernel does not pay for them (the list is about speed only; a module missing here is imported by
# the notebook as usual).
PRELOAD = ("pandas", "matplotlib.pyplot", "IPython.display", "pipelines.intake.raw", "pipelines.report.context",
           "pipelines.report.factsheet", "pipelines.report.charts", "pipelines.report.narrative",
           "pipelines.report.sections", "pipelines.report.header", "pipelines.report.breakdown_tables",
           "pipelines.report.definitions")

_saved: dict = {}


def prepare() -> None:
    """Import what reports use, then remember the state every report starts from."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    import matplotlib
    import numpy

    _saved.update(rc=copy.deepcopy(dict(matplotlib.rcParams)), filters=list(warnings.filters),
                  environ=dict(os.environ), path=list(sys.path), random=random.getstate(),
                  numpy_random=numpy.random.get_state())
    gc.freeze()  # the modules stay for the kernel's life: cyclic collections during a report need not walk them


def clear(cwd: str) -> None:
    """Put the kernel back in the state `prepare` saw, in folder `cwd`, as a new IPython session."""
    import matplotlib
    import matplotlib.pyplot as plt
    import numpy
    from IPython import get_ipython

    plt.close("all")
    matplotlib.rcParams.clear()
    matplotlib.rcParams.update(_saved["rc"])
    warnings.filters[:] = _saved["filters"]
    warnings._filters_mutated()  # forgets which warnings were shown "once": the next report shows them again
    os.environ.clear()
    os.environ.update(_saved["environ"])
    sys.path[:] = _saved["path"]
    random.setstate(_saved["random"])
    numpy.random.set_state(_saved["numpy_random"])
    os.chdir(cwd)
    get_ipython().reset(new_session=True)
