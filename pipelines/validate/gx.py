"""Great Expectations, imported once per process and set up for unattended runs."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def load() -> Any:
    """Import GX once per process (about 4 s), register our own expectations and build one in-memory
    context. Analytics are off (a scheduled run must not phone home); progress bars and logging are
    silenced (the log is for officers)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from pipelines.validate import gx_custom  # noqa: F401 - defining the classes registers them with GX
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    context.data_sources.add_pandas("raw_forms")
    return gx, context
