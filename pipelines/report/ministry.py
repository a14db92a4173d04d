"""Which ministry is in charge of child affairs for a period: it issues the national report and
receives a province's.

Why data, not a constant: the portfolio moved. Until 28 February 2025 it was the Ministry of Labour,
Invalids and Social Affairs (Bộ Lao động - Thương binh và Xã hội); from 1 March 2025 the Ministry of
Health (Decree 42/2025/NĐ-CP). A report of 2024 printed today must still name the ministry of 2024.
The dates are `ministries` in pipelines/config/project.yml, the names national.ministry.<key>.* in
locales/<lang>/national.yml; a deployment names another issuing body with `report: issuing_body` in
its baocao.yml or `--param issuing_body=…`.
"""

from __future__ import annotations

import datetime as dt

from pipelines.core import settings
from pipelines.units.period import Period


def key(period: Period) -> str:
    """The ministry in charge on the day `period` ends: "molisa" or "health" (project.yml)."""
    entries = sorted(settings.load("project.yml")["ministries"], key=lambda e: str(e["from"]))
    found = [e["key"] for e in entries if dt.date.fromisoformat(str(e["from"])) <= period.end]
    return found[-1] if found else entries[0]["key"]


def superior(period: Period) -> str:
    """The key of closing.superior that names the ministry a province reports to."""
    return "ministry" if key(period) == "health" else f"ministry_{key(period)}"
