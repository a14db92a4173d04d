"""Great Expectations, imported once per process and set up for unattended runs, and made to
validate a country's commune list without rebuilding it at every step (`shared_configurations`)."""

from __future__ import annotations

import gc
import importlib
import importlib.util
import logging
import os
import sys
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

VERIFIED = "1.24."  # the GX release `shared_configurations` was checked against (requirements.lock: 1.24.1)


@lru_cache(maxsize=1)
def load() -> Any:
    """Import GX once per process (about 4 s), register our own expectations and build one in-memory
    context. Analytics are off (a scheduled run must not phone home); progress bars and logging are
    silenced (the log is for officers). What is loaded so far is then left out of Python's cyclic
    garbage collections: each full collection would otherwise walk it again, about 2 s of CPU over a
    district's run (validation and the reports rendered in this process)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    _deferred("scipy.stats")  # GX imports it for three distribution expectations no suite of ours uses: 0.5 s
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from pipelines.validate import gx_custom  # noqa: F401 - defining the classes registers them with GX
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("raw_forms")
    gc.freeze()  # the ~1 million objects of GX and pandas live as long as the process: no collection walks them again
    return gx, context


def _deferred(name: str) -> None:
    """Make the submodule `name` load on its first use rather than when it is imported (the standard
    library's LazyLoader recipe): `from package import module` then binds it without running it. It is
    also set on its package, so that importing it does not touch it (Python 3.11 looks at `__spec__`,
    which would load it). Nothing changes for a module already imported."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    package, _, child = name.rpartition(".")
    setattr(importlib.import_module(package), child, module)


@contextmanager
def shared_configurations():
    """While a suite runs, each GX expectation builds its configuration once, and each configuration
    its expectation once, instead of at every one of the ~100 times GX asks for them.

    Why: GX 1.x rebuilds an expectation's configuration (a pydantic `dict()` of every argument) each
    time it needs one, and an expectation from each configuration as often. That is nothing for a
    district; for the country the commune list (10,035 codes) is an argument of the code-list rule,
    walked item by item at each rebuild: 19 of the 25 seconds of one form's validation. Both are
    pure functions of objects GX does not change while validating, so they are remembered per object
    for the length of one run (and recomputed if the object's fields are reassigned); the results are
    the same, which tests/test_vectorised.py checks, GX's record included. Only with the GX release the
    project pins (requirements.lock), whose internals this relies on; any other runs as GX does."""
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    gx = load()[0]
    if not gx.__version__.startswith(VERIFIED):
        yield
        return
    configuration, to_domain_obj = Expectation.__dict__["configuration"], ExpectationConfiguration.to_domain_obj
    built: dict[int, tuple] = {}

    def remembered(kind: str, obj: Any, state: tuple, make) -> Any:
        hit = built.get(id(obj))
        if hit is None or hit[0] is not obj or hit[1] != (kind, state):
            hit = built[id(obj)] = (obj, (kind, state), make(obj))
        return hit[2]

    def shared_configuration(self):
        state = tuple(map(id, self.__dict__.values())), frozenset(self.__fields_set__)
        return remembered("configuration", self, state, configuration.fget)

    def shared_expectation(self):
        state = (self.type, tuple((k, id(v)) for k, v in self.kwargs.items()), id(self.meta), self.id, self.notes,
                 self.description, self.severity, id(self.rendered_content))
        return remembered("expectation", self, state, to_domain_obj)

    Expectation.configuration = property(shared_configuration)
    ExpectationConfiguration.to_domain_obj = shared_expectation
    try:
        yield
    finally:
        Expectation.configuration = configuration
        ExpectationConfiguration.to_domain_obj = to_domain_obj
