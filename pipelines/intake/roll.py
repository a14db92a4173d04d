"""The commune codes of a period's raw data, read cheaply: which communes the folder holds.

Why a reader of its own: a command on a folder without settings infers its scope from the communes
in the data (pipelines.units.inference) before a run reads and validates every form. The population
form is the roll of communes (pipelines.indicators.period_tables.reported_communes); only its code
column is kept, and the file passes the same checks and limits as any raw form (pipelines.intake.raw
`text_of`) before it is parsed. A file that cannot be read fails here as it would in validation.
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from pathlib import Path

from pipelines.core.schema import forms
from pipelines.intake import raw
from pipelines.units.period import Period

ROLL = "population"  # the form every commune of the data sends
CODE = "commune_code"


def commune_codes(data_dir: Path | str, period: Period) -> list[str]:
    """The sorted commune codes of the period's population form; [] when the folder or the form is
    not there yet (nothing to infer from)."""
    path = raw.period_dir(data_dir, period) / forms()[ROLL].file
    if not path.exists() and not path.is_symlink():
        return []
    lines = csv.reader(io.StringIO(raw.text_of(path), newline=""))
    old = csv.field_size_limit(sys.maxsize)  # cells were bounded with the file (raw.text_of)
    try:
        header = [unicodedata.normalize("NFC", name.strip()) for name in next(lines, [])]
        if CODE not in header:
            return []  # validation names the missing column, with the file
        column = header.index(CODE)
        codes = {row[column].strip() for row in lines if len(row) > column and row[column].strip()}
    finally:
        csv.field_size_limit(old)
    return sorted(codes)
