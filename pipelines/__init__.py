"""Reproducible reports on children (care, protection, education) for Vietnamese local government.

All logic lives in this package; notebooks only call it. Subpackages follow the flow of a period,
and each uses only the ones listed before it (an import-linter contract in pyproject.toml):

- core: settings, the forms contract, the processed-data catalogue, words (locales) and number formats, writers
- units: reporting periods, administrative units by period, scopes, the 2025 crosswalk
- intake: reading raw forms, ingesting commune workbooks, Excel templates
- validate: Great Expectations suites and cross-form checks, problems and their messages
- indicators: the indicator catalogue, computation, trends and progress, public editions
- report: what a report says (context, sections, charts), notebook execution, HTML and PDF
- publish: one period end to end (all-or-nothing publication) and the index page
- cli: the `baocao` command on top
"""

import sys as _sys

# jsonschema (under nbformat, which every run imports) compiles an IRI grammar when it is imported if
# the optional `rfc3987_syntax` is installed: about 1 s of CPU in every process, for "iri" format
# checks no schema we use asks for (nbformat's and Great Expectations' schemas use no such format).
# Marking it absent before anything imports jsonschema saves that second; a process that imported it
# already keeps it.
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
