"""Why a build publishes nothing: blocking data problems, reports that could not be made.

Apart from pipelines.publish.build so that the commands and tests that catch them need not know how
a build runs; each carries its exit status (pipelines.core.errors)."""

from __future__ import annotations

from pipelines.core import errors, text
from pipelines.publish import fanout


class ReportsFailed(errors.ReportsNotMade):
    """Reports that could not be made, with `--publish-partial` not given: nothing is published."""

    def __init__(self, failures: list[fanout.Failure], lang: str = "vi"):
        self.failures = failures
        super().__init__(text.t(lang, "run.reports_failed", count=len(failures)))


class ValidationFailed(errors.DataError, RuntimeError):
    """Blocking data problems: the run stops and nothing is published."""

    def __init__(self, problems, lang: str = "vi"):
        self.problems = problems
        super().__init__(text.t(lang, "run.validation_failed", count=len(problems)))
