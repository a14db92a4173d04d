"""One root for every failure the product explains to a user, carrying its exit status.

A scheduled run nobody watches is judged by its exit status alone, so the status belongs to the
failure, not to a table in the command line that must be kept in step with every new exception:
the command line maps `BaocaoError.exit_status` to the process's status in one place
(pipelines.cli), and anything that is not a BaocaoError is a defect, reported as exit 3.

Statuses: 0 done; 1 warnings only (`validate`) or a file that differs (`verify`); 2 data errors
(nothing published, nothing ingested); 3 any other failure; 4 another run holds the period;
5 some reports could not be made, nothing published; 6 the same, the others published as asked;
7 published, but the previous version could not be deleted (the next run deletes it); 8 (`status`)
forms missing, late or with errors: a scheduler waits for 0.
"""

from __future__ import annotations

EXIT_OK, EXIT_WARNINGS, EXIT_DATA_ERRORS, EXIT_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 4
EXIT_DIFFERS = 1
EXIT_REPORTS_FAILED, EXIT_PARTIAL, EXIT_CLEANUP = 5, 6, 7
EXIT_INCOMPLETE = 8  # `baocao status`: not everything is in, on time and without errors
EXIT_INTERRUPTED = 130


class BaocaoError(Exception):
    """A failure with a message a user can act on. Subclasses set `exit_status`.

    Made by `pipelines.core.text.failure(cls, key, **values)`, the message is a template of the
    locale store: `str(error)` is Vietnamese (what a log, a test or a caller without a language
    reads) and `text(lang)` writes it in the language of the command that reports it. Made with a
    message, that message in every language: the module that raised it already wrote it in the
    language asked (ingest does). This module holds no words, so the locale store may use it."""

    exit_status = EXIT_FAILED
    key: str | None = None
    values: dict[str, object] = {}

    def text(self, lang: str) -> str:
        """The message in `lang`: a failure made by `pipelines.core.text.failure` is written from its
        template; any other carries one message, already in the language asked."""
        return self.written(lang) if self.key else str(self)

    @staticmethod
    def written(lang: str) -> str:  # pragma: no cover - set per failure by pipelines.core.text.failure
        raise NotImplementedError


class DataError(BaocaoError, ValueError):
    """Input data that cannot be used as it is (a raw file, a workbook, a form): exit 2."""

    exit_status = EXIT_DATA_ERRORS


class UsageError(BaocaoError, ValueError):
    """A bad argument, setting or folder: exit 3."""


class RunError(BaocaoError, RuntimeError):
    """Something the run could not do (a cluster out of reach, a kernel that would not start): exit 3."""


class PeriodBusy(BaocaoError, RuntimeError):
    """Another run holds the period (or the reports folder): exit 4."""

    exit_status = EXIT_LOCKED


class ReportsNotMade(BaocaoError, RuntimeError):
    """Some reports could not be made and nothing was published: exit 5."""

    exit_status = EXIT_REPORTS_FAILED


class CleanupFailed(BaocaoError, RuntimeError):
    """The publication committed (the new version is the published one), but the previous version
    beside it could not be deleted: exit 7, not a failure of the publication."""

    exit_status = EXIT_CLEANUP
