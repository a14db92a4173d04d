"""For analysts in JupyterLab: a period's processed indicators and raw tables in one call.

    from pipelines.report import explore
    indicators, tables = explore.load("2024")

`indicators` holds every indicator of every unit for the period and the earlier periods its run
used for trends (column `period`), ready to slice by commune, indicator and period;
`tables` holds the period's raw forms, typed, keyed by form name. Nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.intake import raw
from pipelines.core import datasets
from pipelines.core.text import failure
from pipelines.report.context import NotProcessed
from pipelines.units.period import Period


def load(period: object, data_dir: Path | str = "data") -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """(indicators of the period and earlier periods, the period's typed raw tables)."""
    period = Period.parse(period)
    path = datasets.processed_file(data_dir, period, datasets.HISTORY)
    if not path.is_file():
        raise failure(NotProcessed, "report_data.not_processed", period=period, path=path)
    tables = {name: raw.typed(name, frame) for name, frame in raw.read_period(data_dir, period).items()}
    return pd.read_parquet(path), tables


def wide(indicators: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """One indicator as a table: a row per unit, a column per period."""
    rows = indicators[indicators["indicator_id"] == indicator_id]
    return rows.pivot_table(index=["unit_code", "unit_name"], columns="period", values="value", aggfunc="first")


def first_commune(indicators: pd.DataFrame) -> str:
    """The lowest commune code in the table: a default for a notebook that looks at one commune."""
    return str(sorted(indicators.loc[indicators["level"] == "commune", "unit_code"])[0])
