"""Reproducible reports on children (care, protection, education) for Vietnamese local government.

All logic lives in this package; notebooks only call it. Modules, one job each:
reference (administrative units by period), raw (reads raw forms), validation (Great
Expectations), indicators (catalogue and computation), outputs (writes processed data and
reports), report (what a report says), render (HTML and PDF), run (one period end to end), cli.
"""

__version__ = "0.1.0"
